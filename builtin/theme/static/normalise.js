// Search normalisation: the tokeniser and query parser of src/search/normalise.rs, rule for rule, so the
// browser finds what the indexer indexed. Shared test vectors (tests/vectors/normalise.json)
// run against both in `cargo test`. The rules are documented at the top of src/search/normalise.rs.

/** English suffixes and what replaces them; the longest that leaves a stem of three letters wins. */
export const EN_SUFFIXES = [
  ["ations", ""], ["ation", ""], ["ments", ""], ["ment", ""], ["ings", ""], ["ing", ""],
  ["ions", ""], ["ion", ""], ["ies", "y"], ["ied", "y"], ["ers", ""], ["er", ""], ["ors", ""],
  ["or", ""], ["ed", ""], ["es", ""], ["s", ""],
];

/** Russian noun and adjective endings; the longest that leaves a stem of three letters goes. */
export const RU_ENDINGS = [
  "иями", "ями", "ами", "иях", "ях", "ах", "иям", "ям", "ам", "ией", "ей", "ой", "ом", "ем",
  "ов", "ев", "ью", "ья", "ье", "ьи", "ия", "ие", "ий", "ии", "ию", "ая", "яя", "ое", "ее",
  "ые", "ый", "ую", "юю", "ых", "их", "ым", "им", "ыми", "ими", "ого", "его", "ому", "ему",
  "а", "я", "о", "е", "ы", "и", "у", "ю", "ь", "й", "ием", "иев", "ьем", "ою", "ею",
];

/** Russian derivational suffixes removed after the ending. */
export const RU_SUFFIXES = ["ост", "ионн"];

/** Query words that say nothing about what is sought; as STOP_WORDS in src/search/normalise.rs. */
export const STOP_WORDS = [
  "about", "an", "and", "any", "are", "as", "at", "be", "by", "can", "do", "does", "for",
  "from", "how", "in", "into", "is", "me", "my", "of", "on", "or", "our", "than",
  "that", "the", "there", "these", "this", "those", "to", "was", "we", "what", "when",
  "where", "which", "who", "why", "with", "you", "your", "без", "вам", "ваш", "во", "вы",
  "где", "для", "до", "же", "за", "из", "или", "как", "какая", "какие", "какое", "какой",
  "когда", "кто", "ли", "мне", "мы", "на", "нам", "наш", "но", "об", "он", "она", "они", "от",
  "по", "под", "при", "со", "что", "это", "эта", "этот",
];

const MIN_STEM = 3;

const foldCp = (cp) => (cp >= 0xff01 && cp <= 0xff5e ? cp - 0xfee0 : cp);
const FULLWIDTH = /[\uff01-\uff5e]/;
const FULLWIDTH_ALL = /[\uff01-\uff5e]/g;
const fold = (s) =>
  FULLWIDTH.test(s) ? s.replace(FULLWIDTH_ALL, (c) => String.fromCodePoint(foldCp(c.codePointAt(0)))) : s;

const isHan = (cp) =>
  cp === 0x3007 || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) ||
  (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x3ffff);

const ALPHABETIC = /^\p{Alphabetic}$/u;
const wordChars = new Map();
/** A letter (Unicode Alphabetic, not Han) or an ASCII digit; remembered, as the test is slow. */
function isWordChar(cp) {
  if (cp < 0x80) return (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);
  let known = wordChars.get(cp);
  if (known === undefined) {
    known = !isHan(cp) && ALPHABETIC.test(String.fromCodePoint(cp));
    wordChars.set(cp, known);
  }
  return known;
}

const isJoiner = (cp) => cp === 0x2d || cp === 0x2010 || cp === 0x2011 || cp === 0x26;
const JOINERS = /[-\u2010\u2011&]/;

const CN_DIGITS = new Map([..."〇零一二两三四五六七八九"].map((c, i) => [c, [0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9][i]]));
const CN_UNITS = new Map([["十", 10], ["百", 100], ["千", 1000]]);
const isCnNumeral = (c) => CN_DIGITS.has(c) || CN_UNITS.has(c);
const foldChar = (c) => String.fromCodePoint(foldCp(c.codePointAt(0)));
const isWordCharAt = (c) => isWordChar(foldCp(c.codePointAt(0)));
const isAsciiDigit = (c) => c >= "0" && c <= "9";

