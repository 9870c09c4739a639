// Typo tolerance: a query whose words as typed find few pages also tries index words a typo or
// two away from its long words, as `rank::forgiving` in src/search/rank.rs does. Loaded by
// search.js only for such a query, and handed search.js itself for the pieces it shares
// (assets are fingerprinted, so not imported).

/** Most index words a mistyped word adds to its concept, as `MAX_TYPOS`. */
const MAX_TYPOS = 4;

/** The word-start keys of the words of `concepts` that may be mistyped: as `typo_keys`. */
export function typoKeys(concepts, search) {
  const { compare, startKey, typoWord } = search;
  const keys = new Set();
  for (const c of concepts) {
    const word = typoWord(c);
    const key = word === null ? null : startKey(word);
    if (key !== null) keys.add(key);
  }
  return [...keys].sort(compare);
}

/** The edit distance of `a` and `b` when at most `most`, else null: as `distance`. */
export function distance(a, b, most) {
  const [x, y] = [[...a], [...b]];
  if (Math.abs(x.length - y.length) > most) return null;
  let row = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 0; i < x.length; i++) {
    const next = new Array(y.length + 1).fill(i + 1);
    for (let j = 0; j < y.length; j++) {
      next[j + 1] = Math.min(row[j] + (x[i] === y[j] ? 0 : 1), row[j + 1] + 1, next[j] + 1);
    }
    if (Math.min(...next) > most) return null;
    row = next;
  }
  const d = row[y.length];
  return d <= most ? d : null;
}

/** The concepts with each long word also found by index words a typo away: as `with_typos`. */
export function withTypos(concepts, terms, search) {
  const { chars, compare, startKey, typoWord } = search;
  const all = [...new Set(terms)];
  return concepts.map((concept) => {
    const word = typoWord(concept);
    if (word === null) return concept;
    const most = chars(word) >= 9 ? 2 : 1;
    const key = startKey(word);
    const near = [];
    for (const t of all) {
      if (t === word || startKey(t) !== key) continue;
      const d = distance(word, t, most);
      if (d !== null) near.push([d, t]);
    }
    near.sort((a, b) => a[0] - b[0] || compare(a[1], b[1]));
    return [...concept, ...near.slice(0, MAX_TYPOS).map(([, t]) => [t])];
  });
}

/**
 * `hits` of `concepts` in `entry` (an opened index), followed by the pages found only through
 * mistyped words, and the concepts that found them: as `rank::forgiving`.
 */
export async function forgiving(entry, concepts, hits, search) {
  const candidates = [];
  for (const key of typoKeys(concepts, search)) candidates.push(...(await entry.startTerms(key)));
  const wide = withTypos(concepts, candidates, search);
  if (JSON.stringify(wide) === JSON.stringify(concepts)) return [hits, concepts];
  const seen = new Set(hits.map((hit) => hit.page));
  const more = search.ranked(await entry.postings([...new Set(wide.flat(2))]), wide);
  return [[...hits, ...more.filter((hit) => !seen.has(hit.page))], wide];
}
