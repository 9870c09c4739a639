//! Output: the files every site gets besides its pages (sitemap, feeds, robots, headers, the
//! theme's static files), the check of the output folder, and (`staging.rs`) the staging folder
//! files are written into as they are made, swapped in whole in place of the previous output.

use crate::date::Date;
use crate::diagnostic::Diagnostic;
use crate::fsx;
use crate::model::{Alias, Files, Page, Rendered, Site, url_path};
use crate::render::escape_html;
use crate::theme::{Assets, Theme};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

mod sitemap;
mod staging;

pub(crate) use staging::Staging;

/// Extras stage: the sitemap, robots.txt and `_headers`.
pub(crate) fn extras(site: &Site) -> Files {
    vec![
        ("sitemap.xml".into(), sitemap::sitemap(site)),
        ("robots.txt".into(), robots(site).into_bytes()),
        ("_headers".into(), headers(site).into_bytes()),
    ]
}

/// Feeds stage: an Atom feed per feed section and language, with the HTML of the pages of the
/// feeds ([`in_feed`]) that the render stage kept (`pages[i]` is the Markdown output of
/// `site.pages[i]`).
pub(crate) fn feeds(site: &Site, pages: &[Rendered]) -> Files {
    let mut files = Files::new();
    for feed in &site.config.feeds {
        for lang in &site.config.languages {
            let path = format!(
                "{}atom.xml",
                url_path(&format!("{feed}/_index"), &lang.code)
            );
            files.push((path, atom(site, pages, feed, &lang.code)));
        }
    }
    files
}

/// Whether a feed shows the page: a page (not the section's own) of a section with a feed.
pub(crate) fn in_feed(site: &Site, page: &Page) -> bool {
    !page.is_index && site.config.feeds.contains(&page.dir)
}

/// Aliases stage: for each alias of a page (`aliases:` in its front matter), a redirect page
/// where the old URL was, and a `_redirects` file (`FROM TO 301`, read by Netlify and
/// Cloudflare Pages) listing them all; no `_redirects` when no page has an alias. An alias that
/// is a page's URL, another alias, or the place of a file the build writes is an error at its
/// line. `paths` are those of all the files built before.
pub(crate) fn aliases(site: &Site, paths: &[Arc<str>]) -> (Files, Vec<Diagnostic>) {
    let mut taken = Taken::new(site, paths);
    let base_path = site.config.base_path();
    let mut out = Files::new();
    let mut redirects = Vec::new();
    let mut problems = Vec::new();
    for page in site.pages.iter().filter(|p| !p.fallback) {
        for alias in &page.front.aliases {
            let file = alias.file();
            if let Some(owner) = taken.clash(&file) {
                problems.push(clash(page, alias, owner));
                continue;
            }
            taken.insert(&file, Owner::Alias(page.source.clone(), alias.line));
            let target = format!("{}{}", site.config.base_url, page.url_path);
            let html = redirect_page(&page.front.title, language_tag(site, &page.lang), &target);
            out.push((file, html.into_bytes()));
            let from = alias.url_path();
            redirects.push(format!(
                "{base_path}{from} {base_path}{} 301\n",
                page.url_path
            ));
        }
    }
    for (page, paging) in site.pages.iter().zip(&site.paging) {
        if paging.is_none() {
            continue;
        }
        // Page 1 of a list is the list's own URL; `page/1/` leads there.
        let from = format!("{}page/1/", page.url_path);
        let file = format!("{from}index.html");
        if let Some(owner) = taken.clash(&file) {
            problems.push(first_page_taken(page, &from, owner));
            continue;
        }
        let target = format!("{}{}", site.config.base_url, page.url_path);
        let html = redirect_page(&page.front.title, language_tag(site, &page.lang), &target);
        out.push((file, html.into_bytes()));
        redirects.push(format!(
            "{base_path}{from} {base_path}{} 301\n",
            page.url_path
        ));
    }
    if !redirects.is_empty() {
        redirects.sort();
        out.push(("_redirects".into(), redirects.concat().into_bytes()));
    }
    (out, problems)
}

