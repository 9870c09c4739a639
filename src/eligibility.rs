//! The eligibility rules: a small declarative language read from YAML, validated, and
//! evaluated here exactly as `rules.js` evaluates it in the browser.

pub(crate) mod node;

use crate::diagnostic::Diagnostic;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The checker's rules (`content/eligibility/rules.yaml`): the questions, the verdicts and the
/// measures, each with the condition under which it applies.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    pub answers: BTreeMap<String, AnswerSpec>,
    /// Questions asked only when a condition on other answers holds (`hq_kind` when `forms`
    /// has `hq`): an answer to a question not asked is ignored.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ask_when: BTreeMap<String, Condition>,
    pub verdicts: Vec<VerdictRule>,
    pub measures: Vec<MeasureRule>,
    /// Rate for amounts typed in the other currency; an editor sets it with its date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversion: Option<Conversion>,
}

/// A yuan-per-dollar rate and the date it was taken, for amounts typed in the other currency.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Conversion {
    pub cny_per_usd: f64,
    pub date: String,
}

/// What kind of answer a question takes.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum AnswerSpec {
    Choice { values: Vec<String> },
    Multi { values: Vec<String> },
    Amount { currency: String },
}

/// A verdict (permitted, restricted, …) and when it is given; the first that holds wins.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct VerdictRule {
    pub id: String,
    /// Names the UI string `elig-reason-REASON` that says why this verdict applies.
    pub reason: String,
    pub when: Condition,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub only_measures: Option<Vec<u32>>,
    /// A note shown on every listed measure but those in `except` (the UI string
    /// `elig-note-TEXT`), e.g. that each depends on the Negative List.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Note>,
}

/// A verdict's note on the measures it lists.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Note {
    pub text: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub except: Vec<u32>,
}

/// A measure of the plan, when it applies, and the benefit it lists.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MeasureRule {
    pub measure: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub benefit: Option<String>,
    /// Names the UI string `elig-reason-REASON` that says why this result applies.
    pub reason: String,
    /// Conditions the plan adds without defining them: each names the UI string
    /// `elig-undefined-TERM`, and the result says which departments to ask.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub undefined: Vec<String>,
    pub when: Condition,
}

/// One node of a condition: exactly one operator is set.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub always: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all: Option<Vec<Condition>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub any: Option<Vec<Condition>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not: Option<Box<Condition>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is: Option<String>,
    #[serde(default, rename = "in", skip_serializing_if = "Option::is_none")]
    pub one_of: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_any: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered: Option<bool>,
    /// Name of a figure in the thresholds data; replaced by its amount in `gte_amount`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gte: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gte_amount: Option<u64>,
}

/// A visitor's answers: one value, several values, or an amount.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Answer {
    Amount(u64),
    One(String),
    Many(Vec<String>),
}

/// The visitor's answers, by question name.
pub type Answers = BTreeMap<String, Answer>;

/// What the checker shows: the verdict and, per measure, its benefits.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct Outcome {
    pub verdict: String,
    pub measures: Vec<u32>,
    /// Measure number → benefits, for measures whose rules name one.
    pub benefits: BTreeMap<String, Vec<String>>,
}

impl Rules {
    /// The verdict and the measures that apply to `answers`: what `rules.js` computes in the
    /// browser, for the same rules.
    pub fn evaluate(&self, answers: &Answers) -> Outcome {
        let asked = self.asked(answers);
        let answers = &asked;
        let verdict = self
            .verdicts
            .iter()
            .find(|v| holds(&v.when, answers))
            .or(self.verdicts.last());
        let only = verdict.and_then(|v| v.only_measures.as_ref());
        let mut measures: Vec<u32> = Vec::new();
        let mut benefits: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for rule in &self.measures {
            if only.is_some_and(|o| !o.contains(&rule.measure)) || !holds(&rule.when, answers) {
                continue;
            }
            if !measures.contains(&rule.measure) {
                measures.push(rule.measure);
            }
            if let Some(b) = &rule.benefit {
                benefits
                    .entry(rule.measure.to_string())
                    .or_default()
                    .push(b.clone());
            }
        }
        measures.sort_unstable();
        Outcome {
            verdict: verdict.map(|v| v.id.clone()).unwrap_or_default(),
            measures,
            benefits,
        }
    }
}

