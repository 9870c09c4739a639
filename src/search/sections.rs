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

/// Writes `sections` in their short form where it keeps their ids.
pub(crate) fn serialize<S: Serializer>(sections: &[Section], out: S) -> Result<S::Ok, S::Error> {
    let short: Vec<Vec<&str>> = sections
        .iter()
        .map(|(id, heading, text)| {
            if *id == implied_id(heading) {
                vec![heading.as_str(), text.as_str()]
            } else {
                vec![id.as_str(), heading.as_str(), text.as_str()]
            }
        })
        .collect();
    short.serialize(out)
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
