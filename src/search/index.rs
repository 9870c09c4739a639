//! The index: the pages of one language as search holds them, and the postings derived from
//! their text.
//!
//! In: the extracted pages of one language (URL path, title, sections), sorted by URL path.
//! Out: the [`Index`] in its whole form (what `LANG/search/index.json` holds, each page with
//! its parent), and from an index its [`Postings`], term → the pages that hold it with what
//! each holds ([`Found`]: title, heading, body count), which ranking and the split form read.
//!
//! The browser derives the same postings from a whole index in
//! `builtin/theme/static/search.js`: `weigh` is [`section_weights`], `pageWeights` is the
//! fold a `Tally` does, `buildPostings` is [`Postings::new`].

use super::extract::Section;
use super::normalise::Tokeniser;
use super::terms::Terms;
use crate::hash::FnvMap;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One language's search index in its whole form, as written to `LANG/search/index.json`: the
/// text of each page's marked region, by section. Postings are not stored: both sides derive
/// them from this text with the same normaliser (`Postings::new`, `buildPostings` in
/// `search.js`), which keeps the file about a third of the size.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Index {
    pub lang: String,
    /// Synonym groups from `content/search/synonyms.yaml`, applied to queries.
    pub synonyms: Vec<Vec<String>>,
    pub pages: Vec<IndexPage>,
}

/// One page of a whole index: its URL, title, parent and text by section.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct IndexPage {
    /// URL path below the base path: `en/measures/05-mergers-acquisitions/`.
    #[serde(rename = "u")]
    pub url: String,
    #[serde(rename = "t")]
    pub title: String,
    /// The page of the section this page belongs to (not the home page).
    #[serde(rename = "p", default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<usize>,
    /// Each `(id, heading, text)`; in JSON without the id its heading implies (`sections.rs`).
    #[serde(rename = "s", with = "super::sections")]
    pub sections: Vec<Section>,
}

/// A page to index: URL path, title, sections.
pub(crate) type PageText = (String, String, Vec<Section>);

/// The whole index of `lang` from its pages, sorted by URL path.
pub(crate) fn index(lang: &str, synonyms: &[Vec<String>], docs: Vec<PageText>) -> Index {
    let mut pages: Vec<IndexPage> = docs
        .into_iter()
        .map(|(url, title, sections)| IndexPage {
            url,
            title,
            parent: None,
            sections,
        })
        .collect();
    set_parents(&mut pages, lang);
    Index {
        lang: lang.to_string(),
        synonyms: synonyms.to_vec(),
        pages,
    }
}

