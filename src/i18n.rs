//! UI strings: one Fluent bundle per language, read from the theme's `i18n/LANG/*.ftl`.

use crate::config::Language;
use crate::diagnostic::Diagnostic;
use crate::theme::Theme;
use fluent::concurrent::FluentBundle;
use fluent::{FluentArgs, FluentError, FluentResource, FluentValue};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Language code → its strings.
pub(crate) type Bundles = BTreeMap<String, Arc<Strings>>;

/// The UI strings of one language: a Fluent bundle.
pub struct Strings {
    bundle: FluentBundle<FluentResource>,
}

/// Parses the `.ftl` files of every site language. Returns the bundles and warnings (unused
/// keys); errors for syntax errors, keys templates use but a language lacks, and plural forms a
/// language needs but a message lacks.
pub(crate) fn load(
    theme: &Theme,
    languages: &[Language],
) -> Result<(Bundles, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut all = BTreeMap::new();
    let mut problems = Vec::new();
    let mut defined: Defined = BTreeMap::new();
    for Language { code, tag, .. } in languages {
        let langid = tag.parse().or_else(|_| code.parse()).unwrap_or_default();
        let mut bundle = FluentBundle::new_concurrent(vec![langid]);
        bundle.set_use_isolating(false);
        let files = theme.strings.get(code).map_or(&[][..], Vec::as_slice);
        if files.is_empty() {
            problems.push(
                Diagnostic::error(
                    format!("i18n/{code}"),
                    format!("no UI strings for language `{code}`"),
                )
                .hint(format!(
                    "the built-in strings exist in zh, en and ru: copy builtin/i18n/en/*.ftl from \
                     invest-guide's source to i18n/{code}/ and translate them"
                )),
            );
        }
        // A site file's message replaces a built-in one; within the site's files, once.
        let mut own: BTreeMap<String, std::path::PathBuf> = BTreeMap::new();
        for file in files {
            let text = String::from_utf8_lossy(&file.bytes).into_owned();
            let resource = parse(file, &text, &mut problems);
            plural_problems(code, &resource, file, &text, &mut problems);
            for entry in resource.entries() {
                if let fluent_syntax::ast::Entry::Message(m) = entry {
                    let id = m.id.name;
                    defined.entry(id.to_string()).or_default().push(Definition {
                        lang: code.clone(),
                        origin: file.origin.clone(),
                        embedded: file.embedded,
                    });
                    if file.embedded {
                        continue;
                    }
                    if let Some(first) = own.insert(id.to_string(), file.origin.clone()) {
                        problems.push(
                            Diagnostic::error(
                                &file.origin,
                                format!(
                                    "UI string `{id}` is defined again (first in {})",
                                    first.display()
                                ),
                            )
                            .at(line_of(&text, id), 1)
                            .hint("each message id may be defined once per language: remove one"),
                        );
                    }
                }
            }
            let added = if file.embedded {
                bundle.add_resource(resource)
            } else {
                bundle.add_resource_overriding(resource);
                Ok(())
            };
            if let Err(errors) = added {
                for e in errors {
                    problems.push(
                        Diagnostic::error(&file.origin, format!("{e}"))
                            .hint("each message id may be defined once per language"),
                    );
                }
            }
        }
        all.insert(code.clone(), Arc::new(Strings { bundle }));
    }
    check_keys(theme, languages, &defined, &mut problems);
    if problems.iter().any(Diagnostic::is_error) {
        Err(problems)
    } else {
        Ok((all, problems))
    }
}

/// One `.ftl` file, with a located error for each syntax error (the rest of the file is kept).
fn parse(file: &crate::theme::File, text: &str, problems: &mut Vec<Diagnostic>) -> FluentResource {
    match FluentResource::try_new(text.to_string()) {
        Ok(r) => r,
        Err((r, errors)) => {
            for e in errors {
                let line = text[..e.pos.start.min(text.len())].matches('\n').count() + 1;
                problems.push(
                    Diagnostic::error(&file.origin, format!("Fluent syntax error: {:?}", e.kind))
                        .at(line, 1)
                        .hint("a message is `id = text`; continuation lines are indented"),
                );
            }
            r
        }
    }
}

/// Where a message is defined.
struct Definition {
    lang: String,
    origin: std::path::PathBuf,
    embedded: bool,
}

/// Message id → each of its definitions.
type Defined = BTreeMap<String, Vec<Definition>>;

