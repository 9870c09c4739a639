// The header's search box: loads nothing until the visitor focuses it or types in it, then
// reads the search page (the form's action) for its strings and scripts, and searches as you
// type with search.js (`box`). Without JavaScript, or until then, the form submits to the
// search page. Not on the search page itself, which has its own form.

const form = document.querySelector("form.site-search");
if (form && !document.querySelector("[data-search-results]")) {
  const input = form.querySelector("input[name=q]");
  let started = null;
  const begin = () => {
    started ||= (async () => {
      const r = await fetch(form.action, { credentials: "same-origin" });
      if (!r.ok) throw new Error(`${form.action}: ${r.status}`);
      // Parsed, not inserted: nothing of it runs or loads but what is picked below.
      const page = new DOMParser().parseFromString(await r.text(), "text/html");
      const results = page.querySelector("[data-search-results]");
      const at = (url) => new URL(url, form.action).href;
      const script = [...page.querySelectorAll("script[type=module][src]")]
        .map((s) => at(s.getAttribute("src")))
        .find((src) => src !== import.meta.url);
      const sheets = new Set([...document.querySelectorAll("link[rel=stylesheet]")].map((l) => l.href));
      for (const link of page.querySelectorAll("link[rel=stylesheet][href]")) {
        const href = at(link.getAttribute("href"));
        if (sheets.has(href)) continue;
        const sheet = document.createElement("link");
        sheet.rel = "stylesheet";
        sheet.href = href;
        document.head.append(sheet);
      }
      (await import(script)).box(form, results);
    })().catch(() => {
      started = null;
    });
  };
  input.addEventListener("focus", begin);
  input.addEventListener("input", begin);
}
