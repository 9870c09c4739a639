//! Entry points for the fuzz targets (`fuzz/`) and the property test (`tests/suite/fuzz.rs`):
//! one function per parser, taking raw bytes and returning nothing. Bad input must end in a
//! located problem or a value; a panic, here or in an assertion about a problem, is the
//! failure. Not part of the tool's interface.

use crate::config::{BaseType, FieldType};
use crate::diagnostic::Diagnostic;
use crate::eligibility::{Answer, AnswerSpec, Answers};
use crate::format::{Amount, Amounts, Currency};
use crate::model::Page;
use std::collections::BTreeMap;
use std::path::Path;

/// Asserts that every problem names its file, says what is wrong and how to fix it, and
/// points inside the `lines` lines it concerns (0: the whole file).
fn located(problems: &[Diagnostic], path: &str, lines: usize) {
    for d in problems {
        assert_eq!(d.path, Path::new(path), "{d}");
        assert!(!d.message.trim().is_empty(), "no message: {d}");
        assert!(!d.hint.trim().is_empty(), "no hint: {d}");
        assert!(d.line <= lines.max(1), "line {} of {lines}: {d}", d.line);
    }
}

/// Lines of `text` as an editor counts them (a last line without `\n` counts).
fn line_count(text: &str) -> usize {
    text.split('\n').count()
}

/// A page file: split at its `---` fences, then the front matter checked against the common
/// fields and one typed field of each kind.
pub fn front_matter(bytes: &[u8]) {
    let path = "content/measures/x.en.md";
    let text = String::from_utf8_lossy(bytes).replace("\r\n", "\n");
    let split = match crate::frontmatter::split(&text, Path::new(path)) {
        Ok(split) => split,
        Err(d) => return located(&[d], path, line_count(&text)),
    };
    assert!(split.body_line >= 3 && split.body_line <= line_count(&text) + 1);
    let field = |list, base| FieldType { list, base };
    let fields = BTreeMap::from([
        ("number".to_string(), field(false, BaseType::Int)),
        ("flag".to_string(), field(false, BaseType::Bool)),
        ("benefits".to_string(), field(true, BaseType::String)),
        (
            "group".to_string(),
            field(false, BaseType::Ref("groups".into())),
        ),
    ]);
    if let Err(problems) = crate::frontmatter::parse(split.yaml, Path::new(path), &fields) {
        located(&problems, path, line_count(&text));
    }
}

/// A page body through `{{ … }}` expansion, in each language's way of writing figures.
pub fn shortcodes(bytes: &[u8]) {
    let path = "content/x.en.md";
    let body = String::from_utf8_lossy(bytes).into_owned();
    let lines = line_count(&body) + 2;
    for lang in ["en", "ru", "zh"] {
        let page = page(path, lang, body.clone());
        let mut problems = Vec::new();
        let options = crate::markdown::options(lang);
        let strings = Default::default();
        let quotes = crate::shortcode::Quotes {
            plan: None,
            strings: &strings,
            base_path: "/",
            full_text: &[],
        };
        crate::shortcode::expand(
            &page,
            &page.body,
            &amounts(),
            &quotes,
            options,
            &mut problems,
        );
        located(&problems, path, lines);
    }
}

/// The eligibility rules file, read and validated against the fixture's figures; rules that
/// pass are evaluated with no answers and with every question answered.
pub fn rules(bytes: &[u8]) {
    let path = "content/eligibility/rules.yaml";
    let text = String::from_utf8_lossy(bytes);
    match crate::eligibility::load(&text, Path::new(path), &amounts()) {
        Ok(rules) => {
            rules.evaluate(&Answers::new());
            let answers = rules.answers.iter().map(|(name, spec)| {
                let answer = match spec {
                    AnswerSpec::Choice { values } => {
                        Answer::One(values.first().cloned().unwrap_or_default())
                    }
                    AnswerSpec::Multi { values } => Answer::Many(values.clone()),
                    AnswerSpec::Amount { .. } => Answer::Amount(u64::MAX),
                };
                (name.clone(), answer)
            });
            rules.evaluate(&answers.collect());
        }
        Err(problems) => located(&problems, path, line_count(&text)),
    }
}

/// Figures as each language writes them: the first 8 bytes are the amount, the next picks
/// the currency, the rest is the language code. (Amounts as visitors type them are read in
/// the browser only, by `themes/default/static/amount.js`; it is checked against
/// `tests/vectors/amounts.json`.)
pub fn amount(bytes: &[u8]) {
    let mut n = [0u8; 8];
    let head = bytes.len().min(8);
    n[..head].copy_from_slice(&bytes[..head]);
    let currency = match bytes.get(8) {
        Some(b) if b % 2 == 1 => Currency::Cny,
        _ => Currency::Usd,
    };
    let lang = String::from_utf8_lossy(bytes.get(9..).unwrap_or_default());
    let amount = u64::from_le_bytes(n);
    for lang in [lang.as_ref(), "en", "ru", "zh"] {
        assert!(!crate::format::money(amount, currency, lang).is_empty());
        crate::format::local_date(&String::from_utf8_lossy(bytes), lang);
    }
}

/// Search normalisation: the index's tokens and a query with synonym groups applied.
pub fn search(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let tokens = crate::search::normalise::tokens(&text);
    assert!(tokens.iter().all(|t| !t.is_empty()), "{tokens:?}");
    let synonyms: Vec<Vec<String>> = [
        &[
            "外资",
            "外商投资",
            "foreign investment",
            "иностранные инвестиции",
        ][..],
        &["保税", "bonded", "бондовый", "customs warehouse"],
        &["штаб-квартира", "headquarters", "总部"],
        &["FIE", "foreign-invested enterprise", "外资企业"],
    ]
    .iter()
    .map(|g| g.iter().map(|s| s.to_string()).collect())
    .collect();
    crate::search::query::parse_query(&text, &synonyms);
    crate::search::query::query_concepts(&text);
}

/// A built page through the search index's text extraction (`search/extract.rs`), whose HTML
/// scanner must take any markup: pages carry raw HTML from Markdown.
pub fn search_page(bytes: &[u8]) {
    let html = String::from_utf8_lossy(bytes);
    if let Ok(Some((_, sections))) = crate::search::extract::extract(&html) {
        assert!(!sections.is_empty());
    }
}

/// A request head as `serve` reads it, on loopback and exposed.
pub fn request(bytes: &[u8]) {
    for loopback in [true, false] {
        if let Ok(request) = crate::serve::http::Request::parse(bytes, loopback) {
            assert!(request.path.starts_with('/'), "{}", request.path);
        }
    }
}

fn page(path: &str, lang: &str, body: String) -> Page {
    Page {
        source: path.into(),
        key: "x".into(),
        lang: lang.into(),
        dir: String::new(),
        is_index: false,
        generated: false,
        fallback: false,
        source_hash: String::new(),
        front: Default::default(),
        body: body.into(),
        body_line: 3,
        url_path: format!("{lang}/x/"),
    }
}

/// The figures of the test fixtures: a round one, one that is not, the largest.
fn amounts() -> Amounts {
    let figure = |amount, currency| Amount {
        amount,
        currency,
        source: String::new(),
    };
    Amounts::from([
        (
            "land_energy_total_usd".into(),
            figure(50_000_000, Currency::Usd),
        ),
        ("odd_cny".into(), figure(1_234_567, Currency::Cny)),
        ("max_usd".into(), figure(u64::MAX, Currency::Usd)),
    ])
}
