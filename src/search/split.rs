//! The split form of an index, for sites whose whole index would be too large to fetch for
//! one query, and the reader of either form.
//!
//! In: an [`Index`] and the size of its whole form (writing), or a function that reads a file
//! of the built site, a language and a query (reading). Out: the files of the split form by
//! path below `LANG/search/` (writing), or the query's [`Hit`]s, read as the browser reads them
//! (reading: [`search_files`]).
//!
//! `index.json` is a small [`Manifest`] (language, synonyms, shard count K, pages per chunk C).
//! `terms/N.json` holds the postings of every term whose [`fnv1a32`] (of its UTF-8 bytes) is N
//! modulo K, K chosen for about 32 KiB a shard: per page holding the term, its number (as the
//! difference from the previous one) and what ranking needs (title, heading, body count:
//! `Found`, packed). `pages/N.json` holds pages N·C … N·C + C − 1 in URL order, C chosen for
//! about 4 KiB a chunk, each page with its text (for the best section, the link's anchor and
//! the snippet) and its parent's title. `starts/N.json` lists the index words by their first
//! three letters S, N = [`fnv1a32`] of S modulo the manifest's `starts`. A query fetches the
//! manifest, the word-start file of its last word (when it is a word being typed), the shards
//! of its terms (synonym alternatives and word starts included), when they find few pages the
//! word-start files of its long words and the shards of the index words a typo away, then
//! the chunks of the results it shows, ten at a time.
//!
//! The browser reads this form in `builtin/theme/static/search.js`: `fnv1a32` is
//! [`fnv1a32`] (`src/hash.rs`), `decode` is [`decode`], `splitIndex` reads shards and chunks as
//! [`read_postings`] and [`search_files`] do, and `searchIndex` is [`search_files`].

use super::PutFile;
use super::index::{Found, Index, IndexPage, Postings, PostingsList, add_body, section_weights};
use super::json;
use super::normalise::Tokeniser;
use super::query::{parse_query, word_start};
use super::rank::{
    FEW, Hit, locate, merged, query_terms, ranked, search, start_key, typo_keys, with_typos,
    with_word_start,
};
use crate::hash::fnv1a32;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// `LANG/search/index.json` of a split index: what a query needs to find the rest.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub lang: String,
    pub synonyms: Vec<Vec<String>>,
    pub split: Split,
}

/// The split form's parameters in the manifest: how many term shards and pages per chunk.
#[derive(Debug, Serialize, Deserialize)]
pub struct Split {
    /// Number of term shards: a term's postings are in `terms/N.json`, N = [`fnv1a32`] of the
    /// term modulo this.
    pub terms: usize,
    /// Number of pages.
    pub pages: usize,
    /// Pages per chunk: page P is record P mod `chunk` of `pages/(P / chunk).json`.
    pub chunk: usize,
    /// Number of word-start files: the index words beginning with the three letters S are in
    /// `starts/N.json` under S, N = [`fnv1a32`] of S modulo this (0: none).
    #[serde(default)]
    pub starts: usize,
}

/// A term shard: term → its postings, flat: page number (the first; after it, the difference
/// from the previous one), packed weight (`Found::packed`), and so on.
pub type Shard = BTreeMap<String, Vec<usize>>;

/// A page in a page chunk: the page as in the whole index (`P` is `&IndexPage` when
/// writing), and its parent's title for the "section it belongs to" line, so that line needs
/// no other chunk.
#[derive(Debug, Serialize, Deserialize)]
pub struct PageRecord<P = IndexPage> {
    #[serde(flatten)]
    pub page: P,
    #[serde(rename = "pt", default, skip_serializing_if = "Option::is_none")]
    pub parent_title: Option<String>,
}

/// Target size of a term shard, uncompressed; hot terms can make one larger.
const SHARD_BYTES: usize = 32 * 1024;
/// Target size of a page chunk: small, as the results shown rarely sit side by side.
const CHUNK_BYTES: usize = 4 * 1024;