/** The value of a run of Chinese digits and units below 万 after `prefix`: `[value, hasUnit]` or null. */
function cnValue(run, prefix) {
  let [total, pending, lastUnit, hasUnit, afterZero] = [0, prefix, Infinity, false, false];
  for (const c of run) {
    const unit = CN_UNITS.get(c);
    if (unit !== undefined) {
      let digit;
      if (pending !== null && pending > 0) digit = pending;
      else if (pending === null && !hasUnit && unit === 10) digit = 1;
      else return null;
      pending = null;
      if (unit >= lastUnit) return null;
      [total, lastUnit, hasUnit, afterZero] = [total + digit * unit, unit, true, false];
    } else {
      const digit = CN_DIGITS.get(c);
      if (pending !== null || (digit === 0 && (!hasUnit || afterZero))) return null;
      afterZero ||= digit === 0;
      pending = digit > 0 ? digit : null;
    }
  }
  if (pending !== null) {
    const short = hasUnit && !afterZero && lastUnit > 10;
    total += short ? (pending * lastUnit) / 10 : pending;
  }
  return [total, hasUnit];
}

/** The number written at `chars[i..]` (code points) and where it ends, or null (rule 1). */
function numeralAt(chars, i) {
  const before = i > 0 ? foldChar(chars[i - 1]) : null;
  if (before !== null && (isWordCharAt(before) || isCnNumeral(before) || before === "." || before === ",")) return null;
  let runStart = i;
  while (runStart < chars.length && isAsciiDigit(foldChar(chars[runStart]))) runStart++;
  let prefix = null;
  if (runStart === i) {
    if (!isCnNumeral(chars[i])) return null;
  } else if (runStart - i <= 9 && runStart < chars.length && CN_UNITS.has(chars[runStart])) {
    prefix = Number(chars.slice(i, runStart).map(foldChar).join(""));
  } else return null;
  let end = runStart;
  while (end < chars.length && isCnNumeral(chars[end])) end++;
  const after = end < chars.length ? foldChar(chars[end]) : null;
  if (after !== null && isWordCharAt(after)) return null;
  const bigAfter = after === "万" || after === "亿";
  const read = cnValue(chars.slice(runStart, end), prefix);
  if (read === null) return null;
  const fits = read[1] ? end - i >= 2 || bigAfter : bigAfter && end - i === 1;
  return fits ? [read[0], end] : null;
}

const NUMERAL_HINT = /[十百千万亿]/;
/**
 * `text` with its Chinese numerals in digits (rule 1), and `origin`: for each UTF-16 unit of
 * the result and one past its end, the offset in `text` it came from (null when unchanged).
 */
export function numerals(text) {
  if (!NUMERAL_HINT.test(text)) return { text, origin: null };
  const chars = [...text];
  let out = "";
  const origin = [];
  let [i, at, changed] = [0, 0, false];
  while (i < chars.length) {
    const found = numeralAt(chars, i);
    if (found !== null) {
      const digits = String(found[0]);
      out += digits;
      for (let k = 0; k < digits.length; k++) origin.push(at);
      for (let k = i; k < found[1]; k++) at += chars[k].length;
      [i, changed] = [found[1], true];
    } else {
      out += chars[i];
      for (let k = 0; k < chars[i].length; k++) origin.push(at + k);
      at += chars[i].length;
      i++;
    }
  }
  origin.push(at);
  return changed ? { text: out, origin } : { text, origin: null };
}

/**
 * The text as segments: `{ han: [chars], offsets }` or `{ parts: [strings] }`, each with
 * `start` and `end` offsets (UTF-16) into `text`, for highlighting.
 */
export function segments(original) {
  const { text, origin } = numerals(original);
  const out = [];
  const n = text.length;
  const at = (k) => foldCp(text.codePointAt(k));
  const width = (k) => (text.codePointAt(k) > 0xffff ? 2 : 1);
  let i = 0;
  while (i < n) {
    const start = i;
    if (isHan(at(i))) {
      const han = [];
      const offsets = [];
      while (i < n && isHan(at(i))) {
        offsets.push(i);
        han.push(text.slice(i, i + width(i)));
        i += width(i);
      }
      offsets.push(i);
      out.push({ han, start, end: i, offsets });
    } else if (isWordChar(at(i))) {
      let joined = false;
      for (;;) {
        while (i < n && isWordChar(at(i))) i += width(i);
        if (!(i + 1 < n && isJoiner(at(i)) && isWordChar(at(i + 1)))) break;
        joined = true;
        i++;
      }
      const word = fold(text.slice(start, i));
      out.push({ parts: joined ? word.split(JOINERS) : [word], start, end: i });
    } else {
      i += width(i);
    }
  }
  if (origin !== null) {
    for (const seg of out) {
      [seg.start, seg.end] = [origin[seg.start], origin[seg.end]];
      if (seg.offsets) seg.offsets = seg.offsets.map((k) => origin[k]);
    }
  }
  return out;
}

