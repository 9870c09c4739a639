// The search page with split indexes: `node split.mjs OUTDIR`, where OUTDIR is the guide built
// with `search: { split_over: 0 }` (every language split).
//
// Serves OUTDIR as run.mjs does (server.mjs, CSP from `_headers`) and, each query in a fresh
// browser context so that nothing is cached, opens /LANG/search/?q=… in Chromium and checks: the
// expected first result; that the page fetched the manifest, exactly the term shards the query's
// terms hash to (computed here with search-split.js's own fnv1a32 and normalise.js) and exactly the
// page chunks of the results shown (ten), nothing else of the index; no CSP violation, console
// or script error. Then "More results" shows the next ten, fetching only their chunks, and
// moves focus to the first of them, on a page without axe-core violations; and ?all=1
// searches the other languages' split indexes.
// Exits 1 with a list of failures. Driven by tests/suite/search.rs.

import fs from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { chromium } from "playwright-core";
import { serve } from "./server.mjs";
import * as normalise from "../../builtin/theme/static/normalise.js";
import { fnv1a32 } from "../../builtin/theme/static/search-split.js";

const require = createRequire(import.meta.url);
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const SHOWN = 10;
const AXE_OPTIONS = {
  runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
  rules: { "target-size": { enabled: true } },
  resultTypes: ["violations"],
};

const outDir = process.argv[2];
if (!outDir) {
  console.error("usage: node split.mjs OUTDIR");
  process.exit(2);
}

const failures = [];
const fail = (where, what) => failures.push(`${where}: ${what}`);

/** A language's manifest and the page number of each result path (`/en/measures/`). */
async function splitIndex(lang) {
  const dir = path.join(outDir, lang, "search");
  const manifest = JSON.parse(await fs.readFile(path.join(dir, "index.json"), "utf8"));
  if (!manifest.split) throw new Error(`${lang}/search/index.json is not split`);
  const pageOf = new Map();
  for (let n = 0; n * manifest.split.chunk < manifest.split.pages; n++) {
    const records = JSON.parse(await fs.readFile(path.join(dir, "pages", `${n}.json`), "utf8"));
    records.forEach((r, i) => pageOf.set(`/${r.u}`, n * manifest.split.chunk + i));
  }
  return { manifest, pageOf };
}

const sorted = (xs) => [...new Set(xs)].sort();
const same = (a, b) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));

/** The index files `query` needs in `lang` to show the result paths `shown`. */
function wanted(lang, index, query, shown) {
  const { split } = index.manifest;
  const terms = [...new Set(normalise.parseQuery(query, index.manifest.synonyms).flat(2))];
  return {
    shards: terms.map((t) => `/${lang}/search/terms/${fnv1a32(t) % split.terms}.json`),
    chunks: shown.map((p) => `/${lang}/search/pages/${Math.floor(index.pageOf.get(p) / split.chunk)}.json`),
  };
}

