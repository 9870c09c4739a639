//! Ranking: which pages match a query and in what order, and where each result links to. One
//! function for both index forms and both languages.
//!
//! In: a query's concepts ([`Concepts`]) and the [`Postings`] of its terms (of a whole index,
//! or read from the shards of a split one); then, for each page shown, its text. Out: the
//! [`Hit`]s, best first, each with its best section and link.
//!
//! Pages are ranked on page-level postings ([`ranked`]); a result's best section and link come
//! from its page's text ([`locate`]), so shards need no section-level postings (a third of the
//! size).
//!
//! The browser ranks with the same functions in `builtin/theme/static/search.js`: [`ranked`]
//! is `ranked`, [`score`] is `scorePage`, [`split_runs`] is `splitRuns`, [`is_run_of_pairs`] is
//! `isRunOfPairs`, [`locate`] is `locate`, [`located`] is `rank`, [`with_word_start`] is
//! `withWordStart`, [`typo_keys`] is `typoKeys`, [`with_typos`] is `withTypos`, [`forgiving`]
//! is the typo step of `searchAll`, and `Found::weight` is `weight`, with the same constants
//! (`TITLE`, `HEADING`, `MAX_BODY`, `MAX_STARTS`, `FEW`, `MAX_TYPOS`). The Node parity tests in
//! `tests/suite/search.rs` run both on the same queries and vectors.