/// A page that sends the visitor on to `target` at once, with no script or style (the site's
/// Content-Security-Policy forbids inline ones): a refresh, a canonical link for search
/// engines, `noindex`, and a link to follow by hand.
fn redirect_page(title: &str, lang_tag: &str, target: &str) -> String {
    let (title, lang, url) = (
        escape_html(title),
        escape_html(lang_tag),
        escape_html(target),
    );
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <link rel=\"icon\" href=\"data:,\">\n<title>{title}</title>\n<meta name=\"robots\" content=\"noindex\">\n\
         <link rel=\"canonical\" href=\"{url}\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={url}\">\n</head>\n<body>\n\
         <p><a href=\"{url}\">{title}</a></p>\n</body>\n</html>\n"
    )
}

/// Who already has an output path.
enum Owner {
    Page(PathBuf),
    /// An alias of the page in this file, at this line.
    Alias(PathBuf, usize),
    File(String),
}

/// Every output path in use, lowercased: hosts on case-insensitive file systems (macOS,
/// Windows) would let `/en/Policy/` overwrite `/en/policy/`.
struct Taken(BTreeMap<String, Owner>);

impl Taken {
    fn new(site: &Site, paths: &[Arc<str>]) -> Taken {
        let mut taken = Taken(BTreeMap::new());
        for path in paths {
            taken.insert(path, Owner::File(path.to_string()));
        }
        taken.insert("_redirects", Owner::File("_redirects".into()));
        for page in &site.pages {
            let file = format!("{}index.html", page.url_path);
            taken.insert(&file, Owner::Page(page.source.clone()));
        }
        taken
    }

    fn insert(&mut self, path: &str, owner: Owner) {
        self.0.insert(path.to_ascii_lowercase(), owner);
    }

    /// Who holds `path` itself, a folder above it as a file, or it as a folder.
    fn clash(&self, path: &str) -> Option<&Owner> {
        let path = path.to_ascii_lowercase();
        let folder = format!("{path}/");
        self.0
            .get(&path)
            .or_else(|| {
                path.match_indices('/')
                    .find_map(|(i, _)| self.0.get(&path[..i]))
            })
            .or_else(|| {
                let below = self.0.range(folder.clone()..).next();
                below
                    .filter(|(k, _)| k.starts_with(&folder))
                    .map(|(_, o)| o)
            })
    }
}

fn clash(page: &Page, alias: &Alias, owner: &Owner) -> Diagnostic {
    let what = format!("alias `{}`", alias.path);
    let (message, hint) = match owner {
        Owner::Page(source) if *source == page.source => (
            format!("{what} is this page's own URL"),
            "remove it: the page is already published there".to_string(),
        ),
        Owner::Page(source) => (
            format!("{what} is the URL of {}", source.display()),
            "remove it, or move that page first; a URL shows one page".to_string(),
        ),
        Owner::Alias(source, line) if *source == page.source => (
            format!("{what} is listed twice (first on line {line})"),
            "keep one of them".to_string(),
        ),
        Owner::Alias(source, line) => (
            format!("{what} is also an alias of {}:{line}", source.display()),
            "an old URL can redirect to one page only: keep it on one of them".to_string(),
        ),
        Owner::File(file) => (
            format!("{what} would take the place of `{file}`, which the build writes"),
            "choose the old page's own path, e.g. `/en/old-name/`".to_string(),
        ),
    };
    Diagnostic::error(&page.source, message)
        .at(alias.line, alias.col)
        .hint(hint)
}

