//! Render stage: every page's Markdown to HTML, then through its tera template. In: the site,
//! the Markdown stage's output (each page's source, or with `serve`'s memo its HTML), the
//! theme, its fingerprinted asset names and the UI strings. Out: one `LANG/…/index.html` per
//! page, plus the root `index.html` and `404.html`.
//!
//! Templates are compiled once (and kept between `serve` rebuilds by a [`TemplateCache`]),
//! then bound to each language: the template functions (`t`, `url`, `link`, `section`,
//! `asset`, `by_id`) and filters (`local_date`, `money`) of a language's templates answer for
//! that language, so no state is shared between pages.

mod functions;
mod html;
mod lists;
mod preview;
mod templates;
mod values;

use crate::diagnostic::Diagnostic;
use crate::i18n::Bundles;
use crate::incremental::{KeptPage, RenderMemo, Spliced, Unspliced};
use crate::listing::{TAGS_INDEX, tag_of};
use crate::markdown::{Markdown, Source};
use crate::model::{Files, Page, Put, Rendered, Site};
use crate::theme::{Assets, Theme};
pub(crate) use html::content_is_only_inserted;
pub(crate) use html::escape_html;
use html::{CONTENT_MARK, put_content};
use lists::{PagingByKey, cut, list_page, paging_by_key, terms};
use rayon::iter::Either;
use rayon::prelude::*;
use serde_json::{Value as Json, json};
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
pub(crate) use templates::TemplateCache;
use templates::template_error;
use tera::Tera;
use values::{
    Ancestry, ByKey, Listings, Map, Translations, ancestry, ancestry_key, by_key, common_context,
    insert_navigation, language_navigation, listing_of, listings, page_navigation, page_value,
    summary, templates_read_lists, translations,
};

