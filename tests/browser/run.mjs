// Browser checks of a built site: `node run.mjs OUTDIR [--shots DIR]`.
//
// Serves OUTDIR on 127.0.0.1 with the headers of its `_headers` file (so the strict CSP is in
// force), drives Debian's Chromium through playwright-core and checks every page type in every
// language: axe-core (WCAG 2.0/2.1/2.2 A and AA, light and dark, 1280 and 320 px), CSP
// violations, requests to other origins, horizontal overflow at 320 px, the skip link and the
// keyboard path through the header, visible focus, headings, `lang` on other-language text,
// the language switcher, print styles, and the eligibility checker. Exits 1 with a list of
// failures. With --shots, also writes PNG screenshots of the main page types at 320, 768 and
// 1280 px into DIR.

import fs from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { chromium } from "playwright-core";
import { serve } from "./server.mjs";
import * as inpage from "./inpage.mjs";

const require = createRequire(import.meta.url);
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const LANGS = ["zh", "en", "ru"];
const ANSWERS = "#sector=manufacturing&total_usd=60000000&forms=hq&forms=ma";
const AXE_OPTIONS = {
  runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
  rules: { "target-size": { enabled: true } },
  resultTypes: ["violations"],
};
// After the full run (light, 1280 px), the rules whose outcome can change with the colour
// scheme, and with the layout at 320 px.
const AXE_COLOUR = { runOnly: { type: "rule", values: ["color-contrast", "link-in-text-block"] }, resultTypes: ["violations"] };
const AXE_LAYOUT = { runOnly: { type: "rule", values: ["target-size", "color-contrast", "scrollable-region-focusable", "meta-viewport"] }, resultTypes: ["violations"] };
const WORKERS = Number(process.env.BROWSER_WORKERS || 2);
const TIMING = !!process.env.BROWSER_TIMING;
const WIDE = { width: 1280, height: 900 };
const NARROW = { width: 320, height: 640 };

const argv = process.argv.slice(2);
const outDir = argv.find((a) => !a.startsWith("--") && argv[argv.indexOf(a) - 1] !== "--shots");
const shotsDir = argv.includes("--shots") ? argv[argv.indexOf("--shots") + 1] : null;
if (!outDir) {
  console.error("usage: node run.mjs OUTDIR [--shots DIR]");
  process.exit(2);
}

/** The pages to check: every page type in every language, plus the two language-less pages. */
function pages() {
  const list = [];
  for (const lang of LANGS) {
    const p = (name, rest, extra = {}) => list.push({ name: `${lang} ${name}`, lang, path: `/${lang}/${rest}`, ...extra });
    p("home", "", { headerOrder: true });
    p("policy", "policy/");
    p("growth poles", "growth-poles/");
    p("growth pole", "growth-poles/international-land-port/");
    p("bonded logistics center", "bonded-logistics-center/");
    p("measures", "measures/");
    p("measure", "measures/09-factor-guarantees/", { print: true });
    p("departments", "departments/");
    p("eligibility", "eligibility/", { checker: true, fragmentCheck: true, headerOrder: true });
    p("eligibility with answers", "eligibility/", { checker: true, hash: ANSWERS, print: true });
    p("search", "search/");
    const q = { zh: "保税", en: "bonded", ru: "бондовый" }[lang];
    p("search with a query", "search/", { query: `?q=${encodeURIComponent(q)}`, waitFor: "[data-search-status]:not(:empty)" });
    p("updates", "updates/");
    p("update", "updates/2023-10-13-plan-issued/");
    p("print edition", "print/", { print: true });
  }
  list.push({ name: "404", path: "/en/no-such-page/", status: 404, standalone: true });
  list.push({ name: "root", path: "/index.html", standalone: true });
  return list;
}

const failures = [];
const fail = (where, what) => failures.push([where, what]);

async function main() {
  const started = Date.now();
  const axeSource = await fs.readFile(require.resolve("axe-core/axe.min.js"), "utf8");
  const site = await serve(outDir);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const watchdog = setTimeout(() => {
    console.error("browser checks: timed out after 600 s");
    process.exit(1);
  }, 600_000);
  watchdog.unref();
  try {
    const jobs = [
      ...pages().map((spec) => [spec.name, (s) => checkPage(s, site, axeSource, spec)]),
      ["checker answers en", (s) => checkerAnswers(s, site, "en", "7 measures may apply")],
      ["checker answers zh", (s) => checkerAnswers(s, site, "zh", "可能适用的措施：7 项")],
      ["checker answers ru", (s) => checkerAnswers(s, site, "ru", "Могут подойти 7 мер")],
      ["checker typing", (s) => checkerTyping(s, site)],
      ...TYPING.map((spec) => [`checker typing ${spec.lang}`, (s) => checkerTypes(s, site, spec)]),
      ["checker conversion", (s) => checkerConversion(s, site)],
      ["checker query string", (s) => checkerQueryString(s, site)],
      ["checker bad value", (s) => checkerBadValue(s, site, axeSource)],
      ["checker prohibited", (s) => checkerProhibited(s, site)],
      ["checker conditional questions", (s) => checkerConditional(s, site)],
      ...NEW_PARAMS.map((spec) => [`checker link ${spec.name}`, (s) => checkerNewParams(s, site, axeSource, spec)]),
      ["search relevance", (s) => searchRelevance(s, site)],
      ["search as you type", (s) => searchTyping(s, site)],
      ["search box", (s) => searchBox(s, site, axeSource)],
      ["search elsewhere", (s) => searchElsewhere(s, site)],
      ["search did you mean", (s) => searchDidYouMean(s, site)],
      ...LANGS.map((lang) => [`print edition pdf ${lang}`, (s) => printPdf(s, site, lang)]),
    ];
    if (shotsDir) jobs.unshift(["screenshots", (s) => screenshots(s, site, shotsDir)]);
    // BROWSER_ONLY=regex runs only the jobs whose name matches (while working on the theme).
    const only = process.env.BROWSER_ONLY ? new RegExp(process.env.BROWSER_ONLY) : null;
    const queue = jobs.filter(([name]) => !only || only.test(name) || name === "screenshots").map(([, job]) => job);
    const total = queue.length;
    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        const session = await newSession(browser, site);
        for (let job = queue.shift(); job; job = queue.shift()) await job(session);
        await session.context.close();
      }),
    );
    if (!only || only.test("plain host")) {
      const plain = await serve(outDir, { headers: false });
      try {
        const session = await newSession(browser, plain);
        await plainHost(session, plain);
        await session.context.close();
      } finally {
        plain.server.close();
      }
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (failures.length) {
      console.error(`browser checks: ${failures.length} failure(s) in ${total} jobs (${seconds} s):`);
      // Grouped by page (the two workers interleave), in the order found within each page.
      const order = [...new Set(failures.map(([where]) => where))].sort();
      for (const where of order) {
        for (const [w, what] of failures) if (w === where) console.error(`  - ${where}: ${what}`);
      }
      process.exitCode = 1;
    } else {
      console.log(`browser checks: ${total} jobs passed (${seconds} s, Chromium ${browser.version()})`);
    }
  } finally {
    await browser.close();
    site.server.close();
  }
}

