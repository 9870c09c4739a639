//! Search stage: one index per language, built from the final HTML of the pages (the regions
//! templates mark with `data-index`), and the normalisation and ranking the browser repeats in
//! `builtin/theme/static/normalise.js` and `search.js`.
//!
//! In: the site (its languages, `search.split_over`, the synonyms data), and each built file as
//! it is made ([`page_text`], called by the sink: the records of the pages of the languages
//! [`languages`] names). Out: for each language that has a search page, `LANG/search/index.json`
//! (and in the split form its shards and chunks), built from those records by [`build`]; or the
//! diagnostics of bad synonyms or unreadable pages.
//!
//! An index has one of two forms, chosen by size (`search: { split_over: BYTES }` in site.yaml,
//! 256 KiB by default):
//! - whole: `LANG/search/index.json` holds the text of every page, by section ([`Index`]); the
//!   browser derives the postings from it as `Postings::new` does.
//! - split, when the whole file would be larger than `split_over`: `index.json` is a small
//!   [`Manifest`]; `terms/N.json` holds the postings of the terms whose [`fnv1a32`] is N modulo
//!   the number of shards, and `pages/N.json` the text of a run of pages (see `split.rs`).
//!
//! One file per concern, in the order a build goes through them:
//! - `extract.rs`: the HTML of a built page → its title and sections.
//! - `normalise.rs`: text → tokens; `numerals.rs`: Chinese numerals → digits; `query.rs`: a
//!   query → concepts (all three mirrored by `normalise.js`).
//! - `index.rs`: a language's pages → the whole [`Index`], and an index → its postings
//!   (`terms.rs`: the builder's term numbers).
//! - `rank.rs`: concepts and postings → [`Hit`]s, best first (mirrored by `search.js`).
//! - `split.rs`: an index → the files of its split form, and the reader of either form;
//!   `json.rs`: the index files' JSON, from each page's written once; `sections.rs`: a page's
//!   sections in that JSON (without the ids their headings imply); `encoding.rs`: the whole
//!   form in windows-1251 when that is markedly smaller (a Cyrillic index).
//! - here: the stage (`languages`, `page_text` per built file, `build` over the records), and
//!   the synonyms it checks.

mod encoding;
pub(crate) mod extract;
mod index;
mod json;
pub(crate) mod normalise;
mod numerals;
pub(crate) mod query;
mod rank;
mod reuse;
mod sections;
mod split;
mod terms;

pub use crate::hash::fnv1a32;
pub use encoding::decode as decode_index;
pub use index::{Index, IndexPage};
pub use normalise::{tokens, word_lists};
pub use query::{Concepts, parse_query, word_start};
pub use rank::{Hit, query_plan, search, with_typos, with_word_start};
pub(crate) use reuse::IndexMemo;
pub use sections::implied_id;
pub use split::{Manifest, PageRecord, Shard, Split, search_files};

use crate::diagnostic::Diagnostic;
use crate::incremental::{Extracted, SearchMemo};
use crate::model::{Put, Site};
use extract::extract;
pub(crate) use index::PageText;
use query::query_concepts;
use std::collections::BTreeSet;
use std::sync::Arc;

/// Where editors keep synonym groups; loaded as data `search.synonyms`.
const SYNONYMS: &str = "content/search/synonyms.yaml";

/// The languages whose pages the index step will need, known before any page is built: those
/// with a page or an alias at `LANG/search/`. Only their pages go through [`page_text`].
pub(crate) fn languages(site: &Site) -> Vec<String> {
    let aliases = site
        .pages
        .iter()
        .filter(|p| !p.fallback)
        .flat_map(|p| p.front.aliases.iter().map(|a| a.file()));
    let aliases: BTreeSet<String> = aliases.collect();
    let made = |file: &str| {
        let folder = file.strip_suffix("index.html");
        aliases.contains(file)
            || site
                .pages
                .iter()
                .any(|p| Some(p.url_path.as_str()) == folder)
    };
    site.config
        .languages
        .iter()
        .filter(|l| made(&search_page(&l.code)))
        .map(|l| l.code.clone())
        .collect()
}

fn search_page(lang: &str) -> String {
    format!("{lang}/search/index.html")
}

