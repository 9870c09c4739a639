//! Splits a Markdown file into YAML front matter and body, and checks the front matter
//! against the common fields and the typed fields of the page's section.

use crate::config::{BaseType, FieldType};
use crate::diagnostic::{Diagnostic, nearest};
use crate::model::FrontMatter;
use crate::yaml;
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::path::Path;
use yaml_serde::Value;

pub(crate) const COMMON: &[&str] = &[
    "title",
    "summary",
    "date",
    "updated",
    "weight",
    "tags",
    "draft",
    "template",
    "aliases",
    "extra",
    "translated_from",
];

/// A file split at its `---` fences; `body_line` is the 1-based line where the body starts.
pub(crate) struct Split<'a> {
    pub yaml: &'a str,
    pub body: &'a str,
    pub body_line: usize,
}

/// `text` must already have LF line endings.
pub(crate) fn split<'a>(text: &'a str, path: &Path) -> Result<Split<'a>, Diagnostic> {
    if text.trim().is_empty() {
        return Err(Diagnostic::error(path, "the file is empty")
            .hint("start it with front matter: a line `---`, `title: …`, and a closing `---`"));
    }
    let Some(rest) = text.strip_prefix("---\n") else {
        return Err(Diagnostic::error(path, "no front matter at the top of the file")
            .at(1, 1)
            .hint("did you forget the opening `---` line? The file must start with `---`, then `title: …`, then `---`"));
    };
    let mut offset = 0;
    for (i, line) in rest.split_inclusive('\n').enumerate() {
        if line.trim_end() == "---" {
            return Ok(Split {
                yaml: &rest[..offset],
                body: &rest[offset + line.len()..],
                body_line: i + 3,
            });
        }
        offset += line.len();
    }
    Err(
        Diagnostic::error(path, "the front matter opened here is never closed")
            .at(1, 1)
            .hint("add a line with just `---` after the last front-matter field"),
    )
}

/// Checks and converts the front matter; `fields` are the section's typed fields.
pub(crate) fn parse(
    yaml_text: &str,
    path: &Path,
    fields: &BTreeMap<String, FieldType>,
) -> Result<FrontMatter, Vec<Diagnostic>> {
    let value = yaml::parse_value(yaml_text, path, 2, COMMON).map_err(|d| vec![d])?;
    let map = match value {
        Value::Mapping(map) => map,
        Value::Null => yaml_serde::Mapping::new(),
        _ => {
            return Err(vec![
                Diagnostic::error(
                    path,
                    "the front matter is not a list of `field: value` lines",
                )
                .at(2, 1)
                .hint("write fields like `title: My page`"),
            ]);
        }
    };
    let mut checker = Checker {
        path,
        text: yaml_text,
        problems: Vec::new(),
    };
    let mut front = FrontMatter::default();
    for (key, value) in map {
        // `yaml::parse_value` has already refused a key that is not text, at its line.
        let Some(key) = key.as_str().map(str::to_string) else {
            continue;
        };
        checker.field(&mut front, &key, value, fields);
    }
    if front.title.trim().is_empty() && checker.problems.is_empty() {
        checker.problems.push(
            Diagnostic::error(path, "the page has no `title`")
                .at(2, 1)
                .hint("add `title: …` to the front matter"),
        );
    }
    if checker.problems.is_empty() {
        Ok(front)
    } else {
        Err(checker.problems)
    }
}

