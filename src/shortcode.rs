//! `{{ name(arg="value") }}` in Markdown: small, named inserts that keep figures in data.
//! The one shortcode today is `amount`, which prints a figure of the thresholds data file in
//! the page's language, so a policy change is one edit. Inside code spans and code blocks
//! `{{` is text, not a shortcode. `plan` quotes the plan's own words from its full text
//! (`content/plan/text.yaml`): `{{ plan(p="m9", s="2-3") }}` or `{{ plan(text="…") }}`.

use crate::diagnostic::Diagnostic;
use crate::diagnostic::LineIndex;
use crate::format::{Amount, money};
use crate::model::Page;
use pulldown_cmark::{Event, Options, Parser, Tag};
use std::collections::BTreeMap;
use std::ops::Range;

/// What `{{ plan(…) }}` needs: the plan (none when the site has no full text), the UI strings
/// of its caption and the site's base path, for the link to the full text.
#[derive(Clone, Copy)]
pub(crate) struct Quotes<'a> {
    pub(crate) plan: Option<&'a crate::plan::Plan>,
    pub(crate) strings: &'a crate::i18n::Bundles,
    pub(crate) base_path: &'a str,
    /// The languages that have the full-text page the quotations link to.
    pub(crate) full_text: &'a [String],
}

/// The body with every shortcode replaced; problems are reported at the shortcode's line.
/// Code spans and code blocks (as pulldown-cmark reads the body with `options`) are left as
/// written: `{{` there is text a reader should see, e.g. in an example of the syntax.
pub(crate) fn expand(
    page: &Page,
    body: &str,
    amounts: &BTreeMap<String, Amount>,
    quotes: &Quotes,
    options: Options,
    problems: &mut Vec<Diagnostic>,
) -> String {
    if !body.contains("{{") {
        return body.to_string();
    }
    let mut expansion = Expansion {
        page,
        body,
        amounts,
        quotes,
        lines: LineIndex::new(body, page.body_line),
        out: String::with_capacity(body.len()),
        problems,
    };
    let mut from = 0;
    for code in code_ranges(body, options) {
        if code.start < from {
            continue;
        }
        expansion.text(from, code.start);
        expansion.out.push_str(&body[code.clone()]);
        from = code.end;
    }
    expansion.text(from, body.len());
    expansion.out
}

/// Byte ranges of the code spans and code blocks of `body`, in order.
fn code_ranges(body: &str, options: Options) -> Vec<Range<usize>> {
    Parser::new_ext(body, options)
        .into_offset_iter()
        .filter(|(event, _)| matches!(event, Event::Code(_) | Event::Start(Tag::CodeBlock(_))))
        .map(|(_, range)| range)
        .collect()
}

/// A page's body being expanded, piece by piece.
struct Expansion<'a> {
    page: &'a Page,
    /// The page's body (the page's own is taken away before a build renders it).
    body: &'a str,
    amounts: &'a BTreeMap<String, Amount>,
    quotes: &'a Quotes<'a>,
    lines: LineIndex,
    out: String,
    problems: &'a mut Vec<Diagnostic>,
}

impl Expansion<'_> {
    /// Appends `body[start..end]`, a piece outside code, with its shortcodes replaced.
    fn text(&mut self, start: usize, end: usize) {
        let body = &self.body[..end];
        let mut rest = start;
        while let Some(open) = body[rest..].find("{{").map(|i| i + rest) {
            self.out.push_str(&body[rest..open]);
            let Some(close) = body[open..].find("}}").map(|i| i + open) else {
                self.problems.push(
                    Diagnostic::error(&self.page.source, "`{{` is never closed")
                        .at(self.lines.line(open), 1)
                        .hint("close the shortcode with `}}`"),
                );
                rest = open;
                break;
            };
            let call = body[open + 2..close].trim();
            match call_one(call, &self.page.lang, self.amounts, self.quotes) {
                Ok(text) => self.out.push_str(&text),
                Err((message, hint)) => self.problems.push(
                    Diagnostic::error(&self.page.source, message)
                        .at(self.lines.line(open), 1)
                        .hint(hint),
                ),
            }
            rest = close + 2;
        }
        self.out.push_str(&body[rest..]);
    }
}

type Failure = (String, String);