impl Found {
    /// As stored in a term shard: 1 if in the title, + 2 if in a heading, + body count × 4.
    fn packed(self) -> u32 {
        u32::from(self.title) | u32::from(self.heading) << 1 | u32::from(self.count) << 2
    }

    fn unpacked(w: u32) -> Found {
        Found {
            title: w & 1 != 0,
            heading: w & 2 != 0,
            count: add_body(0, w >> 2),
        }
    }
}

pub(super) fn shard_of(term: &str, shards: usize) -> usize {
    usize::try_from(fnv1a32(term)).unwrap_or(0) % shards.max(1)
}

/// A postings list as a term shard holds it, as numbers: what [`shard_json`] writes and
/// [`decode`] reads (the tests hold both to it).
#[cfg(test)]
fn encode(postings: &[(u32, Found)]) -> Vec<usize> {
    let mut out = Vec::with_capacity(postings.len() * 2);
    let mut previous = 0;
    for &(page, found) in postings {
        out.push((page - previous) as usize);
        out.push(found.packed() as usize);
        previous = page;
    }
    out
}

fn decode(flat: &[usize]) -> Result<PostingsList, String> {
    if !flat.len().is_multiple_of(2) {
        return Err("a postings list has an odd length".into());
    }
    let mut page = 0u32;
    flat.chunks_exact(2)
        .map(|pair| {
            let step = u32::try_from(pair[0]).map_err(|_| "a page number overflows")?;
            page = page.checked_add(step).ok_or("a page number overflows")?;
            let w = u32::try_from(pair[1]).map_err(|_| "a weight is out of range")?;
            Ok((page, Found::unpacked(w)))
        })
        .collect()
}

/// Hands `put` the files of the split form of `index`, by path below `LANG/search/`, each as
/// soon as it is made: the page chunks, the word-start files, the term shards, the manifest.
/// `whole_bytes`, the size of the whole form, sizes the chunks; `page_json` is the JSON of each
/// page (`json::pages`), each dropped once in its chunk. The pages' text is dropped once the
/// postings are made, and each shard's postings once the shard is written. Chunks and shards
/// are written in parallel, the chunks while the postings are made.
pub(super) fn split(
    index: Index,
    whole_bytes: usize,
    mut page_json: Vec<Vec<u8>>,
    put: &PutFile<'_>,
) -> Result<(), serde_json::Error> {
    let pages = index.pages.len();
    let chunk = pages_per_chunk(pages, whole_bytes);
    // The chunks are written while the postings are made: a chunk is a file of its own (at
    // 30,000 pages about one a page), and files made in one folder are made one at a time.
    let (written, postings) = rayon::join(
        || {
            (index.pages.par_chunks(chunk))
                .zip(page_json.par_chunks_mut(chunk))
                .enumerate()
                .try_for_each(|(n, (run, json))| {
                    let bytes = json::chunk(&index, run, json)?;
                    json.iter_mut().for_each(|page| *page = Vec::new());
                    put(format!("pages/{n}.json"), bytes);
                    Ok::<_, serde_json::Error>(())
                })
        },
        || Postings::new(&index),
    );
    written?;
    drop(page_json);
    let Index {
        lang,
        synonyms,
        pages: text,
    } = index;
    drop(text);
    let starts = start_files(postings.terms.keys().map(String::as_str));
    let starts_len = starts.len();
    for (n, start) in starts.into_iter().enumerate() {
        put(format!("starts/{n}.json"), start?);
    }
    let starts = starts_len;
    let shards = term_shards(postings);
    let terms = shards.len();
    shards
        .into_par_iter()
        .enumerate()
        .try_for_each(|(n, shard)| {
            put(format!("terms/{n}.json"), shard_json(&shard)?);
            Ok::<_, serde_json::Error>(())
        })?;
    let split = Split {
        terms,
        pages,
        chunk,
        starts,
    };
    put("index.json".to_string(), manifest(lang, synonyms, split)?);
    Ok(())
}

