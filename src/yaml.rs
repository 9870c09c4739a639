//! YAML parsing with errors that point at the line in the source file, not in a fragment; a
//! key that is not text or a number that is not finite is such an error too.

use crate::diagnostic::{Diagnostic, nearest};
use serde::de::DeserializeOwned;
use std::path::Path;
use yaml_serde::Value;

/// Parses `text`, which starts at line `first_line` of `path`; `known` names the accepted
/// top-level fields so an unknown one can be answered with the nearest known one.
pub(crate) fn parse<T: DeserializeOwned>(
    text: &str,
    path: &Path,
    first_line: usize,
    known: &[&str],
) -> Result<T, Diagnostic> {
    let value = yaml_serde::from_str(text).map_err(|e| error(&e, text, path, first_line, known))?;
    check_plain(text, path, first_line)?;
    Ok(value)
}

/// [`parse`] into a YAML value, for a page's front matter: the document is read a second time,
/// to locate a problem, only when the value shows one (pages are many, and small).
pub(crate) fn parse_value(
    text: &str,
    path: &Path,
    first_line: usize,
    known: &[&str],
) -> Result<Value, Diagnostic> {
    let value = yaml_serde::from_str(text).map_err(|e| error(&e, text, path, first_line, known))?;
    if !is_plain(&value) {
        check_plain(text, path, first_line)?;
    }
    Ok(value)
}

/// Whether every key in `value` is text and every number finite (what [`check_plain`] checks).
fn is_plain(value: &Value) -> bool {
    match value {
        Value::Number(n) => n.as_f64().is_none_or(f64::is_finite),
        Value::Sequence(items) => items.iter().all(is_plain),
        Value::Mapping(map) => map.iter().all(|(k, v)| k.is_string() && is_plain(v)),
        Value::Tagged(tagged) => is_plain(&tagged.value),
        Value::Null | Value::Bool(_) | Value::String(_) => true,
    }
}

/// What serde would let pass unseen, located at its line: a mapping key that is not text
/// (YAML reads `1:`, `true:`, `~:` as a number, a boolean, null; a map of them would drop or
/// rename the entry) and a number JSON cannot hold (`.nan`, `.inf`, which the browser would
/// read as `null`).
fn check_plain(text: &str, path: &Path, first_line: usize) -> Result<(), Diagnostic> {
    let Err(e) = yaml_serde::from_str::<plain::Plain>(text) else {
        return Ok(());
    };
    let message = e.to_string();
    let message = message.split(" at line ").next().unwrap_or(&message);
    let (line, col) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
    let quoted = message
        .split("the key `")
        .nth(1)
        .and_then(|rest| rest.split('`').next());
    let hint = match quoted {
        Some(key) => format!("write it in quotes, `\"{key}\": …`, to keep it as text"),
        None if message.contains(plain::NOT_TEXT) => "a key must be text, like `name:`".into(),
        None if message.contains(plain::NOT_FINITE) => {
            "write a number such as `7.2` (or the text in quotes, if text is meant)".into()
        }
        None => "check the indentation and quoting".to_string(),
    };
    Err(Diagnostic::error(path, message)
        .at(line + first_line - 1, col)
        .hint(hint))
}

/// A YAML document walked without keeping it, failing at a key that is not text or a number
/// that is not finite; the parser adds the position and the path to the key (`b[1].c: …`).
mod plain {
    use serde::de::{self, Deserialize, Deserializer, IgnoredAny, Visitor};
    use std::fmt;

    pub(super) const NOT_TEXT: &str = "is not text";
    pub(super) const NOT_FINITE: &str = "is not a finite number";

    pub(super) struct Plain;

    impl<'de> Deserialize<'de> for Plain {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Plain, D::Error> {
            d.deserialize_any(Any)
        }
    }

    /// Any value: scalars pass, except numbers that are not finite.
    struct Any;