/// The line of `text` where the message `id` starts (1 when it cannot be found).
fn line_of(text: &str, id: &str) -> usize {
    text.lines()
        .position(|l| {
            l.strip_prefix(id)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map_or(1, |i| i + 1)
}

/// The plural categories a language needs for messages that select on a number.
fn plural_categories(lang: &str) -> &'static [&'static str] {
    match lang.split('-').next().unwrap_or(lang) {
        "ru" | "uk" | "be" => &["one", "few", "many", "other"],
        "zh" | "ja" | "ko" => &["other"],
        _ => &["one", "other"],
    }
}

/// A message that selects on plural categories must cover all the language needs.
fn plural_problems(
    lang: &str,
    resource: &FluentResource,
    file: &crate::theme::File,
    text: &str,
    problems: &mut Vec<Diagnostic>,
) {
    use fluent_syntax::ast::{Entry, Expression, PatternElement, VariantKey};
    const CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];
    for entry in resource.entries() {
        let Entry::Message(m) = entry else { continue };
        let Some(pattern) = &m.value else { continue };
        for element in &pattern.elements {
            let PatternElement::Placeable {
                expression: Expression::Select { variants, .. },
            } = element
            else {
                continue;
            };
            let keys: Vec<&str> = variants
                .iter()
                .filter_map(|v| match &v.key {
                    VariantKey::Identifier { name } => Some(*name),
                    VariantKey::NumberLiteral { .. } => None,
                })
                .collect();
            if !keys.iter().any(|k| CATEGORIES.contains(k)) {
                continue;
            }
            let missing: Vec<&str> = plural_categories(lang)
                .iter()
                .copied()
                .filter(|c| !keys.contains(c))
                .collect();
            if !missing.is_empty() {
                let line = text
                    .lines()
                    .position(|l| l.starts_with(m.id.name))
                    .map_or(1, |i| i + 1);
                problems.push(
                    Diagnostic::error(
                        &file.origin,
                        format!(
                            "`{}` lacks the plural forms {} that `{lang}` needs",
                            m.id.name,
                            missing.join(", ")
                        ),
                    )
                    .at(line, 1)
                    .hint(format!(
                        "add a variant for each: [{}] …",
                        missing.join("] …, [")
                    )),
                );
            }
        }
    }
}

/// Keys a template uses literally must exist in every language; keys no template uses are
/// reported as warnings (a key used as `t(key="prefix-" ~ x)` counts as a prefix).
fn check_keys(
    theme: &Theme,
    languages: &[Language],
    defined: &Defined,
    problems: &mut Vec<Diagnostic>,
) {
    let mut used = BTreeSet::new();
    let mut prefixes = Vec::new();
    for (name, file) in &theme.templates {
        let text = String::from_utf8_lossy(&file.bytes);
        for (line_no, line) in text.lines().enumerate() {
            for (key, is_prefix) in keys_in(line) {
                if is_prefix {
                    prefixes.push(key.to_string());
                    continue;
                }
                used.insert(key.to_string());
                for Language { code, .. } in languages {
                    if !defined
                        .get(key)
                        .is_some_and(|d| d.iter().any(|d| d.lang == *code))
                    {
                        problems.push(
                            Diagnostic::error(&file.origin, format!("UI string `{key}` used by {name} is missing in `{code}`"))
                                .at(line_no + 1, 1)
                                .hint(format!("add `{key} = …` to i18n/{code}/main.ftl (or another .ftl file of i18n/{code}/)")),
                        );
                    }
                }
            }
        }
    }
    for (key, places) in defined {
        if used.contains(key) || prefixes.iter().any(|p| key.starts_with(p.as_str())) {
            continue;
        }
        // A built-in string the site's templates leave unused is not the site's to remove.
        for Definition { origin, .. } in places.iter().filter(|d| !d.embedded) {
            problems.push(
                Diagnostic::warning(
                    origin,
                    format!("UI string `{key}` is not used by any template"),
                )
                .hint("remove it, or use it in a template with t(key=\"…\")"),
            );
        }
    }
}

/// `t(key="literal")` → (literal, false); `t(key="prefix-" ~ x)` → (prefix-, true).
fn keys_in(line: &str) -> Vec<(&str, bool)> {
    let mut keys = Vec::new();
    for piece in line.split("t(key=").skip(1) {
        let Some(q) = piece.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        let rest = &piece[1..];
        let Some(end) = rest.find(q) else { continue };
        let after = rest[end + 1..].trim_start();
        keys.push((&rest[..end], after.starts_with('~')));
    }
    keys
}

