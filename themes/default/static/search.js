// Search page: reads ?q=, loads the language's index (all three with ?all=1) only when there is
// something to search, ranks pages exactly as src/search.rs does, and renders the results with
// DOM nodes. The ranking functions are exported for the Node test runner.

const TITLE = 1000;
const HEADING = 100;
const MAX_BODY = 20;
const MAX_COUNT = 15;
const MAX_SHOWN = 50;

/** Term → Map(section → weight), as `Postings::new` in src/search.rs builds it. */
export function buildPostings(index, tokens) {
  const terms = new Map();
  const sectionPage = [];
  const firstSection = [];
  const list = (term) => {
    let sections = terms.get(term);
    if (!sections) terms.set(term, (sections = new Map()));
    return sections;
  };
  index.pages.forEach((page, i) => {
    const first = sectionPage.length;
    firstSection.push(first);
    for (const t of tokens(page.t)) {
      const l = list(t);
      l.set(first, (l.get(first) || 0) | 1);
    }
    for (const [, heading, text] of page.s) {
      const sid = sectionPage.length;
      sectionPage.push(i);
      for (const t of tokens(heading)) {
        const l = list(t);
        l.set(sid, (l.get(sid) || 0) | 2);
      }
      for (const t of tokens(text)) {
        const l = list(t);
        const w = l.get(sid) || 0;
        if (w >> 2 < MAX_COUNT) l.set(sid, w + 4);
      }
    }
  });
  return { terms, sectionPage, firstSection };
}

const weight = (f) => (f.title ? TITLE : 0) + (f.heading ? HEADING : 0) + Math.min(f.count, MAX_BODY);

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
      if (all.length === 0 || all.some((f) => !f)) continue;
      best = Math.max(best, Math.min(...all.map(weight)));
      inTitle ||= all.every((f) => f.title);
    }
    if (best > 0) matched++;
    total += best;
    titled &&= inTitle || best === 0;
  }
  return [matched, total, titled];
}

function bestSection(index, page, first, scores) {
  let best = first;
  let bestScore = 0;
  for (let sid = first; sid < first + index.pages[page].s.length; sid++) {
    const s = scores.get(sid) || 0;
    if (s > bestScore) [best, bestScore] = [sid, s];
  }
  return best;
}

function link(index, page, section, titled) {
  const p = index.pages[page];
  const id = p.s[section][0];
  return titled || id === "" ? p.u : `${p.u}#${id}`;
}

const compare = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/** The pages matching `concepts`, best first: as `rank` in src/search.rs. */
export function rank(index, postings, concepts) {
  const pages = new Map();
  const sections = new Map();
  for (const term of new Set(concepts.flat(2))) {
    for (const [sid, w] of postings.terms.get(term) || []) {
      const page = postings.sectionPage[sid];
      if (!pages.has(page)) pages.set(page, new Map());
      const found = pages.get(page);
      if (!found.has(term)) found.set(term, { title: false, heading: false, count: 0 });
      const f = found.get(term);
      f.title ||= (w & 1) !== 0;
      f.heading ||= (w & 2) !== 0;
      f.count += w >> 2;
      sections.set(sid, (sections.get(sid) || 0) + (w & 2 ? HEADING : 0) + (w >> 2));
    }
  }
  const hits = [];
  for (const [page, found] of pages) {
    const [matched, score, titled] = scorePage(concepts, found);
    if (matched === 0) continue;
    const first = postings.firstSection[page];
    const section = bestSection(index, page, first, sections);
    hits.push({ url: link(index, page, section - first, titled), page, section, matched, score });
  }
  return hits.sort((a, b) =>
    b.matched - a.matched || b.score - a.score || compare(index.pages[a.page].u, index.pages[b.page].u));
}

