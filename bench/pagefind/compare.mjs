// invest-guide's built-in search vs Pagefind on the same built site.
//
//   node bench/pagefind/compare.mjs [--queries FILE] [--ours DIR] [--pf NAME=DIR ...] [--json FILE]
//
// Defaults (PF_DIR=/tmp/pf unless set): --ours $PF_DIR/ours, --pf default=$PF_DIR/pagefind-site
// --pf fair=$PF_DIR/pagefind-fair
// (a setup whose folder is missing is skipped). See README.md for how the folders are made.
// --queries defaults to tests/browser/relevance.json (invest-guide's own regression set);
// bench/pagefind/blind.json is the independent set. Each entry: {lang, q, expect, top[, why]}.
//
// For each setup and language:
//   - relevance: every query of the query file; invest-guide through its own search
//     page (/LANG/search/?q=...), Pagefind through its JS API (pagefind.js: options, search,
//     data()) in a page of that language; the rank of the expected page in each.
//   - cold first-query bytes: the first query of the language in a fresh browser context, every
//     request the static server answered from page load to the first results, each counted at
//     its gzip -9 size (bodies already gzipped, as Pagefind's .pf_* files and wasm are, at their
//     stored size).
// Nothing is tuned: Pagefind runs with `options({})`, invest-guide as built.

import fs from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import zlib from "node:zlib";
import { createRequire } from "node:module";

const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const require = createRequire(path.join(REPO, "tests/browser/package.json"));
const { chromium } = require("playwright-core");
const { parseHeaders, TYPES } = await import(path.join(REPO, "tests/browser/server.mjs"));

const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const LANGS = ["zh", "en", "ru"];
const TOPN = 10; // results read per query (for the ranks shown); hits are counted at 1 and 3
const UI_FRAGMENTS = 5; // Pagefind's Default UI loads the first 5 results' fragments

// ---- arguments -------------------------------------------------------------------------------
const argv = process.argv.slice(2);
const opt = (name) => {
  const out = [];
  argv.forEach((a, i) => a === name && argv[i + 1] && out.push(argv[i + 1]));
  return out;
};
const PF_DIR = process.env.PF_DIR || "/tmp/pf";
const oursDir = opt("--ours")[0] || `${PF_DIR}/ours`;
const pfArgs = opt("--pf").length ? opt("--pf") : [`default=${PF_DIR}/pagefind-site`, `fair=${PF_DIR}/pagefind-fair`];
const jsonOut = opt("--json")[0];
const queriesFile = opt("--queries")[0] ? path.resolve(opt("--queries")[0]) : path.join(REPO, "tests/browser/relevance.json");
const queriesName = path.relative(REPO, queriesFile) || queriesFile;
const setups = [];
for (const a of pfArgs) {
  const [name, dir] = a.split("=");
  try {
    await fs.access(path.join(dir, "pagefind", "pagefind.js"));
    setups.push({ name, dir });
  } catch {
    console.error(`skipping Pagefind setup ${name}: no ${dir}/pagefind/pagefind.js`);
  }
}

// ---- a static server that logs what it sent --------------------------------------------------

/**
 * Serves `dir` as tests/browser/server.mjs does (the headers of its `_headers` file), and logs
 * {path, status, body} of every response. `wasm: true` adds `script-src 'self'
 * 'wasm-unsafe-eval'` to the CSP, which Pagefind needs to compile its WebAssembly.
 */
async function serve(dir, { wasm = false } = {}) {
  const root = path.resolve(dir);
  const blocks = parseHeaders(await fs.readFile(path.join(root, "_headers"), "utf8"));
  const log = [];
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    for (const b of blocks) {
      const hit = b.pattern.endsWith("*") ? url.pathname.startsWith(b.pattern.slice(0, -1)) : url.pathname === b.pattern;
      if (!hit) continue;
      for (const [n, v] of b.headers) {
        res.setHeader(n, wasm && n.toLowerCase() === "content-security-policy" ? `${v}; script-src 'self' 'wasm-unsafe-eval'` : v);
      }
    }
    let file = path.join(root, path.normalize(decodeURIComponent(url.pathname)));
    let status = 200;
    let body;
    try {
      if ((await fs.stat(file)).isDirectory()) file = path.join(file, "index.html");
      body = await fs.readFile(file);
    } catch {
      status = 404;
      file = path.join(root, "404.html");
      body = await fs.readFile(file);
    }
    log.push({ path: url.pathname, status, body });
    res.statusCode = status;
    res.setHeader("Content-Type", TYPES[path.extname(file)] || "application/octet-stream");
    res.setHeader("Content-Length", body.length);
    res.end(body);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { server, origin: `http://127.0.0.1:${server.address().port}`, log };
}

