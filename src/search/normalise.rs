//! Search normalisation: the one definition of a word, shared by the index and by queries, so
//! that a query finds what the indexer indexed.
//!
//! In: text (a page's title, a heading, a section's text), or a query and the site's synonym
//! groups. Out: the text's tokens, in order ([`tokens`], [`Tokeniser::each_token`]); a query's
//! concepts are built from the same pieces in `query.rs`, Chinese numerals read in `numerals.rs`.
//!
//! The browser repeats this file rule for rule in `builtin/theme/static/normalise.js`, under
//! the same names in camelCase: `segments`, `stem` (`stemEn`, `stemRu`), `wordTokens`, `tokens`,
//! `runConcept`, `wordConcept`, `prepareGroups` (here [`groups`]), `splitRun`,
//! `replaceSequences`, `flatten`, `concepts`, `withoutStopWords`, `parseQuery`,
//! `queryConcepts`, and the word lists [`EN_SUFFIXES`], [`RU_ENDINGS`], [`RU_SUFFIXES`],
//! [`STOP_WORDS`]. A change here is a change there: the shared vectors of
//! `tests/vectors/normalise.json` run against both (`tests/suite/search.rs`).
//!
//! The rules:
//! 1. Fullwidth ASCII forms (`５００`, `ＡＢ`) fold to ASCII. Chinese numerals become digits
//!    (`numerals.rs`), so `五百强` and `500强`, `一千万` and `1000万`, `5千万` and `5000万` meet:
//!    a run of `〇零一二两三四五六七八九十百千`, or ASCII digits and then such a run, that reads
//!    as a number below 万 (`二十五` 25, `一百零五` 105, `一百五` 150) becomes its digits when it
//!    holds a unit (`十百千`) and is two characters or more, or is one character before `万`/`亿`
//!    (`一万` → `1万`, `十亿` → `10亿`); `万` and `亿` stay. Not after or before a letter or digit,
//!    nor after `.` or `,`; what does not read as a number (`十四五`, `千方百计`, `十分`) stays.
//! 2. Text splits into Han runs, words and separators. A word is a run of letters (Unicode
//!    `Alphabetic`, Han excepted) and ASCII digits; `-`, `‐`, `‑` or `&` between two word
//!    characters joins parts into one hyphenated word (`M&A` is the word `m-a`).
//! 3. A Han run gives each character and each overlapping pair, in order: `保税物` → `保`,
//!    `保税`, `税`, `税物`, `物`. In a query, a run of two or more characters gives only its
//!    pairs, all required; one character gives itself.
//! 4. A word is lowercased, `ё` becomes `е`, and each part is stemmed (below). A hyphenated word
//!    gives the whole word (its last part stemmed) and then each part. Parts of one letter are
//!    dropped (`a`, `в`, the `s` of `city’s`); numbers are kept whatever their length.
//! 5. Stemming, by script: only words of `a`–`z` or only of `а`–`я` are stemmed; a stem keeps
//!    at least three letters. English: remove the longest suffix of [`EN_SUFFIXES`] (`ies`/`ied`
//!    become `y`; no `s` is removed after `s`, `u` or `i`), then a final `e`, then one letter of
//!    a final double consonant other than `l`, `s`, `z`. Russian: remove the longest ending of
//!    [`RU_ENDINGS`] (nouns and adjectives, no verbs), then one of [`RU_SUFFIXES`], then one `н`
//!    of a final `нн` (`запрещенн|ые` and `запрещен|а` meet).
//! 6. In a query, concepts that are one of [`STOP_WORDS`] are dropped when others remain.

use super::numerals::numerals;
use crate::hash::FnvMap;

/// English suffixes and what replaces them; the longest that leaves a stem of three letters wins.
const EN_SUFFIXES: &[(&str, &str)] = &[
    ("ations", ""),
    ("ation", ""),
    ("ments", ""),
    ("ment", ""),
    ("ings", ""),
    ("ing", ""),
    ("ions", ""),
    ("ion", ""),
    ("ies", "y"),
    ("ied", "y"),
    ("ers", ""),
    ("er", ""),
    ("ors", ""),
    ("or", ""),
    ("ed", ""),
    ("es", ""),
    ("s", ""),
];

/// Russian noun and adjective endings; the longest that leaves a stem of three letters goes.
const RU_ENDINGS: &[&str] = &[
    "иями", "ями", "ами", "иях", "ях", "ах", "иям", "ям", "ам", "ией", "ей", "ой", "ом", "ем",
    "ов", "ев", "ью", "ья", "ье", "ьи", "ия", "ие", "ий", "ии", "ию", "ая", "яя", "ое", "ее", "ые",
    "ый", "ую", "юю", "ых", "их", "ым", "им", "ыми", "ими", "ого", "его", "ому", "ему", "а", "я",
    "о", "е", "ы", "и", "у", "ю", "ь", "й", "ием", "иев", "ьем", "ою", "ею",
];