/// How many pages a page chunk holds, for `pages` pages whose whole form is `whole_bytes`.
pub(super) fn pages_per_chunk(pages: usize, whole_bytes: usize) -> usize {
    (CHUNK_BYTES * pages.max(1) / whole_bytes.max(1)).max(1)
}

/// The manifest's bytes.
pub(super) fn manifest(
    lang: String,
    synonyms: Vec<Vec<String>>,
    split: Split,
) -> Result<Vec<u8>, serde_json::Error> {
    serde_json::to_vec(&Manifest {
        lang,
        synonyms,
        split,
    })
}

/// A term shard's bytes, from the postings of its terms: what `serde_json` writes for the
/// map of each term to its [`encode`]d list, written without making those lists (a shard's
/// numbers are most of the split form's bytes).
pub(super) fn shard_json(
    shard: &BTreeMap<String, PostingsList>,
) -> Result<Vec<u8>, serde_json::Error> {
    let len: usize = (shard.iter())
        .map(|(term, list)| shard_part(term, list))
        .sum();
    let mut out = Vec::with_capacity(len + 2);
    out.push(b'{');
    for (n, (term, list)) in shard.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        serde_json::to_writer(&mut out, term)?;
        out.extend_from_slice(b":[");
        let mut previous = 0;
        for (i, &(page, found)) in list.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            push_number(&mut out, page - previous);
            out.push(b',');
            push_number(&mut out, found.packed());
            previous = page;
        }
        out.push(b']');
    }
    out.push(b'}');
    Ok(out)
}

/// `n` in decimal, as `serde_json` writes a number.
fn push_number(out: &mut Vec<u8>, mut n: u32) {
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// The postings of every term, in as many shards as make about [`SHARD_BYTES`] each once
/// encoded: shard N holds the terms whose hash is N modulo the number of shards.
pub(super) fn term_shards(postings: Postings) -> Vec<BTreeMap<String, PostingsList>> {
    let total: usize = (postings.terms.par_iter())
        .map(|(term, list)| shard_part(term, list))
        .sum();
    let shard_count = shard_count(total);
    let mut shards: Vec<BTreeMap<String, PostingsList>> = vec![BTreeMap::new(); shard_count];
    for (term, list) in postings.terms {
        shards[shard_of(&term, shard_count)].insert(term, list);
    }
    shards
}

/// What a term and its postings add to the size of the shards: `"term":[…],` as it will be
/// written (a term's length in bytes, not as JSON escapes it).
pub(super) fn shard_part(term: &str, list: &[(u32, Found)]) -> usize {
    term.len() + encoded_len(list) + 4
}

/// How many term shards postings of `total` [`shard_part`]s make.
pub(super) fn shard_count(total: usize) -> usize {
    total.div_ceil(SHARD_BYTES).max(1)
}

/// The length of the JSON array [`encode`] makes of `postings`, as `serde_json` writes it.
fn encoded_len(postings: &[(u32, Found)]) -> usize {
    let digits = |n: u32| n.checked_ilog10().map_or(1, |d| d as usize + 1);
    let mut previous = 0;
    let mut len = 2 + (postings.len() * 2).saturating_sub(1);
    for &(page, found) in postings {
        len += digits(page - previous) + digits(found.packed());
        previous = page;
    }
    len
}

/// The word-start files' bytes: the index words (`terms`, in order) by their first three
/// letters, in as many files as make about [`SHARD_BYTES`] each, so that a word being typed
/// needs one of them (`rank::with_word_start`).
pub(super) fn start_files<'a>(
    terms: impl Iterator<Item = &'a str>,
) -> Vec<Result<Vec<u8>, serde_json::Error>> {
    let keyed: Vec<(&str, &str)> = terms.filter_map(|t| Some((start_key(t)?, t))).collect();
    let total: usize = keyed.iter().map(|(k, t)| k.len() + t.len() + 8).sum();
    let count = total.div_ceil(SHARD_BYTES).max(1);
    let mut files = vec![BTreeMap::<&str, Vec<&str>>::new(); count];
    for (key, term) in keyed {
        files[shard_of(key, count)]
            .entry(key)
            .or_default()
            .push(term);
    }
    files.iter().map(serde_json::to_vec).collect()
}

