//! Render stage: every page through its tera template. In: the site, the Markdown stage's
//! HTML, the theme, its fingerprinted asset names and the UI strings. Out: one
//! `LANG/…/index.html` per page, plus the root `index.html` and `404.html`.
//!
//! Templates are compiled once (and kept between `serve` rebuilds by a [`TemplateCache`]),
//! then bound to each language: the template functions (`t`, `url`, `link`, `section`,
//! `asset`, `by_id`) and filters (`local_date`, `money`) of a language's templates answer for
//! that language, so no state is shared between pages.

mod functions;
mod lists;
mod preview;
mod templates;

use crate::diagnostic::Diagnostic;
use crate::i18n::Bundles;
use crate::incremental::{PrintMemo, RenderMemo, Unspliced};
use crate::listing::{TAGS_INDEX, tag_of};
use crate::markdown::Markdown;
use crate::model::{Files, Page, Put, Rendered, Site, page_url_path, url_path};
use crate::theme::{Assets, Theme};
use lists::{PagingByKey, cut, list_page, paging_by_key, tag_links, terms};
use rayon::prelude::*;
use serde_json::{Value as Json, json};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
pub(crate) use templates::TemplateCache;
use templates::template_error;
use tera::Tera;

/// What rendering needs besides the site and its pages.
pub(crate) struct Inputs<'a> {
    pub(crate) theme: &'a Theme,
    pub(crate) assets: &'a Assets,
    pub(crate) strings: &'a Bundles,
    pub(crate) templates: &'a Tera,
    /// The plan's full text, for `plan_quote(…)`, when the site has one.
    pub(crate) plan: Option<&'a crate::plan::Plan>,
}

/// Render stage: `markdown.pages[i]` is the Markdown of `site.pages[i]`, converted here when
/// the page comes ([`Markdown::convert`]). Each file is handed to `out` as soon as it is made;
/// only the pages of the print editions are kept until the editions are made from them.
/// Returns each page's Markdown output, in `site.pages` order, with its HTML dropped once its
/// files are made (kept only for the pages of a feed, [`crate::output::in_feed`]), and every
/// problem found: the Markdown's first, in page order, then the templates'. With a `memo`
/// (`serve`), a page's files are reused from it when nothing they were made from changed, and
/// kept in it for the next build.
pub(crate) fn render(
    site: &Site,
    mut markdown: Markdown,
    inputs: &Inputs,
    out: &dyn Put,
    mut memo: Option<&mut RenderMemo>,
) -> (Vec<Rendered>, Vec<Diagnostic>) {
    let print = match crate::print::order(site) {
        Ok(print) => print,
        Err(problems) => return (Vec::new(), problems),
    };
    let chapters: HashSet<String> = print
        .values()
        .flatten()
        .map(|(page, _)| format!("{}index.html", page.url_path))
        .collect();
    let listings = Arc::new(listings(site));
    let bound = functions::bind(site, inputs, &listings);
    let shared = Shared {
        site,
        theme: inputs.theme,
        bound: &bound,
        listings: &listings,
        translations: translations(site),
        by_key: by_key(site),
        paging: paging_by_key(site),
        splice: content_is_only_inserted(inputs.theme),
        print: &print,
    };
    let common = tera::Context::from_value(Json::Object(common_context(site))).unwrap_or_default();
    let site_key = (memo.as_ref())
        .map(|_| RenderMemo::site_key(site, inputs.theme, inputs.assets, shared.splice));
    let reuse = memo.as_deref();
    // One context per worker, holding the data every page shares; each page replaces its own
    // entries, so the shared data is copied once per worker rather than once per page.
    type Made = (Files, Option<(u64, Unspliced)>);
    let files = |ctx: &mut tera::Context, page: &Page, rendered: &Rendered| {
        let key = site_key.map(|k| RenderMemo::page_key(k, rendered, shared.splice));
        let reused = reuse.zip(key).and_then(|(memo, key)| memo.get(page, key));
        let made = match reused {
            Some(made) => made,
            None => Arc::new(shared.page(ctx, page, rendered)?),
        };
        let keep = key.map(|key| (key, Arc::clone(&made)));
        let files = shared.splice(made, rendered);
        let mut kept = Files::new();
        for (path, html) in files {
            if chapters.contains(&path) {
                kept.push((path.clone(), html.clone()));
            }
            out.put(path, html);
        }
        Ok((kept, keep))
    };
    let sources = std::mem::take(&mut markdown.pages);
    let results: Vec<(Rendered, Vec<Diagnostic>, Result<Made, Diagnostic>)> = site
        .pages
        .par_iter()
        .zip(sources)
        .map_init(
            || common.clone(),
            |ctx, (page, source)| {
                let (mut rendered, found) = markdown.convert(page, source);
                let made = files(ctx, page, &rendered);
                if !crate::output::in_feed(site, page) {
                    rendered.html = String::new();
                }
                (rendered, found, made)
            },
        )
        .collect();
    let mut kept = Files::with_capacity(chapters.len());
    let mut pages = Vec::with_capacity(results.len());
    let mut problems = Vec::new();
    let mut later = Vec::new();
    let mut made = Vec::new();
    for ((rendered, found, r), page) in results.into_iter().zip(&site.pages) {
        pages.push(rendered);
        problems.extend(found);
        match r {
            Ok((chapter, keep)) => {
                kept.extend(chapter);
                made.extend(keep.map(|(key, files)| (page, key, files)));
            }
            Err(d) => later.push(d),
        }
    }
    problems.append(&mut later);
    let mut scratch = PrintMemo::default();
    let print_memo = match &mut memo {
        Some(memo) => {
            memo.keep(made);
            &mut memo.print
        }
        None => &mut scratch,
    };
    let mut ctx = common;
    for (lang, pages) in &print {
        match shared.print_edition(&mut ctx, lang, pages, &kept, print_memo) {
            Ok((path, html)) => out.put(path, html),
            Err(d) => problems.push(d),
        }
    }
    print_memo.finish();
    for (name, template) in [("404.html", "404.html"), ("index.html", "root.html")] {
        match shared.root_file(&mut ctx, template) {
            Ok(html) => out.put(name.to_string(), html.into_bytes()),
            Err(d) => problems.push(d),
        }
    }
    (pages, problems)
}

