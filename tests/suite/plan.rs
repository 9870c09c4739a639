//! The plan's full text (`content/plan/text.yaml`): the original is the seed's own words, every
//! quotation is generated from it, and a quotation that does not match it fails the build.

use crate::harness::{TestSite, build_guide_into, snapshot};
use serde_json::Value;
use std::fs;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn paragraphs() -> Vec<Value> {
    let text = fs::read_to_string(root().join("content/plan/text.yaml")).unwrap();
    let data: Value = yaml_serde::from_str(&text).unwrap();
    data["paragraphs"].as_array().unwrap().clone()
}

/// The seed's text from the document number on, with the Markdown marks (`#`, `**`, `---`)
/// and the line and page breaks of its conversion taken out.
fn seed_body() -> String {
    let seed = fs::read_to_string(root().join("tests/vectors/plan-seed.txt")).unwrap();
    let joined: String = seed
        .lines()
        .map(str::trim_end)
        .filter(|l| l.trim() != "---")
        .map(|l| l.trim_start_matches('#').trim_start().replace("**", ""))
        .collect();
    let start = joined.find("武商发〔2023〕109号").unwrap();
    joined[start..].to_string()
}

#[test]
fn the_original_joined_in_order_is_the_seed_word_for_word() {
    let original: String = paragraphs()
        .iter()
        .flat_map(|p| p["sentences"].as_array().unwrap().clone())
        .map(|s| s["zh"].as_str().unwrap().to_string())
        .collect();
    let seed = seed_body();
    if original != seed {
        let at = original
            .chars()
            .zip(seed.chars())
            .take_while(|(a, b)| a == b)
            .count();
        let from: String = original
            .chars()
            .skip(at.saturating_sub(10))
            .take(40)
            .collect();
        let want: String = seed.chars().skip(at.saturating_sub(10)).take(40).collect();
        panic!(
            "the original differs from the seed at character {at}:\n  data: {from}\n  seed: {want}"
        );
    }
}

#[test]
fn the_plan_has_the_paragraphs_pages_link_to() {
    let ids: Vec<String> = paragraphs()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect();
    for id in ["preamble", "part-1", "part-3", "issue-note"] {
        assert!(ids.iter().any(|i| i == id), "no paragraph `{id}`");
    }
    for n in 1..=14 {
        let id = format!("m{n}");
        let p = paragraphs()
            .into_iter()
            .find(|p| p["id"] == id.as_str())
            .unwrap();
        assert_eq!(p["kind"], "measure", "{id}");
        let s = p["sentences"].as_array().unwrap();
        assert!(
            s[0]["zh"].as_str().unwrap().starts_with(&format!("{n}. ")),
            "{id}"
        );
        let units = s.last().unwrap()["zh"].as_str().unwrap();
        assert!(
            units.starts_with(['（', '('])
                && units.ends_with([')', '）'])
                && units.contains("负责"),
            "{id}: {units}"
        );
    }
}

// The translation must not say more than the original: the plan's hedged verbs keep their
// glossary renderings in the sentences the checker's benefits rest on.
#[test]
fn hedged_verbs_keep_their_glossary_renderings() {
    let m9 = paragraphs().into_iter().find(|p| p["id"] == "m9").unwrap();
    let s = &m9["sentences"];
    assert!(
        s[2]["en"]
            .as_str()
            .unwrap()
            .contains("the city coordinates with the province")
    );
    assert!(
        s[2]["ru"]
            .as_str()
            .unwrap()
            .contains("город согласует с провинцией")
    );
    assert!(
        s[4]["en"]
            .as_str()
            .unwrap()
            .contains("the city applies for inclusion")
    );
    assert!(
        s[4]["ru"]
            .as_str()
            .unwrap()
            .contains("город ходатайствует о включении")
    );
    let m10 = paragraphs().into_iter().find(|p| p["id"] == "m10").unwrap();
    assert!(
        m10["sentences"][1]["en"]
            .as_str()
            .unwrap()
            .contains("the city seeks")
    );
    assert!(
        m10["sentences"][3]["en"]
            .as_str()
            .unwrap()
            .contains("Fortune Global 500")
    );
}