use super::index::{Found, Index, IndexPage, MAX_BODY, Postings, SectionWeights, section_weights};
use super::normalise::{Tokeniser, is_han};
use super::query::{Concepts, parse_query, word_start};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One result: the page, and the URL to link to (the page, or `page/#heading-id`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hit {
    pub url: String,
    pub page: usize,
    /// The best section (numbered from 0 within the page), for the snippet.
    pub section: usize,
    /// How many of the query's concepts the page has.
    pub matched: usize,
    pub score: u32,
}

const TITLE: u32 = 1000;
const HEADING: u32 = 100;

impl Found {
    /// What the term scores on the page: title 1000, heading 100, plus body count up to 20.
    fn weight(&self) -> u32 {
        u32::from(self.title) * TITLE
            + u32::from(self.heading) * HEADING
            + u32::from(self.count).min(MAX_BODY)
    }
}

/// The pages that match `query`, best first: more concepts found first, then the higher score
/// (per concept: title 1000, heading 100, plus body count up to 20), then by URL.
pub fn search(index: &Index, query: &str) -> Vec<Hit> {
    let postings = Postings::new(index);
    let (concepts, list, _) = plan(index, &postings, query);
    located(index, &list, &concepts)
}

/// What `query` asks of `index` in the end: its concepts with word starts and typos, and the
/// word-start keys of the words tried for typos (none when the words as typed find enough),
/// which a split index reads a file for.
pub fn query_plan(index: &Index, query: &str) -> (Concepts, Vec<String>) {
    let (concepts, _, keys) = plan(index, &Postings::new(index), query);
    (concepts, keys)
}

fn plan(index: &Index, postings: &Postings, query: &str) -> (Concepts, Vec<Ranked>, Vec<String>) {
    let concepts = parse_query(query, &index.synonyms);
    let concepts = match word_start(query, &concepts) {
        Some(start) => with_word_start(concepts, &start, postings.terms.keys()),
        None => concepts,
    };
    forgiving(postings, concepts, |_| postings.terms.keys())
}

/// Fewer results than this for the words as typed, and the query's long words also find the
/// index words a letter or two away (a typo).
pub(crate) const FEW: usize = 3;
/// Most index words a mistyped word adds to its concept.
const MAX_TYPOS: usize = 4;

/// The pages `concepts` find, best first, the concepts that found them and the word-start keys
/// tried for typos: when the words as typed find fewer than [`FEW`] pages, the query's long
/// words also find the index words a typo away ([`with_typos`]; `words(key)` gives the index
/// words beginning with `key`), and the pages only they find come after the others.
pub(crate) fn forgiving<'a, I: IntoIterator<Item = &'a String>>(
    postings: &Postings,
    concepts: Concepts,
    words: impl Fn(&str) -> I,
) -> (Concepts, Vec<Ranked>, Vec<String>) {
    let exact = ranked(postings, &concepts);
    if exact.len() >= FEW {
        return (concepts, exact, Vec::new());
    }
    let keys = typo_keys(&concepts);
    let wide = with_typos(&concepts, keys.iter().flat_map(|k| words(k)));
    if wide == concepts {
        return (concepts, exact, keys);
    }
    let more = ranked(postings, &wide);
    (wide, merged(exact, more), keys)
}

/// `first`, then the pages of `then` that `first` lacks.
pub(crate) fn merged(mut first: Vec<Ranked>, then: Vec<Ranked>) -> Vec<Ranked> {
    let seen: BTreeSet<usize> = first.iter().map(|r| r.page).collect();
    first.extend(then.into_iter().filter(|r| !seen.contains(&r.page)));
    first
}

/// The first three letters of `term` when they are letters: a word-start key.
pub(crate) fn start_key(term: &str) -> Option<&str> {
    let (end, c) = term.char_indices().nth(2)?;
    let key = &term[..end + c.len_utf8()];
    key.chars().all(char::is_alphabetic).then_some(key)
}

/// The word of a concept that may be mistyped: a concept that is one word of five letters or
/// more (its stem), all letters.
fn typo_word(concept: &[Vec<String>]) -> Option<&str> {
    match concept {
        [one] => match one.as_slice() {
            [word] if word.chars().count() >= 5 && word.chars().all(char::is_alphabetic) => {
                Some(word)
            }
            _ => None,
        },
        _ => None,
    }
}

/// The word-start keys of the words of `concepts` that may be mistyped, once each.
pub(crate) fn typo_keys(concepts: &Concepts) -> Vec<String> {
    let keys: BTreeSet<&str> = concepts
        .iter()
        .filter_map(|c| typo_word(c))
        .filter_map(start_key)
        .collect();
    keys.into_iter().map(str::to_string).collect()
}

/// The concepts with each word of five letters or more (its stem) also found by the index
/// words (`terms`) that share its first three letters and are one edit away (a letter added,
/// dropped or changed; two for nine letters or more): the nearest [`MAX_TYPOS`], then
/// alphabetically.
pub fn with_typos<'a>(
    concepts: &Concepts,
    terms: impl IntoIterator<Item = &'a String>,
) -> Concepts {
    let terms: BTreeSet<&str> = terms.into_iter().map(String::as_str).collect();
    concepts
        .iter()
        .map(|concept| {
            let Some(word) = typo_word(concept) else {
                return concept.clone();
            };
            let most = if word.chars().count() >= 9 { 2 } else { 1 };
            let key = start_key(word);
            let mut near: Vec<(usize, &str)> = terms
                .iter()
                .filter(|t| **t != word && start_key(t) == key)
                .filter_map(|t| Some((distance(word, t, most)?, *t)))
                .collect();
            near.sort();
            let mut out = concept.clone();
            out.extend(
                near.into_iter()
                    .take(MAX_TYPOS)
                    .map(|(_, t)| vec![t.to_string()]),
            );
            out
        })
        .collect()
}

/// The edit distance (Levenshtein, by characters) of `a` and `b` when at most `most`.
fn distance(a: &str, b: &str, most: usize) -> Option<usize> {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > most {
        return None;
    }
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut next = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let change = row[j] + usize::from(ca != cb);
            next[j + 1] = change.min(row[j + 1] + 1).min(next[j] + 1);
        }
        if next.iter().min().is_some_and(|m| *m > most) {
            return None;
        }
        row = next;
    }
    row.last().copied().filter(|d| *d <= most)
}

/// Most index words a word start adds to its concept (each may cost a split index a shard).
const MAX_STARTS: usize = 8;

