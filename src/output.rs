//! Output: the files every site gets besides its pages (sitemap, feeds, robots, headers, the
//! theme's static files), and the write stage: an all-or-nothing publish that swaps a fully
//! written staging folder in place of the previous output.

use crate::diagnostic::Diagnostic;
use crate::fsx;
use crate::model::{Files, Page, Rendered, Site, url_path};
use crate::theme::{Assets, Theme};
use rayon::prelude::*;
use std::fmt::Write as _;
use std::fs;
use std::path::{Component, Path, PathBuf};

/// Extras stage: the sitemap, robots.txt, `_headers` and an Atom feed per feed section and
/// language (`pages[i]` is the Markdown stage's output for `site.pages[i]`).
pub(crate) fn extras(site: &Site, pages: &[Rendered]) -> Files {
    let mut files = Files::new();
    files.push(("sitemap.xml".into(), sitemap(site).into_bytes()));
    files.push(("robots.txt".into(), robots(site).into_bytes()));
    files.push(("_headers".into(), headers(site).into_bytes()));
    for feed in &site.config.feeds {
        for lang in &site.config.languages {
            let path = format!(
                "{}atom.xml",
                url_path(&format!("{feed}/_index"), &lang.code)
            );
            files.push((path, atom(site, pages, feed, &lang.code).into_bytes()));
        }
    }
    files
}

/// The theme's static files, under their fingerprinted names (stylesheets as rewritten to
/// refer to those names).
pub(crate) fn statics(theme: &Theme, assets: &Assets) -> Files {
    theme
        .statics
        .iter()
        .map(|(name, file)| {
            let bytes = assets.bytes(name, &file.bytes);
            (assets.urls[name].clone(), bytes.to_vec())
        })
        .collect()
}

fn sitemap(site: &Site) -> String {
    let base = &site.config.base_url;
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    let mut i = 0;
    while i < site.pages.len() {
        let key = &site.pages[i].key;
        let group: Vec<_> = site.pages[i..]
            .iter()
            .take_while(|p| &p.key == key)
            .collect();
        for page in group.iter().filter(|p| !p.fallback) {
            let _ = write!(
                out,
                "  <url>\n    <loc>{base}{}</loc>\n",
                escape(&page.url_path)
            );
            if let Some(date) = page.front.updated.as_ref().or(page.front.date.as_ref()) {
                let _ = writeln!(out, "    <lastmod>{}</lastmod>", escape(&date[..10]));
            }
            for alt in group.iter().filter(|p| !p.fallback) {
                let tag = site
                    .config
                    .language(&alt.lang)
                    .map_or(alt.lang.as_str(), |l| l.tag.as_str());
                let _ = writeln!(
                    out,
                    "    <xhtml:link rel=\"alternate\" hreflang=\"{tag}\" href=\"{base}{}\"/>",
                    escape(&alt.url_path)
                );
            }
            if let Some(default) = group
                .iter()
                .find(|p| p.lang == site.config.default_language)
            {
                let _ = writeln!(
                    out,
                    "    <xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{base}{}\"/>",
                    escape(&default.url_path)
                );
            }
            out.push_str("  </url>\n");
        }
        i += group.len();
    }
    out.push_str("</urlset>\n");
    out
}