#[test]
fn the_guide_quotes_each_measure_and_publishes_the_full_text() {
    let out = tempfile::tempdir().unwrap();
    build_guide_into(out.path());
    let read = |rel: &str| fs::read_to_string(out.path().join(rel)).unwrap();
    for dir in fs::read_dir(out.path().join("en/measures")).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let slug = dir.file_name().unwrap().to_string_lossy().to_string();
        let n: u32 = slug[..2].parse().unwrap();
        let en = read(&format!("en/measures/{slug}/index.html"));
        assert!(
            en.contains(&format!(
                "<blockquote cite=\"/en/policy/full-text/#m{n}\" lang=\"zh-Hans\" data-index-ignore>"
            )),
            "{slug}"
        );
        assert!(en.contains("class=\"plan-quote-translation\""), "{slug}");
        let zh = read(&format!("zh/measures/{slug}/index.html"));
        assert!(
            zh.contains(&format!("<blockquote cite=\"/zh/policy/full-text/#m{n}\">")),
            "{slug}"
        );
        assert!(
            !zh.contains("plan-quote-translation"),
            "{slug}: zh shows the original alone"
        );
    }
    let bonded = read("ru/bonded-logistics-center/index.html");
    assert!(
        bonded.contains("大力推进武威保税物流中心"),
        "the Center's page quotes measure 6"
    );
    assert!(bonded.contains("/ru/policy/full-text/#m6"));
    for lang in ["zh", "en", "ru"] {
        let page = read(&format!("{lang}/policy/full-text/index.html"));
        for p in paragraphs() {
            let id = p["id"].as_str().unwrap();
            assert!(
                page.contains(&format!(" id=\"{id}\"")),
                "{lang}: no anchor {id}"
            );
            assert!(
                page.contains(&format!("<a class=\"plan-anchor\" href=\"#{id}\"")),
                "{lang}: no self-link {id}"
            );
        }
        assert_eq!(page.contains("class=\"plan-tr\""), lang != "zh", "{lang}");
        let policy = read(&format!("{lang}/policy/index.html"));
        assert!(
            policy.contains(&format!("href=\"/{lang}/policy/full-text/\"")),
            "{lang}: the policy page links the full text"
        );
    }
}

fn rejects(scenario: &str, expected: &[&str]) {
    let site = TestSite::with("plan");
    site.build_ok(&[]);
    let before = snapshot(&site.out());
    site.overlay(scenario);
    site.rejects(&before, expected);
}

#[test]
fn a_quotation_is_escaped_and_linked_to_its_paragraph() {
    let site = TestSite::with("plan");
    site.build_ok(&[]);
    let page = site.read_out("en/news/second/index.html");
    assert!(page.contains("<blockquote cite=\"/en/policy/full-text/#m1\" lang=\"zh\" data-index-ignore><p>支持外资企业&lt;发展&gt;。</p></blockquote>"), "{page}");
    assert!(
        page.contains("Support foreign-invested enterprises &lt;in growing&gt;."),
        "{page}"
    );
    assert!(page.contains("Measure 1 of the plan, sentence 2"), "{page}");
}

#[test]
fn quoting_a_paragraph_that_does_not_exist_is_located() {
    rejects(
        "plan_unknown_id",
        &[
            "content/news/second.en.md:8:1: error: the plan has no paragraph `m2` — did you mean `m1`?",
        ],
    );
}

#[test]
fn quoting_a_sentence_that_does_not_exist_is_located() {
    let site = TestSite::with("plan");
    site.build_ok(&[]);
    let before = snapshot(&site.out());
    site.write(
        "content/news/first.en.md",
        b"---\ntitle: First\ndate: 2024-01-01\n---\n{{ plan(p=\"m1\", s=\"2-5\") }}\n",
    );
    let outcome = site.build();
    assert_eq!(outcome.code, 1, "{}", outcome.stderr);
    assert!(outcome.stderr.contains("content/news/first.en.md:5:1: error: paragraph `m1` has no sentence 5 — `m1` has sentences 1 to 3"), "{}", outcome.stderr);
    assert!(snapshot(&site.out()) == before);
}

#[test]
fn a_passage_that_is_not_verbatim_is_located() {
    rejects(
        "plan_not_verbatim",
        &[
            "content/news/second.en.md:8:1: error: the quoted passage «支持外资企业发展» is not verbatim in paragraph `m1` of the plan — copy the passage exactly",
        ],
    );
}

#[test]
fn a_bad_full_text_is_located() {
    rejects(
        "plan_bad_file",
        &[
            "content/plan/text.yaml:6:1: error: paragraph id `m1` is used twice",
            "content/plan/text.yaml:8:1: error: sentence 1 of `m1` has no `en`",
            "content/plan/text.yaml:9:1: error: sentence 2 of `m1` has an empty `en`",
        ],
    );
}

#[test]
fn a_quotation_needs_the_full_text_page_it_links_to() {
    let site = TestSite::with("plan");
    site.build_ok(&[]);
    let before = snapshot(&site.out());
    fs::remove_file(site.root().join("content/policy/full-text.en.md")).unwrap();
    let outcome = site.build();
    assert_eq!(outcome.code, 1, "{}", outcome.stderr);
    assert!(
        outcome.stderr.contains("content/news/second.en.md:8:1: error: `plan` links to the plan's full text, but there is no page policy/full-text in `en` — create content/policy/full-text.en.md"),
        "{}",
        outcome.stderr
    );
    assert!(snapshot(&site.out()) == before);
}
