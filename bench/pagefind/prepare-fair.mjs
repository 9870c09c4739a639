// Prepares the "fair" Pagefind copy of a built site: `node prepare-fair.mjs SITEDIR`.
//
// Maps invest-guide's own indexing marks onto Pagefind's, in place, in SITEDIR (a copy of the
// build, never the build itself):
//   - `<article data-index ...>` gets `data-pagefind-body`, but only on the pages that
//     invest-guide puts in its own index (the `u` entries of LANG/search/index.json), so that
//     Pagefind indexes the same pages and the same region of each page;
//   - every `data-index-ignore` element also gets `data-pagefind-ignore`.
// Pages without `data-pagefind-body` (the search page, the eligibility checker, 404, the root
// language chooser) are then left out by Pagefind itself, as they are left out of ours.

import fs from "node:fs/promises";
import path from "node:path";
import { readJson } from "../../builtin/theme/static/search.js";

const site = process.argv[2];
if (!site) {
  console.error("usage: node prepare-fair.mjs SITEDIR");
  process.exit(2);
}

const indexed = new Set();
for (const lang of ["zh", "en", "ru"]) {
  // UTF-8, or the encoding the file declares (a Russian index is in windows-1251).
  const index = readJson(await fs.readFile(path.join(site, lang, "search", "index.json")));
  for (const page of index.pages) indexed.add("/" + page.u);
}

async function* htmlFiles(dir) {
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* htmlFiles(p);
    else if (entry.name.endsWith(".html")) yield p;
  }
}

let bodies = 0;
let ignores = 0;
for await (const file of htmlFiles(site)) {
  const rel = "/" + path.relative(site, file).split(path.sep).join("/");
  const url = rel.endsWith("/index.html") ? rel.slice(0, -"index.html".length) : rel;
  let html = await fs.readFile(file, "utf8");
  const before = html;
  html = html.replace(/\sdata-index-ignore(?=[\s>])/g, (m) => {
    ignores++;
    return `${m} data-pagefind-ignore`;
  });
  if (indexed.has(url)) {
    html = html.replace(/<article data-index(?=[\s>])/g, (m) => {
      bodies++;
      return `${m} data-pagefind-body`;
    });
  }
  if (html !== before) await fs.writeFile(file, html);
}
console.log(`prepare-fair: data-pagefind-body on ${bodies} pages (of ${indexed.size} indexed by invest-guide), data-pagefind-ignore on ${ignores} elements`);
