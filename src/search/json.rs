//! The index files' JSON, from each page's JSON written once: the whole form's size and bytes,
//! and the page chunks of the split form, byte for byte what `serde_json` writes for the
//! [`Index`] and for a run of [`PageRecord`](super::split::PageRecord)s (the tests hold them to
//! it).
//!
//! In: an [`Index`]. Out: its pages' JSON ([`pages`], written in parallel), and from them the
//! whole form ([`whole`], [`whole_len`]) or a chunk ([`chunk`]).

use super::index::{Index, IndexPage};
use rayon::prelude::*;

/// The JSON of each page of `index`, as `serde_json` writes an [`IndexPage`]: each into a
/// buffer already about its size (its text and a little more), rather than one grown by
/// copying from 128 bytes.
pub(super) fn pages(index: &Index) -> Result<Vec<Vec<u8>>, serde_json::Error> {
    (index.pages.par_iter())
        .map(|page| {
            let strings = page.sections.iter().flat_map(|(a, b, c)| [a, b, c]);
            let text: usize = strings.map(|s| s.len() + 8).sum();
            let mut out = Vec::with_capacity(page.url.len() + page.title.len() + text + 32);
            serde_json::to_writer(&mut out, page)?;
            Ok(out)
        })
        .collect()
}

/// The whole form's JSON without its pages: `{"lang":…,"synonyms":…,"pages":[]}`.
fn head(index: &Index) -> Result<Vec<u8>, serde_json::Error> {
    let bare = Index {
        lang: index.lang.clone(),
        synonyms: index.synonyms.clone(),
        pages: Vec::new(),
    };
    let head = serde_json::to_vec(&bare)?;
    debug_assert!(head.ends_with(b"[]}"));
    Ok(head)
}

/// The length of the whole form of `index`, whose pages' JSON is `pages`.
pub(super) fn whole_len(index: &Index, pages: &[Vec<u8>]) -> Result<usize, serde_json::Error> {
    whole_len_of(index, pages.iter().map(Vec::len))
}

/// The length of the whole form of `index`, whose pages' JSON has the lengths `lens`.
pub(super) fn whole_len_of(
    index: &Index,
    lens: impl ExactSizeIterator<Item = usize>,
) -> Result<usize, serde_json::Error> {
    let commas = lens.len().saturating_sub(1);
    Ok(head(index)?.len() + lens.sum::<usize>() + commas)
}

/// The whole form of `index` (`serde_json::to_vec(index)`), whose pages' JSON is `pages`.
pub(super) fn whole(index: &Index, pages: &[Vec<u8>]) -> Result<Vec<u8>, serde_json::Error> {
    let head = head(index)?;
    let mut out = Vec::with_capacity(whole_len(index, pages)?);
    out.extend_from_slice(&head[..head.len() - 2]);
    join(&mut out, pages.iter().map(Vec::as_slice));
    out.extend_from_slice(b"]}");
    Ok(out)
}

/// A page chunk: the records of `run`, pages of `index` whose JSON is `pages` (as many, in
/// order), each with its parent's title (`"pt"`), as a JSON array.
pub(super) fn chunk(
    index: &Index,
    run: &[IndexPage],
    pages: &[Vec<u8>],
) -> Result<Vec<u8>, serde_json::Error> {
    let mut records = Vec::with_capacity(run.len());
    for (page, json) in run.iter().zip(pages) {
        let parent = page.parent.and_then(|p| index.pages.get(p));
        let mut record = Vec::with_capacity(json.len() + 64);
        // `{…}` of the page, its last field followed by `"pt"` as a flattened record has it.
        record.extend_from_slice(&json[..json.len() - 1]);
        if let Some(parent) = parent {
            record.extend_from_slice(b",\"pt\":");
            serde_json::to_writer(&mut record, &parent.title)?;
        }
        record.push(b'}');
        records.push(record);
    }
    let mut out =
        Vec::with_capacity(records.iter().map(Vec::len).sum::<usize>() + records.len() + 2);
    out.push(b'[');
    join(&mut out, records.iter().map(Vec::as_slice));
    out.push(b']');
    Ok(out)
}

/// `parts`, separated by commas.
fn join<'a>(out: &mut Vec<u8>, parts: impl Iterator<Item = &'a [u8]>) {
    for (n, part) in parts.enumerate() {
        if n > 0 {
            out.push(b',');
        }
        out.extend_from_slice(part);
    }
}

#[cfg(test)]
mod tests {
    use super::super::split::PageRecord;
    use super::*;

    fn index(pages: usize) -> Index {
        let odd = "a \"quoted\" \\ back\tslash\n\u{1}\u{7f} 保税 ё / <tag> &amp; \u{2028}";
        Index {
            lang: "en".into(),
            synonyms: vec![vec!["bond".into(), "保税".into()], vec![odd.into()]],
            pages: (0..pages)
                .map(|i| IndexPage {
                    url: format!("en/p{i}/"),
                    title: if i % 3 == 0 {
                        odd.into()
                    } else {
                        format!("Page {i}")
                    },
                    parent: (i % 2 == 1).then_some(i / 2),
                    sections: (0..i % 4)
                        .map(|s| (format!("s{s}"), odd.into(), format!("text {s} {odd}")))
                        .collect(),
                })
                .collect(),
        }
    }

    // Guards the spliced JSON against what serde writes for the same values.
    #[test]
    fn the_whole_form_is_what_serde_writes() {
        for n in [0, 1, 2, 7] {
            let index = index(n);
            let pages = pages(&index).unwrap();
            let want = serde_json::to_vec(&index).unwrap();
            assert_eq!(whole(&index, &pages).unwrap(), want, "{n} pages");
            assert_eq!(whole_len(&index, &pages).unwrap(), want.len(), "{n} pages");
        }
    }

    #[test]
    fn a_chunk_is_what_serde_writes_for_its_records() {
        let index = index(9);
        let pages = pages(&index).unwrap();
        for (from, to) in [(0, 9), (0, 1), (3, 4), (4, 9)] {
            let run = &index.pages[from..to];
            let records: Vec<PageRecord<&IndexPage>> = run
                .iter()
                .map(|page| PageRecord {
                    page,
                    parent_title: page
                        .parent
                        .and_then(|p| index.pages.get(p))
                        .map(|p| p.title.clone()),
                })
                .collect();
            let want = serde_json::to_vec(&records).unwrap();
            let got = chunk(&index, run, &pages[from..to]).unwrap();
            assert_eq!(
                String::from_utf8(got).unwrap(),
                String::from_utf8(want).unwrap()
            );
        }
    }
}
