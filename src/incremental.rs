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
use crate::model::{Page, Rendered, Site};
use crate::plan::Plan;
use crate::search::extract::Section;
use crate::theme::{Assets, Theme};
use std::collections::HashMap;
use std::fmt::{self, Debug, Write as _};
use std::hash::{DefaultHasher, Hasher};
use std::path::PathBuf;
use std::sync::Arc;

/// Every stage's reusable results. `Memo::default()` keeps nothing and computes no key (a
/// one-off build); [`Memo::serving`] keeps results for the next build.
#[derive(Default)]
pub(crate) struct Memo {
    pub(crate) markdown: MarkdownMemo,
    pub(crate) render: RenderMemo,
    pub(crate) search: SearchMemo,
}

impl Memo {
    pub(crate) fn serving() -> Memo {
        let mut memo = Memo::default();
        memo.markdown.on = true;
        memo.render.on = true;
        memo.render.print.on = true;
        memo.search.on = true;
        memo
    }
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
pub(crate) type Unspliced = Arc<Vec<(String, String)>>;

/// The render stage's files of each page, by (key, language).
#[derive(Default)]
pub(crate) struct RenderMemo {
    on: bool,
    pages: HashMap<(String, String), (u64, Unspliced)>,
    /// The print editions' chapters.
    pub(crate) print: PrintMemo,
}

impl RenderMemo {
    /// What every page's render reads but its own Markdown output: the whole site but the
    /// pages' bodies, the theme's templates and strings, the assets' URLs, and whether the HTML
    /// is put in after rendering.
    pub(crate) fn site_key(
        &self,
        site: &Site,
        theme: &Theme,
        assets: &Assets,
        splice: bool,
    ) -> u64 {
        if !self.on {
            return 0;
        }
        let mut key = Key::new();
        key.debug(&splice)
            .debug(&site.config)
            .debug(&site.data_text);
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
        for page in &site.pages {
            let Page {
                source,
                key: page_key,
                lang,
                dir,
                is_index,
                generated,
                fallback,
                source_hash: _,
                front,
                body: _,
                body_line,
                url_path,
            } = page;
            key.debug(source)
                .bytes(page_key.as_bytes())
                .bytes(lang.as_bytes());
            key.bytes(dir.as_bytes())
                .debug(&(is_index, generated, fallback));
            key.debug(front).debug(body_line).bytes(url_path.as_bytes());
        }
        key.finish()
    }

    /// A page's key: the site's and what its template reads of its Markdown output (the HTML
    /// too unless it is put in afterwards).
    pub(crate) fn page_key(&self, site_key: u64, rendered: &Rendered, splice: bool) -> u64 {
        if !self.on {
            return 0;
        }
        let mut key = Key::new();
        key.0.write_u64(site_key);
        key.debug(&rendered.toc)
            .debug(&rendered.html.trim().is_empty());
        if !splice {
            key.bytes(rendered.html.as_bytes());
        }
        key.finish()
    }

    /// The page's files from the last build, if made from the same `key`.
    pub(crate) fn get(&self, page: &Page, key: u64) -> Option<Unspliced> {
        let (kept, files) = self.pages.get(&(page.key.clone(), page.lang.clone()))?;
        (*kept == key).then(|| Arc::clone(files))
    }

    /// What to hold of a page's files until [`RenderMemo::keep`]: nothing when not kept.
    pub(crate) fn to_keep(&self, made: Unspliced) -> Unspliced {
        if self.on { made } else { Unspliced::default() }
    }

    /// Keeps this build's files, and only those (a deleted page's go).
    pub(crate) fn keep<'a>(&mut self, made: impl IntoIterator<Item = (&'a Page, u64, Unspliced)>) {
        if !self.on {
            return;
        }
        self.pages = made
            .into_iter()
            .map(|(page, key, files)| ((page.key.clone(), page.lang.clone()), (key, files)))
            .collect();
    }
}

/// A print edition's chapters (see `print.rs`), each by a key of what it was made from: the
/// page's HTML, its key, and the URLs and keys of every page of its edition; its links, mended
/// against every id of the edition, by a key of those ids too.
#[derive(Default)]
pub(crate) struct PrintMemo {
    on: bool,
    last: HashMap<u64, (Region, Option<(u64, String)>)>,
    next: HashMap<u64, (Region, Option<(u64, String)>)>,
}

/// A chapter's HTML, its links not yet mended, and the ids in it.
pub(crate) type Region = Arc<(Vec<String>, String)>;

impl PrintMemo {
    /// What every chapter of an edition reads besides its page's HTML.
    pub(crate) fn context_key(
        &self,
        base_url: &str,
        base_path: &str,
        targets: &HashMap<String, &str>,
    ) -> u64 {
        if !self.on {
            return 0;
        }
        let mut key = Key::new();
        key.bytes(base_url.as_bytes()).bytes(base_path.as_bytes());
        let sorted: std::collections::BTreeMap<_, _> = targets.iter().collect();
        key.debug(&sorted).finish()
    }

    pub(crate) fn chapter_key(&self, context: u64, page_key: &str, html: &[u8]) -> u64 {
        if !self.on {
            return 0;
        }
        let mut key = Key::new();
        key.0.write_u64(context);
        key.bytes(page_key.as_bytes()).bytes(html).finish()
    }