fn first_page_taken(page: &Page, from: &str, owner: &Owner) -> Diagnostic {
    let by = match owner {
        Owner::Page(source) => source.display().to_string(),
        Owner::Alias(source, line) => format!("an alias of {}:{line}", source.display()),
        Owner::File(file) => format!("`{file}`, which the build writes"),
    };
    Diagnostic::error(
        &page.source,
        format!("/{from}, the first list page of this section, is taken by {by}"),
    )
    .hint("remove that alias or page: `page/1/` of a paginated list leads to the list")
}

/// The theme's static files, under their fingerprinted names (stylesheets as rewritten to
/// refer to those names); `favicon.ico` also at the root, where browsers ask for it unbidden.
pub(crate) fn statics(theme: &Theme, assets: &Assets) -> Files {
    let mut files: Files = theme
        .statics
        .iter()
        .map(|(name, file)| {
            let bytes = assets.bytes(name, &file.bytes);
            (assets.urls[name].clone(), bytes.to_vec())
        })
        .collect();
    if let Some(icon) = theme.statics.get("favicon.ico") {
        files.push(("favicon.ico".into(), icon.bytes.clone()));
    }
    files
}

/// The BCP 47 tag of the language with `code` (the code itself unless `tag:` sets one).
fn language_tag<'a>(site: &'a Site, code: &'a str) -> &'a str {
    site.config.language(code).map_or(code, |l| l.tag.as_str())
}

/// An Atom feed of the dated pages of section `dir` in `lang`, newest first.
fn atom(site: &Site, pages: &[Rendered], dir: &str, lang: &str) -> Vec<u8> {
    let base = &site.config.base_url;
    let mut entries: Vec<(&Page, &Rendered)> = site
        .pages
        .iter()
        .zip(pages)
        .filter(|(p, _)| p.dir == dir && p.lang == lang && in_feed(site, p))
        .collect();
    let instant = |p: &Page| p.front.date.as_ref().map(|d| d.instant);
    entries.sort_by(|(a, _), (b, _)| (instant(b), &a.key).cmp(&(instant(a), &b.key)));
    let index = site
        .pages
        .iter()
        .find(|p| p.dir == dir && p.lang == lang && p.is_index);
    let title = index.map_or(dir, |p| p.front.title.as_str());
    let site_title = site.config.language(lang).map_or("", |l| l.title.as_str());
    let feed_url = format!("{base}{}", url_path(&format!("{dir}/_index"), lang));
    let updated = entries
        .iter()
        .filter_map(|(p, _)| stamp(p))
        .max_by_key(|d| d.instant)
        .map_or(EPOCH, |d| d.rfc3339.as_str());
    let mut xml = Xml::new("utf-8");
    xml.open(
        0,
        "feed",
        &[("xmlns", "http://www.w3.org/2005/Atom"), ("xml:lang", lang)],
    );
    xml.leaf(1, "title", &[], &format!("{title} · {site_title}"));
    xml.leaf(1, "id", &[], &feed_url);
    let self_url = format!("{feed_url}atom.xml");
    xml.empty(1, "link", &[("rel", "self"), ("href", &self_url)]);
    let html_link = [("rel", "alternate"), ("type", "text/html")];
    xml.empty(
        1,
        "link",
        &[html_link[0], html_link[1], ("href", &feed_url)],
    );
    xml.leaf(1, "updated", &[], updated);
    xml.indent(1);
    xml.start("author", &[]);
    xml.start("name", &[]);
    xml.text(site_title);
    xml.end("name");
    xml.end("author");
    xml.newline();
    for (p, rendered) in entries {
        let url = format!("{base}{}", p.url_path);
        xml.open(1, "entry", &[]);
        xml.leaf(2, "title", &[], &p.front.title);
        xml.leaf(2, "id", &[], &url);
        xml.empty(2, "link", &[html_link[0], html_link[1], ("href", &url)]);
        xml.leaf(2, "updated", &[], stamp(p).map_or(EPOCH, |d| &d.rfc3339));
        if let Some(summary) = &p.front.summary {
            xml.leaf(2, "summary", &[], summary);
        }
        xml.leaf(2, "content", &[("type", "html")], &rendered.html);
        xml.close(1, "entry");
    }
    xml.close(0, "feed");
    xml.finish()
}

