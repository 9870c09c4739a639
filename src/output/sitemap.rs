//! The sitemap: every published page, and every list page of a paginated list, with its
//! translations as alternates (`hreflang`, and `x-default` for the default language).

use super::{Xml, language_tag};
use crate::listing::pager_path;
use crate::model::{Page, Site};
use std::collections::BTreeMap;

/// `sitemap.xml`: a `<url>` per published page (fallback copies are left out) and per list
/// page 2, 3 … of a paginated list.
pub(super) fn sitemap(site: &Site) -> Vec<u8> {
    let mut xml = Xml::new("UTF-8");
    xml.open(
        0,
        "urlset",
        &[
            ("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9"),
            ("xmlns:xhtml", "http://www.w3.org/1999/xhtml"),
        ],
    );
    let lists = list_pages(site);
    for group in site.pages.chunk_by(|a, b| a.key == b.key) {
        let translations = Translations {
            published: group.iter().filter(|p| !p.fallback).collect(),
            default: group
                .iter()
                .find(|p| p.lang == site.config.default_language),
        };
        for page in &translations.published {
            let pages = lists.get(&(page.key.as_str(), page.lang.as_str()));
            for n in 1..=pages.copied().unwrap_or(1) {
                entry(&mut xml, site, &lists, &translations, page, n);
            }
        }
    }
    xml.close(0, "urlset");
    xml.finish()
}

/// The versions of one page: those published, and the default language's.
struct Translations<'a> {
    published: Vec<&'a Page>,
    default: Option<&'a Page>,
}

/// The `<url>` of list page `n` of `page` (its page itself when `n` is 1), with the
/// translations that have a list page `n` as alternates.
fn entry(
    xml: &mut Xml,
    site: &Site,
    lists: &Lists,
    versions: &Translations,
    page: &Page,
    n: usize,
) {
    let base = &site.config.base_url;
    let has = |p: &Page| {
        n == 1
            || lists
                .get(&(p.key.as_str(), p.lang.as_str()))
                .is_some_and(|&k| k >= n)
    };
    let at = |p: &Page| url(&format!("{base}{}", pager_path(&p.url_path, n)));
    xml.open(1, "url", &[]);
    xml.leaf(2, "loc", &[], &at(page));
    if let (1, Some(date)) = (n, page.front.updated.as_ref().or(page.front.date.as_ref())) {
        xml.leaf(2, "lastmod", &[], &date.day);
    }
    let alternates = versions
        .published
        .iter()
        .map(|alt| (language_tag(site, &alt.lang), *alt))
        .chain(versions.default.map(|p| ("x-default", p)))
        .filter(|(_, alt)| has(alt));
    for (hreflang, alt) in alternates {
        let href = at(alt);
        let attributes = [
            ("rel", "alternate"),
            ("hreflang", hreflang),
            ("href", &href),
        ];
        xml.empty(2, "xhtml:link", &attributes);
    }
    xml.close(1, "url");
}

/// Number of list pages by (key, language).
type Lists<'a> = BTreeMap<(&'a str, &'a str), usize>;

/// How many list pages each paginated list has, by (key, language).
fn list_pages(site: &Site) -> Lists<'_> {
    site.pages
        .iter()
        .zip(&site.paging)
        .filter_map(|(p, paging)| Some(((p.key.as_str(), p.lang.as_str()), paging.as_ref()?.pages)))
        .collect()
}

/// A URL as a sitemap must write it: every byte outside ASCII percent-encoded (tag pages
/// keep the letters of any script in their paths).
fn url(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut bytes = [0; 4];
            for b in c.encode_utf8(&mut bytes).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}