/// The room a template's output starts with: enough for most pages of the built-in theme
/// without their body (which is spliced in afterwards), so that they are written without the
/// buffer growing.
const OUTPUT_ROOM: usize = 16 * 1024;

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
    let splice = content_is_only_inserted(inputs.theme);
    // Made by the pipeline before the extras stage (`RenderMemo::start`): none, nothing reused.
    let site_key = memo.as_deref().and_then(RenderMemo::this_key);
    let mut sources = std::mem::take(&mut markdown.pages);
    // With a memo, each page's Markdown output and what the memo holds for it come first, so
    // that what only making files needs (the lists, each page's translations and ancestors,
    // the templates bound to them) is made only if some page's files, a print edition or the
    // root files must be made; a build without one converts each page as it comes to it.
    let converted = (memo.as_deref().zip(site_key)).map(|(memo, site_key)| {
        let sources = std::mem::take(&mut sources);
        let pages = site.pages.par_iter().zip(sources).enumerate();
        let todo = pages.map(|(n, (page, source))| {
            // Read in place: not copied out of the Markdown stage's memo.
            let made = match source {
                Source::Made(made) => made,
                source => Arc::new(markdown.convert(page, source)),
            };
            let key = RenderMemo::page_key(site_key, &made.0, splice);
            let made_with = memo.markdown(n);
            let reused = memo.get(page, key, made_with);
            Todo::Converted(made, (key, made_with), reused)
        });
        todo.collect::<Vec<Todo>>()
    });
    let roots = (memo.as_deref().zip(site_key))
        .filter(|_| print.is_empty())
        .and_then(|(memo, key)| memo.roots(key));
    let needed = roots.is_none()
        || (converted.iter().flatten()).any(|t| matches!(t, Todo::Converted(.., None)));
    // A build without a memo hands each source on as it is, with nothing beside it.
    let todo = match converted {
        Some(converted) => Either::Left(converted.into_par_iter()),
        None => Either::Right(sources.into_par_iter().map(Todo::Source)),
    };
    // What every page reads, each over the whole site: made side by side, or with a memo
    // taken from the last build when the site but the pages' bodies is the same.
    let kept = (memo.as_deref().zip(site_key)).and_then(|(memo, key)| memo.site_values(key));
    let made = needed.then(|| match kept {
        Some(values) => (values, ancestry(site)),
        None => {
            let ((listings, ancestry), (translations, links)) = rayon::join(
                || {
                    let every = templates_read_lists(inputs.theme);
                    rayon::join(|| listings(site, every), || ancestry(site))
                },
                || rayon::join(|| translations(site), || functions::links(site)),
            );
            let listings = Arc::new(listings);
            let bound = Arc::new(functions::bind(site, inputs, &listings, links));
            let translations = Arc::new(translations);
            let values = SiteValues {
                listings,
                bound,
                translations,
            };
            (values, ancestry)
        }
    });
    if let (Some(memo), Some(key), Some((values, _))) = (memo.as_deref_mut(), site_key, &made) {
        memo.keep_site_values(key, values.clone());
    }
    let (values, ancestry) = made.unzip();
    let shared = (values.as_ref().zip(ancestry)).map(|(values, ancestry)| Shared {
        site,
        theme: inputs.theme,
        bound: &values.bound,
        listings: &values.listings,
        translations: Arc::clone(&values.translations),
        ancestry,
        by_key: by_key(site),
        paging: paging_by_key(site),
        splice,
        print: &print,
    });
    let common = tera::Context::from_value(Json::Object(common_context(site))).unwrap_or_default();
    // One context per worker and language, holding the data every page shares and what the
    // language's pages share; each page replaces its own entries, so the shared data is made
    // once per worker rather than once per page.
    //
    // A build renders its pages in runs of at most `RUN` that either thread can take: rayon
    // otherwise leaves a thread a long run of its own to the end, and a site's last pages are
    // its tags' pages, each listing thousands (at 30,000 pages one thread rendered them alone
    // while the other waited: the runs took the stage from 2.61 to 2.43 s). `serve` reuses
    // most pages, and keeps rayon's own split.
    const RUN: usize = 16;
    let run = if memo.is_some() { usize::MAX } else { RUN };
    type Made = (Files, Option<KeptPage>);
    let results: Vec<(Rendered, Vec<Diagnostic>, Result<Made, Diagnostic>)> = site
        .pages
        .par_iter()
        .zip(todo)
        .with_max_len(run)
        .map_init(
            Vec::<(&str, tera::Context)>::new,
            |contexts, (page, todo)| {
                let (converted, key, reused) = match todo {
                    Todo::Source(source) => {
                        let (rendered, found) = markdown.convert(page, source);
                        (Converted::Own(rendered, found), None, None)
                    }
                    Todo::Converted(made, key, reused) => {
                        (Converted::Kept(made), Some(key), reused)
                    }
                };
                let rendered = converted.rendered();
                let files = || -> Result<Made, Diagnostic> {
                    let (made, spliced) = match reused {
                        Some(reused) => reused,
                        None => {
                            let shared = shared.as_ref().expect("made unless every page is reused");
                            let ctx = shared.context_of(contexts, &common, &page.lang);
                            (Arc::new(shared.page(ctx, page, rendered)?), None)
                        }
                    };
                    let mut kept = Files::new();
                    let mut chapter = |path: &String, html: &[u8]| {
                        if chapters.contains(path) {
                            kept.push((path.clone(), html.to_vec()));
                        }
                    };
                    let Some((key, markdown)) = key else {
                        // No memo (`build`, `check`): each file goes to the sink as made.
                        for (path, html) in splice_files(splice, made, rendered) {
                            chapter(&path, &html);
                            out.put(path, html);
                        }
                        return Ok((kept, None));
                    };
                    // The last build's bytes when the page's Markdown output is the same too;
                    // else made now, and shared by the memo and the sink from here on.
                    let unchanged = spliced.is_some();
                    let spliced = spliced.unwrap_or_else(|| {
                        let files = splice_files(splice, Arc::clone(&made), rendered);
                        let files = files.into_iter().map(|(p, b)| (p, Arc::new(b)));
                        Arc::new(files.collect())
                    });
                    for (path, html) in spliced.iter() {
                        chapter(path, html);
                        out.put_shared(path.clone(), Arc::clone(html), unchanged);
                    }
                    let files = made;
                    let keep = KeptPage {
                        key,
                        files,
                        markdown,
                        spliced,
                    };
                    Ok((kept, Some(keep)))
                };
                let made = files();
                let (rendered, found) = converted.output(crate::output::in_feed(site, page));
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
                made.extend(keep.map(|keep| (page, keep)));
            }
            Err(d) => later.push(d),
        }
    }
    problems.append(&mut later);
    let mut scratch = RenderMemo::default();
    let memo = match memo {
        Some(memo) => {
            memo.keep(made);
            memo
        }
        None => &mut scratch,
    };
    let Some(shared) = shared else {
        // Nothing the root files are made from changed (and there is no print edition).
        for (path, bytes) in roots.into_iter().flatten() {
            out.put_shared(path, bytes, true);
        }
        return (pages, problems);
    };
    let mut ctx = common;
    for (lang, pages) in &print {
        match shared.print_edition(&mut ctx, lang, pages, &kept, &mut memo.print) {
            Ok((path, html)) => out.put(path, html),
            Err(d) => problems.push(d),
        }
    }
    memo.print.finish();
    let mut root_files = Vec::new();
    for (name, template) in [("404.html", "404.html"), ("index.html", "root.html")] {
        match shared.root_file(&mut ctx, template) {
            Ok(html) => root_files.push((name.to_string(), Arc::new(html.into_bytes()))),
            Err(d) => problems.push(d),
        }
    }
    // They read the print editions' context too (`ctx`): kept only when there is none, and
    // both were made.
    let whole = print.is_empty() && root_files.len() == 2;
    let keep = site_key.filter(|_| whole);
    memo.keep_roots(keep.map(|key| (key, root_files.clone())));
    for (path, bytes) in root_files {
        match site_key {
            Some(_) => out.put_shared(path, bytes, false),
            None => out.put(path, Arc::unwrap_or_clone(bytes)),
        }
    }
    (pages, problems)
}

