//! The guide itself: the repository's own site root builds cleanly and keeps the URL contract.

use crate::harness::{build_guide_into, copy_tree, run_in};
use std::path::Path;

const LANGS: [&str; 3] = ["zh", "en", "ru"];

const CONTRACT: &[&str] = &[
    "",
    "policy/",
    "growth-poles/",
    "growth-poles/wuwei-industrial-park/",
    "growth-poles/hongshagang-energy-chemical-zone/",
    "growth-poles/international-land-port/",
    "growth-poles/heavy-ion-health-park/",
    "growth-poles/cultural-tourism-area/",
    "bonded-logistics-center/",
    "measures/",
    "measures/01-negative-list/",
    "measures/02-key-industries/",
    "measures/03-manufacturing/",
    "measures/04-headquarters/",
    "measures/05-mergers-acquisitions/",
    "measures/06-open-platforms/",
    "measures/07-overseas-promotion/",
    "measures/08-promotion-methods/",
    "measures/09-factor-guarantees/",
    "measures/10-incentives/",
    "measures/11-investor-services/",
    "measures/12-standards/",
    "measures/13-government-procurement/",
    "measures/14-performance-evaluation/",
    "departments/",
    "eligibility/",
    "search/",
    "updates/",
];

fn build_guide() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_guide_into(&out);
    (tmp, out)
}

#[test]
fn the_guide_builds_every_contract_page_in_every_language() {
    let (_tmp, out) = build_guide();
    for lang in LANGS {
        for path in CONTRACT {
            let file = out.join(lang).join(path).join("index.html");
            assert!(file.is_file(), "missing /{lang}/{path}");
        }
        assert!(out.join(lang).join("updates/atom.xml").is_file());
    }
    for file in [
        "index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "_headers",
    ] {
        assert!(out.join(file).is_file(), "missing {file}");
    }
}

#[test]
fn the_guide_check_passes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let outcome = run_in(root, &["check", "--root", &root.to_string_lossy()]);
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert!(
        outcome.stdout.contains("90 pages (zh 30, en 30, ru 30)"),
        "{}",
        outcome.stdout
    );
}

/// The text inside `<div class="prose">…</div>`: what the Markdown of a page rendered to.
fn prose(html: &str) -> &str {
    let start = html.find("<div class=\"prose\">").expect("prose block");
    let rest = &html[start..];
    &rest[..rest.find("</div>").unwrap()]
}

fn read(out: &Path, lang: &str, path: &str) -> String {
    std::fs::read_to_string(out.join(lang).join(path).join("index.html")).unwrap()
}

#[test]
fn every_measure_lists_departments_from_the_data_file() {
    let (_tmp, out) = build_guide();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let data = std::fs::read_to_string(root.join("content/departments.yaml")).unwrap();
    for lang in LANGS {
        for path in CONTRACT
            .iter()
            .filter(|p| p.starts_with("measures/") && p.len() > 9)
        {
            let html = read(&out, lang, path);
            let ids: Vec<&str> = html
                .split("data-department=\"")
                .skip(1)
                .map(|s| s.split('"').next().unwrap())
                .collect();
            assert!(!ids.is_empty(), "/{lang}/{path} lists no department");
            for id in ids {
                assert!(
                    data.contains(&format!("- id: {id}\n")),
                    "{id} not in departments.yaml"
                );
            }
        }
    }
}

// The expected figures are the policy's own: 5000万美元 and 1000万美元 (measure 9, land and
// energy), 3000万美元 (measure 9, manufacturing), 5000万元 (measure 8, fixed assets).
#[test]
fn thresholds_on_measure_pages_are_the_policys() {
    let (_tmp, out) = build_guide();
    let nine = "measures/09-factor-guarantees/";
    let eight = "measures/08-promotion-methods/";
    let cases: [(&str, &str, &[&str]); 6] = [
        ("zh", nine, &["5000万美元", "1000万美元", "3000万美元"]),
        ("zh", eight, &["5000万元"]),
        (
            "en",
            nine,
            &[
                "US$50\u{a0}million",
                "US$10\u{a0}million",
                "US$30\u{a0}million",
            ],
        ),
        ("en", eight, &["RMB\u{a0}50\u{a0}million"]),
        (
            "ru",
            nine,
            &[
                "50\u{a0}млн\u{a0}долларов США",
                "10\u{a0}млн\u{a0}долларов США",
                "30\u{a0}млн\u{a0}долларов США",
            ],
        ),
        ("ru", eight, &["50\u{a0}млн\u{a0}юаней"]),
    ];
    for (lang, path, figures) in cases {
        let html = read(&out, lang, path);
        for figure in figures {
            assert!(
                prose(&html).contains(figure),
                "/{lang}/{path} lacks {figure}"
            );
        }
    }
}

#[test]
fn a_threshold_changed_in_the_data_changes_every_page() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&root.join("content"), &tmp.path().join("content"));
    std::fs::copy(root.join("site.yaml"), tmp.path().join("site.yaml")).unwrap();
    // The eligibility test vectors pin the figure too, as an editor would update them.
    let cases = tmp.path().join("content/eligibility/cases.yaml");
    let text = std::fs::read_to_string(&cases).unwrap();
    let text = text.replace("total_usd: 30000000", "total_usd: 40000000");
    let text = text.replace("total_usd: 29999999", "total_usd: 39999999");
    std::fs::write(
        &cases,
        text.replace("total_usd: 30000001", "total_usd: 40000001"),
    )
    .unwrap();
    let thresholds = tmp.path().join("content/eligibility/thresholds.yaml");
    let text = std::fs::read_to_string(&thresholds).unwrap();
    let changed = text.replacen("amount: 30000000", "amount: 40000000", 1);
    assert_ne!(text, changed);
    std::fs::write(&thresholds, changed).unwrap();
    let outcome = run_in(
        tmp.path(),
        &["build", "--root", &tmp.path().to_string_lossy()],
    );
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let out = tmp.path().join("public");
    assert!(read(&out, "zh", "measures/09-factor-guarantees/").contains("4000万美元"));
    assert!(read(&out, "en", "measures/09-factor-guarantees/").contains("US$40\u{a0}million"));
    assert!(!read(&out, "en", "measures/09-factor-guarantees/").contains("US$30\u{a0}million"));
}

#[test]
fn english_and_russian_pages_hold_no_chinese_and_no_placeholders() {
    let (_tmp, out) = build_guide();
    for lang in LANGS {
        for path in CONTRACT {
            let html = read(&out, lang, path);
            let body = prose(&html);
            if lang != "zh" {
                let han = body.chars().find(|c| ('\u{4e00}'..='\u{9fff}').contains(c));
                assert_eq!(han, None, "/{lang}/{path} has Chinese text");
            }
            for word in ["TBD", "TODO", "lorem", "placeholder", "FIXME"] {
                assert!(!body.contains(word), "/{lang}/{path} contains {word}");
            }
        }
    }
}
