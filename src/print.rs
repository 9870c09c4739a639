//! Print edition: the whole site in reading order on one page per language (`/LANG/print/`),
//! as mdBook's `print.html` is for a book.
//!
//! In: the site (`print:` in `site.yaml` names the reading order: page keys, each followed by
//! the pages below it; without it, home and the menu) and the built pages' HTML. Out: per
//! language, the chapters for the `print.html` template: each page's `main` less navigation,
//! forms, scripts and `data-print-ignore` elements, its ids made unique (`KEY~id`, the chapter itself `KEY~`), its
//! headings one level down (the edition has one `h1`), links to other chapters turned into links
//! inside the document and links to pages outside it into absolute URLs.

use crate::diagnostic::Diagnostic;
use crate::incremental::{PrintMemo, Region};
use crate::model::{Files, Page, Site};
use lol_html::html_content::{ContentType, Element};
use lol_html::{RewriteStrSettings, element, rewrite_str};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// The path of a language's print edition below the base path.
pub(crate) fn url_path(lang: &str) -> String {
    format!("{lang}/print/")
}

/// Language → the pages of its edition in reading order, with their depth (1 for an entry of
/// `print:`, 2 for a page below it, …). A language whose edition would be empty has none.
pub(crate) type Order<'a> = BTreeMap<String, Vec<(&'a Page, usize)>>;

/// The reading order of every language; errors for an entry of `print:` that names no page, or
/// a page that takes the edition's URL.
pub(crate) fn order(site: &Site) -> Result<Order<'_>, Vec<Diagnostic>> {
    let config = &site.config;
    let entries: Vec<String> = match &config.print {
        Some(list) => list.clone(),
        None => std::iter::once("_index".to_string())
            .chain(config.menu.iter().cloned())
            .collect(),
    };
    let mut problems = Vec::new();
    let tree = Tree::new(site);
    for entry in &entries {
        if !site.pages.iter().any(|p| matches(p, entry)) {
            problems.push(
                Diagnostic::error(
                    crate::config::FILE,
                    format!("print: no page `{entry}` in any language"),
                )
                .at(config.print_line, 1)
                .hint("name a page by its path under content/ without the language (`policy`, `measures/_index`), or remove the entry"),
            );
        }
    }
    // A page named in `print:` comes where it is named, not among the pages below another
    // entry (`policy/full-text` last, after `policy` near the start).
    let listed: BTreeSet<&str> = site
        .pages
        .iter()
        .filter(|p| entries.iter().any(|e| matches(p, e)))
        .map(|p| p.key.as_str())
        .collect();
    let mut order = Order::new();
    for language in &config.languages {
        let lang = language.code.as_str();
        let mut seen = BTreeSet::new();
        let mut pages = Vec::new();
        for entry in &entries {
            let Some(page) = site
                .pages
                .iter()
                .find(|p| p.lang == lang && matches(p, entry))
            else {
                continue;
            };
            tree.push(page, 1, &mut pages, &mut seen, &listed);
        }
        if pages.is_empty() {
            continue;
        }
        let taken = url_path(lang);
        if let Some(page) = site.pages.iter().find(|p| p.url_path == taken) {
            problems.push(
                Diagnostic::error(
                    &page.source,
                    format!("this page makes /{taken}, where the print edition goes"),
                )
                .hint("rename the file, or set `print: []` in site.yaml for no print edition"),
            );
        }
        order.insert(lang.to_string(), pages);
    }
    if problems.is_empty() {
        Ok(order)
    } else {
        Err(problems)
    }
}

/// Whether `page` is the one a `print:` entry names: its key, or the section of that name.
fn matches(page: &Page, entry: &str) -> bool {
    page.key == entry || (page.is_index && page.key.strip_suffix("/_index") == Some(entry))
}

/// Pages by the folder they are in (one language, section order), and sections by the folder
/// above them.
struct Tree<'a> {
    pages: HashMap<(&'a str, &'a str), Vec<&'a Page>>,
    sections: HashMap<(&'a str, String), Vec<&'a Page>>,
}

impl<'a> Tree<'a> {
    fn new(site: &'a Site) -> Self {
        let mut tree = Tree {
            pages: HashMap::new(),
            sections: HashMap::new(),
        };
        for page in &site.pages {
            if !page.is_index {
                let key = (page.lang.as_str(), page.dir.as_str());
                tree.pages.entry(key).or_default().push(page);
            } else if page.key != "_index" {
                let parent = page.dir.rsplit_once('/').map_or("", |(p, _)| p).to_string();
                let key = (page.lang.as_str(), parent);
                tree.sections.entry(key).or_default().push(page);
            }
        }
        for list in tree.pages.values_mut().chain(tree.sections.values_mut()) {
            list.sort_by_cached_key(|p| p.order_key());
        }
        tree
    }

