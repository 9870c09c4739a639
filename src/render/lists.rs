//! Lists in the render stage: a paginated list's pages (the section cut to one list page, the
//! `paginator`, the page value at its own URL), the tags' index and a page's tag links.

use crate::listing::{TAGS_DIR, tag_slug};
use crate::model::{Page, Paging, Site, url_path};
use serde_json::{Value as Json, json};
use std::collections::BTreeMap;

/// Paginated lists by (key, language).
pub(super) type PagingByKey<'a> = BTreeMap<(&'a str, &'a str), Paging>;

/// List page `n` of a paginated list: the section with only that page's pages, and the
/// `paginator` (Zola's names, plus `links` for the pager).
pub(super) fn cut(
    site: &Site,
    section: &Json,
    paging: Paging,
    n: usize,
    page: &Page,
) -> (Json, Json) {
    let all = section["pages"].as_array().map_or(&[][..], Vec::as_slice);
    let shown: Vec<Json> = all
        .iter()
        .skip((n - 1) * paging.per_page)
        .take(paging.per_page)
        .cloned()
        .collect();
    let mut section = section.clone();
    section["pages"] = json!(shown);
    let list = format!("{}{}", site.config.base_path(), page.url_path);
    let url = |k: usize| crate::listing::pager_path(&list, k);
    let last = paging.pages;
    let paginator = json!({
        "paginate_by": paging.per_page,
        "base_url": format!("{list}page/"),
        "number_pagers": last,
        "current_index": n,
        "total_pages": paging.items,
        "first": url(1),
        "last": url(last),
        "previous": (n > 1).then(|| url(n - 1)),
        "next": (n < last).then(|| url(n + 1)),
        "pages": shown,
        "links": pager_links(n, last, url),
    });
    (section, paginator)
}

/// The page value of list page `n` (> 1): its own URL, canonical link and, for each
/// language, its list page `n` where it has one (else its first, marked as no alternate).
pub(super) fn list_page(paging: &PagingByKey, mut value: Json, page: &Page, n: usize) -> Json {
    let suffix = format!("page/{n}/");
    for field in ["url", "permalink", "canonical"] {
        if let Some(url) = value[field].as_str() {
            value[field] = json!(format!("{url}{suffix}"));
        }
    }
    if let Some(translations) = value["translations"].as_array_mut() {
        for t in translations {
            let code = t["code"].as_str().unwrap_or_default();
            let has = paging
                .get(&(page.key.as_str(), code))
                .is_some_and(|p| p.pages >= n);
            if has {
                for field in ["url", "permalink"] {
                    let url = t[field].as_str().unwrap_or_default();
                    t[field] = json!(format!("{url}{suffix}"));
                }
            } else {
                t["fallback"] = json!(true);
            }
        }
    }
    value
}

/// The page's tags, each with the URL of its page.
pub(super) fn tag_links(site: &Site, page: &Page) -> Vec<Json> {
    let base = site.config.base_path();
    page.front
        .tags
        .iter()
        .map(|name| {
            let key = format!("{TAGS_DIR}/{}", tag_slug(name));
            json!({"name": name, "url": format!("{base}{}", url_path(&key, &page.lang))})
        })
        .collect()
}

/// The tags of a language, by slug, for the tags' index: name, slug, URLs and page count.
pub(super) fn terms(site: &Site, lang: &str) -> Json {
    let base = site.config.base_path();
    let terms: Vec<Json> = site
        .tags
        .iter()
        .filter(|((l, _), _)| l == lang)
        .map(|((_, slug), tag)| {
            let path = url_path(&format!("{TAGS_DIR}/{slug}"), lang);
            json!({
                "name": tag.name,
                "slug": slug,
                "url": format!("{base}{path}"),
                "permalink": format!("{}{path}", site.config.base_url),
                "count": tag.pages.len(),
            })
        })
        .collect();
    json!(terms)
}

/// The pager's links: the first and last page, and two on each side of the current one, with
/// a gap (`{"gap": true}`) where numbers are left out.
fn pager_links(current: usize, last: usize, url: impl Fn(usize) -> String) -> Vec<Json> {
    let mut links = Vec::new();
    let mut previous = 0;
    for n in 1..=last {
        let near = n.abs_diff(current) <= 2;
        if n != 1 && n != last && !near {
            continue;
        }
        if n > previous + 1 {
            links.push(json!({"gap": true}));
        }
        links.push(json!({"number": n, "url": url(n), "current": n == current}));
        previous = n;
    }
    links
}

/// Every paginated list's paging.
pub(super) fn paging_by_key(site: &Site) -> PagingByKey<'_> {
    site.pages
        .iter()
        .zip(&site.paging)
        .filter_map(|(page, paging)| Some(((page.key.as_str(), page.lang.as_str()), (*paging)?)))
        .collect()
}
