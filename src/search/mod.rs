//! Search stage: one index per language, built from the final HTML of the pages (the regions
//! templates mark with `data-index`), and the normalisation and ranking the browser repeats in
//! `builtin/theme/static/normalise.js` and `search.js`.
//!
//! In: the site (its languages, `search.split_over`, the synonyms data) and the rendered files.
//! Out: for each language that has a search page, `LANG/search/index.json` (and in the split
//! form its shards and chunks); or the diagnostics of bad synonyms or unreadable pages.
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
//! - `index.rs`: a language's pages → the whole [`Index`], and an index → its postings.
//! - `rank.rs`: concepts and postings → [`Hit`]s, best first (mirrored by `search.js`).
//! - `split.rs`: an index → the files of its split form, and the reader of either form.
//! - here: the stage, `build`, and the synonyms it checks.

pub(crate) mod extract;
mod index;
pub(crate) mod normalise;
mod numerals;
pub(crate) mod query;
mod rank;
mod split;

pub use crate::hash::fnv1a32;
pub use index::{Index, IndexPage};
pub use normalise::{tokens, word_lists};
pub use query::{Concepts, parse_query, word_start};
pub use rank::{Hit, query_plan, search, with_typos, with_word_start};
pub use split::{Manifest, PageRecord, Shard, Split, search_files};

use crate::diagnostic::Diagnostic;
use crate::incremental::{Extracted, SearchMemo};
use crate::model::Files;
use crate::model::Site;
use extract::extract;
use index::PageText;
use query::query_concepts;
use rayon::prelude::*;
use std::sync::Arc;

/// Where editors keep synonym groups; loaded as data `search.synonyms`.
const SYNONYMS: &str = "content/search/synonyms.yaml";

/// `LANG/search/index.json` for each language that has a search page; in the split form
/// (when the whole index would be larger than `search.split_over`) with its shards and chunks.
/// What was read from a page is reused from `memo` when the page's bytes are unchanged.
pub(crate) fn build(
    site: &Site,
    files: &Files,
    memo: &mut SearchMemo,
) -> Result<Files, Vec<Diagnostic>> {
    let synonyms = synonyms(site)?;
    let mut out = Vec::new();
    let mut read = Vec::new();
    for lang in &site.config.languages {
        let code = &lang.code;
        if !files
            .iter()
            .any(|(p, _)| *p == format!("{code}/search/index.html"))
        {
            continue;
        }
        let index = index::index(code, &synonyms, docs(files, code, memo, &mut read)?);
        let written = index_files(&index, site.config.search.split_over).map_err(|e| {
            vec![Diagnostic::error(
                format!("{code}/search/index.json"),
                format!("cannot write the search index: {e}"),
            )]
        })?;
        out.extend(
            written
                .into_iter()
                .map(|(name, bytes)| (format!("{code}/search/{name}"), bytes)),
        );
    }
    memo.keep(read);
    Ok(out)
}

/// One language's index files, by path below `LANG/search/`: the whole form, or the split
/// form when the whole one would be larger than `split_over` bytes.
fn index_files(index: &Index, split_over: u64) -> Result<Files, serde_json::Error> {
    let mut size = Counter(0);
    serde_json::to_writer(&mut size, index)?;
    if u64::try_from(size.0).unwrap_or(u64::MAX) <= split_over {
        Ok(vec![("index.json".to_string(), serde_json::to_vec(index)?)])
    } else {
        split::split(index, size.0)
    }
}

/// Counts the bytes written to it, and keeps none: the size of the whole form, without
/// holding it when the split form is written instead.
struct Counter(usize);

impl std::io::Write for Counter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0 += bytes.len();
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What was read from one built page: its path, the key of its bytes, and what was read.
type Kept = (String, u64, Extracted);

/// (URL path, title, sections) of every indexable page of `lang`, sorted by URL path; what
/// was read from each page goes to `read`, for `memo`.
fn docs(
    files: &Files,
    lang: &str,
    memo: &SearchMemo,
    read: &mut Vec<Kept>,
) -> Result<Vec<PageText>, Vec<Diagnostic>> {
    let prefix = format!("{lang}/");
    let results: Vec<(Result<Option<PageText>, Diagnostic>, Kept)> = files
        .par_iter()
        .filter(|(p, _)| p.starts_with(&prefix) && p.ends_with("/index.html"))
        .map(|(path, bytes)| {
            let key = memo.page_key(bytes);
            let page = memo.get(path, key).unwrap_or_else(|| {
                let html = std::str::from_utf8(bytes).map_err(|e| e.to_string());
                Arc::new(html.and_then(extract))
            });
            let (page, kept) = memo.split(page);
            let doc = match page {
                Ok(page) => {
                    let url = path.trim_end_matches("index.html");
                    Ok(page.map(|(title, sections)| (url.to_string(), title, sections)))
                }
                Err(e) => Err(Diagnostic::error(
                    path,
                    format!("cannot read the built page to index it: {e}"),
                )
                .hint("this is a bug in the theme or in invest-guide; please report it")),
            };
            (doc, (path.clone(), key, kept))
        })
        .collect();
    let mut docs = Vec::new();
    let mut problems = Vec::new();
    for (r, made) in results {
        read.push(made);
        match r {
            Ok(doc) => docs.extend(doc),
            Err(d) => problems.push(d),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    docs.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(docs)
}

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