/// `LANG/search/index.json` in either form, told apart by the manifest's `split`.
#[derive(Deserialize)]
#[serde(untagged)]
enum IndexFile {
    Split(Manifest),
    Whole(Index),
}

/// The hits of `query` in the index of `lang`, read as the browser reads it: `read` returns
/// the bytes of a file below the site root. A split index is read only as far as the query
/// needs: the manifest, the shards of its terms and the chunks of the pages found.
pub fn search_files(
    read: impl Fn(&str) -> Result<Vec<u8>, String>,
    lang: &str,
    query: &str,
) -> Result<Vec<Hit>, String> {
    let dir = format!("{lang}/search/");
    let manifest = match read_json(&read, &format!("{dir}index.json"))? {
        IndexFile::Whole(index) => return Ok(search(&index, query)),
        IndexFile::Split(manifest) => manifest,
    };
    let Split {
        terms: shards,
        chunk,
        ..
    } = manifest.split;
    if shards == 0 || chunk == 0 {
        return Err(format!(
            "{dir}index.json: no term shards or no pages per chunk"
        ));
    }
    let starts = manifest.split.starts;
    let mut start_files = BTreeMap::new();
    let mut words = |key: &str| read_starts(&read, &dir, starts, &mut start_files, key);
    let concepts = parse_query(query, &manifest.synonyms);
    let concepts = match word_start(query, &concepts) {
        Some(start) => with_word_start(concepts, &start, &words(&start)?),
        None => concepts,
    };
    let mut shard_files = BTreeMap::new();
    let postings = read_postings(
        &read,
        &dir,
        shards,
        &mut shard_files,
        &query_terms(&concepts),
    )?;
    let mut list = ranked(&postings, &concepts);
    let mut concepts = concepts;
    // As `rank::forgiving`: few pages for the words as typed, and mistyped words are tried.
    if list.len() < FEW {
        let mut candidates = Vec::new();
        for key in typo_keys(&concepts) {
            candidates.extend(words(&key)?);
        }
        let wide = with_typos(&concepts, &candidates);
        if wide != concepts {
            let postings =
                read_postings(&read, &dir, shards, &mut shard_files, &query_terms(&wide))?;
            list = merged(list, ranked(&postings, &wide));
            concepts = wide;
        }
    }
    let terms = query_terms(&concepts);
    let mut chunks: BTreeMap<usize, Vec<PageRecord>> = BTreeMap::new();
    let mut tokeniser = Tokeniser::default();
    list.iter()
        .map(|r| {
            let path = format!("{dir}pages/{}.json", r.page / chunk);
            let records = read_once(&read, &mut chunks, r.page / chunk, &path)?;
            let record = records
                .get(r.page % chunk)
                .ok_or_else(|| format!("{path}: no page {}", r.page))?;
            Ok(locate(
                r,
                &record.page,
                &section_weights(&record.page, &mut tokeniser),
                &terms,
            ))
        })
        .collect()
}

/// The index words under the first three letters of `start`, from the word-start file their
/// hash names (none when the index has no such files).
fn read_starts(
    read: &impl Fn(&str) -> Result<Vec<u8>, String>,
    dir: &str,
    files: usize,
    cache: &mut BTreeMap<usize, BTreeMap<String, Vec<String>>>,
    start: &str,
) -> Result<Vec<String>, String> {
    let Some(key) = start_key(start).filter(|_| files > 0) else {
        return Ok(Vec::new());
    };
    let n = shard_of(key, files);
    let path = format!("{dir}starts/{n}.json");
    let file = read_once(read, cache, n, &path)?;
    Ok(file.get(key).cloned().unwrap_or_default())
}