/// A page's Markdown as the render stage takes it: to convert (a build without a memo), or
/// converted, with the keys of its files and of its Markdown output ([`RenderMemo`]) and the
/// files the memo holds for them.
enum Todo {
    Source(Source),
    Converted(
        crate::incremental::Made,
        (u64, Option<u64>),
        Option<(Unspliced, Option<Spliced>)>,
    ),
}

/// A page's Markdown output: converted here, or as the Markdown stage's memo holds it.
enum Converted {
    Own(Rendered, Vec<Diagnostic>),
    Kept(crate::incremental::Made),
}

impl Converted {
    fn rendered(&self) -> &Rendered {
        match self {
            Converted::Own(rendered, _) => rendered,
            Converted::Kept(made) => &made.0,
        }
    }

    /// What the stage returns of it: its HTML only if `html` (a feed's page), the rest whole.
    fn output(self, html: bool) -> (Rendered, Vec<Diagnostic>) {
        match self {
            Converted::Own(mut rendered, found) => {
                if !html {
                    rendered.html = String::new();
                }
                (rendered, found)
            }
            Converted::Kept(made) => {
                let (kept, found) = &*made;
                let rendered = Rendered {
                    html: if html {
                        kept.html.clone()
                    } else {
                        String::new()
                    },
                    toc: kept.toc.clone(),
                    local_links: kept.local_links.clone(),
                    external_links: kept.external_links.clone(),
                };
                (rendered, found.clone())
            }
        }
    }
}

/// A page's files with its HTML put in where the template inserted [`CONTENT_MARK`] (when
/// `splice`); without copying them when no memo holds them too.
fn splice_files(splice: bool, made: Unspliced, rendered: &Rendered) -> Files {
    // A file the memo holds too is read in place: the splice makes the copy.
    let copy = |text: &Vec<u8>| match splice {
        true => put_content(text, &rendered.html),
        false => text.clone(),
    };
    let html = |text: Vec<u8>| match splice {
        true => copy(&text),
        false => text,
    };
    match Arc::try_unwrap(made) {
        Ok(made) => made.into_iter().map(|(p, text)| (p, html(text))).collect(),
        Err(shared) => shared
            .iter()
            .map(|(p, text)| (p.clone(), copy(text)))
            .collect(),
    }
}

/// What every page's render reads over the whole site that does not borrow from it: the
/// lists, the templates bound to each language, each key's translations. `serve` keeps them
/// from one build to the next, with the site key they were made with.
#[derive(Clone)]
pub(crate) struct SiteValues {
    listings: Arc<Listings>,
    bound: Arc<BTreeMap<String, Tera>>,
    translations: Arc<Translations>,
}

