//! Eligibility rules: the Rust and JavaScript evaluators against the same test vectors and
//! against each other on many random answer sets; `check` reports cases that break.

use crate::harness::{build_guide_into, copy_tree, node_or_skip, run_in, run_node_module};
use invest_guide::eligibility::{Answer, Answers, Case, Rules, load};
use invest_guide::format::Amount;
use std::collections::BTreeMap;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn rules() -> Rules {
    let amounts: BTreeMap<String, Amount> = yaml_serde::from_str(
        &std::fs::read_to_string(root().join("content/eligibility/thresholds.yaml")).unwrap(),
    )
    .unwrap();
    let text = std::fs::read_to_string(root().join("content/eligibility/rules.yaml")).unwrap();
    load(&text, Path::new("rules.yaml"), &amounts).unwrap()
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(root().join("content/eligibility/cases.yaml")).unwrap();
    yaml_serde::from_str(&text).unwrap()
}

#[test]
fn rust_evaluator_gives_every_expected_outcome() {
    let rules = rules();
    let cases = cases();
    assert!(cases.len() >= 30);
    for case in cases {
        let got = rules.evaluate(&case.answers);
        assert_eq!(got.verdict, case.verdict, "{}", case.name);
        assert_eq!(got.measures, case.measures, "{}", case.name);
        assert_eq!(got.benefits, case.benefits, "{}", case.name);
        assert!(!got.measures.contains(&7) && !got.measures.contains(&14));
    }
}

/// Random answer sets covering every answer, with amounts around the thresholds.
fn random_answers(n: usize) -> Vec<Answers> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |m: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % m
    };
    let choices: [(&str, &[&str]); 7] = [
        ("manufacturing", &["yes", "no"]),
        ("hq_kind", &["national", "regional", "functional"]),
        (
            "sector",
            &[
                "manufacturing",
                "energy",
                "agrifood",
                "logistics",
                "health",
                "tourism",
                "digital",
                "other",
            ],
        ),
        ("negative_list", &["none", "restricted", "prohibited"]),
        ("encouraged", &["yes", "no", "unsure"]),
        ("fortune500", &["yes", "no"]),
        (
            "location",
            &[
                "industrial-park",
                "hongshagang",
                "land-port",
                "heavy-ion",
                "tourism-area",
                "bonded-center",
                "other",
            ],
        ),
    ];
    let multi: [(&str, &[&str]); 2] = [
        ("forms", &["new", "ma", "hq", "branch", "reinvest", "soe"]),
        ("trade", &["ru", "ge", "kz", "ecommerce"]),
    ];
    let amounts = ["total_usd", "paid_in_usd", "fixed_assets_cny"];
    let figures = [
        9_999_999u64,
        10_000_000,
        29_999_999,
        30_000_000,
        49_999_999,
        50_000_000,
        50_000_001,
        0,
    ];
    (0..n)
        .map(|_| {
            let mut a = Answers::new();
            for (name, values) in choices {
                if next(4) > 0 {
                    a.insert(
                        name.into(),
                        Answer::One(values[next(values.len() as u64) as usize].into()),
                    );
                }
            }
            for (name, values) in multi {
                if next(3) > 0 {
                    let picked = values
                        .iter()
                        .filter(|_| next(3) == 0)
                        .map(|v| v.to_string())
                        .collect();
                    a.insert(name.into(), Answer::Many(picked));
                }
            }
            for name in amounts {
                if next(3) > 0 {
                    a.insert(
                        name.into(),
                        Answer::Amount(figures[next(figures.len() as u64) as usize]),
                    );
                }
            }
            a
        })
        .collect()
}