/// One built file's record for the index of a language in `languages` (as [`languages`] gives
/// them): its URL path, title and sections, if it is an indexable page of one of them.
pub(crate) fn page_text(
    languages: &[String],
    path: &str,
    bytes: &[u8],
) -> Result<Option<PageText>, Diagnostic> {
    if !indexed(languages, path) {
        return Ok(None);
    }
    let page = read(bytes).map_err(|e| unreadable(path, &e))?;
    Ok(page.map(|(title, sections)| (url(path), title, sections)))
}

/// As [`page_text`], reusing what `memo` read from a page of the same path and bytes (known
/// to be the same when `unchanged`: then they are not even hashed). Returns what was read (for
/// the index, [`build`] with a memo, and the next build's memo; `None` for a file that is not
/// indexed), and why it could not be read.
pub(crate) fn page_text_reusing(
    languages: &[String],
    path: &str,
    bytes: &[u8],
    memo: &SearchMemo,
    unchanged: bool,
) -> (Option<Diagnostic>, Option<Read>) {
    if !indexed(languages, path) {
        return (None, None);
    }
    let (key, read) = match memo.last(path).filter(|_| unchanged) {
        Some(last) => last,
        None => {
            let key = SearchMemo::page_key(bytes);
            let read = memo.get(path, key).unwrap_or_else(|| Arc::new(read(bytes)));
            (key, read)
        }
    };
    let problem = read.as_ref().as_ref().err().map(|e| unreadable(path, e));
    (problem, Some((path.to_string(), key, read)))
}

/// What was read from one built page: its path, the key of its bytes, and what was read.
pub(crate) type Read = (String, u64, Extracted);

/// Whether `path` is a page of one of `languages`.
fn indexed(languages: &[String], path: &str) -> bool {
    path.ends_with("/index.html")
        && languages.iter().any(|l| {
            path.strip_prefix(l.as_str())
                .is_some_and(|p| p.starts_with('/'))
        })
}

/// A built page's title and sections, or why they cannot be read.
fn read(bytes: &[u8]) -> Result<Option<(String, Vec<extract::Section>)>, String> {
    let html = crate::fsx::utf8(bytes).map_err(|e| e.to_string());
    html.and_then(extract)
}

/// A page's URL path, from its file's.
fn url(path: &str) -> String {
    path.trim_end_matches("index.html").to_string()
}

fn unreadable(path: &str, e: &str) -> Diagnostic {
    Diagnostic::error(path, format!("cannot read the built page to index it: {e}"))
        .hint("this is a bug in the theme or in invest-guide; please report it")
}

/// Index step: `LANG/search/index.json` for each language that has a search page among
/// `paths` (every file built), from the records [`page_text`] made of its pages (`texts` gives
/// a language's, in any order, when the index is made: one language's at a time are in
/// memory); in the split form (when the whole index would be larger than `search.split_over`) with its
/// shards and chunks, each language's files handed to `out` as soon as they are made.
/// `problems` are those [`page_text`] found, in path order: they fail the stage. With a `memo`
/// (`serve`), the pages are what [`page_text_reusing`] read (`texts` gives none), and only what
/// changed since the last build is made again (`reuse.rs`).
pub(crate) fn build(
    site: &Site,
    paths: &[Arc<str>],
    texts: &Texts<'_>,
    problems: Vec<Diagnostic>,
    out: &dyn Put,
    memo: Option<(&mut IndexMemo, Vec<Read>)>,
) -> Result<(), Vec<Diagnostic>> {
    let synonyms = synonyms(site)?;
    if !problems.is_empty() {
        return Err(problems);
    }
    let expected = languages(site);
    let (mut memo, mut reads) = match memo {
        Some((memo, reads)) => (Some(memo), records(reads)),
        None => (None, Vec::new()),
    };
    let mut written = Vec::new();
    for lang in &site.config.languages {
        let code = &lang.code;
        let page = search_page(code);
        if paths
            .binary_search_by(|p| (**p).cmp(page.as_str()))
            .is_err()
        {
            continue;
        }
        if !expected.contains(code) {
            return Err(vec![
                Diagnostic::error(&page, "a search page appeared that no page or alias made")
                    .hint("this is a bug in invest-guide; please report it"),
            ]);
        }
        let prefix = format!("{code}/");
        let records;
        (records, reads) = std::mem::take(&mut reads)
            .into_iter()
            .partition(|(url, _, _)| url.starts_with(&prefix));
        let dir = format!("{code}/search/");
        let put = |name: String, bytes: Vec<u8>| out.put(format!("{dir}{name}"), bytes);
        let put_shared = |name: String, bytes: crate::model::Shared| {
            out.put_shared(format!("{dir}{name}"), bytes, false);
        };
        let split_over = site.config.search.split_over;
        let made = match &mut memo {
            Some(memo) => memo.write(code, &synonyms, split_over, records, &put_shared),
            None => {
                let mut docs = texts(code).map_err(|d| vec![d])?;
                docs.sort_by(|a, b| a.0.cmp(&b.0));
                write_index(index::index(code, &synonyms, docs), split_over, &put)
            }
        };
        made.map_err(|e| {
            vec![Diagnostic::error(
                format!("{code}/search/index.json"),
                format!("cannot write the search index: {e}"),
            )]
        })?;
        written.push(code.as_str());
    }
    if let Some(memo) = memo {
        memo.retain(&written);
    }
    Ok(())
}

