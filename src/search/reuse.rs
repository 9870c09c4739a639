//! The search index as `serve` keeps it from one build to the next, so that an edit to a few
//! pages redoes only what those pages make of it.
//!
//! In: one language's records (URL path, title, sections; sorted by URL path), its synonyms
//! and `split_over`, and what the last build kept ([`IndexMemo`]). Out: the language's index
//! files, byte for byte those a fresh build writes (`mod.rs`'s `write_index`), handed to the
//! sink; and what to keep for the next build.
//!
//! Kept per language: each page's record (its text, as the whole index holds it) with a key of
//! it, the length of its JSON, and the files of the index; in the split form also the postings,
//! shard by shard. When the pages are the same (the same URLs in the same order: page numbers
//! are unchanged) and the synonyms and `split_over` too, only the pages whose key changed are
//! redone: their old terms are taken out of the postings and their new ones put in, and only
//! the term shards that hold a changed term, the page chunks that hold a changed page or a page
//! whose parent changed (its title is in their records), and the word-start files when the
//! set of terms changed are written again. When a count the files depend on changes (shards,
//! pages per chunk, whole or split), those files are all made again from what is kept. Any
//! other change (a page added, removed or renamed, the synonyms, `split_over`) makes the
//! language's index afresh.

use super::extract::Section;
use super::index::{self, Found, Index, PageText, Postings, PostingsList, page_number, page_terms};
use super::json;
use super::normalise::Tokeniser;
use super::split::{self, Split};
use super::{PutShared, Read};
use crate::model::Shared;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

/// Each language's index as the last build made it.
#[derive(Default)]
pub(crate) struct IndexMemo {
    langs: HashMap<String, Lang>,
}

/// One language's index: its pages, and the files made of them.
struct Lang {
    /// Key of the synonyms and `split_over`.
    context: u64,
    /// Key of each page's bytes (the built page the record was read from), in page order.
    keys: Vec<u64>,
    /// The whole index (its pages' text and parents).
    index: Index,
    /// The length of each page's JSON.
    json_lens: Vec<usize>,
    form: Form,
}

enum Form {
    /// `index.json`.
    Whole(Shared),
    Split(Box<Parts>),
}

/// The split form's files, and what they are made from.
struct Parts {
    /// Pages per chunk.
    chunk: usize,
    /// `pages/N.json`.
    chunks: Vec<Shared>,
    /// The postings, shard by shard (as `split::term_shards` deals them out).
    shards: Vec<BTreeMap<String, PostingsList>>,
    /// The [`split::shard_part`]s of every term, added up.
    total: usize,
    /// `terms/N.json`.
    shard_files: Vec<Shared>,
    /// `starts/N.json`.
    starts: Vec<Shared>,
    /// `index.json`.
    manifest: Shared,
}

impl IndexMemo {
    /// Hands `put` the index files of `lang` made from `docs`, what was read of its pages
    /// (by URL path, sorted; each with the key of its page's bytes, and a title and sections),
    /// redoing only what changed since the last build (see the module's documentation).
    pub(super) fn write(
        &mut self,
        lang: &str,
        synonyms: &[Vec<String>],
        split_over: u64,
        docs: Vec<Read>,
        put: &PutShared<'_>,
    ) -> Result<(), serde_json::Error> {
        let context = {
            let mut key = DefaultHasher::new();
            (synonyms, split_over).hash(&mut key);
            key.finish()
        };
        let keys: Vec<u64> = docs.iter().map(|(_, key, _)| *key).collect();
        let last = self.langs.remove(lang).filter(|last| {
            last.context == context
                && last.index.pages.len() == docs.len()
                && (last.index.pages.iter())
                    .zip(&docs)
                    .all(|(page, (url, _, _))| page.url == *url)
        });
        let made = match last {
            Some(last) => patched(last, keys, &docs, split_over)?,
            None => {
                let docs: Vec<PageText> = (docs.into_iter())
                    .map(|(url, _, read)| {
                        let (title, sections) = text(&read);
                        (url, title.to_string(), sections.to_vec())
                    })
                    .collect();
                let index = index::index(lang, synonyms, docs);
                let (json_lens, form) = form(&index, split_over)?;
                Lang {
                    context,
                    keys,
                    index,
                    json_lens,
                    form,
                }
            }
        };
        made.put_all(put);
        self.langs.insert(lang.to_string(), made);
        Ok(())
    }

    /// Forgets the languages not in `langs` (those without a search page now).
    pub(super) fn retain(&mut self, langs: &[&str]) {
        self.langs.retain(|lang, _| langs.contains(&lang.as_str()));
    }
}

/// The title and sections read of a page (only pages with text to index are given).
fn text(read: &super::Extracted) -> (&str, &[Section]) {
    match &**read {
        Ok(Some((title, sections))) => (title, sections),
        _ => ("", &[]),
    }
}

