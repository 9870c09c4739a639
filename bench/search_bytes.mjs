// What a cold first search costs: `node bench/search_bytes.mjs OUTDIR LANG:QUERY...`.
//
// Serves the built site OUTDIR on 127.0.0.1 (tests/browser/server.mjs), opens
// /LANG/search/?q=QUERY in Debian's Chromium (playwright-core from tests/browser/node_modules),
// each query in a fresh browser context so that nothing is cached, waits for the results, and
// prints every file the page fetched with its size as a static host would serve it compressed
// (gzip -9, here zlib level 9): the search page, its CSS and JavaScript, and the index files.
// Called by bench/search_bytes.sh; prints figures only.

import fs from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import zlib from "node:zlib";
import { serve } from "../tests/browser/server.mjs";

const require = createRequire(new URL("../tests/browser/package.json", import.meta.url));
const { chromium } = require("playwright-core");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

const [outDir, ...specs] = process.argv.slice(2);
if (!outDir || specs.length === 0 || specs.some((s) => !/^[a-z-]+:./.test(s))) {
  console.error("usage: node bench/search_bytes.mjs OUTDIR LANG:QUERY...");
  process.exit(2);
}

const kb = (n) => (n / 1024).toFixed(1);

/** Path → [raw bytes, gzip -9 bytes] of a file of the built site. */
async function sizes(urlPath) {
  let rel = decodeURIComponent(urlPath);
  if (rel.endsWith("/")) rel += "index.html";
  const bytes = await fs.readFile(path.join(outDir, rel));
  return [bytes.length, zlib.gzipSync(bytes, { level: 9 }).length];
}

/** What kind of file a path is, for the breakdown. */
function kind(urlPath) {
  if (/\/search\/terms\//.test(urlPath)) return "shard";
  if (/\/search\/pages\//.test(urlPath)) return "chunk";
  if (/\/search\/index\.json$/.test(urlPath)) return "index";
  return "page";
}

async function measure(browser, origin, spec) {
  const [lang, query] = [spec.slice(0, spec.indexOf(":")), spec.slice(spec.indexOf(":") + 1)];
  const context = await browser.newContext();
  const page = await context.newPage();
  const fetched = [];
  const missing = [];
  page.on("response", (r) => {
    const url = new URL(r.url());
    if (url.origin !== origin) return;
    (r.status() === 200 ? fetched : missing).push(url.pathname);
  });
  await page.goto(`${origin}/${lang}/search/?q=${encodeURIComponent(query)}`, { waitUntil: "load" });
  await page.waitForSelector("[data-search-status]:not(:empty)", { timeout: 60_000 });
  await page.waitForLoadState("networkidle");
  const shown = await page.evaluate(() => document.querySelectorAll("[data-search-results] li").length);
  const status = await page.evaluate(() => document.querySelector("[data-search-status]").textContent);
  await context.close();
  const totals = { page: [0, 0, 0], index: [0, 0, 0], shard: [0, 0, 0], chunk: [0, 0, 0] };
  for (const p of new Set(fetched)) {
    const [raw, gz] = await sizes(p);
    const t = totals[kind(p)];
    t[0]++;
    t[1] += raw;
    t[2] += gz;
  }
  return { lang, query, status, shown, totals, missing };
}

async function main() {
  const site = await serve(outDir);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const row = (...c) => console.log(c.map((x, i) => String(x).padEnd([5, 30, 8, 6, 6, 12, 12, 12, 12, 10][i] || 10)).join(" "));
  row("lang", "query", "results", "shown", "files", "page gz KB", "index gz KB", "shards", "chunks", "total gz KB");
  try {
    for (const spec of specs) {
      const m = await measure(browser, site.origin, spec);
      const t = m.totals;
      const files = t.page[0] + t.index[0] + t.shard[0] + t.chunk[0];
      const gz = t.page[2] + t.index[2] + t.shard[2] + t.chunk[2];
      const results = (m.status.match(/\d+/) || ["0"])[0];
      row(m.lang, m.query, results, m.shown, files, `${t.page[0]}: ${kb(t.page[2])}`, kb(t.index[2]),
        `${t.shard[0]}: ${kb(t.shard[2])}`, `${t.chunk[0]}: ${kb(t.chunk[2])}`, kb(gz));
      if (m.missing.length) console.log(`      (not found: ${m.missing.join(", ")})`);
    }
  } finally {
    await browser.close();
    site.server.close();
  }
}

main().catch((e) => {
  console.error(`search_bytes: ${e.stack || e}`);
  process.exit(1);
});
