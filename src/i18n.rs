//! UI strings: one Fluent bundle per language, read from the theme's `i18n/LANG/*.ftl`.

use crate::diagnostic::Diagnostic;
use crate::theme::Theme;
use fluent::concurrent::FluentBundle;
use fluent::{FluentArgs, FluentResource, FluentValue};
use std::collections::BTreeMap;
use std::sync::Arc;

pub struct Strings {
    pub lang: String,
    bundle: FluentBundle<FluentResource>,
}

/// Parses the `.ftl` files of every site language.
pub fn load(
    theme: &Theme,
    languages: &[(String, String)],
) -> Result<BTreeMap<String, Arc<Strings>>, Vec<Diagnostic>> {
    let mut all = BTreeMap::new();
    let mut problems = Vec::new();
    for (code, tag) in languages {
        let langid = tag.parse().or_else(|_| code.parse()).unwrap_or_default();
        let mut bundle = FluentBundle::new_concurrent(vec![langid]);
        bundle.set_use_isolating(false);
        let no_files = BTreeMap::new();
        let files = theme.strings.get(code).unwrap_or(&no_files);
        if files.is_empty() {
            problems.push(
                Diagnostic::error(
                    format!("i18n/{code}"),
                    format!("no UI strings for language `{code}`"),
                )
                .hint(format!(
                    "copy i18n/en/main.ftl to i18n/{code}/main.ftl and translate it"
                )),
            );
        }
        for file in files.values() {
            let text = String::from_utf8_lossy(&file.bytes).into_owned();
            let resource = match FluentResource::try_new(text.clone()) {
                Ok(r) => r,
                Err((r, errors)) => {
                    for e in errors {
                        let line = text[..e.pos.start.min(text.len())].matches('\n').count() + 1;
                        problems.push(
                            Diagnostic::error(
                                &file.origin,
                                format!("Fluent syntax error: {:?}", e.kind),
                            )
                            .at(line, 1)
                            .hint("a message is `id = text`; continuation lines are indented"),
                        );
                    }
                    r
                }
            };
            if let Err(errors) = bundle.add_resource(resource) {
                for e in errors {
                    problems.push(
                        Diagnostic::error(&file.origin, format!("{e}"))
                            .hint("each message id may be defined once per language"),
                    );
                }
            }
        }
        all.insert(
            code.clone(),
            Arc::new(Strings {
                lang: code.clone(),
                bundle,
            }),
        );
    }
    if problems.is_empty() {
        Ok(all)
    } else {
        Err(problems)
    }
}

impl Strings {
    /// The message `key` with `args`; `None` when the language has no such message.
    pub fn get(&self, key: &str, args: &BTreeMap<String, serde_json::Value>) -> Option<String> {
        let message = self.bundle.get_message(key)?;
        let pattern = message.value()?;
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            let v = match value {
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
        Some(text.into_owned())
    }
}