/// An Atom feed of the dated pages of section `dir` in `lang`, newest first.
fn atom(site: &Site, pages: &[Rendered], dir: &str, lang: &str) -> String {
    let base = &site.config.base_url;
    let mut entries: Vec<(&Page, &Rendered)> = site
        .pages
        .iter()
        .zip(pages)
        .filter(|(p, _)| p.dir == dir && p.lang == lang && !p.is_index)
        .collect();
    entries.sort_by(|(a, _), (b, _)| (&b.front.date, &a.key).cmp(&(&a.front.date, &b.key)));
    let index = site
        .pages
        .iter()
        .find(|p| p.dir == dir && p.lang == lang && p.is_index);
    let title = index.map_or(dir, |p| p.front.title.as_str());
    let site_title = site.config.language(lang).map_or("", |l| l.title.as_str());
    let feed_url = format!("{base}{}", url_path(&format!("{dir}/_index"), lang));
    let stamp = |p: &Page| {
        atom_time(
            p.front
                .updated
                .as_deref()
                .or(p.front.date.as_deref())
                .unwrap_or("1970-01-01"),
        )
    };
    let updated = entries
        .iter()
        .map(|(p, _)| stamp(p))
        .max()
        .unwrap_or_else(|| atom_time("1970-01-01"));
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{lang}\">\n  <title>{} · {}</title>\n  <id>{feed_url}</id>\n  <link rel=\"self\" href=\"{feed_url}atom.xml\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{feed_url}\"/>\n  <updated>{updated}</updated>\n  <author><name>{}</name></author>\n",
        escape(title),
        escape(site_title),
        escape(site_title),
    );
    for (p, rendered) in entries {
        let url = format!("{base}{}", p.url_path);
        let _ = write!(
            out,
            "  <entry>\n    <title>{}</title>\n    <id>{url}</id>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>\n    <updated>{}</updated>\n",
            escape(&p.front.title),
            stamp(p)
        );
        if let Some(summary) = &p.front.summary {
            let _ = writeln!(out, "    <summary>{}</summary>", escape(summary));
        }
        let _ = writeln!(
            out,
            "    <content type=\"html\">{}</content>\n  </entry>",
            escape(&rendered.html)
        );
    }
    out.push_str("</feed>\n");
    out
}

/// `2023-10-13` → `2023-10-13T00:00:00Z` (Atom wants a full timestamp).
fn atom_time(date: &str) -> String {
    if date.len() > 10 {
        date.to_string()
    } else {
        format!("{date}T00:00:00Z")
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn robots(site: &Site) -> String {
    format!(
        "User-agent: *\nAllow: /\nSitemap: {}sitemap.xml\n",
        site.config.base_url
    )
}

/// Security headers for hosts that read a `_headers` file (Netlify, Cloudflare Pages).
fn headers(site: &Site) -> String {
    let base = site.config.base_path();
    format!(
        "{base}*\n  Content-Security-Policy: default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'\n  Referrer-Policy: no-referrer\n  X-Content-Type-Options: nosniff\n{base}assets/*\n  Cache-Control: public, max-age=31536000, immutable\n"
    )
}

/// The file every build leaves in its output folder: the proof that the folder is the build's
/// own to replace. A dotfile, so hosts that skip hidden files do not publish it; its text says
/// what it is to anyone who finds it.
pub(crate) const MARKER: &str = ".invest-guide-build";
const MARKER_TEXT: &str =
    "written by `invest-guide build`, which replaces this whole folder on the next build\n";

/// Checks that `out` may receive a build of the site at `root`, before anything is written:
/// it is neither the site root, nor a folder holding it, nor inside its sources; and if it
/// exists it is a folder that is empty, was written by a build, or `force` allows replacing.
/// Returns the folder's resolved path (symbolic links and `..` followed), where to publish.
pub(crate) fn target(root: &Path, out: &Path, force: bool) -> Result<PathBuf, Diagnostic> {
    let root = fs::canonicalize(root).map_err(|e| {
        Diagnostic::error(root, format!("cannot open the site root: {e}"))
            .hint("pass --root the folder that holds site.yaml")
    })?;
    let resolved = resolve(out).map_err(|e| {
        Diagnostic::error(out, format!("cannot use this output folder: {e}"))
            .hint("pick another --out")
    })?;
    let refuse = |what: String| {
        Diagnostic::error(out, what).hint(format!(
            "the build replaces its output folder whole; leave out --out to build into {}, or \
             pick a folder outside content/, themes/ and i18n/ of the site",
            root.join("public").display()
        ))
    };
    if resolved == root {
        return Err(refuse("the output folder is the site root".into()));
    }
    if root.starts_with(&resolved) {
        return Err(refuse(format!(
            "the output folder contains the site root {}",
            root.display()
        )));
    }
    for sources in ["content", "themes", "i18n"] {
        let dir = root.join(sources);
        let dir = fs::canonicalize(&dir).unwrap_or(dir);
        if resolved.starts_with(&dir) {
            return Err(refuse(format!(
                "the output folder is inside the site's {sources}/ folder"
            )));
        }
    }
    ours_to_replace(out, &resolved, force)?;
    Ok(resolved)
}

/// An existing `out` may be replaced if it is an empty folder, holds the marker of a previous
/// build, or `force` is given; a file never is.
fn ours_to_replace(out: &Path, resolved: &Path, force: bool) -> Result<(), Diagnostic> {
    let Ok(meta) = fs::metadata(resolved) else {
        return Ok(());
    };
    if !meta.is_dir() {
        return Err(
            Diagnostic::error(out, "the output path is a file, not a folder")
                .hint("pick a folder for --out, or move the file away yourself"),
        );
    }
    let mut entries = fs::read_dir(resolved).map_err(|e| fsx::io_error(out, "read", e))?;
    if force || entries.next().is_none() || resolved.join(MARKER).is_file() {
        return Ok(());
    }
    Err(Diagnostic::error(
        out,
        format!("the output folder holds files that no build wrote (it has no {MARKER})"),
    )
    .hint(
        "a build replaces its output folder whole: pick another --out, or pass --force to \
         replace this folder and everything in it",
    ))
}

/// `path` made absolute with symbolic links and `..` resolved, even when its last parts do not
/// exist yet: the nearest existing ancestor is canonicalised, the rest appended.
fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    let mut existing = absolute.as_path();
    let mut missing = Vec::new();
    let mut resolved = loop {
        match fs::canonicalize(existing) {
            Ok(resolved) => break resolved,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let (Some(parent), Some(last)) =
                    (existing.parent(), existing.components().next_back())
                else {
                    return Err(e);
                };
                missing.push(last);
                existing = parent;
            }
            Err(e) => return Err(e),
        }
    };
    for part in missing.into_iter().rev() {
        match part {
            Component::ParentDir => {
                resolved.pop();
            }
            Component::Normal(name) => resolved.push(name),
            _ => {}
        }
    }
    Ok(resolved)
}