/// Russian derivational suffixes removed after the ending (`возможност|ь` → `возможн`).
const RU_SUFFIXES: &[&str] = &["ост", "ионн"];

/// Words a query may contain that say nothing about what is sought (`which industries are
/// closed to foreign investors`); dropped from a query that has other words.
pub(super) const STOP_WORDS: &[&str] = &[
    "about",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "by",
    "can",
    "do",
    "does",
    "for",
    "from",
    "how",
    "in",
    "into",
    "is",
    "me",
    "my",
    "of",
    "on",
    "or",
    "our",
    "than",
    "that",
    "the",
    "there",
    "these",
    "this",
    "those",
    "to",
    "was",
    "we",
    "what",
    "when",
    "where",
    "which",
    "who",
    "why",
    "with",
    "you",
    "your",
    "без",
    "вам",
    "ваш",
    "во",
    "вы",
    "где",
    "для",
    "до",
    "же",
    "за",
    "из",
    "или",
    "как",
    "какая",
    "какие",
    "какое",
    "какой",
    "когда",
    "кто",
    "ли",
    "мне",
    "мы",
    "на",
    "нам",
    "наш",
    "но",
    "об",
    "он",
    "она",
    "они",
    "от",
    "по",
    "под",
    "при",
    "со",
    "что",
    "это",
    "эта",
    "этот",
];

const MIN_STEM: usize = 3;

/// The word lists by their JavaScript names (`EN_SUFFIXES` as `[suffix, replacement]` pairs),
/// so a test can hold `normalise.js` to the same lists.
pub fn word_lists() -> Vec<(&'static str, serde_json::Value)> {
    vec![
        ("EN_SUFFIXES", serde_json::json!(EN_SUFFIXES)),
        ("RU_ENDINGS", serde_json::json!(RU_ENDINGS)),
        ("RU_SUFFIXES", serde_json::json!(RU_SUFFIXES)),
        ("STOP_WORDS", serde_json::json!(STOP_WORDS)),
    ]
}

/// One piece of text: a Han run (as characters) or a word (as its parts).
pub(super) enum Segment {
    Han(Vec<char>),
    Word(Vec<String>),
}

pub(super) fn fold(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Whether `c` is a Han character (CJK ideographs, extensions and compatibility forms).
pub(crate) fn is_han(c: char) -> bool {
    matches!(c, '\u{3007}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3FFFF}')
}

pub(super) fn is_word_char(c: char) -> bool {
    match c {
        // Fast paths for the scripts the guide is written in; the same answer as below.
        '0'..='9' | 'a'..='z' | 'A'..='Z' | 'А'..='я' | 'ё' | 'Ё' => true,
        _ if c.is_ascii() => false,
        _ => !is_han(c) && c.is_alphabetic(),
    }
}

fn is_joiner(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}' | '&')
}

pub(super) fn segments(text: &str) -> Vec<Segment> {
    let chars: Vec<char> = numerals(text).chars().map(fold).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        if is_han(chars[i]) {
            while i < chars.len() && is_han(chars[i]) {
                i += 1;
            }
            out.push(Segment::Han(chars[start..i].to_vec()));
        } else if is_word_char(chars[i]) {
            let mut parts = Vec::new();
            loop {
                let part_start = i;
                while i < chars.len() && is_word_char(chars[i]) {
                    i += 1;
                }
                parts.push(chars[part_start..i].iter().collect());
                let joined = i + 1 < chars.len() && is_joiner(chars[i]);
                if !(joined && is_word_char(chars[i + 1])) {
                    break;
                }
                i += 1;
            }
            out.push(Segment::Word(parts));
        } else {
            i += 1;
        }
    }
    out
}

pub(super) fn lower(part: &str) -> String {
    part.to_lowercase().replace('ё', "е")
}

pub(super) fn keep(part: &str) -> bool {
    part.chars().count() >= 2 || part.chars().all(|c| c.is_ascii_digit())
}

/// Strips the longest of `suffixes` that leaves at least `MIN_STEM` letters, appending its
/// replacement; `None` when none fits.
fn strip<'a>(
    word: &str,
    suffixes: impl Iterator<Item = (&'a str, &'a str)>,
    allowed: impl Fn(&str, &str) -> bool,
) -> Option<String> {
    let len = word.chars().count();
    suffixes
        .filter(|(s, _)| word.ends_with(s) && len - s.chars().count() >= MIN_STEM)
        .filter(|(s, _)| allowed(word, s))
        .max_by_key(|(s, _)| s.chars().count())
        .map(|(s, r)| format!("{}{r}", &word[..word.len() - s.len()]))
}