impl Lang {
    /// Hands `put` every file, shared with the memo (not copied).
    fn put_all(&self, put: &PutShared<'_>) {
        match &self.form {
            Form::Whole(bytes) => put("index.json".to_string(), Arc::clone(bytes)),
            Form::Split(parts) => {
                let files = [
                    ("pages", &parts.chunks),
                    ("starts", &parts.starts),
                    ("terms", &parts.shard_files),
                ];
                for (dir, files) in files {
                    for (n, bytes) in files.iter().enumerate() {
                        put(format!("{dir}/{n}.json"), Arc::clone(bytes));
                    }
                }
                put("index.json".to_string(), Arc::clone(&parts.manifest));
            }
        }
    }
}

/// `last` with the records of `docs` (the same pages, in the same order) that changed (their
/// page's bytes did, and what was read of them too), and its files made again where they
/// changed.
fn patched(
    mut last: Lang,
    keys: Vec<u64>,
    docs: &[Read],
    split_over: u64,
) -> Result<Lang, serde_json::Error> {
    let changed: Vec<usize> = (0..keys.len())
        .filter(|&n| keys[n] != last.keys[n])
        .filter(|&n| {
            let page = &last.index.pages[n];
            text(&docs[n].2) != (page.title.as_str(), page.sections.as_slice())
        })
        .collect();
    last.keys = keys;
    if changed.is_empty() {
        return Ok(last);
    }
    let mut tokeniser = Tokeniser::default();
    let old_terms: Vec<Vec<(String, Found)>> = match &last.form {
        Form::Split(_) => (changed.iter())
            .map(|&n| page_terms(&last.index.pages[n], &mut tokeniser))
            .collect(),
        Form::Whole(_) => Vec::new(),
    };
    for &n in &changed {
        let (title, sections) = text(&docs[n].2);
        let page = &mut last.index.pages[n];
        (page.title, page.sections) = (title.to_string(), sections.to_vec());
        last.json_lens[n] = serde_json::to_vec(page)?.len();
    }
    let whole_bytes = json::whole_len_of(&last.index, last.json_lens.iter().copied())?;
    let split_now = u64::try_from(whole_bytes).unwrap_or(u64::MAX) > split_over;
    match &mut last.form {
        Form::Split(parts) if split_now => {
            parts.patch(
                &last.index,
                &changed,
                old_terms,
                whole_bytes,
                &mut tokeniser,
            )?;
        }
        _ => (last.json_lens, last.form) = form(&last.index, split_over)?,
    }
    Ok(last)
}

/// The files of `index`, made afresh as `mod.rs`'s `write_index` makes them, and the length of
/// each page's JSON.
fn form(index: &Index, split_over: u64) -> Result<(Vec<usize>, Form), serde_json::Error> {
    let pages = json::pages(index)?;
    let lens = pages.iter().map(Vec::len).collect();
    let size = json::whole_len(index, &pages)?;
    if u64::try_from(size).unwrap_or(u64::MAX) <= split_over {
        let whole = super::encoding::deliver(json::whole(index, &pages)?);
        return Ok((lens, Form::Whole(Arc::new(whole))));
    }
    let chunk = split::pages_per_chunk(index.pages.len(), size);
    let chunks = chunks(index, &pages, chunk)?;
    drop(pages);
    let shards = split::term_shards(Postings::new(index));
    let total = (shards.iter().flatten())
        .map(|(term, list)| split::shard_part(term, list))
        .sum();
    let shard_files = shards
        .par_iter()
        .map(shard_file)
        .collect::<Result<_, _>>()?;
    let mut parts = Parts {
        chunk,
        chunks,
        shards,
        total,
        shard_files,
        starts: Vec::new(),
        manifest: Shared::default(),
    };
    parts.starts = parts.starts()?;
    parts.manifest = parts.manifest(index)?;
    Ok((lens, Form::Split(Box::new(parts))))
}

/// A term shard's file, as `split::shard_json` writes it.
fn shard_file(shard: &BTreeMap<String, PostingsList>) -> Result<Shared, serde_json::Error> {
    split::shard_json(shard).map(Arc::new)
}

/// Every page chunk of `index`, whose pages' JSON is `pages`, `chunk` pages each.
fn chunks(
    index: &Index,
    pages: &[Vec<u8>],
    chunk: usize,
) -> Result<Vec<Shared>, serde_json::Error> {
    (index.pages.par_chunks(chunk))
        .zip(pages.par_chunks(chunk))
        .map(|(run, json)| json::chunk(index, run, json).map(Arc::new))
        .collect()
}

