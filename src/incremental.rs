//! What `serve` reuses from one build to the next: each stage's output for a page, kept with a
//! key made of everything that output was made from, and reused only when the key is the
//! same. In: what a stage reads. Out: the stage's earlier result, or `None` to make it anew.
//!
//! Keys hash inputs, never guess at dependencies: a page's rendered files are keyed by the
//! whole site but the pages' bodies (every page's front matter, URL and place, the data files,
//! `site.yaml`, the templates, the strings, the assets' names), plus that page's own Markdown
//! output. So an edit to a page's body re-renders that page alone; any other edit changes
//! every key and re-renders everything. The [`crate::Cache`] that holds these is the only state
//! one build hands to the next.

use crate::diagnostic::Diagnostic;
use crate::format::Amounts;
use crate::model::{FrontMatter, Page, Rendered, Site};
use crate::plan::Plan;
use crate::search::extract::Section;
use crate::theme::{Assets, Theme};
pub(crate) use by_page::ByPage;
pub(crate) use checks::{AliasesMemo, LinksMemo, OrphansMemo};
#[cfg(test)]
use load::SETTLED;
pub(crate) use load::{Listing, LoadMemo, Read, Stamp};
use rayon::prelude::*;
use std::collections::HashMap;
use std::fmt::{self, Debug, Write as _};
use std::hash::{DefaultHasher, Hasher};
use std::sync::Arc;

/// Every stage's reusable results. Off by default: a one-off build (`build`, `check`) keeps
/// nothing for a next build, so that its memory grows with the largest page, not the site;
/// `serve` turns it on.
#[derive(Default)]
pub(crate) struct Memo {
    pub(crate) on: bool,
    pub(crate) load: LoadMemo,
    pub(crate) markdown: MarkdownMemo,
    pub(crate) render: RenderMemo,
    pub(crate) search: SearchMemo,
    /// Each language's search index.
    pub(crate) index: crate::search::IndexMemo,
    /// The aliases stage's redirects and problems.
    pub(crate) aliases: AliasesMemo,
    /// The link check's problems.
    pub(crate) links: LinksMemo,
    /// The orphans check's warnings.
    pub(crate) orphans: OrphansMemo,
}

/// A key: a hash (SipHash, fixed keys) of every input fed to it, in order.
struct Key(DefaultHasher);

impl Key {
    fn new() -> Key {
        Key(DefaultHasher::new())
    }

    fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.write_usize(bytes.len());
        self.0.write(bytes);
        self
    }

    /// The value as `{:?}` writes it (every type the stages read derives `Debug`).
    fn debug(&mut self, value: &impl Debug) -> &mut Self {
        let _ = write!(self, "{value:?}");
        self.0.write_u8(0xff);
        self
    }

    fn finish(&self) -> u64 {
        self.0.finish()
    }
}

impl fmt::Write for Key {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.write(s.as_bytes());
        Ok(())
    }
}

/// A page's files as its template made them, before its HTML is put in (see `render.rs`):
/// (path, text) for each.
pub(crate) type Unspliced = Arc<Vec<(String, Vec<u8>)>>;

/// A page's files with its HTML put in, shared with the sink (and through it the server).
pub(crate) type Spliced = Arc<crate::model::SharedFiles>;

/// The render stage's files of each page, by (key, language), each with the key of the
/// page's Markdown output they were made with (see [`MarkdownMemo::key`]).
#[derive(Default)]
pub(crate) struct RenderMemo {
    pages: ByPage<KeptPage>,
    /// This build's key of each page's Markdown output, in page order, if known.
    markdown: Vec<Option<u64>>,
    /// The print editions' chapters.
    pub(crate) print: PrintMemo,
    /// The root files (`404.html`, `index.html`) with the site's key they were made with.
    roots: Option<(u64, crate::model::SharedFiles)>,
    /// The hash of each page's front matter as last formatted, by its address, with the front
    /// matter held so that no other can take that address: one the load stage shares from the
    /// last build is not formatted again.
    fronts: HashMap<usize, Front>,
    /// The values every page reads over the whole site, with the site's key they were made
    /// with: an edit to a page's body leaves them as they were.
    site_values: Option<(u64, crate::render::SiteValues)>,
    /// This build's site key, once [`RenderMemo::start`] made it.
    this_key: Option<u64>,
    /// The extras stage's files (sitemap, `robots.txt`, `_headers`), which read the site but
    /// no page's body, with the site's key they were made with.
    extras: Option<(u64, crate::model::SharedFiles)>,
}