const lower = (part) => part.toLowerCase().replaceAll("ё", "е");
const length = (s) => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};
const keep = (part) => length(part) >= 2 || /^[0-9]+$/.test(part);

/** Strips the longest suffix that leaves at least MIN_STEM letters; `null` when none fits. */
function strip(word, suffixes, allowed) {
  const len = length(word);
  let best = null;
  for (const [s, r] of suffixes) {
    const n = s.length; // suffixes are a-z or а-я: one UTF-16 unit per letter
    if (!word.endsWith(s) || len - n < MIN_STEM || !allowed(word, s)) continue;
    if (best === null || n > best[2]) best = [s, r, n];
  }
  return best === null ? null : word.slice(0, word.length - best[0].length) + best[1];
}

function stemEn(word) {
  const noSAfter = (w, s) => s !== "s" || !(w.endsWith("ss") || w.endsWith("us") || w.endsWith("is"));
  let stem = strip(word, EN_SUFFIXES, noSAfter) ?? word;
  if (stem.length > MIN_STEM && stem.endsWith("e")) stem = stem.slice(0, -1);
  const n = stem.length;
  if (n > MIN_STEM && stem[n - 1] === stem[n - 2] && !"aeioulsz".includes(stem[n - 1])) {
    stem = stem.slice(0, -1);
  }
  return stem;
}

const RU_ENDING_PAIRS = RU_ENDINGS.map((e) => [e, ""]);
const RU_SUFFIX_PAIRS = RU_SUFFIXES.map((e) => [e, ""]);

function stemRu(word) {
  const w = strip(word, RU_ENDING_PAIRS, () => true) ?? word;
  const stemmed = strip(w, RU_SUFFIX_PAIRS, () => true) ?? w;
  return stemmed.endsWith("нн") && stemmed.length > MIN_STEM ? stemmed.slice(0, -1) : stemmed;
}

/** The stem of one lowercased part: English or Russian rules by script, else the part itself. */
export function stem(part) {
  if (/^[a-z]+$/.test(part)) return stemEn(part);
  if (/^[а-я]+$/.test(part)) return stemRu(part);
  return part;
}

const parts = new Map();
/** `[lowercased, stem, kept]` of one part of a word; remembered, as words repeat. */
function part(raw) {
  let known = parts.get(raw);
  if (known === undefined) {
    const lowered = lower(raw);
    known = [lowered, stem(lowered), keep(lowered)];
    parts.set(raw, known);
  }
  return known;
}

/** A word's tokens: `[whole or null, kept parts]`. */
function wordTokens(rawParts) {
  const all = rawParts.map(part);
  const kept = all.filter((p) => p[2]).map((p) => p[1]);
  if (all.length === 1) return [null, kept];
  const whole = all.slice(0, -1).map((p) => p[0]).join("-") + "-" + all[all.length - 1][1];
  return [whole, kept];
}