/**
 * One browser context and page per worker, reused from job to job: the page records CSP
 * violations, console errors, script errors and requests (those to another origin are failures,
 * and aborted), each charged to the job that is running.
 */
async function newSession(browser, site) {
  const context = await browser.newContext({ viewport: WIDE, colorScheme: "light", reducedMotion: "reduce" });
  context.setDefaultTimeout(15_000);
  await context.addInitScript(() => {
    window.__csp = window.__csp || [];
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__csp.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile || "?"}:${e.lineNumber})`);
    });
  });
  const local = (url) => url.startsWith(site.origin + "/") || /^(data|blob|about):/.test(url);
  await context.route((url) => !local(url.href), (route) => route.abort());
  const page = await context.newPage();
  const s = { context, page, where: "", log: { requests: [] } };
  page.on("request", (r) => {
    s.log.requests.push(r.url());
    if (!local(r.url())) fail(s.where, `request to another origin: ${r.url()}`);
  });
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    if (s.injecting && /Content Security Policy/.test(m.text())) return;
    if (/status of 404/.test(m.text()) && s.where.startsWith("404")) return;
    fail(s.where, `console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => fail(s.where, `script error: ${e.message}`));
  return s;
}

/** Readies the worker's page for the job `where`: a blank page, wide, light, screen media. */
async function use(s, where) {
  await s.page.goto("about:blank");
  await s.page.setViewportSize(WIDE);
  await s.page.emulateMedia({ colorScheme: "light", media: "screen" });
  s.where = where;
  s.log.requests = [];
  return s;
}

/**
 * Requests made since `before`, less the browser's own re-fetch of the page icon, which Chromium
 * repeats when a script changes the URL's fragment (and which carries no answers: `leaked`
 * checks every request for them).
 */
function formRequests(log, before) {
  return log.requests.slice(before).filter((u) => !/\/assets\/favicon\.[0-9a-f]+\.(svg|png)$/.test(new URL(u).pathname));
}

async function cspViolations(page, where) {
  const found = await page.evaluate(() => window.__csp || []);
  for (const v of found) fail(where, `CSP violation: ${v}`);
}

async function goto(page, site, spec) {
  const response = await page.goto(site.origin + spec.path + (spec.query || "") + (spec.hash || ""), { waitUntil: "load" });
  const want = spec.status || 200;
  if (response.status() !== want) fail(spec.name, `HTTP ${response.status()} for ${spec.path} (want ${want})`);
  if (spec.checker) await page.waitForSelector("[data-verdict]");
  if (spec.waitFor) await page.waitForSelector(spec.waitFor);
}

async function axe(page, where, axeSource, label, options = AXE_OPTIONS) {
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.evaluate(axeSource);
  const violations = await page.evaluate(
    (options) =>
      window.axe.run(document, options).then((r) =>
        r.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          nodes: v.nodes.map((n) => `${n.target.join(" ")}${n.failureSummary ? ` — ${n.failureSummary.split("\n").slice(1, 2).join(" ").trim()}` : ""}`),
        })),
      ),
    options,
  );
  for (const v of violations) {
    const nodes = v.nodes.slice(0, 4).join("; ") + (v.nodes.length > 4 ? `; … ${v.nodes.length - 4} more` : "");
    fail(where, `axe ${v.id} (${v.impact}, ${label}): ${v.help} — ${nodes}`);
  }
}

async function checkPage(s, site, axeSource, spec) {
  const where = spec.name;
  const t0 = Date.now();
  const { page } = await use(s, where);
  try {
    await goto(page, site, spec);
    await keyboard(page, spec);
    for (const p of await page.evaluate(inpage.focusProblems)) fail(where, `${p} (light)`);
    for (const p of await page.evaluate(inpage.headingProblems)) fail(where, p);
    for (const p of await page.evaluate(inpage.langProblems)) fail(where, p);
    if (!spec.standalone) await languageSwitcher(page, site, spec);
    await axe(page, where, axeSource, "light, 1280px");
    await page.emulateMedia({ colorScheme: "dark" });
    await axe(page, where, axeSource, "dark, 1280px", AXE_COLOUR);
    for (const p of await page.evaluate(inpage.focusProblems)) fail(where, `${p} (dark)`);
    await page.setViewportSize(NARROW);
    for (const p of await page.evaluate(inpage.overflowProblems)) fail(where, `${p} (dark)`);
    await page.emulateMedia({ colorScheme: "light" });
    for (const p of await page.evaluate(inpage.overflowProblems)) fail(where, p);
    await axe(page, where, axeSource, "light, 320px", AXE_LAYOUT);
    if (!spec.standalone) await phoneFirst(page, where);
    if (spec.print) {
      await page.emulateMedia({ media: "print" });
      for (const p of await page.evaluate(inpage.printProblems)) fail(where, p);
      await page.emulateMedia({ media: "screen" });
    }
    if (spec.fragmentCheck) await fragmentKept(page, where);
    await cspViolations(page, where);
    if (TIMING) console.log(`  ${where}: ${Date.now() - t0} ms`);
  } catch (e) {
    fail(where, `check aborted: ${e.message.split("\n")[0]}`);
  }
}

const PHONE = { width: 390, height: 844 };

/**
 * Phones first: at 1280 px the menu stands open with no button; at 390 px it folds behind one
 * button (a <details>, so no script is needed) that opens it, and the page's h1 starts within
 * the top 300 px.
 */
async function phoneFirst(page, where) {
  const state = () =>
    page.evaluate(() => {
      const fold = document.querySelector(".main-nav details");
      const link = document.querySelector(".main-nav a");
      return {
        fold: !!fold,
        open: !!fold?.open,
        button: !!fold?.querySelector("summary")?.checkVisibility(),
        links: !!link?.checkVisibility(),
        h1: (document.querySelector("h1")?.getBoundingClientRect().top ?? -1 - scrollY) + scrollY,
      };
    });
  await page.setViewportSize(WIDE);
  let now = await state();
  if (!now.fold) return fail(where, "no folding menu (.main-nav details)");
  if (now.button || !now.links) fail(where, `at 1280 px the menu is not simply open (button shown: ${now.button}, links shown: ${now.links})`);
  await page.setViewportSize(PHONE);
  now = await state();
  if (now.open || !now.button || now.links) fail(where, `at 390 px the menu is not folded behind its button (open: ${now.open}, button: ${now.button}, links: ${now.links})`);
  if (now.h1 < 0 || now.h1 > 300) fail(where, `at 390 px the h1 starts ${Math.round(now.h1)} px down (want at most 300)`);
  await page.click(".main-nav summary");
  now = await state();
  if (!now.open || !now.links) fail(where, "at 390 px the menu button does not open the menu");
  await page.click(".main-nav summary");
  await page.setViewportSize(WIDE);
}

/**
 * The print edition as a PDF (A4, with the outline Chromium makes from the headings): more than
 * 10 pages, and every chapter's title is in its outline. The outline's titles are PDF strings,
 * literal `(…)` or UTF-16 hex `<FEFF…>`.
 */