fn stem_en(word: &str) -> String {
    let no_s_after = |w: &str, s: &str| {
        s != "s" || !(w.ends_with("ss") || w.ends_with("us") || w.ends_with("is"))
    };
    let mut stem =
        strip(word, EN_SUFFIXES.iter().copied(), no_s_after).unwrap_or_else(|| word.to_string());
    if stem.len() > MIN_STEM && stem.ends_with('e') {
        stem.pop();
    }
    let b = stem.as_bytes();
    let n = b.len();
    if n > MIN_STEM && b[n - 1] == b[n - 2] && !b"aeioulsz".contains(&b[n - 1]) {
        stem.pop();
    }
    stem
}

fn stem_ru(word: &str) -> String {
    let bare = |list: &'static [&'static str]| list.iter().map(|e| (*e, ""));
    let word = strip(word, bare(RU_ENDINGS), |_, _| true).unwrap_or_else(|| word.to_string());
    let mut word = strip(&word, bare(RU_SUFFIXES), |_, _| true).unwrap_or(word);
    if word.ends_with("нн") && word.chars().count() > MIN_STEM {
        word.pop();
    }
    word
}

/// The stem of one lowercased part: English or Russian rules by script, else the part itself.
pub(super) fn stem(part: &str) -> String {
    if part.chars().all(|c| c.is_ascii_lowercase()) {
        stem_en(part)
    } else if part.chars().all(|c| ('а'..='я').contains(&c)) {
        stem_ru(part)
    } else {
        part.to_string()
    }
}

/// A word's tokens: the whole hyphenated word (last part stemmed), then each part kept.
pub(super) fn word_tokens(parts: &[String]) -> (Option<String>, Vec<String>) {
    let parts: Vec<String> = parts.iter().map(|p| lower(p)).collect();
    let kept: Vec<String> = parts.iter().filter(|p| keep(p)).map(|p| stem(p)).collect();
    if parts.len() == 1 {
        return (None, kept);
    }
    let (last, rest) = parts.split_last().unwrap_or((&parts[0], &[]));
    let whole = format!("{}-{}", rest.join("-"), stem(last));
    (Some(whole), kept)
}

/// The tokens the index holds for `text`, in order, repeats included.
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    Tokeniser::default().each_token(text, |t| out.push(t.to_string()));
    out
}

/// Most words a [`Tokeniser`] remembers; past that it starts afresh.
const KNOWN_WORDS: usize = 1 << 16;

/// Gives the tokens of texts, remembering each word's tokens by the word as written: words
/// repeat, and stemming allocates. Its owner keeps it as long as it is useful (the index
/// builder, one per rayon worker); a fresh one gives the same tokens as one that has seen many
/// words.
#[derive(Debug, Default)]
pub(crate) struct Tokeniser {
    words: FnvMap<Box<str>, Box<[String]>>,
}

/// The character at byte `i` of `text`, folded (rule 1), and its length in bytes.
pub(super) fn folded_at(text: &str, i: usize) -> Option<(char, usize)> {
    let c = text.get(i..)?.chars().next()?;
    Some((fold(c), c.len_utf8()))
}

impl Tokeniser {
    /// Calls `f` with each token of `text`, in order, as [`tokens`] returns them, without
    /// allocating a string per token: the index builder's inner loop. It reads `text` in place
    /// (the segments of rule 2 as byte ranges): a Han character and pair is a slice of `text`
    /// (folding never changes Han characters), a word is looked up as written.
    pub(crate) fn each_token(&mut self, text: &str, mut f: impl FnMut(&str)) {
        let text = numerals(text);
        let text = text.as_ref();
        let mut i = 0;
        while let Some((c, len)) = folded_at(text, i) {
            if is_han(c) {
                i = han_tokens(text, i, len, &mut f);
            } else if is_word_char(c) {
                let end = word_end(text, i + len);
                self.word(&text[i..end], &mut f);
                i = end;
            } else {
                i += len;
            }
        }
    }

    /// Calls `f` with each token of one word as written in the text (parts and joiners).
    fn word(&mut self, written: &str, f: &mut impl FnMut(&str)) {
        if let Some(known) = self.words.get(written) {
            known.iter().for_each(|t| f(t));
            return;
        }
        let all = written_word_tokens(written);
        all.iter().for_each(|t| f(t));
        if self.words.len() >= KNOWN_WORDS {
            self.words.clear();
        }
        self.words.insert(written.into(), all);
    }
}

