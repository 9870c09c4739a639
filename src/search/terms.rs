//! Term numbers for the index builder: the tokens of `normalise.rs`, each given as a number
//! that stands for its text, so the builder's inner loop neither hashes nor compares a token's
//! text once the token is known.
//!
//! In: texts (a page's title, headings, section texts). Out: the number of each token, in the
//! order [`Tokeniser::each_token`](super::normalise::Tokeniser::each_token) gives the tokens,
//! and each number's text ([`Terms::names`]).
//!
//! A word is looked up once, as written, for the numbers of all its tokens; a Han character
//! or pair is looked up by its code points. Only a token seen for the first time is hashed as
//! text. The keys are short and come from the site's own pages, so the maps hash with a
//! multiply-and-fold hash ([`Mix`]) rather than SipHash or byte-at-a-time FNV.

use super::normalise::{folded_at, is_han, is_word_char, word_end, written_word_tokens};
use super::numerals::numerals;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Most written words remembered; past that the memory of words starts afresh (numbers stay).
const KNOWN_WORDS: usize = 1 << 16;

/// One builder's term numbers: 0, 1, 2… in the order the terms were first seen.
#[derive(Debug, Default)]
pub(super) struct Terms {
    /// Term → its number.
    ids: MixMap<Box<str>, u32>,
    /// Number → term.
    names: Vec<Box<str>>,
    /// A word as written → the numbers of its tokens.
    words: MixMap<Box<str>, Box<[u32]>>,
    /// A Han character of the common block ([`COMMON_HAN`]) → its number (`u32::MAX` for
    /// none yet), by code point: most tokens of Chinese text, looked up without a hash.
    common_han: Vec<u32>,
    /// Another Han character (`c`) or a pair (`c1 << 32 | c2`) → its number.
    han: MixMap<u64, u32>,
}

/// The Han characters [`Terms`] numbers by a table: CJK Extension A and the Unified
/// Ideographs, `U+3400`–`U+9FFF` (`U+4DC0`–`U+4DFF` are not Han and are never looked up).
const COMMON_HAN: std::ops::Range<u32> = 0x3400..0xA000;

impl Terms {
    /// The terms, by number.
    pub(super) fn names(&self) -> &[Box<str>] {
        &self.names
    }

    /// The terms, by number.
    pub(super) fn into_names(self) -> Vec<Box<str>> {
        self.names
    }

    /// How many terms have a number.
    pub(super) fn len(&self) -> usize {
        self.names.len()
    }

    /// The number of `term`, given it a new one if it has none yet.
    pub(super) fn id(&mut self, term: &str) -> u32 {
        if let Some(&id) = self.ids.get(term) {
            return id;
        }
        let id = u32::try_from(self.names.len()).expect("fewer than 2^32 terms");
        self.ids.insert(term.into(), id);
        self.names.push(term.into());
        id
    }

