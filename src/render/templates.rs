//! Templates: compiled once and kept between `serve` rebuilds ([`TemplateCache`]), and the
//! located message for a template that fails to compile or render.

use super::escape_html;
use crate::diagnostic::Diagnostic;
use crate::model::Page;
use crate::theme::Theme;
use std::path::PathBuf;
use tera::Tera;

/// The last compiled templates and the hash of their sources: `serve` rebuilds often and
/// templates change rarely, and parsing them is a fifth of a small site's build.
#[derive(Default)]
pub(crate) struct TemplateCache {
    compiled: Option<(u64, Tera)>,
}

impl TemplateCache {
    /// The theme's templates, compiled, from the cache when their sources are unchanged.
    pub(crate) fn compile(&mut self, theme: &Theme) -> Result<Tera, Vec<Diagnostic>> {
        let mut hash = crate::hash::Fnv64::default();
        use std::hash::Hasher as _;
        for (name, file) in &theme.templates {
            hash.write(name.as_bytes());
            hash.write(&[0]);
            hash.write(&file.bytes);
            hash.write(&[0]);
        }
        let hash = hash.finish();
        if let Some((cached, tera)) = &self.compiled
            && *cached == hash
        {
            return Ok(tera.clone());
        }
        let tera = compile_uncached(theme)?;
        self.compiled = Some((hash, tera.clone()));
        Ok(tera)
    }
}

fn compile_uncached(theme: &Theme) -> Result<Tera, Vec<Diagnostic>> {
    let mut tera = Tera::default();
    let mut problems = Vec::new();
    let mut sources = Vec::new();
    for (name, file) in &theme.templates {
        match std::str::from_utf8(&file.bytes) {
            Ok(text) => sources.push((name.as_str(), text)),
            Err(_) => problems.push(
                Diagnostic::error(&file.origin, "the template is not valid UTF-8")
                    .hint("save it as UTF-8"),
            ),
        }
    }
    if let Err(e) = tera.add_raw_templates(sources) {
        let name = template_name(&e).unwrap_or_default();
        problems.push(template_error(theme, &name, &e, None));
    }
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape_html);
    if problems.is_empty() {
        Ok(tera)
    } else {
        Err(problems)
    }
}

fn template_name(e: &tera::Error) -> Option<String> {
    let text = e.to_string();
    let start = text.find(['\'', '"'])? + 1;
    let end = text[start..].find(['\'', '"'])? + start;
    Some(text[start..end].to_string())
}

/// A tera error as a diagnostic naming the template, its line if known, and the page.
pub(super) fn template_error(
    theme: &Theme,
    template: &str,
    e: &tera::Error,
    page: Option<&Page>,
) -> Diagnostic {
    let mut chain = vec![e.to_string()];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        chain.push(s.to_string());
        source = s.source();
    }
    let full = chain.join(": ");
    let (line, col) = full
        .split_once("--> ")
        .and_then(|(_, rest)| {
            let pos = rest.split_whitespace().next()?;
            let (l, c) = pos.split_once(':')?;
            Some((l.parse().ok()?, c.parse().ok()?))
        })
        .unwrap_or((0, 0));
    let message: String = full
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && *l != "|")
        .collect::<Vec<_>>()
        .join(" ");
    let origin = theme
        .templates
        .get(template)
        .map(|f| f.origin.clone())
        .unwrap_or_else(|| format!("templates/{template}").into());
    // tera gives no position for an error at render time; a `t` call can still be found.
    let called = (line == 0).then(|| string_call(theme, template, &full));
    let (origin, line, col) = called.flatten().unwrap_or((origin, line, col));
    let hint = match page {
        Some(p) => format!(
            "while rendering {}; fix the template or the page's front matter",
            p.source.display()
        ),
        None => "fix the template syntax (see the tera documentation)".to_string(),
    };
    Diagnostic::error(origin, format!("template error: {message}"))
        .at(line, col)
        .hint(hint)
}

/// Where a template calls `t(key="KEY")` for the UI string a `t` error names: the rendered
/// template first, then the others (a parent or a macro file); `None` when the key is built
/// with `~` and no call names it literally.
fn string_call(theme: &Theme, template: &str, message: &str) -> Option<(PathBuf, usize, usize)> {
    let key = message.split("UI string `").nth(1)?.split('`').next()?;
    let calls = [format!("t(key=\"{key}\""), format!("t(key='{key}'")];
    let rendered = theme.templates.get(template).into_iter();
    rendered.chain(theme.templates.values()).find_map(|file| {
        let text = std::str::from_utf8(&file.bytes).ok()?;
        let at = calls.iter().filter_map(|c| text.find(c.as_str())).min()?;
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let line = text[..at].matches('\n').count() + 1;
        let col = text[line_start..at].chars().count() + 1;
        Some((file.origin.clone(), line, col))
    })
}