/// A page's front matter and the hash of its `{:?}`.
type Front = (Arc<FrontMatter>, u64);

impl RenderMemo {
    /// Makes this build's site key ([`RenderMemo::site_key`]) and returns it; the render stage
    /// reads it with [`RenderMemo::this_key`], the extras stage's memo through `self`.
    pub(crate) fn start(
        &mut self,
        site: &Site,
        theme: &Theme,
        assets: &Assets,
        plan: Option<&Plan>,
    ) -> u64 {
        let splice = crate::render::content_is_only_inserted(theme);
        let key = self.site_key(site, theme, assets, plan, splice);
        self.this_key = Some(key);
        key
    }

    /// This build's site key, if [`RenderMemo::start`] made it.
    pub(crate) fn this_key(&self) -> Option<u64> {
        self.this_key
    }

    /// The extras stage's files made with this build's site key, or made now by `make` and
    /// kept with it: the sitemap, `robots.txt` and `_headers` read the whole site but no
    /// page's body, all of which the site key holds.
    pub(crate) fn extras(
        &mut self,
        make: impl FnOnce() -> crate::model::Files,
    ) -> crate::model::SharedFiles {
        let key = self.this_key;
        if let (Some(key), Some((kept, files))) = (key, &self.extras)
            && key == *kept
        {
            return files.clone();
        }
        let files: crate::model::SharedFiles = (make().into_iter())
            .map(|(path, bytes)| (path, Arc::new(bytes)))
            .collect();
        self.extras = key.map(|key| (key, files.clone()));
        files
    }

    /// What every page's render reads but its own Markdown output: the whole site but the
    /// pages' bodies, the theme's templates and strings, the assets' URLs, the plan (the
    /// templates' `plan()`), and whether the HTML is put in after rendering.
    fn site_key(
        &mut self,
        site: &Site,
        theme: &Theme,
        assets: &Assets,
        plan: Option<&Plan>,
        splice: bool,
    ) -> u64 {
        let mut key = Key::new();
        key.debug(&splice)
            .debug(&site.config)
            .debug(&site.data_text)
            .debug(&plan);
        key.debug(&site.tags)
            .debug(&site.paging)
            .debug(&assets.urls);
        for (name, file) in &theme.templates {
            key.bytes(name.as_bytes()).bytes(&file.bytes);
        }
        for (lang, files) in &theme.strings {
            key.bytes(lang.as_bytes());
            files.iter().for_each(|file| _ = key.bytes(&file.bytes));
        }
        // Each page's part is hashed on its own, in parallel, and the parts in order.
        let fronts = &self.fronts;
        let front = |page: &Page| {
            let at = Arc::as_ptr(&page.front) as usize;
            let kept = fronts.get(&at).filter(|(f, _)| Arc::ptr_eq(f, &page.front));
            let hash = kept.map_or_else(|| Key::new().debug(&page.front).finish(), |k| k.1);
            (at, (Arc::clone(&page.front), hash))
        };
        let pages: Vec<(u64, (usize, Front))> = (site.pages.par_iter())
            .map(|page| {
                let front = front(page);
                (Self::page_part(page, front.1.1), front)
            })
            .collect();
        let mut fronts = HashMap::with_capacity(pages.len());
        for (part, front) in pages {
            key.0.write_u64(part);
            fronts.insert(front.0, front.1);
        }
        self.fronts = fronts;
        key.finish()
    }

    /// The values every page reads over the whole site, if they were made with `site_key`.
    pub(crate) fn site_values(&self, site_key: u64) -> Option<crate::render::SiteValues> {
        let (key, values) = self.site_values.as_ref()?;
        (*key == site_key).then(|| values.clone())
    }

    /// Keeps the values every page read over the whole site, made with `site_key`.
    pub(crate) fn keep_site_values(&mut self, site_key: u64, values: crate::render::SiteValues) {
        self.site_values = Some((site_key, values));
    }