/// The concepts with the last one also found by index words (`terms`) that begin with `start`,
/// the shortest (then alphabetically), [`MAX_STARTS`] in all; and first, when the last concept
/// is no index word, by the longest index word of four letters or more that `start` begins with
/// and that is at most three letters shorter (a stem whose ending is being typed: `investm`
/// finds `invest` even when `investment-promot` begins with it).
pub fn with_word_start<'a>(
    mut concepts: Concepts,
    start: &str,
    terms: impl IntoIterator<Item = &'a String>,
) -> Concepts {
    let Some(last) = concepts.last_mut() else {
        return concepts;
    };
    let (mut longer, mut shorter): (Vec<&str>, Vec<&str>) = (Vec::new(), Vec::new());
    let length = start.chars().count();
    let mut known = false;
    for term in terms {
        let n = term.chars().count();
        known |= last
            .iter()
            .any(|alternative| *alternative == [term.clone()]);
        if term.starts_with(start) {
            longer.push(term);
        } else if n >= 4 && n + 3 >= length && start.starts_with(term.as_str()) {
            shorter.push(term);
        }
    }
    longer.sort_by_key(|t| (t.chars().count(), *t));
    // The stem first: a longer word (`investment-promot`) must not crowd it out.
    let mut added: Vec<&str> = Vec::new();
    if !known {
        added.extend(shorter.into_iter().max_by_key(|t| (t.chars().count(), *t)));
    }
    added.extend(longer.into_iter().take(MAX_STARTS - added.len()));
    for term in added {
        let alternative = vec![term.to_string()];
        if !last.contains(&alternative) {
            last.push(alternative);
        }
    }
    concepts
}

/// The hits of ranked pages of a whole index, located for the terms of `concepts`.
fn located(index: &Index, list: &[Ranked], concepts: &Concepts) -> Vec<Hit> {
    let terms = query_terms(concepts);
    let mut tokeniser = Tokeniser::default();
    list.iter()
        .filter_map(|r| {
            let page = index.pages.get(r.page)?;
            Some(locate(
                r,
                page,
                &section_weights(page, &mut tokeniser),
                &terms,
            ))
        })
        .collect()
}

/// Every term of a query, once.
pub(crate) fn query_terms(concepts: &Concepts) -> BTreeSet<&str> {
    concepts
        .iter()
        .flatten()
        .flatten()
        .map(String::as_str)
        .collect()
}

/// A page that matches, before its best section and link are known: those need its text,
/// which the split form fetches only for the results shown.
pub(crate) struct Ranked {
    pub(crate) page: usize,
    matched: usize,
    score: u32,
    /// Whether every concept found is found in the title.
    titled: bool,
}

/// The pages that match `concepts`, best first; pages are numbered in URL order, so the page
/// number breaks ties as the URL would.
pub(crate) fn ranked(postings: &Postings, concepts: &Concepts) -> Vec<Ranked> {
    let concepts = &split_runs(concepts, |t| {
        postings.terms.get(t).is_some_and(|l| !l.is_empty())
    });
    let mut pages: BTreeMap<usize, BTreeMap<&str, Found>> = BTreeMap::new();
    for term in query_terms(concepts) {
        for &(page, found) in postings.terms.get(term).into_iter().flatten() {
            pages.entry(page as usize).or_default().insert(term, found);
        }
    }
    let mut hits: Vec<Ranked> = pages
        .iter()
        .filter_map(|(&page, found)| {
            let (matched, score, titled) = score(concepts, found);
            (matched > 0).then_some(Ranked {
                page,
                matched,
                score,
                titled,
            })
        })
        .collect();
    hits.sort_by(|a, b| {
        (b.matched, b.score)
            .cmp(&(a.matched, a.score))
            .then(a.page.cmp(&b.page))
    });
    hits
}

