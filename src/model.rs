//! Plain data of a site: pages, their front matter and translations. No I/O here.

use crate::config::Config;
use crate::date::Date;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// Output files: path below the output folder → content.
pub type Files = Vec<(String, Vec<u8>)>;

/// A file's bytes as `serve` holds them: shared by its memo, the next build and the server, so
/// that a file a rebuild leaves unchanged costs a pointer copy, not a copy of its bytes.
pub(crate) type Shared = Arc<Vec<u8>>;

/// Output files as `serve` holds them: path below the output folder → shared content.
pub(crate) type SharedFiles = Vec<(String, Shared)>;

/// Where a stage hands each output file as soon as it is made (from any thread), instead of
/// returning them all: `lib.rs`'s sink writes it to the staging folder, keeps it in memory for
/// `serve`, or drops it for `check`, and notes what later stages need.
pub(crate) trait Put: Sync {
    fn put(&self, path: String, bytes: Vec<u8>);

    /// As [`Put::put`], for bytes a memo holds too (`serve`); `unchanged` when they are those
    /// the last build put at the same path, so that what was noted of them then may be reused.
    fn put_shared(&self, path: String, bytes: Shared, unchanged: bool) {
        let _ = unchanged;
        self.put(path, Arc::unwrap_or_clone(bytes));
    }
}

/// Everything the load stage found in a site root.
#[derive(Debug)]
pub(crate) struct Site {
    pub config: Config,
    /// Sorted by key, then language order: the same for every build of the same input.
    pub pages: Vec<Page>,
    /// YAML data files under `content/`, nested by path (`content/a/b.yaml` → `data.a.b`).
    pub data: serde_json::Value,
    /// The text of each data file, by its path below the site root (`content/a/b.yaml`), for
    /// stages that point at a line of it.
    pub data_text: BTreeMap<PathBuf, String>,
    /// Tag pages: (language, slug) → the tag as written and the keys of the pages that carry
    /// it, in section order (see `listing.rs`).
    pub tags: BTreeMap<(String, String), Tag>,
    /// For each of `pages`, how its list is cut into list pages; `None` for pages that are
    /// not a paginated list.
    pub paging: Vec<Option<Paging>>,
}

/// How a list (a section's pages, a tag's pages) is cut: `per_page` items a page over `pages` pages (at least one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Paging {
    pub per_page: usize,
    pub items: usize,
    pub pages: usize,
}

/// A tag in one language, for its page `/LANG/tags/SLUG/`.
#[derive(Debug, Default)]
pub(crate) struct Tag {
    pub name: String,
    /// Keys of the pages tagged with it, in order (weight, newest date, title).
    pub pages: Vec<String>,
}

/// One page in one language, as read from its file (or made up: generated sections, fallbacks).
#[derive(Clone, Debug)]
pub(crate) struct Page {
    /// Relative to the site root, e.g. `content/measures/01-negative-list.en.md`.
    pub source: PathBuf,
    /// Language-neutral identity shared by translations: `measures/01-negative-list`,
    /// `measures/_index`, `_index`.
    pub key: String,
    pub lang: String,
    /// Folder under `content/` (`measures`, or empty for the root).
    pub dir: String,
    pub is_index: bool,
    /// Made up by the generator for a section (or home) that has no `_index` file.
    pub generated: bool,
    /// A copy of the default-language page standing in for a missing translation
    /// (sites with `translations: fallback` only).
    pub fallback: bool,
    /// Short content hash of the source file, for translation staleness.
    pub source_hash: String,
    /// Shared: `serve` hands a page it did not read again to each build without copying it.
    pub front: Arc<FrontMatter>,
    /// Shared too, for the same reason.
    pub body: Arc<str>,
    /// 1-based line of `source` where `body` starts.
    pub body_line: usize,
    /// URL path below the base path, e.g. `en/measures/01-negative-list/`.
    pub url_path: String,
}

/// A page's front matter, checked.
#[derive(Clone, Debug, Default, Serialize)]
pub(crate) struct FrontMatter {
    pub title: String,
    /// Shown on cards and in search results; `description` when only that is given.
    pub summary: Option<String>,
    /// The page's meta description; `summary` when only that is given.
    pub description: Option<String>,
    pub date: Option<Date>,
    /// `updated`, or Hugo's `lastmod`.
    pub updated: Option<Date>,
    /// Replaces the last segment of the page's URL (checked as file names are).
    pub slug: Option<String>,
    /// Meta keywords.
    pub keywords: Vec<String>,
    /// Meta author, in this order.
    pub authors: Vec<String>,
    pub weight: Option<i64>,
    pub tags: Vec<String>,
    /// List pages of this section hold this many pages each (`_index` files only; 0: one
    /// page); overrides `paginate` in `site.yaml`.
    pub paginate: Option<usize>,
    pub draft: bool,
    pub template: Option<String>,
    pub aliases: Vec<Alias>,
    pub extra: serde_json::Value,
    /// Hash of the default-language source this translation was last reviewed against; written
    /// by `invest-guide translations --mark-reviewed`, never by hand.
    pub translated_from: Option<String>,
    /// The typed fields the page's section declares in `site.yaml`.
    pub fields: BTreeMap<String, serde_json::Value>,
    /// Line in the source file of each field, for later diagnostics.
    #[serde(skip)]
    pub lines: BTreeMap<String, usize>,
}