impl Rules {
    /// `answers` without those to questions not asked (see `ask_when`); the conditions of
    /// `ask_when` read only questions that are always asked, so the order does not matter.
    pub fn asked(&self, answers: &Answers) -> Answers {
        answers
            .iter()
            .filter(|(name, _)| self.ask_when.get(*name).is_none_or(|c| holds(c, answers)))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

/// Whether `c` holds; a comparison on an answer that was not given never holds.
pub fn holds(c: &Condition, answers: &Answers) -> bool {
    if let Some(a) = c.always {
        return a;
    }
    if let Some(all) = &c.all {
        return all.iter().all(|c| holds(c, answers));
    }
    if let Some(any) = &c.any {
        return any.iter().any(|c| holds(c, answers));
    }
    if let Some(not) = &c.not {
        return !holds(not, answers);
    }
    let Some(answer) = c.answer.as_ref().and_then(|name| answers.get(name)) else {
        return false;
    };
    match answer {
        Answer::One(v) => {
            c.is.as_ref().is_some_and(|x| x == v)
                || c.one_of.as_ref().is_some_and(|xs| xs.contains(v))
                || c.answered == Some(true)
        }
        Answer::Many(vs) => {
            c.has.as_ref().is_some_and(|x| vs.contains(x))
                || c.has_any
                    .as_ref()
                    .is_some_and(|xs| xs.iter().any(|x| vs.contains(x)))
                || (c.answered == Some(true) && !vs.is_empty())
        }
        Answer::Amount(n) => c.gte_amount.is_some_and(|min| *n >= min) || c.answered == Some(true),
    }
}

/// Reads and validates the rules; `gte` names are resolved against `amounts`.
pub fn load(
    text: &str,
    path: &Path,
    amounts: &BTreeMap<String, crate::format::Amount>,
) -> Result<Rules, Vec<Diagnostic>> {
    let mut rules: Rules = crate::yaml::parse(
        text,
        path,
        1,
        &["answers", "ask_when", "verdicts", "measures", "conversion"],
    )
    .map_err(|d| vec![d])?;
    let mut problems = Vec::new();
    let answers = rules.answers.clone();
    let mut check = |c: &mut Condition| validate(c, &answers, amounts, text, path, &mut problems);
    for v in &mut rules.verdicts {
        check(&mut v.when);
    }
    for m in &mut rules.measures {
        check(&mut m.when);
    }
    for c in rules.ask_when.values_mut() {
        check(c);
    }
    check_ask_when(&rules, text, path, &mut problems);
    if let Some(c) = &rules.conversion
        && !(c.cny_per_usd > 0.0
            && c.cny_per_usd.is_finite()
            && crate::frontmatter::is_date(&c.date))
    {
        problems.push(
            Diagnostic::error(path, "`conversion` needs a positive `cny_per_usd` and a `date` (YYYY-MM-DD)")
                .at(crate::yaml::line_of_key(text, "conversion"), 1)
                .hint("write e.g. `conversion: { cny_per_usd: RATE, date: YYYY-MM-DD }` with the rate's source date"),
        );
    }
    if rules.verdicts.is_empty() {
        problems.push(
            Diagnostic::error(path, "no verdicts")
                .hint("add at least one verdict with `when: { always: true }`"),
        );
    }
    if problems.is_empty() {
        Ok(rules)
    } else {
        Err(problems)
    }
}

/// `ask_when` names questions that exist, and its conditions read only questions always asked.
fn check_ask_when(rules: &Rules, text: &str, path: &Path, problems: &mut Vec<Diagnostic>) {
    let start = line_containing(text, "ask_when:");
    for (name, c) in &rules.ask_when {
        let key = format!("{name}:");
        let below = text
            .lines()
            .skip(start)
            .position(|l| l.trim_start().starts_with(&key));
        let line = below.map_or(start, |i| start + i + 1);
        if !rules.answers.contains_key(name) {
            problems.push(
                Diagnostic::error(
                    path,
                    format!("`ask_when` names `{name}`, which is not an answer"),
                )
                .at(line, 1)
                .hint("name a question of `answers:`"),
            );
        }
        for read in answers_read(c) {
            if rules.ask_when.contains_key(read) {
                problems.push(
                    Diagnostic::error(
                        path,
                        format!("whether `{name}` is asked depends on `{read}`, which is not always asked"),
                    )
                    .at(line, 1)
                    .hint("make `ask_when` depend only on questions that are always asked"),
                );
            }
        }
    }
}

/// The answers a condition reads.
fn answers_read(c: &Condition) -> Vec<&str> {
    let children = c.all.iter().chain(c.any.iter()).flatten();
    let mut names: Vec<&str> = children.flat_map(answers_read).collect();
    if let Some(not) = &c.not {
        names.extend(answers_read(not));
    }
    names.extend(c.answer.as_deref());
    names
}

fn validate(
    c: &mut Condition,
    answers: &BTreeMap<String, AnswerSpec>,
    amounts: &BTreeMap<String, crate::format::Amount>,
    text: &str,
    path: &Path,
    problems: &mut Vec<Diagnostic>,
) {
    let line_of = |needle: &str| line_containing(text, needle);
    let operators = [
        c.always.is_some(),
        c.all.is_some(),
        c.any.is_some(),
        c.not.is_some(),
        c.is.is_some(),
        c.one_of.is_some(),
        c.has.is_some(),
        c.has_any.is_some(),
        c.answered.is_some(),
        c.gte.is_some(),
    ];
    if operators.iter().filter(|o| **o).count() != 1 {
        problems.push(
            Diagnostic::error(path, "a condition must have exactly one operator")
                .at(line_of(c.answer.as_deref().unwrap_or("when")), 1)
                .hint("use one of always, all, any, not, is, in, has, has_any, answered, gte"),
        );
        return;
    }
    for child in c.all.iter_mut().chain(c.any.iter_mut()).flatten() {
        validate(child, answers, amounts, text, path, problems);
    }
    if let Some(not) = &mut c.not {
        validate(not, answers, amounts, text, path, problems);
    }
    let needs_answer =
        !(c.always.is_some() || c.all.is_some() || c.any.is_some() || c.not.is_some());
    if !needs_answer {
        return;
    }
    let mut fail = |needle: &str, message: String, hint: String| {
        problems.push(
            Diagnostic::error(path, message)
                .at(line_of(needle), 1)
                .hint(hint),
        );
    };
    let Some(name) = c.answer.clone() else {
        fail(
            "when",
            "a comparison needs `answer: NAME`".into(),
            "name the question it tests".into(),
        );
        return;
    };
    let Some(spec) = answers.get(&name) else {
        let known: Vec<&str> = answers.keys().map(String::as_str).collect();
        let hint = crate::diagnostic::nearest(&name, known.iter().copied())
            .map_or(format!("answers: {}", known.join(", ")), |n| {
                format!("did you mean `{n}`?")
            });
        fail(
            &format!("answer: {name}"),
            format!("unknown answer `{name}`"),
            hint,
        );
        return;
    };
    match spec {
        AnswerSpec::Choice { values } | AnswerSpec::Multi { values } => {
            let multi = matches!(spec, AnswerSpec::Multi { .. });
            check_choices(c, &name, values, multi, &mut fail);
        }
        AnswerSpec::Amount { .. } => resolve_amount(c, &name, amounts, &mut fail),
    }
}

/// Reports an operator that does not fit a choice answer, and a value it does not offer.
fn check_choices(
    c: &Condition,
    name: &str,
    allowed: &[String],
    multi: bool,
    fail: &mut impl FnMut(&str, String, String),
) {
    if (multi && (c.is.is_some() || c.one_of.is_some()))
        || (!multi && (c.has.is_some() || c.has_any.is_some()))
        || c.gte.is_some()
    {
        fail(&format!("answer: {name}"), format!("this operator does not fit the answer `{name}`"),
            "use is/in for single-choice answers, has/has_any for multiple-choice ones, gte for amounts".into());
    }
    let values =
        c.is.iter()
            .chain(c.has.iter())
            .chain(c.one_of.iter().flatten())
            .chain(c.has_any.iter().flatten());
    for v in values {
        if !allowed.contains(v) {
            fail(
                &format!("answer: {name}"),
                format!("`{v}` is not a value of `{name}`"),
                format!("values: {}", allowed.join(", ")),
            );
        }
    }
}

/// Resolves `gte: FIGURE` of an amount answer to the figure's value.
fn resolve_amount(
    c: &mut Condition,
    name: &str,
    amounts: &BTreeMap<String, crate::format::Amount>,
    fail: &mut impl FnMut(&str, String, String),
) {
    if let Some(figure) = &c.gte {
        match amounts.get(figure) {
            Some(a) => c.gte_amount = Some(a.amount),
            None => fail(
                figure,
                format!("no figure `{figure}` in the thresholds data"),
                "add it to the thresholds file or fix the name".into(),
            ),
        }
    } else if c.answered.is_none() {
        fail(
            &format!("answer: {name}"),
            format!("`{name}` is an amount"),
            "compare it with `gte: FIGURE`".into(),
        );
    }
}

/// The first line (1-based) of `text` that contains `needle`; 1 when none does.
fn line_containing(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map_or(1, |i| i + 1)
}

/// Rules that passed validation, with the file they came from (for messages about them), and
/// their test cases.
pub struct Checked {
    pub rules: Rules,
    pub text: String,
    pub path: PathBuf,
    /// Empty when the cases file could not be read.
    pub cases: Vec<Case>,
    pub cases_text: String,
    pub cases_path: PathBuf,
}

impl Checked {
    /// The rules as the browser's checker reads them: (fingerprinted path, JSON).
    pub(crate) fn file(
        &self,
        assets: &mut crate::theme::Assets,
    ) -> Result<(String, Vec<u8>), Diagnostic> {
        let json = serde_json::to_vec(&self.rules).map_err(|e| {
            Diagnostic::error(&self.path, format!("cannot write the rules as JSON: {e}"))
                .hint("report this as a bug of invest-guide, with the rules file")
        })?;
        Ok((assets.add("eligibility-rules.json", &json), json))
    }

    /// The UI strings the checker needs, each with the rules-file text that needs it: every
    /// rule's reason, each question, hint and choice, and each benefit.
    fn needed(&self) -> Vec<(String, String)> {
        let rules = &self.rules;
        let mut keys = Vec::new();
        for v in &rules.verdicts {
            keys.push((
                format!("elig-reason-{}", v.reason),
                format!("reason: {}", v.reason),
            ));
            if let Some(note) = &v.note {
                keys.push((format!("elig-note-{}", note.text), note.text.clone()));
            }
        }
        for m in &rules.measures {
            keys.push((
                format!("elig-reason-{}", m.reason),
                format!("reason: {}", m.reason),
            ));
            if let Some(b) = &m.benefit {
                keys.push((format!("elig-benefit-{b}"), format!("benefit: {b}")));
            }
            for term in &m.undefined {
                keys.push((format!("elig-undefined-{term}"), term.clone()));
            }
        }
        for (name, spec) in &rules.answers {
            let at = format!("{name}:");
            keys.push((format!("elig-q-{name}"), at.clone()));
            keys.push((format!("elig-h-{name}"), at.clone()));
            if let AnswerSpec::Choice { values } | AnswerSpec::Multi { values } = spec {
                for v in values {
                    keys.push((format!("elig-v-{name}-{v}"), at.clone()));
                }
            }
        }
        keys
    }

    /// Errors for UI strings the rules need but a language lacks, at the line that needs them.
    pub fn check_strings(&self, strings: &crate::i18n::Bundles) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        let mut seen = BTreeSet::new();
        for (key, needle) in self.needed() {
            for (lang, bundle) in strings {
                if bundle.has(&key) || !seen.insert((key.clone(), lang.clone())) {
                    continue;
                }
                let line = line_containing(&self.text, &needle);
                problems.push(
                    Diagnostic::error(
                        &self.path,
                        format!("UI string `{key}` is missing in `{lang}`"),
                    )
                    .at(line, 1)
                    .hint(format!(
                        "add `{key} = …` to i18n/{lang}/eligibility.ftl, or fix the name here"
                    )),
                );
            }
        }
        problems
    }
}

/// A test vector: answers and the outcome the policy calls for.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub name: String,
    pub answers: Answers,
    pub verdict: String,
    pub measures: Vec<u32>,
    #[serde(default)]
    pub benefits: BTreeMap<String, Vec<String>>,
}