/// Node runs `rules.js` on every answer set; its outcomes must equal Rust's.
#[test]
fn javascript_evaluator_agrees_with_rust() {
    let Some(node) = node_or_skip() else { return };
    let rules = rules();
    let mut inputs: Vec<Answers> = cases().into_iter().map(|c| c.answers).collect();
    inputs.extend(random_answers(2000));
    let expected: Vec<_> = inputs.iter().map(|a| rules.evaluate(a)).collect();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data.json");
    std::fs::write(
        &data,
        serde_json::to_vec(&serde_json::json!({"rules": rules, "inputs": inputs})).unwrap(),
    )
    .unwrap();
    let module = root().join("builtin/theme/static/rules.js");
    let script = format!(
        "import {{ evaluate }} from {module:?};\nimport {{ readFileSync }} from 'node:fs';\nconst d = JSON.parse(readFileSync({data:?}, 'utf8'));\nprocess.stdout.write(JSON.stringify(d.inputs.map((a) => evaluate(d.rules, a))));\n",
        module = format!("file://{}", module.display()),
        data = data.display().to_string(),
    );
    let stdout = run_node_module(&node, &script);
    let got: Vec<invest_guide::eligibility::Outcome> = serde_json::from_slice(&stdout).unwrap();
    assert_eq!(got.len(), expected.len());
    for (i, (g, e)) in got.iter().zip(&expected).enumerate() {
        assert_eq!(g, e, "answers {:?}", inputs[i]);
    }
}

fn guide_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&root().join("content"), &tmp.path().join("content"));
    copy_tree(&root().join("i18n"), &tmp.path().join("i18n"));
    copy_tree(&root().join("themes"), &tmp.path().join("themes"));
    std::fs::copy(root().join("site.yaml"), tmp.path().join("site.yaml")).unwrap();
    tmp
}

#[test]
fn check_names_the_cases_a_threshold_change_breaks() {
    let tmp = guide_copy();
    let path = tmp.path().join("content/eligibility/thresholds.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replacen("amount: 30000000", "amount: 30000001", 1),
    )
    .unwrap();
    let outcome = run_in(
        tmp.path(),
        &["check", "--root", &tmp.path().to_string_lossy()],
    );
    assert_eq!(outcome.code, 1, "{}", outcome.stderr);
    assert!(
        outcome.stderr.contains("content/eligibility/cases.yaml:")
            && outcome
                .stderr
                .contains("case `manufacturing at the key-project threshold`"),
        "{}",
        outcome.stderr
    );
    // The case one dollar above still holds at the new threshold.
    assert!(
        !outcome
            .stderr
            .contains("manufacturing above the key-project threshold")
    );
}

#[test]
fn check_rejects_a_rule_on_an_unknown_answer() {
    let tmp = guide_copy();
    let path = tmp.path().join("content/eligibility/rules.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replacen("answer: forms, has: hq", "answer: form, has: hq", 1),
    )
    .unwrap();
    let outcome = run_in(
        tmp.path(),
        &["check", "--root", &tmp.path().to_string_lossy()],
    );
    assert_eq!(outcome.code, 1);
    assert!(
        outcome.stderr.contains("content/eligibility/rules.yaml:")
            && outcome
                .stderr
                .contains("unknown answer `form` — did you mean `forms`?"),
        "{}",
        outcome.stderr
    );
}

/// `amount.js` against hand-written vectors of what people type (tests/vectors/amounts.json).
#[test]
fn amounts_are_read_as_people_type_them() {
    let Some(node) = node_or_skip() else { return };
    let module = format!(
        "file://{}",
        root().join("themes/default/static/amount.js").display()
    );
    let vectors = root().join("tests/vectors/amounts.json");
    let script = format!(
        r#"import {{ parseAmount }} from {module:?};
import {{ readFileSync }} from "node:fs";
const failures = [];
for (const v of JSON.parse(readFileSync({vectors:?}, "utf8"))) {{
  const got = parseAmount(v.input, v.lang);
  const ok = v.empty ? got === null
    : v.error ? got !== null && got.error === true && !!got.negative === !!v.negative
    : got !== null && !got.error && got.value === v.value && got.currency === v.currency && got.ambiguous === v.ambiguous;
  if (!ok) failures.push(`${{JSON.stringify(v)}} → ${{JSON.stringify(got)}}`);
}}
if (failures.length) {{ console.error(failures.join("\n")); process.exit(1); }}
"#,
        vectors = vectors.display().to_string(),
    );
    run_node_module(&node, &script);
}

