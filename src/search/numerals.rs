//! Chinese numerals as digits (rule 1 of `normalise.rs`), so `五百强` and `500强`, `一千万` and
//! `1000万` meet in the index and in queries alike.
//! In: text. Out: the same text with each Chinese numeral that reads as a number written in
//! digits. Mirrored by `numerals` in `builtin/theme/static/normalise.js`.

use super::normalise::{fold, is_word_char};
use std::borrow::Cow;

fn cn_digit(c: char) -> Option<u64> {
    let digit = match c {
        '〇' | '零' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    };
    Some(digit)
}

fn cn_unit(c: char) -> Option<u64> {
    match c {
        '十' => Some(10),
        '百' => Some(100),
        '千' => Some(1000),
        _ => None,
    }
}

fn is_cn_numeral(c: char) -> bool {
    cn_digit(c).is_some() || cn_unit(c).is_some()
}

/// The value of a run of Chinese digits and units below 万, after `prefix` (ASCII digits
/// before the run), and whether it holds a unit; `None` when it does not read as a number.
fn cn_value(run: &[char], prefix: Option<u64>) -> Option<(u64, bool)> {
    let (mut total, mut pending, mut last_unit) = (0, prefix, u64::MAX);
    let (mut has_unit, mut after_zero) = (false, false);
    for &c in run {
        if let Some(unit) = cn_unit(c) {
            let digit = match pending.take() {
                Some(d) if d > 0 => d,
                None if !has_unit && unit == 10 => 1,
                _ => return None,
            };
            if unit >= last_unit {
                return None;
            }
            (total, last_unit, has_unit, after_zero) = (total + digit * unit, unit, true, false);
        } else {
            let digit = cn_digit(c)?;
            if pending.is_some() || (digit == 0 && (!has_unit || after_zero)) {
                return None;
            }
            after_zero |= digit == 0;
            pending = (digit > 0).then_some(digit);
        }
    }
    if let Some(d) = pending {
        // `一百五` is 150: a last digit right after a unit counts in the next unit down.
        let short = has_unit && !after_zero && last_unit > 10;
        total += if short { d * last_unit / 10 } else { d };
    }
    Some((total, has_unit))
}

/// The number written at `chars[i..]` and where it ends, if one starts there (rule 1).
fn numeral_at(chars: &[char], i: usize) -> Option<(u64, usize)> {
    let before = i.checked_sub(1).map(|p| fold(chars[p]));
    if before.is_some_and(|p| is_word_char(p) || is_cn_numeral(p) || p == '.' || p == ',') {
        return None;
    }
    let mut run_start = i;
    while chars
        .get(run_start)
        .is_some_and(|c| fold(*c).is_ascii_digit())
    {
        run_start += 1;
    }
    let prefix = match run_start - i {
        0 if is_cn_numeral(chars[i]) => None,
        1..=9 if chars.get(run_start).copied().and_then(cn_unit).is_some() => {
            let digits: String = chars[i..run_start].iter().map(|c| fold(*c)).collect();
            Some(digits.parse().ok()?)
        }
        _ => return None,
    };
    let mut end = run_start;
    while chars.get(end).is_some_and(|c| is_cn_numeral(*c)) {
        end += 1;
    }
    let after = chars.get(end).map(|c| fold(*c));
    if after.is_some_and(is_word_char) {
        return None;
    }
    let big_after = after.is_some_and(|c| c == '万' || c == '亿');
    let (value, has_unit) = cn_value(&chars[run_start..end], prefix)?;
    let fits = if has_unit {
        end - i >= 2 || big_after
    } else {
        big_after && end - i == 1
    };
    fits.then_some((value, end))
}