/// When a page last changed: `updated`, else `date`.
fn stamp(page: &Page) -> Option<&Date> {
    page.front.updated.as_ref().or(page.front.date.as_ref())
}

/// Atom requires an `updated` time; an undated page or an empty feed gets this one.
const EPOCH: &str = "1970-01-01T00:00:00Z";

/// An XML document laid out one element per line, two spaces per level. quick-xml writes the
/// markup and escapes every attribute value; text is escaped by [`escape_text`]. Nothing is
/// ever spliced in unescaped.
struct Xml(Writer<Vec<u8>>);

impl Xml {
    /// A document with its declaration (`encoding` as the feed or sitemap has always written
    /// it).
    fn new(encoding: &str) -> Xml {
        let mut xml = Xml(Writer::new(Vec::new()));
        xml.put(Event::Decl(BytesDecl::new("1.0", Some(encoding), None)));
        xml.newline();
        xml
    }

    /// `<name …>` on a line of its own.
    fn open(&mut self, depth: usize, name: &str, attributes: &[(&str, &str)]) {
        self.indent(depth);
        self.start(name, attributes);
        self.newline();
    }

    /// `</name>` on a line of its own.
    fn close(&mut self, depth: usize, name: &str) {
        self.indent(depth);
        self.end(name);
        self.newline();
    }

    /// `<name …>text</name>` on a line of its own.
    fn leaf(&mut self, depth: usize, name: &str, attributes: &[(&str, &str)], text: &str) {
        self.indent(depth);
        self.start(name, attributes);
        self.text(text);
        self.end(name);
        self.newline();
    }

    /// `<name …/>` on a line of its own.
    fn empty(&mut self, depth: usize, name: &str, attributes: &[(&str, &str)]) {
        self.indent(depth);
        self.put(Event::Empty(element(name, attributes)));
        self.newline();
    }

    fn start(&mut self, name: &str, attributes: &[(&str, &str)]) {
        self.put(Event::Start(element(name, attributes)));
    }

    fn end(&mut self, name: &str) {
        self.put(Event::End(BytesEnd::new(name)));
    }

    fn text(&mut self, text: &str) {
        self.put(Event::Text(BytesText::from_escaped(escape_text(text))));
    }

    fn indent(&mut self, depth: usize) {
        // Two spaces a level, borrowed rather than made for each line (the sitemap has a few
        // lines a page).
        const SPACES: &str = "                ";
        match SPACES.get(..2 * depth) {
            Some(spaces) => self.put(Event::Text(BytesText::from_escaped(spaces))),
            None => self.put(Event::Text(BytesText::from_escaped("  ".repeat(depth)))),
        }
    }

    fn newline(&mut self) {
        self.put(Event::Text(BytesText::from_escaped("\n")));
    }

    fn put(&mut self, event: Event) {
        // Writing into a Vec<u8> cannot fail: `io::Write for Vec<u8>` never returns an error.
        let _infallible = self.0.write_event(event);
    }

    fn finish(self) -> Vec<u8> {
        self.0.into_inner()
    }
}

/// A start tag with its attributes, each value escaped by quick-xml (`&`, `<`, `>`, quotes,
/// and the white space that attribute normalisation would fold).
fn element<'a>(name: &'a str, attributes: &[(&str, &str)]) -> BytesStart<'a> {
    let mut start = BytesStart::new(name);
    for (key, value) in attributes {
        start.push_attribute((*key, xml_chars(value).as_ref()));
    }
    start
}

