//! What templates read: the values of the render context (`page`, a section's listing, the
//! navigation of a page's language, the site), made from the site as `serde_json` values.

use super::lists::tag_links;
use crate::model::{Page, Rendered, Site, page_url_path, url_path};
use crate::theme::Theme;
use rayon::prelude::*;
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

/// Each key's pages, in `site.yaml`'s order of languages: what `page.translations` is made of.
pub(super) type Translations = HashMap<String, Vec<Translation>>;

/// One page of a key, as much of it as its entry in `page.translations` needs: kept for every
/// key through the render stage, so plain strings rather than the entry's JSON (at 30,000 pages
/// 26 MB of the peak, against 2 MB).
pub(super) struct Translation {
    code: Box<str>,
    url_path: Box<str>,
    fallback: bool,
}

/// For each key, the languages it exists in, in `site.yaml` order.
pub(super) fn translations(site: &Site) -> Translations {
    let mut map: Translations = HashMap::new();
    for page in &site.pages {
        map.entry(page.key.clone()).or_default().push(Translation {
            code: page.lang.as_str().into(),
            url_path: page.url_path.as_str().into(),
            fallback: page.fallback,
        });
    }
    map
}

/// The entries of `page.translations`: each with its language's code, tag and name, its URL
/// and its address.
fn translation_values(site: &Site, translations: &[Translation]) -> Vec<Json> {
    let base = site.config.base_path();
    (translations.iter())
        .map(|t| {
            let lang = site.config.language(&t.code);
            json!({
                "code": &*t.code,
                "tag": lang.map(|l| l.tag.as_str()),
                "name": lang.map(|l| l.name.as_str()),
                "url": format!("{base}{}", t.url_path),
                "permalink": format!("{}{}", site.config.base_url, t.url_path),
                "fallback": t.fallback,
            })
        })
        .collect()
}

/// What a list shows of a page, and the fields of `page` it shares with them.
pub(super) fn summary(site: &Site, page: &Page) -> Json {
    Json::Object(summary_fields(site, page))
}

fn summary_fields(site: &Site, page: &Page) -> Map {
    let front = &page.front;
    let base_path = site.config.base_path();
    let base_url = &site.config.base_url;
    let text = |text: &Option<String>| text.as_deref().map_or(Json::Null, Json::from);
    // In the map's own order (by name), so that it is built whole rather than an entry at a
    // time.
    let fields: [(&str, Json); 12] = [
        ("date", json!(front.date)),
        ("description", text(&front.description)),
        ("extra", front.extra.clone()),
        (
            "fields",
            Json::Object(front.fields.clone().into_iter().collect()),
        ),
        ("key", Json::from(page.key.as_str())),
        (
            "permalink",
            Json::String(format!("{base_url}{}", page.url_path)),
        ),
        ("summary", text(&front.summary)),
        ("tags", front.tags.iter().map(String::as_str).collect()),
        ("title", Json::from(front.title.as_str())),
        ("updated", json!(front.updated)),
        ("url", Json::String(format!("{base_path}{}", page.url_path))),
        ("weight", json!(front.weight)),
    ];
    fields
        .into_iter()
        .map(|(name, value)| (name.to_string(), value))
        .collect()
}