/// Whether `text` holds one of `十百千万亿`, without which nothing is read as a number: their
/// UTF-8 forms are looked for in the bytes (all three bytes long, led by 0xE4–0xE7; a lead byte
/// never occurs inside another character).
fn has_unit(text: &str) -> bool {
    const UNITS: [&[u8]; 5] = [
        "十".as_bytes(),
        "百".as_bytes(),
        "千".as_bytes(),
        "万".as_bytes(),
        "亿".as_bytes(),
    ];
    let b = text.as_bytes();
    // Text without one such lead byte (any not Chinese) is told at once: each block of bytes
    // is read whole, without a branch per byte, which the compiler makes vector code of.
    let lead = |block: &[u8]| (block.iter()).fold(false, |any, &c| any | matches!(c, 0xE4..=0xE7));
    if !b.chunks(64).any(lead) {
        return false;
    }
    b.iter().enumerate().any(|(i, &lead)| {
        matches!(lead, 0xE4..=0xE7) && b.get(i..i + 3).is_some_and(|s| UNITS.contains(&s))
    })
}

/// `text` with its Chinese numerals written in digits (rule 1); borrowed when it has none.
pub(crate) fn numerals(text: &str) -> Cow<'_, str> {
    if !has_unit(text) {
        return Cow::Borrowed(text);
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let (mut i, mut changed) = (0, false);
    while i < chars.len() {
        match numeral_at(&chars, i) {
            Some((value, end)) => {
                out.push_str(&value.to_string());
                (i, changed) = (end, true);
            }
            None => {
                out.push(chars[i]);
                i += 1;
            }
        }
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Guards rule 1's reading of Chinese numerals, including what must stay as written.
    #[test]
    fn chinese_numerals_become_digits_only_where_they_read_as_numbers() {
        let cases = [
            ("世界五百强", "世界500强"),
            ("一千万元", "1000万元"),
            ("5千万", "5000万"),
            ("５千万", "5000万"),
            ("二十五", "25"),
            ("一百零五", "105"),
            ("一百五", "150"),
            ("三千二百", "3200"),
            ("两千", "2000"),
            ("一万", "1万"),
            ("十亿", "10亿"),
            ("十万", "10万"),
            ("一万五千", "1万5000"),
            ("十四五规划", "十四五规划"),
            ("千方百计", "千方百计"),
            ("十分重要", "十分重要"),
            ("百万", "百万"),
            ("统一规划", "统一规划"),
            ("二〇二三年", "二〇二三年"),
            ("1.5千万", "1.5千万"),
            ("G5千", "G5千"),
            ("五百ABC", "五百ABC"),
            ("三四百", "三四百"),
            ("千百", "千百"),
        ];
        for (text, want) in cases {
            assert_eq!(numerals(text), want, "{text}");
        }
    }

    #[test]
    fn units_are_found_by_their_bytes_as_by_their_characters() {
        for text in [
            "", "x", "十", "a百b", "千万", "亿", "三", "卄", "丁", "万", "ж十", "中文", "😀",
        ] {
            let want = text.contains(['十', '百', '千', '万', '亿']);
            assert_eq!(has_unit(text), want, "{text}");
        }
        for c in (0x3000..0xA000).filter_map(char::from_u32) {
            let text = format!("a{c}");
            assert_eq!(
                has_unit(&text),
                matches!(c, '十' | '百' | '千' | '万' | '亿'),
                "{c}"
            );
        }
    }

    // The quick pass over blocks of bytes finds a unit wherever it is, across a block's end
    // too, and lets text without one through unchanged.
    #[test]
    fn a_unit_is_found_at_any_offset_and_other_text_has_none() {
        for filler in ["a", "я", "中"] {
            for at in 0..140 {
                let before = filler.repeat(at);
                assert!(has_unit(&format!("{before}五百强")), "{filler} × {at}");
                assert!(has_unit(&format!("{before}千")), "{filler} × {at}");
            }
            assert!(!has_unit(&filler.repeat(300)), "{filler}");
        }
        assert_eq!(
            numerals(&"инвестиции ".repeat(20)),
            "инвестиции ".repeat(20)
        );
    }
}
