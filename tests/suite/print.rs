//! The print edition: the whole site in reading order on one page per language, links between
//! pages turned into links inside it, ids unique, `noindex`, a link to it on every page; and
//! the problems `print:` can have.

use crate::harness::{TestSite, build_guide_into, snapshot};
use std::collections::BTreeSet;
use std::fs;

/// Values of `attr="…"` in `html`, in order.
fn values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let open = format!(" {attr}=\"");
    html.split(open.as_str())
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect()
}

/// The chapter ids of an edition, in order.
fn chapters(html: &str) -> Vec<&str> {
    html.split("<section class=\"chapter chapter-")
        .skip(1)
        .filter_map(|rest| rest.split(" id=\"").nth(1)?.split('"').next())
        .collect()
}

#[test]
fn the_guide_prints_whole_in_reading_order_with_links_inside_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_guide_into(&out);
    for lang in ["zh", "en", "ru"] {
        let html = fs::read_to_string(out.join(lang).join("print/index.html")).unwrap();
        let main = html
            .split("<main")
            .nth(1)
            .unwrap()
            .split("</main>")
            .next()
            .unwrap();
        let ids = chapters(&html);
        // The plan's own words are printed: each measure's quotation and the full text (search's
        // `data-index-ignore` on them does not drop them from the edition).
        assert!(
            main.matches("class=\"plan-quote\"").count() >= 14,
            "{lang}: the measures' quotations"
        );
        assert!(main.contains("class=\"plan-text"), "{lang}: the full text");
        assert!(
            main.contains("积极协调省级统筹保障新增建设用地计划指标"),
            "{lang}: the plan's Chinese words"
        );
        // The plan's full text, named last in `print:`, comes last, not under `policy`.
        assert_eq!(ids.last(), Some(&"policy/full-text~"), "{lang}");
        assert_eq!(ids[1], "policy~", "{lang}");
        assert_ne!(ids[2], "policy/full-text~", "{lang}");
        // The order of `print:` in site.yaml, each section followed by its pages.
        let firsts: Vec<&str> = ids
            .iter()
            .copied()
            .filter(|id| !id.contains('/') || id.ends_with("/_index~"))
            .collect();
        assert_eq!(
            firsts,
            [
                "_index~",
                "policy~",
                "growth-poles/_index~",
                "bonded-logistics-center~",
                "measures/_index~",
                "departments~"
            ],
            "{lang}"
        );
        let measures: Vec<&str> = ids
            .iter()
            .copied()
            .filter(|id| id.starts_with("measures/") && !id.contains("_index"))
            .collect();
        assert_eq!(measures.len(), 14, "{lang}: {measures:?}");
        assert_eq!(measures[0], "measures/01-negative-list~");
        assert_eq!(
            ids.iter()
                .filter(|id| id.starts_with("growth-poles/"))
                .count(),
            6,
            "{lang}"
        );
        // Every page's title is a chapter heading; the edition has one h1.
        for dir in [
            "measures/09-factor-guarantees",
            "growth-poles/international-land-port",
            "departments",
        ] {
            let page = fs::read_to_string(out.join(lang).join(dir).join("index.html")).unwrap();
            let title = page
                .split("<h1>")
                .nth(1)
                .unwrap()
                .split("</h1>")
                .next()
                .unwrap();
            assert!(
                html.contains(&format!("<h2>{title}</h2>")),
                "{lang}: no chapter titled {title}"
            );
        }
        assert_eq!(html.matches("<h1").count(), 1, "{lang}");
        // Ids are unique and every link inside the document finds its target.
        let all_ids = values(&html, "id");
        let unique: BTreeSet<&str> = all_ids.iter().copied().collect();
        assert_eq!(unique.len(), all_ids.len(), "{lang}: duplicate ids");
        let hrefs = values(&html, "href");
        let inside: Vec<&str> = hrefs.iter().filter_map(|h| h.strip_prefix('#')).collect();
        assert!(inside.len() > 100, "{lang}: {} links inside", inside.len());
        for target in &inside {
            assert!(unique.contains(target), "{lang}: #{target} leads nowhere");
        }
        // Measure 9 links to the measures' group (a heading of another chapter).
        assert!(
            inside
                .iter()
                .any(|t| t.starts_with("measures/_index~group-")),
            "{lang}"
        );
        // Inside the edition, a link leads into it or is absolute (it prints as an address).
        for h in values(main, "href") {
            assert!(
                h.starts_with('#') || h.starts_with("https://"),
                "{lang}: {h}"
            );
        }
        assert!(
            html.contains("<meta name=\"robots\" content=\"noindex\">"),
            "{lang}"
        );
        assert!(
            !main.contains("<form") && !main.contains("data-print-ignore"),
            "{lang}"
        );
        // Every page of the language links to its edition.
        let page = fs::read_to_string(out.join(lang).join("policy/index.html")).unwrap();
        assert!(
            page.contains(&format!(
                "<p class=\"print-link\"><a href=\"/{lang}/print/\">"
            )),
            "{lang}"
        );
        let sitemap = fs::read_to_string(out.join("sitemap.xml")).unwrap();
        assert!(
            !sitemap.contains("/print/"),
            "the edition is not for search engines"
        );
        let index = fs::read(out.join(lang).join("search/index.json")).unwrap();
        let index = invest_guide::search::decode_index(&index).unwrap();
        assert!(
            !index.contains("/print/"),
            "{lang}: the edition is in the search index"
        );
    }
    // Two builds print the same bytes.
    let again = tmp.path().join("again");
    build_guide_into(&again);
    for lang in ["zh", "en", "ru"] {
        let rel = format!("{lang}/print/index.html");
        assert!(
            fs::read(out.join(&rel)).unwrap() == fs::read(again.join(&rel)).unwrap(),
            "{rel}"
        );
    }
}