/// An old URL of a page (`aliases:`): a path from the site's root such as `/en/old-name/`
/// (below the base path on a sub-path site), checked by the front-matter stage.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Alias {
    pub path: String,
    /// Where it is written in the source file.
    #[serde(skip)]
    pub line: usize,
    #[serde(skip)]
    pub col: usize,
}

impl Alias {
    /// The file the redirect is written to, below the output folder: `en/old-name/index.html`
    /// for `/en/old-name/` or `/en/old-name`, `en/old.html` for `/en/old.html`.
    pub(crate) fn file(&self) -> String {
        let rel = self.path.trim_start_matches('/');
        if rel.ends_with(".html") {
            rel.to_string()
        } else {
            format!("{}/index.html", rel.trim_end_matches('/'))
        }
    }

    /// The URL path it answers, below the base path: `en/old-name/`, `en/old.html`.
    pub(crate) fn url_path(&self) -> String {
        self.file()
            .strip_suffix("index.html")
            .map_or_else(|| self.file(), str::to_string)
    }
}

/// A page's Markdown output. The render stage returns one per page of [`Site::pages`], in the
/// same order, each `html` emptied once the page's files are made (but a feed's pages', until
/// the feeds are made).
#[derive(Clone, Debug, Default)]
pub(crate) struct Rendered {
    pub html: String,
    pub toc: Vec<Heading>,
    /// Links to check once every page is known: (target as written, line in the source).
    pub local_links: Vec<(String, usize)>,
    /// Links to other sites (with a scheme), listed by `check`, never fetched.
    pub external_links: Vec<(String, usize)>,
}

/// A heading of a page's body, for the table of contents and anchors.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
}

impl Page {
    /// Sort order inside a section: weight first, then newest date, then title (then key).
    /// Borrowed, so a sort compares without copying: `list.sort_by(|a, b| a.order_key().cmp(&b.order_key()))`.
    pub(crate) fn order_key(
        &self,
    ) -> (i64, std::cmp::Reverse<Option<jiff::Timestamp>>, &str, &str) {
        (
            self.front.weight.unwrap_or(i64::MAX),
            std::cmp::Reverse(self.front.date.as_ref().map(|d| d.instant)),
            &self.front.title,
            &self.key,
        )
    }
}

/// Translation coverage: one page in one language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub key: String,
    pub lang: String,
    pub status: Status,
    /// The file to create or edit.
    pub file: PathBuf,
}

/// How a page stands in a language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// The default-language source itself.
    Source,
    Ok,
    Missing,
    /// The source changed since the translation was last marked as reviewed.
    Stale,
    /// Shown from the default language (sites with `translations: fallback`).
    Fallback,
    /// Not marked with `translated_from`, on a site that does not require it.
    Untracked,
}

impl Status {
    /// The word `translations` prints for this status.
    pub fn label(self) -> &'static str {
        match self {
            Status::Source => "source",
            Status::Ok => "ok",
            Status::Missing => "missing",
            Status::Stale => "stale",
            Status::Fallback => "fallback",
            Status::Untracked => "untracked",
        }
    }
}

/// URL path (below the base path) of the page with `key` in `lang`.
/// The URL path of the page `key` in `lang` whose front matter may set a `slug`, which replaces
/// the last segment: `measures/09-x` with slug `factors` → `en/measures/factors/`.
pub(crate) fn page_url_path(key: &str, lang: &str, slug: Option<&str>) -> String {
    match slug {
        Some(slug) => match key.rsplit_once('/') {
            Some((dir, _)) => url_path(&format!("{dir}/{slug}"), lang),
            None => url_path(slug, lang),
        },
        None => url_path(key, lang),
    }
}

pub(crate) fn url_path(key: &str, lang: &str) -> String {
    let dir = key
        .strip_suffix("_index")
        .map(|d| d.trim_end_matches('/'))
        .unwrap_or(key);
    if dir.is_empty() {
        format!("{lang}/")
    } else {
        format!("{lang}/{dir}/")
    }
}

#[cfg(test)]
mod tests {
    use super::url_path;

    #[test]
    fn url_paths_follow_the_contract() {
        assert_eq!(url_path("_index", "zh"), "zh/");
        assert_eq!(url_path("measures/_index", "en"), "en/measures/");
        assert_eq!(
            url_path("measures/01-negative-list", "en"),
            "en/measures/01-negative-list/"
        );
        assert_eq!(url_path("policy", "ru"), "ru/policy/");
        assert_eq!(
            super::page_url_path("measures/09-x", "en", Some("factors")),
            "en/measures/factors/"
        );
        assert_eq!(
            super::page_url_path("policy", "ru", Some("plan")),
            "ru/plan/"
        );
        assert_eq!(super::page_url_path("policy", "ru", None), "ru/policy/");
    }
}