    /// What the render of every page reads of one page: all of it but its body (its front
    /// matter by the hash of its `{:?}`, `front`).
    fn page_part(page: &Page, front: u64) -> u64 {
        let mut key = Key::new();
        let Page {
            source,
            key: page_key,
            lang,
            dir,
            is_index,
            generated,
            fallback,
            source_hash: _,
            front: _,
            body: _,
            body_line,
            url_path,
        } = page;
        key.debug(source)
            .bytes(page_key.as_bytes())
            .bytes(lang.as_bytes());
        key.bytes(dir.as_bytes())
            .debug(&(is_index, generated, fallback));
        key.0.write_u64(front);
        key.debug(body_line).bytes(url_path.as_bytes());
        key.finish()
    }

    /// A page's key: the site's and what its template reads of its Markdown output (the HTML
    /// too unless it is put in afterwards).
    pub(crate) fn page_key(site_key: u64, rendered: &Rendered, splice: bool) -> u64 {
        let mut key = Key::new();
        key.0.write_u64(site_key);
        key.0.write_usize(rendered.toc.len());
        for heading in &rendered.toc {
            let crate::model::Heading { level, id, title } = heading;
            key.0.write_u8(*level);
            key.bytes(id.as_bytes()).bytes(title.as_bytes());
        }
        key.debug(&rendered.html.trim().is_empty());
        if !splice {
            key.bytes(rendered.html.as_bytes());
        }
        key.finish()
    }

    /// Sets this build's key of each page's Markdown output (by [`MarkdownMemo::keys`]).
    pub(crate) fn set_markdown(&mut self, keys: Vec<Option<u64>>) {
        self.markdown = keys;
    }

    /// This build's key of the Markdown output of page number `n`, if known.
    pub(crate) fn markdown(&self, n: usize) -> Option<u64> {
        self.markdown.get(n).copied().flatten()
    }

    /// The page's files from the last build, if made from the same `key`; and if the page's
    /// Markdown output is the same as then (`markdown`, its key this build, is the one they
    /// were kept with), the files with it put in, shared: the same bytes as then.
    pub(crate) fn get(
        &self,
        page: &Page,
        key: u64,
        markdown: Option<u64>,
    ) -> Option<(Unspliced, Option<Spliced>)> {
        let kept = self.pages.get(page)?;
        let same = markdown.is_some() && kept.markdown == markdown;
        let spliced = same.then(|| Arc::clone(&kept.spliced));
        (kept.key == key).then(|| (Arc::clone(&kept.files), spliced))
    }

    /// The root files made with the same site's key (see [`RenderMemo::site_key`]).
    pub(crate) fn roots(&self, key: u64) -> Option<crate::model::SharedFiles> {
        let (kept, files) = self.roots.as_ref()?;
        (*kept == key).then(|| files.clone())
    }

    /// Keeps this build's root files with the site's key, or none.
    pub(crate) fn keep_roots(&mut self, roots: Option<(u64, crate::model::SharedFiles)>) {
        self.roots = roots;
    }

    /// Keeps this build's files, and only those (a deleted page's go), with the key of the
    /// Markdown output each page's were made with and the files with it put in.
    pub(crate) fn keep<'a>(&mut self, made: impl IntoIterator<Item = (&'a Page, KeptPage)>) {
        self.pages.keep(made);
    }
}

/// What the render stage keeps of a page for the next build.
pub(crate) struct KeptPage {
    /// The key of everything its files were made from (see [`RenderMemo::page_key`]).
    pub(crate) key: u64,
    /// Its files as its template made them.
    pub(crate) files: Unspliced,
    /// The key of the Markdown output they were made with, if known.
    pub(crate) markdown: Option<u64>,
    /// The files with that output put in, as handed to the sink.
    pub(crate) spliced: Spliced,
}

/// A print edition's chapters (see `print.rs`), each by a key of what it was made from: the
/// page's HTML, its key, and the URLs and keys of every page of its edition; its links, mended
/// against every id of the edition, by a key of those ids too.
#[derive(Default)]
pub(crate) struct PrintMemo {
    last: HashMap<u64, (Region, Option<(u64, String)>)>,
    next: HashMap<u64, (Region, Option<(u64, String)>)>,
}

/// A chapter's HTML, its links not yet mended, and the ids in it.
pub(crate) type Region = Arc<(Vec<String>, String)>;

impl PrintMemo {
    /// What every chapter of an edition reads besides its page's HTML.
    pub(crate) fn context_key(
        base_url: &str,
        base_path: &str,
        targets: &HashMap<String, &str>,
    ) -> u64 {
        let mut key = Key::new();
        key.bytes(base_url.as_bytes()).bytes(base_path.as_bytes());
        let sorted: std::collections::BTreeMap<_, _> = targets.iter().collect();
        key.debug(&sorted).finish()
    }

