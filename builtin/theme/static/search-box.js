// The header's search box: loads nothing until the visitor focuses it or types in it, then
// reads the search page (the form's action) for its strings, scripts and stylesheet, and
// searches as you type with search-box-ui.js and search.js. Without JavaScript, or until then,
// the form submits to the search page. Not on the search page itself, which has its own form.

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
      const sheet = document.createElement("link");
      sheet.rel = "stylesheet";
      sheet.href = at(results.dataset.boxCss);
      document.head.append(sheet);
      const [search, ui] = await Promise.all([import(script), import(at(results.dataset.boxUrl))]);
      ui.box(form, results, search);
    })().catch(() => {
      started = null;
    });
  };
  input.addEventListener("focus", begin);
  input.addEventListener("input", begin);
}
