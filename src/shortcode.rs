//! `{{ name(arg="value") }}` in Markdown: small, named inserts that keep figures in data.
//! The one shortcode today is `amount`, which prints a figure of the thresholds data file in
//! the page's language, so a policy change is one edit.

use crate::diagnostic::Diagnostic;
use crate::diagnostic::LineIndex;
use crate::format::{Amount, money};
use crate::model::Page;
use std::collections::BTreeMap;

/// The body with every shortcode replaced; problems are reported at the shortcode's line.
pub(crate) fn expand(
    page: &Page,
    amounts: &BTreeMap<String, Amount>,
    problems: &mut Vec<Diagnostic>,
) -> String {
    let body = &page.body;
    if !body.contains("{{") {
        return body.clone();
    }
    let lines = LineIndex::new(body, page.body_line);
    let mut out = String::with_capacity(body.len());
    let mut rest = 0;
    while let Some(open) = body[rest..].find("{{").map(|i| i + rest) {
        out.push_str(&body[rest..open]);
        let Some(close) = body[open..].find("}}").map(|i| i + open) else {
            problems.push(
                Diagnostic::error(&page.source, "`{{` is never closed")
                    .at(lines.line(open), 1)
                    .hint("close the shortcode with `}}`"),
            );
            rest = open;
            break;
        };
        let call = body[open + 2..close].trim();
        match call_one(call, &page.lang, amounts) {
            Ok(text) => out.push_str(&text),
            Err((message, hint)) => problems.push(
                Diagnostic::error(&page.source, message)
                    .at(lines.line(open), 1)
                    .hint(hint),
            ),
        }
        rest = close + 2;
    }
    out.push_str(&body[rest..]);
    out
}

type Failure = (String, String);

fn call_one(call: &str, lang: &str, amounts: &BTreeMap<String, Amount>) -> Result<String, Failure> {
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
        _ => Err((
            format!("unknown shortcode `{name}`"),
            "the shortcodes are: amount(name=\"…\")".into(),
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

    #[test]
    fn parses_calls() {
        let (name, args) = parse_call("amount(name=\"a_b\")").unwrap();
        assert_eq!(name, "amount");
        assert_eq!(args["name"], "a_b");
        assert!(parse_call("amount name").is_none());
    }
}