/// Runs every case; each mismatch is a diagnostic naming the case, and a rule no case reaches
/// is a warning (it may be unreachable, or simply untested).
pub fn run_cases(rules: &Rules, cases: &[Case], text: &str, path: &Path) -> Vec<Diagnostic> {
    let mut problems = unreached(rules, cases, path);
    for case in cases {
        let got = rules.evaluate(&case.answers);
        let want = Outcome {
            verdict: case.verdict.clone(),
            measures: case.measures.clone(),
            benefits: case.benefits.clone(),
        };
        if got != want {
            let line = line_containing(text, &case.name);
            problems.push(
                Diagnostic::error(
                    path,
                    format!(
                        "case `{}`: the rules give {} {:?} {:?}, the case expects {} {:?} {:?}",
                        case.name,
                        got.verdict,
                        got.measures,
                        got.benefits,
                        want.verdict,
                        want.measures,
                        want.benefits
                    ),
                )
                .at(line, 1)
                .hint("fix the rule, or the case if the policy changed"),
            );
        }
    }
    problems
}

/// Rules that hold for no test case.
fn unreached(rules: &Rules, cases: &[Case], path: &Path) -> Vec<Diagnostic> {
    let reached = |c: &Condition| cases.iter().any(|case| holds(c, &case.answers));
    let verdicts = rules
        .verdicts
        .iter()
        .filter(|v| !reached(&v.when))
        .map(|v| format!("verdict `{}`", v.id));
    let measures = rules
        .measures
        .iter()
        .filter(|m| !reached(&m.when))
        .map(|m| match &m.benefit {
            Some(b) => format!("measure {} (benefit `{b}`)", m.measure),
            None => format!("measure {}", m.measure),
        });
    verdicts
        .chain(measures)
        .map(|rule| {
            Diagnostic::warning(path, format!("no test case reaches the rule for {rule}"))
                .hint("add a case whose answers meet it; if none can, the rule is unreachable and should be fixed")
        })
        .collect()
}