/// Text content escaped: `&`, `<`, `>`, `"` and carriage returns. (quick-xml's own text escape
/// also turns `'` into `&apos;`, which text does not need; this keeps the bytes the feeds have
/// always had.)
fn escape_text(text: &str) -> String {
    let text = xml_chars(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

/// `text` without the characters XML 1.0 forbids even when escaped (control characters other
/// than tab, line feed and carriage return; U+FFFE, U+FFFF), which would make the file invalid.
fn xml_chars(text: &str) -> std::borrow::Cow<'_, str> {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
    };
    if text.chars().all(allowed) {
        text.into()
    } else {
        text.chars()
            .filter(|c| allowed(*c))
            .collect::<String>()
            .into()
    }
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
        "{base}*\n  Content-Security-Policy: {CSP}; {CSP_HEADER_ONLY}\n  Referrer-Policy: no-referrer\n  X-Content-Type-Options: nosniff\n{base}assets/*\n  Cache-Control: public, max-age=31536000, immutable\n"
    )
}

/// The site's Content-Security-Policy as every page also carries it in a `<meta>` element, for
/// hosts that cannot set headers (GitHub Pages, a bucket, a plain file server): nothing from
/// another origin, no inline script or style.
pub(crate) const CSP: &str = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'";
/// The part of the policy only a header can carry (browsers ignore `frame-ancestors` in a
/// `<meta>` element, and say so in the console).
const CSP_HEADER_ONLY: &str = "frame-ancestors 'none'";

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

#[cfg(test)]
mod tests {
    use super::*;
    use quick_xml::Reader;

    // Each line is indented two spaces a level, at any depth.
    #[test]
    fn lines_are_indented_two_spaces_a_level() {
        let mut xml = Xml::new("UTF-8");
        xml.open(0, "a", &[]);
        xml.leaf(1, "b", &[], "x");
        xml.empty(8, "c", &[]);
        xml.empty(9, "d", &[]);
        xml.close(0, "a");
        let text = String::from_utf8(xml.finish()).unwrap();
        let expected = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>\n  <b>x</b>\n{}<c/>\n{}<d/>\n</a>\n",
            " ".repeat(16),
            " ".repeat(18)
        );
        assert_eq!(text, expected);
    }

    // Whatever a value holds, it cannot close its attribute or element, nor make the file
    // invalid: the writer escapes markup and drops characters XML 1.0 forbids.
    #[test]
    fn values_cannot_break_out_of_the_document() {
        let hostile = "a\"b'c<d>e&f\u{1}g\u{FFFF}h\ri";
        let mut xml = Xml::new("UTF-8");
        xml.open(0, "root", &[("lang", hostile)]);
        xml.leaf(1, "title", &[], hostile);
        xml.close(0, "root");
        let bytes = xml.finish();
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            !text.contains('\u{1}') && !text.contains('\u{FFFF}'),
            "{text}"
        );
        let mut reader = Reader::from_str(&text);
        let mut seen = Vec::new();
        loop {
            match reader.read_event().unwrap() {
                Event::Eof => break,
                Event::Start(e) => {
                    seen.push(e.name().as_ref().to_string());
                    for attribute in e.attributes() {
                        let value = attribute
                            .unwrap()
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .unwrap()
                            .into_owned();
                        assert_eq!(value, "a\"b'c<d>e&fgh\ri");
                    }
                }
                Event::End(_) | Event::Text(_) | Event::GeneralRef(_) | Event::Decl(_) => {}
                other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(seen, ["root", "title"]);
        assert!(
            text.contains("<title>a&quot;b'c&lt;d&gt;e&amp;fgh&#13;i</title>"),
            "{text}"
        );
    }

    #[test]
    fn a_redirect_page_escapes_what_it_shows() {
        let html = redirect_page("A < B & \"C\"", "en", "https://host/a/?x=\"1\"");
        assert!(
            html.contains("<title>A &lt; B &amp; &quot;C&quot;</title>"),
            "{html}"
        );
        assert!(
            html.contains("url=https://host/a/?x=&quot;1&quot;\""),
            "{html}"
        );
    }
}