/// Each page's parent: the page with the longest URL that is a prefix of its own, home aside.
/// Pages are sorted by URL, so the pages whose URLs are prefixes of the current one are a
/// stack: those of the previous page, less the ones the current URL does not start with.
fn set_parents(pages: &mut [IndexPage], lang: &str) {
    let home = format!("{lang}/");
    let mut ancestors: Vec<(usize, String)> = Vec::new();
    for (i, page) in pages.iter_mut().enumerate() {
        while ancestors
            .last()
            .is_some_and(|(_, url)| !page.url.starts_with(url.as_str()) || *url == page.url)
        {
            ancestors.pop();
        }
        page.parent = ancestors.last().map(|(p, _)| *p);
        if page.url != home {
            ancestors.push((i, page.url.clone()));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Postings

/// Most body occurrences of a term counted in one section.
const MAX_COUNT: u32 = 15;
/// Most body occurrences of a term counted in one page.
pub(crate) const MAX_BODY: u32 = 20;

/// Term → (section, weight) for each section of a page it occurs in, in section order.
pub(crate) type SectionWeights = FnvMap<String, Vec<(usize, u32)>>;

/// The weight of each term of `page` in each section it occurs in (numbered from 0, in
/// order): body count (at most 15) × 4, + 2 if in the section's heading, + 1 if in the page
/// title (marked on the first section).
pub(crate) fn section_weights(page: &IndexPage, tokeniser: &mut Tokeniser) -> SectionWeights {
    let mut terms = SectionWeights::default();
    let mut add = |term: &str, sid: usize, f: &dyn Fn(u32) -> u32| {
        let Some(sections) = terms.get_mut(term) else {
            terms.insert(term.to_string(), vec![(sid, f(0))]);
            return;
        };
        match sections.last_mut() {
            Some((last, w)) if *last == sid => *w = f(*w),
            _ => sections.push((sid, f(0))),
        }
    };
    tokeniser.each_token(&page.title, |t| add(t, 0, &|w| w | 1));
    for (sid, (_, heading, text)) in page.sections.iter().enumerate() {
        tokeniser.each_token(heading, |t| add(t, sid, &|w| w | 2));
        tokeniser.each_token(text, |t| {
            add(t, sid, &|w| if w >> 2 < MAX_COUNT { w + 4 } else { w })
        });
    }
    terms
}

/// What one page holds of one term. Ranking weighs it (`Found::weight`, in `rank.rs`); the
/// split form packs it into a term shard (`Found::packed`, in `split.rs`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Found {
    pub(crate) title: bool,
    pub(crate) heading: bool,
    /// Body count over all sections, at most [`MAX_BODY`] (a `u16`, so that a postings
    /// entry, page number and this, is 8 bytes).
    pub(crate) count: u16,
}

/// The inverted index: term → the pages that hold it, in page order, with what each holds.
/// Built from the text of a whole index, or read from the term shards of a split one.
pub(crate) struct Postings {
    pub(crate) terms: BTreeMap<String, PostingsList>,
}

impl Postings {
    /// The postings of every term of `index`. Its pages are tokenised in parallel: each rayon
    /// job folds a run of pages into flat blocks of postings of its own, keyed by the job's own
    /// term numbers ([`Terms`]: a token's text is hashed once per job, not once per
    /// occurrence), with a count per term. The runs' terms are then given common numbers, each
    /// term's list is made at its final size from the counts, and each run puts its postings
    /// into its own share of those lists, the runs in parallel: no list grows a posting at a
    /// time (which reallocated and copied the long ones), and no run's lists are copied into
    /// another's.
    pub(crate) fn new(index: &Index) -> Postings {
        // Four runs per thread: enough to balance the threads (one of which writes the page
        // chunks of the split form at first: `split.rs`), few enough that numbering the runs'
        // terms in common (each run's terms looked up again) stays cheap.
        let runs = rayon::current_num_threads() * 4;
        let run = index.pages.len().div_ceil(runs).max(1);
        let built: Vec<Builder> = index
            .pages
            .par_chunks(run)
            .enumerate()
            .map(|(r, pages)| {
                let mut builder = Builder::default();
                for (i, page) in pages.iter().enumerate() {
                    builder.page(r * run + i, page);
                }
                builder
            })
            .collect();
        let mut common = Terms::default();
        let numbers: Vec<Vec<u32>> = (built.iter())
            .map(|b| (b.terms.names().iter()).map(|t| common.id(t)).collect())
            .collect();
        let mut counts = vec![0usize; common.len()];
        for (b, numbers) in built.iter().zip(&numbers) {
            for (&count, &n) in b.counts.iter().zip(numbers) {
                counts[n as usize] += count as usize;
            }
        }
        // Each list is made at its final length; each run then fills its share of every list
        // (the places after the runs before it: the runs are in page order), the runs in
        // parallel.
        let mut lists: Vec<PostingsList> = (counts.into_par_iter())
            .map(|count| vec![(0, Found::default()); count])
            .collect();
        let mut rest: Vec<&mut [(u32, Found)]> = lists.iter_mut().map(Vec::as_mut_slice).collect();
        let shares: Vec<Vec<&mut [(u32, Found)]>> = (built.iter().zip(&numbers))
            .map(|(b, numbers)| {
                (b.counts.iter().zip(numbers))
                    .map(|(&count, &n)| {
                        let list = std::mem::take(&mut rest[n as usize]);
                        let (share, after) = list.split_at_mut(count as usize);
                        rest[n as usize] = after;
                        share
                    })
                    .collect()
            })
            .collect();
        built
            .into_par_iter()
            .zip(shares)
            .for_each(|(b, mut shares)| {
                // Each block is freed once read, so the runs' postings shrink as the lists fill.
                let mut postings = b.blocks.into_iter().flatten();
                for (page, count) in b.pages {
                    for (id, found) in postings.by_ref().take(count as usize) {
                        let share = &mut shares[id as usize];
                        let (first, after) = std::mem::take(share)
                            .split_first_mut()
                            .expect("a run's postings of a term are as many as its count");
                        *first = (page, found);
                        *share = after;
                    }
                }
            });
        let terms = (common.into_names().into_iter())
            .zip(lists)
            .map(|(term, list)| (term.into_string(), list))
            .collect();
        Postings { terms }
    }
}

/// The pages that hold one term, in page order, with what each holds. A page's number is a
/// `u32`, which makes an entry 8 bytes rather than 16: the postings of a large language are
/// the largest thing a build holds.
pub(crate) type PostingsList = Vec<(u32, Found)>;

/// The postings of the pages one rayon job has seen.
#[derive(Default)]
struct Builder {
    terms: Terms,
    /// The run's postings, page after page: term number and what the page holds, in blocks
    /// of at most [`BLOCK`].
    blocks: Vec<Vec<(u32, Found)>>,
    /// Each page of the run and how many of the postings are its, in order.
    pages: Vec<(u32, u32)>,
    /// Per term number, how many of `postings` are its.
    counts: Vec<u32>,
    /// Per term number, what the current page holds of it (see [`Tally`]).
    tallies: Vec<Tally>,
    /// The terms of the current page, in the order first seen.
    touched: Vec<u32>,
}

/// Postings in a block of a run's: 256 KiB, freed as soon as they are in the final lists.
const BLOCK: usize = 1 << 15;

/// What one page holds of one term so far, as [`section_weights`] would fold it: the body
/// count is capped per section at [`MAX_COUNT`], and over the page at [`MAX_BODY`]. Kept to
/// 16 bytes: a tally is read for every token, at the term's number.
#[derive(Clone, Copy)]
struct Tally {
    /// The page this tally is for; a tally of another page is stale.
    page: u32,
    section: u32,
    in_section: u32,
    found: Found,
}

impl Builder {
    /// Adds the terms of page number `n`.
    fn page(&mut self, n: usize, page: &IndexPage) {
        let n = page_number(n);
        let mut terms = std::mem::take(&mut self.terms);
        terms.each_term(&page.title, |t| self.add(n, t, 0, Kind::Title));
        for (sid, (_, heading, text)) in page.sections.iter().enumerate() {
            let sid = u32::try_from(sid).expect("fewer than 2^32 sections");
            terms.each_term(heading, |t| self.add(n, t, sid, Kind::Heading));
            terms.each_term(text, |t| self.add(n, t, sid, Kind::Body));
        }
        self.terms = terms;
        let count = u32::try_from(self.touched.len()).expect("fewer than 2^32 terms");
        self.pages.push((n, count));
        for id in self.touched.drain(..) {
            let tally = &self.tallies[id as usize];
            let mut found = tally.found;
            found.count = add_body(found.count, tally.in_section);
            if self.blocks.last().is_none_or(|b| b.len() == BLOCK) {
                self.blocks.push(Vec::with_capacity(BLOCK));
            }
            if let Some(block) = self.blocks.last_mut() {
                block.push((id, found));
            }
            self.counts[id as usize] += 1;
        }
    }

    fn add(&mut self, n: u32, id: u32, section: u32, kind: Kind) {
        let at = id as usize;
        if at >= self.tallies.len() {
            // Term numbers are given in order, so a new one is the next.
            self.tallies.resize(at + 1, Tally::default());
            self.counts.resize(at + 1, 0);
        }
        let tally = &mut self.tallies[at];
        if tally.page != n {
            *tally = Tally {
                page: n,
                section,
                in_section: 0,
                found: Found::default(),
            };
            self.touched.push(id);
        } else if tally.section != section {
            tally.found.count = add_body(tally.found.count, tally.in_section);
            tally.section = section;
            tally.in_section = 0;
        }
        match kind {
            Kind::Title => tally.found.title = true,
            Kind::Heading => tally.found.heading = true,
            Kind::Body if tally.in_section < MAX_COUNT => tally.in_section += 1,
            Kind::Body => {}
        }
    }
}

/// What `page` holds of each of its terms, in no particular order, folded from its section
/// weights: the plain reading of the rules the builder's tallies follow (a test holds the
/// builder to it). The reused index (`reuse.rs`) patches the postings of a changed page with it.
pub(crate) fn page_terms(page: &IndexPage, tokeniser: &mut Tokeniser) -> Vec<(String, Found)> {
    section_weights(page, tokeniser)
        .into_iter()
        .map(|(term, sections)| {
            let mut found = Found::default();
            for (_, w) in sections {
                found.title |= w & 1 != 0;
                found.heading |= w & 2 != 0;
                found.count = add_body(found.count, w >> 2);
            }
            (term, found)
        })
        .collect()
}

/// A body count with `more` added, at most [`MAX_BODY`].
pub(crate) fn add_body(count: u16, more: u32) -> u16 {
    (u32::from(count) + more).min(MAX_BODY) as u16
}

/// Page number `n` as the postings hold it.
pub(crate) fn page_number(n: usize) -> u32 {
    u32::try_from(n).expect("fewer than 2^32 pages")
}

impl Default for Tally {
    fn default() -> Self {
        Tally {
            page: u32::MAX,
            section: 0,
            in_section: 0,
            found: Found::default(),
        }
    }
}

/// Where a token was found on a page.
#[derive(Clone, Copy)]
enum Kind {
    Title,
    Heading,
    Body,
}

#[cfg(test)]
mod tests {
    use super::*;

    // Guards the builder's tallies (and its merge of parallel jobs) against the plain fold.
    #[test]
    fn postings_are_the_fold_of_each_pages_section_weights() {
        let words = [
            "bond", "bonded", "zone", "保税", "区", "зона", "зоны", "a", "50", "m&a",
        ];
        let mut next = crate::search::normalise::test_numbers(0x9e37_79b9_7f4a_7c15);
        let mut text = |n: usize| -> String {
            (0..n)
                .map(|_| words[next(words.len())])
                .collect::<Vec<_>>()
                .join(" ")
        };
        let pages: Vec<IndexPage> = (0..700)
            .map(|i| IndexPage {
                url: format!("en/p{i}/"),
                title: text(i % 4),
                parent: None,
                sections: (0..i % 5)
                    .map(|s| (format!("s{s}"), text(s % 3), text((i * 7 + s * 13) % 90)))
                    .collect(),
            })
            .collect();
        let mut expected: BTreeMap<String, PostingsList> = BTreeMap::new();
        for (n, page) in pages.iter().enumerate() {
            for (term, found) in page_terms(page, &mut Tokeniser::default()) {
                expected
                    .entry(term)
                    .or_default()
                    .push((page_number(n), found));
            }
        }
        let index = Index {
            lang: "en".into(),
            synonyms: Vec::new(),
            pages,
        };
        let got = Postings::new(&index).terms;
        assert_eq!(got.len(), expected.len());
        for (term, list) in &expected {
            assert_eq!(got.get(term), Some(list), "{term}");
        }
    }

    #[test]
    fn parents_are_the_longest_url_prefixes_other_than_home() {
        let urls = [
            "en/",
            "en/a-b/",
            "en/a/",
            "en/a/x/",
            "en/a/x/y/",
            "en/a/z/",
            "en/b/",
        ];
        let mut pages: Vec<IndexPage> = urls
            .iter()
            .map(|u| IndexPage {
                url: u.to_string(),
                ..IndexPage::default()
            })
            .collect();
        set_parents(&mut pages, "en");
        let parents: Vec<Option<usize>> = pages.iter().map(|p| p.parent).collect();
        assert_eq!(parents, [None, None, None, Some(2), Some(3), Some(2), None]);
    }

    #[test]
    fn a_page_count_is_the_sum_of_its_section_counts_up_to_20() {
        let page = IndexPage {
            url: "en/x/".into(),
            title: "Alpha".into(),
            parent: None,
            sections: vec![
                (String::new(), String::new(), "beta ".repeat(18)),
                ("h".into(), "Alpha beta".into(), "beta ".repeat(9)),
            ],
        };
        let terms: BTreeMap<String, Found> = page_terms(&page, &mut Tokeniser::default())
            .into_iter()
            .collect();
        // Sections count at most 15 each: 15 + 9, then the page at most 20.
        assert_eq!(
            terms["beta"],
            Found {
                title: false,
                heading: true,
                count: 20
            }
        );
        assert_eq!(
            terms["alpha"],
            Found {
                title: true,
                heading: true,
                count: 0
            }
        );
    }
}
