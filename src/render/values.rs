//! What templates read: the values of the render context (`page`, a section's listing, the
//! navigation of a page's language, the site), made from the site as `serde_json` values.

use super::lists::tag_links;
use crate::model::{Page, Rendered, Site, page_url_path, url_path};
use serde_json::{Value as Json, json};
use std::collections::{BTreeMap, HashMap};

pub(super) type Map = serde_json::Map<String, Json>;

pub(super) fn common_context(site: &Site) -> Map {
    let mut ctx = Map::new();
    ctx.insert(
        "site".into(),
        json!({
            "base_url": site.config.base_url,
            "base_path": site.config.base_path(),
            "default_language": site.config.default_language,
            "languages": site.config.languages,
            "csp": crate::output::CSP,
        }),
    );
    ctx.insert("data".into(), site.data.clone());
    ctx
}

pub(super) type Translations = HashMap<String, Vec<Json>>;

/// For each key, the languages it exists in, with URLs, in `site.yaml` order.
pub(super) fn translations(site: &Site) -> Translations {
    let mut map: Translations = HashMap::new();
    let base = site.config.base_path();
    for page in &site.pages {
        let lang = site.config.language(&page.lang);
        map.entry(page.key.clone()).or_default().push(json!({
            "code": page.lang,
            "tag": lang.map(|l| l.tag.as_str()),
            "name": lang.map(|l| l.name.as_str()),
            "url": format!("{base}{}", page.url_path),
            "permalink": format!("{}{}", site.config.base_url, page.url_path),
            "fallback": page.fallback,
        }));
    }
    map
}

pub(super) fn summary(site: &Site, page: &Page) -> Json {
    json!({
        "key": page.key,
        "title": page.front.title,
        "summary": page.front.summary,
        "description": page.front.description,
        "date": page.front.date,
        "updated": page.front.updated,
        "weight": page.front.weight,
        "tags": page.front.tags,
        "fields": page.front.fields,
        "extra": page.front.extra,
        "url": format!("{}{}", site.config.base_path(), page.url_path),
        "permalink": format!("{}{}", site.config.base_url, page.url_path),
    })
}

pub(super) fn page_value(
    site: &Site,
    page: &Page,
    rendered: &Rendered,
    content: &str,
    translations: &[Json],
) -> Json {
    let mut value = summary(site, page);
    let extra = json!({
        "lang": page.lang,
        "dir": page.dir,
        "is_index": page.is_index,
        "generated": page.generated,
        "fallback": page.fallback,
        "canonical": format!("{}{}", site.config.base_url, if page.fallback { page_url_path(&page.key, &site.config.default_language, page.front.slug.as_deref()) } else { page.url_path.clone() }),
        "keywords": page.front.keywords,
        "authors": page.front.authors,
        "source_tag": site.config.language(&site.config.default_language).map(|l| l.tag.as_str()),
        "source": page.source.to_string_lossy().replace('\\', "/"),
        "content": content,
        "has_body": !rendered.html.trim().is_empty(),
        "toc": rendered.toc,
        "translations": translations,
        "ancestors": ancestors(site, page),
        "tag_links": tag_links(site, page),
    });
    if let (Json::Object(a), Json::Object(b)) = (&mut value, extra) {
        a.extend(b);
    }
    value
}

/// Section pages above this page, home first, for breadcrumbs.
pub(super) fn ancestors(site: &Site, page: &Page) -> Vec<Json> {
    let mut dirs = vec![String::new()];
    let mut acc = String::new();
    let own_dir_is_ancestor = !page.is_index;
    for part in page.dir.split('/').filter(|p| !p.is_empty()) {
        if !acc.is_empty() {
            acc.push('/');
        }
        acc.push_str(part);
        dirs.push(acc.clone());
    }
    if !own_dir_is_ancestor {
        dirs.pop();
    }
    if page.key == "_index" {
        return Vec::new();
    }
    dirs.iter()
        .map(|d| {
            let mut key = if d.is_empty() { "_index".to_string() } else { format!("{d}/_index") };
            let find = |key: &str| {
                site.pages
                    .binary_search_by(|p| (p.key.as_str(), lang_index(site, &p.lang)).cmp(&(key, lang_index(site, &page.lang))))
                    .ok()
            };
            // A page `NAME.LANG.md` stands for the folder `NAME/` that has no `_index` file.
            if find(&key).is_none() && find(d).is_some() {
                key = d.clone();
            }
            let title = find(&key)
                .map(|i| site.pages[i].front.title.clone())
                .unwrap_or_default();
            json!({"title": title, "url": format!("{}{}", site.config.base_path(), url_path(&key, &page.lang))})
        })
        .collect()
}

