//! The index: the pages of one language as search holds them, and the postings derived from
//! their text.
//!
//! In: the extracted pages of one language (URL path, title, sections), sorted by URL path.
//! Out: the [`Index`] in its whole form (what `LANG/search/index.json` holds, each page with
//! its parent), and from an index its [`Postings`], term → the pages that hold it with what
//! each holds ([`Found`]: title, heading, body count), which ranking and the split form read.
//!
//! The browser derives the same postings from a whole index in
//! `themes/default/static/search.js`: `weigh` is [`section_weights`], `pageWeights` is
//! [`Found::of_sections`], `buildPostings` is [`Postings::new`].

use super::extract::Section;
use super::normalise::Tokeniser;
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
    #[serde(rename = "s")]
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

/// What `page` holds of each of its terms.
fn page_terms(page: &IndexPage, tokeniser: &mut Tokeniser) -> Vec<(String, Found)> {
    section_weights(page, tokeniser)
        .into_iter()
        .map(|(term, sections)| (term, Found::of_sections(sections.iter().map(|(_, w)| w))))
        .collect()
}

/// What one page holds of one term. Ranking weighs it (`Found::weight`, in `rank.rs`); the
/// split form packs it into a term shard (`Found::packed`, in `split.rs`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Found {
    pub(crate) title: bool,
    pub(crate) heading: bool,
    /// Body count over all sections, at most [`MAX_BODY`].
    pub(crate) count: u32,
}

impl Found {
    /// Folded from the term's weights in the page's sections.
    fn of_sections<'a>(weights: impl IntoIterator<Item = &'a u32>) -> Found {
        let mut found = Found::default();
        for w in weights {
            found.title |= w & 1 != 0;
            found.heading |= w & 2 != 0;
            found.count = (found.count + (w >> 2)).min(MAX_BODY);
        }
        found
    }
}

/// The inverted index: term → the pages that hold it, in page order, with what each holds.
/// Built from the text of a whole index, or read from the term shards of a split one.
pub(crate) struct Postings {
    pub(crate) terms: BTreeMap<String, Vec<(usize, Found)>>,
}

/// Pages tokenised at a time, so that memory stays bounded on large sites.
const POSTINGS_BATCH: usize = 512;

impl Postings {
    /// The postings of every term of `index`, its pages tokenised in parallel, each rayon job
    /// with a [`Tokeniser`] of its own.
    pub(crate) fn new(index: &Index) -> Postings {
        let mut terms: FnvMap<String, Vec<(usize, Found)>> = FnvMap::default();
        for (batch, pages) in index.pages.chunks(POSTINGS_BATCH).enumerate() {
            let found: Vec<Vec<(String, Found)>> = pages
                .par_iter()
                .map_init(Tokeniser::default, |tokeniser, page| {
                    page_terms(page, tokeniser)
                })
                .collect();
            for (i, page) in found.into_iter().enumerate() {
                for (term, f) in page {
                    let list = terms.entry(term).or_default();
                    list.push((batch * POSTINGS_BATCH + i, f));
                }
            }
        }
        Postings {
            terms: terms.into_iter().collect(),
        }
    }

    /// Number of distinct terms.
    pub(crate) fn len(&self) -> usize {
        self.terms.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
