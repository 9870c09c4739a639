//! Search stage: one index per language, built from the final HTML of the pages (the regions
//! templates mark with `data-index`), and the normalisation and ranking the browser repeats in
//! `themes/default/static/normalise.js` and `search.js`.
//!
//! An index has one of two forms, chosen by size (`search: { split_over: BYTES }` in site.yaml,
//! 256 KiB by default):
//! - whole: `LANG/search/index.json` holds the text of every page, by section ([`Index`]); the
//!   browser derives the postings from it as [`Postings::new`] does.
//! - split, when the whole file would be larger than `split_over`: `index.json` is a small
//!   [`Manifest`] (language, synonyms, shard count K, pages per chunk C). `terms/N.json` holds
//!   the postings of every term whose [`fnv1a32`] (of its UTF-8 bytes) is N modulo K, K chosen
//!   for about 32 KiB a shard: per page holding the term, its number (as the difference from
//!   the previous one) and what ranking needs (title, heading, body count: `Found`).
//!   `pages/N.json` holds pages N·C … N·C + C − 1 in URL order, C chosen for about 4 KiB a
//!   chunk, each page with its text (for the best section, the link's anchor and the snippet)
//!   and its parent's title. A query fetches the manifest, the shards of its terms (synonym
//!   alternatives included), then the chunks of the results it shows, ten at a time.
//!
//! Ranking is one function for both forms and both languages (Rust and JavaScript): pages are
//! ranked on page-level postings (`ranked`); a result's best section and link come from its
//! page's text (`locate`), so shards need no section-level postings (a third of the size).
//!
//! Normalisation (the same rules, line for line, in `normalise.js`):
//! 1. Fullwidth ASCII forms (`５００`, `ＡＢ`) fold to ASCII.
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

use crate::diagnostic::Diagnostic;
use crate::model::Files;
use crate::model::Site;
use lol_html::{RewriteStrSettings, element, end_tag, rewrite_str, text};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

/// English suffixes and what replaces them; the longest that leaves a stem of three letters wins.
pub const EN_SUFFIXES: &[(&str, &str)] = &[
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
pub const RU_ENDINGS: &[&str] = &[
    "иями", "ями", "ами", "иях", "ях", "ах", "иям", "ям", "ам", "ией", "ей", "ой", "ом", "ем",
    "ов", "ев", "ью", "ья", "ье", "ьи", "ия", "ие", "ий", "ии", "ию", "ая", "яя", "ое", "ее", "ые",
    "ый", "ую", "юю", "ых", "их", "ым", "им", "ыми", "ими", "ого", "его", "ому", "ему", "а", "я",
    "о", "е", "ы", "и", "у", "ю", "ь", "й",
];

/// Russian derivational suffixes removed after the ending (`возможност|ь` → `возможн`).
pub const RU_SUFFIXES: &[&str] = &["ост", "ионн"];

/// Words a query may contain that say nothing about what is sought (`which industries are
/// closed to foreign investors`); dropped from a query that has other words.
pub const STOP_WORDS: &[&str] = &[
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

// ---------------------------------------------------------------------------------------------
// Normalisation

/// One piece of text: a Han run (as characters) or a word (as its parts).
enum Segment {
    Han(Vec<char>),
    Word(Vec<String>),
}

fn fold(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{3007}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3FFFF}')
}

fn is_word_char(c: char) -> bool {
    !is_han(c) && (c.is_ascii_digit() || c.is_alphabetic())
}

fn is_joiner(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}' | '&')
}