async function printPdf(s, site, lang) {
  const where = `print edition pdf ${lang}`;
  const { page } = await use(s, where);
  try {
    await goto(page, site, { name: where, path: `/${lang}/print/` });
    const titles = await page.evaluate(() => [...document.querySelectorAll(".chapter")].map((c) => c.querySelector("h2").textContent.trim()));
    if (titles.length < 20) fail(where, `only ${titles.length} chapters`);
    await page.emulateMedia({ media: "print" });
    const pdf = await page.pdf({ format: "A4", outline: true, tagged: true });
    const text = pdf.toString("latin1");
    const pages = (text.match(/\/Type\s*\/Page[^s]/g) || []).length;
    if (pages <= 10) fail(where, `${pages} pages`);
    // Compared without white space: where a heading wraps, Chromium's outline drops the space.
    const bare = (t) => t.replace(/\s+/g, "");
    const outline = new Set(pdfStrings(text, /\/Title\s*/g).map(bare));
    const missing = titles.filter((t) => !outline.has(bare(t)));
    if (missing.length) fail(where, `chapter titles not in the PDF: ${missing.slice(0, 5).join(" | ")}${missing.length > 5 ? ` … ${missing.length - 5} more` : ""}`);
    await page.setViewportSize({ width: 816, height: 1056 });
    for (const p of await page.evaluate(inpage.printProblems)) fail(where, `${p} (Letter width)`);
    await cspViolations(page, where);
  } catch (e) {
    fail(where, `check aborted: ${e.message.split("\n")[0]}`);
  }
}

/** The PDF strings that follow each match of `key` in `text` (read as latin1). */
function pdfStrings(text, key) {
  const out = [];
  for (const m of text.matchAll(key)) {
    let i = m.index + m[0].length;
    if (text[i] === "<") {
      const hex = text.slice(i + 1, text.indexOf(">", i));
      const bytes = Buffer.from(hex, "hex");
      out.push(bytes[0] === 0xfe && bytes[1] === 0xff ? new TextDecoder("utf-16be").decode(bytes.subarray(2)) : bytes.toString("latin1"));
    } else if (text[i] === "(") {
      let depth = 0;
      let str = "";
      for (i++; i < text.length; i++) {
        const c = text[i];
        if (c === "\\") {
          const n = text[++i];
          const octal = /[0-7]/.test(n) ? text.slice(i).match(/^[0-7]{1,3}/)[0] : null;
          if (octal) {
            str += String.fromCharCode(parseInt(octal, 8));
            i += octal.length - 1;
          } else str += { n: "\n", r: "\r", t: "\t", b: "\b", f: "\f" }[n] ?? n;
        } else if (c === "(") {
          depth++;
          str += c;
        } else if (c === ")") {
          if (depth-- === 0) break;
          str += c;
        } else str += c;
      }
      const bytes = Buffer.from(str, "latin1");
      out.push(bytes[0] === 0xfe && bytes[1] === 0xff ? new TextDecoder("utf-16be").decode(bytes.subarray(2)) : str);
    }
  }
  return out;
}

/**
 * On a host that sends no headers, the policy in each page's <meta> alone is in force (an
 * injected inline script is blocked) and the site's own scripts, styles, search and checker
 * cause no violation.
 */
async function plainHost(s, plain) {
  // The 404 page's own status is logged as a console error; the other pages cover its policy.
  const specs = pages().filter((p) => (p.lang === "en" || p.path.endsWith("/print/") || p.standalone) && !p.status);
  for (const spec of specs) {
    const where = `plain host: ${spec.name}`;
    s.injecting = false;
    const { page } = await use(s, where);
    try {
      const response = await page.goto(plain.origin + spec.path + (spec.query || "") + (spec.hash || ""), { waitUntil: "load" });
      if (response.headers()["content-security-policy"]) fail(where, "the plain server sent a Content-Security-Policy header");
      if (spec.checker) await page.waitForSelector("[data-verdict]");
      if (spec.waitFor) await page.waitForSelector(spec.waitFor);
      await cspViolations(page, where);
      s.injecting = true;
      const blocked = await page.evaluate(async () => {
        window.__csp = [];
        const script = document.createElement("script");
        script.textContent = "window.__injected = true";
        document.head.append(script);
        await new Promise((r) => setTimeout(r, 50));
        const result = window.__injected !== true && window.__csp.some((v) => v.startsWith("script-src"));
        window.__csp = [];
        return result;
      });
      s.injecting = false;
      if (!blocked) fail(where, "an inline script ran: no policy is in force without the header");
    } catch (e) {
      fail(where, `check aborted: ${e.message.split("\n")[0]}`);
    }
  }
}

