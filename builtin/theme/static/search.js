// Search page: reads ?q=, loads the language's index (all three with ?all=1) only when there is
// something to search, ranks pages exactly as src/search/rank.rs does, and renders the results with
// DOM nodes. A whole index is one file; a split one (see src/search/split.rs) is read as far as the
// query needs: the term shards of its words, then the page chunks of the results shown, ten at
// a time. What only some searches need is in modules of its own, loaded by those searches
// (`part`): the split form's reader (search-split.js), typo tolerance (search-typos.js), and
// what to say when nothing is found (search-none.js). The ranking and loading functions are
// exported for those modules and for the Node test runner.

const TITLE = 1000;
const HEADING = 100;
const MAX_BODY = 20;
const MAX_COUNT = 15;
const MAX_SHOWN = 50;
/** Results shown at once from a split index, whose pages are fetched for the results shown. */
export const SPLIT_SHOWN = 10;
/** Milliseconds of quiet typing before the search page searches what is typed. */
export const TYPING_DELAY = 200;

/**
 * Adds the weights of the terms of `page` (number `n`) to `terms`, term → [[page, section,
 * weight], …] in order, as `section_weights` in src/search/index.rs does for one page: body count
 * (at most 15) × 4, + 2 in the section's heading, + 1 in the page title (on the first section).
 */
export function weigh(page, n, tokens, terms) {
  const entry = (term, sid) => {
    let list = terms.get(term);
    if (!list) terms.set(term, (list = []));
    let last = list[list.length - 1];
    if (!last || last[0] !== n || last[1] !== sid) list.push((last = [n, sid, 0]));
    return last;
  };
  for (const t of tokens(page.t)) entry(t, 0)[2] |= 1;
  page.s.forEach(([, heading, text], sid) => {
    for (const t of tokens(heading)) entry(t, sid)[2] |= 2;
    for (const t of tokens(text)) {
      const e = entry(t, sid);
      if (e[2] >> 2 < MAX_COUNT) e[2] += 4;
    }
  });
  return terms;
}

/** Page → weight (title bit, heading bit, body count at most 20 × 4) of a term's section entries. */
function pageWeights(entries) {
  const pages = new Map();
  for (const [page, , w] of entries) {
    const before = pages.get(page) || 0;
    const count = Math.min((before >> 2) + (w >> 2), MAX_BODY);
    pages.set(page, (before & 3) | (w & 3) | (count << 2));
  }
  return pages;
}

/** The section weights of a whole index (as `Postings::new` in src/search/index.rs reads them). */
export function buildPostings(index, tokens) {
  const sections = new Map();
  index.pages.forEach((page, n) => weigh(page, n, tokens, sections));
  return { sections };
}

/** What ranking needs of `terms` in a whole index: term → Map(page → weight). */
function wholePostings(postings, terms) {
  return { terms: new Map(terms.map((t) => [t, pageWeights(postings.sections.get(t) || [])])) };
}

/** A term's section entries on page `n` of a whole index. */
const wholeSections = (postings, n) => (term) => (postings.sections.get(term) || []).filter((e) => e[0] === n);

const weight = (w) => (w & 1 ? TITLE : 0) + (w & 2 ? HEADING : 0) + Math.min(w >> 2, MAX_BODY);

/** [concepts found, score, whether every concept found is found in the title]. */
function scorePage(concepts, found) {
  let matched = 0;
  let total = 0;
  let titled = true;
  for (const concept of concepts) {
    let best = 0;
    let inTitle = false;
    for (const alternative of concept) {
      const all = alternative.map((t) => found.get(t));
      if (all.length === 0 || all.some((w) => w === undefined)) continue;
      best = Math.max(best, Math.min(...all.map(weight)));
      inTitle ||= all.every((w) => (w & 1) !== 0);
    }
    if (best > 0) matched++;
    total += best;
    titled &&= inTitle || best === 0;
  }
  return [matched, total, titled];
}

const HAN_PAIR = /^[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3ffff}]{2}$/u;

/** Whether `terms` are the overlapping pairs of one Han run: as `is_run_of_pairs`. */
function isRunOfPairs(terms) {
  if (terms.length < 2 || !terms.every((t) => HAN_PAIR.test(t))) return false;
  const chars = terms.map((t) => [...t]);
  return chars.every((c, i) => i === 0 || chars[i - 1][1] === c[0]);
}