/// What every page's render reads.
struct Shared<'a> {
    site: &'a Site,
    theme: &'a Theme,
    /// Language → the templates bound to it.
    bound: &'a BTreeMap<String, Tera>,
    listings: &'a Listings,
    translations: Arc<Translations>,
    /// Each page's section pages above it.
    ancestry: Ancestry<'a>,
    by_key: ByKey<'a>,
    paging: PagingByKey<'a>,
    splice: bool,
    /// Each language's print edition, in reading order.
    print: &'a crate::print::Order<'a>,
}

impl<'a> Shared<'a> {
    /// The context of `lang`'s pages among a worker's `contexts`, made from `common` on first
    /// use.
    fn context_of<'c>(
        &self,
        contexts: &'c mut Vec<(&'a str, tera::Context)>,
        common: &tera::Context,
        lang: &str,
    ) -> &'c mut tera::Context {
        let at = match contexts.iter().position(|(l, _)| *l == lang) {
            Some(at) => at,
            None => {
                let mut own = Map::new();
                own.insert("lang".into(), json!(lang));
                own.insert("language".into(), json!(self.site.config.language(lang)));
                own.insert("print_url".into(), self.print_url(lang));
                language_navigation(&mut own, self.site, lang, &self.by_key);
                let mut ctx = common.clone();
                ctx.extend(tera::Context::from_value(Json::Object(own)).unwrap_or_default());
                let lang = self
                    .site
                    .config
                    .language(lang)
                    .map_or("", |l| l.code.as_str());
                contexts.push((lang, ctx));
                contexts.len() - 1
            }
        };
        &mut contexts[at].1
    }

    /// The page's file, or for a paginated list one file per list page, before its HTML is
    /// put in ([`Shared::splice`]); `ctx` is its language's ([`Shared::context_of`]).
    fn page(
        &self,
        ctx: &mut tera::Context,
        page: &Page,
        rendered: &Rendered,
    ) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
        let site = self.site;
        let tag = tag_of(site, page);
        let template = choose_template(page, self.theme, tag.is_some())?;
        let content = if self.splice {
            CONTENT_MARK
        } else {
            &rendered.html
        };
        let mut own = Map::new();
        let translations = &self.translations[&page.key];
        let (ancestors, items) = &self.ancestry[&ancestry_key(page)];
        let value = page_value(site, page, rendered, content, translations, ancestors);
        own.insert("page".into(), value);
        page_navigation(&mut own, site, page, &self.by_key, self.listings);
        let search = self.by_key.contains_key(&("search", page.lang.as_str()));
        let json_ld = preview::json_ld(site, page, (ancestors, items), search);
        own.insert("json_ld".into(), json!(json_ld));
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
            let mut own = Map::new();
            own.insert("section".into(), section);
            own.insert("paginator".into(), paginator);
            if n > 1 {
                let value = page_value(site, page, rendered, content, translations, ancestors);
                own.insert("page".into(), list_page(&self.paging, value, page, n));
            }
            ctx.extend(tera::Context::from_value(Json::Object(own)).unwrap_or_default());
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
            section["pages"] = Json::Array(pages);
            section["subsections"] = json!([]);
            Some(section)
        } else if page.is_index {
            let listed = self.listings.get(&page.lang).and_then(|l| l.get(&page.dir));
            Some(match listed {
                Some(Some(section)) => section.clone(),
                Some(None) => listing_of(site, page),
                None => Json::Null,
            })
        } else {
            None
        }
    }

    /// The template's output as bytes: tera's `render` checks its whole output as UTF-8 again
    /// to make a `String` (a tenth of a second of every 30,000 pages); the sink reads the
    /// files as text with a quicker check.
    fn render_one(
        &self,
        ctx: &tera::Context,
        template: &str,
        page: &Page,
    ) -> Result<Vec<u8>, Diagnostic> {
        // Room for a typical page from the start, rather than growing (and copying) from a few
        // bytes as tera writes.
        let mut out = Vec::with_capacity(OUTPUT_ROOM);
        self.bound[&page.lang]
            .render_to(template, ctx, &mut out)
            .map_err(|e| template_error(self.theme, template, &e, Some(page)))?;
        Ok(out)
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
