//! The theme: templates, static files and UI strings. The built-in theme (`builtin/theme/`
//! and `builtin/i18n/` in this repository) is embedded; a site's own `themes/NAME/` replaces
//! its templates and static files file by file, and a site's `i18n/LANG/*.ftl` messages are
//! added to the built-in ones, replacing those with the same id.

use crate::diagnostic::Diagnostic;
use crate::fsx;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

mod minify;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// Where the embedded theme's files are in this repository.
const BUILTIN_THEME: &str = "builtin/theme/";
/// Where the embedded UI strings are in this repository.
const BUILTIN_STRINGS: &str = "builtin/i18n/";

/// A file of the theme and where it came from (for messages).
#[derive(Clone, Debug)]
pub(crate) struct File {
    /// `builtin/theme/templates/page.html` (embedded) or the site's own path.
    pub origin: PathBuf,
    pub bytes: Vec<u8>,
    /// Built in (rather than one of the site's files).
    pub embedded: bool,
}

/// The effective theme: the embedded default with the site's own files laid over it.
#[derive(Debug, Default)]
pub(crate) struct Theme {
    /// Template name (`page.html`, `measures/page.html`) → file.
    pub templates: BTreeMap<String, File>,
    /// Path below `static/` → file.
    pub statics: BTreeMap<String, File>,
    /// Language → its `.ftl` files: the embedded ones, then the site's (each layer by name).
    pub strings: BTreeMap<String, Vec<File>>,
}

/// The embedded default theme with the site's files laid over it.
pub(crate) fn load(root: &Path, name: &str) -> Result<Theme, Vec<Diagnostic>> {
    let mut theme = Theme::default();
    for (path, bytes) in embedded::FILES {
        let file = File {
            origin: PathBuf::from(path),
            bytes: published(path, bytes),
            embedded: true,
        };
        if let Some(rest) = path.strip_prefix(BUILTIN_THEME) {
            theme.add_theme_file(rest, file);
        } else if let Some(rest) = path.strip_prefix(BUILTIN_STRINGS) {
            theme.add_strings(rest, file);
        }
    }
    if !crate::config::is_plain_name(name) {
        // `config::load` refuses such a name already; never join a path read from a file.
        return Err(vec![
            Diagnostic::error("site.yaml", format!("theme `{name}` is not a folder name"))
                .hint("name a folder under themes/, e.g. `theme: mine` for themes/mine/"),
        ]);
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
    for (dir, strings) in [(own, false), (root.join("i18n"), true)] {
        overlay(root, &dir, strings, &mut theme, &mut problems);
    }
    if problems.is_empty() {
        Ok(theme)
    } else {
        Err(problems)
    }
}

/// The bytes of embedded file `path` as the build uses them: the theme's own scripts and
/// stylesheets without comments, indentation and blank lines (see `minify.rs`).
fn published(path: &str, bytes: &[u8]) -> Vec<u8> {
    let static_file = path.starts_with(&format!("{BUILTIN_THEME}static/"));
    match std::str::from_utf8(bytes) {
        Ok(text) if static_file && path.ends_with(".js") => minify::js(text).into_bytes(),
        Ok(text) if static_file && path.ends_with(".css") => minify::css(text).into_bytes(),
        _ => bytes.to_vec(),
    }
}

/// Lays the files under `dir` (a theme folder, or `i18n/` when `strings`) over `theme`.
fn overlay(
    root: &Path,
    dir: &Path,
    strings: bool,
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
        let origin = entry
            .path()
            .strip_prefix(root)
            .unwrap_or(entry.path())
            .to_path_buf();
        let rest = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        match std::fs::read(entry.path()) {
            Ok(bytes) => {
                let file = File {
                    origin,
                    bytes,
                    embedded: false,
                };
                if strings {
                    theme.add_strings(&rest, file);
                } else {
                    theme.add_theme_file(&rest, file);
                }
            }
            Err(e) => problems.push(fsx::io_error(&origin, "read", e)),
        }
    }
}