fn lang_index(site: &Site, code: &str) -> usize {
    site.config
        .languages
        .iter()
        .position(|l| l.code == code)
        .unwrap_or(usize::MAX)
}

/// Language → section dir → {title, url, pages, subsections}, pages in section order.
pub(super) type Listings = BTreeMap<String, BTreeMap<String, Json>>;

pub(super) fn listings(site: &Site) -> Listings {
    let mut members: BTreeMap<(&str, &str), Vec<&Page>> = BTreeMap::new();
    let mut subsections: BTreeMap<(&str, String), Vec<&Page>> = BTreeMap::new();
    for page in &site.pages {
        if page.is_index {
            if page.key != "_index" {
                let parent = page
                    .dir
                    .rsplit_once('/')
                    .map_or(String::new(), |(p, _)| p.to_string());
                subsections
                    .entry((page.lang.as_str(), parent))
                    .or_default()
                    .push(page);
            }
        } else {
            members
                .entry((page.lang.as_str(), page.dir.as_str()))
                .or_default()
                .push(page);
        }
    }
    let mut out: Listings = BTreeMap::new();
    for page in site.pages.iter().filter(|p| p.is_index) {
        let mut pages = members
            .remove(&(page.lang.as_str(), page.dir.as_str()))
            .unwrap_or_default();
        pages.sort_by_key(|p| p.order_key());
        let mut subs = subsections
            .remove(&(page.lang.as_str(), page.dir.clone()))
            .unwrap_or_default();
        subs.sort_by_key(|p| p.order_key());
        let mut value = summary(site, page);
        value["pages"] = pages.iter().map(|p| summary(site, p)).collect();
        value["subsections"] = subs.iter().map(|p| summary(site, p)).collect();
        if page.key == "_index" {
            value["latest"] = latest(site, &page.lang);
        }
        out.entry(page.lang.clone())
            .or_default()
            .insert(page.dir.clone(), value);
    }
    out
}

/// How many pages the home page's `section.latest` lists.
const LATEST: usize = 10;

/// The newest dated pages of a language (not section pages), newest first, then by title.
fn latest(site: &Site, lang: &str) -> Json {
    let mut dated: Vec<&Page> = site
        .pages
        .iter()
        .filter(|p| p.lang == lang && !p.is_index && p.front.date.is_some())
        .collect();
    dated.sort_by_key(|p| {
        let date = p.front.date.as_ref().map(|d| d.instant);
        (
            std::cmp::Reverse(date),
            p.front.title.clone(),
            p.key.clone(),
        )
    });
    dated
        .iter()
        .take(LATEST)
        .map(|p| summary(site, p))
        .collect()
}

/// Pages by (key, language), so per-page lookups stay O(log n) on large sites.
pub(super) type ByKey<'a> = BTreeMap<(&'a str, &'a str), &'a Page>;

pub(super) fn by_key(site: &Site) -> ByKey<'_> {
    site.pages
        .iter()
        .map(|p| ((p.key.as_str(), p.lang.as_str()), p))
        .collect()
}

/// Menu, home, search and feed URLs of the page's language.
pub(super) fn insert_navigation(
    ctx: &mut Map,
    site: &Site,
    page: &Page,
    pages: &ByKey,
    listings: &Listings,
) {
    let base = site.config.base_path();
    let menu: Vec<Json> = site
        .config
        .menu
        .iter()
        .filter_map(|key| {
            let target = pages.get(&(key.as_str(), page.lang.as_str()))?;
            let current = if page.key == *key {
                Some("page")
            } else if target.is_index && !page.is_index && page.dir == target.dir {
                Some("true")
            } else {
                None
            };
            Some(json!({
                "title": target.front.title,
                "summary": target.front.summary,
                "url": format!("{base}{}", target.url_path),
                "current": current,
            }))
        })
        .collect();
    ctx.insert("menu".into(), json!(menu));
    ctx.insert(
        "home_url".into(),
        json!(format!("{base}{}", url_path("_index", &page.lang))),
    );
    let search = pages
        .get(&("search", page.lang.as_str()))
        .map(|p| format!("{base}{}", p.url_path));
    ctx.insert("search_url".into(), json!(search));
    let feed = site
        .config
        .feeds
        .iter()
        .find(|f| **f == page.dir && listings[&page.lang].contains_key(*f))
        .map(|f| {
            format!(
                "{base}{}atom.xml",
                url_path(&format!("{f}/_index"), &page.lang)
            )
        });
    ctx.insert("feed_url".into(), json!(feed));
}