#[test]
fn check_warns_about_a_rule_no_case_reaches() {
    let tmp = guide_copy();
    let path = tmp.path().join("content/eligibility/rules.yaml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(
        "  - measure: 12\n    reason: not-prohibited\n    when: { answer: trade, has: ge }\n",
    );
    std::fs::write(&path, text).unwrap();
    let root = tmp.path().to_string_lossy().into_owned();
    let outcome = run_in(tmp.path(), &["check", "--root", &root]);
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert!(
        outcome.stderr.contains(
            "content/eligibility/cases.yaml: warning: no test case reaches the rule for measure 12"
        ),
        "{}",
        outcome.stderr
    );
    assert_eq!(
        run_in(tmp.path(), &["check", "--root", &root, "--strict"]).code,
        1
    );
}

/// The line of `path` (1-based) holding `needle`.
fn line_of(path: &Path, needle: &str) -> usize {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn check_names_a_reason_a_language_lacks_at_its_rule() {
    let tmp = guide_copy();
    let ftl = tmp.path().join("i18n/ru/eligibility.ftl");
    let text = std::fs::read_to_string(&ftl).unwrap();
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with("elig-reason-headquarters ="))
        .collect();
    assert!(kept.len() < text.lines().count());
    std::fs::write(&ftl, kept.join("\n")).unwrap();
    let rules = tmp.path().join("content/eligibility/rules.yaml");
    let line = line_of(&rules, "reason: headquarters");
    let outcome = run_in(
        tmp.path(),
        &["check", "--root", &tmp.path().to_string_lossy()],
    );
    assert_eq!(outcome.code, 1, "{}", outcome.stderr);
    let want = format!(
        "content/eligibility/rules.yaml:{line}:1: error: UI string `elig-reason-headquarters` is missing in `ru`"
    );
    assert!(outcome.stderr.contains(&want), "{}", outcome.stderr);
    assert!(outcome.stderr.contains("i18n/ru/eligibility.ftl"));
    // The other languages have it.
    assert!(
        !outcome.stderr.contains("missing in `en`"),
        "{}",
        outcome.stderr
    );
}

#[test]
fn check_requires_a_reason_for_every_rule_and_a_string_for_every_benefit() {
    let tmp = guide_copy();
    let path = tmp.path().join("content/eligibility/rules.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replacen("    reason: mergers\n", "", 1).replacen(
            "benefit: tax-deferral",
            "benefit: tax-deferal",
            1,
        ),
    )
    .unwrap();
    let root = tmp.path().to_string_lossy().into_owned();
    let outcome = run_in(tmp.path(), &["check", "--root", &root]);
    assert_eq!(outcome.code, 1, "{}", outcome.stderr);
    assert!(
        outcome.stderr.contains("content/eligibility/rules.yaml:")
            && outcome.stderr.contains("missing field `reason`")
            && outcome.stderr.contains("add `reason: …`"),
        "{}",
        outcome.stderr
    );
    // With the reason back, the misspelt benefit has no text in any language.
    std::fs::write(
        &path,
        text.replacen("benefit: tax-deferral", "benefit: tax-deferal", 1),
    )
    .unwrap();
    let line = line_of(&path, "benefit: tax-deferal");
    let outcome = run_in(tmp.path(), &["check", "--root", &root]);
    assert_eq!(outcome.code, 1, "{}", outcome.stderr);
    for lang in ["zh", "en", "ru"] {
        let want = format!(
            "content/eligibility/rules.yaml:{line}:1: error: UI string `elig-benefit-tax-deferal` is missing in `{lang}`"
        );
        assert!(outcome.stderr.contains(&want), "{}", outcome.stderr);
    }
}