impl Theme {
    /// A file of a theme folder: `templates/NAME` or `static/PATH`; anything else is ignored.
    fn add_theme_file(&mut self, path: &str, file: File) {
        if let Some(name) = path.strip_prefix("templates/") {
            self.templates.insert(name.to_string(), file);
        } else if let Some(name) = path.strip_prefix("static/") {
            self.statics.insert(name.to_string(), file);
        }
    }

    /// A file of a strings folder: `LANG/NAME.ftl`; anything else is ignored.
    fn add_strings(&mut self, path: &str, file: File) {
        if let Some((lang, name)) = path.split_once('/')
            && name.ends_with(".ftl")
        {
            self.strings.entry(lang.to_string()).or_default().push(file);
        }
    }
}

/// Static files as published: every one under a name holding a hash of its bytes
/// (`assets/img/logo.1a2b3c4d.png`), so that hosts may cache `assets/` for ever.
#[derive(Debug, Default)]
pub(crate) struct Assets {
    /// Path below `static/` → URL path below the base path (`assets/style.1a2b3c4d.css`).
    pub urls: BTreeMap<String, String>,
    /// Stylesheets whose references to other static files were rewritten to their
    /// fingerprinted names: path below `static/` → the bytes to publish.
    pub rewritten: BTreeMap<String, Vec<u8>>,
}

/// Fingerprints every static file of the theme. A stylesheet's `url(…)` and `@import "…"`
/// references to other static files are rewritten to their fingerprinted names first, so the
/// stylesheet's own name changes when an image it uses does.
pub(crate) fn fingerprint(theme: &Theme) -> Assets {
    let mut assets = Assets::default();
    for (name, file) in theme.statics.iter().filter(|(n, _)| !is_css(n)) {
        assets.add(name, &file.bytes);
    }
    let mut started = BTreeSet::new();
    for name in theme.statics.keys().filter(|n| is_css(n)) {
        add_stylesheet(theme, name, &mut assets, &mut started);
    }
    assets
}

fn is_css(name: &str) -> bool {
    name.ends_with(".css")
}

/// Fingerprints stylesheet `name` after the stylesheets it refers to (`started` stops a cycle;
/// a reference that closes one keeps its plain name).
fn add_stylesheet(theme: &Theme, name: &str, assets: &mut Assets, started: &mut BTreeSet<String>) {
    if !started.insert(name.to_string()) {
        return;
    }
    let bytes = &theme.statics[name].bytes;
    let Ok(css) = std::str::from_utf8(bytes) else {
        assets.add(name, bytes);
        return;
    };
    let refs = css_refs(css);
    for range in &refs {
        if let Some(target) = resolve_ref(name, &css[range.clone()])
            && is_css(&target)
            && theme.statics.contains_key(&target)
        {
            add_stylesheet(theme, &target, assets, started);
        }
    }
    let mut out = String::with_capacity(css.len());
    let mut last = 0;
    for range in refs {
        if range.start < last {
            continue; // overlaps the reference before it: a `url(` inside a string
        }
        let written = &css[range.clone()];
        let fingerprinted = resolve_ref(name, written)
            .and_then(|target| assets.urls.get(&target))
            .and_then(|url| url.rsplit('/').next());
        if let Some(file) = fingerprinted {
            let (path, suffix) =
                written.split_at(written.find(['?', '#']).unwrap_or(written.len()));
            let dir = path.rfind('/').map_or("", |i| &path[..=i]);
            out.push_str(&css[last..range.start]);
            out.push_str(&format!("{dir}{file}{suffix}"));
            last = range.end;
        }
    }
    out.push_str(&css[last..]);
    assets.add(name, out.as_bytes());
    if out.as_bytes() != bytes.as_slice() {
        assets.rewritten.insert(name.to_string(), out.into_bytes());
    }
}

/// Where in `css` each `url(…)` and `@import "…"` names a file: the byte range of the path
/// as written, without quotes.
fn css_refs(css: &str) -> Vec<std::ops::Range<usize>> {
    let lower = css.to_ascii_lowercase();
    let mut refs = Vec::new();
    for (keyword, quoted_only) in [("url(", false), ("@import", true)] {
        for (at, _) in lower.match_indices(keyword) {
            let rest = &css[at + keyword.len()..];
            let skipped = rest.len() - rest.trim_start().len();
            let start = at + keyword.len() + skipped;
            let range = match css[start..].chars().next() {
                Some(quote @ ('"' | '\'')) => css[start + 1..]
                    .find(quote)
                    .map(|len| start + 1..start + 1 + len),
                Some(_) if !quoted_only => css[start..]
                    .find(')')
                    .map(|len| start..start + css[start..start + len].trim_end().len()),
                _ => None,
            };
            refs.extend(range);
        }
    }
    refs.sort_by_key(|r| r.start);
    refs
}