/** Each Han run split where the index lacks a pair: as `split_runs` in src/search/rank.rs. */
function splitRuns(concepts, has) {
  const out = [];
  for (const concept of concepts) {
    if (concept.length > 1) {
      const present = (alternative) => {
        const kept = alternative.filter(has);
        return isRunOfPairs(alternative) && kept.length > 0 ? kept : alternative;
      };
      out.push(concept.map(present));
      continue;
    }
    const pairs = concept[0];
    if (!isRunOfPairs(pairs) || pairs.every(has)) {
      out.push(concept);
      continue;
    }
    const stretches = [];
    let current = [];
    for (const pair of pairs) {
      if (has(pair)) {
        current.push(pair);
      } else if (current.length > 0) {
        stretches.push(current);
        current = [];
      }
    }
    if (current.length > 0) stretches.push(current);
    out.push(...(stretches.length ? stretches.map((s) => [s]) : [concept]));
  }
  return out;
}

/** The pages matching `concepts`, best first, without their links: as `ranked` in src/search/rank.rs. */
export function ranked(postings, queryConcepts) {
  const concepts = splitRuns(queryConcepts, (t) => (postings.terms.get(t)?.size ?? 0) > 0);
  const pages = new Map();
  for (const term of new Set(concepts.flat(2))) {
    for (const [page, w] of postings.terms.get(term) || []) {
      if (!pages.has(page)) pages.set(page, new Map());
      pages.get(page).set(term, w);
    }
  }
  const hits = [];
  for (const [page, found] of pages) {
    const [matched, score, titled] = scorePage(concepts, found);
    if (matched > 0) hits.push({ page, matched, score, titled });
  }
  return hits.sort((a, b) => b.matched - a.matched || b.score - a.score || a.page - b.page);
}

/**
 * The hit's best section and link, from its page (`u`, `s`) and `sectionsOf(term)`, the term's
 * [page, section, weight] entries on that page: as `locate` in src/search/rank.rs.
 */
function locate(hit, page, terms, sectionsOf) {
  const scores = page.s.map(() => 0);
  for (const term of terms) {
    for (const [, sid, w] of sectionsOf(term)) {
      if (sid < scores.length) scores[sid] += (w & 2 ? HEADING : 0) + (w >> 2);
    }
  }
  let section = 0;
  scores.forEach((s, sid) => {
    if (s > scores[section]) section = sid;
  });
  const id = page.s.length > 0 ? page.s[section][0] : "";
  const url = hit.titled || id === "" ? page.u : `${page.u}#${id}`;
  return { url, page: hit.page, section, matched: hit.matched, score: hit.score };
}

/** Most index words a word start adds to its concept, as `MAX_STARTS` in src/search/rank.rs. */
const MAX_STARTS = 8;
export const chars = (s) => [...s].length;
const byLength = (a, b) => chars(a) - chars(b) || compare(a, b);

/** The concepts with the last one also found by index words that begin with `start`: as `with_word_start`. */
export function withWordStart(concepts, start, terms) {
  if (concepts.length === 0) return concepts;
  const out = concepts.slice(0, -1);
  const last = [...concepts[concepts.length - 1]];
  const [longer, shorter] = [[], []];
  const n = chars(start);
  let known = false;
  for (const term of terms) {
    const m = chars(term);
    known ||= last.some((alternative) => alternative.length === 1 && alternative[0] === term);
    if (term.startsWith(start)) longer.push(term);
    else if (m >= 4 && m + 3 >= n && start.startsWith(term)) shorter.push(term);
  }
  const added = !known && shorter.length > 0 ? [shorter.sort(byLength)[shorter.length - 1]] : [];
  added.push(...longer.sort(byLength).slice(0, MAX_STARTS - added.length));
  for (const term of added) {
    if (!last.some((alternative) => alternative.length === 1 && alternative[0] === term)) last.push([term]);
  }
  out.push(last);
  return out;
}

/** Fewer results than this for the words as typed, and long words also find typos: as `FEW`. */
const FEW = 3;
const LETTERS = /^\p{Alphabetic}+$/u;

/** The word of a concept that may be mistyped, or null: as `typo_word` in src/search/rank.rs. */
export function typoWord(concept) {
  if (concept.length !== 1 || concept[0].length !== 1) return null;
  const word = concept[0][0];
  return chars(word) >= 5 && LETTERS.test(word) ? word : null;
}

/** The first three letters of `term`, under which a word-start file lists it: as `start_key`. */
export function startKey(term) {
  const first = [...term].slice(0, 3);
  return first.length === 3 && first.every((c) => /^\p{Alphabetic}$/u.test(c)) ? first.join("") : null;
}

