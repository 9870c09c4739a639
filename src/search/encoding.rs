//! The whole index's bytes as delivered: UTF-8 JSON, or the same JSON in windows-1251 when that
//! is markedly smaller (a Cyrillic index: one byte a letter instead of two).
//!
//! In: the UTF-8 JSON of a whole index (`{"lang":…}`, as `json.rs` writes it). Out: the bytes to
//! write ([`deliver`]). An encoded file says so in its first member, which is ASCII, so a reader
//! learns the encoding before decoding: `{"encoding":"windows-1251","lang":…}`. A character the
//! code page lacks (Han in the synonyms, say) becomes a JSON escape (`\u4e16`); JSON has
//! non-ASCII characters only inside strings, where an escape means the same character.
//!
//! The browser decodes with `TextDecoder("windows-1251")` (the WHATWG Encoding Standard, which
//! every browser implements): `readJson` in `builtin/theme/static/search.js`. [`decode`] is the
//! same for Rust's readers (the tests). A test checks [`HIGH`] against Node's decoder.

/// Encoded only when it saves at least this share of the UTF-8 bytes, in tenths: an English
/// index with a few typographic quotes stays UTF-8, a Russian one (about 45% smaller) does not.
const MIN_SAVING_TENTHS: usize = 1;

/// The declaration an encoded file begins with, in place of the `{` of the UTF-8 JSON.
const DECLARATION: &[u8] = b"{\"encoding\":\"windows-1251\",";

/// Code points of the bytes 0x80–0xFF in windows-1251, as the WHATWG Encoding Standard's index
/// gives them (0x98, unassigned by Microsoft, is U+0098 there).
#[rustfmt::skip]
const HIGH: [char; 128] = [
    '\u{0402}', '\u{0403}', '\u{201A}', '\u{0453}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{20AC}', '\u{2030}', '\u{0409}', '\u{2039}', '\u{040A}', '\u{040C}', '\u{040B}', '\u{040F}',
    '\u{0452}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{0098}', '\u{2122}', '\u{0459}', '\u{203A}', '\u{045A}', '\u{045C}', '\u{045B}', '\u{045F}',
    '\u{00A0}', '\u{040E}', '\u{045E}', '\u{0408}', '\u{00A4}', '\u{0490}', '\u{00A6}', '\u{00A7}',
    '\u{0401}', '\u{00A9}', '\u{0404}', '\u{00AB}', '\u{00AC}', '\u{00AD}', '\u{00AE}', '\u{0407}',
    '\u{00B0}', '\u{00B1}', '\u{0406}', '\u{0456}', '\u{0491}', '\u{00B5}', '\u{00B6}', '\u{00B7}',
    '\u{0451}', '\u{2116}', '\u{0454}', '\u{00BB}', '\u{0458}', '\u{0405}', '\u{0455}', '\u{0457}',
    '\u{0410}', '\u{0411}', '\u{0412}', '\u{0413}', '\u{0414}', '\u{0415}', '\u{0416}', '\u{0417}',
    '\u{0418}', '\u{0419}', '\u{041A}', '\u{041B}', '\u{041C}', '\u{041D}', '\u{041E}', '\u{041F}',
    '\u{0420}', '\u{0421}', '\u{0422}', '\u{0423}', '\u{0424}', '\u{0425}', '\u{0426}', '\u{0427}',
    '\u{0428}', '\u{0429}', '\u{042A}', '\u{042B}', '\u{042C}', '\u{042D}', '\u{042E}', '\u{042F}',
    '\u{0430}', '\u{0431}', '\u{0432}', '\u{0433}', '\u{0434}', '\u{0435}', '\u{0436}', '\u{0437}',
    '\u{0438}', '\u{0439}', '\u{043A}', '\u{043B}', '\u{043C}', '\u{043D}', '\u{043E}', '\u{043F}',
    '\u{0440}', '\u{0441}', '\u{0442}', '\u{0443}', '\u{0444}', '\u{0445}', '\u{0446}', '\u{0447}',
    '\u{0448}', '\u{0449}', '\u{044A}', '\u{044B}', '\u{044C}', '\u{044D}', '\u{044E}', '\u{044F}',
];