/// The records of the pages that have text to index, by URL path, sorted: each with the key
/// of its page's bytes and what was read of it.
fn records(reads: Vec<Read>) -> Vec<Read> {
    let mut records: Vec<Read> = (reads.into_iter())
        .filter(|(_, _, read)| matches!(**read, Ok(Some(_))))
        .map(|(path, key, read)| (url(&path), key, read))
        .collect();
    records.sort_by(|a, b| a.0.cmp(&b.0));
    records
}

/// Hands `put` one language's index files, by path below `LANG/search/`, each as soon as it is
/// made: the whole form, or the split form when the whole one would be larger than
/// `split_over` bytes. Each page is written as JSON once, in parallel; the whole form, its size
/// and the split form's page chunks are put together from those (`json.rs`).
fn write_index(index: Index, split_over: u64, put: &PutFile<'_>) -> Result<(), serde_json::Error> {
    let pages = json::pages(&index)?;
    let size = json::whole_len(&index, &pages)?;
    if u64::try_from(size).unwrap_or(u64::MAX) <= split_over {
        put(
            "index.json".to_string(),
            encoding::deliver(json::whole(&index, &pages)?),
        );
        Ok(())
    } else {
        split::split(index, size, pages, put)
    }
}

/// Where the index step takes a language's records from, by its code: the sink.
pub(crate) type Texts<'a> = dyn Fn(&str) -> Result<Vec<PageText>, Diagnostic> + 'a;

/// Where the index step hands each index file: its path below `LANG/search/`, its bytes.
pub(super) type PutFile<'a> = dyn Fn(String, Vec<u8>) + Sync + 'a;

/// As [`PutFile`], for files a memo keeps too (`serve`'s [`IndexMemo`]): handed over shared.
pub(super) type PutShared<'a> = dyn Fn(String, crate::model::Shared) + Sync + 'a;

/// The synonym groups of the site's data file, checked: each a list of two or more members,
/// each member with at least one searchable word.
fn synonyms(site: &Site) -> Result<Vec<Vec<String>>, Vec<Diagnostic>> {
    let Some(node) = site.data.get("search").and_then(|s| s.get("synonyms")) else {
        return Ok(Vec::new());
    };
    let groups: Vec<Vec<String>> = serde_json::from_value(node.clone()).map_err(|e| {
        vec![
            Diagnostic::error(
                SYNONYMS,
                format!("synonyms must be a list of groups of words: {e}"),
            )
            .hint(
                "write each group as a list on one line: `- [外资, 外商投资, foreign investment]`",
            ),
        ]
    })?;
    let mut problems = Vec::new();
    for (i, group) in groups.iter().enumerate() {
        if group.len() < 2 {
            problems.push(
                Diagnostic::error(
                    SYNONYMS,
                    format!("group {} has fewer than two members", i + 1),
                )
                .hint("add the other names of the same thing, or remove the group"),
            );
        }
        for member in group.iter().filter(|m| query_concepts(m).is_empty()) {
            problems.push(
                Diagnostic::error(
                    SYNONYMS,
                    format!("group {}: `{member}` has no searchable word", i + 1),
                )
                .hint("a member needs a Chinese character, or a word of two letters or a number"),
            );
        }
    }
    if problems.is_empty() {
        Ok(groups)
    } else {
        Err(problems)
    }
}
