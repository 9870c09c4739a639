//! Splits a Markdown file into YAML front matter and body, and checks the front matter
//! against the common fields and the typed fields of the page's section.

use crate::config::{BaseType, FieldType};
use crate::date::{self, Date, DateError};
use crate::diagnostic::{Diagnostic, nearest};
use crate::model::{Alias, FrontMatter};
use crate::yaml;
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::path::Path;
use yaml_serde::Value;

/// The front-matter fields every page may have, besides its section's typed fields.
pub(crate) const COMMON: &[&str] = &[
    "title",
    "summary",
    "description",
    "date",
    "updated",
    "lastmod",
    "slug",
    "keywords",
    "authors",
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
    if text.starts_with("+++\n") {
        return Err(
            Diagnostic::error(path, "TOML front matter (`+++`) is not read")
                .at(1, 1)
                .hint("convert it to YAML between `---` lines: `title = \"x\"` becomes `title: \"x\"`"),
        );
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
    if front.lines.contains_key("updated") && front.lines.contains_key("lastmod") {
        let line = front.lines["lastmod"].max(front.lines["updated"]);
        checker.problems.push(
            Diagnostic::error(
                path,
                "`updated` and `lastmod` both give the date of the last change",
            )
            .at(line, 1)
            .hint("keep one of them (`lastmod` is Hugo's name for `updated`)"),
        );
    }
    // Hugo and Zola sites give one or the other; each stands in for the missing one.
    if front.summary.is_none() {
        front.summary = front.description.clone();
    } else if front.description.is_none() {
        front.description = front.summary.clone();
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
            "description" => front.description = self.string(key, value),
            "date" => front.date = self.date(key, value),
            "updated" | "lastmod" => front.updated = self.date(key, value),
            "slug" => front.slug = self.slug(key, value),
            "keywords" => front.keywords = self.strings(key, value),
            "authors" => front.authors = self.strings(key, value),
            "weight" => front.weight = self.int(key, &value),
            "tags" => front.tags = self.tags(key, value),
            "aliases" => front.aliases = self.aliases(key, value),
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
            Some(near) => format!("did you mean `{near}`? Fields of your own go under `extra:`"),
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

    /// A date in one of the forms `date.rs` accepts; otherwise an error at the value.
    fn date(&mut self, key: &str, value: Value) -> Option<Date> {
        let text = self.string(key, value)?;
        let (message, hint) = match date::parse(&text) {
            Ok(date) => return Some(date),
            Err(DateError::Shape) => (
                format!("`{key}`: `{text}` is not a date"),
                "write YYYY-MM-DD (2023-10-13), or with a time 2023-10-13T08:00:00+08:00 \
                 (a time without `Z` or an offset is read as UTC)"
                    .to_string(),
            ),
            Err(DateError::Impossible(why)) => (
                format!("`{key}`: `{text}` does not exist: {why}"),
                "write a day that is on the calendar, as YYYY-MM-DD".to_string(),
            ),
        };
        let (line, col) = self.value_at(key);
        self.problems.push(
            Diagnostic::error(self.path, message)
                .at(line, col)
                .hint(hint),
        );
        None
    }

    /// Line and column (1-based, in the file) of the value written after `key:`.
    fn value_at(&self, key: &str) -> (usize, usize) {
        let line = self.at(key);
        let text = self.text.lines().nth(line.saturating_sub(2)).unwrap_or("");
        let col = text.find(':').map_or(0, |colon| {
            let rest = &text[colon + 1..];
            colon + 1 + (rest.len() - rest.trim_start().len())
        });
        (line, text[..col.min(text.len())].chars().count() + 1)
    }

    /// A slug becomes the last segment of the page's URL: named as files are.
    fn slug(&mut self, key: &str, value: Value) -> Option<String> {
        let slug = self.string(key, value)?;
        if slug != "_index" && crate::load::valid_slug(&slug) {
            return Some(slug);
        }
        let (line, col) = self.value_at(key);
        self.problems.push(
            Diagnostic::error(
                self.path,
                format!("`slug`: `{slug}` cannot be part of a URL"),
            )
            .at(line, col)
            .hint("use lowercase letters a–z, digits and hyphens, e.g. `slug: factor-guarantees`"),
        );
        None
    }

    /// Tags become URLs (`tags/SLUG/`), made of their letters and digits in any script
    /// (`markdown::slugify`): a tag without any is an error.
    fn tags(&mut self, key: &str, value: Value) -> Vec<String> {
        let tags = self.strings(key, value);
        if let Some(bad) = tags.iter().find(|t| !t.chars().any(char::is_alphanumeric)) {
            let (line, col) = self.locate(key, bad, (0, 0));
            self.problems.push(
                Diagnostic::error(self.path, format!("tag `{bad}` has no letter or digit"))
                    .at(line, col)
                    .hint("a tag's page URL is made of its letters and digits; give it a word, or remove it"),
            );
        }
        tags
    }

    /// Each alias with its position, checked to be a path this site can publish.
    fn aliases(&mut self, key: &str, value: Value) -> Vec<Alias> {
        let mut aliases = Vec::new();
        let mut after = (0, 0);
        for path in self.strings(key, value) {
            let (line, col) = self.locate(key, &path, after);
            after = (line, col);
            if let Err((message, hint)) = check_alias(&path) {
                self.problems.push(
                    Diagnostic::error(self.path, message)
                        .at(line, col)
                        .hint(hint),
                );
            }
            aliases.push(Alias { path, line, col });
        }
        aliases
    }

    /// Line and column in the file of `item`, an entry of the list under `key`, looked for from
    /// the key's line on (and past `after`, the previous entry's position, on its line).
    fn locate(&self, key: &str, item: &str, after: (usize, usize)) -> (usize, usize) {
        let first = self.at(key);
        let lines = self.text.lines().enumerate().skip(first.saturating_sub(2));
        for (i, text) in lines {
            let line = i + 2;
            let from = match line == after.0 {
                true => byte_of_col(text, after.1 + 1),
                false => 0,
            };
            if line < after.0 {
                continue;
            }
            if let Some(found) = text.get(from..).and_then(|rest| rest.find(item)) {
                return (line, text[..from + found].chars().count() + 1);
            }
        }
        (first, 1)
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

/// Whether `text` is a date in a form `date.rs` accepts, on the calendar.
pub(crate) fn is_date(text: &str) -> bool {
    date::parse(text).is_ok()
}

/// Byte offset in `text` of the 1-based column `col` (its end when shorter).
fn byte_of_col(text: &str, col: usize) -> usize {
    text.char_indices()
        .nth(col.saturating_sub(1))
        .map_or(text.len(), |(i, _)| i)
}

/// An alias must be a path from the site's root that stays inside the output and that every
/// static host can serve as a file: `/en/old-name/`, `/en/old-name`, `/old-page.html`.
fn check_alias(path: &str) -> Result<(), (String, String)> {
    let form = "write it as a path from the site's root, e.g. `/en/old-name/` (on a site \
                published under a sub-path, the path below it)";
    let fail = |message: String, hint: &str| Err((message, hint.to_string()));
    if path.contains("://") || path.starts_with("//") {
        return fail(
            format!("alias `{path}` is a URL; an alias is a path on this site"),
            form,
        );
    }
    if !path.starts_with('/') {
        return fail(format!("alias `{path}` does not start with `/`"), form);
    }
    if path == "/" {
        return fail(
            "alias `/` is the site's root, which the build writes itself".into(),
            "remove it, or name the old page's path, e.g. `/en/old-name/`",
        );
    }
    if let Some(c) = path
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~' | '/')))
    {
        return fail(
            format!(
                "alias `{path}` contains `{}`, which is not safe in a file name and a URL",
                c.escape_default()
            ),
            "use ASCII letters, digits, `-`, `_`, `.` and `/` (a path with other characters cannot be redirected by a static file)",
        );
    }
    let inner = path[1..].strip_suffix('/').unwrap_or(&path[1..]);
    for segment in inner.split('/') {
        let message = match segment {
            "" => "has an empty part (`//`)".to_string(),
            "." | ".." => format!("has a `{segment}` part, which would lead outside the site"),
            s if s.starts_with('.') => format!("has a hidden part `{s}` (starting with `.`)"),
            _ => continue,
        };
        return fail(format!("alias `{path}` {message}"), form);
    }
    Ok(())
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
        assert!(!is_date("2023-02-31"));
        assert!(!is_date("13.10.2023"));
    }

    fn errors(yaml: &str) -> Vec<Diagnostic> {
        parse(yaml, Path::new("a.md"), &BTreeMap::new()).unwrap_err()
    }

    // The examples: both point at the value, on the field's line of the file.
    #[test]
    fn an_impossible_or_garbled_date_is_an_error_at_its_value() {
        let err = errors("title: a\ndate: 2023-02-31\n");
        assert_eq!((err[0].line, err[0].col), (3, 7));
        assert_eq!(
            err[0].message,
            "`date`: `2023-02-31` does not exist: February 2023 has 28 days"
        );
        let err = errors("title: a\nupdated:   \"2023-10-13T</updated><x>\"\n");
        assert_eq!((err[0].line, err[0].col), (3, 12));
        assert!(err[0].message.contains("is not a date"), "{}", err[0]);
        assert!(err[0].hint.contains("YYYY-MM-DD"), "{}", err[0]);
    }

    #[test]
    fn aliases_keep_their_positions() {
        let front = parse(
            "title: a\naliases: [/en/a/, /en/b/]\nsummary: s\n",
            Path::new("a.md"),
            &BTreeMap::new(),
        )
        .unwrap();
        let at: Vec<_> = front.aliases.iter().map(|a| (a.line, a.col)).collect();
        assert_eq!(at, [(3, 11), (3, 19)]);
        let front = parse(
            "title: a\naliases:\n  - /en/a/\n  - \"/en/a\"\n",
            Path::new("a.md"),
            &BTreeMap::new(),
        )
        .unwrap();
        let at: Vec<_> = front.aliases.iter().map(|a| (a.line, a.col)).collect();
        assert_eq!(at, [(4, 5), (5, 6)]);
    }

    #[test]
    fn aliases_that_leave_the_site_or_cannot_be_files_are_errors() {
        for (alias, expected) in [
            ("/en/../../etc/", "would lead outside the site"),
            ("/en/./x/", "would lead outside the site"),
            ("old-name/", "does not start with `/`"),
            ("../old/", "does not start with `/`"),
            ("https://elsewhere.example/x", "is a URL"),
            ("//elsewhere.example/x", "is a URL"),
            ("javascript:alert(1)", "does not start with `/`"),
            ("/", "the site's root"),
            ("/en//x/", "empty part"),
            ("/en/.git/", "hidden part"),
            ("/en/a b/", "contains ` `"),
            ("/en/a%2F/", "contains `%`"),
            ("/en/a\\b/", "contains `\\\\`"),
            ("/en/政策/", "contains `\\u{653f}`"),
            ("/en/a?b=1", "contains `?`"),
        ] {
            let (message, _) = check_alias(alias).unwrap_err();
            assert!(message.contains(expected), "{alias}: {message}");
        }
        for alias in [
            "/en/old-name/",
            "/en/old-name",
            "/old.html",
            "/en/Old_Name~1/",
        ] {
            assert_eq!(check_alias(alias), Ok(()), "{alias}");
        }
    }

    #[test]
    fn a_tag_without_letters_is_an_error() {
        let err = errors("title: a\ntags: [ok, \"../\"]\n");
        assert_eq!((err[0].line, err[0].col), (3, 13));
        assert!(err[0].message.contains("`../`"), "{}", err[0]);
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