fn segments(text: &str) -> Vec<Segment> {
    let chars: Vec<char> = text.chars().map(fold).collect();
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

fn lower(part: &str) -> String {
    part.to_lowercase().replace('ё', "е")
}

fn keep(part: &str) -> bool {
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
pub fn stem(part: &str) -> String {
    if part.chars().all(|c| c.is_ascii_lowercase()) {
        stem_en(part)
    } else if part.chars().all(|c| ('а'..='я').contains(&c)) {
        stem_ru(part)
    } else {
        part.to_string()
    }
}

/// A word's tokens: the whole hyphenated word (last part stemmed), then each part kept.
fn word_tokens(parts: &[String]) -> (Option<String>, Vec<String>) {
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
    each_token(text, |t| out.push(t.to_string()));
    out
}

thread_local! {
    /// A word's tokens, by its parts: words repeat, and stemming allocates.
    static WORD_TOKENS: RefCell<HashMap<Vec<String>, Vec<String>>> = RefCell::new(HashMap::new());
}

/// Calls `f` with each token of `text`, in order, as [`tokens`] returns them, without
/// allocating a string per token: the index builder's inner loop.
pub fn each_token(text: &str, mut f: impl FnMut(&str)) {
    let mut han = String::new();
    for segment in segments(text) {
        match segment {
            Segment::Han(chars) => {
                for (i, c) in chars.iter().enumerate() {
                    han.clear();
                    han.push(*c);
                    f(&han);
                    if let Some(next) = chars.get(i + 1) {
                        han.push(*next);
                        f(&han);
                    }
                }
            }
            Segment::Word(parts) => WORD_TOKENS.with(|cache| {
                let mut cache = cache.borrow_mut();
                if let Some(known) = cache.get(&parts) {
                    known.iter().for_each(|t| f(t));
                    return;
                }
                let (whole, kept) = word_tokens(&parts);
                let all: Vec<String> = whole.into_iter().chain(kept).collect();
                all.iter().for_each(|t| f(t));
                if cache.len() >= 1 << 16 {
                    cache.clear();
                }
                cache.insert(parts, all);
            }),
        }
    }
}

/// What a query asks for: each concept must be found for a full match; a concept is found
/// when every term of one of its alternatives is.
pub type Concepts = Vec<Vec<Vec<String>>>;

/// The concepts of a query before synonyms: one per Han run (its pairs, all required) and one
/// per word (a hyphenated word: the whole word, or else all its parts).
pub fn query_concepts(text: &str) -> Concepts {
    concepts(text, &[])
}

fn run_concept(chars: &[char]) -> Vec<Vec<String>> {
    if chars.len() == 1 {
        return vec![vec![chars[0].to_string()]];
    }
    let mut pairs: Vec<String> = Vec::new();
    for w in chars.windows(2) {
        let pair: String = w.iter().collect();
        if !pairs.contains(&pair) {
            pairs.push(pair);
        }
    }
    vec![pairs]
}

fn word_concept(parts: &[String]) -> Vec<Vec<String>> {
    match word_tokens(parts) {
        (Some(whole), kept) if kept.is_empty() => vec![vec![whole]],
        (Some(whole), kept) => vec![vec![whole], kept],
        (None, kept) => kept.into_iter().map(|k| vec![k]).collect(),
    }
}

/// A synonym group, ready to match: each member's concepts (and its characters when it is one
/// Han run), and the alternatives that replace a match.
struct Group {
    members: Vec<(Concepts, Option<Vec<char>>)>,
    alternatives: Vec<Vec<String>>,
}

fn groups(synonyms: &[Vec<String>]) -> Vec<Group> {
    synonyms
        .iter()
        .map(|g| {
            let members: Vec<(Concepts, Option<Vec<char>>)> = g
                .iter()
                .map(|m| {
                    let chars: Vec<char> = m.trim().chars().map(fold).collect();
                    let han =
                        (!chars.is_empty() && chars.iter().all(|c| is_han(*c))).then_some(chars);
                    (query_concepts(m), han)
                })
                .collect();
            let mut alternatives: Vec<Vec<String>> = Vec::new();
            for (concepts, _) in &members {
                // One word keeps its own alternatives (`штаб-квартира` or `штаб` + `квартира`).
                let own = match concepts.as_slice() {
                    [one] => one.clone(),
                    _ => vec![flatten(concepts)],
                };
                for alternative in own {
                    if !alternative.is_empty() && !alternatives.contains(&alternative) {
                        alternatives.push(alternative);
                    }
                }
            }
            Group {
                members,
                alternatives,
            }
        })
        .collect()
}

/// The query's concepts with synonyms applied. Inside a Han run, the longest member that is a
/// Han run starting at each position (leftmost first) becomes a concept of the group's
/// alternatives, and the characters around it form runs of their own. Then, left to right, the
/// longest member whose concepts equal the next concepts of the query replaces them the same way.
pub fn parse_query(text: &str, synonyms: &[Vec<String>]) -> Concepts {
    without_stop_words(concepts(text, synonyms))
}

/// The query's concepts with synonyms applied, stop words kept (a synonym may hold one).
fn concepts(text: &str, synonyms: &[Vec<String>]) -> Concepts {
    let groups = groups(synonyms);
    let mut found = Vec::new();
    for segment in segments(text) {
        match segment {
            Segment::Han(chars) => split_run(&chars, &groups, &mut found),
            Segment::Word(parts) => {
                let concept = word_concept(&parts);
                if !concept.is_empty() {
                    found.push(concept);
                }
            }
        }
    }
    replace_sequences(found, &groups)
}

/// The concepts without those that are one stop word, unless nothing else is left.
fn without_stop_words(concepts: Concepts) -> Concepts {
    let stops: Vec<Vec<Vec<String>>> = STOP_WORDS.iter().map(|w| vec![vec![stem(w)]]).collect();
    if concepts.iter().all(|c| stops.contains(c)) {
        return concepts;
    }
    concepts
        .into_iter()
        .filter(|c| !stops.contains(c))
        .collect()
}

fn split_run(chars: &[char], groups: &[Group], out: &mut Concepts) {
    let mut pending: Vec<char> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let mut best: Option<(&Group, usize)> = None;
        for group in groups {
            for han in group.members.iter().filter_map(|(_, h)| h.as_ref()) {
                if chars[i..].starts_with(han) && best.is_none_or(|(_, n)| han.len() > n) {
                    best = Some((group, han.len()));
                }
            }
        }
        match best {
            Some((group, n)) => {
                if !pending.is_empty() {
                    out.push(run_concept(&std::mem::take(&mut pending)));
                }
                out.push(group.alternatives.clone());
                i += n;
            }
            None => {
                pending.push(chars[i]);
                i += 1;
            }
        }
    }
    if !pending.is_empty() {
        out.push(run_concept(&pending));
    }
}

fn replace_sequences(concepts: Concepts, groups: &[Group]) -> Concepts {
    let mut out = Vec::new();
    let mut i = 0;
    while i < concepts.len() {
        let mut best: Option<(&Group, usize)> = None;
        for group in groups {
            for (member, _) in &group.members {
                let fits = !member.is_empty() && concepts[i..].starts_with(member);
                if fits && best.is_none_or(|(_, n)| member.len() > n) {
                    best = Some((group, member.len()));
                }
            }
        }
        match best {
            Some((group, n)) => {
                out.push(group.alternatives.clone());
                i += n;
            }
            None => {
                out.push(concepts[i].clone());
                i += 1;
            }
        }
    }
    out
}

/// All the terms a member requires: the first alternative of each of its concepts.
fn flatten(member: &Concepts) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for term in member.iter().filter_map(|c| c.first()).flatten() {
        if !terms.contains(term) {
            terms.push(term.clone());
        }
    }
    terms
}