impl Strings {
    /// Whether the language has a message `key` with a value.
    pub fn has(&self, key: &str) -> bool {
        self.bundle
            .get_message(key)
            .is_some_and(|m| m.value().is_some())
    }

    /// The message `key` with `args`; `Ok(None)` when the language has no such message. An
    /// argument, message or term the message refers to but cannot find is an error naming it,
    /// where Fluent alone would print `{$title}` in the page.
    pub(crate) fn get(
        &self,
        key: &str,
        args: &BTreeMap<String, serde_json::Value>,
    ) -> Result<Option<String>, Unresolved> {
        let Some(pattern) = self.bundle.get_message(key).and_then(|m| m.value()) else {
            return Ok(None);
        };
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            let v = match value {
                // An empty value is no value: the message must not print "null".
                serde_json::Value::Null => continue,
                serde_json::Value::Number(n) => FluentValue::from(n.as_f64().unwrap_or(0.0)),
                serde_json::Value::String(s) => FluentValue::from(s.clone()),
                other => FluentValue::from(other.to_string()),
            };
            fluent_args.set(name.clone(), v);
        }
        let mut errors = Vec::new();
        let text = self
            .bundle
            .format_pattern(pattern, Some(&fluent_args), &mut errors);
        match errors.first() {
            None => Ok(Some(text.into_owned())),
            Some(e) => Err(Unresolved::from_error(e)),
        }
    }
}

/// What a message refers to but could not find.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Unresolved {
    /// `{ $name }` with no argument `name` given (or an empty one).
    Argument(String),
    /// `{ other-message }` or `{ -term }` the language does not define.
    Reference(String),
    /// Anything else Fluent could not resolve (a cycle, a missing default variant …).
    Other(String),
}

impl Unresolved {
    fn from_error(e: &FluentError) -> Unresolved {
        use fluent::resolver::ResolverError;
        use fluent::resolver::errors::ReferenceKind;
        match e {
            FluentError::ResolverError(ResolverError::Reference(kind)) => match kind {
                ReferenceKind::Variable { id } => Unresolved::Argument(id.clone()),
                ReferenceKind::Message { id, .. } => Unresolved::Reference(id.clone()),
                ReferenceKind::Term { id, .. } => Unresolved::Reference(format!("-{id}")),
                ReferenceKind::Function { id } => Unresolved::Reference(format!("{id}()")),
            },
            other => Unresolved::Other(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn strings(ftl: &str) -> Strings {
        let mut bundle = FluentBundle::new_concurrent(vec!["en".parse().unwrap()]);
        bundle.set_use_isolating(false);
        bundle
            .add_resource(FluentResource::try_new(ftl.to_string()).unwrap())
            .unwrap();
        Strings { bundle }
    }

    fn args(pairs: &[(&str, serde_json::Value)]) -> BTreeMap<String, serde_json::Value> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn formats_a_message_with_its_arguments() {
        let s = strings("titled = Measure { $number }: { $title }\n");
        let got = s.get(
            "titled",
            &args(&[("number", json!(9)), ("title", json!("Land"))]),
        );
        assert_eq!(got, Ok(Some("Measure 9: Land".to_string())));
        assert_eq!(s.get("nothing", &args(&[])), Ok(None));
    }

    // Guards the silent `{$title}` in a page when a template forgets an argument.
    #[test]
    fn a_missing_or_empty_argument_is_an_error_naming_it() {
        let s = strings("titled = Measure { $number }: { $title }\n");
        let missing = s.get("titled", &args(&[("number", json!(9))]));
        assert_eq!(missing, Err(Unresolved::Argument("title".into())));
        let empty = s.get(
            "titled",
            &args(&[("number", json!(9)), ("title", json!(null))]),
        );
        assert_eq!(empty, Err(Unresolved::Argument("title".into())));
    }

    #[test]
    fn a_reference_to_an_undefined_message_or_term_is_an_error() {
        let s = strings("a = See { b }\nc = By { -brand }\n");
        assert_eq!(
            s.get("a", &args(&[])),
            Err(Unresolved::Reference("b".into()))
        );
        assert_eq!(
            s.get("c", &args(&[])),
            Err(Unresolved::Reference("-brand".into()))
        );
    }
}