/// The byte of `c` in windows-1251, if it has one.
fn byte_of(c: char) -> Option<u8> {
    if c.is_ascii() {
        return Some(c as u8);
    }
    if ('\u{0410}'..='\u{044F}').contains(&c) {
        return Some((c as u32 - 0x0410 + 0xC0) as u8);
    }
    // The table's highest character is U+2122: Han and the rest are not looked for.
    if c > '\u{2122}' {
        return None;
    }
    HIGH.iter().position(|&h| h == c).map(|n| 0x80 + n as u8)
}

/// `json` (UTF-8 JSON of an object) in windows-1251 with its declaration, each character the
/// code page lacks escaped.
fn windows_1251(json: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len());
    out.extend_from_slice(DECLARATION);
    for c in json[1..].chars() {
        match byte_of(c) {
            Some(b) => out.push(b),
            None => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.extend_from_slice(format!("\\u{unit:04x}").as_bytes());
                }
            }
        }
    }
    out
}

/// The bytes to deliver for the whole index whose UTF-8 JSON is `json`: itself, or its
/// windows-1251 form when that saves at least a tenth of the bytes.
pub(super) fn deliver(json: Vec<u8>) -> Vec<u8> {
    let Ok(text) = std::str::from_utf8(&json) else {
        return json;
    };
    let encoded: usize = (text.chars())
        .map(|c| match byte_of(c) {
            Some(_) => 1,
            None => 6 * c.len_utf16(),
        })
        .sum();
    let encoded = encoded + DECLARATION.len() - 1;
    if !text.starts_with('{') || encoded * 10 > json.len() * (10 - MIN_SAVING_TENTHS) {
        return json;
    }
    windows_1251(text)
}

/// The text of an index file as [`deliver`] wrote it: UTF-8, or windows-1251 when it begins
/// with the declaration. `None` when it is neither.
pub fn decode(bytes: &[u8]) -> Option<String> {
    if !bytes.starts_with(DECLARATION) {
        return String::from_utf8(bytes.to_vec()).ok();
    }
    let text = bytes.iter().map(|&b| match b {
        0x00..=0x7F => b as char,
        _ => HIGH[usize::from(b - 0x80)],
    });
    Some(text.collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cyrillic_index_is_encoded_and_decodes_to_the_same_json() {
        let json = r#"{"lang":"ru","synonyms":[["外资","иностранные инвестиции"]],"pages":[{"u":"ru/","t":"Ёлка — «ёж» № 5 😀","s":["Увэй — город в провинции Ганьсу, транспортный узел между востоком и западом"]}]}"#;
        let bytes = deliver(json.as_bytes().to_vec());
        assert!(bytes.starts_with(DECLARATION), "not encoded");
        assert!(bytes.len() < json.len());
        let text = decode(&bytes).unwrap();
        let want: serde_json::Value = serde_json::from_str(json).unwrap();
        let mut got: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(got["encoding"], "windows-1251");
        got.as_object_mut().unwrap().remove("encoding");
        assert_eq!(got, want);
        // Han and the emoji (a surrogate pair) are escapes: the file is one byte a character.
        assert!(text.contains(r"\u5916\u8d44") && text.contains(r"\ud83d\ude00"));
    }

    #[test]
    fn an_index_that_would_save_little_stays_utf8() {
        for json in [
            r#"{"lang":"en","pages":[{"t":"The “bonded” centre — Wuwei"}]}"#,
            r#"{"lang":"zh","pages":[{"t":"武威保税物流中心"}]}"#,
            r#"{"lang":"ru","pages":[{"t":"Ё"}]}"#,
        ] {
            assert_eq!(deliver(json.as_bytes().to_vec()), json.as_bytes(), "{json}");
            assert_eq!(decode(json.as_bytes()).unwrap(), json);
        }
    }

    #[test]
    fn every_byte_of_the_table_is_one_character_and_back() {
        for (n, &c) in HIGH.iter().enumerate() {
            assert_eq!(byte_of(c), Some(0x80 + n as u8), "{c:?}");
        }
        assert_eq!(
            HIGH.iter().collect::<std::collections::HashSet<_>>().len(),
            128
        );
    }
}
