//! Link check: every local link and `#anchor` in the rendered Markdown must lead somewhere
//! in the built site.

use crate::diagnostic::Diagnostic;
use crate::hash::{FnvBuild, FnvMap};
use crate::model::{Heading, Rendered, Site};
use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

/// Link stage: every local link of every page (`pages[i]` is the Markdown stage's output for
/// `site.pages[i]`) must name a file of the built site (`paths`, below the output folder) and,
/// with `#anchor`, a heading of it.
pub(crate) fn check(site: &Site, pages: &[Rendered], paths: &[Arc<str>]) -> Vec<Diagnostic> {
    let base = site.config.base_path();
    // Files and pages by their path below the base path, borrowed: a URL is looked up by what
    // follows the base path in it (a URL outside it names nothing of the site).
    let outputs: HashSet<&str, FnvBuild> = paths.iter().map(|path| &**path).collect();
    // Each page's headings, by its URL path: looked up only for a link with a `#fragment`.
    let anchors: FnvMap<&str, &[Heading]> = site
        .pages
        .iter()
        .zip(pages)
        .map(|(p, rendered)| (p.url_path.as_str(), rendered.toc.as_slice()))
        .collect();
    let published = |url: &str| (url.strip_prefix(base)).is_some_and(|p| outputs.contains(p));
    let mut problems = Vec::new();
    let linking = site.pages.iter().zip(pages);
    for (page, rendered) in linking.filter(|(_, r)| !r.local_links.is_empty()) {
        let here = format!("{base}{}", page.url_path);
        for (dest, line) in &rendered.local_links {
            let (path, fragment) = match dest.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (dest.as_str(), None),
            };
            let path = path.split('?').next().unwrap_or_default();
            let target = if path.is_empty() {
                here.clone()
            } else {
                join(&here, path)
            };
            let page_url = if target.ends_with('/') {
                target.clone()
            } else {
                format!("{target}/")
            };
            let found = published(&target) || published(&format!("{page_url}index.html"));
            if !found {
                problems.push(
                    Diagnostic::error(&page.source, format!("broken link `{dest}`: nothing is published at {target}"))
                        .at(*line, 1)
                        .hint("link pages by source path, e.g. `@/measures/09-factor-guarantees.md`, or fix the relative path"),
                );
                continue;
            }
            let headings = (page_url.strip_prefix(base)).and_then(|path| anchors.get(path));
            if let (Some(fragment), Some(headings)) = (fragment, headings)
                && !fragment.is_empty()
                && !headings.iter().any(|h| h.id == fragment)
            {
                let ids: BTreeSet<&str> = headings.iter().map(|h| h.id.as_str()).collect();
                problems.push(
                    Diagnostic::error(
                        &page.source,
                        format!("link `{dest}`: the page has no heading with id `{fragment}`"),
                    )
                    .at(*line, 1)
                    .hint(match ids.is_empty() {
                        true => "the target page has no headings to link to".to_string(),
                        false => format!(
                            "its heading ids: {}",
                            ids.iter().copied().collect::<Vec<_>>().join(", ")
                        ),
                    }),
                );
            }
        }
    }
    problems
}

/// Resolves `path` against the directory URL `here` (which ends with `/`).
fn join(here: &str, path: &str) -> String {
    if path.starts_with('/') {
        return normalise(path);
    }
    normalise(&format!("{here}{path}"))
}

fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let trailing = path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..");
    let mut out = format!("/{}", parts.join("/"));
    if trailing && out != "/" {
        out.push('/');
    }
    out
}

/// The absolute URL paths (`/…`, without `#fragment` or `?query`) an HTML file links to or
/// sends a form to, each once: what [`orphans`] reads of a built page.
pub(crate) fn absolute_urls(html: &[u8]) -> Vec<String> {
    let html = String::from_utf8_lossy(html);
    let mut urls = BTreeSet::new();
    for attr in ["href=\"", "action=\""] {
        for piece in html.split(attr).skip(1) {
            let url = piece.split(['"', '#', '?']).next().unwrap_or_default();
            if url.starts_with('/') {
                urls.insert(url);
            }
        }
    }
    urls.into_iter().map(str::to_string).collect()
}

/// Pages that no page of another key links to (translations link each other through the
/// language switcher, so they do not count). Home and section pages are never orphans. `urls`
/// holds, for built HTML files (by path below the output folder), their [`absolute_urls`].
pub(crate) fn orphans(site: &Site, urls: &[(String, Arc<Vec<String>>)]) -> Vec<Diagnostic> {
    let base = site.config.base_path();
    // By the folder of a page's `index.html`: its URL path.
    let mut key_of: FnvMap<&str, &str> = site
        .pages
        .iter()
        .map(|p| (p.url_path.as_str(), p.key.as_str()))
        .collect();
    // A list's later pages link to the pages they list, as its first page does.
    let later: Vec<(String, &str)> = (site.pages.iter().zip(&site.paging))
        .flat_map(|(page, paging)| {
            let later = 2..=paging.map_or(1, |p| p.pages);
            later.map(|n| {
                (
                    crate::listing::pager_path(&page.url_path, n),
                    page.key.as_str(),
                )
            })
        })
        .collect();
    key_of.extend(later.iter().map(|(path, key)| (path.as_str(), *key)));
    // URL → the first key that links to it, and whether another key does too.
    let mut linked_from: FnvMap<&str, (&str, bool)> = FnvMap::default();
    for (path, links) in urls {
        let folder = path.strip_suffix("index.html");
        let Some(&from) = folder.and_then(|folder| key_of.get(folder)) else {
            continue;
        };
        for url in links.iter() {
            let (first, others) = linked_from.entry(url).or_insert((from, false));
            *others |= *first != from;
        }
    }
    site.pages
        .iter()
        .filter(|p| !p.is_index && !p.fallback)
        .filter(|p| {
            let url = [base, &p.url_path].concat();
            !linked_from
                .get(url.as_str())
                .is_some_and(|(first, others)| *others || *first != p.key)
        })
        .map(|p| {
            Diagnostic::warning(&p.source, "orphan page: no other page links to it").hint(
                "link it from a page or the menu (site.yaml `menu:`), or mark it `draft: true`",
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::join;

    #[test]
    fn relative_links_resolve_like_a_browser() {
        assert_eq!(join("/en/measures/01-x/", "../02-y/"), "/en/measures/02-y/");
        assert_eq!(join("/en/measures/", "01-x/"), "/en/measures/01-x/");
        assert_eq!(join("/guide/en/", "/guide/zh/"), "/guide/zh/");
        assert_eq!(join("/en/", "../"), "/");
    }
}