/// Eligibility stage: validates the rules `site.yaml` names (`eligibility: {rules, cases}`)
/// against the thresholds and the UI strings, and runs the test cases through the evaluator.
/// Returns the checked rules (none if the site has no checker, or they are broken) and the
/// problems found.
pub(crate) fn check(
    site: &crate::model::Site,
    amounts: &crate::format::Amounts,
    strings: &crate::i18n::Bundles,
) -> (Option<Checked>, Vec<Diagnostic>) {
    let Some(files) = &site.config.eligibility else {
        return (None, Vec::new());
    };
    let text = |name: &str| {
        let path = PathBuf::from(format!("content/{name}.yaml"));
        match site.data_text.get(&path) {
            Some(text) => Ok((path, text.as_str())),
            None => Err(
                Diagnostic::error(&path, "cannot read the file: it does not exist")
                    .hint("create it, or fix `eligibility:` in site.yaml"),
            ),
        }
    };
    let ((rules_path, rules_text), (cases_path, cases_text)) =
        match (text(&files.rules), text(&files.cases)) {
            (Ok(r), Ok(c)) => (r, c),
            (r, c) => return (None, r.err().into_iter().chain(c.err()).collect()),
        };
    let rules = match load(rules_text, &rules_path, amounts) {
        Ok(rules) => rules,
        Err(problems) => return (None, problems),
    };
    let (cases, mut problems) =
        match crate::yaml::parse::<Vec<Case>>(cases_text, &cases_path, 1, &[]) {
            Ok(cases) => {
                let problems = run_cases(&rules, &cases, cases_text, &cases_path);
                (cases, problems)
            }
            Err(d) => (Vec::new(), vec![d]),
        };
    let checked = Checked {
        rules,
        text: rules_text.to_string(),
        path: rules_path,
        cases,
        cases_text: cases_text.to_string(),
        cases_path,
    };
    problems.extend(checked.check_strings(strings));
    (Some(checked), problems)
}