/** Bytes as a static host would send it: stored size if already gzipped, else gzip -9. */
const wire = (body) => (body[0] === 0x1f && body[1] === 0x8b ? body.length : zlib.gzipSync(body, { level: 9 }).length);
const kb = (n) => (n / 1024).toFixed(1);
const sum = (entries) => entries.reduce((t, e) => t + wire(e.body), 0);
/** The log without the favicon probe (the same for both tools, and not part of search). */
const snapshot = (log) => log.filter((e) => e.path !== "/favicon.ico").slice();

const norm = (u) => new URL(u, "http://x").pathname.replace(/index\.html$/, "");
const dedupe = (list) => [...new Set(list)];

// ---- invest-guide ----------------------------------------------------------------------------
async function oursQuery(page, origin, lang, q) {
  await page.goto(`${origin}/${lang}/search/?q=${encodeURIComponent(q)}`, { waitUntil: "load" });
  await page.waitForFunction(() => {
    const s = document.querySelector("[data-search-status]");
    const r = document.querySelector("[data-search-results]");
    return s && s.textContent.trim() && s.textContent !== r.dataset.loading;
  });
  return page.evaluate(() => [...document.querySelectorAll("[data-search-results] a")].map((a) => a.href));
}

// ---- Pagefind --------------------------------------------------------------------------------
/** A page of the language with invest-guide's own search script blocked (the host page only). */
async function pagefindPage(context, origin, lang) {
  await context.route(/\/assets\/.*\.js$/, (route) => route.abort());
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => m.type() === "error" && !/ERR_FAILED|net::/.test(m.text()) && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${origin}/${lang}/search/`, { waitUntil: "load" });
  return { page, errors };
}

/** Runs `q` through Pagefind's API; returns result count and the urls of results [from, to). */
function pagefindQuery(page, q, from = 0, to = TOPN) {
  return page.evaluate(
    async ([q, from, to]) => {
      if (!window.__pf) {
        window.__pf = await import("/pagefind/pagefind.js");
        await window.__pf.options({});
      }
      const r = await window.__pf.search(q);
      window.__last = r;
      const data = await Promise.all(r.results.slice(from, to).map((x) => x.data()));
      return { count: r.results.length, urls: data.map((d) => d.url) };
    },
    [q, from, to],
  );
}

/** Loads the fragments of results [from, to) of the last search (as a UI showing more would). */
function pagefindMore(page, from, to) {
  return page.evaluate(
    async ([from, to]) => (await Promise.all(window.__last.results.slice(from, to).map((x) => x.data()))).map((d) => d.url),
    [from, to],
  );
}

// ---- main ------------------------------------------------------------------------------------
const queries = JSON.parse(await fs.readFile(queriesFile, "utf8"));
const pfVersion = JSON.parse(await fs.readFile(path.join(setups[0]?.dir || oursDir, "pagefind", "pagefind-entry.json"), "utf8").catch(() => "{}")).version;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
const results = { pagefind: pfVersion, chromium: browser.version(), queries: queriesName, ours: {}, setups: {} };

const rankOf = (paths, lang, expect) => paths.indexOf(`/${lang}/${expect}`) + 1;

try {
  // invest-guide
  const ours = await serve(oursDir);
  {
    const context = await browser.newContext();
    const page = await context.newPage();
    const rel = [];
    for (const { lang, q, expect, top } of queries) {
      const paths = dedupe((await oursQuery(page, ours.origin, lang, q)).map(norm));
      rel.push({ lang, q, expect, top, rank: rankOf(paths, lang, expect), list: paths.slice(0, TOPN) });
    }
    await context.close();
    const cold = {};
    for (const lang of LANGS) {
      const first = queries.find((x) => x.lang === lang).q;
      const context = await browser.newContext();
      const page = await context.newPage();
      ours.log.length = 0;
      await oursQuery(page, ours.origin, lang, first);
      const files = snapshot(ours.log);
      cold[lang] = { q: first, bytes: sum(files), files: files.map((e) => ({ path: e.path, raw: e.body.length, wire: wire(e.body) })) };
      await context.close();
    }
    results.ours = { rel, cold };
  }
  ours.server.close();

  // Pagefind setups
  for (const setup of setups) {
    const site = await serve(setup.dir, { wasm: true });
    const out = { rel: [], cold: {}, csp: null };

    // Does Pagefind work under the site's own CSP (default-src 'self', no 'wasm-unsafe-eval')?
    {
      const strict = await serve(setup.dir);
      const context = await browser.newContext();
      const { page, errors } = await pagefindPage(context, strict.origin, "en");
      let outcome;
      try {
        const r = await pagefindQuery(page, "bonded", 0, 3);
        outcome = `works (${r.count} results)`;
      } catch (e) {
        outcome = `fails: ${e.message.split("\n")[0]}`;
      }
      out.csp = { outcome, errors: errors.slice(0, 3) };
      await context.close();
      strict.server.close();
    }

    for (const lang of LANGS) {
      const context = await browser.newContext();
      const { page, errors } = await pagefindPage(context, site.origin, lang);
      for (const { lang: l, q, expect, top } of queries.filter((x) => x.lang === lang)) {
        const r = await pagefindQuery(page, q);
        const paths = dedupe(r.urls.map(norm));
        out.rel.push({ lang: l, q, expect, top, rank: rankOf(paths, lang, expect), count: r.count, list: paths });
      }
      if (errors.length) out.errors = (out.errors || []).concat(errors);
      await context.close();

      // cold first query: host page (HTML + CSS) + everything Pagefind fetches for 3, then 5, results
      const first = queries.find((x) => x.lang === lang).q;
      const cold = await browser.newContext();
      site.log.length = 0;
      const { page: p } = await pagefindPage(cold, site.origin, lang);
      await pagefindQuery(p, first, 0, 3);
      const three = snapshot(site.log);
      await pagefindMore(p, 3, UI_FRAGMENTS);
      const five = snapshot(site.log);
      out.cold[lang] = {
        q: first,
        bytes3: sum(three),
        bytes5: sum(five),
        files: five.map((e) => ({ path: e.path, raw: e.body.length, wire: wire(e.body) })),
      };
      await cold.close();
    }
    // For reference: what Pagefind's Default UI would add on top of the API (not fetched above).
    const ui = {};
    for (const f of ["pagefind-ui.js", "pagefind-ui.css"]) ui[f] = wire(await fs.readFile(path.join(setup.dir, "pagefind", f)));
    out.defaultUi = ui;
    results.setups[setup.name] = out;
    site.server.close();
  }
} finally {
  await browser.close();
}

// ---- report ----------------------------------------------------------------------------------
const hits = (rel, lang) => {
  const r = rel.filter((x) => x.lang === lang);
  return {
    n: r.length,
    at1: r.filter((x) => x.rank === 1).length,
    at3: r.filter((x) => x.rank >= 1 && x.rank <= 3).length,
    pass: r.filter((x) => x.rank >= 1 && x.rank <= x.top).length,
  };
};
console.log(`Pagefind ${results.pagefind}, Chromium ${results.chromium}`);
console.log(`queries: ${queriesName} (${queries.length}); @1 = expected page first, @3 = in top 3, pass = rank <= the query's "top"`);
console.log(`cold KB = gzip -9 (stored size if already gzipped) of every response from page load to first results; Pagefind: host page HTML+CSS + pagefind.js, worker, wasm, entry, meta, index chunks, fragments of top 3 (top ${UI_FRAGMENTS})\n`);
for (const [name, s] of Object.entries(results.setups)) {
  console.log(`== Pagefind setup: ${name}   (under the site's own CSP: ${s.csp.outcome})`);
  console.log("lang  n   ours @1 @3 pass   pagefind @1 @3 pass   cold KB ours   cold KB pagefind top3 (top5)");
  const tot = { o: { n: 0, at1: 0, at3: 0, pass: 0 }, p: { n: 0, at1: 0, at3: 0, pass: 0 } };
  for (const lang of LANGS) {
    const o = hits(results.ours.rel, lang);
    const p = hits(s.rel, lang);
    for (const k of Object.keys(o)) (tot.o[k] += o[k]), (tot.p[k] += p[k]);
    const oc = results.ours.cold[lang].bytes;
    const pc = s.cold[lang];
    console.log(
      `${lang.padEnd(4)} ${String(o.n).padStart(2)}      ${String(o.at1).padStart(2)} ${String(o.at3).padStart(2)} ${String(o.pass).padStart(4)}            ${String(p.at1).padStart(2)} ${String(p.at3).padStart(2)} ${String(p.pass).padStart(4)}   ${kb(oc).padStart(12)}   ${kb(pc.bytes3).padStart(8)} (${kb(pc.bytes5)})`,
    );
  }
  console.log(`all  ${String(tot.o.n).padStart(2)}      ${String(tot.o.at1).padStart(2)} ${String(tot.o.at3).padStart(2)} ${String(tot.o.pass).padStart(4)}            ${String(tot.p.at1).padStart(2)} ${String(tot.p.at3).padStart(2)} ${String(tot.p.pass).padStart(4)}`);
  // Mean reciprocal rank: 1/rank of the expected page, 0 when not found, averaged.
  const mrr = (rel) => (rel.reduce((sum, x) => sum + (x.rank >= 1 ? 1 / x.rank : 0), 0) / rel.length).toFixed(3);
  console.log(`MRR: ours ${mrr(results.ours.rel)}, pagefind ${mrr(s.rel)}`);
  console.log(`Pagefind Default UI would add: ${Object.entries(s.defaultUi).map(([f, b]) => `${f} ${kb(b)} KB`).join(", ")}`);
  console.log(`\nqueries where the outcome differs (@1 or @3; rank of the expected page, 0 = not in the first ${TOPN}); < ours better, > Pagefind better:`);
  for (const o of results.ours.rel) {
    const p = s.rel.find((x) => x.lang === o.lang && x.q === o.q);
    const score = (r) => (r === 1 ? 2 : r >= 1 && r <= 3 ? 1 : 0);
    if (score(o.rank) === score(p.rank)) continue;
    const mark = score(o.rank) > score(p.rank) ? "<" : ">";
    console.log(`${mark} ${o.lang} "${o.q}" -> /${o.lang}/${o.expect} (top ${o.top}): ours #${o.rank}, pagefind #${p.rank} (${p.count} results)`);
    console.log(`    ours:     ${o.list.slice(0, 3).join("  ") || "(none)"}`);
    console.log(`    pagefind: ${p.list.slice(0, 3).join("  ") || "(none)"}`);
  }
  console.log(`\nqueries where either tool misses (expected page not within the query's "top"; rank 0 = not in the first ${TOPN}):`);
  for (const o of results.ours.rel) {
    const p = s.rel.find((x) => x.lang === o.lang && x.q === o.q);
    const ok = (r) => r >= 1 && r <= o.top;
    if (ok(o.rank) && ok(p.rank)) continue;
    const who = !ok(o.rank) && !ok(p.rank) ? "both" : ok(o.rank) ? "pagefind" : "ours";
    console.log(`  [${who} miss] ${o.lang} "${o.q}" -> /${o.lang}/${o.expect} (top ${o.top}): ours #${o.rank}, pagefind #${p.rank} (${p.count} results)`);
    console.log(`    ours:     ${o.list.slice(0, 3).join("  ") || "(none)"}`);
    console.log(`    pagefind: ${p.list.slice(0, 3).join("  ") || "(none)"}`);
  }
  if (s.errors) console.log(`page errors: ${[...new Set(s.errors)].slice(0, 5).join(" | ")}`);
  console.log("");
}
console.log("cold first-query files (wire bytes):");
for (const lang of LANGS) {
  const c = results.ours.cold[lang];
  console.log(`  ours ${lang} "${c.q}": ${c.files.map((f) => `${f.path} ${f.wire}`).join(", ")}`);
  for (const [name, s] of Object.entries(results.setups)) {
    const pc = s.cold[lang];
    console.log(`  pagefind/${name} ${lang}: ${pc.files.map((f) => `${f.path} ${f.wire}`).join(", ")}`);
  }
}
if (jsonOut) await fs.writeFile(jsonOut, JSON.stringify(results, null, 2));
