//! YAML parsing with errors that point at the line in the source file, not in a fragment.

use crate::diagnostic::{Diagnostic, nearest};
use serde::de::DeserializeOwned;
use std::path::Path;

/// Parses `text`, which starts at line `first_line` of `path`; `known` names the accepted
/// top-level fields so an unknown one can be answered with the nearest known one.
pub(crate) fn parse<T: DeserializeOwned>(
    text: &str,
    path: &Path,
    first_line: usize,
    known: &[&str],
) -> Result<T, Diagnostic> {
    yaml_serde::from_str(text).map_err(|e| error(&e, text, path, first_line, known))
}

/// A YAML or serde error as a diagnostic at its line in the file (offset by `first_line` for
/// front matter), with a hint: a suggestion for a misspelt field, an indentation tip.
pub(crate) fn error(
    e: &yaml_serde::Error,
    text: &str,
    path: &Path,
    first_line: usize,
    known: &[&str],
) -> Diagnostic {
    let message = e.to_string();
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_string();
    let (line, col) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
    // The parser places errors about a whole document (a missing field) just past its end.
    let mut line = line.min(text.split('\n').count());
    if let Some(field) = unknown_field(&message) {
        line = line_of_key(text, field).max(1);
        let hint = match nearest(field, known.iter().copied()) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("known fields: {}", known.join(", ")),
        };
        return Diagnostic::error(path, format!("unknown field `{field}`"))
            .at(line + first_line - 1, 1)
            .hint(hint);
    }
    let hint = if let Some(field) = message
        .split("missing field `")
        .nth(1)
        .and_then(|rest| rest.split('`').next())
    {
        format!("add `{field}: …` to the entry that starts here")
    } else if message.contains("invalid type") {
        "give the field a value of the expected type (quote text, write numbers without quotes)"
            .to_string()
    } else {
        "check the indentation and quoting; a `:` inside a value needs the value in quotes"
            .to_string()
    };
    Diagnostic::error(path, format!("invalid YAML: {message}"))
        .at(line + first_line - 1, col)
        .hint(hint)
}

fn unknown_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("unknown field `")?;
    rest.split('`').next()
}

/// 1-based line of the first top-level `key:` in `text`, or 0 when there is none.
pub(crate) fn line_of_key(text: &str, key: &str) -> usize {
    text.lines()
        .position(|line| {
            let line = line.trim_start();
            line.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map_or(0, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)] // only deserialised, to provoke errors
    struct T {
        title: String,
    }

    #[test]
    fn unknown_field_points_at_its_line_with_a_suggestion() {
        let text = "title: a\ntitel: b\n";
        let d = parse::<T>(text, Path::new("x.md"), 2, &["title"]).unwrap_err();
        assert_eq!(d.line, 3);
        assert_eq!(d.message, "unknown field `titel`");
        assert!(d.hint.contains("`title`"));
    }

    #[test]
    fn syntax_error_line_is_offset_into_the_file() {
        let text = "title: a\n  - b: [\n";
        let d = parse::<T>(text, Path::new("x.md"), 2, &["title"]).unwrap_err();
        assert!(d.line >= 3, "{d}");
        assert!(d.message.starts_with("invalid YAML"));
    }

    // Guards the parser swap (serde_yaml → yaml_serde): these keep their line:col and wording.
    #[test]
    fn parser_errors_keep_their_positions_in_the_file() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)] // only deserialised, to provoke errors
        struct Page {
            title: String,
            count: Option<u32>,
            items: Option<Vec<Item>>,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)] // only deserialised, to provoke errors
        struct Item {
            name: String,
            amount: f64,
        }
        let at = |text: &str| {
            let d = parse::<Page>(text, Path::new("x.md"), 2, &[]).unwrap_err();
            (d.line, d.col, d.message)
        };
        let (line, col, message) = at("title: a\nitems:\n  - name: x\n\t  amount: 1\n");
        assert_eq!((line, col), (5, 1), "{message}");
        assert!(message.contains("tab character"), "{message}");
        let (line, col, message) = at("title: a\ncount: many\n");
        assert_eq!((line, col), (3, 8), "{message}");
        let items =
            "title: a\nitems:\n  - name: x\n    amount: 1.5\n  - name: y\n    amount: lots\n";
        assert_eq!(
            at(items),
            (
                7,
                13,
                "invalid YAML: items[1].amount: invalid type: string \"lots\", expected f64".into()
            )
        );
    }

    // Regression (found by fuzzing): a file of comments only was reported at a line after its end.
    #[test]
    fn an_error_about_the_whole_document_points_inside_the_file() {
        let d = parse::<T>("# - - Host: rules", Path::new("x.yaml"), 1, &[]).unwrap_err();
        assert!(d.message.contains("missing field `title`"), "{}", d.message);
        assert_eq!(d.line, 1, "{d}");
    }

    #[test]
    fn missing_field_says_what_to_add() {
        let d = parse::<T>("{}\n", Path::new("x.yaml"), 1, &[]).unwrap_err();
        assert!(d.message.contains("missing field `title`"), "{}", d.message);
        assert_eq!(d.hint, "add `title: …` to the entry that starts here");
    }
}