/** Hits of several indexes (`[{ index, postings, ... }]`) merged, best first, each with its entry. */
export function searchAll(entries, text, normalise) {
  const hits = [];
  for (const entry of entries) {
    const concepts = normalise.parseQuery(text, entry.index.synonyms);
    for (const hit of rank(entry.index, entry.postings, concepts)) hits.push({ ...hit, entry, concepts });
  }
  const pageUrl = (hit) => hit.entry.index.pages[hit.page].u;
  return hits.sort((a, b) => b.matched - a.matched || b.score - a.score || compare(pageUrl(a), pageUrl(b)));
}

// ----- The page -----------------------------------------------------------------------------

const SNIPPET_BEFORE = 60;
const SNIPPET_LENGTH = 220;

function el(name, className, text) {
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

function item(hit, ui, normalise) {
  const { index } = hit.entry;
  const page = index.pages[hit.page];
  const section = page.s[hit.section - hit.entry.postings.firstSection[hit.page]];
  const li = el("li", "search-hit");
  li.lang = hit.entry.tag;
  const title = el("h2", "search-hit-title");
  const a = el("a", "", page.t);
  a.href = ui.basePath + hit.url;
  title.append(a);
  li.append(title);
  const where = [];
  if (ui.all.checked) where.push(hit.entry.name);
  if (page.p !== undefined) where.push(index.pages[page.p].t);
  if (hit.url.includes("#") && section[1]) where.push(section[1]);
  if (where.length > 0) li.append(el("p", "search-hit-section", where.join(" › ")));
  const text = section[2] || page.s[0][2];
  if (text) li.append(snippet(text, new Set(hit.concepts.flat(2)), normalise));
  return li;
}

function countText(ui, n) {
  const category = new Intl.PluralRules(ui.tag).select(n);
  const key = "count" + category[0].toUpperCase() + category.slice(1);
  return (ui.results.dataset[key] || ui.results.dataset.countOther).replace("{count}", String(n));
}

function render(ui, hits, query, normalise) {
  ui.results.replaceChildren();
  ui.empty.hidden = hits.length > 0;
  ui.allButton.hidden = ui.all.checked;
  if (hits.length === 0) {
    ui.status.textContent = ui.results.dataset.none.replace("{query}", query);
    return;
  }
  const ol = el("ol", "search-hits");
  for (const hit of hits.slice(0, MAX_SHOWN)) ol.append(item(hit, ui, normalise));
  ui.results.append(ol);
  ui.status.textContent = countText(ui, hits.length);
}

function setup(results) {
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
    allButton: document.querySelector("[data-search-all-button]"),
    basePath: results.dataset.basePath,
    tag: results.dataset.tag,
    own: { ...own, url: results.dataset.indexUrl },
    indexes,
    loaded: new Map(),
    runs: 0,
  };
}

/** The index at `meta.url` with its postings, fetched once. */
function load(ui, meta, normalise) {
  if (!ui.loaded.has(meta.url)) {
    const promise = fetch(meta.url, { credentials: "same-origin" })
      .then((r) => {
        if (!r.ok) throw new Error(`${meta.url}: ${r.status}`);
        return r.json();
      })
      .then((index) => ({ ...meta, index, postings: buildPostings(index, normalise.tokens) }));
    promise.catch(() => ui.loaded.delete(meta.url));
    ui.loaded.set(meta.url, promise);
  }
  return ui.loaded.get(meta.url);
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
  ui.status.textContent = ui.results.dataset.loading;
  try {
    const normalise = await import(ui.results.dataset.normaliseUrl);
    const wanted = ui.all.checked ? [ui.own, ...ui.indexes.filter((x) => x.lang !== ui.own.lang)] : [ui.own];
    const entries = await Promise.all(wanted.map((meta) => load(ui, meta, normalise)));
    if (run !== ui.runs) return;
    render(ui, searchAll(entries, query, normalise), query, normalise);
  } catch {
    if (run === ui.runs) ui.status.textContent = ui.results.dataset.error;
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
    remember(ui);
    run(ui);
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