    pub(crate) fn chapter_key(context: u64, page_key: &str, html: &[u8]) -> u64 {
        let mut key = Key::new();
        key.0.write_u64(context);
        key.bytes(page_key.as_bytes()).bytes(html).finish()
    }

    pub(crate) fn ids_key(ids: &std::collections::BTreeSet<String>) -> u64 {
        Key::new().debug(ids).finish()
    }

    /// The chapter made from the same inputs last time.
    pub(crate) fn region(&self, key: u64) -> Option<Region> {
        let found = self.last.get(&key).or_else(|| self.next.get(&key));
        found.map(|(region, _)| Arc::clone(region))
    }

    /// The chapter's HTML with its links mended against the same ids last time.
    pub(crate) fn mended(&mut self, key: u64, ids: u64) -> Option<String> {
        let (region, mended) = self.last.get(&key)?;
        let html = mended.as_ref().filter(|(kept, _)| *kept == ids)?.1.clone();
        let kept = (Arc::clone(region), Some((ids, html.clone())));
        self.next.insert(key, kept);
        Some(html)
    }

    pub(crate) fn keep(&mut self, key: u64, region: &Region, ids: u64, html: &str) {
        let kept = (Arc::clone(region), Some((ids, html.to_string())));
        self.next.insert(key, kept);
    }

    /// This build's chapters replace the last build's.
    pub(crate) fn finish(&mut self) {
        self.last = std::mem::take(&mut self.next);
    }
}

/// The Markdown stage's output for each page, by (key, language): a source file may stand for
/// several pages (a fallback copy, the generated pages of a section or of the tags).
#[derive(Default)]
pub(crate) struct MarkdownMemo {
    /// What every page's Markdown reads besides its own file: see [`MarkdownMemo::start`].
    site_key: u64,
    pages: ByPage<(u64, Made)>,
    /// The hash of each page's body as last hashed, by its address, with the body held so
    /// that no other can take that address: the load stage shares an unchanged page's body
    /// from the last build, and it is not hashed again.
    bodies: HashMap<usize, (Arc<str>, u64)>,
}

/// A body's address, with the body and its hash, for [`MarkdownMemo::keep`].
pub(crate) type Body = (usize, (Arc<str>, u64));

/// A page's Markdown output and the problems found making it.
pub(crate) type Made = Arc<(Rendered, Vec<Diagnostic>)>;

impl MarkdownMemo {
    /// Sets what every page's Markdown reads besides its own file: `site.yaml`, every page's
    /// key, language and URL (for `@/` links), the named figures, the plan and the strings
    /// (for `{{ plan(…) }}`).
    pub(crate) fn start(
        &mut self,
        site: &Site,
        amounts: &Amounts,
        plan: Option<&Plan>,
        theme: &Theme,
    ) {
        let mut key = Key::new();
        key.debug(&site.config).debug(amounts).debug(&plan);
        for (lang, files) in &theme.strings {
            key.bytes(lang.as_bytes());
            files.iter().for_each(|file| _ = key.bytes(&file.bytes));
        }
        for page in &site.pages {
            key.bytes(page.key.as_bytes()).bytes(page.lang.as_bytes());
            key.bytes(page.url_path.as_bytes());
        }
        self.site_key = key.finish();
    }

    /// A page's key: the site's and what the page itself gives (its `body`, language, place);
    /// with the body's address and hash, to keep for the next build.
    pub(crate) fn page_key(&self, page: &Page, body: &Arc<str>) -> (u64, Body) {
        let at = Arc::as_ptr(body) as *const u8 as usize;
        let kept = (self.bodies.get(&at)).filter(|(kept, _)| Arc::ptr_eq(kept, body));
        let hash = kept.map_or_else(|| Key::new().bytes(body.as_bytes()).finish(), |k| k.1);
        let mut key = Key::new();
        key.0.write_u64(self.site_key);
        key.debug(&page.source)
            .bytes(page.key.as_bytes())
            .bytes(page.lang.as_bytes());
        key.bytes(page.dir.as_bytes())
            .bytes(page.url_path.as_bytes());
        key.debug(&page.body_line).0.write_u64(hash);
        (key.finish(), (at, (Arc::clone(body), hash)))
    }