struct Checker<'a> {
    path: &'a Path,
    text: &'a str,
    problems: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn field(
        &mut self,
        front: &mut FrontMatter,
        key: &str,
        value: Value,
        fields: &BTreeMap<String, FieldType>,
    ) {
        front.lines.insert(key.to_string(), self.at(key));
        match key {
            "title" => front.title = self.string(key, value).unwrap_or_default(),
            "summary" => front.summary = self.string(key, value),
            "date" => front.date = self.date(key, value),
            "updated" => front.updated = self.date(key, value),
            "weight" => front.weight = self.int(key, &value),
            "tags" => front.tags = self.strings(key, value),
            "aliases" => front.aliases = self.strings(key, value),
            "draft" => front.draft = self.bool(key, &value).unwrap_or(false),
            "template" => front.template = self.string(key, value),
            "translated_from" => front.translated_from = self.string(key, value),
            "extra" => match to_json(value) {
                Some(json @ Json::Object(_)) => front.extra = json,
                _ => self.wrong_type(key, "a map of `name: value` lines"),
            },
            _ => match fields.get(key) {
                Some(t) => {
                    if let Some(json) = self.typed(key, value, t) {
                        front.fields.insert(key.to_string(), json);
                    }
                }
                None => self.unknown(key, fields),
            },
        }
    }

    fn at(&self, key: &str) -> usize {
        yaml::line_of_key(self.text, key).max(1) + 1
    }

    fn unknown(&mut self, key: &str, fields: &BTreeMap<String, FieldType>) {
        let known: Vec<&str> = COMMON
            .iter()
            .copied()
            .chain(fields.keys().map(String::as_str))
            .collect();
        let hint = match nearest(key, known.iter().copied()) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!(
                "known fields here: {}; put your own fields under `extra:`",
                known.join(", ")
            ),
        };
        let line = self.at(key);
        self.problems.push(
            Diagnostic::error(self.path, format!("unknown field `{key}`"))
                .at(line, 1)
                .hint(hint),
        );
    }

    fn wrong_type(&mut self, key: &str, expected: &str) {
        let line = self.at(key);
        self.problems.push(
            Diagnostic::error(self.path, format!("`{key}` must be {expected}"))
                .at(line, 1)
                .hint(format!("write `{key}:` followed by {expected}")),
        );
    }

    fn string(&mut self, key: &str, value: Value) -> Option<String> {
        match value {
            Value::String(s) => Some(s),
            Value::Number(n) => Some(n.to_string()),
            _ => {
                self.wrong_type(key, "text");
                None
            }
        }
    }

    fn int(&mut self, key: &str, value: &Value) -> Option<i64> {
        let n = value.as_i64();
        if n.is_none() {
            self.wrong_type(key, "a whole number");
        }
        n
    }

    fn bool(&mut self, key: &str, value: &Value) -> Option<bool> {
        let b = value.as_bool();
        if b.is_none() {
            self.wrong_type(key, "true or false");
        }
        b
    }

    fn strings(&mut self, key: &str, value: Value) -> Vec<String> {
        match value {
            Value::Sequence(items) if items.iter().all(Value::is_string) => items
                .into_iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => {
                self.wrong_type(key, "a list of text, like [a, b]");
                Vec::new()
            }
        }
    }

    fn date(&mut self, key: &str, value: Value) -> Option<String> {
        let text = self.string(key, value)?;
        if is_date(&text) {
            Some(text)
        } else {
            self.wrong_type(key, "a date written YYYY-MM-DD (e.g. 2023-10-13)");
            None
        }
    }

    fn typed(&mut self, key: &str, value: Value, t: &FieldType) -> Option<Json> {
        let items = match (t.list, value) {
            (true, Value::Sequence(items)) => items,
            (false, v) => vec![v],
            (true, _) => {
                self.wrong_type(key, "a list, like [a, b]");
                return None;
            }
        };
        let mut out = Vec::new();
        for item in items {
            let ok = match t.base {
                BaseType::Int => item.as_i64().map(Json::from),
                BaseType::Bool => item.as_bool().map(Json::from),
                BaseType::String | BaseType::Ref(_) => item.as_str().map(Json::from),
            };
            match ok {
                Some(v) => out.push(v),
                None => {
                    let expected = match t.base {
                        BaseType::Int => "whole numbers",
                        BaseType::Bool => "true or false",
                        _ => "text",
                    };
                    self.wrong_type(key, expected);
                    return None;
                }
            }
        }
        Some(if t.list { Json::Array(out) } else { out.pop()? })
    }
}

fn to_json(value: Value) -> Option<Json> {
    serde_json::to_value(value).ok()
}

/// `YYYY-MM-DD`, optionally followed by a time (`T…`), with a plausible month and day.
pub(crate) fn is_date(text: &str) -> bool {
    let date = text.get(..10).unwrap_or("");
    let rest = &text[date.len()..];
    let parts: Vec<&str> = date.split('-').collect();
    let valid = parts.len() == 3
        && parts[0].len() == 4
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
        && matches!(parts[1].parse::<u8>(), Ok(1..=12))
        && matches!(parts[2].parse::<u8>(), Ok(1..=31));
    valid && (rest.is_empty() || rest.starts_with('T'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_counts_body_line() {
        let s = split("---\ntitle: a\n---\nbody\n", Path::new("a.md")).unwrap();
        assert_eq!(s.yaml, "title: a\n");
        assert_eq!(s.body, "body\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn dates_are_checked() {
        assert!(is_date("2023-10-13"));
        assert!(is_date("2023-10-13T08:00:00Z"));
        assert!(!is_date("2023-13-01"));
        assert!(!is_date("13.10.2023"));
    }

    #[test]
    fn typed_list_field_rejects_wrong_item_type() {
        let mut fields = BTreeMap::new();
        fields.insert(
            "measures".to_string(),
            FieldType {
                list: true,
                base: BaseType::Int,
            },
        );
        let err = parse("title: a\nmeasures: [1, two]\n", Path::new("a.md"), &fields).unwrap_err();
        assert_eq!(err[0].line, 3);
        assert!(err[0].message.contains("whole numbers"), "{}", err[0]);
    }
}