    /// `page` and, unless it is the home page, every page below it: the pages of its folder
    /// first, then each section in it with its own.
    fn push(
        &self,
        page: &'a Page,
        depth: usize,
        out: &mut Vec<(&'a Page, usize)>,
        seen: &mut BTreeSet<&'a str>,
        listed: &BTreeSet<&str>,
    ) {
        if depth > 1 && listed.contains(page.key.as_str()) {
            return;
        }
        if !seen.insert(page.key.as_str()) {
            return;
        }
        out.push((page, depth));
        if page.key == "_index" {
            return;
        }
        let dir = page.key.strip_suffix("/_index").unwrap_or(&page.key);
        let lang = page.lang.as_str();
        for child in self.pages.get(&(lang, dir)).into_iter().flatten() {
            self.push(child, depth + 1, out, seen, listed);
        }
        for section in self
            .sections
            .get(&(lang, dir.to_string()))
            .into_iter()
            .flatten()
        {
            self.push(section, depth + 1, out, seen, listed);
        }
    }
}

/// One page of the edition, for the template.
#[derive(Serialize)]
pub(crate) struct Chapter {
    /// The chapter's id in the edition (`KEY~`).
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) depth: usize,
    /// The page's own address, printed under its title.
    pub(crate) permalink: String,
    pub(crate) html: String,
}

/// The table of contents: each chapter's id and title, with the chapters below it nested.
#[derive(Serialize)]
pub(crate) struct Entry<'a> {
    id: &'a str,
    title: &'a str,
    children: Vec<Entry<'a>>,
}

pub(crate) fn toc(chapters: &[Chapter]) -> Vec<Entry<'_>> {
    fn level<'a>(
        chapters: &mut std::iter::Peekable<std::slice::Iter<'a, Chapter>>,
        depth: usize,
    ) -> Vec<Entry<'a>> {
        let mut out = Vec::new();
        while let Some(c) = chapters.next_if(|c| c.depth >= depth) {
            let children = level(chapters, c.depth + 1);
            out.push(Entry {
                id: &c.id,
                title: &c.title,
                children,
            });
        }
        out
    }
    level(&mut chapters.iter().peekable(), 1)
}

/// The chapters of one language's edition, from the built pages' HTML.
pub(crate) fn chapters(
    site: &Site,
    pages: &[(&Page, usize)],
    files: &Files,
    memo: &mut PrintMemo,
) -> Result<Vec<Chapter>, Diagnostic> {
    let base_path = site.config.base_path();
    let index: HashMap<&str, &[u8]> = files
        .iter()
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .collect();
    let targets: HashMap<String, &str> = pages
        .iter()
        .map(|(p, _)| (format!("{base_path}{}", p.url_path), p.key.as_str()))
        .collect();
    let context = PrintMemo::context_key(&site.config.base_url, base_path, &targets);
    let mut out = Vec::with_capacity(pages.len());
    let mut regions = Vec::with_capacity(pages.len());
    for (page, depth) in pages {
        let file = format!("{}index.html", page.url_path);
        let bytes = index.get(file.as_str()).copied().unwrap_or_default();
        let key = PrintMemo::chapter_key(context, &page.key, bytes);
        let region = match memo.region(key) {
            Some(region) => region,
            None => {
                let chapter = Rewrite {
                    key: &page.key,
                    here: format!("{base_path}{}", page.url_path),
                    base_url: &site.config.base_url,
                    base_path,
                    targets: &targets,
                };
                let html = chapter.region(&String::from_utf8_lossy(bytes));
                let region = html.and_then(|html| Ok((ids(&html)?, html)));
                Arc::new(region.map_err(|e| {
                    Diagnostic::error(
                        &page.source,
                        format!("the print edition could not read this page's HTML: {e}"),
                    )
                    .hint("check the page's template for unbalanced tags")
                })?)
            }
        };
        out.push(Chapter {
            id: format!("{}~", page.key),
            title: page.front.title.clone(),
            depth: *depth,
            permalink: format!("{}{}", site.config.base_url, page.url_path),
            html: String::new(),
        });
        regions.push((key, region));
    }
    mend_links(&mut out, &regions, memo).map_err(|e| {
        Diagnostic::error(
            crate::config::FILE,
            format!("the print edition could not be assembled: {e}"),
        )
    })?;
    Ok(out)
}

