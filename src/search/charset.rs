//! The whole index as written: its JSON in whichever of three encodings that browsers decode
//! natively (`TextDecoder`) takes the fewest bytes. Text is most of a whole index, and UTF-8
//! spends two bytes on a Cyrillic letter and three on a Chinese character: windows-1251 spends
//! one on the first, UTF-16 two on the second, and the file is about a fifth (Russian) or a
//! tenth (Chinese) smaller once compressed too.
//!
//! In: the JSON text of a whole index (writing), or the bytes of any index file (reading).
//! Out: the bytes to publish: the JSON as UTF-8 when that is smallest, else a first line
//! naming the encoding (`windows-1251` or `utf-16le`, ASCII) and then the JSON in it, a
//! character windows-1251 lacks written as a JSON escape (`\u4e2d`). Reading gives back the
//! JSON text. A file that starts with `{` or `[` is UTF-8 JSON (as every file of the split
//! form is).
//!
//! The browser reads it in `builtin/theme/static/search.js` (`indexText`), with the
//! `TextDecoder` of the named encoding; `tests/vectors/charsets.json` holds both sides to the
//! same bytes.

/// windows-1251 bytes 0x80–0xBF, as the WHATWG Encoding Standard maps them (0xC0–0xFF are
/// U+0410–U+044F in order). 0x98 maps to U+0098, a control character, which is never encoded.
const HIGH: [char; 64] = [
    'Ђ', 'Ѓ', '‚', 'ѓ', '„', '…', '†', '‡', '€', '‰', 'Љ', '‹', 'Њ', 'Ќ', 'Ћ', 'Џ', //
    'ђ', '‘', '’', '“', '”', '•', '–', '—', '\u{98}', '™', 'љ', '›', 'њ', 'ќ', 'ћ', 'џ', //
    '\u{a0}', 'Ў', 'ў', 'Ј', '¤', 'Ґ', '¦', '§', 'Ё', '©', 'Є', '«', '¬', '\u{ad}', '®',
    'Ї', //
    '°', '±', 'І', 'і', 'ґ', 'µ', '¶', '·', 'ё', '№', 'є', '»', 'ј', 'Ѕ', 'ѕ', 'ї',
];

const WINDOWS_1251: &str = "windows-1251";
const UTF_16LE: &str = "utf-16le";

/// The windows-1251 byte of `c`, if it has one (ASCII included).
fn windows_1251(c: char) -> Option<u8> {
    match c {
        '\0'..='\x7f' => Some(c as u8),
        'А'..='я' => Some((u32::from(c) - 0x410 + 0xc0) as u8),
        '\u{98}' => None,
        _ => HIGH.iter().position(|&h| h == c).map(|i| 0x80 + i as u8),
    }
}

/// `json` (a JSON text, non-ASCII characters only inside its strings) as published: see the
/// module's notes.
pub fn index_bytes(json: &str) -> Vec<u8> {
    let single: usize = json
        .chars()
        .map(|c| match windows_1251(c) {
            Some(_) => 1,
            None => 6 * c.len_utf16(),
        })
        .sum();
    let double = 2 * json.encode_utf16().count();
    let utf8 = json.len();
    if utf8 <= single + WINDOWS_1251.len() + 1 && utf8 <= double + UTF_16LE.len() + 1 {
        return json.as_bytes().to_vec();
    }
    if single + WINDOWS_1251.len() <= double + UTF_16LE.len() {
        let mut out = Vec::with_capacity(single + WINDOWS_1251.len() + 1);
        out.extend_from_slice(WINDOWS_1251.as_bytes());
        out.push(b'\n');
        let mut units = [0u16; 2];
        for c in json.chars() {
            match windows_1251(c) {
                Some(b) => out.push(b),
                None => {
                    for unit in c.encode_utf16(&mut units) {
                        out.extend_from_slice(format!("\\u{unit:04x}").as_bytes());
                    }
                }
            }
        }
        out
    } else {
        let mut out = Vec::with_capacity(double + UTF_16LE.len() + 1);
        out.extend_from_slice(UTF_16LE.as_bytes());
        out.push(b'\n');
        for unit in json.encode_utf16() {
            out.extend_from_slice(&unit.to_le_bytes());
        }
        out
    }
}

/// The JSON text of an index file as published (any form): see the module's notes.
pub fn index_text(bytes: &[u8]) -> Result<String, String> {
    let utf8 = |b: &[u8]| String::from_utf8(b.to_vec()).map_err(|e| e.to_string());
    if matches!(bytes.first(), Some(b'{' | b'[')) {
        return utf8(bytes);
    }
    let Some(line) = bytes.iter().position(|&b| b == b'\n') else {
        return Err("neither JSON nor a line naming an encoding".into());
    };
    let rest = &bytes[line + 1..];
    match &bytes[..line] {
        b"windows-1251" => Ok(rest
            .iter()
            .map(|&b| match b {
                0..=0x7f => char::from(b),
                0x80..=0xbf => HIGH[usize::from(b - 0x80)],
                _ => char::from_u32(0x410 + u32::from(b - 0xc0)).unwrap_or('\u{fffd}'),
            })
            .collect()),
        b"utf-16le" if rest.len().is_multiple_of(2) => {
            let units: Vec<u16> = rest
                .chunks_exact(2)
                .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
                .collect();
            String::from_utf16(&units).map_err(|e| e.to_string())
        }
        other => Err(format!(
            "unknown encoding `{}`",
            String::from_utf8_lossy(&other[..other.len().min(40)])
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_the_standards_and_every_character_comes_back() {
        let all: String = (0x80u8..=0xff)
            .filter(|&b| b != 0x98)
            .map(|b| index_text(&[b"windows-1251\n".as_slice(), &[b]].concat()).unwrap())
            .collect();
        assert_eq!(all.chars().count(), 127);
        for (i, c) in all.chars().enumerate() {
            let b = windows_1251(c).unwrap();
            assert_eq!(b, (0x80 + i + usize::from(i >= 0x18)) as u8, "{c}");
        }
        assert_eq!(windows_1251('\u{98}'), None);
        assert_eq!(windows_1251('中'), None);
    }

    #[test]
    fn each_text_gets_its_smallest_encoding_and_reads_back() {
        let russian = r#"{"t":"Иностранные инвестиции «в Увэй» — 保税 😀 \"ok\\"}"#;
        let chinese =
            r#"{"t":"武威市促进外资扩增量稳存量提质量若干措施实施方案，外商投资企业在武威 — ok"}"#;
        let english = r#"{"t":"plain text"}"#;
        for (json, label) in [
            (russian, Some("windows-1251")),
            (chinese, Some("utf-16le")),
            (english, None),
        ] {
            let bytes = index_bytes(json);
            let first = bytes.split(|&b| b == b'\n').next().unwrap();
            match label {
                Some(label) => assert_eq!(first, label.as_bytes(), "{json}"),
                None => assert_eq!(bytes, json.as_bytes()),
            }
            let back = index_text(&bytes).unwrap();
            let a: serde_json::Value = serde_json::from_str(&back).unwrap();
            let b: serde_json::Value = serde_json::from_str(json).unwrap();
            assert_eq!(a, b, "{json}");
        }
        assert!(index_text(b"koi8-r\n{}").is_err());
        assert!(index_text(b"no line").is_err());
    }
}