    /// Calls `f` with the number of each token of `text`, in order, repeats included: the
    /// tokens of [`Tokeniser::each_token`](super::normalise::Tokeniser::each_token).
    pub(super) fn each_term(&mut self, text: &str, mut f: impl FnMut(u32)) {
        let text = numerals(text);
        let text = text.as_ref();
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b.is_ascii() {
                // ASCII folds to itself; its word characters are letters and digits. A word
                // of them ends at the first other ASCII byte but a joiner; anything else is
                // for `word_end` to judge.
                if b.is_ascii_alphanumeric() {
                    let mut end = i + 1;
                    while end < bytes.len() && bytes[end].is_ascii_alphanumeric() {
                        end += 1;
                    }
                    if bytes
                        .get(end)
                        .is_some_and(|&b| !b.is_ascii() || b == b'-' || b == b'&')
                    {
                        end = word_end(text, end);
                    }
                    self.word(&text[i..end], &mut f);
                    i = end;
                } else {
                    i += 1;
                }
                continue;
            }
            let Some((c, len)) = folded_at(text, i) else {
                break;
            };
            if is_han(c) {
                i = self.han_run(text, i, c, len, &mut f);
            } else if is_word_char(c) {
                let end = word_end(text, i + len);
                self.word(&text[i..end], &mut f);
                i = end;
            } else {
                i += len;
            }
        }
    }

    /// The numbers of the tokens of one word as written (parts and joiners).
    fn word(&mut self, written: &str, f: &mut impl FnMut(u32)) {
        if let Some(known) = self.words.get(written) {
            known.iter().for_each(|&id| f(id));
            return;
        }
        let ids: Box<[u32]> = written_word_tokens(written)
            .iter()
            .map(|t| self.id(t))
            .collect();
        ids.iter().for_each(|&id| f(id));
        if self.words.len() >= KNOWN_WORDS {
            self.words.clear();
        }
        self.words.insert(written.into(), ids);
    }

    /// The numbers of the Han run starting at byte `start` with `first` (`len` bytes): each
    /// character, then the pair it starts (rule 3 of `normalise.rs`). Returns where it ends.
    fn han_run(
        &mut self,
        text: &str,
        start: usize,
        first: char,
        len: usize,
        f: &mut impl FnMut(u32),
    ) -> usize {
        let (mut start, mut end, mut c) = (start, start + len, first);
        loop {
            f(self.han_char_id(c, &text[start..end]));
            match folded_at(text, end) {
                Some((next, len)) if is_han(next) => {
                    let pair = u64::from(c) << 32 | u64::from(next);
                    f(self.han_id(pair, &text[start..end + len]));
                    (start, end, c) = (end, end + len, next);
                }
                _ => return end,
            }
        }
    }

    fn han_char_id(&mut self, c: char, term: &str) -> u32 {
        let Some(at) = (c as u32).checked_sub(COMMON_HAN.start) else {
            return self.han_id(u64::from(c), term);
        };
        if at >= COMMON_HAN.len() as u32 {
            return self.han_id(u64::from(c), term);
        }
        if self.common_han.is_empty() {
            self.common_han = vec![u32::MAX; COMMON_HAN.len()];
        }
        match self.common_han[at as usize] {
            u32::MAX => {
                let id = self.id(term);
                self.common_han[at as usize] = id;
                id
            }
            id => id,
        }
    }

    fn han_id(&mut self, key: u64, term: &str) -> u32 {
        if let Some(&id) = self.han.get(&key) {
            return id;
        }
        let id = self.id(term);
        self.han.insert(key, id);
        id
    }
}

/// Hash maps keyed by [`Mix`].
type MixMap<K, V> = HashMap<K, V, BuildHasherDefault<Mix>>;

/// A fast hash for short keys from trusted input: eight bytes at a time, each step a 64×64→128
/// bit multiply whose halves are folded together (as foldhash and wyhash do). Not stable
/// across versions and not for anything written out: only for in-memory maps.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Mix(u64);

const MIX_K: u64 = 0x9e37_79b9_7f4a_7c15;

fn fold_mul(a: u64, b: u64) -> u64 {
    let full = u128::from(a) * u128::from(b);
    (full as u64) ^ ((full >> 64) as u64)
}

impl Hasher for Mix {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
            self.0 = fold_mul(self.0 ^ word, MIX_K);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            // The length keeps `ab` and `ab\0` apart.
            let word = u64::from_le_bytes(last) ^ (rest.len() as u64) << 59;
            self.0 = fold_mul(self.0 ^ word, MIX_K);
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.0 = fold_mul(self.0 ^ u64::from(n) ^ 0x100, MIX_K);
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = fold_mul(self.0 ^ n, MIX_K);
    }

    fn finish(&self) -> u64 {
        fold_mul(self.0, 0x2d35_8dcc_aa6c_78a5)
    }
}

#[cfg(test)]
mod tests {
    use super::super::normalise::{random_texts, tokens};
    use super::*;

    // Guards the term numbers against the tokens of the rules: the same tokens, in order, on
    // random text and on one builder that has seen all the texts before.
    #[test]
    fn term_numbers_stand_for_the_tokens_of_the_text() {
        let mut terms = Terms::default();
        for text in random_texts(3000) {
            let mut got = Vec::new();
            terms.each_term(&text, |id| got.push(id));
            let got: Vec<&str> = got.iter().map(|&id| &*terms.names()[id as usize]).collect();
            assert_eq!(got, tokens(&text), "{text:?}");
        }
        assert_eq!(terms.names.len(), terms.ids.len());
        for (n, name) in terms.names.iter().enumerate() {
            assert_eq!(terms.ids[name] as usize, n);
        }
    }

    #[test]
    fn the_hash_tells_apart_keys_that_differ_in_one_byte_or_in_length() {
        let hash = |bytes: &[u8]| {
            let mut h = Mix::default();
            h.write(bytes);
            h.finish()
        };
        let keys: [&[u8]; 6] = [b"", b"\0", b"ab", b"ab\0", b"abcdefgh", b"abcdefgh\0"];
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                assert_ne!(hash(a), hash(b), "{a:?} {b:?}");
            }
        }
    }
}