/// The concepts with each Han run split where the index lacks a pair: a run typed without
/// spaces (`税收优惠`) holds pairs across its words (`收优`) that no text has, so the run
/// becomes one concept per stretch of pairs the index has (`税收`, `优惠`). A character left
/// alone between missing pairs (`的` in `投资的行业`) is dropped; a run with no pair the index
/// has stays as it is. In a concept of several alternatives (a synonym group), an alternative
/// that is such a run keeps the pairs the index has, all required.
fn split_runs(concepts: &Concepts, has: impl Fn(&str) -> bool) -> Concepts {
    let mut out = Vec::new();
    for concept in concepts {
        let [pairs] = concept.as_slice() else {
            // A synonym's alternatives stay one concept: each keeps the pairs the index has.
            let present = |alternative: &Vec<String>| {
                let kept: Vec<String> = alternative.iter().filter(|p| has(p)).cloned().collect();
                if is_run_of_pairs(alternative) && !kept.is_empty() {
                    kept
                } else {
                    alternative.clone()
                }
            };
            out.push(concept.iter().map(present).collect());
            continue;
        };
        if !is_run_of_pairs(pairs) || pairs.iter().all(|p| has(p)) {
            out.push(concept.clone());
            continue;
        }
        let stretches: Vec<Vec<String>> = pairs
            .split(|p| !has(p))
            .filter(|s| !s.is_empty())
            .map(<[String]>::to_vec)
            .collect();
        if stretches.is_empty() {
            out.push(concept.clone());
        } else {
            out.extend(stretches.into_iter().map(|s| vec![s]));
        }
    }
    out
}

/// Whether `terms` are the overlapping pairs of one Han run (`保税`, `税物`, `物流`).
fn is_run_of_pairs(terms: &[String]) -> bool {
    let pairs: Option<Vec<[char; 2]>> = terms
        .iter()
        .map(|t| match t.chars().collect::<Vec<_>>()[..] {
            [a, b] if is_han(a) && is_han(b) => Some([a, b]),
            _ => None,
        })
        .collect();
    pairs.is_some_and(|p| p.len() >= 2 && p.windows(2).all(|w| w[0][1] == w[1][0]))
}

/// (concepts found, score, whether every concept found is found in the title).
fn score(concepts: &Concepts, found: &BTreeMap<&str, Found>) -> (usize, u32, bool) {
    let (mut matched, mut total, mut titled) = (0, 0, true);
    for concept in concepts {
        let mut best = 0;
        let mut in_title = false;
        for alternative in concept {
            let all: Option<Vec<&Found>> =
                alternative.iter().map(|t| found.get(t.as_str())).collect();
            let Some(all) = all.filter(|a| !a.is_empty()) else {
                continue;
            };
            best = best.max(all.iter().map(|f| f.weight()).min().unwrap_or(0));
            in_title |= all.iter().all(|f| f.title);
        }
        matched += usize::from(best > 0);
        total += best;
        titled &= in_title || best == 0;
    }
    (matched, total, titled)
}

/// The hit of a ranked page, from the page and its [`section_weights`]: its best section is
/// the one with the highest score for the query's terms (heading 100, plus body count up to
/// 15 per term), the first on a tie or none; it links there unless every concept found is in
/// the title.
pub(crate) fn locate(
    ranked: &Ranked,
    page: &IndexPage,
    weights: &SectionWeights,
    terms: &BTreeSet<&str>,
) -> Hit {
    let mut scores = vec![0; page.sections.len()];
    for &(sid, w) in terms.iter().filter_map(|t| weights.get(*t)).flatten() {
        if let Some(s) = scores.get_mut(sid) {
            *s += (w & 2) / 2 * HEADING + (w >> 2);
        }
    }
    let mut section = 0;
    for (sid, &s) in scores.iter().enumerate() {
        if s > scores[section] {
            section = sid;
        }
    }
    let url = match page.sections.get(section) {
        Some((id, _, _)) if !ranked.titled && !id.is_empty() => format!("{}#{id}", page.url),
        _ => page.url.clone(),
    };
    Hit {
        url,
        page: ranked.page,
        section,
        matched: ranked.matched,
        score: ranked.score,
    }
}