fn call_one(
    call: &str,
    lang: &str,
    amounts: &BTreeMap<String, Amount>,
    quotes: &Quotes,
) -> Result<String, Failure> {
    let (name, args) = parse_call(call).ok_or_else(|| {
        (
            format!("cannot read the shortcode `{{{{ {call} }}}}`"),
            "write it as {{ amount(name=\"land_energy_total_usd\") }}".to_string(),
        )
    })?;
    match name {
        "amount" => {
            let key = args.get("name").ok_or_else(|| {
                (
                    "`amount` needs a `name`".to_string(),
                    "write {{ amount(name=\"…\") }}".to_string(),
                )
            })?;
            let figure = amounts.get(*key).ok_or_else(|| {
                let known: Vec<&str> = amounts.keys().map(String::as_str).collect();
                (
                    format!("no figure named `{key}` in the thresholds data"),
                    match crate::diagnostic::nearest(key, known.iter().copied()) {
                        Some(near) => format!("did you mean `{near}`?"),
                        None => format!("known figures: {}", known.join(", ")),
                    },
                )
            })?;
            Ok(money(figure.amount, figure.currency, lang))
        }
        "plan" => {
            let plan = quotes.plan.ok_or_else(|| {
                (
                    format!(
                        "`plan` quotes the plan, but the site has no {}",
                        crate::plan::FILE
                    ),
                    "create the plan's full text there (see the README), or remove the shortcode"
                        .to_string(),
                )
            })?;
            if let Some(unknown) = args.keys().find(|k| !["p", "s", "text"].contains(*k)) {
                return Err((
                    format!("`plan` has no argument `{unknown}`"),
                    "its arguments are p (a paragraph id), s (a sentence or range) and text (a passage)".into(),
                ));
            }
            if !quotes.full_text.iter().any(|l| l == lang) {
                return Err((
                    format!(
                        "`plan` links to the plan's full text, but there is no page {} in `{lang}`",
                        crate::plan::PAGE
                    ),
                    format!(
                        "create content/{}.{lang}.md (its template shows the full text)",
                        crate::plan::PAGE
                    ),
                ));
            }
            let get = |k: &str| args.get(k).copied();
            let selection = plan.select(get("p"), get("s"), get("text"))?;
            let full_text = format!(
                "{}{}",
                quotes.base_path,
                crate::model::url_path(crate::plan::PAGE, lang)
            );
            plan.quote_html(&selection, lang, &full_text, quotes.strings)
        }
        _ => Err((
            format!("unknown shortcode `{name}`"),
            "the shortcodes are: amount(name=\"…\") and plan(p=\"…\", s=\"…\")".into(),
        )),
    }
}

/// `amount(name="x", b="y")` → ("amount", {name: x, b: y}).
fn parse_call(call: &str) -> Option<(&str, BTreeMap<&str, &str>)> {
    let (name, rest) = call.split_once('(')?;
    let inner = rest.trim_end().strip_suffix(')')?;
    let mut args = BTreeMap::new();
    for part in inner.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=')?;
        let v = v.trim().strip_prefix('"')?.strip_suffix('"')?;
        args.insert(k.trim(), v);
    }
    Some((name.trim(), args))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(body: &str) -> Page {
        Page {
            source: "content/a.en.md".into(),
            key: "a".into(),
            lang: "en".into(),
            dir: String::new(),
            is_index: false,
            generated: false,
            fallback: false,
            source_hash: String::new(),
            front: Default::default(),
            body: body.into(),
            body_line: 4,
            url_path: "en/a/".into(),
        }
    }

    fn expanded(body: &str) -> (String, Vec<Diagnostic>) {
        let amounts = BTreeMap::from([(
            "x".to_string(),
            Amount {
                amount: 5,
                currency: crate::format::Currency::Usd,
                source: String::new(),
            },
        )]);
        let mut problems = Vec::new();
        let strings = Default::default();
        let quotes = Quotes {
            plan: None,
            strings: &strings,
            base_path: "/",
            full_text: &[],
        };
        let out = expand(
            &page(body),
            body,
            &amounts,
            &quotes,
            Options::empty(),
            &mut problems,
        );
        (out, problems)
    }

    // Guards `{{` in code taken for a shortcode: code spans and blocks are copied as written.
    #[test]
    fn code_is_copied_and_text_around_it_expanded() {
        let body = "`{{ a }}` {{ amount(name=\"x\") }}\n\n```\n{{\n```\n\n    {{ b }}\n";
        let (out, problems) = expanded(body);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(out, "`{{ a }}` US$5\n\n```\n{{\n```\n\n    {{ b }}\n");
    }

    #[test]
    fn a_shortcode_is_not_closed_by_a_brace_pair_inside_code() {
        let (out, problems) = expanded("text\n{{ amount(name=\"x\") `}}`\n");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            (problems[0].line, problems[0].message.as_str()),
            (5, "`{{` is never closed")
        );
        assert_eq!(out, "text\n{{ amount(name=\"x\") `}}`\n");
    }

    #[test]
    fn parses_calls() {
        let (name, args) = parse_call("amount(name=\"a_b\")").unwrap();
        assert_eq!(name, "amount");
        assert_eq!(args["name"], "a_b");
        assert!(parse_call("amount name").is_none());
    }
}