/// What templates read as `page`: `translations` are the page's (of [`translations`]),
/// `ancestors` its (of [`ancestry`]).
pub(super) fn page_value(
    site: &Site,
    page: &Page,
    rendered: &Rendered,
    content: &str,
    translations: &[Translation],
    ancestors: &[Json],
) -> Json {
    let config = &site.config;
    let mut map = summary_fields(site, page);
    let mut put = |name: &str, value: Json| map.insert(name.to_string(), value);
    put("lang", Json::from(page.lang.as_str()));
    put("dir", Json::from(page.dir.as_str()));
    put("is_index", Json::Bool(page.is_index));
    put("generated", Json::Bool(page.generated));
    put("fallback", Json::Bool(page.fallback));
    let canonical = match page.fallback {
        true => page_url_path(
            &page.key,
            &config.default_language,
            page.front.slug.as_deref(),
        ),
        false => page.url_path.clone(),
    };
    put(
        "canonical",
        Json::String(format!("{}{canonical}", config.base_url)),
    );
    put("keywords", json!(page.front.keywords));
    put("authors", json!(page.front.authors));
    let source_tag = config
        .language(&config.default_language)
        .map(|l| l.tag.as_str());
    put("source_tag", json!(source_tag));
    let source = page.source.to_string_lossy().replace('\\', "/");
    put("source", Json::String(source));
    put("content", Json::from(content));
    put("has_body", Json::Bool(!rendered.html.trim().is_empty()));
    put("toc", json!(rendered.toc));
    put(
        "translations",
        Json::Array(translation_values(site, translations)),
    );
    put("ancestors", Json::Array(ancestors.to_vec()));
    put("tag_links", Json::Array(tag_links(site, page)));
    Json::Object(map)
}

/// Each page's ancestors (of [`ancestors`]) with their JSON-LD items (of
/// [`super::preview::breadcrumb_items`]), by what they depend on ([`ancestry_key`]): a
/// folder's pages share theirs.
pub(super) type Ancestry<'a> = HashMap<AncestryKey<'a>, (Vec<Json>, String)>;

/// A page's language and folder, whether it is its folder's own page, whether it is the home
/// page.
type AncestryKey<'a> = (&'a str, &'a str, bool, bool);

pub(super) fn ancestry_key(page: &Page) -> AncestryKey<'_> {
    (&page.lang, &page.dir, page.is_index, page.key == "_index")
}

pub(super) fn ancestry(site: &Site) -> Ancestry<'_> {
    let (base_url, base_path) = (&site.config.base_url, site.config.base_path());
    let mut all = Ancestry::new();
    for page in &site.pages {
        all.entry(ancestry_key(page)).or_insert_with(|| {
            let list = ancestors(site, page);
            let items = super::preview::breadcrumb_items(base_url, base_path, &list);
            (list, items)
        });
    }
    all
}