/// The tokens of one word as written in the text (parts and joiners), in order.
pub(super) fn written_word_tokens(written: &str) -> Box<[String]> {
    let folded: String = written.chars().map(fold).collect();
    let parts: Vec<String> = folded.split(is_joiner).map(str::to_string).collect();
    let (whole, kept) = word_tokens(&parts);
    whole.into_iter().chain(kept).collect()
}

/// The tokens of the Han run starting at byte `start` (its first character `len` bytes long):
/// each character, then the pair it starts (rule 3). Returns the byte where the run ends.
fn han_tokens(text: &str, start: usize, len: usize, f: &mut impl FnMut(&str)) -> usize {
    let (mut start, mut end) = (start, start + len);
    loop {
        f(&text[start..end]);
        match folded_at(text, end) {
            Some((next, len)) if is_han(next) => {
                f(&text[start..end + len]);
                (start, end) = (end, end + len);
            }
            _ => return end,
        }
    }
}

/// Where the word whose first character ends at byte `i` ends: word characters, joined by a
/// joiner between two word characters (rule 2).
pub(super) fn word_end(text: &str, mut i: usize) -> usize {
    loop {
        while let Some((c, len)) = folded_at(text, i)
            && is_word_char(c)
        {
            i += len;
        }
        match folded_at(text, i) {
            Some((joiner, len)) if is_joiner(joiner) => match folded_at(text, i + len) {
                Some((next, _)) if is_word_char(next) => i += len,
                _ => return i,
            },
            _ => return i,
        }
    }
}

/// A repeatable stream of numbers for tests (xorshift64 from `seed`): each call gives one below
/// its argument.
#[cfg(test)]
pub(crate) fn test_numbers(seed: u64) -> impl FnMut(usize) -> usize {
    let mut state = seed;
    move |m: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % m as u64) as usize
    }
}

/// `count` short random texts (up to 23 characters) over an alphabet of the tokeniser's corners:
/// joiners, full-width forms, Han and its numerals, combining marks, emoji; the same texts on
/// every run. For tests that hold a tokeniser to the rules.
#[cfg(test)]
pub(crate) fn random_texts(count: usize) -> Vec<String> {
    let alphabet: Vec<char> = "aZ9 -‐‑&＆－Ａ５ｚ.,;:!?()«»—–'’\"\n\tжЖёЁщъ\u{301}ΩλŞ保税物流中心〇一二五十百千万亿\u{20000}\u{FA11}😀\u{3000}"
        .chars()
        .collect();
    let mut next = test_numbers(0x2545_f491_4f6c_dd1d);
    (0..count)
        .map(|_| {
            let len = next(24);
            (0..len).map(|_| alphabet[next(alphabet.len())]).collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tokeniser_that_remembers_words_gives_the_tokens_of_a_fresh_one() {
        let texts = [
            "Bonded logistics: bonded goods, M&A and city’s ５００ firms",
            "保税物流中心 bonded-zone Штаб-квартира запрещенные запрещена",
            "bonded logistics M&A 保税物流 запрещенные",
        ];
        let mut tokeniser = Tokeniser::default();
        for text in texts {
            let mut warm = Vec::new();
            tokeniser.each_token(text, |t| warm.push(t.to_string()));
            assert_eq!(warm, tokens(text), "{text}");
        }
        assert!(tokeniser.words.contains_key("bonded"));
    }

    /// The tokens of `text` by the rules as written: segments, then each segment's tokens.
    fn reference_tokens(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for segment in segments(text) {
            match segment {
                Segment::Han(chars) => {
                    for (i, c) in chars.iter().enumerate() {
                        out.push(c.to_string());
                        if let Some(next) = chars.get(i + 1) {
                            out.push(format!("{c}{next}"));
                        }
                    }
                }
                Segment::Word(parts) => {
                    let (whole, kept) = word_tokens(&parts);
                    out.extend(whole);
                    out.extend(kept);
                }
            }
        }
        out
    }

    // Guards the in-place tokeniser of the index builder against the rules it must follow.
    #[test]
    fn the_tokeniser_gives_the_tokens_of_the_rules_on_random_text() {
        let mut tokeniser = Tokeniser::default();
        for text in random_texts(3000) {
            let mut got = Vec::new();
            tokeniser.each_token(&text, |t| got.push(t.to_string()));
            assert_eq!(got, reference_tokens(&text), "{text:?}");
        }
    }

    #[test]
    fn word_characters_are_letters_and_digits_other_than_han() {
        for c in (0..0x40000).filter_map(char::from_u32) {
            let defined = !is_han(c) && (c.is_ascii_digit() || c.is_alphabetic());
            assert_eq!(is_word_char(c), defined, "{c:?} U+{:04X}", c as u32);
        }
    }
}
