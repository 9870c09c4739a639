//! The guide itself: the repository's own site root builds cleanly and keeps the URL contract.

use crate::harness::run_in;
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
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let outcome = run_in(
        root,
        &[
            "build",
            "--root",
            &root.to_string_lossy(),
            "--out",
            &out.to_string_lossy(),
        ],
    );
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    // Zero diagnostics: nothing at all on stderr.
    assert_eq!(outcome.stderr, "", "the guide must build without warnings");
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