/** A fresh context and page that records the requests of the site and every error. */
async function open(browser, site, where) {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`));
  });
  const page = await context.newPage();
  const requests = [];
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (url.origin === site.origin) requests.push(url.pathname);
    else fail(where, `request to another origin: ${r.url()}`);
  });
  page.on("console", (m) => {
    // Chromium asks for /favicon.ico on its own; the site has none.
    if (m.type() === "error" && !m.location().url.endsWith("/favicon.ico")) fail(where, `console error: ${m.text()} (${m.location().url})`);
  });
  page.on("pageerror", (e) => fail(where, `script error: ${e.message}`));
  return { context, page, requests };
}

async function results(page) {
  await page.waitForSelector("[data-search-status]:not(:empty)");
  return page.evaluate(() => [...document.querySelectorAll("[data-search-results] li h2 a")].map((a) => new URL(a.href).pathname));
}

/** Index files among `requests`: shards and chunks, of any language. */
const indexFiles = (requests, kind) => requests.filter((p) => p.includes(`/search/${kind}/`));

async function checkQuery(browser, site, indexes, { lang, q, first }) {
  const where = `${lang} "${q}"`;
  const { context, page, requests } = await open(browser, site, where);
  try {
    await page.goto(`${site.origin}/${lang}/search/?q=${encodeURIComponent(q)}`, { waitUntil: "load" });
    const shown = await results(page);
    if (shown[0] !== first) fail(where, `first result ${shown[0]}, want ${first}`);
    if (shown.length > SHOWN) fail(where, `${shown.length} results shown at once, want at most ${SHOWN}`);
    const want = wanted(lang, indexes[lang], q, shown);
    if (!requests.includes(`/${lang}/search/index.json`)) fail(where, "the manifest was not fetched");
    if (!same(indexFiles(requests, "terms"), want.shards)) fail(where, `shards fetched ${sorted(indexFiles(requests, "terms"))}, want ${sorted(want.shards)}`);
    if (!same(indexFiles(requests, "pages"), want.chunks)) fail(where, `chunks fetched ${sorted(indexFiles(requests, "pages"))}, want ${sorted(want.chunks)}`);
    const csp = await page.evaluate(() => window.__csp);
    for (const v of csp) fail(where, `CSP violation: ${v}`);
  } catch (e) {
    fail(where, `check aborted: ${e.message.split("\n")[0]}`);
  } finally {
    await context.close();
  }
}

async function checkMore(browser, site, indexes, lang, q) {
  const where = `${lang} "${q}": More results`;
  const { context, page, requests } = await open(browser, site, where);
  try {
    await page.goto(`${site.origin}/${lang}/search/?q=${encodeURIComponent(q)}`, { waitUntil: "load" });
    const before = await results(page);
    const total = Number((await page.textContent("[data-search-status]")).match(/\d+/)[0]);
    if (before.length !== SHOWN || total <= 2 * SHOWN) throw new Error(`${before.length} shown of ${total}: pick a query with more results`);
    await page.evaluate(await fs.readFile(require.resolve("axe-core/axe.min.js"), "utf8"));
    const violations = await page.evaluate((options) => window.axe.run(document, options).then((r) => r.violations.map((v) => `${v.id}: ${v.help}`)), AXE_OPTIONS);
    for (const v of violations) fail(where, `axe ${v}`);
    const chunksBefore = indexFiles(requests, "pages").length;
    await page.click("[data-search-results] button");
    await page.waitForFunction((n) => document.querySelectorAll("[data-search-results] li").length > n, SHOWN);
    const after = await results(page);
    if (after.length !== 2 * SHOWN) fail(where, `${after.length} results after one click, want ${2 * SHOWN}`);
    if (after.slice(0, SHOWN).join() !== before.join()) fail(where, "the first results changed");
    const focused = await page.evaluate(() => new URL(document.activeElement.href || location.href).pathname);
    if (focused !== after[SHOWN]) fail(where, `focus on ${focused}, want the first new result ${after[SHOWN]}`);
    const added = indexFiles(requests, "pages").slice(chunksBefore);
    const want = wanted(lang, indexes[lang], q, after.slice(SHOWN)).chunks;
    const had = wanted(lang, indexes[lang], q, before).chunks;
    if (!same(added, want.filter((c) => !had.includes(c)))) fail(where, `chunks fetched for the next results ${sorted(added)}, want ${sorted(want)} less those already fetched`);
  } catch (e) {
    fail(where, `check aborted: ${e.message.split("\n")[0]}`);
  } finally {
    await context.close();
  }
}

async function checkAll(browser, site) {
  const where = 'en "保税" in all languages';
  const { context, page, requests } = await open(browser, site, where);
  try {
    await page.goto(`${site.origin}/en/search/?q=${encodeURIComponent("保税")}&all=1`, { waitUntil: "load" });
    const shown = await results(page);
    if (shown[0] !== "/zh/bonded-logistics-center/") fail(where, `first result ${shown[0]}, want /zh/bonded-logistics-center/`);
    for (const lang of ["zh", "en", "ru"]) {
      if (!requests.some((p) => p.startsWith(`/${lang}/search/terms/`))) fail(where, `no shard of ${lang} fetched`);
    }
  } catch (e) {
    fail(where, `check aborted: ${e.message.split("\n")[0]}`);
  } finally {
    await context.close();
  }
}

async function main() {
  const indexes = {};
  for (const lang of ["zh", "en", "ru"]) indexes[lang] = await splitIndex(lang);
  const site = await serve(outDir);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  try {
    const queries = [
      { lang: "zh", q: "保税", first: "/zh/bonded-logistics-center/" },
      { lang: "en", q: "headquarters", first: "/en/measures/04-headquarters/" },
      { lang: "en", q: "land port", first: "/en/growth-poles/international-land-port/" },
      { lang: "ru", q: "штаб-квартира", first: "/ru/measures/04-headquarters/" },
    ];
    for (const spec of queries) await checkQuery(browser, site, indexes, spec);
    await checkMore(browser, site, indexes, "en", "investment");
    await checkAll(browser, site);
  } finally {
    await browser.close();
    site.server.close();
  }
  if (failures.length) {
    console.error(`split search checks: ${failures.length} failure(s):`);
    for (const f of failures) console.error(`  - ${f}`);
    process.exitCode = 1;
  } else {
    console.log("split search checks passed");
  }
}

main().catch((e) => {
  console.error(`split search checks: ${e.stack || e}`);
  process.exit(1);
});