#[test]
fn a_conversion_rate_that_is_not_a_finite_number_is_refused_at_its_line() {
    // Guards `cny_per_usd: .nan`, once shipped to the browser as `null`.
    let tmp = guide_copy();
    let path = tmp.path().join("content/eligibility/rules.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        !text.contains("conversion:"),
        "the guide sets a rate now: adapt the test"
    );
    let with_rate = format!("{text}\nconversion: {{ cny_per_usd: .nan, date: 2024-01-02 }}\n");
    std::fs::write(&path, &with_rate).unwrap();
    let line = with_rate.lines().count();
    let outcome = run_in(
        tmp.path(),
        &["check", "--root", &tmp.path().to_string_lossy()],
    );
    assert_eq!(outcome.code, 1, "{}", outcome.stderr);
    let expected = format!(
        "content/eligibility/rules.yaml:{line}:28: error: conversion.cny_per_usd: `.nan` is not a finite number"
    );
    assert!(outcome.stderr.contains(&expected), "{}", outcome.stderr);
    // The rules loader refuses it as well, as it refuses an infinite or negative rate.
    let amounts = BTreeMap::new();
    for rate in [".nan", ".inf", "-1"] {
        let text = format!(
            "answers: {{}}\nverdicts: [{{ id: a, reason: a, when: {{ always: true }} }}]\nmeasures: []\nconversion: {{ cny_per_usd: {rate}, date: 2024-01-02 }}\n"
        );
        let problems = load(&text, Path::new("rules.yaml"), &amounts).unwrap_err();
        assert_eq!(problems[0].line, 4, "{rate}: {problems:?}");
    }
}

/// Rules where `b` is asked only when `a` is `x`, and a measure reads `b`.
const ASKED: &str = "answers:\n  a: { type: choice, values: [x, y] }\n  b: { type: choice, values: [z] }\nask_when:\n  b: { answer: a, is: x }\nverdicts:\n  - { id: v, reason: v, when: { always: true } }\nmeasures:\n  - { measure: 2, reason: m, when: { answer: b, is: z } }\n";

/// An answer to a question not asked counts for nothing, in Rust and in `rules.js` alike.
#[test]
fn an_answer_to_a_question_not_asked_is_ignored_by_both_evaluators() {
    let rules = load(ASKED, Path::new("rules.yaml"), &BTreeMap::new()).unwrap();
    let one = |v: &str| Answer::One(v.into());
    let inputs: Vec<Answers> = vec![
        [("b".into(), one("z"))].into(),
        [("a".into(), one("y")), ("b".into(), one("z"))].into(),
        [("a".into(), one("x")), ("b".into(), one("z"))].into(),
    ];
    let measures: Vec<Vec<u32>> = inputs.iter().map(|a| rules.evaluate(a).measures).collect();
    assert_eq!(measures, [vec![], vec![], vec![2]]);
    let Some(node) = node_or_skip() else { return };
    let module = format!(
        "file://{}",
        root().join("builtin/theme/static/rules.js").display()
    );
    let data = serde_json::json!({"rules": rules, "inputs": inputs});
    let script = format!(
        "import {{ evaluate }} from {module:?};\nconst d = {data};\nprocess.stdout.write(JSON.stringify(d.inputs.map((a) => evaluate(d.rules, a).measures)));\n"
    );
    let got: Vec<Vec<u32>> = serde_json::from_slice(&run_node_module(&node, &script)).unwrap();
    assert_eq!(got, measures);
}

#[test]
fn ask_when_is_checked_at_its_line() {
    let amounts = BTreeMap::new();
    // A question that does not exist.
    let text = ASKED.replace("  b: { answer: a, is: x }", "  c: { answer: a, is: x }");
    let problems = load(&text, Path::new("rules.yaml"), &amounts).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].line, 5);
    assert!(problems[0].message.contains("`c`, which is not an answer"));
    // Asked depending on a question that is itself not always asked.
    let text = ASKED.replace(
        "  b: { answer: a, is: x }\n",
        "  b: { answer: a, is: x }\n  a: { answer: b, is: z }\n",
    );
    let problems = load(&text, Path::new("rules.yaml"), &amounts).unwrap_err();
    let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, [6, 5], "{problems:?}");
    assert!(
        problems[0]
            .message
            .contains("whether `a` is asked depends on `b`")
    );
    // A value the question does not offer.
    let text = ASKED.replace("  b: { answer: a, is: x }", "  b: { answer: a, is: w }");
    let problems = load(&text, Path::new("rules.yaml"), &amounts).unwrap_err();
    assert_eq!(problems[0].line, 5, "{problems:?}");
    assert!(problems[0].message.contains("`w` is not a value of `a`"));
}