/// What every page's render reads.
struct Shared<'a> {
    site: &'a Site,
    theme: &'a Theme,
    /// Language → the templates bound to it.
    bound: &'a BTreeMap<String, Tera>,
    listings: &'a Listings,
    translations: Translations,
    by_key: ByKey<'a>,
    paging: PagingByKey<'a>,
    splice: bool,
    /// Each language's print edition, in reading order.
    print: &'a crate::print::Order<'a>,
}

impl Shared<'_> {
    /// The page's file, or for a paginated list one file per list page, before its HTML is
    /// put in ([`Shared::splice`]).
    fn page(
        &self,
        ctx: &mut tera::Context,
        page: &Page,
        rendered: &Rendered,
    ) -> Result<Vec<(String, String)>, Diagnostic> {
        let site = self.site;
        let tag = tag_of(site, page);
        let template = choose_template(page, self.theme, tag.is_some())?;
        let content = if self.splice {
            CONTENT_MARK
        } else {
            &rendered.html
        };
        let mut own = Map::new();
        own.insert("lang".into(), json!(page.lang));
        own.insert("language".into(), json!(site.config.language(&page.lang)));
        let translations = &self.translations[&page.key];
        let value = page_value(site, page, rendered, content, translations);
        own.insert("page".into(), value);
        insert_navigation(&mut own, site, page, &self.by_key, self.listings);
        let search = self.by_key.contains_key(&("search", page.lang.as_str()));
        let json_ld = preview::json_ld(site, page, &ancestors(site, page), search);
        own.insert("json_ld".into(), json!(json_ld));
        own.insert("print_url".into(), self.print_url(&page.lang));
        let section = self.section(page, tag);
        if page.key == TAGS_INDEX {
            own.insert("terms".into(), terms(site, &page.lang));
        } else {
            ctx.remove("terms");
        }
        let paging = self.paging.get(&(page.key.as_str(), page.lang.as_str()));
        // A paginated list gets its section cut to each list page, below.
        let list = match (section, paging) {
            (Some(section), Some(paging)) => Some((section, *paging)),
            (Some(section), None) => {
                own.insert("section".into(), section);
                None
            }
            (None, _) => {
                ctx.remove("section");
                None
            }
        };
        ctx.remove("paginator");
        ctx.extend(tera::Context::from_value(Json::Object(own)).unwrap_or_default());
        let Some((section, paging)) = list else {
            let html = self.render_one(ctx, &template, page)?;
            return Ok(vec![(format!("{}index.html", page.url_path), html)]);
        };
        let mut files = Vec::with_capacity(paging.pages);
        for n in 1..=paging.pages {
            let (section, paginator) = cut(site, &section, paging, n, page);
            ctx.insert("section", &section);
            ctx.insert("paginator", &paginator);
            if n > 1 {
                let value = page_value(site, page, rendered, content, translations);
                ctx.insert("page", &list_page(&self.paging, value, page, n));
            }
            let html = self.render_one(ctx, &template, page)?;
            let path = crate::listing::pager_path(&page.url_path, n);
            files.push((format!("{path}index.html"), html));
        }
        Ok(files)
    }

    /// The list a section's page or a tag's page shows: the section with its pages, or the
    /// tag with the pages that carry it; `None` for other pages.
    fn section(&self, page: &Page, tag: Option<&crate::model::Tag>) -> Option<Json> {
        let site = self.site;
        if let Some(tag) = tag {
            let pages: Vec<Json> = tag
                .pages
                .iter()
                .filter_map(|key| self.by_key.get(&(key.as_str(), page.lang.as_str())))
                .map(|p| summary(site, p))
                .collect();
            let mut section = summary(site, page);
            section["pages"] = json!(pages);
            section["subsections"] = json!([]);
            Some(section)
        } else if page.is_index {
            let section = self.listings[&page.lang].get(&page.dir).cloned();
            Some(section.unwrap_or_default())
        } else {
            None
        }
    }

    fn render_one(
        &self,
        ctx: &tera::Context,
        template: &str,
        page: &Page,
    ) -> Result<String, Diagnostic> {
        self.bound[&page.lang]
            .render(template, ctx)
            .map_err(|e| template_error(self.theme, template, &e, Some(page)))
    }

    /// A page's files with its HTML put in where the template inserted [`CONTENT_MARK`];
    /// without copying them when no memo holds them too.
    fn splice(&self, made: Unspliced, rendered: &Rendered) -> Files {
        let html = |text: String| match self.splice {
            true => text.replace(CONTENT_MARK, &rendered.html).into_bytes(),
            false => text.into_bytes(),
        };
        match Arc::try_unwrap(made) {
            Ok(made) => made.into_iter().map(|(p, text)| (p, html(text))).collect(),
            Err(shared) => shared
                .iter()
                .map(|(p, text)| (p.clone(), html(text.clone())))
                .collect(),
        }
    }

    /// The URL of the language's print edition, if it has one.
    fn print_url(&self, lang: &str) -> Json {
        let base = self.site.config.base_path();
        match self.print.contains_key(lang) {
            true => json!(format!("{base}{}", crate::print::url_path(lang))),
            false => Json::Null,
        }
    }

    /// A language's print edition (`print.html`), from its pages' HTML in `files` (those
    /// pages at least).
    fn print_edition(
        &self,
        ctx: &mut tera::Context,
        lang: &str,
        pages: &[(&Page, usize)],
        files: &Files,
        memo: &mut crate::incremental::PrintMemo,
    ) -> Result<(String, Vec<u8>), Diagnostic> {
        let site = self.site;
        let chapters = crate::print::chapters(site, pages, files, memo)?;
        let mut own = Map::new();
        own.insert("lang".into(), json!(lang));
        own.insert("language".into(), json!(site.config.language(lang)));
        own.insert("page".into(), self.print_page_value(lang));
        // The edition stands outside the site's tree: no menu item is current, no breadcrumbs.
        let mut here = pages[0].0.clone();
        (here.key, here.dir, here.is_index) = ("print".into(), String::new(), false);
        insert_navigation(&mut own, site, &here, &self.by_key, self.listings);
        own.insert("json_ld".into(), Json::Null);
        own.insert("print_url".into(), self.print_url(lang));
        own.insert("toc".into(), json!(crate::print::toc(&chapters)));
        own.insert("chapters".into(), json!(chapters));
        ctx.remove("section");
        ctx.extend(tera::Context::from_value(Json::Object(own)).unwrap_or_default());
        let html = self.bound[lang]
            .render("print.html", ctx)
            .map_err(|e| template_error(self.theme, "print.html", &e, Some(pages[0].0)))?;
        Ok((
            format!("{}index.html", crate::print::url_path(lang)),
            html.into_bytes(),
        ))
    }

    /// What templates read as `page` on a print edition: its URL in every language that has one.
    fn print_page_value(&self, lang: &str) -> Json {
        let site = self.site;
        let (base, base_url) = (site.config.base_path(), &site.config.base_url);
        let translations: Vec<Json> = site
            .config
            .languages
            .iter()
            .filter(|l| self.print.contains_key(&l.code))
            .map(|l| {
                let path = crate::print::url_path(&l.code);
                json!({"code": l.code, "tag": l.tag, "name": l.name, "url": format!("{base}{path}"),
                       "permalink": format!("{base_url}{path}"), "fallback": false})
            })
            .collect();
        let path = crate::print::url_path(lang);
        let title = site.config.language(lang).map(|l| l.title.as_str());
        json!({
            "key": "print", "lang": lang, "title": title, "summary": null,
            "url": format!("{base}{path}"), "permalink": format!("{base_url}{path}"),
            "canonical": format!("{base_url}{path}"), "translations": translations,
            "ancestors": [], "fallback": false, "is_index": false, "generated": true,
        })
    }

    /// A file at the root of the output (`index.html`, `404.html`), in the default language.
    fn root_file(&self, ctx: &mut tera::Context, template: &str) -> Result<String, Diagnostic> {
        let lang = &self.site.config.default_language;
        ctx.insert("lang", lang);
        ctx.insert("language", &self.site.config.language(lang));
        self.bound[lang]
            .render(template, ctx)
            .map_err(|e| template_error(self.theme, template, &e, None))
    }
}