/// Write stage: writes `files` and the build's marker into a staging folder beside `out`, then
/// swaps it in. If anything fails, the previous `out` is left exactly as it was. `out` has
/// passed [`target`].
pub(crate) fn publish(out: &Path, files: &Files) -> Result<(), Diagnostic> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = out
        .file_name()
        .map_or("public".into(), |n| n.to_string_lossy().into_owned());
    fs::create_dir_all(parent).map_err(|e| fsx::io_error(parent, "create the folder", e))?;
    remove_stale(parent, &name);
    let staging = parent.join(format!(".{name}.staging-{}", std::process::id()));
    let written = write_all(&staging, files).and_then(|()| swap(&staging, out, parent, &name));
    if written.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    written
}

fn write_all(staging: &Path, files: &Files) -> Result<(), Diagnostic> {
    if staging.exists() {
        fs::remove_dir_all(staging).map_err(|e| fsx::io_error(staging, "remove", e))?;
    }
    // The marker first: a staging folder left by a killed build is then provably ours.
    fsx::write(&staging.join(MARKER), MARKER_TEXT.as_bytes())?;
    files
        .par_iter()
        .try_for_each(|(path, bytes)| fsx::write(&staging.join(path), bytes))
}

fn swap(staging: &Path, out: &Path, parent: &Path, name: &str) -> Result<(), Diagnostic> {
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    if out.exists() {
        fs::rename(out, &old).map_err(|e| fsx::io_error(out, "move aside", e))?;
    }
    if let Err(e) = fs::rename(staging, out) {
        let _ = fs::rename(&old, out);
        return Err(fsx::io_error(out, "replace", e));
    }
    let _ = fs::remove_dir_all(&old);
    Ok(())
}

/// Staging and old folders left behind by a build that was killed: only those holding a
/// build's marker, so a folder that merely shares the name is never removed.
fn remove_stale(parent: &Path, name: &str) {
    let prefixes = [format!(".{name}.staging-"), format!(".{name}.old-")];
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let stale: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            prefixes.iter().any(|p| n.starts_with(p.as_str()))
        })
        .map(|e| e.path())
        .filter(|path| path.join(MARKER).is_file())
        .collect();
    for path in stale {
        let _ = fs::remove_dir_all(path);
    }
}