/// The postings of `terms`, from the shards their hashes name.
fn read_postings(
    read: &impl Fn(&str) -> Result<Vec<u8>, String>,
    dir: &str,
    shards: usize,
    loaded: &mut BTreeMap<usize, Shard>,
    terms: &BTreeSet<&str>,
) -> Result<Postings, String> {
    let mut postings = BTreeMap::new();
    for term in terms {
        let n = shard_of(term, shards);
        let path = format!("{dir}terms/{n}.json");
        if let Some(flat) = read_once(read, loaded, n, &path)?.get(*term) {
            let list = decode(flat).map_err(|e| format!("{path}: `{term}`: {e}"))?;
            postings.insert(term.to_string(), list);
        }
    }
    Ok(Postings { terms: postings })
}

/// The file at `path` as `T`, read the first time `key` is asked for and kept in `cache`.
fn read_once<'c, T: serde::de::DeserializeOwned>(
    read: &impl Fn(&str) -> Result<Vec<u8>, String>,
    cache: &'c mut BTreeMap<usize, T>,
    key: usize,
    path: &str,
) -> Result<&'c T, String> {
    Ok(match cache.entry(key) {
        std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
        std::collections::btree_map::Entry::Vacant(e) => e.insert(read_json(read, path)?),
    })
}

fn read_json<T: serde::de::DeserializeOwned>(
    read: &impl Fn(&str) -> Result<Vec<u8>, String>,
    path: &str,
) -> Result<T, String> {
    let bytes = read(path)?;
    let text = super::encoding::decode(&bytes).ok_or_else(|| format!("{path}: not UTF-8"))?;
    serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_lengths_are_those_serde_writes() {
        let found = |count| Found {
            title: count % 2 == 0,
            heading: count % 3 == 0,
            count,
        };
        for pages in [
            vec![],
            vec![0],
            vec![9, 10, 99, 100, 12345],
            vec![2, 3, 1000, 1009, 1_000_000_000],
        ] {
            let list: PostingsList = pages.iter().map(|&p| (p, found((p % 21) as u16))).collect();
            let written = serde_json::to_vec(&encode(&list)).unwrap();
            assert_eq!(encoded_len(&list), written.len(), "{pages:?}");
        }
    }

    // Guards the shard writer against what serde writes for the encoded lists.
    #[test]
    fn a_shard_is_what_serde_writes_for_its_encoded_lists() {
        let found = |count: u32| Found {
            title: count.is_multiple_of(2),
            heading: count.is_multiple_of(3),
            count: (count % 21) as u16,
        };
        let lists = [
            vec![],
            vec![0],
            vec![9, 10, 99, 100, 12345],
            vec![2, 3, 1000, 1009, u32::MAX],
        ];
        let terms = ["", "bond", "a \"quoted\" \\ term\u{1}\u{7f}", "保税", "m-a"];
        for shard_terms in [0, 1, 3, 5] {
            let shard: BTreeMap<String, PostingsList> = (terms.iter().take(shard_terms))
                .enumerate()
                .map(|(i, t)| {
                    let list = lists[i % lists.len()].iter().map(|&p| (p, found(p)));
                    (t.to_string(), list.collect())
                })
                .collect();
            let encoded: BTreeMap<&str, Vec<usize>> = (shard.iter())
                .map(|(t, l)| (t.as_str(), encode(l)))
                .collect();
            let want = serde_json::to_vec(&encoded).unwrap();
            let got = shard_json(&shard).unwrap();
            assert_eq!(String::from_utf8(got), String::from_utf8(want));
        }
    }

    #[test]
    fn postings_lists_round_trip_and_bad_ones_are_errors() {
        let found = |title, heading, count| Found {
            title,
            heading,
            count,
        };
        let list = vec![
            (3, found(true, false, 0)),
            (4, found(false, true, 20)),
            (90, found(false, false, 7)),
        ];
        assert_eq!(encode(&list), [3, 1, 1, 2 | 20 << 2, 86, 7 << 2]);
        assert_eq!(decode(&encode(&list)).unwrap(), list);
        assert!(decode(&[1, 2, 3]).is_err());
        assert!(decode(&[usize::MAX, 1, 1, 1]).is_err());
    }
}