fn choose_template(page: &Page, theme: &Theme, tag: bool) -> Result<String, Diagnostic> {
    if let Some(t) = &page.front.template {
        if theme.templates.contains_key(t) {
            return Ok(t.clone());
        }
        let known: Vec<&str> = theme.templates.keys().map(String::as_str).collect();
        let hint = match crate::diagnostic::nearest(t, known.iter().copied()) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("templates: {}", known.join(", ")),
        };
        return Err(
            Diagnostic::error(&page.source, format!("no template `{t}`"))
                .at(page.front.lines.get("template").copied().unwrap_or(2), 1)
                .hint(hint),
        );
    }
    let kind = if page.is_index {
        "section.html"
    } else {
        "page.html"
    };
    if page.key == "_index" {
        return Ok("index.html".into());
    }
    if page.key == TAGS_INDEX {
        return Ok("tags.html".into());
    }
    if tag {
        return Ok("tag.html".into());
    }
    let own = format!("pages/{}.html", page.key);
    if !page.is_index && theme.templates.contains_key(&own) {
        return Ok(own);
    }
    let specific = format!("{}/{kind}", page.dir);
    Ok(if theme.templates.contains_key(&specific) {
        specific
    } else {
        kind.to_string()
    })
}

type Map = serde_json::Map<String, Json>;