#[test]
fn without_print_in_site_yaml_the_edition_is_home_and_the_menu() {
    let site = TestSite::minimal();
    site.build_ok(&[]);
    let html = site.read_out("en/print/index.html");
    assert_eq!(chapters(&html), ["_index~"]);
    // The home page's link to a post outside the edition is an absolute URL.
    assert!(
        html.contains("href=\"https://example.org/en/news/first/#part-two\""),
        "{html}"
    );
    site.write(
        "site.yaml",
        b"base_url: \"https://example.org/\"\ndefault_language: en\nlanguages:\n  en: { name: \"English\", title: \"Example\" }\n  zh: { name: \"\xe4\xb8\xad\xe6\x96\x87\", title: \"x\" }\nmenu: [news/_index]\n",
    );
    site.build_ok(&[]);
    let html = site.read_out("en/print/index.html");
    // The section's pages in its own order (by weight: the second post first).
    assert_eq!(
        chapters(&html),
        ["_index~", "news/_index~", "news/second~", "news/first~"]
    );
    assert!(
        html.contains("href=\"#news/first~part-two\""),
        "the link becomes one inside the edition"
    );
}

#[test]
fn an_empty_print_list_means_no_edition_and_no_link() {
    let site = TestSite::minimal();
    let yaml = fs::read_to_string(site.root().join("site.yaml")).unwrap();
    site.write("site.yaml", format!("{yaml}print: []\n").as_bytes());
    site.build_ok(&[]);
    assert!(!site.out().join("en/print").exists());
    assert!(!site.read_out("en/index.html").contains("/print/"));
}

#[test]
fn an_unknown_print_entry_is_an_error_at_its_line() {
    let site = TestSite::minimal();
    site.build_ok(&[]);
    let before = snapshot(&site.out());
    site.overlay("print_unknown_entry");
    let outcome = site.build();
    assert_eq!(outcome.code, 1, "{}", outcome.stderr);
    assert!(
        outcome
            .stderr
            .contains("site.yaml:6:1: error: print: no page `newz` in any language"),
        "{}",
        outcome.stderr
    );
    assert!(
        outcome.stderr.contains("or remove the entry"),
        "{}",
        outcome.stderr
    );
    assert!(
        snapshot(&site.out()) == before,
        "the previous public/ changed"
    );
}

#[test]
fn a_page_in_the_editions_place_is_an_error() {
    let site = TestSite::minimal();
    site.build_ok(&[]);
    let before = snapshot(&site.out());
    site.overlay("print_url_taken");
    let outcome = site.build();
    assert_eq!(outcome.code, 1, "{}", outcome.stderr);
    assert!(
        outcome.stderr.contains(
            "content/print.en.md: error: this page makes /en/print/, where the print edition goes"
        ),
        "{}",
        outcome.stderr
    );
    assert!(outcome.stderr.contains("print: []"), "{}", outcome.stderr);
    assert!(
        snapshot(&site.out()) == before,
        "the previous public/ changed"
    );
}

#[test]
fn an_entry_brings_the_pages_below_it_in_its_own_order() {
    let site = TestSite::with("print_below");
    site.build_ok(&[]);
    let html = site.read_out("en/print/index.html");
    assert_eq!(
        chapters(&html),
        ["about/_index~", "about/full-text~", "_index~"]
    );
    assert!(
        html.contains("href=\"#about/full-text~article-one\""),
        "{html}"
    );
    assert!(
        html.contains("id=\"about/full-text~article-one\""),
        "{html}"
    );
    // zh has no about page: its edition is what it has.
    assert_eq!(chapters(&site.read_out("zh/print/index.html")), ["_index~"]);
}