/// The static file a stylesheet's reference names, relative to the stylesheet's folder
/// (`css/main.css` + `../img/a.png?v=2` → `img/a.png`); `None` for another site, a `data:`
/// URL, an absolute path, a fragment or a path above `static/`.
fn resolve_ref(stylesheet: &str, written: &str) -> Option<String> {
    let path = written.split(['?', '#']).next().unwrap_or_default();
    if path.is_empty() || path.contains(':') || path.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = stylesheet.split('/').collect();
    parts.pop();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            _ => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

impl Assets {
    /// Registers a file published under `assets/` and returns its URL path: its name with a
    /// hash of `bytes` before the extension (`img/logo.png` → `assets/img/logo.1a2b3c4d.png`).
    pub(crate) fn add(&mut self, name: &str, bytes: &[u8]) -> String {
        let hash = format!("{:08x}", crate::hash::fnv1a64(bytes) as u32);
        let (dir, file) = name.rsplit_once('/').map_or(("", name), |(d, f)| (d, f));
        let file = match file.rsplit_once('.') {
            Some((stem, ext)) if !stem.is_empty() => format!("{stem}.{hash}.{ext}"),
            _ => format!("{file}.{hash}"),
        };
        let url = if dir.is_empty() {
            format!("assets/{file}")
        } else {
            format!("assets/{dir}/{file}")
        };
        self.urls.insert(name.to_string(), url.clone());
        url
    }

    /// The bytes to publish for static file `name`: rewritten if it is a stylesheet that
    /// refers to other static files, else `original`.
    pub(crate) fn bytes<'a>(&'a self, name: &str, original: &'a [u8]) -> &'a [u8] {
        self.rewritten.get(name).map_or(original, Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // `theme: /` once read every file of the filesystem as the theme.
    #[test]
    fn a_theme_name_that_is_a_path_is_refused() {
        for name in ["/", "..", "../../etc", "a/b"] {
            let err = load(Path::new("."), name).unwrap_err();
            assert!(err[0].message.contains("is not a folder name"), "{name}");
        }
    }

    // A script or stylesheet the transform has to leave as it is (say, a template literal over
    // two lines) would quietly cost its comments again: each one is published smaller; a
    // script's lines are the original's, in order, but for whitespace, and a stylesheet has
    // the original's characters apart from comments and whitespace.
    #[test]
    fn every_embedded_script_and_stylesheet_is_published_minified() {
        let mut seen = 0;
        for (path, bytes) in embedded::FILES {
            let (js, css) = (path.ends_with(".js"), path.ends_with(".css"));
            if !path.starts_with("builtin/theme/static/") || !(js || css) {
                continue;
            }
            seen += 1;
            let out = String::from_utf8(published(path, bytes)).unwrap();
            let source = std::str::from_utf8(bytes).unwrap();
            assert!(out.len() < source.len(), "{path} was published as written");
            let squeeze = |s: &str| s.split_whitespace().collect::<String>();
            if js {
                let mut lines = source.lines().map(squeeze);
                for kept in out.lines() {
                    assert!(
                        lines.any(|l| l == squeeze(kept)),
                        "{path}: {kept:?} is not a line of the source"
                    );
                }
            } else {
                // The theme's stylesheets have no `/*` inside a string.
                let mut bare = String::new();
                let mut rest = source;
                while let Some(at) = rest.find("/*") {
                    bare.push_str(&rest[..at]);
                    rest = &rest[at + rest[at..].find("*/").unwrap() + 2..];
                }
                bare.push_str(rest);
                assert_eq!(squeeze(&out), squeeze(&bare), "{path}");
                assert_eq!(out.lines().count(), 1, "{path}");
            }
        }
        assert!(seen >= 10, "only {seen} scripts and stylesheets");
    }

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

    fn theme_with(files: &[(&str, &str)]) -> Theme {
        let mut theme = Theme::default();
        for (name, text) in files {
            let file = File {
                origin: PathBuf::from(name),
                bytes: text.as_bytes().to_vec(),
                embedded: false,
            };
            theme.statics.insert(name.to_string(), file);
        }
        theme
    }

    #[test]
    fn every_static_file_gets_a_hash_in_its_name() {
        let mut assets = Assets::default();
        assert_eq!(
            assets.add("img/logo.png", b"a"),
            "assets/img/logo.8601ec8c.png"
        );
        assert_eq!(assets.add("LICENSE", b"a"), "assets/LICENSE.8601ec8c");
        assert_eq!(assets.add("v1.2/font", b"a"), "assets/v1.2/font.8601ec8c");
        assert_ne!(
            assets.add("img/logo.png", b"b"),
            "assets/img/logo.8601ec8c.png"
        );
    }

    #[test]
    fn stylesheets_refer_to_the_fingerprinted_names() {
        let theme = theme_with(&[
            ("img/a.png", "A"),
            ("fonts/f.woff2", "F"),
            (
                "css/base.css",
                "p { background: url( '../img/a.png?v=1' ) }",
            ),
            (
                "css/main.css",
                "@import \"base.css\";\n@font-face { src: url(../fonts/f.woff2#x) }\n\
                 a { background: url(data:image/png;base64,AA) url(/abs.png) url(missing.png) }",
            ),
        ]);
        let assets = fingerprint(&theme);
        let file = |name: &str| assets.urls[name].rsplit('/').next().unwrap().to_string();
        let base = String::from_utf8(assets.rewritten["css/base.css"].clone()).unwrap();
        assert_eq!(
            base,
            format!(
                "p {{ background: url( '../img/{}?v=1' ) }}",
                file("img/a.png")
            )
        );
        let main = String::from_utf8(assets.rewritten["css/main.css"].clone()).unwrap();
        assert!(
            main.starts_with(&format!("@import \"{}\";", file("css/base.css"))),
            "{main}"
        );
        assert!(
            main.contains(&format!("url(../fonts/{}#x)", file("fonts/f.woff2"))),
            "{main}"
        );
        assert!(main.contains("url(data:image/png;base64,AA) url(/abs.png) url(missing.png)"));
        // A stylesheet's name follows the bytes of the files it refers to.
        let changed = theme_with(&[
            ("img/a.png", "B"),
            ("fonts/f.woff2", "F"),
            (
                "css/base.css",
                "p { background: url( '../img/a.png?v=1' ) }",
            ),
            ("css/main.css", "@import \"base.css\";"),
        ]);
        let again = fingerprint(&changed);
        assert_ne!(again.urls["css/base.css"], assets.urls["css/base.css"]);
        assert_ne!(again.urls["css/main.css"], assets.urls["css/main.css"]);
    }

    #[test]
    fn a_cycle_of_imports_ends() {
        let theme = theme_with(&[("a.css", "@import 'b.css';"), ("b.css", "@import 'a.css';")]);
        let assets = fingerprint(&theme);
        assert_eq!(assets.urls.len(), 2);
    }

    /// Regression guard: overlapping references must not slice the text backwards (a panic).
    #[test]
    fn odd_stylesheets_are_published_as_they_are() {
        for css in [
            "a { content: \"url(\" } b { background: url(x.png) }",
            "@import \"url(x.png)\"; url(",
            "url('x.png",
            "@import",
        ] {
            let theme = theme_with(&[("x.png", "X"), ("s.css", css)]);
            let assets = fingerprint(&theme);
            assert!(assets.urls["s.css"].starts_with("assets/s."), "{css}");
        }
        // Two references that overlap, both naming a file (odd names are still file names).
        let theme = theme_with(&[
            ("url(a", "1"),
            ("a\";", "2"),
            ("s.css", "@import \"url(a\";)"),
        ]);
        let assets = fingerprint(&theme);
        let css = String::from_utf8(assets.rewritten["s.css"].clone()).unwrap();
        assert!(css.starts_with("@import \"url(a."), "{css}");
    }
}