/** `load()`, remembered by key, and forgotten if it fails so that a retry fetches again. */
export function once(cache, key, load) {
  if (!cache.has(key)) {
    const promise = load();
    promise.catch(() => cache.delete(key));
    cache.set(key, promise);
  }
  return cache.get(key);
}

/** The id of a section the index gives without one: as `implied_id` in src/search/sections.rs. */
export const impliedId = (heading) => heading.toLowerCase().split(/[^\p{Alphabetic}\p{N}]+/u).filter(Boolean).join("-");

/** `page` (a record of the index) with each section as [id, heading, text]. */
export function withIds(page) {
  page.s = page.s.map((s) => (s.length === 3 ? s : [impliedId(s[0]), ...s]));
  return page;
}

/** A whole index: everything in memory. */
function wholeIndex(index, tokens) {
  index.pages.forEach(withIds);
  const postings = buildPostings(index, tokens);
  return {
    lang: index.lang,
    synonyms: index.synonyms,
    split: false,
    postings: async (terms) => wholePostings(postings, terms),
    startTerms: async () => postings.sections.keys(),
    page: async (n) => {
      const page = index.pages[n];
      const parent = index.pages[page.p];
      return { record: parent ? { ...page, pt: parent.t } : page, sectionsOf: wholeSections(postings, n) };
    },
  };
}

/**
 * The index at `url`, whole or split, as { lang, synonyms, split, postings(terms), page(n) }:
 * postings gives what ranking needs of the terms, page the page's record (with its parent's
 * title) and `sectionsOf` for `locate`. `fetchJson(url)` reads a file (the page fetches it;
 * the Node tests read it). A split index is read by search-split.js, loaded then.
 */
export async function openIndex(url, fetchJson, tokens) {
  const file = await fetchJson(url);
  if (!file.split) return wholeIndex(file, tokens);
  const [split, search] = await Promise.all([part("split"), import(import.meta.url)]);
  return split.splitIndex(file, url, fetchJson, tokens, search);
}

/** How to load each optional module by name ("split", "typos"): name → () => Promise<module>. */
export const parts = new Map();

/** The optional module `name`, loaded the first time a search needs it. */
export function part(name) {
  const load = parts.get(name);
  return load ? load() : Promise.reject(new Error(`no ${name} module`));
}

/**
 * Where the optional modules are, from the search page's `[data-search-results]` (assets are
 * fingerprinted, so their URLs come from the page), each URL resolved by `at`.
 */
export function partsOf(results, at = (url) => url) {
  parts.set("split", () => import(at(results.dataset.splitScript)));
  parts.set("typos", () => import(at(results.dataset.typosScript)));
}

export const compare = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Hits of several opened indexes (`[{ ...index, ... }]`) merged, best first, each with its
 * entry and concepts but without its link. Page URLs start with `LANG/`, so comparing that
 * and then the page number orders ties by URL.
 */
export async function searchAll(entries, text, normalise) {
  const lists = await Promise.all(
    entries.map(async (entry) => {
      const parsed = normalise.parseQuery(text, entry.synonyms);
      const start = normalise.wordStart(text, parsed);
      const concepts = start === null ? parsed : withWordStart(parsed, start, await entry.startTerms(start));
      const postings = await entry.postings([...new Set(concepts.flat(2))]);
      let [hits, used] = [ranked(postings, concepts), concepts];
      // As `rank::forgiving`: few pages for the words as typed, and mistyped words are tried.
      if (hits.length < FEW && concepts.some((c) => typoWord(c) !== null)) {
        const [typos, search] = await Promise.all([part("typos"), import(import.meta.url)]);
        [hits, used] = await typos.forgiving(entry, concepts, hits, search);
      }
      return hits.map((hit) => ({ ...hit, entry, concepts: used }));
    }),
  );
  return lists.flat().sort((a, b) =>
    b.matched - a.matched || b.score - a.score || compare(`${a.entry.lang}/`, `${b.entry.lang}/`) || a.page - b.page);
}

/** The hit with its link, best section and page record (fetched if the index is split). */
export async function resolve(hit) {
  const { record, sectionsOf } = await hit.entry.page(hit.page);
  const located = locate(hit, record, new Set(hit.concepts.flat(2)), sectionsOf);
  return { ...hit, ...located, record };
}

// ----- The page -----------------------------------------------------------------------------

const SNIPPET_BEFORE = 60;
const SNIPPET_LENGTH = 220;