impl Parts {
    /// Redoes what the pages `changed` of `index` change, given the terms each held before
    /// (`old_terms`, in the same order) and the size of the whole form now.
    fn patch(
        &mut self,
        index: &Index,
        changed: &[usize],
        old_terms: Vec<Vec<(String, Found)>>,
        whole_bytes: usize,
        tokeniser: &mut Tokeniser,
    ) -> Result<(), serde_json::Error> {
        self.patch_chunks(index, changed, whole_bytes)?;
        let count = self.shards.len();
        let mut touched = BTreeSet::new();
        let mut new_terms = false;
        for (&n, old) in changed.iter().zip(old_terms) {
            let mut found: HashMap<String, (Option<Found>, Option<Found>)> = HashMap::new();
            for (term, f) in old {
                found.entry(term).or_default().0 = Some(f);
            }
            for (term, f) in page_terms(&index.pages[n], tokeniser) {
                found.entry(term).or_default().1 = Some(f);
            }
            for (term, (old, new)) in found {
                if old == new {
                    continue;
                }
                let shard = split::shard_of(&term, count);
                touched.insert(shard);
                new_terms |= self.set(shard, term, page_number(n), new);
            }
        }
        if split::shard_count(self.total) == count {
            for shard in touched {
                self.shard_files[shard] = shard_file(&self.shards[shard])?;
            }
        } else {
            let terms = std::mem::take(&mut self.shards).into_iter().flatten();
            self.shards = split::term_shards(Postings {
                terms: terms.collect(),
            });
            self.shard_files = (self.shards.par_iter())
                .map(shard_file)
                .collect::<Result<_, _>>()?;
        }
        if new_terms {
            self.starts = self.starts()?;
        }
        self.manifest = self.manifest(index)?;
        Ok(())
    }

    /// The page chunks again where they hold a changed page or a page whose parent changed;
    /// all of them when the pages per chunk changed.
    fn patch_chunks(
        &mut self,
        index: &Index,
        changed: &[usize],
        whole_bytes: usize,
    ) -> Result<(), serde_json::Error> {
        let pages = &index.pages;
        let chunk = split::pages_per_chunk(pages.len(), whole_bytes);
        if chunk != self.chunk {
            self.chunk = chunk;
            self.chunks = chunks(index, &json::pages(index)?, chunk)?;
            return Ok(());
        }
        let changed_set: HashSet<usize> = changed.iter().copied().collect();
        let mut redo: BTreeSet<usize> = changed.iter().map(|n| n / chunk).collect();
        for (n, page) in pages.iter().enumerate() {
            if page.parent.is_some_and(|p| changed_set.contains(&p)) {
                redo.insert(n / chunk);
            }
        }
        for c in redo {
            let run = &pages[c * chunk..((c + 1) * chunk).min(pages.len())];
            let json = run
                .iter()
                .map(serde_json::to_vec)
                .collect::<Result<Vec<_>, _>>()?;
            self.chunks[c] = Arc::new(json::chunk(index, run, &json)?);
        }
        Ok(())
    }

    /// Sets what page `n` holds of `term` (in shard `shard`) to `found`, or takes the page out
    /// of the term's postings if `None`. Returns whether the set of terms changed.
    fn set(&mut self, shard: usize, term: String, n: u32, found: Option<Found>) -> bool {
        let shard = &mut self.shards[shard];
        let Some(list) = shard.get_mut(&term) else {
            let Some(found) = found else {
                return false;
            };
            let list = vec![(n, found)];
            self.total += split::shard_part(&term, &list);
            shard.insert(term, list);
            return true;
        };
        self.total -= split::shard_part(&term, list);
        match (list.binary_search_by_key(&n, |(page, _)| *page), found) {
            (Ok(at), Some(found)) => list[at].1 = found,
            (Ok(at), None) => _ = list.remove(at),
            (Err(at), Some(found)) => list.insert(at, (n, found)),
            (Err(_), None) => {}
        }
        if list.is_empty() {
            shard.remove(&term);
            return true;
        }
        self.total += split::shard_part(&term, list);
        false
    }

    /// The word-start files of the terms of every shard.
    fn starts(&self) -> Result<Vec<Shared>, serde_json::Error> {
        let mut terms: Vec<&str> = (self.shards.iter().flatten())
            .map(|(term, _)| term.as_str())
            .collect();
        terms.par_sort_unstable();
        (split::start_files(terms.into_iter()).into_iter())
            .map(|file| file.map(Arc::new))
            .collect()
    }

    fn manifest(&self, index: &Index) -> Result<Shared, serde_json::Error> {
        let split = Split {
            terms: self.shards.len(),
            pages: index.pages.len(),
            chunk: self.chunk,
            starts: self.starts.len(),
        };
        split::manifest(index.lang.clone(), index.synonyms.clone(), split).map(Arc::new)
    }
}