/** The switcher links to this very page in each language, marks the current one, and each target exists. */
async function languageSwitcher(page, site, spec) {
  const links = await page.evaluate(inpage.languageLinks);
  const rest = spec.path.replace(/^\/[a-z]+\//, "/");
  const codes = links.map((l) => new URL(l.href).pathname.split("/")[1]).sort();
  if (codes.join(",") !== [...LANGS].sort().join(",")) fail(spec.name, `language switcher links to ${codes.join(", ") || "nothing"}`);
  for (const l of links) {
    const url = new URL(l.href);
    const code = url.pathname.split("/")[1];
    if (url.origin !== site.origin || url.pathname !== `/${code}${rest}`) fail(spec.name, `language switcher: ${l.href} is not this page in ${code}`);
    if (!l.lang || l.lang !== l.hreflang) fail(spec.name, `language switcher: link to ${code} has lang="${l.lang}" hreflang="${l.hreflang}"`);
    if ((code === spec.lang) !== (l.current === "page")) fail(spec.name, `language switcher: aria-current on the wrong link (${code})`);
    if (code !== spec.lang) {
      const r = await fetch(site.origin + url.pathname, { method: "HEAD" });
      if (r.status !== 200) fail(spec.name, `language switcher: ${url.pathname} answers ${r.status}`);
    }
  }
}

/** On the checker: after the form changes, the other-language links carry the answers. */
async function fragmentKept(page, where) {
  await page.selectOption("#q-sector", "manufacturing");
  await page.check('input[name="forms"][value="hq"]');
  await page.waitForFunction(() => location.hash.includes("forms=hq"));
  const hash = await page.evaluate(() => location.hash);
  for (const l of await page.evaluate(inpage.languageLinks)) {
    if (new URL(l.href).hash !== hash) fail(where, `language switcher: ${l.href} lost the answers ${hash}`);
  }
}

/**
 * Keyboard, on a freshly loaded page: the first Tab lands on the skip link, which is then on
 * screen; (on home pages, where spec.headerOrder is set) Tab goes on through the header's
 * controls in order; the skip link's Enter moves focus to main, and the next Tab leaves the
 * header behind.
 */
async function keyboard(page, spec) {
  const where = spec.name;
  await page.keyboard.press("Tab");
  let f = await page.evaluate(inpage.focused);
  if (spec.standalone) {
    if (f.what === "body") fail(where, "Tab focuses nothing");
    return;
  }
  if (!f.skip) return fail(where, `the first Tab focuses ${f.what}, not the skip link`);
  if (!f.onScreen) fail(where, "the focused skip link is not fully on screen");
  if (spec.headerOrder) {
    await headerOrder(page, where);
    await page.focus(".skip-link");
  }
  await page.keyboard.press("Enter");
  f = await page.evaluate(inpage.focused);
  if (f.id !== "main") fail(where, `the skip link moves focus to ${f.what}, not to main`);
  await page.keyboard.press("Tab");
  f = await page.evaluate(inpage.focused);
  if (f.inHeader) fail(where, `Tab after the skip link lands in the header (${f.what})`);
}

/** From the skip link, Tab goes through the header's controls in order, each on screen. */
async function headerOrder(page, where) {
  await page.evaluate(() => {
    window.__focusOrder = [];
    document.addEventListener("focusin", (e) => window.__focusOrder.push(e.target));
  });
  for (let i = 0; i < 12; i++) await page.keyboard.press("Tab");
  const order = await page.evaluate(() =>
    window.__focusOrder.map((el) => {
      const r = el.getBoundingClientRect();
      const what = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${el.classList.length ? `.${[...el.classList].join(".")}` : ""}`;
      return { what, inHeader: !!el.closest("header"), onScreen: r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth };
    }),
  );
  const header = [];
  for (const o of order) {
    if (!o.inHeader) break;
    if (!o.onScreen) fail(where, `the focused ${o.what} in the header is not on screen`);
    header.push(o.what);
  }
  const start = header.slice(0, 3).join(" ");
  if (!/^a\.site-title input#site-search-q button/.test(start)) fail(where, `the header's tab order starts ${start}`);
  if (header.length < 11) fail(where, `only ${header.length} header controls reachable by Tab: ${header.join(", ")}`);
}

/** The page about a thing comes first (or in the top 3): queries in tests/browser/relevance.json. */
async function searchRelevance(s, site) {
  const where = "search relevance";
  const queries = JSON.parse(await fs.readFile(new URL("./relevance.json", import.meta.url), "utf8"));
  const { page } = await use(s, where);
  const ranks = [];
  for (const { lang, q, expect, top } of queries) {
    try {
      await goto(page, site, { name: where, path: `/${lang}/search/`, query: `?q=${encodeURIComponent(q)}`, waitFor: "[data-search-status]:not(:empty)" });
      const paths = await page.evaluate(() =>
        [...document.querySelectorAll("[data-search-results] a")].map((a) => new URL(a.href).pathname),
      );
      const rank = paths.indexOf(`/${lang}/${expect}`) + 1;
      ranks.push(rank);
      if (rank === 0 || rank > top) {
        fail(where, `${lang} "${q}": /${lang}/${expect} is ${rank ? `#${rank}` : "absent"}, want top ${top} (got ${paths.slice(0, 3).join(", ")})`);
      }
    } catch (e) {
      fail(where, `${lang} "${q}": ${e.message.split("\n")[0]}`);
    }
  }
  const within = (n) => ranks.filter((r) => r >= 1 && r <= n).length;
  const mrr = ranks.reduce((sum, r) => sum + (r ? 1 / r : 0), 0) / ranks.length;
  console.log(`  search relevance: ${ranks.length} queries, top-1 ${within(1)}, top-3 ${within(3)}, MRR ${mrr.toFixed(3)}`);
}

/** The search page searches what is typed, without a submit, and the page does not jump. */
async function searchTyping(s, site) {
  const where = "search as you type";
  const { page } = await use(s, where);
  try {
    await goto(page, site, { name: where, path: "/en/search/" });
    const input = page.locator("[data-search-form] input[name=q]");
    await input.click();
    await page.keyboard.type("bonded", { delay: 40 });
    await page.waitForSelector("[data-search-status]:not(:empty)");
    const first = await input.boundingBox();
    const paths = await page.evaluate(() =>
      [...document.querySelectorAll("[data-search-results] a")].map((a) => new URL(a.href).pathname),
    );
    if (!paths.includes("/en/bonded-logistics-center/")) fail(where, `"bonded" typed shows ${paths.slice(0, 3).join(", ") || "nothing"}`);
    const status = await page.evaluate(() => document.querySelector("[data-search-status]").getAttribute("role"));
    if (status !== "status") fail(where, `the result count is not in a polite live region (role=${status})`);
    if (!new URL(page.url()).search.includes("q=bonded")) fail(where, `the address does not hold the query: ${page.url()}`);
    // Typing more keeps the results in place while the next search runs.
    await page.keyboard.type(" logistics", { delay: 40 });
    await page.waitForFunction(() => new URL(location.href).searchParams.get("q") === "bonded logistics");
    await page.waitForSelector("[data-search-status]:not(:empty)");
    const after = await input.boundingBox();
    if (Math.abs(after.y - first.y) > 0.5) fail(where, `the search box moved from y=${first.y} to y=${after.y}`);
  } catch (e) {
    fail(where, e.message.split("\n")[0]);
  }
}

/**
 * The header's box on a measure page: nothing of search loads before it is used; a word start
 * typed shows results with links under the box, without moving the page, and a polite live
 * region announces the count; arrow keys reach the results, Escape closes them; axe and CSP
 * clean with the results open.
 */
async function searchBox(s, site, axeSource) {
  const where = "search box";
  const { page } = await use(s, where);
  try {
    await goto(page, site, { name: where, path: "/en/measures/08-promotion-methods/" });
    const searchFiles = () => s.log.requests.map((u) => new URL(u).pathname).filter((p) => /search|normalise/.test(p) && !/search-box\.[0-9a-f]+\.js$/.test(p));
    if (searchFiles().length > 0) fail(where, `loaded before the box was used: ${searchFiles().join(", ")}`);
    const heading = await page.locator("main h1").boundingBox();
    const input = page.locator("form.site-search input[name=q]");
    await input.click();
    await page.keyboard.type("investm", { delay: 40 });
    // The list follows the typing; wait for the word as typed in full.
    await page.waitForSelector('.search-box-panel:not([hidden]) a.search-box-all[href$="q=investm"]');
    const links = await page.evaluate(() =>
      [...document.querySelectorAll(".search-box-panel li a")].map((a) => new URL(a.href).pathname),
    );
    if (links.length === 0 || !links.every((p) => p.startsWith("/en/"))) fail(where, `"investm" shows ${links.join(", ") || "no result links"}`);
    if (!links.some((p) => p.startsWith("/en/measures/"))) fail(where, `"investm" shows no measure among ${links.join(", ")}`);
    const live = await page.evaluate(() => {
      const status = document.querySelector("form.site-search [role=status]");
      return status && [status.textContent, status.getAttribute("aria-live") || "polite (role=status)"];
    });
    const shown = Number((live?.[0] || "").match(/^(\d+) results?$/)?.[1]);
    if (!live || !(shown >= links.length)) fail(where, `the count is not announced politely: ${JSON.stringify(live)}`);
    const all = await page.evaluate(() => document.querySelector(".search-box-all")?.getAttribute("href"));
    if (all !== "/en/search/?q=investm") fail(where, `the link to all results is ${all}`);
    const after = await page.locator("main h1").boundingBox();
    if (Math.abs(after.y - heading.y) > 0.5) fail(where, `the page moved: h1 from y=${heading.y} to y=${after.y}`);
    const fetched = searchFiles().sort();
    const want = [/^\/en\/search\/$/, /^\/assets\/search\.[0-9a-f]+\.js$/, /^\/assets\/search-box-ui\.[0-9a-f]+\.js$/, /^\/assets\/search-box\.[0-9a-f]+\.css$/, /^\/assets\/normalise\.[0-9a-f]+\.js$/, /^\/en\/search\/index\.json$/];
    if (fetched.length !== want.length || !want.every((re) => fetched.some((p) => re.test(p)))) fail(where, `fetched ${fetched.join(", ")}`);
    await axe(page, where, axeSource, "results open, light, 1280px");
    await page.emulateMedia({ colorScheme: "dark" });
    await axe(page, where, axeSource, "results open, dark, 1280px", AXE_COLOUR);
    await page.emulateMedia({ colorScheme: "light" });
    await page.keyboard.press("ArrowDown");
    const focused = await page.evaluate(() => document.activeElement.closest(".search-box-panel") !== null);
    if (!focused) fail(where, "ArrowDown does not move into the results");
    await page.keyboard.press("Escape");
    const closed = await page.evaluate(() => ({
      hidden: document.querySelector(".search-box-panel").hidden,
      focus: document.activeElement.id,
    }));
    if (!closed.hidden || closed.focus !== "site-search-q") fail(where, `Escape leaves ${JSON.stringify(closed)}`);
    await cspViolations(page, where);
  } catch (e) {
    fail(where, e.message.split("\n")[0]);
  }
}

/** Nothing found in English, results in Russian: the count and a link that runs the search there. */
async function searchElsewhere(s, site) {
  const where = "search elsewhere";
  const { page } = await use(s, where);
  const q = "налоговые льготы";
  try {
    await goto(page, site, { name: where, path: "/en/search/", query: `?q=${encodeURIComponent(q)}`, waitFor: "[data-search-elsewhere]:not([hidden])" });
    const links = await page.evaluate(() =>
      [...document.querySelectorAll("[data-search-elsewhere] a")].map((a) => [a.textContent, new URL(a.href).pathname, new URL(a.href).searchParams.get("q")]),
    );
    const ru = links.find(([, path]) => path === "/ru/search/");
    if (!ru) fail(where, `no link to the Russian search: ${JSON.stringify(links)}`);
    else {
      if (ru[2] !== q) fail(where, `the Russian link searches ${ru[2]}`);
      if (!/^Same search in Русский: \d+ results?$/.test(ru[0])) fail(where, `the link reads ${ru[0]}`);
      await page.click("[data-search-elsewhere] a[href*='/ru/search/']");
      await page.waitForSelector("[data-search-status]:not(:empty)");
      const n = await page.evaluate(() => document.querySelectorAll("[data-search-results] a").length);
      if (n === 0) fail(where, "the Russian search page shows no results");
    }
  } catch (e) {
    fail(where, e.message.split("\n")[0]);
  }
}

/** Nothing found for a misspelt word: "Did you mean …" offers the index's word, and its link finds pages. */
async function searchDidYouMean(s, site) {
  const where = "search did you mean";
  const { page } = await use(s, where);
  try {
    await goto(page, site, { name: where, path: "/en/search/", query: "?q=logisitcs", waitFor: "[data-search-suggestion]:not([hidden])" });
    const [text, q] = await page.evaluate(() => {
      const p = document.querySelector("[data-search-suggestion]");
      return [p.textContent, new URL(p.querySelector("a").href).searchParams.get("q")];
    });
    if (text !== "Did you mean logistics?" || q !== "logistics") fail(where, `the suggestion reads ${text} (q=${q})`);
    await page.click("[data-search-suggestion] a");
    await page.waitForSelector("[data-search-status]:not(:empty)");
    const n = await page.evaluate(() => document.querySelectorAll("[data-search-results] a").length);
    if (n === 0) fail(where, "the suggested search finds nothing");
  } catch (e) {
    fail(where, e.message.split("\n")[0]);
  }
}

/** Shared-link answers show the right verdict, measures and benefit. */
const ma = { en: "Merger or acquisition", zh: "并购", ru: "Слияние или поглощение" };

async function checkerAnswers(s, site, lang, countText) {
  const where = `checker: ${lang} link with answers`;
  const { page, log } = await use(s, where);
  try {
    const since = site.log.length;
    await goto(page, site, { name: where, path: `/${lang}/eligibility/`, hash: ANSWERS, checker: true });
    await page.waitForLoadState("networkidle");
    // What reached the server (every target it saw, path and query): never the answers.
    const sent = { requests: site.log };
    for (const url of leaked(sent, since, ANSWERS.slice(1).split("&"))) fail(where, `a request carried the answers: ${url}`);
    const result = await page.evaluate(() => ({
      verdict: document.querySelector("[data-verdict]")?.dataset.verdict,
      measures: [...document.querySelectorAll("[data-eligibility-results] [data-measure]")].map((e) => e.dataset.measure),
      keyProject: !!document.querySelector('[data-eligibility-results] [data-benefit="key-project"]'),
      count: document.querySelector("[data-eligibility-results] h3")?.textContent,
      // Each measure and each benefit says why: its rule's reason text, not a missing key.
      unexplained: [...document.querySelectorAll("[data-eligibility-results] [data-measure], [data-eligibility-results] [data-benefit]")]
        .filter((e) => ![...e.querySelectorAll(".reason")].some((r) => r.textContent.trim() && !r.textContent.startsWith("elig-")))
        .map((e) => e.dataset.measure || e.dataset.benefit),
      headquarters: document.querySelector('[data-measure="4"] .because')?.textContent,
      // The link does not answer the Negative List question: each measure but 1 says it depends on it.
      depends: [...document.querySelectorAll("[data-eligibility-results] [data-measure]")]
        .filter((e) => !!e.querySelector('[data-depends="depends-on-negative-list"]')?.textContent.trim())
        .map((e) => e.dataset.measure),
    }));
    if (result.verdict !== "unknown") fail(where, `verdict ${result.verdict}, want unknown (no answer about the Negative List)`);
    if (result.depends.join(",") !== "4,5,9,11,12,13") fail(where, `measures marked as depending on the Negative List: ${result.depends.join(", ")}, want 4, 5, 9, 11, 12, 13`);
    if (result.unexplained.length) fail(where, `no reason shown for ${result.unexplained.join(", ")}`);
    // The answers that led to measure 4: the headquarters form, not the other forms chosen.
    if (!result.headquarters || result.headquarters.includes(ma[lang])) fail(where, `measure 4 credits the wrong answers: "${result.headquarters}"`);
    // Regression: the plural template for "other" once left a stray ".5" ("7.5 measures apply").
    if (result.count !== countText) fail(where, `count heading "${result.count}", want "${countText}"`);
    for (const n of ["1", "4", "5", "9", "11", "12", "13"]) {
      if (!result.measures.includes(n)) fail(where, `measure ${n} missing (shown: ${result.measures.join(", ")})`);
    }
    if (!result.keyProject) fail(where, 'no [data-benefit="key-project"]');
    await cspViolations(page, where);
  } catch (e) {
    fail(where, `check aborted: ${e.message.split("\n")[0]}`);
  }
}

/** Typing a Chinese amount updates the result, with no request while the form is used. */
async function checkerTyping(s, site) {
  const where = "checker: zh typing 5000万";
  const { page, log } = await use(s, where);
  try {
    await goto(page, site, { name: where, path: "/zh/eligibility/", checker: true });
    await page.waitForLoadState("networkidle");
    const before = log.requests.length;
    await page.click("#q-fixed_assets_cny");
    await page.keyboard.type("5000万");
    await page.waitForSelector('[data-measure="8"] [data-benefit="agent-reward"]', { timeout: 5000 }).catch(() => fail(where, 'measure 8 with [data-benefit="agent-reward"] not shown'));
    await page.selectOption("#q-location", "land-port");
    await page.check('input[name="trade"][value="ru"]');
    await page.check('input[name="negative_list"][value="none"]');
    await page.waitForTimeout(200);
    const during = formRequests(log, before);
    if (during.length) fail(where, `requests while the form was used: ${during.join(", ")}`);
    const hash = await page.evaluate(() => location.hash);
    if (!hash.includes("fixed_assets_cny=50000000")) fail(where, `the link does not hold the amount: ${hash}`);
    for (const l of await page.evaluate(inpage.languageLinks)) {
      if (new URL(l.href).hash !== hash) fail(where, `language switcher: ${l.href} lost the answers ${hash}`);
    }
    await cspViolations(page, where);
  } catch (e) {
    fail(where, `check aborted: ${e.message.split("\n")[0]}`);
  }
}

/**
 * Amounts typed as people type them, per language: each step types into a field (replacing what
 * was there) and then expects the field's echo (`echo`), its error (`error`), and result hooks
 * to be present (`shown`) or absent (`absent`). The texts are what a reader of that language
 * must see, written here by hand.
 */
const TYPING = [
  {
    lang: "en",
    steps: [
      { field: "total_usd", type: "US$50 million", echo: "Read as $50,000,000", absent: ['[data-benefit="land-energy"]'] },
      { field: "paid_in_usd", type: "9,999,999", echo: "Read as $9,999,999", near: "$10,000,000" },
      { field: "paid_in_usd", type: "10M", echo: "Read as $10,000,000", shown: ['[data-measure="9"] [data-benefit="land-energy"]'] },
      { field: "fixed_assets_cny", type: "1,500", echo: "Read as CN¥1,500: on this page a comma separates thousands", absent: ['[data-measure="8"]'] },
      { field: "fixed_assets_cny", type: "fifty", error: "Write a number", absent: ['[data-measure="8"]'] },
    ],
    hash: ["total_usd=50000000", "paid_in_usd=10000000"],
  },
  {
    lang: "ru",
    steps: [
      { field: "total_usd", type: "50 млн", echo: "Распознано как 50\u00a0000\u00a0000\u00a0$" },
      { field: "paid_in_usd", type: "10\u00a0000\u00a0000", echo: "Распознано как 10\u00a0000\u00a0000\u00a0$", shown: ['[data-measure="9"] [data-benefit="land-energy"]'] },
      { field: "fixed_assets_cny", type: "-5", error: "Сумма не может быть отрицательной", absent: ['[data-measure="8"]'] },
      { field: "fixed_assets_cny", type: "1,500", echo: "Распознано как 2\u00a0CN¥: на этой странице запятая отделяет дробную часть" },
      { field: "fixed_assets_cny", type: "５０００万", echo: "Распознано как 50\u00a0000\u00a0000\u00a0CN¥", shown: ['[data-measure="8"] [data-benefit="agent-reward"]'] },
    ],
    hash: ["total_usd=50000000", "paid_in_usd=10000000", "fixed_assets_cny=50000000"],
  },
  {
    lang: "zh",
    steps: [
      { field: "total_usd", type: "0.5亿", echo: "识别为 US$50,000,000" },
      { field: "paid_in_usd", type: "１０００万", echo: "识别为 US$10,000,000", shown: ['[data-measure="9"] [data-benefit="land-energy"]'] },
      { field: "fixed_assets_cny", type: "4999万", echo: "识别为 ¥49,990,000", absent: ['[data-measure="8"]'], near: "¥50,000,000" },
      { field: "fixed_assets_cny", type: "1,500", echo: "按 ¥1,500 理解：本页以逗号分隔千位" },
      { field: "fixed_assets_cny", type: "五千万", error: "请输入数字" },
    ],
    hash: ["total_usd=50000000", "paid_in_usd=10000000"],
  },
];

/** Fills a field as a person would: select what is there, type over it. */
async function typeInto(page, field, text) {
  await page.click(`#q-${field}`, { clickCount: 3 });
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Backspace");
  await page.keyboard.insertText(text);
}

/** The requests since `since` that carried an answer: a `name=value` pair, or a figure typed. */
function leaked(log, since, pairs) {
  const words = pairs.flatMap((p) => [p, ...p.split("=").slice(1).filter((v) => /^\d{5,}$/.test(v))]);
  return log.requests.slice(since).filter((url) => words.some((w) => decodeURIComponent(url).includes(w)));
}

async function checkerTypes(s, site, spec) {
  const where = `checker: ${spec.lang} typing amounts`;
  const { page, log } = await use(s, where);
  try {
    await goto(page, site, { name: where, path: `/${spec.lang}/eligibility/`, checker: true });
    await page.waitForLoadState("networkidle");
    const before = log.requests.length;
    for (const step of spec.steps) {
      const what = `"${step.type}" in ${step.field}`;
      await typeInto(page, step.field, step.type);
      await page.waitForTimeout(50);
      const seen = await page.evaluate(({ field, hooks }) => {
        const error = document.querySelector(`[data-error-for="${field}"]`);
        return {
          echo: document.querySelector(`[data-echo-for="${field}"]`).textContent,
          error: error.textContent,
          errorLive: error.getAttribute("aria-live"),
          invalid: document.getElementById(`q-${field}`).getAttribute("aria-invalid"),
          nearMiss: [...document.querySelectorAll(".near-miss")].map((p) => p.textContent).join(" | "),
          hooks: Object.fromEntries(hooks.map((h) => [h, !!document.querySelector(`[data-eligibility-results] ${h}`)])),
        };
      }, { field: step.field, hooks: [...(step.shown || []), ...(step.absent || [])] });
      if (step.echo && !seen.echo.startsWith(step.echo)) fail(where, `${what}: echo "${seen.echo}", want "${step.echo}…"`);
      if (step.error) {
        if (!seen.error.includes(step.error)) fail(where, `${what}: error "${seen.error}", want "${step.error}…"`);
        if (seen.invalid !== "true") fail(where, `${what}: field not aria-invalid`);
        if (!seen.errorLive) fail(where, `${what}: the error is not announced (no aria-live)`);
      } else if (seen.error) {
        fail(where, `${what}: unexpected error "${seen.error}"`);
      }
      if (step.near && !seen.nearMiss.includes(step.near)) fail(where, `${what}: no near miss naming ${step.near} (got "${seen.nearMiss}")`);
      for (const h of step.shown || []) if (!seen.hooks[h]) fail(where, `${what}: ${h} not shown`);
      for (const h of step.absent || []) if (seen.hooks[h]) fail(where, `${what}: ${h} shown`);
    }
    const hash = await page.evaluate(() => location.hash);
    for (const part of spec.hash) if (!hash.includes(part)) fail(where, `the link ${hash} lacks ${part}`);
    for (const url of leaked(log, before, spec.hash)) fail(where, `a request carried the answers: ${url}`);
    for (const url of leaked({ requests: site.log }, 0, spec.hash)) fail(where, `the server saw the answers: ${url}`);
    if (formRequests(log, before).length) fail(where, `requests while the form was used: ${formRequests(log, before).join(", ")}`);
    await cspViolations(page, where);
  } catch (e) {
    fail(where, `check aborted: ${e.message.split("\n")[0]}`);
  }
}

/**
 * The conversion path, with a rate the test itself puts into the rules the page loads (the
 * guide has none: the plan gives no rate). 7.1 and the date are test values, not content.
 */
async function checkerConversion(s, site) {
  const where = "checker: en amount in the other currency, converted";
  const { page, log } = await use(s, where);
  const rules = /\/eligibility-rules\.[0-9a-f]+\.json$/;
  await page.route(rules, async (route) => {
    const response = await route.fetch();
    const json = await response.json();
    json.conversion = { cny_per_usd: 7.1, date: "2000-01-02" };
    await route.fulfill({ response, json });
  });
  try {
    await goto(page, site, { name: where, path: "/en/eligibility/", checker: true });
    await page.waitForLoadState("networkidle");
    const before = log.requests.length;
    await typeInto(page, "total_usd", "¥355M");
    await page.waitForTimeout(50);
    const echo = await page.textContent('[data-echo-for="total_usd"]');
    const want = "CN¥355,000,000 converted at 7.1 yuan per US dollar (rate of 2000-01-02): $50,000,000";
    if (echo !== want) fail(where, `echo "${echo}", want "${want}"`);
    await typeInto(page, "paid_in_usd", "10M");
    await page.waitForSelector('[data-benefit="land-energy"]', { timeout: 5000 }).catch(() => fail(where, "the converted total did not qualify for land-energy"));
    const hash = await page.evaluate(() => location.hash);
    if (!hash.includes("total_usd=50000000")) fail(where, `the link holds ${hash}, want total_usd=50000000`);
    if (formRequests(log, before).length) fail(where, `requests while the form was used: ${formRequests(log, before).join(", ")}`);
  } catch (e) {
    fail(where, `check aborted: ${e.message.split("\n")[0]}`);
  } finally {
    await page.unroute(rules);
  }
}

/** A link typed with the answers in its query string works, and the answers move to the fragment. */
async function checkerQueryString(s, site) {
  const where = "checker: en answers in the query string";
  const { page } = await use(s, where);
  try {
    await goto(page, site, { name: where, path: "/en/eligibility/", query: `?${ANSWERS.slice(1)}&utm_source=x`, checker: true });
    const seen = await page.evaluate(() => ({
      measures: [...document.querySelectorAll("[data-eligibility-results] [data-measure]")].map((e) => e.dataset.measure),
      search: location.search,
      hash: location.hash,
    }));
    if (!seen.measures.includes("4") || !seen.measures.includes("5")) fail(where, `measures ${seen.measures.join(", ")}: the answers were not read`);
    if (seen.search !== "") fail(where, `the query string stays in the address: ${seen.search}`);
    for (const part of ANSWERS.slice(1).split("&")) if (!seen.hash.includes(part)) fail(where, `the fragment ${seen.hash} lacks ${part}`);
    if (seen.hash.includes("utm_source")) fail(where, `an unknown parameter was kept: ${seen.hash}`);
  } catch (e) {
    fail(where, `check aborted: ${e.message.split("\n")[0]}`);
  }
}

/** A bad value in a shared link is shown at its field, and the page stays accessible. */
async function checkerBadValue(s, site, axeSource) {
  const where = "checker: en link with negative_list=bogus";
  const { page } = await use(s, where);
  try {
    await goto(page, site, { name: where, path: "/en/eligibility/", hash: "#negative_list=bogus&sector=energy", checker: true });
    const error = await page.evaluate(() => {
      const e = document.querySelector('[data-error-for="negative_list"]');
      const field = e && e.closest("fieldset");
      return { text: e ? e.textContent.trim() : "", visible: !!e && e.checkVisibility(), invalid: field && field.getAttribute("aria-invalid") };
    });
    if (!error.text || !error.visible) fail(where, "no visible error at the negative_list field");
    if (!error.text.includes("bogus")) fail(where, `the error does not name the bad value: "${error.text}"`);
    if (error.invalid !== "true") fail(where, `the negative_list fieldset is not aria-invalid (${error.invalid})`);
    await axe(page, where, axeSource, "light, 1280px");
    await cspViolations(page, where);
  } catch (e) {
    fail(where, `check aborted: ${e.message.split("\n")[0]}`);
  }
}

/** A prohibited project is told only about the Negative List. */
async function checkerProhibited(s, site) {
  const where = "checker: en negative_list=prohibited";
  const { page } = await use(s, where);
  try {
    await goto(page, site, { name: where, path: "/en/eligibility/", hash: "#negative_list=prohibited&sector=manufacturing&forms=hq&total_usd=60000000", checker: true });
    const shown = await page.evaluate(() => ({
      verdict: document.querySelector("[data-verdict]")?.dataset.verdict,
      measures: [...document.querySelectorAll("[data-eligibility-results] [data-measure]")].map((e) => e.dataset.measure),
    }));
    if (shown.verdict !== "prohibited") fail(where, `verdict ${shown.verdict}, want prohibited`);
    if (shown.measures.join(",") !== "1") fail(where, `measures ${shown.measures.join(", ")}, want only 1`);
    await cspViolations(page, where);
  } catch (e) {
    fail(where, `check aborted: ${e.message.split("\n")[0]}`);
  }
}

/** `hq_kind` is asked only for a headquarters, `manufacturing` only outside the manufacturing sector. */
async function checkerConditional(s, site) {
  const where = "checker: en questions asked only when they matter";
  const { page } = await use(s, where);
  const shown = (name) => page.evaluate((n) => document.querySelector(`[data-error-for="${n}"]`).closest(".question").checkVisibility(), name);
  const expect = async (name, want, when) => {
    if ((await shown(name)) !== want) fail(where, `${name} ${want ? "hidden" : "shown"} ${when}`);
  };
  try {
    await goto(page, site, { name: where, path: "/en/eligibility/", checker: true });
    await expect("hq_kind", false, "before headquarters is ticked");
    await expect("manufacturing", true, "with no sector chosen");
    await page.check('input[name="forms"][value="hq"]');
    await expect("hq_kind", true, "with headquarters ticked");
    await page.check('input[name="hq_kind"][value="regional"]');
    await page.waitForFunction(() => location.hash.includes("hq_kind=regional"));
    await page.uncheck('input[name="forms"][value="hq"]');
    await expect("hq_kind", false, "after headquarters is unticked");
    const hash = await page.evaluate(() => location.hash);
    if (hash.includes("hq_kind")) fail(where, `the link keeps the answer to a question no longer asked: ${hash}`);
    await page.selectOption("#q-sector", "manufacturing");
    await expect("manufacturing", false, "with sector manufacturing");
    await page.selectOption("#q-sector", "agrifood");
    await expect("manufacturing", true, "with sector agrifood");
    await cspViolations(page, where);
  } catch (e) {
    fail(where, `check aborted: ${e.message.split("\n")[0]}`);
  }
}

/**
 * Links with the new parameters: the verdict, measures and benefits the rule table calls for
 * (worked out by hand from DESIGN.md), and the form showing the answers.
 */
const NEW_PARAMS = [
  {
    name: "regional headquarters, manufacturing in the energy sector",
    lang: "en",
    hash: "#negative_list=none&sector=energy&manufacturing=yes&total_usd=30000000&forms=hq&hq_kind=regional&fortune500=yes",
    verdict: "permitted",
    measures: "1,2,4,9,10,11,12,13",
    benefits: ["key-project", "fortune500"],
    undefined: ["newly-attracted", "relevant-conditions"],
    checked: ['input[name="hq_kind"][value="regional"]', 'input[name="manufacturing"][value="yes"]'],
    axe: true,
  },
  {
    name: "national headquarters, not manufacturing",
    lang: "zh",
    hash: "#negative_list=restricted&sector=agrifood&manufacturing=no&total_usd=30000000&forms=hq&hq_kind=national&fortune500=yes",
    verdict: "restricted",
    measures: "1,2,4,11,12,13",
    benefits: [],
    absent: ['[data-benefit="fortune500"]', '[data-benefit="key-project"]'],
    checked: ['input[name="hq_kind"][value="national"]', 'input[name="manufacturing"][value="no"]'],
  },
  {
    name: "reinvested profits alone, Negative List unanswered",
    lang: "ru",
    hash: "#forms=reinvest&fixed_assets_cny=50000000&encouraged=yes",
    verdict: "unknown",
    measures: "1,3,10,11,12,13",
    benefits: ["tax-deferral", "special-funds"],
    undefined: ["industrial-policy", "large-investment"],
    absent: ['[data-measure="8"]'],
    depends: true,
  },
  {
    name: "bad headquarters kind",
    lang: "en",
    hash: "#forms=hq&hq_kind=global",
    verdict: "unknown",
    measures: "1,4,11,12,13",
    benefits: [],
    error: ["hq_kind", "global"],
    depends: true,
  },
];

async function checkerNewParams(s, site, axeSource, spec) {
  const where = `checker: ${spec.lang} link, ${spec.name}`;
  const { page } = await use(s, where);
  try {
    await goto(page, site, { name: where, path: `/${spec.lang}/eligibility/`, hash: spec.hash, checker: true });
    const seen = await page.evaluate((spec) => {
      const results = document.querySelector("[data-eligibility-results]");
      const text = (el) => (el ? el.textContent.trim() : "");
      return {
        verdict: results.querySelector("[data-verdict]")?.dataset.verdict,
        measures: [...results.querySelectorAll("[data-measure]")].map((e) => e.dataset.measure).join(","),
        benefits: [...results.querySelectorAll("[data-benefit]")].map((e) => e.dataset.benefit),
        absent: (spec.absent || []).filter((sel) => results.querySelector(sel)),
        unchecked: (spec.checked || []).filter((sel) => !document.querySelector(sel).checked),
        undefined: [...results.querySelectorAll("[data-undefined]")].filter((e) => text(e)).map((e) => e.dataset.undefined),
        ask: [...results.querySelectorAll(".departments-ask")].map(text),
        depends: [...results.querySelectorAll("[data-measure]")].filter((e) => e.querySelector("[data-depends]")).map((e) => e.dataset.measure).join(","),
        error: spec.error ? text(document.querySelector(`[data-error-for="${spec.error[0]}"]`)) : "",
      };
    }, spec);
    if (seen.verdict !== spec.verdict) fail(where, `verdict ${seen.verdict}, want ${spec.verdict}`);
    if (seen.measures !== spec.measures) fail(where, `measures ${seen.measures}, want ${spec.measures}`);
    for (const b of spec.benefits) if (!seen.benefits.includes(b)) fail(where, `no [data-benefit="${b}"] (shown: ${seen.benefits.join(", ")})`);
    for (const sel of seen.absent) fail(where, `${sel} shown`);
    for (const sel of seen.unchecked) fail(where, `${sel} not checked from the link`);
    for (const term of spec.undefined || []) if (!seen.undefined.includes(term)) fail(where, `no note that the plan does not define ${term}`);
    // Where a condition is undefined, the result names departments to ask.
    if ((spec.undefined || []).length && !seen.ask.some((t) => t.length > 20)) fail(where, "no departments named to ask about the undefined conditions");
    const depends = spec.depends ? spec.measures.split(",").filter((m) => m !== "1").join(",") : "";
    if (seen.depends !== depends) fail(where, `measures marked as depending on the Negative List: "${seen.depends}", want "${depends}"`);
    if (spec.error && !seen.error.includes(spec.error[1])) fail(where, `no error naming "${spec.error[1]}" at ${spec.error[0]}: "${seen.error}"`);
    if (spec.axe) await axe(page, where, axeSource, "light, 1280px");
    await cspViolations(page, where);
  } catch (e) {
    fail(where, `check aborted: ${e.message.split("\n")[0]}`);
  }
}

/** PNGs for a human: the main page types at three widths. */
async function screenshots(s, site, dir) {
  await fs.mkdir(dir, { recursive: true });
  const shots = [
    ["en-home", "/en/"],
    ["zh-home", "/zh/"],
    ["ru-measure", "/ru/measures/09-factor-guarantees/"],
    ["en-eligibility-answers", `/en/eligibility/${ANSWERS}`],
  ];
  const { page } = await use(s, "screenshots");
  try {
    for (const [name, url] of shots) {
      for (const width of [320, 768, 1280]) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto(site.origin + url, { waitUntil: "load" });
        if (url.includes("eligibility")) await page.waitForSelector("[data-verdict]");
        await page.screenshot({ path: path.join(dir, `${name}-${width}.png`), fullPage: true });
      }
    }
    await page.emulateMedia({ colorScheme: "dark" });
    await page.setViewportSize(WIDE);
    await page.goto(site.origin + "/en/", { waitUntil: "load" });
    await page.screenshot({ path: path.join(dir, "en-home-dark-1280.png"), fullPage: true });
    console.log(`browser checks: screenshots in ${dir}`);
  } catch (e) {
    fail("screenshots", e.message.split("\n")[0]);
  }
}

main().catch((e) => {
  console.error(`browser checks: ${e.stack || e}`);
  process.exit(1);
});
