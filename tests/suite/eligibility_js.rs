//! `check` runs the eligibility cases through the theme's `rules.js` in Node as well as through
//! the Rust evaluator, and says so; without Node it says it skipped that run.

use crate::harness::{Outcome, copy_tree, node_or_skip, run_in};
use std::path::Path;
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The guide's content, strings and site.yaml in a temporary folder (the embedded theme).
fn guide_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&root().join("content"), &tmp.path().join("content"));
    copy_tree(&root().join("i18n"), &tmp.path().join("i18n"));
    copy_tree(&root().join("themes"), &tmp.path().join("themes"));
    std::fs::copy(root().join("site.yaml"), tmp.path().join("site.yaml")).unwrap();
    tmp
}

fn check(site: &Path) -> Outcome {
    run_in(site, &["check", "--root", &site.to_string_lossy()])
}

/// The guide's cases file: its text, and the names of its cases with their verdicts.
fn cases() -> (String, Vec<(String, String)>) {
    let text = std::fs::read_to_string(root().join("content/eligibility/cases.yaml")).unwrap();
    let cases: Vec<yaml_serde::Value> = yaml_serde::from_str(&text).unwrap();
    let named = cases
        .iter()
        .map(|c| {
            let field = |k: &str| c[k].as_str().unwrap().to_string();
            (field("name"), field("verdict"))
        })
        .collect();
    (text, named)
}

/// A site theme `broken` whose rules.js is the default one, but answers `permitted` where the
/// rules say `restricted`.
fn use_broken_rules_js(site: &Path) {
    let default = std::fs::read_to_string(root().join("builtin/theme/static/rules.js")).unwrap();
    let last = r#"return { verdict: verdict ? verdict.id : "", measures, benefits };"#;
    assert!(default.contains(last), "rules.js changed: update this test");
    let broken = default.replace(
        last,
        r#"const id = verdict && verdict.id === "restricted" ? "permitted" : verdict ? verdict.id : "";
  return { verdict: id, measures, benefits };"#,
    );
    let dir = site.join("themes/broken/static");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("rules.js"), broken).unwrap();
    let yaml = site.join("site.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    std::fs::write(&yaml, format!("{text}\ntheme: broken\n")).unwrap();
}

#[test]
fn check_reports_each_case_the_themes_rules_js_gets_wrong_at_its_line() {
    let Some(_node) = node_or_skip() else { return };
    let site = guide_copy();
    let (text, cases) = cases();
    let ok = check(site.path());
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    let n = cases.len();
    let note = format!("eligibility cases: {n} of {n} passed through both evaluators");
    assert!(ok.stdout.contains(&note), "{}", ok.stdout);

    use_broken_rules_js(site.path());
    let broken = check(site.path());
    assert_eq!(broken.code, 1, "{}", broken.stderr);
    let restricted: Vec<&String> = cases
        .iter()
        .filter(|(_, verdict)| verdict == "restricted")
        .map(|(name, _)| name)
        .collect();
    assert!(!restricted.is_empty());
    for name in &restricted {
        let line = text
            .lines()
            .position(|l| l.contains(&format!("name: {name}")))
            .unwrap()
            + 1;
        let want = format!(
            "content/eligibility/cases.yaml:{line}:1: error: case `{name}`: the JavaScript \
             evaluator (themes/broken/static/rules.js) gives permitted"
        );
        assert!(broken.stderr.contains(&want), "{want}\n{}", broken.stderr);
    }
    // Only those: the cases of other verdicts pass through the broken rules.js as well.
    assert_eq!(
        broken.stderr.matches("the JavaScript evaluator").count(),
        restricted.len(),
        "{}",
        broken.stderr
    );
    assert!(
        broken
            .stderr
            .contains("fix themes/broken/static/rules.js, or the rules")
    );
}

#[test]
fn check_reports_a_rules_js_node_cannot_run_as_an_error() {
    let Some(_node) = node_or_skip() else { return };
    let site = guide_copy();
    let dir = site.path().join("themes/default/static");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("rules.js"),
        "export function evaluate(rules, answers) {\n  return 1 +;\n}\n",
    )
    .unwrap();
    let outcome = check(site.path());
    assert_eq!(outcome.code, 1, "{}", outcome.stderr);
    assert!(
        outcome.stderr.contains(
            "themes/default/static/rules.js: error: the JavaScript evaluator could not run the \
             eligibility cases: `node` stopped"
        ) && outcome.stderr.contains("SyntaxError"),
        "{}",
        outcome.stderr
    );
    assert!(!outcome.stderr.contains("panicked"), "{}", outcome.stderr);
}

/// Regression: `check` without Node must pass (even with --strict) and say what it skipped.
#[test]
fn check_without_node_says_it_skipped_the_javascript_evaluator() {
    let site = guide_copy();
    let empty = tempfile::tempdir().unwrap();
    assert!(!empty.path().join("node").exists());
    let root = site.path().to_string_lossy().into_owned();
    let output = Command::new(env!("CARGO_BIN_EXE_invest-guide"))
        .args(["check", "--root", &root, "--strict"])
        .env("PATH", empty.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stdout.contains(
            "eligibility cases: the JavaScript evaluator was skipped: `node` was not found on PATH"
        ),
        "{stdout}"
    );
    assert!(
        !stdout.contains("passed through both evaluators"),
        "{stdout}"
    );
}