    pub(crate) fn ids_key(&self, ids: &std::collections::BTreeSet<String>) -> u64 {
        if !self.on {
            return 0;
        }
        Key::new().debug(ids).finish()
    }

    /// The chapter made from the same inputs last time.
    pub(crate) fn region(&self, key: u64) -> Option<Region> {
        if !self.on {
            return None;
        }
        let found = self.last.get(&key).or_else(|| self.next.get(&key));
        found.map(|(region, _)| Arc::clone(region))
    }

    /// The chapter's HTML with its links mended against the same ids last time.
    pub(crate) fn mended(&mut self, key: u64, ids: u64) -> Option<String> {
        if !self.on {
            return None;
        }
        let (region, mended) = self.last.get(&key)?;
        let html = mended.as_ref().filter(|(kept, _)| *kept == ids)?.1.clone();
        let kept = (Arc::clone(region), Some((ids, html.clone())));
        self.next.insert(key, kept);
        Some(html)
    }

    pub(crate) fn keep(&mut self, key: u64, region: &Region, ids: u64, html: &str) {
        if !self.on {
            return;
        }
        let kept = (Arc::clone(region), Some((ids, html.to_string())));
        self.next.insert(key, kept);
    }

    /// This build's chapters replace the last build's.
    pub(crate) fn finish(&mut self) {
        self.last = std::mem::take(&mut self.next);
    }
}

/// The Markdown stage's output for each page, by source file.
#[derive(Default)]
pub(crate) struct MarkdownMemo {
    on: bool,
    /// What every page's Markdown reads besides its own file: see [`MarkdownMemo::start`].
    site_key: u64,
    pages: HashMap<PathBuf, (u64, Made)>,
}

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
        if !self.on {
            return;
        }
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

    /// A page's key: the site's and what the page itself gives (its body, language, place).
    pub(crate) fn page_key(&self, page: &Page) -> u64 {
        if !self.on {
            return 0;
        }
        let mut key = Key::new();
        key.0.write_u64(self.site_key);
        key.debug(&page.source)
            .bytes(page.key.as_bytes())
            .bytes(page.lang.as_bytes());
        key.bytes(page.dir.as_bytes())
            .bytes(page.url_path.as_bytes());
        key.debug(&page.body_line).bytes(page.body.as_bytes());
        key.finish()
    }

    /// The page's output from the last build, if made from the same `key`.
    pub(crate) fn get(&self, page: &Page, key: u64) -> Option<Made> {
        let (kept, made) = self.pages.get(&page.source)?;
        (*kept == key).then(|| Arc::clone(made))
    }

    /// This build's output (each page's, and the problems found) from what each page made,
    /// which is kept for the next build (and only that: a deleted page's goes).
    pub(crate) fn keep(
        &mut self,
        made: Vec<(&Page, u64, Made)>,
    ) -> (Vec<Rendered>, Vec<Diagnostic>) {
        let mut problems = Vec::new();
        if !self.on {
            let rendered = made.into_iter().map(|(_, _, made)| {
                let (rendered, mut found) = Arc::unwrap_or_clone(made);
                problems.append(&mut found);
                rendered
            });
            return (rendered.collect(), problems);
        }
        let mut rendered = Vec::with_capacity(made.len());
        for (_, _, made) in &made {
            rendered.push(made.0.clone());
            problems.extend(made.1.iter().cloned());
        }
        self.pages = made
            .into_iter()
            .map(|(page, key, made)| (page.source.clone(), (key, made)))
            .collect();
        (rendered, problems)
    }
}

/// What the search stage read from each built page (its title and sections, or why it could
/// not), by the page's path and a key of its bytes: that is all the reading depends on.
#[derive(Default)]
pub(crate) struct SearchMemo {
    on: bool,
    pages: HashMap<String, (u64, Extracted)>,
}

/// A page's title and sections as the search stage read them from its HTML.
pub(crate) type Extracted = Arc<Read>;

/// A page's title and sections, `None` if it is not indexed, or why it could not be read.
pub(crate) type Read = Result<Option<(String, Vec<Section>)>, String>;

impl SearchMemo {
    /// The key of a built page: its bytes.
    pub(crate) fn page_key(&self, html: &[u8]) -> u64 {
        if !self.on {
            return 0;
        }
        Key::new().bytes(html).finish()
    }

    /// What was read from the page at `path` last time, if its bytes had the same `key`.
    pub(crate) fn get(&self, path: &str, key: u64) -> Option<Extracted> {
        let (kept, read) = self.pages.get(path)?;
        (*kept == key).then(|| Arc::clone(read))
    }

    /// What was read, to use now, and what to hold of it until [`SearchMemo::keep`]
    /// (nothing when not kept).
    pub(crate) fn split(&self, read: Extracted) -> (Read, Extracted) {
        if self.on {
            ((*read).clone(), read)
        } else {
            (Arc::unwrap_or_clone(read), Arc::new(Ok(None)))
        }
    }

    /// Keeps what this build read, and only that.
    pub(crate) fn keep(&mut self, made: impl IntoIterator<Item = (String, u64, Extracted)>) {
        if !self.on {
            return;
        }
        self.pages = made
            .into_iter()
            .map(|(path, key, read)| (path, (key, read)))
            .collect();
    }
}

#[cfg(test)]
mod tests;
