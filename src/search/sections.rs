//! A page's sections in the index files' JSON: `[heading, text]` when the section's id is the
//! one its heading implies ([`implied_id`]: most headings' ids are their slugs, and the first
//! section's is empty like its heading), else `[id, heading, text]`. Leaving those ids out
//! makes a whole index a few hundred bytes smaller compressed; `search.js` (`sectionIds`) puts
//! them back as this module's reader does.

use super::extract::Section;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The id a section with `heading` has when the index leaves it out: the heading lowercased,
/// its runs of letters and digits (Unicode Alphabetic and Numeric) joined by `-`; `""` for a
/// heading without any. As `impliedId` in `search.js`; usually what `markdown::slugify` makes
/// of a heading, but the index never relies on that: it leaves out only an id equal to this.
pub fn implied_id(heading: &str) -> String {
    heading
        .to_lowercase()
        .split(|c: char| !(c.is_alphabetic() || c.is_numeric()))
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// Whether `id` is [`implied_id`] of `heading`, without making it: the lowercased heading's
/// characters compared with the id's as they come (each heading's, on every page written).
fn is_implied_id(id: &str, heading: &str) -> bool {
    if heading.contains('Σ') {
        // `str::to_lowercase` lowers a capital sigma by what surrounds it.
        return id == implied_id(heading);
    }
    let mut id = id.chars();
    let mut gap = false;
    let mut started = false;
    for c in heading.chars().flat_map(char::to_lowercase) {
        if !(c.is_alphabetic() || c.is_numeric()) {
            gap = true;
            continue;
        }
        if gap && started && id.next() != Some('-') {
            return false;
        }
        if id.next() != Some(c) {
            return false;
        }
        (gap, started) = (false, true);
    }
    id.next().is_none()
}

/// One section in its short form (see the module's documentation).
struct Short<'a>(&'a Section);

impl Serialize for Short<'_> {
    fn serialize<S: Serializer>(&self, out: S) -> Result<S::Ok, S::Error> {
        let (id, heading, text) = self.0;
        if is_implied_id(id, heading) {
            [heading, text].serialize(out)
        } else {
            [id, heading, text].serialize(out)
        }
    }
}

/// Writes `sections` in their short form where it keeps their ids.
pub(crate) fn serialize<S: Serializer>(sections: &[Section], out: S) -> Result<S::Ok, S::Error> {
    out.collect_seq(sections.iter().map(Short))
}

/// Reads sections written by [`serialize`], each with its id.
pub(crate) fn deserialize<'de, D: Deserializer<'de>>(input: D) -> Result<Vec<Section>, D::Error> {
    let short: Vec<Vec<String>> = Vec::deserialize(input)?;
    short
        .into_iter()
        .map(|section| match <[String; 2]>::try_from(section) {
            Ok([heading, text]) => Ok((implied_id(&heading), heading, text)),
            Err(section) => <[String; 3]>::try_from(section)
                .map(|[id, heading, text]| (id, heading, text))
                .map_err(|s| D::Error::custom(format!("a section of {} fields", s.len()))),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn implied_ids_are_the_words_of_the_heading_lowercased() {
        for (heading, id) in [
            ("", ""),
            ("Who qualifies", "who-qualifies"),
            ("为什么选择武威", "为什么选择武威"),
            ("合作方向：“一带一路”沿线国家", "合作方向-一带一路-沿线国家"),
            ("Кто может воспользоваться?", "кто-может-воспользоваться"),
            (
                "  The 14 measures — at a glance ",
                "the-14-measures-at-a-glance",
            ),
            ("!!!", ""),
        ] {
            assert_eq!(implied_id(heading), id, "{heading:?}");
        }
    }

    // Guards the id check without allocation against the id it stands for.
    #[test]
    fn an_id_is_implied_exactly_when_it_is_the_implied_one() {
        let alphabet: Vec<char> = "aZ9 -_.ЖжΣσςΟİI\u{130}ß保税é\u{301}Ⅻ٣!".chars().collect();
        let mut next = crate::search::normalise::test_numbers(0x2545_f491_4f6c_dd1d);
        for _ in 0..20_000 {
            let len = next(8);
            let heading: String = (0..len).map(|_| alphabet[next(alphabet.len())]).collect();
            let implied = implied_id(&heading);
            assert!(is_implied_id(&implied, &heading), "{heading:?}");
            // A near miss: the id with one character less, or one more.
            let mut shorter = implied.clone();
            if shorter.pop().is_some() {
                assert!(!is_implied_id(&shorter, &heading), "{heading:?}");
            }
            assert!(
                !is_implied_id(&format!("{implied}a"), &heading),
                "{heading:?}"
            );
            assert!(
                !is_implied_id(&format!("{implied}-"), &heading),
                "{heading:?}"
            );
            let other: String = (0..next(4))
                .map(|_| alphabet[next(alphabet.len())])
                .collect();
            assert_eq!(
                is_implied_id(&other, &heading),
                other == implied,
                "{heading:?} {other:?}"
            );
        }
    }

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct Page {
        #[serde(with = "super")]
        s: Vec<Section>,
    }

    // Guards the short form: an id is left out only when reading puts the same one back.
    #[test]
    fn sections_read_back_with_their_ids() {
        let section = |id: &str, heading: &str| (id.into(), heading.into(), "text".into());
        let page = Page {
            s: vec![
                section("", ""),
                section("why-wuwei", "Why Wuwei"),
                section("pole-measures-title", "Measures that concern it"),
                section("why-wuwei-1", "Why Wuwei"),
                section("", "Heading without an id"),
            ],
        };
        let json = serde_json::to_string(&page).unwrap();
        assert_eq!(
            json,
            "{\"s\":[[\"\",\"text\"],[\"Why Wuwei\",\"text\"],\
             [\"pole-measures-title\",\"Measures that concern it\",\"text\"],\
             [\"why-wuwei-1\",\"Why Wuwei\",\"text\"],[\"\",\"Heading without an id\",\"text\"]]}"
        );
        assert_eq!(serde_json::from_str::<Page>(&json).unwrap(), page);
        assert!(serde_json::from_str::<Page>("{\"s\":[[\"a\"]]}").is_err());
    }
}