/// The ids in a chapter's HTML.
fn ids(html: &str) -> Result<Vec<String>, String> {
    let mut ids = Vec::new();
    let settings =
        RewriteStrSettings::new().append_element_content_handler(element!("[id]", |el| {
            ids.push(el.get_attribute("id").unwrap_or_default());
            Ok(())
        }));
    rewrite_str(html, settings).map_err(|e| e.to_string())?;
    Ok(ids)
}

/// A link to a heading the edition leaves out (in a dropped element) goes to its chapter.
/// `regions` holds each chapter's HTML and ids, with its key in `memo`.
fn mend_links(
    chapters: &mut [Chapter],
    regions: &[(u64, Region)],
    memo: &mut PrintMemo,
) -> Result<(), String> {
    let mut ids = BTreeSet::new();
    for (c, (_, region)) in chapters.iter().zip(regions) {
        ids.insert(c.id.clone());
        ids.extend(region.0.iter().cloned());
    }
    let ids_key = PrintMemo::ids_key(&ids);
    for (c, (key, region)) in chapters.iter_mut().zip(regions) {
        if let Some(html) = memo.mended(*key, ids_key) {
            c.html = html;
            continue;
        }
        let settings = RewriteStrSettings::new().append_element_content_handler(element!(
            "a[href^='#']",
            |el| {
                let href = el.get_attribute("href").unwrap_or_default();
                let id = &href[1..];
                if !ids.contains(id)
                    && let Some((chapter, _)) = id.split_once('~')
                {
                    el.set_attribute("href", &format!("#{chapter}~"))?;
                }
                Ok(())
            }
        ));
        c.html = rewrite_str(&region.1, settings).map_err(|e| e.to_string())?;
        memo.keep(*key, region, ids_key, &c.html);
    }
    Ok(())
}

/// Marks around the region in the rewritten page (private-use characters no page holds).
const START: &str = "\u{E001}";
const END: &str = "\u{E002}";

/// Elements a printed chapter leaves out.
/// (`data-index-ignore` is search's mark, not print's: the plan's quotations and full text carry
/// it and are printed.)
const DROPPED: &str = "nav, script, style, template, form, [data-print-ignore]";

/// Attributes that name other elements by id.
const ID_REFERENCES: [&str; 5] = [
    "for",
    "aria-labelledby",
    "aria-describedby",
    "aria-controls",
    "headers",
];

/// How one page becomes a chapter.
struct Rewrite<'a> {
    key: &'a str,
    /// The page's URL path with the base path.
    here: String,
    base_url: &'a str,
    base_path: &'a str,
    /// URL path with the base path → key, for every page of the edition.
    targets: &'a HashMap<String, &'a str>,
}

impl Rewrite<'_> {
    /// The page's `main`, rewritten as a chapter.
    fn region(&self, html: &str) -> Result<String, String> {
        let region = "main";
        let settings = RewriteStrSettings::new()
            .append_element_content_handler(element!(region, |el| {
                el.prepend(START, ContentType::Html);
                el.append(END, ContentType::Html);
                Ok(())
            }))
            .append_element_content_handler(element!(DROPPED, |el| {
                el.remove();
                Ok(())
            }))
            .append_element_content_handler(element!("h1, h2, h3, h4, h5", |el| {
                let level = el.tag_name()[1..].parse::<u8>().unwrap_or(5);
                el.set_tag_name(&format!("h{}", level + 1))?;
                Ok(())
            }))
            .append_element_content_handler(element!("[id]", |el| {
                let id = el.get_attribute("id").unwrap_or_default();
                el.set_attribute("id", &self.id(&id))?;
                Ok(())
            }))
            .append_element_content_handler(element!("a[href]", |el| {
                let href = el.get_attribute("href").unwrap_or_default();
                el.set_attribute("href", &self.href(&href))?;
                Ok(())
            }))
            .append_element_content_handler(element!("img[src]", |el| {
                let src = el.get_attribute("src").unwrap_or_default();
                if !has_scheme(&src) {
                    el.set_attribute("src", &resolve(&self.here, &src))?;
                }
                Ok(())
            }))
            .append_element_content_handler(element!("*", |el| {
                self.references(el);
                Ok(())
            }));
        let rewritten = rewrite_str(html, settings).map_err(|e| e.to_string())?;
        let start = rewritten.find(START).map(|i| i + START.len());
        let end = rewritten.rfind(END);
        Ok(match (start, end) {
            (Some(s), Some(e)) if s <= e => rewritten[s..e].trim().to_string(),
            _ => String::new(),
        })
    }

    fn id(&self, id: &str) -> String {
        format!("{}~{id}", self.key)
    }

    /// `for`, `aria-labelledby` and the like follow the ids they name.
    fn references(&self, el: &mut Element) {
        for name in ID_REFERENCES {
            if let Some(value) = el.get_attribute(name) {
                let ids: Vec<String> = value.split_whitespace().map(|id| self.id(id)).collect();
                let _always_a_valid_name = el.set_attribute(name, &ids.join(" "));
            }
        }
    }

    /// A link inside the edition where its target is in it; an absolute URL for another page of
    /// the site; other sites' links as they are.
    fn href(&self, href: &str) -> String {
        if has_scheme(href) {
            return href.to_string();
        }
        let (path, fragment) = href.split_once('#').unwrap_or((href, ""));
        let path = if path.is_empty() {
            self.here.clone()
        } else {
            resolve(&self.here, path)
        };
        let page = path.strip_suffix("index.html").unwrap_or(&path);
        if let Some(key) = self.targets.get(page) {
            return format!("#{key}~{fragment}");
        }
        let below = path
            .strip_prefix(self.base_path)
            .unwrap_or(path.trim_start_matches('/'));
        match fragment {
            "" => format!("{}{below}", self.base_url),
            f => format!("{}{below}#{f}", self.base_url),
        }
    }
}

