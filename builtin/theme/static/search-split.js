// What only a split index needs (see src/search/split.rs): its reader, which fetches the term
// shards of a query's words and the page chunks of the results shown, and the "More results"
// button (a whole index shows all its results at once). Loaded by search.js when an index
// turns out to be split, so that a search of a whole index does not pay for it, and handed
// search.js itself for the pieces it shares (assets are fingerprinted, so not imported).

/** FNV-1a (32 bits) of the UTF-8 bytes of `text`, as `fnv1a32` in src/hash.rs. */
export function fnv1a32(text) {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}

/** A split index: `manifest` read from `url`; shards and page chunks fetched when needed. */
export function splitIndex(manifest, url, fetchJson, tokens, search) {
  const { once, startKey, weigh, withIds } = search;
  const base = url.slice(0, url.lastIndexOf("/") + 1);
  const { terms: shardCount, chunk } = manifest.split;
  const shards = new Map();
  const chunks = new Map();
  const shard = (n) => once(shards, n, () => fetchJson(`${base}terms/${n}.json`));
  const starts = new Map();
  const startCount = manifest.split.starts || 0;
  return {
    lang: manifest.lang,
    synonyms: manifest.synonyms,
    split: true,
    async postings(terms) {
      const loaded = await Promise.all(terms.map((t) => shard(fnv1a32(t) % shardCount)));
      const found = new Map();
      terms.forEach((term, i) => {
        if (Object.hasOwn(loaded[i], term)) found.set(term, decode(loaded[i][term]));
      });
      return { terms: found };
    },
    async startTerms(start) {
      const key = startKey(start);
      if (key === null || startCount === 0) return [];
      const n = fnv1a32(key) % startCount;
      const file = await once(starts, n, () => fetchJson(`${base}starts/${n}.json`));
      return Object.hasOwn(file, key) ? file[key] : [];
    },
    async page(n) {
      const c = Math.floor(n / chunk);
      const record = withIds((await once(chunks, c, () => fetchJson(`${base}pages/${c}.json`)))[n % chunk]);
      const sections = weigh(record, n, tokens, new Map());
      return { record, sectionsOf: (term) => sections.get(term) || [] };
    },
  };
}

/** A shard's postings list ([page delta, weight, …]) as Map(page → weight). */
function decode(flat) {
  const pages = new Map();
  let page = 0;
  for (let i = 0; i + 1 < flat.length; i += 2) {
    page += flat[i];
    pages.set(page, flat[i + 1]);
  }
  return pages;
}

/** "More results": the next batch of `hits` (their pages are fetched), then focus on the first. */
export function moreButton(ui, run, hits, ol, normalise, search) {
  const { el, item, resolve, SPLIT_SHOWN } = search;
  const button = el("button", "search-more", ui.results.dataset.more);
  button.type = "button";
  button.addEventListener("click", async () => {
    const from = ol.children.length;
    button.disabled = true;
    try {
      const next = await Promise.all(hits.slice(from, from + SPLIT_SHOWN).map(resolve));
      if (run !== ui.runs) return;
      for (const hit of next) ol.append(item(hit, ui, normalise));
      button.disabled = false;
      button.hidden = ol.children.length >= hits.length;
      ol.children[from].querySelector("a").focus();
    } catch {
      button.disabled = false;
      if (run === ui.runs) ui.status.textContent = ui.results.dataset.error;
    }
  });
  return button;
}