/// Section pages above this page, home first, for breadcrumbs.
fn ancestors(site: &Site, page: &Page) -> Vec<Json> {
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

/// Language → section dir → {title, url, pages, subsections}, pages in section order: made for
/// every section at the start ([`listings`]) when a template may read lists through
/// `section(key=…)`; else `None`, each made when its section's own page is ([`listing_of`]).
/// The summaries of every page of the site were 40 MB of the peak at 30,000 pages.
pub(super) type Listings = BTreeMap<String, BTreeMap<String, Option<Json>>>;

/// Whether any template may call `section(…)`: the name, then an opening parenthesis after
/// white space if any (a longer name that ends so, `subsection(`, counts too: in doubt, yes).
pub(super) fn templates_read_lists(theme: &Theme) -> bool {
    theme.templates.values().any(|file| {
        let text = String::from_utf8_lossy(&file.bytes);
        text.match_indices("section")
            .any(|(at, name)| text[at + name.len()..].trim_start().starts_with('('))
    })
}

/// The sections' lists; each made now when `every`, else when its page is (`None`).
pub(super) fn listings(site: &Site, every: bool) -> Listings {
    if !every {
        let mut out: Listings = BTreeMap::new();
        for page in site.pages.iter().filter(|p| p.is_index) {
            let own = out.entry(page.lang.clone()).or_default();
            own.insert(page.dir.clone(), None);
        }
        return out;
    }
    let mut members: BTreeMap<(&str, &str), Vec<&Page>> = BTreeMap::new();
    let mut subsections: BTreeMap<(&str, String), Vec<&Page>> = BTreeMap::new();
    for page in &site.pages {
        if page.is_index {
            if page.key != "_index" {
                subsections
                    .entry((page.lang.as_str(), parent_dir(&page.dir).to_string()))
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
    // The members of each list, then each list's values made in parallel: the summaries of
    // every page of the site.
    let lists: Vec<(&Page, Vec<&Page>, Vec<&Page>)> = site
        .pages
        .iter()
        .filter(|p| p.is_index)
        .map(|page| {
            let pages = members.remove(&(page.lang.as_str(), page.dir.as_str()));
            let subs = subsections.remove(&(page.lang.as_str(), page.dir.clone()));
            (page, pages.unwrap_or_default(), subs.unwrap_or_default())
        })
        .collect();
    let values: Vec<Json> = lists
        .par_iter()
        .map(|(page, pages, subs)| listing(site, page, pages, subs))
        .collect();
    let mut out: Listings = BTreeMap::new();
    for ((page, _, _), value) in lists.iter().zip(values) {
        out.entry(page.lang.clone())
            .or_default()
            .insert(page.dir.clone(), Some(value));
    }
    out
}

/// The list of the section whose own page is `page`, as [`listings`] makes it: its pages and
/// its subsections' own pages, of its language. They are among the pages below its folder,
/// whose keys begin with `FOLDER/` (a key is its page's folder, `/`, its name) and so stand
/// together in the site's order (by key): only those are read, not the whole site for each
/// section.
pub(super) fn listing_of(site: &Site, page: &Page) -> Json {
    let below: &[Page] = match page.dir.as_str() {
        "" => &site.pages,
        dir => {
            let prefix = format!("{dir}/");
            let start = site.pages.partition_point(|p| p.key < prefix);
            let len = site.pages[start..].partition_point(|p| p.key.starts_with(&prefix));
            &site.pages[start..start + len]
        }
    };
    let own = |p: &&Page| p.lang == page.lang;
    let pages: Vec<&Page> = (below.iter().filter(own))
        .filter(|p| !p.is_index && p.dir == page.dir)
        .collect();
    let subs: Vec<&Page> = (below.iter().filter(own))
        .filter(|p| p.is_index && p.key != "_index" && parent_dir(&p.dir) == page.dir)
        .collect();
    listing(site, page, &pages, &subs)
}

/// The folder a section's folder is in (`""` for a top-level one).
fn parent_dir(dir: &str) -> &str {
    dir.rsplit_once('/').map_or("", |(parent, _)| parent)
}

/// A section's list: its page's summary with those of its pages and subsections, sorted.
fn listing(site: &Site, page: &Page, pages: &[&Page], subs: &[&Page]) -> Json {
    let (mut pages, mut subs) = (pages.to_vec(), subs.to_vec());
    pages.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    subs.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    let mut value = summary(site, page);
    value["pages"] = pages.iter().map(|p| summary(site, p)).collect();
    value["subsections"] = subs.iter().map(|p| summary(site, p)).collect();
    if page.key == "_index" {
        value["latest"] = latest(site, &page.lang);
    }
    value
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
    dated.sort_by(|a, b| newest_first(a).cmp(&newest_first(b)));
    dated
        .iter()
        .take(LATEST)
        .map(|p| summary(site, p))
        .collect()
}

/// The order of [`latest`]: newest first, then by title, then by key.
fn newest_first(p: &Page) -> (std::cmp::Reverse<Option<jiff::Timestamp>>, &str, &str) {
    let date = p.front.date.as_ref().map(|d| d.instant);
    (std::cmp::Reverse(date), &p.front.title, &p.key)
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
    language_navigation(ctx, site, &page.lang, pages);
    page_navigation(ctx, site, page, pages, listings);
}

/// The home and search URLs of a language: the same for all its pages.
pub(super) fn language_navigation(ctx: &mut Map, site: &Site, lang: &str, pages: &ByKey) {
    let base = site.config.base_path();
    ctx.insert(
        "home_url".into(),
        json!(format!("{base}{}", url_path("_index", lang))),
    );
    let search = pages
        .get(&("search", lang))
        .map(|p| format!("{base}{}", p.url_path));
    ctx.insert("search_url".into(), json!(search));
}

/// The menu, with the item the page is in marked, and the feed URL of the page's folder.
pub(super) fn page_navigation(
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
    ctx.insert("menu".into(), Json::Array(menu));
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
