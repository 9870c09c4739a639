//! The theme: templates, static files and UI strings, embedded by default and overridden file
//! by file by the site's own `themes/NAME/` and `i18n/` folders.

use crate::diagnostic::Diagnostic;
use crate::fsx;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// A file of the theme and where it came from (for messages).
#[derive(Clone, Debug)]
pub(crate) struct File {
    /// `themes/default/templates/page.html` (embedded) or the site's own path.
    pub origin: PathBuf,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Default)]
pub(crate) struct Theme {
    /// Template name (`page.html`, `measures/page.html`) → file.
    pub templates: BTreeMap<String, File>,
    /// Path below `static/` → file.
    pub statics: BTreeMap<String, File>,
    /// Language → `.ftl` file name → file.
    pub strings: BTreeMap<String, BTreeMap<String, File>>,
}

/// The embedded default theme with the site's files laid over it.
pub(crate) fn load(root: &Path, name: &str) -> Result<Theme, Vec<Diagnostic>> {
    let mut theme = Theme::default();
    for (path, bytes) in embedded::FILES {
        theme.add(path, "themes/default/", PathBuf::from(path), bytes.to_vec());
    }
    let own = root.join("themes").join(name);
    if name != "default" && !own.is_dir() {
        return Err(vec![
            Diagnostic::error(
                "site.yaml",
                format!("theme `{name}` not found at themes/{name}/"),
            )
            .hint("remove `theme:` to use the built-in theme, or create the folder"),
        ]);
    }
    let mut problems = Vec::new();
    for (dir, prefix) in [
        (own, format!("themes/{name}/")),
        (root.join("i18n"), String::new()),
    ] {
        overlay(root, &dir, &prefix, &mut theme, &mut problems);
    }
    if problems.is_empty() {
        Ok(theme)
    } else {
        Err(problems)
    }
}

fn overlay(
    root: &Path,
    dir: &Path,
    prefix: &str,
    theme: &mut Theme,
    problems: &mut Vec<Diagnostic>,
) {
    if !dir.is_dir() {
        return;
    }
    // Links are followed, as for `content/`: a linked template is the template.
    for entry in WalkDir::new(dir).follow_links(true).sort_by_file_name() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                problems.push(fsx::walk_error(root, &e));
                continue;
            }
        };
        if !entry.file_type().is_file() || entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(root)
            .unwrap_or(entry.path())
            .to_path_buf();
        match std::fs::read(entry.path()) {
            Ok(bytes) => {
                let key = rel.to_string_lossy().replace('\\', "/");
                let key = if prefix.is_empty() {
                    key
                } else {
                    key.replacen(prefix, "themes/default/", 1)
                };
                theme.add(&key, "themes/default/", rel, bytes);
            }
            Err(e) => problems.push(fsx::io_error(&rel, "read", e)),
        }
    }
}

impl Theme {
    fn add(&mut self, path: &str, prefix: &str, origin: PathBuf, bytes: Vec<u8>) {
        let file = File { origin, bytes };
        if let Some(rest) = path.strip_prefix(prefix) {
            if let Some(name) = rest.strip_prefix("templates/") {
                self.templates.insert(name.to_string(), file);
            } else if let Some(name) = rest.strip_prefix("static/") {
                self.statics.insert(name.to_string(), file);
            }
        } else if let Some((lang, name)) = path
            .strip_prefix("i18n/")
            .and_then(|rest| rest.split_once('/'))
            && name.ends_with(".ftl")
        {
            self.strings
                .entry(lang.to_string())
                .or_default()
                .insert(name.to_string(), file);
        }
    }
}

/// Static files as published: CSS and JS get a content hash in their name.
#[derive(Debug, Default)]
pub(crate) struct Assets {
    /// Path below `static/` → URL path below the base path (`assets/style.1a2b3c4d.css`).
    pub urls: BTreeMap<String, String>,
}

pub(crate) fn fingerprint(theme: &Theme) -> Assets {
    let mut assets = Assets::default();
    for (name, file) in &theme.statics {
        assets.add(name, &file.bytes);
    }
    assets
}

impl Assets {
    /// Registers a published file under `assets/` and returns its URL path; CSS, JS and JSON
    /// get a content hash in their name.
    pub(crate) fn add(&mut self, name: &str, bytes: &[u8]) -> String {
        let url = match name.rsplit_once('.') {
            Some((stem, ext)) if matches!(ext, "css" | "js" | "json") => {
                format!(
                    "assets/{stem}.{:08x}.{ext}",
                    crate::hash::fnv1a64(bytes) as u32
                )
            }
            _ => format!("assets/{name}"),
        };
        self.urls.insert(name.to_string(), url.clone());
        url
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_theme_has_the_base_templates() {
        let theme = load(Path::new("/nonexistent"), "default").unwrap();
        for name in [
            "base.html",
            "page.html",
            "section.html",
            "index.html",
            "404.html",
        ] {
            assert!(theme.templates.contains_key(name), "{name} missing");
        }
    }
}