export function el(name, className, text) {
  const node = document.createElement(name);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The window of `text` to show around the first highlight, as [start, end]. */
function snippetWindow(text, ranges) {
  if (text.length <= SNIPPET_LENGTH) return [0, text.length];
  let start = ranges.length > 0 ? Math.max(0, ranges[0][0] - SNIPPET_BEFORE) : 0;
  const space = text.indexOf(" ", start);
  if (start > 0 && space !== -1 && space - start < 15) start = space + 1;
  let end = Math.min(text.length, start + SNIPPET_LENGTH);
  const back = text.lastIndexOf(" ", end);
  if (end < text.length && back > start && end - back < 20) end = back;
  const low = (i) => i > 0 && i < text.length && /[\udc00-\udfff]/.test(text[i]);
  if (low(start)) start--;
  if (low(end)) end--;
  return [start, end];
}

/** A paragraph of `text` around the matched words, each in a `<mark>`. */
function snippet(text, terms, normalise) {
  const p = el("p", "search-hit-snippet");
  const ranges = normalise.highlights(text, terms);
  const [start, end] = snippetWindow(text, ranges);
  let at = start;
  if (start > 0) p.append("… ");
  for (const [a, b] of ranges) {
    if (b <= start || a >= end) continue;
    const from = Math.max(a, start);
    p.append(text.slice(at, from));
    p.append(el("mark", "", text.slice(from, Math.min(b, end))));
    at = Math.min(b, end);
  }
  p.append(text.slice(at, end));
  if (end < text.length) p.append(" …");
  return p;
}

/** One result, from a resolved hit: title, where it is, snippet. */
export function item(hit, ui, normalise) {
  const page = hit.record;
  const section = page.s[hit.section] || ["", "", ""];
  const li = el("li", "search-hit");
  li.lang = hit.entry.tag;
  const title = el("h2", "search-hit-title");
  const a = el("a", "", page.t);
  a.href = ui.basePath + hit.url;
  title.append(a);
  li.append(title);
  const where = [];
  if (ui.all.checked) where.push(hit.entry.name);
  if (page.pt !== undefined) where.push(page.pt);
  if (hit.url.includes("#") && section[1]) where.push(section[1]);
  if (where.length > 0) li.append(el("p", "search-hit-section", where.join(" › ")));
  const text = section[2] || (page.s.length > 0 ? page.s[0][2] : "");
  if (text) li.append(snippet(text, new Set(hit.concepts.flat(2)), normalise));
  return li;
}

export function countText(ui, n) {
  const category = new Intl.PluralRules(ui.tag).select(n);
  const key = "count" + category[0].toUpperCase() + category.slice(1);
  return (ui.results.dataset[key] || ui.results.dataset.countOther).replace("{count}", String(n));
}

/** The results of run `run`: the first `batch` of `hits`, and a button for the next ones. */
async function render(ui, run, hits, query, normalise, batch) {
  ui.allButton.hidden = ui.all.checked;
  if (hits.length === 0) {
    ui.results.replaceChildren();
    ui.elsewhere.hidden = true;
    ui.empty.hidden = false;
    ui.status.textContent = ui.results.dataset.none.replace("{query}", query);
    ui.suggestion.hidden = true;
    if (!ui.all.checked) {
      // Only a search that finds nothing loads search-none.js; it gets this module's pieces.
      const [own, none, search] = await Promise.all([
        load(ui, ui.own, normalise),
        import(ui.results.dataset.noneScript),
        import(import.meta.url),
      ]);
      await Promise.all([none.suggest(ui, run, own, query, normalise, search), none.elsewhere(ui, run, query, normalise, search)]);
    }
    return;
  }
  const last = Math.min(hits.length, MAX_SHOWN);
  // Only a split index shows fewer than all at once: search-split.js is loaded already.
  const [first, more] = await Promise.all([
    Promise.all(hits.slice(0, batch).map(resolve)),
    batch < last ? Promise.all([part("split"), import(import.meta.url)]) : null,
  ]);
  if (run !== ui.runs) return;
  const ol = el("ol", "search-hits");
  for (const hit of first) ol.append(item(hit, ui, normalise));
  ui.results.replaceChildren(ol);
  ui.empty.hidden = true;
  if (more) ui.results.append(more[0].moreButton(ui, run, hits.slice(0, last), ol, normalise, more[1]));
  ui.status.textContent = countText(ui, hits.length);
}

function setup(results) {
  partsOf(results);
  const form = document.querySelector("[data-search-form]");
  const indexes = [...document.querySelectorAll("[data-search-indexes] [data-lang]")].map((li) => ({
    lang: li.dataset.lang,
    tag: li.dataset.tag,
    url: li.dataset.url,
    name: li.textContent,
  }));
  const own = indexes.find((x) => x.lang === results.dataset.lang) ||
    { lang: results.dataset.lang, tag: results.dataset.tag, url: results.dataset.indexUrl, name: "" };
  return {
    results,
    form,
    input: form.querySelector("input[name=q]"),
    all: form.querySelector("[data-search-all]"),
    status: document.querySelector("[data-search-status]"),
    empty: document.querySelector("[data-search-empty]"),
    elsewhere: document.querySelector("[data-search-elsewhere]"),
    suggestion: document.querySelector("[data-search-suggestion]"),
    allButton: document.querySelector("[data-search-all-button]"),
    basePath: results.dataset.basePath,
    tag: results.dataset.tag,
    own: { ...own, url: results.dataset.indexUrl },
    indexes,
    loaded: new Map(),
    runs: 0,
    typing: 0,
  };
}

/**
 * The JSON of an index file's bytes: UTF-8, or the encoding its first member names, as a whole
 * Cyrillic index has it (`{"encoding":"windows-1251",…`: src/search/encoding.rs).
 */
export function readJson(bytes) {
  const head = String.fromCharCode(...new Uint8Array(bytes).subarray(0, 64));
  const [, code = "utf-8"] = /^\{"encoding":"([\w-]+)"/.exec(head) || [];
  return JSON.parse(new TextDecoder(code).decode(bytes));
}

async function fetchJson(url) {
  const r = await fetch(url, { credentials: "same-origin" });
  if (!r.ok) throw new Error(`${url}: ${r.status}`);
  return readJson(await r.arrayBuffer());
}

/** The index at `meta.url`, opened once. */
export function load(ui, meta, normalise) {
  return once(ui.loaded, meta.url, () =>
    openIndex(meta.url, fetchJson, normalise.tokens).then((index) => ({ ...index, ...meta })));
}

async function run(ui) {
  const query = ui.input.value.trim();
  const run = ++ui.runs;
  if (query === "") {
    ui.results.replaceChildren();
    ui.empty.hidden = true;
    ui.status.textContent = "";
    return;
  }
  // The status line says only how a search ended, so it changes once per search (and a script
  // can wait for it); the results area shows that one is under way.
  ui.status.textContent = "";
  // Results already shown stay until the new ones replace them, so typing does not make the
  // page jump; the first search says that the index is loading.
  if (!ui.results.querySelector(".search-hits")) {
    ui.results.replaceChildren(el("p", "search-loading", ui.results.dataset.loading));
  }
  ui.results.setAttribute("aria-busy", "true");
  try {
    const normalise = await import(ui.results.dataset.normaliseUrl);
    const wanted = ui.all.checked ? [ui.own, ...ui.indexes.filter((x) => x.lang !== ui.own.lang)] : [ui.own];
    const entries = await Promise.all(wanted.map((meta) => load(ui, meta, normalise)));
    const hits = await searchAll(entries, query, normalise);
    if (run !== ui.runs) return;
    const batch = entries.some((e) => e.split) ? SPLIT_SHOWN : MAX_SHOWN;
    await render(ui, run, hits, query, normalise, batch);
  } catch {
    if (run !== ui.runs) return;
    ui.results.replaceChildren();
    ui.status.textContent = ui.results.dataset.error;
  } finally {
    if (run === ui.runs) ui.results.removeAttribute("aria-busy");
  }
}

function remember(ui) {
  const params = new URLSearchParams();
  params.set("q", ui.input.value.trim());
  if (ui.all.checked) params.set("all", "1");
  history.replaceState(null, "", `${location.pathname}?${params}`);
}

function start(results) {
  const ui = setup(results);
  const params = new URLSearchParams(location.search);
  ui.input.value = params.get("q") || "";
  ui.all.checked = params.get("all") === "1";
  ui.form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(ui.typing);
    remember(ui);
    run(ui);
  });
  // Search as you type, once typing pauses; the status line (role="status") announces the count.
  ui.input.addEventListener("input", () => {
    clearTimeout(ui.typing);
    ui.typing = setTimeout(() => {
      remember(ui);
      run(ui);
    }, TYPING_DELAY);
  });
  ui.all.addEventListener("change", () => {
    remember(ui);
    if (ui.input.value.trim() !== "") run(ui);
  });
  ui.allButton.addEventListener("click", () => {
    ui.all.checked = true;
    remember(ui);
    run(ui);
    ui.input.focus();
  });
  if (ui.input.value.trim() !== "") run(ui);
}

if (typeof document !== "undefined") {
  const results = document.querySelector("[data-search-results]");
  if (results) start(results);
}