/// Whether a URL names its scheme (`https:`, `mailto:`): a link to elsewhere.
fn has_scheme(url: &str) -> bool {
    url.starts_with("//")
        || url.split_once(':').is_some_and(|(s, _)| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        })
}

/// `path` resolved against the folder URL `here` (which ends with `/`), `.` and `..` applied.
fn resolve(here: &str, path: &str) -> String {
    let (path, query) = path
        .split_once('?')
        .map_or((path, None), |(p, q)| (p, Some(q)));
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{here}{path}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/').skip(1) {
        match part {
            "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let mut out = format!("/{}", parts.join("/"));
    if joined.ends_with("/.") || joined.ends_with("/..") {
        out.push('/');
    }
    match query {
        Some(q) => format!("{out}?{q}"),
        None => out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrite(targets: &HashMap<String, &str>, html: &str) -> String {
        Rewrite {
            key: "measures/09",
            here: "/en/measures/09/".into(),
            base_url: "https://host/",
            base_path: "/",
            targets,
        }
        .region(html)
        .unwrap()
    }

    #[test]
    fn a_chapter_is_its_main_with_ids_links_and_headings_rewritten() {
        let targets = HashMap::from([
            ("/en/measures/09/".to_string(), "measures/09"),
            ("/en/policy/".to_string(), "policy"),
        ]);
        let html = "<body><nav><a href=\"/en/\">Home</a></nav><main><article data-index>\
            <h1>Nine</h1><nav class=\"toc\"><a href=\"#who\">Who</a></nav>\
            <h2 id=\"who\">Who</h2><p><a href=\"#who\">here</a>, <a href=\"../../policy/#scope\">policy</a>, \
            <a href=\"/en/eligibility/\">checker</a>, <a href=\"https://example.org/x\">out</a></p>\
            <label for=\"q\">Q</label><input id=\"q\"><form><input></form>\
            <p data-print-ignore>skip</p><p data-index-ignore>kept</p><script src=\"x.js\"></script></article></main>\
            <footer><a href=\"/en/policy/\">outside</a></footer></body>";
        let got = rewrite(&targets, html);
        assert_eq!(
            got,
            "<article data-index><h2>Nine</h2><h3 id=\"measures/09~who\">Who</h3><p><a href=\"#measures/09~who\">here</a>, \
             <a href=\"#policy~scope\">policy</a>, <a href=\"https://host/en/eligibility/\">checker</a>, \
             <a href=\"https://example.org/x\">out</a></p>\
             <label for=\"measures/09~q\">Q</label><input id=\"measures/09~q\"><p data-index-ignore>kept</p></article>"
        );
    }

    #[test]
    fn urls_resolve_against_the_page() {
        assert_eq!(resolve("/en/a/b/", "../c/"), "/en/a/c/");
        assert_eq!(resolve("/en/a/b/", "/x/y?q=1"), "/x/y?q=1");
        assert_eq!(resolve("/en/a/b/", "img.png"), "/en/a/b/img.png");
        assert_eq!(resolve("/en/a/b/", ".."), "/en/a/");
        assert!(has_scheme("mailto:x@y") && has_scheme("https://x") && has_scheme("//x"));
        assert!(!has_scheme("../a:b") && !has_scheme("/en/"));
    }
}