/** The tokens the index holds for `text`, in order, repeats included. */
export function tokens(text) {
  const out = [];
  for (const seg of segments(text)) {
    if (seg.han) {
      seg.han.forEach((c, i) => {
        out.push(c);
        if (i + 1 < seg.han.length) out.push(c + seg.han[i + 1]);
      });
    } else {
      const [whole, kept] = wordTokens(seg.parts);
      if (whole !== null) out.push(whole);
      out.push(...kept);
    }
  }
  return out;
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const pushNew = (list, item) => {
  if (!list.some((x) => same(x, item))) list.push(item);
};

function runConcept(chars) {
  if (chars.length === 1) return [[chars[0]]];
  const pairs = [];
  for (let i = 0; i + 1 < chars.length; i++) pushNew(pairs, chars[i] + chars[i + 1]);
  return [pairs];
}

function wordConcept(parts) {
  const [whole, kept] = wordTokens(parts);
  if (whole !== null) return kept.length === 0 ? [[whole]] : [[whole], kept];
  return kept.map((k) => [k]);
}

/** All the terms a member requires: the first alternative of each of its concepts. */
function flatten(member) {
  const terms = [];
  for (const concept of member) for (const t of concept[0] || []) pushNew(terms, t);
  return terms;
}

function prepareGroups(synonyms) {
  return synonyms.map((group) => {
    const members = group.map((m) => {
      const chars = [...fold(numerals(m.trim()).text)];
      const han = chars.length > 0 && chars.every((c) => isHan(c.codePointAt(0))) ? chars : null;
      return { concepts: queryConcepts(m), han };
    });
    const alternatives = [];
    for (const { concepts } of members) {
      const own = concepts.length === 1 ? concepts[0] : [flatten(concepts)];
      for (const alt of own) if (alt.length > 0) pushNew(alternatives, alt);
    }
    return { members, alternatives };
  });
}

const startsWith = (list, prefix, at) =>
  prefix.length <= list.length - at && prefix.every((x, k) => same(x, list[at + k]));

function splitRun(chars, groups, out) {
  let pending = [];
  let i = 0;
  while (i < chars.length) {
    let best = null;
    for (const group of groups) {
      for (const { han } of group.members) {
        if (han && startsWith(chars, han, i) && (best === null || han.length > best[1])) best = [group, han.length];
      }
    }
    if (best) {
      if (pending.length > 0) out.push(runConcept(pending));
      pending = [];
      out.push(best[0].alternatives);
      i += best[1];
    } else {
      pending.push(chars[i]);
      i++;
    }
  }
  if (pending.length > 0) out.push(runConcept(pending));
}

function replaceSequences(concepts, groups) {
  const out = [];
  let i = 0;
  while (i < concepts.length) {
    let best = null;
    for (const group of groups) {
      for (const { concepts: member } of group.members) {
        const fits = member.length > 0 && startsWith(concepts, member, i);
        if (fits && (best === null || member.length > best[1])) best = [group, member.length];
      }
    }
    if (best) {
      out.push(best[0].alternatives);
      i += best[1];
    } else {
      out.push(concepts[i]);
      i++;
    }
  }
  return out;
}

/**
 * The query's concepts (each: alternatives, each: terms all required), synonyms applied:
 * inside a Han run the longest Han member at each position, then the longest run of concepts
 * equal to a member's.
 */
export function parseQuery(text, synonyms = []) {
  return withoutStopWords(concepts(text, synonyms));
}

/** The query's concepts with synonyms applied, stop words kept (a synonym may hold one). */
function concepts(text, synonyms) {
  const groups = prepareGroups(synonyms);
  const found = [];
  for (const seg of segments(text)) {
    if (seg.han) splitRun(seg.han, groups, found);
    else {
      const concept = wordConcept(seg.parts);
      if (concept.length > 0) found.push(concept);
    }
  }
  return replaceSequences(found, groups);
}

let stopConcepts = null;
/** The concepts without those that are one stop word, unless nothing else is left. */
function withoutStopWords(concepts) {
  stopConcepts ??= new Set(STOP_WORDS.map((w) => stem(w)));
  const isStop = (c) => c.length === 1 && c[0].length === 1 && stopConcepts.has(c[0][0]);
  return concepts.every(isStop) ? concepts : concepts.filter((c) => !isStop(c));
}

const ALL_LETTERS = /^\p{Alphabetic}+$/u;
/**
 * The start of a word being typed, or null: the query's last word when it is one part of
 * three letters or more (no digits), lowercased, and its concept is the query's last; as
 * `word_start` in src/search/normalise.rs.
 */
export function wordStart(text, concepts) {
  const all = segments(text);
  const last = all[all.length - 1];
  if (!last || last.han || last.parts.length !== 1) return null;
  const start = lower(last.parts[0]);
  const letters = length(start) >= 3 && ALL_LETTERS.test(start);
  const lastConcept = concepts[concepts.length - 1];
  return letters && lastConcept !== undefined && same(lastConcept, [[stem(start)]]) ? start : null;
}

/** The concepts of a query before synonyms. */
export function queryConcepts(text) {
  return concepts(text, []);
}

/**
 * Ranges `[start, end)` of `text` (UTF-16 offsets) that hold one of `terms` (a Set): a whole
 * word when it or one of its parts is a term; in a Han run, the characters of each matching
 * character or pair.
 */
export function highlights(text, terms) {
  const ranges = [];
  for (const seg of segments(text)) {
    if (seg.han) {
      seg.han.forEach((c, i) => {
        const pair = i + 1 < seg.han.length && terms.has(c + seg.han[i + 1]);
        if (pair) ranges.push([seg.offsets[i], seg.offsets[i + 2]]);
        else if (terms.has(c)) ranges.push([seg.offsets[i], seg.offsets[i + 1]]);
      });
    } else {
      const [whole, kept] = wordTokens(seg.parts);
      if ((whole !== null && terms.has(whole)) || kept.some((k) => terms.has(k))) ranges.push([seg.start, seg.end]);
    }
  }
  const merged = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([...r]);
  }
  return merged;
}