#[test]
fn check_names_an_undefined_term_or_a_note_a_language_lacks_at_its_rule() {
    let tmp = guide_copy();
    let ftl = tmp.path().join("i18n/en/eligibility.ftl");
    let text = std::fs::read_to_string(&ftl).unwrap();
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| {
            !l.starts_with("elig-undefined-key-foreign-project =")
                && !l.starts_with("elig-note-depends-on-negative-list =")
        })
        .collect();
    assert_eq!(kept.len() + 2, text.lines().count());
    std::fs::write(&ftl, kept.join("\n")).unwrap();
    let rules = tmp.path().join("content/eligibility/rules.yaml");
    let outcome = run_in(
        tmp.path(),
        &["check", "--root", &tmp.path().to_string_lossy()],
    );
    assert_eq!(outcome.code, 1, "{}", outcome.stderr);
    for (key, needle) in [
        (
            "elig-undefined-key-foreign-project",
            "undefined: [key-foreign-project]",
        ),
        (
            "elig-note-depends-on-negative-list",
            "text: depends-on-negative-list",
        ),
    ] {
        let line = line_of(&rules, needle);
        let want = format!(
            "content/eligibility/rules.yaml:{line}:1: error: UI string `{key}` is missing in `en`"
        );
        assert!(outcome.stderr.contains(&want), "{}", outcome.stderr);
    }
}

/// The text of the criteria table row that starts with `start`, tags removed.
fn row(html: &str, start: &str) -> String {
    let at = html.find(start).unwrap_or_else(|| panic!("no row {start}"));
    let end = html[at..].find("</tr>").unwrap() + at;
    let mut text = String::new();
    let mut in_tag = false;
    for c in html[at..end].chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Without JavaScript the criteria table shows the corrected rules, generated from rules.yaml.
#[test]
fn the_criteria_table_shows_the_new_rules_without_javascript() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_guide_into(&out);
    let html = std::fs::read_to_string(out.join("en/eligibility/index.html")).unwrap();
    let unknown = row(&html, r#"<tr data-verdict-rule="unknown">"#);
    assert!(
        unknown.contains("Is the business on the Negative List: not answered")
            && unknown.contains("Depends on the Negative List"),
        "{unknown}"
    );
    let key_project = row(&html, r#"data-benefit-rule="key-project">"#);
    assert!(
        key_project.contains("Sector — Manufacturing")
            && key_project.contains("Is it a manufacturing project — Yes"),
        "{key_project}"
    );
    let agent = row(&html, r#"data-benefit-rule="agent-reward">"#);
    assert!(
        agent.contains("not: Form of investment (choose all that apply) — Reinvested profits")
            && agent.contains("The plan does not define “newly attracted”.")
            && agent
                .contains("ask the responsible departments: Municipal Investment Promotion Bureau"),
        "{agent}"
    );
    let fortune = row(&html, r#"data-benefit-rule="fortune500">"#);
    assert!(
        fortune.contains("Kind of headquarters — Regional headquarters")
            && fortune.contains("Form of investment (choose all that apply) — Branch"),
        "{fortune}"
    );
    // Chinese pages: the list of departments with the Chinese separator.
    let zh = std::fs::read_to_string(out.join("zh/eligibility/index.html")).unwrap();
    let land = row(&zh, r#"data-benefit-rule="land-energy">"#);
    assert!(
        land.contains("请咨询责任单位：市自然资源局、市商务局、"),
        "{land}"
    );
}