fn common_context(site: &Site) -> Map {
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

type Translations = HashMap<String, Vec<Json>>;

/// For each key, the languages it exists in, with URLs, in `site.yaml` order.
fn translations(site: &Site) -> Translations {
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

fn summary(site: &Site, page: &Page) -> Json {
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

/// Stands for a page's HTML in the template context when templates only insert it whole
/// (`{{ page.content | safe }}`): the HTML is put in its place after rendering, which spares
/// tera copying the largest value of every page several times.
const CONTENT_MARK: &str = "\u{E000}invest-guide:page.content\u{E000}";

/// Whether every use of a `content` field in the theme is `{{ page.content | safe }}`.
fn content_is_only_inserted(theme: &Theme) -> bool {
    theme.templates.values().all(|file| {
        let text = String::from_utf8_lossy(&file.bytes);
        text.matches(".content").count() == text.matches("{{ page.content | safe }}").count()
            && !text.contains("[\"content\"]")
            && !text.contains("['content']")
    })
}

fn page_value(
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

/// Language → section dir → {title, url, pages, subsections}, pages in section order.
type Listings = BTreeMap<String, BTreeMap<String, Json>>;

fn listings(site: &Site) -> Listings {
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

/// Menu, home, search and feed URLs of the page's language.
/// Pages by (key, language), so per-page lookups stay O(log n) on large sites.
type ByKey<'a> = BTreeMap<(&'a str, &'a str), &'a Page>;

fn by_key(site: &Site) -> ByKey<'_> {
    site.pages
        .iter()
        .map(|p| ((p.key.as_str(), p.lang.as_str()), p))
        .collect()
}

fn insert_navigation(ctx: &mut Map, site: &Site, page: &Page, pages: &ByKey, listings: &Listings) {
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

/// HTML escaping for template output: the five characters that matter, nothing more.
pub(crate) fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