// ---------------------------------------------------------------------------------------------
// Extraction from the final HTML

/// The indexed parts of one page: title and sections (text before the first heading, then one
/// per `h2`/`h3`).
#[derive(Debug, Default)]
struct Doc {
    noindex: bool,
    regions: usize,
    ignored: usize,
    field: Field,
    title: String,
    html_title: String,
    sections: Vec<Section>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
enum Field {
    #[default]
    Body,
    Title,
    Heading,
}

/// One section of a page as stored in the index: anchor id (empty for none), heading, text.
pub type Section = (String, String, String);

/// Elements whose text never goes into the index, even inside a marked region.
const IGNORED: &str = "nav, script, style, template, [data-index-ignore]";

/// Elements that separate words, so `<li>a</li><li>b</li>` does not read as `ab`.
const BLOCKS: &str = "p, li, td, th, dt, dd, div, section, br, tr, blockquote, pre, figcaption, \
                      caption, h4, h5, h6, ul, ol, table, header, footer, aside";

/// `[data-index] X` for each X of a selector list.
fn inside_region(list: &str) -> String {
    list.split(',')
        .map(|x| format!("[data-index] {}", x.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Doc {
    fn push_text(&mut self, s: &str) {
        if self.regions == 0 || self.ignored > 0 {
            return;
        }
        if self.field == Field::Title {
            self.title.push_str(s);
        } else if let Some((_, heading, text)) = self.sections.last_mut() {
            let target = if self.field == Field::Heading {
                heading
            } else {
                text
            };
            target.push_str(s);
        }
    }
}

type Shared = Rc<RefCell<Doc>>;

/// Counts `el` in or out of a state with a counter: in now, out at its end tag.
fn enter(
    el: &mut lol_html::html_content::Element,
    doc: &Shared,
    counter: fn(&mut Doc) -> &mut usize,
) {
    *counter(&mut doc.borrow_mut()) += 1;
    let shared = doc.clone();
    let ended = el.on_end_tag(end_tag!(move |_| {
        *counter(&mut shared.borrow_mut()) -= 1;
        Ok(())
    }));
    if ended.is_err() {
        *counter(&mut doc.borrow_mut()) -= 1;
    }
}

fn set_field(el: &mut lol_html::html_content::Element, doc: &Shared, field: Field) {
    doc.borrow_mut().field = field;
    let doc = doc.clone();
    let _no_end_tag_means_no_text = el.on_end_tag(end_tag!(move |_| {
        doc.borrow_mut().field = Field::Body;
        Ok(())
    }));
}

type Settings = RewriteStrSettings<'static, 'static>;

/// The title and sections of one page, or `None` for `noindex` pages and pages without a
/// marked region.
fn extract(html: &str) -> Result<Option<(String, Vec<Section>)>, String> {
    let doc: Shared = Rc::default();
    let settings = text_handlers(structure_handlers(RewriteStrSettings::new(), &doc), &doc);
    rewrite_str(html, settings).map_err(|e| e.to_string())?;
    let doc = std::mem::take(&mut *doc.borrow_mut());
    Ok(finish(doc))
}

/// Handlers that track where we are: `noindex`, the marked region, ignored elements,
/// title and headings.
fn structure_handlers(settings: Settings, doc: &Shared) -> Settings {
    settings
        .append_element_content_handler(element!("meta[name=robots]", {
            let doc = doc.clone();
            move |el| {
                let content = el.get_attribute("content").unwrap_or_default();
                doc.borrow_mut().noindex |= content.to_ascii_lowercase().contains("noindex");
                Ok(())
            }
        }))
        .append_element_content_handler(element!("[data-index]", {
            let doc = doc.clone();
            move |el| {
                if doc.borrow().sections.is_empty() {
                    doc.borrow_mut().sections.push(Section::default());
                }
                enter(el, &doc, |d| &mut d.regions);
                Ok(())
            }
        }))
        .append_element_content_handler(element!(&inside_region(IGNORED), {
            let doc = doc.clone();
            move |el| {
                enter(el, &doc, |d| &mut d.ignored);
                Ok(())
            }
        }))
        .append_element_content_handler(element!("[data-index] h1", {
            let doc = doc.clone();
            move |el| {
                if doc.borrow().ignored == 0 {
                    set_field(el, &doc, Field::Title);
                }
                Ok(())
            }
        }))
        .append_element_content_handler(element!("[data-index] h2, [data-index] h3", {
            let doc = doc.clone();
            move |el| {
                if doc.borrow().ignored == 0 {
                    let id = el.get_attribute("id").unwrap_or_default();
                    doc.borrow_mut()
                        .sections
                        .push((id, String::new(), String::new()));
                    set_field(el, &doc, Field::Heading);
                }
                Ok(())
            }
        }))
}

/// Handlers that collect text: the document's `<title>`, the region's text, and a space at
/// each block boundary.
fn text_handlers(settings: Settings, doc: &Shared) -> Settings {
    settings
        .append_element_content_handler(text!("head > title", {
            let doc = doc.clone();
            move |t| {
                doc.borrow_mut().html_title.push_str(t.as_str());
                Ok(())
            }
        }))
        .append_element_content_handler(element!(&inside_region(BLOCKS), {
            let doc = doc.clone();
            move |el| {
                doc.borrow_mut().push_text(" ");
                let doc = doc.clone();
                let _void_elements_have_no_end = el.on_end_tag(end_tag!(move |_| {
                    doc.borrow_mut().push_text(" ");
                    Ok(())
                }));
                Ok(())
            }
        }))
        .append_element_content_handler(text!("[data-index]", {
            let doc = doc.clone();
            move |t| {
                doc.borrow_mut().push_text(t.as_str());
                Ok(())
            }
        }))
}

fn finish(doc: Doc) -> Option<(String, Vec<Section>)> {
    if doc.noindex || doc.sections.is_empty() {
        return None;
    }
    let mut title = clean(&doc.title);
    if title.is_empty() {
        title = clean(&doc.html_title);
    }
    let mut sections: Vec<Section> = doc
        .sections
        .into_iter()
        .map(|(id, heading, text)| (id, clean(&heading), clean(&text)))
        .filter(|(_, heading, text)| !heading.is_empty() || !text.is_empty())
        .collect();
    if sections.is_empty() {
        // The title marks the page's first section, so every page keeps one.
        sections.push(Section::default());
    }
    Some((title, sections))
}

/// Entities decoded, white space collapsed.
fn clean(html_text: &str) -> String {
    decode_entities(html_text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest.find(';').filter(|end| *end <= 10).and_then(|end| {
            let c = match &rest[1..end] {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                e => e
                    .strip_prefix("#x")
                    .or_else(|| e.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| e.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

// ---------------------------------------------------------------------------------------------
// The index

/// One language's search index in its whole form, as written to `LANG/search/index.json`: the
/// text of each page's marked region, by section. Postings are not stored: both sides derive
/// them from this text with the same normaliser ([`Postings::new`], `buildPostings` in
/// `search.js`), which keeps the file about a third of the size.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Index {
    pub lang: String,
    /// Synonym groups from `content/search/synonyms.yaml`, applied to queries.
    pub synonyms: Vec<Vec<String>>,
    pub pages: Vec<IndexPage>,
}

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

fn index(lang: &str, synonyms: &[Vec<String>], docs: Vec<PageText>) -> Index {
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
const MAX_BODY: u32 = 20;

/// Term → (section, weight) for each section of a page it occurs in, in section order.
type SectionWeights = HashMap<String, Vec<(usize, u32)>>;

/// The weight of each term of `page` in each section it occurs in (numbered from 0, in
/// order): body count (at most 15) × 4, + 2 if in the section's heading, + 1 if in the page
/// title (marked on the first section).
fn section_weights(page: &IndexPage) -> SectionWeights {
    let mut terms = SectionWeights::new();
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
    each_token(&page.title, |t| add(t, 0, &|w| w | 1));
    for (sid, (_, heading, text)) in page.sections.iter().enumerate() {
        each_token(heading, |t| add(t, sid, &|w| w | 2));
        each_token(text, |t| {
            add(t, sid, &|w| if w >> 2 < MAX_COUNT { w + 4 } else { w })
        });
    }
    terms
}

/// What `page` holds of each of its terms.
fn page_terms(page: &IndexPage) -> Vec<(String, Found)> {
    section_weights(page)
        .into_iter()
        .map(|(term, sections)| (term, Found::of_sections(sections.iter().map(|(_, w)| w))))
        .collect()
}

/// What one page holds of one term.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Found {
    title: bool,
    heading: bool,
    /// Body count over all sections, at most [`MAX_BODY`].
    count: u32,
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

    /// As stored in a term shard: 1 if in the title, + 2 if in a heading, + body count × 4.
    fn packed(self) -> u32 {
        u32::from(self.title) | u32::from(self.heading) << 1 | self.count << 2
    }

    fn unpacked(w: u32) -> Found {
        Found {
            title: w & 1 != 0,
            heading: w & 2 != 0,
            count: (w >> 2).min(MAX_BODY),
        }
    }

    fn weight(&self) -> u32 {
        u32::from(self.title) * TITLE + u32::from(self.heading) * HEADING + self.count.min(MAX_BODY)
    }
}

/// The inverted index: term → the pages that hold it, in page order, with what each holds.
/// Built from the text of a whole index, or read from the term shards of a split one.
pub struct Postings {
    terms: BTreeMap<String, Vec<(usize, Found)>>,
}

/// Pages tokenised at a time, so that memory stays bounded on large sites.
const POSTINGS_BATCH: usize = 512;

impl Postings {
    pub fn new(index: &Index) -> Postings {
        let mut terms: HashMap<String, Vec<(usize, Found)>> = HashMap::new();
        for (batch, pages) in index.pages.chunks(POSTINGS_BATCH).enumerate() {
            let found: Vec<Vec<(String, Found)>> = pages.par_iter().map(page_terms).collect();
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
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }
}

// ---------------------------------------------------------------------------------------------
// Ranking (the same in `search.js`)

/// One result: the page, and the URL to link to (the page, or `page/#heading-id`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hit {
    pub url: String,
    pub page: usize,
    /// The best section (numbered from 0 within the page), for the snippet.
    pub section: usize,
    /// How many of the query's concepts the page has.
    pub matched: usize,
    pub score: u32,
}

const TITLE: u32 = 1000;
const HEADING: u32 = 100;

/// The pages that match `query`, best first: more concepts found first, then the higher score
/// (per concept: title 1000, heading 100, plus body count up to 20), then by URL.
pub fn search(index: &Index, query: &str) -> Vec<Hit> {
    rank(
        index,
        &Postings::new(index),
        &parse_query(query, &index.synonyms),
    )
}

/// The hits of a whole index.
pub fn rank(index: &Index, postings: &Postings, concepts: &Concepts) -> Vec<Hit> {
    let terms = query_terms(concepts);
    ranked(postings, concepts)
        .iter()
        .filter_map(|r| {
            let page = index.pages.get(r.page)?;
            Some(locate(r, page, &section_weights(page), &terms))
        })
        .collect()
}

/// Every term of a query, once.
fn query_terms(concepts: &Concepts) -> BTreeSet<&str> {
    concepts
        .iter()
        .flatten()
        .flatten()
        .map(String::as_str)
        .collect()
}

/// A page that matches, before its best section and link are known: those need its text,
/// which the split form fetches only for the results shown.
struct Ranked {
    page: usize,
    matched: usize,
    score: u32,
    /// Whether every concept found is found in the title.
    titled: bool,
}

/// The pages that match `concepts`, best first; pages are numbered in URL order, so the page
/// number breaks ties as the URL would.
fn ranked(postings: &Postings, concepts: &Concepts) -> Vec<Ranked> {
    let concepts = &split_runs(concepts, |t| {
        postings.terms.get(t).is_some_and(|l| !l.is_empty())
    });
    let mut pages: BTreeMap<usize, BTreeMap<&str, Found>> = BTreeMap::new();
    for term in query_terms(concepts) {
        for &(page, found) in postings.terms.get(term).into_iter().flatten() {
            pages.entry(page).or_default().insert(term, found);
        }
    }
    let mut hits: Vec<Ranked> = pages
        .iter()
        .filter_map(|(&page, found)| {
            let (matched, score, titled) = score(concepts, found);
            (matched > 0).then_some(Ranked {
                page,
                matched,
                score,
                titled,
            })
        })
        .collect();
    hits.sort_by(|a, b| {
        (b.matched, b.score)
            .cmp(&(a.matched, a.score))
            .then(a.page.cmp(&b.page))
    });
    hits
}

/// The concepts with each Han run split where the index lacks a pair: a run typed without
/// spaces (`税收优惠`) holds pairs across its words (`收优`) that no text has, so the run
/// becomes one concept per stretch of pairs the index has (`税收`, `优惠`). A character left
/// alone between missing pairs (`的` in `投资的行业`) is dropped; a run with no pair the index
/// has stays as it is. In a concept of several alternatives (a synonym group), an alternative
/// that is such a run keeps the pairs the index has, all required.
fn split_runs(concepts: &Concepts, has: impl Fn(&str) -> bool) -> Concepts {
    let mut out = Vec::new();
    for concept in concepts {
        let [pairs] = concept.as_slice() else {
            // A synonym's alternatives stay one concept: each keeps the pairs the index has.
            let present = |alternative: &Vec<String>| {
                let kept: Vec<String> = alternative.iter().filter(|p| has(p)).cloned().collect();
                if is_run_of_pairs(alternative) && !kept.is_empty() {
                    kept
                } else {
                    alternative.clone()
                }
            };
            out.push(concept.iter().map(present).collect());
            continue;
        };
        if !is_run_of_pairs(pairs) || pairs.iter().all(|p| has(p)) {
            out.push(concept.clone());
            continue;
        }
        let stretches: Vec<Vec<String>> = pairs
            .split(|p| !has(p))
            .filter(|s| !s.is_empty())
            .map(<[String]>::to_vec)
            .collect();
        if stretches.is_empty() {
            out.push(concept.clone());
        } else {
            out.extend(stretches.into_iter().map(|s| vec![s]));
        }
    }
    out
}

/// Whether `terms` are the overlapping pairs of one Han run (`保税`, `税物`, `物流`).
fn is_run_of_pairs(terms: &[String]) -> bool {
    let pairs: Option<Vec<[char; 2]>> = terms
        .iter()
        .map(|t| match t.chars().collect::<Vec<_>>()[..] {
            [a, b] if is_han(a) && is_han(b) => Some([a, b]),
            _ => None,
        })
        .collect();
    pairs.is_some_and(|p| p.len() >= 2 && p.windows(2).all(|w| w[0][1] == w[1][0]))
}

/// (concepts found, score, whether every concept found is found in the title).
fn score(concepts: &Concepts, found: &BTreeMap<&str, Found>) -> (usize, u32, bool) {
    let (mut matched, mut total, mut titled) = (0, 0, true);
    for concept in concepts {
        let mut best = 0;
        let mut in_title = false;
        for alternative in concept {
            let all: Option<Vec<&Found>> =
                alternative.iter().map(|t| found.get(t.as_str())).collect();
            let Some(all) = all.filter(|a| !a.is_empty()) else {
                continue;
            };
            best = best.max(all.iter().map(|f| f.weight()).min().unwrap_or(0));
            in_title |= all.iter().all(|f| f.title);
        }
        matched += usize::from(best > 0);
        total += best;
        titled &= in_title || best == 0;
    }
    (matched, total, titled)
}

/// The hit of a ranked page, from the page and its [`section_weights`]: its best section is
/// the one with the highest score for the query's terms (heading 100, plus body count up to
/// 15 per term), the first on a tie or none; it links there unless every concept found is in
/// the title.
fn locate(
    ranked: &Ranked,
    page: &IndexPage,
    weights: &SectionWeights,
    terms: &BTreeSet<&str>,
) -> Hit {
    let mut scores = vec![0; page.sections.len()];
    for &(sid, w) in terms.iter().filter_map(|t| weights.get(*t)).flatten() {
        if let Some(s) = scores.get_mut(sid) {
            *s += (w & 2) / 2 * HEADING + (w >> 2);
        }
    }
    let mut section = 0;
    for (sid, &s) in scores.iter().enumerate() {
        if s > scores[section] {
            section = sid;
        }
    }
    let url = match page.sections.get(section) {
        Some((id, _, _)) if !ranked.titled && !id.is_empty() => format!("{}#{id}", page.url),
        _ => page.url.clone(),
    };
    Hit {
        url,
        page: ranked.page,
        section,
        matched: ranked.matched,
        score: ranked.score,
    }
}

// ---------------------------------------------------------------------------------------------
// The split form

/// `LANG/search/index.json` of a split index: what a query needs to find the rest.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub lang: String,
    pub synonyms: Vec<Vec<String>>,
    pub split: Split,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Split {
    /// Number of term shards: a term's postings are in `terms/N.json`, N = [`fnv1a32`] of the
    /// term modulo this.
    pub terms: usize,
    /// Number of pages.
    pub pages: usize,
    /// Pages per chunk: page P is record P mod `chunk` of `pages/(P / chunk).json`.
    pub chunk: usize,
}

/// A term shard: term → its postings, flat: page number (the first; after it, the difference
/// from the previous one), packed weight (`Found::packed`), and so on.
pub type Shard = BTreeMap<String, Vec<usize>>;

/// A page in a page chunk: the page as in the whole index (`P` is `&IndexPage` when
/// writing), and its parent's title for the "section it belongs to" line, so that line needs
/// no other chunk.
#[derive(Debug, Serialize, Deserialize)]
pub struct PageRecord<P = IndexPage> {
    #[serde(flatten)]
    pub page: P,
    #[serde(rename = "pt", default, skip_serializing_if = "Option::is_none")]
    pub parent_title: Option<String>,
}

/// Target size of a term shard, uncompressed; hot terms can make one larger.
const SHARD_BYTES: usize = 32 * 1024;
/// Target size of a page chunk: small, as the results shown rarely sit side by side.
const CHUNK_BYTES: usize = 4 * 1024;

pub use crate::hash::fnv1a32;

fn shard_of(term: &str, shards: usize) -> usize {
    usize::try_from(fnv1a32(term)).unwrap_or(0) % shards.max(1)
}

fn encode(postings: &[(usize, Found)]) -> Vec<usize> {
    let mut out = Vec::with_capacity(postings.len() * 2);
    let mut previous = 0;
    for &(page, found) in postings {
        out.push(page - previous);
        out.push(found.packed() as usize);
        previous = page;
    }
    out
}

fn decode(flat: &[usize]) -> Result<Vec<(usize, Found)>, String> {
    if !flat.len().is_multiple_of(2) {
        return Err("a postings list has an odd length".into());
    }
    let mut page = 0usize;
    flat.chunks_exact(2)
        .map(|pair| {
            page = page.checked_add(pair[0]).ok_or("a page number overflows")?;
            let w = u32::try_from(pair[1]).map_err(|_| "a weight is out of range")?;
            Ok((page, Found::unpacked(w)))
        })
        .collect()
}

/// The files of the split form of `index`, by path below `LANG/search/`: the manifest, the
/// term shards and the page chunks. `whole_bytes`, the size of the whole form, sizes the chunks.
fn split(index: &Index, whole_bytes: usize) -> Result<Files, serde_json::Error> {
    let postings = Postings::new(index);
    let mut encoded: Vec<(&str, Vec<usize>)> = Vec::with_capacity(postings.len());
    let mut total = 0;
    for (term, list) in &postings.terms {
        let flat = encode(list);
        // `"term":[…],` as it will be written.
        total += term.len() + serde_json::to_vec(&flat)?.len() + 4;
        encoded.push((term, flat));
    }
    let shard_count = total.div_ceil(SHARD_BYTES).max(1);
    let mut shards: Vec<BTreeMap<&str, &[usize]>> = vec![BTreeMap::new(); shard_count];
    for (term, flat) in &encoded {
        shards[shard_of(term, shard_count)].insert(term, flat);
    }
    let pages = index.pages.len();
    let chunk = (CHUNK_BYTES * pages.max(1) / whole_bytes.max(1)).max(1);
    let manifest = Manifest {
        lang: index.lang.clone(),
        synonyms: index.synonyms.clone(),
        split: Split {
            terms: shard_count,
            pages,
            chunk,
        },
    };
    let mut files = vec![("index.json".to_string(), serde_json::to_vec(&manifest)?)];
    for (n, shard) in shards.iter().enumerate() {
        files.push((format!("terms/{n}.json"), serde_json::to_vec(shard)?));
    }
    for (n, pages) in index.pages.chunks(chunk).enumerate() {
        let records: Vec<PageRecord<&IndexPage>> = pages
            .iter()
            .map(|page| PageRecord {
                page,
                parent_title: page
                    .parent
                    .and_then(|p| index.pages.get(p))
                    .map(|p| p.title.clone()),
            })
            .collect();
        files.push((format!("pages/{n}.json"), serde_json::to_vec(&records)?));
    }
    Ok(files)
}

/// `LANG/search/index.json` in either form, told apart by the manifest's `split`.
#[derive(Deserialize)]
#[serde(untagged)]
enum IndexFile {
    Split(Manifest),
    Whole(Index),
}

/// The hits of `query` in the index of `lang`, read as the browser reads it: `read` returns
/// the bytes of a file below the site root. A split index is read only as far as the query
/// needs: the manifest, the shards of its terms and the chunks of the pages found.
pub fn search_files(
    read: impl Fn(&str) -> Result<Vec<u8>, String>,
    lang: &str,
    query: &str,
) -> Result<Vec<Hit>, String> {
    let dir = format!("{lang}/search/");
    let manifest = match read_json(&read, &format!("{dir}index.json"))? {
        IndexFile::Whole(index) => return Ok(search(&index, query)),
        IndexFile::Split(manifest) => manifest,
    };
    let Split {
        terms: shards,
        chunk,
        ..
    } = manifest.split;
    if shards == 0 || chunk == 0 {
        return Err(format!(
            "{dir}index.json: no term shards or no pages per chunk"
        ));
    }
    let concepts = parse_query(query, &manifest.synonyms);
    let terms = query_terms(&concepts);
    let postings = read_postings(&read, &dir, shards, &terms)?;
    let mut chunks: BTreeMap<usize, Vec<PageRecord>> = BTreeMap::new();
    ranked(&postings, &concepts)
        .iter()
        .map(|r| {
            let path = format!("{dir}pages/{}.json", r.page / chunk);
            let records = read_once(&read, &mut chunks, r.page / chunk, &path)?;
            let record = records
                .get(r.page % chunk)
                .ok_or_else(|| format!("{path}: no page {}", r.page))?;
            Ok(locate(
                r,
                &record.page,
                &section_weights(&record.page),
                &terms,
            ))
        })
        .collect()
}

/// The postings of `terms`, from the shards their hashes name.
fn read_postings(
    read: &impl Fn(&str) -> Result<Vec<u8>, String>,
    dir: &str,
    shards: usize,
    terms: &BTreeSet<&str>,
) -> Result<Postings, String> {
    let mut loaded: BTreeMap<usize, Shard> = BTreeMap::new();
    let mut postings = BTreeMap::new();
    for term in terms {
        let n = shard_of(term, shards);
        let path = format!("{dir}terms/{n}.json");
        if let Some(flat) = read_once(read, &mut loaded, n, &path)?.get(*term) {
            let list = decode(flat).map_err(|e| format!("{path}: `{term}`: {e}"))?;
            postings.insert(term.to_string(), list);
        }
    }
    Ok(Postings { terms: postings })
}

/// The file at `path` as `T`, read the first time `key` is asked for and kept in `cache`.
fn read_once<'c, T: serde::de::DeserializeOwned>(
    read: &impl Fn(&str) -> Result<Vec<u8>, String>,
    cache: &'c mut BTreeMap<usize, T>,
    key: usize,
    path: &str,
) -> Result<&'c T, String> {
    Ok(match cache.entry(key) {
        std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
        std::collections::btree_map::Entry::Vacant(e) => e.insert(read_json(read, path)?),
    })
}

fn read_json<T: serde::de::DeserializeOwned>(
    read: &impl Fn(&str) -> Result<Vec<u8>, String>,
    path: &str,
) -> Result<T, String> {
    serde_json::from_slice(&read(path)?).map_err(|e| format!("{path}: {e}"))
}

// ---------------------------------------------------------------------------------------------
// The stage

/// Where editors keep synonym groups; loaded as data `search.synonyms`.
pub const SYNONYMS: &str = "content/search/synonyms.yaml";

/// `LANG/search/index.json` for each language that has a search page; in the split form
/// (when the whole index would be larger than `search.split_over`) with its shards and chunks.
pub fn build(site: &Site, files: &Files) -> Result<Files, Vec<Diagnostic>> {
    let synonyms = synonyms(site)?;
    let mut out = Vec::new();
    for lang in &site.config.languages {
        let code = &lang.code;
        if !files
            .iter()
            .any(|(p, _)| *p == format!("{code}/search/index.html"))
        {
            continue;
        }
        let index = index(code, &synonyms, docs(files, code)?);
        let written = index_files(&index, site.config.search.split_over).map_err(|e| {
            vec![Diagnostic::error(
                format!("{code}/search/index.json"),
                format!("cannot write the search index: {e}"),
            )]
        })?;
        out.extend(
            written
                .into_iter()
                .map(|(name, bytes)| (format!("{code}/search/{name}"), bytes)),
        );
    }
    Ok(out)
}

/// One language's index files, by path below `LANG/search/`: the whole form, or the split
/// form when the whole one would be larger than `split_over` bytes.
fn index_files(index: &Index, split_over: u64) -> Result<Files, serde_json::Error> {
    let whole = serde_json::to_vec(index)?;
    if u64::try_from(whole.len()).unwrap_or(u64::MAX) <= split_over {
        Ok(vec![("index.json".to_string(), whole)])
    } else {
        split(index, whole.len())
    }
}

/// A page to index: URL path, title, sections.
type PageText = (String, String, Vec<Section>);

/// (URL path, title, sections) of every indexable page of `lang`, sorted by URL path.
fn docs(files: &Files, lang: &str) -> Result<Vec<PageText>, Vec<Diagnostic>> {
    let prefix = format!("{lang}/");
    let results: Vec<Result<Option<PageText>, Diagnostic>> = files
        .par_iter()
        .filter(|(p, _)| p.starts_with(&prefix) && p.ends_with("/index.html"))
        .map(|(path, bytes)| {
            let html = std::str::from_utf8(bytes).map_err(|e| e.to_string());
            let page = html.and_then(extract).map_err(|e| {
                Diagnostic::error(path, format!("cannot read the built page to index it: {e}"))
                    .hint("this is a bug in the theme or in invest-guide; please report it")
            })?;
            let url = path.trim_end_matches("index.html").to_string();
            Ok(page.map(|(title, sections)| (url, title, sections)))
        })
        .collect();
    let mut docs = Vec::new();
    let mut problems = Vec::new();
    for r in results {
        match r {
            Ok(doc) => docs.extend(doc),
            Err(d) => problems.push(d),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    docs.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(docs)
}

/// The synonym groups of the site's data file, checked: each a list of two or more members,
/// each member with at least one searchable word.
fn synonyms(site: &Site) -> Result<Vec<Vec<String>>, Vec<Diagnostic>> {
    let Some(node) = site.data.get("search").and_then(|s| s.get("synonyms")) else {
        return Ok(Vec::new());
    };
    let groups: Vec<Vec<String>> = serde_json::from_value(node.clone()).map_err(|e| {
        vec![
            Diagnostic::error(
                SYNONYMS,
                format!("synonyms must be a list of groups of words: {e}"),
            )
            .hint(
                "write each group as a list on one line: `- [外资, 外商投资, foreign investment]`",
            ),
        ]
    })?;
    let mut problems = Vec::new();
    for (i, group) in groups.iter().enumerate() {
        if group.len() < 2 {
            problems.push(
                Diagnostic::error(
                    SYNONYMS,
                    format!("group {} has fewer than two members", i + 1),
                )
                .hint("add the other names of the same thing, or remove the group"),
            );
        }
        for member in group.iter().filter(|m| query_concepts(m).is_empty()) {
            problems.push(
                Diagnostic::error(
                    SYNONYMS,
                    format!("group {}: `{member}` has no searchable word", i + 1),
                )
                .hint("a member needs a Chinese character, or a word of two letters or a number"),
            );
        }
    }
    if problems.is_empty() {
        Ok(groups)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(body: &str) -> String {
        format!(
            "<html><head><title>T · Site</title></head><body><nav>Menu</nav><article data-index>{body}</article><footer>Foot</footer></body></html>"
        )
    }

    #[test]
    fn extracts_title_sections_and_anchors_from_the_marked_region_only() {
        let html = page(
            "<h1>Bonded &amp; free</h1><p>Intro.</p><nav class=\"toc\"><h2 id=\"toc\">On this page</h2></nav>\
             <h2 id=\"a\">First</h2><p>One</p><p>two</p><h3 id=\"b\">Second &lt;x&gt;</h3><ul><li>x</li><li>y&#39;s &#x4E2D;</li></ul>",
        );
        let (title, sections) = extract(&html).unwrap().unwrap();
        assert_eq!(title, "Bonded & free");
        assert_eq!(
            sections,
            vec![
                ("".into(), "".into(), "Intro.".into()),
                ("a".into(), "First".into(), "One two".into()),
                ("b".into(), "Second <x>".into(), "x y's 中".into()),
            ]
        );
    }

    #[test]
    fn inline_elements_do_not_split_a_han_run() {
        let (_, sections) = extract(&page(
            "<p><strong>保税</strong>物流<a href=\"#\">中心</a></p>",
        ))
        .unwrap()
        .unwrap();
        assert_eq!(sections[0].2, "保税物流中心");
    }

    #[test]
    fn skips_noindex_pages_and_pages_without_a_region() {
        let noindex =
            page("<p>x</p>").replace("<head>", "<head><meta name=\"robots\" content=\"noindex\">");
        assert!(extract(&noindex).unwrap().is_none());
        assert!(
            extract("<html><body><p>x</p></body></html>")
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn falls_back_to_the_html_title_and_keeps_one_section() {
        let (title, sections) = extract(&page("")).unwrap().unwrap();
        assert_eq!(title, "T · Site");
        assert_eq!(sections.len(), 1);
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
    fn postings_lists_round_trip_and_bad_ones_are_errors() {
        let found = |title, heading, count| Found {
            title,
            heading,
            count,
        };
        let list = vec![
            (3, found(true, false, 0)),
            (4, found(false, true, 20)),
            (90, found(false, false, 7)),
        ];
        assert_eq!(encode(&list), [3, 1, 1, 2 | 20 << 2, 86, 7 << 2]);
        assert_eq!(decode(&encode(&list)).unwrap(), list);
        assert!(decode(&[1, 2, 3]).is_err());
        assert!(decode(&[usize::MAX, 1, 1, 1]).is_err());
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
        let terms: BTreeMap<String, Found> = page_terms(&page).into_iter().collect();
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

    #[test]
    fn decodes_the_entities_templates_write() {
        assert_eq!(
            decode_entities("a&amp;b &lt;&gt; &quot;&#39; &#20013;&#x6587; &bogus; & x"),
            "a&b <> \"' 中文 &bogus; & x"
        );
    }
}
