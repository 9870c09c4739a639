// When a search finds nothing: "Did you mean …" and the other languages' results. Loaded by
// search.js only then (a first search that finds something does not pay for it), and handed
// search.js itself for the pieces it shares (assets are fingerprinted, so not imported); the
// edit distance is search-typos.js's, loaded when a word of the query is not in the index.

/** Farthest a "did you mean" word may be from a query word (edits). */
const SUGGEST_DISTANCE = 3;

/**
 * The query with each word of four letters or more that the index lacks replaced by the
 * nearest index word with its first three letters (as written on the first page that has
 * it), or null when there is none. Only in the browser: ranking does not depend on it.
 */
export async function suggestion(entry, query, normalise, search) {
  const { chars, startKey, compare } = search;
  let distance = null;
  let out = "";
  let at = 0;
  let changed = false;
  for (const seg of normalise.segments(query)) {
    if (seg.han || seg.parts.length !== 1) continue;
    const [word] = normalise.tokens(query.slice(seg.start, seg.end));
    const key = word === undefined || chars(word) < 4 ? null : startKey(word);
    if (key === null) continue;
    const postings = await entry.postings([word]);
    if ((postings.terms.get(word)?.size ?? 0) > 0) continue;
    let best = null;
    distance ??= (await search.part("typos")).distance;
    for (const t of await entry.startTerms(key)) {
      const d = startKey(t) === key ? distance(word, t, SUGGEST_DISTANCE) : null;
      if (d !== null && (best === null || d < best[0] || (d === best[0] && compare(t, best[1]) < 0))) best = [d, t];
    }
    if (best === null) continue;
    const written = await writtenAs(entry, best[1], normalise);
    if (written === null) continue;
    out += query.slice(at, seg.start) + written;
    at = seg.end;
    changed = true;
  }
  return changed ? out + query.slice(at) : null;
}

/** A word of the first page holding `term` whose tokens include it, lowercased, or null. */
async function writtenAs(entry, term, normalise) {
  const pages = (await entry.postings([term])).terms.get(term);
  if (!pages || pages.size === 0) return null;
  const { record } = await entry.page(Math.min(...pages.keys()));
  for (const text of [record.t, ...record.s.flatMap(([, h, t]) => [h, t])]) {
    for (const seg of normalise.segments(text)) {
      const written = text.slice(seg.start, seg.end);
      if (!seg.han && normalise.tokens(written).includes(term)) return written.toLowerCase();
    }
  }
  return null;
}

/** "Did you mean …": a link that runs the suggested query on this page. */
export async function suggest(ui, run, entry, query, normalise, search) {
  const better = await suggestion(entry, query, normalise, search).catch(() => null);
  if (run !== ui.runs || better === null) return;
  const { el } = search;
  const [before, after = ""] = ui.results.dataset.didYouMean.split("{query}");
  const a = el("a", "", better);
  const page = new URL(location.href);
  page.searchParams.set("q", better);
  a.href = page.pathname + page.search;
  ui.suggestion.replaceChildren(before, a, after);
  ui.suggestion.hidden = false;
}

/**
 * When the page's language finds nothing: how many results each other language has, each a
 * link that runs the same search on that language's search page (its indexes are loaded now).
 */
export async function elsewhere(ui, run, query, normalise, search) {
  const { countText, el, load, searchAll } = search;
  const others = ui.indexes.filter((meta) => meta.lang !== ui.own.lang);
  const found = await Promise.all(
    others.map(async (meta) => {
      try {
        const entry = await load(ui, meta, normalise);
        return [meta, (await searchAll([entry], query, normalise)).length];
      } catch {
        return [meta, 0];
      }
    }),
  );
  if (run !== ui.runs) return;
  const list = ui.elsewhere.querySelector("ul");
  list.replaceChildren();
  for (const [meta, n] of found.filter(([, n]) => n > 0)) {
    const a = el("a", "", ui.results.dataset.elsewhere.replace("{language}", meta.name).replace("{results}", countText(ui, n)));
    const page = new URL(meta.url.replace(/index\.json$/, ""), location.href);
    page.searchParams.set("q", query);
    a.href = page.pathname + page.search;
    a.hreflang = meta.tag;
    const li = el("li");
    li.append(a);
    list.append(li);
  }
  ui.elsewhere.hidden = list.children.length === 0;
}