    /// The page's output from the last build, if made from the same `key`.
    pub(crate) fn get(&self, page: &Page, key: u64) -> Option<Made> {
        let (kept, made) = self.pages.get(page)?;
        (*kept == key).then(|| Arc::clone(made))
    }

    /// The key of each page's output kept by this build (after [`MarkdownMemo::keep`]), in the
    /// order of `pages`: the same key, the same output.
    pub(crate) fn keys(&self, pages: &[Page]) -> Vec<Option<u64>> {
        let key = |page: &Page| self.pages.get(page).map(|(key, _)| *key);
        pages.par_iter().map(key).collect()
    }

    /// Keeps this build's output and bodies' hashes, and only those (a deleted page's go).
    pub(crate) fn keep(&mut self, made: Vec<(&Page, u64, Made, Body)>) {
        let mut bodies = HashMap::with_capacity(made.len());
        let pages = made.into_iter().map(|(page, key, made, body)| {
            bodies.insert(body.0, body.1);
            (page, (key, made))
        });
        self.pages.keep(pages);
        self.bodies = bodies;
    }
}

/// What the search stage read from each built page (its title and sections, or why it could
/// not), by the page's path and a key of its bytes: that is all the reading depends on. Also
/// what the orphans check read of each page (its absolute URLs), by path: a page whose bytes
/// are the last build's (see [`crate::model::Put::put_shared`]) is not read again.
#[derive(Default)]
pub(crate) struct SearchMemo {
    /// By path: the key of the page's bytes, what was read, and the build that last kept it.
    pages: HashMap<String, (u64, Extracted, u64)>,
    /// By path: the page's absolute URLs and the build that last kept them.
    urls: HashMap<String, (Urls, u64)>,
    /// How many builds kept what they read.
    build: u64,
    /// How many files the last build handed to the sink: room made for as many in the next.
    pub(crate) files: usize,
}

/// The absolute URLs a page links to (`links::absolute_urls`).
pub(crate) type Urls = Arc<Vec<String>>;

/// A page's title and sections as the search stage read them from its HTML.
pub(crate) type Extracted = Arc<Result<Option<(String, Vec<Section>)>, String>>;

impl SearchMemo {
    /// The key of a built page: its bytes.
    pub(crate) fn page_key(html: &[u8]) -> u64 {
        Key::new().bytes(html).finish()
    }

    /// What was read from the page at `path` last time, if its bytes had the same `key`.
    pub(crate) fn get(&self, path: &str, key: u64) -> Option<Extracted> {
        let (kept, read, _) = self.pages.get(path)?;
        (*kept == key).then(|| Arc::clone(read))
    }

    /// What was read from the page at `path` last time, with the key of its bytes then.
    pub(crate) fn last(&self, path: &str) -> Option<(u64, Extracted)> {
        let (key, read, _) = self.pages.get(path)?;
        Some((*key, Arc::clone(read)))
    }

    /// The absolute URLs of the page at `path` last time.
    pub(crate) fn urls(&self, path: &str) -> Option<Urls> {
        self.urls.get(path).map(|(urls, _)| Arc::clone(urls))
    }

    /// How many pages' readings it holds.
    pub(crate) fn pages(&self) -> usize {
        self.pages.len()
    }

    /// Keeps what this build read, and only that.
    pub(crate) fn keep(&mut self, made: Vec<(String, u64, Extracted)>, urls: &[(String, Urls)]) {
        // In place: a page kept before is updated without copying its path; what no page of
        // this build gave is looked for only when the maps hold more than this build gave.
        self.build += 1;
        let build = self.build;
        let given = made.len();
        for (path, key, read) in made {
            match self.pages.get_mut(path.as_str()) {
                Some(kept) => *kept = (key, read, build),
                None => _ = self.pages.insert(path, (key, read, build)),
            }
        }
        if self.pages.len() > given {
            self.pages.retain(|_, kept| kept.2 == build);
        }
        for (path, page_urls) in urls {
            match self.urls.get_mut(path.as_str()) {
                Some(kept) => *kept = (Arc::clone(page_urls), build),
                None => {
                    _ = self
                        .urls
                        .insert(path.clone(), (Arc::clone(page_urls), build))
                }
            }
        }
        if self.urls.len() > urls.len() {
            self.urls.retain(|_, kept| kept.1 == build);
        }
    }
}

mod by_page;
mod checks;
mod load;
#[cfg(test)]
mod tests;
