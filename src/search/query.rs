//! Queries: what a search asks for, as concepts built from the words of `normalise.rs`, with the
//! site's synonym groups and stop words applied.
//! In: the query text and the synonym groups. Out: its [`Concepts`] ([`parse_query`],
//! [`query_concepts`]) and the start of a word being typed ([`word_start`]). Mirrored in
//! `builtin/theme/static/normalise.js` under the same names in camelCase (`runConcept`,
//! `wordConcept`, `prepareGroups` for [`groups`], `splitRun`, `replaceSequences`, `flatten`,
//! `concepts`, `withoutStopWords`, `parseQuery`, `queryConcepts`, `wordStart`).

use super::normalise::{STOP_WORDS, Segment, fold, is_han, lower, segments, stem, word_tokens};
use super::numerals::numerals;

/// The start of a word being typed: the query's last word when it is one part of three
/// letters or more (no digits), lowercased with `ё` as `е`, and its concept is the query's last
/// (not a stop word dropped, nor a synonym replaced). Rank matches it against the index's words.
pub fn word_start(text: &str, concepts: &Concepts) -> Option<String> {
    let Some(Segment::Word(parts)) = segments(text).pop() else {
        return None;
    };
    let [part] = parts.as_slice() else {
        return None;
    };
    let start = lower(part);
    let letters = start.chars().count() >= 3 && start.chars().all(char::is_alphabetic);
    let last = concepts.last().is_some_and(|c| *c == [vec![stem(&start)]]);
    (letters && last).then_some(start)
}

/// What a query asks for: each concept must be found for a full match; a concept is found
/// when every term of one of its alternatives is.
pub type Concepts = Vec<Vec<Vec<String>>>;

/// The concepts of a query before synonyms: one per Han run (its pairs, all required) and one
/// per word (a hyphenated word: the whole word, or else all its parts).
pub(crate) fn query_concepts(text: &str) -> Concepts {
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
                    let chars: Vec<char> = numerals(m.trim()).chars().map(fold).collect();
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
