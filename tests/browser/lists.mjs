// List pages and tag pages in Chromium: `node lists.mjs OUTDIR`, where OUTDIR is the site
// tests/suite/lists.rs builds (a `news` section of 25 pages by 10, tags in three scripts).
//
// Serves OUTDIR as run.mjs does (server.mjs, CSP from `_headers`) and opens a section's first
// and later list pages, the tags' index, a tag's page and a tagged page in each language;
// checks each with axe-core (WCAG 2.x A and AA, light and dark, 1280 and 320 px), that no
// request leaves the site and no CSP violation, console or script error happens, and that the
// pager's "Next" link leads to the next list page.
// Exits 1 with a list of failures. Driven by tests/suite/lists.rs.

import fs from "node:fs/promises";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";
import { serve } from "./server.mjs";

const require = createRequire(import.meta.url);
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const AXE_OPTIONS = {
  runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
  rules: { "target-size": { enabled: true } },
  resultTypes: ["violations"],
};
const AXE_COLOUR = { runOnly: { type: "rule", values: ["color-contrast", "link-in-text-block"] }, resultTypes: ["violations"] };
const AXE_LAYOUT = { runOnly: { type: "rule", values: ["target-size", "color-contrast", "scrollable-region-focusable", "meta-viewport"] }, resultTypes: ["violations"] };

const outDir = process.argv[2];
if (!outDir) {
  console.error("usage: node lists.mjs OUTDIR");
  process.exit(2);
}

const failures = [];
const fail = (where, what) => failures.push(`${where}: ${what}`);

function pages() {
  const list = [];
  for (const lang of ["en", "zh", "ru"]) {
    list.push(`/${lang}/news/`, `/${lang}/news/page/2/`, `/${lang}/news/page/3/`, `/${lang}/tags/`);
    list.push(`/${lang}/tags/${encodeURIComponent("保税-物流")}/`, `/${lang}/tags/bonded-logistics/page/2/`, `/${lang}/news/item-01/`);
  }
  return list;
}

async function axe(page, where, axeSource, label, options = AXE_OPTIONS) {
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.evaluate(axeSource);
  const violations = await page.evaluate((o) => window.axe.run(document, o).then((r) => r.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)), options);
  for (const v of violations) fail(where, `axe (${label}) ${v}`);
}

async function check(browser, site, axeSource, path) {
  const where = decodeURIComponent(path);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: "light" });
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`));
  });
  const page = await context.newPage();
  page.on("request", (r) => {
    if (new URL(r.url()).origin !== site.origin) fail(where, `request to another origin: ${r.url()}`);
  });
  page.on("console", (m) => {
    if (m.type() === "error") fail(where, `console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => fail(where, `script error: ${e.message}`));
  try {
    const response = await page.goto(site.origin + path, { waitUntil: "load" });
    if (response.status() !== 200) fail(where, `status ${response.status()}`);
    await axe(page, where, axeSource, "light, 1280px");
    await page.emulateMedia({ colorScheme: "dark" });
    await axe(page, where, axeSource, "dark, 1280px", AXE_COLOUR);
    await page.setViewportSize({ width: 320, height: 640 });
    await page.emulateMedia({ colorScheme: "light" });
    await axe(page, where, axeSource, "light, 320px", AXE_LAYOUT);
    const next = page.locator("nav.list-pager a[rel=next]");
    if (path.endsWith("/news/") && (await next.count()) === 1) {
      await next.click();
      await page.waitForLoadState("load");
      if (!page.url().endsWith("/news/page/2/")) fail(where, `"Next" led to ${page.url()}`);
    } else if (path.endsWith("/news/")) {
      fail(where, "no Next link in the pager");
    }
    for (const v of await page.evaluate(() => window.__csp)) fail(where, `CSP violation: ${v}`);
  } finally {
    await context.close();
  }
}

async function main() {
  const axeSource = await fs.readFile(require.resolve("axe-core/axe.min.js"), "utf8");
  const site = await serve(outDir);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const list = pages();
  try {
    for (const path of list) await check(browser, site, axeSource, path);
  } finally {
    await browser.close();
    site.server.close();
  }
  if (failures.length) {
    console.error(`list page checks: ${failures.length} failure(s):`);
    for (const f of failures) console.error(`  - ${f}`);
    process.exitCode = 1;
  } else {
    console.log(`list page checks passed (${list.length} pages)`);
  }
}

main().catch((e) => {
  console.error(`list page checks: ${e.stack || e}`);
  process.exit(1);
});