    impl<'de> Visitor<'de> for Any {
        type Value = Plain;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("any YAML value")
        }
        fn visit_bool<E>(self, _: bool) -> Result<Plain, E> {
            Ok(Plain)
        }
        fn visit_i64<E>(self, _: i64) -> Result<Plain, E> {
            Ok(Plain)
        }
        fn visit_u64<E>(self, _: u64) -> Result<Plain, E> {
            Ok(Plain)
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Plain, E> {
            if v.is_finite() {
                Ok(Plain)
            } else {
                Err(E::custom(format!("`{}` {NOT_FINITE}", yaml_float(v))))
            }
        }
        fn visit_str<E>(self, _: &str) -> Result<Plain, E> {
            Ok(Plain)
        }
        fn visit_unit<E>(self) -> Result<Plain, E> {
            Ok(Plain)
        }
        fn visit_none<E>(self) -> Result<Plain, E> {
            Ok(Plain)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Plain, D::Error> {
            Plain::deserialize(d)
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Plain, A::Error> {
            while seq.next_element::<Plain>()?.is_some() {}
            Ok(Plain)
        }
        fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Plain, A::Error> {
            while map.next_key::<Key>()?.is_some() {
                map.next_value::<Plain>()?;
            }
            Ok(Plain)
        }
        /// A tagged value (`!name value`): its value is checked like any other.
        fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Plain, A::Error> {
            let (_, value) = data.variant::<IgnoredAny>()?;
            de::VariantAccess::newtype_variant::<Plain>(value)
        }
    }

    /// A mapping key: only text passes.
    struct Key;

    impl<'de> Deserialize<'de> for Key {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
            d.deserialize_any(KeyVisitor)
        }
    }

    struct KeyVisitor;

    impl KeyVisitor {
        fn reject<E: de::Error>(what: impl fmt::Display) -> Result<Key, E> {
            Err(E::custom(format!("the key {what} {NOT_TEXT}")))
        }
    }

    impl<'de> Visitor<'de> for KeyVisitor {
        type Value = Key;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a key that is text")
        }
        fn visit_str<E>(self, _: &str) -> Result<Key, E> {
            Ok(Key)
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Key, E> {
            Self::reject(format!("`{v}` (true or false)"))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Key, E> {
            Self::reject(format!("`{v}` (a number)"))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Key, E> {
            Self::reject(format!("`{v}` (a number)"))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Key, E> {
            Self::reject(format!("`{}` (a number)", yaml_float(v)))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Key, E> {
            Self::reject("`~` (null)")
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<Key, A::Error> {
            Self::reject("(a list)")
        }
        fn visit_map<A: de::MapAccess<'de>>(self, _: A) -> Result<Key, A::Error> {
            Self::reject("(a map)")
        }
        fn visit_enum<A: de::EnumAccess<'de>>(self, _: A) -> Result<Key, A::Error> {
            Self::reject("(a tagged value)")
        }
    }

    /// `v` as YAML writes it: `.nan`, `.inf`, `-.inf`, or the number.
    fn yaml_float(v: f64) -> String {
        if v.is_nan() {
            ".nan".into()
        } else if v.is_infinite() {
            if v > 0.0 { ".inf" } else { "-.inf" }.into()
        } else {
            v.to_string()
        }
    }
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

#[cfg(test)]
mod plain_tests {
    use super::*;

    /// The one error of `parse`, which `parse_value` (front matter) must report alike.
    fn rejected(text: &str) -> Diagnostic {
        let d = parse::<Value>(text, Path::new("x.md"), 2, &[]).unwrap_err();
        let same = parse_value(text, Path::new("x.md"), 2, &[]).unwrap_err();
        assert_eq!(d, same);
        d
    }

    // Guards keys YAML reads as numbers, booleans or null: a map of them dropped or renamed them.
    #[test]
    fn a_key_that_is_not_text_is_located_with_a_hint_to_quote_it() {
        let d = rejected("title: a\n1: x\n");
        assert_eq!((d.line, d.col), (3, 1), "{d}");
        assert_eq!(d.message, "the key `1` (a number) is not text");
        assert_eq!(d.hint, "write it in quotes, `\"1\": …`, to keep it as text");
        let d = rejected("extra:\n  note: x\n  true: y\n");
        assert_eq!((d.line, d.col), (4, 3), "{d}");
        assert_eq!(
            d.message,
            "extra: the key `true` (true or false) is not text"
        );
        let d = rejected("items:\n  - ~: x\n");
        assert_eq!((d.line, d.col), (3, 5), "{d}");
        assert!(d.message.starts_with("items[0]: the key `~` (null)"), "{d}");
        let d = rejected("? [a, b]\n: c\n");
        assert_eq!(d.line, 2, "{d}");
        assert!(d.message.contains("(a list) is not text"), "{d}");
    }

    // Guards `.nan` and `.inf`, which JSON cannot hold and the browser would read as `null`.
    #[test]
    fn a_number_that_is_not_finite_is_located() {
        for (text, shown) in [
            ("rate: .nan\n", ".nan"),
            ("rate: .inf\n", ".inf"),
            ("rate: -.Inf\n", "-.inf"),
        ] {
            let d = rejected(text);
            assert_eq!((d.line, d.col), (2, 7), "{d}");
            assert_eq!(d.message, format!("rate: `{shown}` is not a finite number"));
        }
        let d = rejected("a:\n  rates: [1.5, .NaN]\n");
        assert_eq!((d.line, d.col), (3, 16), "{d}");
    }

    #[test]
    fn quoted_keys_and_finite_numbers_pass() {
        let text =
            "'1': a\n\"true\": b\nrate: 7.2\nlow: -3\nnested: { x: [1, 2.5, ~] }\ntagged: !t 1\n";
        assert!(parse::<Value>(text, Path::new("x.md"), 2, &[]).is_ok());
        assert!(parse_value(text, Path::new("x.md"), 2, &[]).is_ok());
    }
}
