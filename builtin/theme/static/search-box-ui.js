// The header's search box as you type: loaded by search-box.js once the box is used, never by
// the search page, so a first search there does not pay for it.

/** Results the header's box shows under it; the count links to the search page for all. */
const BOX_SHOWN = 5;

/**
 * Search as you type in the header's `form` (`form.site-search`, on pages other than the search
 * page): `results` is the search page's `[data-search-results]` (read by search-box.js), for its
 * strings and the index and normaliser URLs; `search` is search.js, whose search and pieces of
 * the results list this uses (assets are fingerprinted, so modules are passed, not imported). Under the box, a list of the first results and a
 * link to all of them; a visually hidden status line announces the count. Arrow keys move
 * between box and results, Escape closes the list, leaving the form closes it too.
 */
export function box(form, results, search) {
  const { el, countText, load, searchAll, resolve, partsOf, TYPING_DELAY } = search;
  const input = form.querySelector("input[name=q]");
  const at = (url) => new URL(url, form.action).href;
  partsOf(results, at);
  const ui = {
    results,
    tag: results.dataset.tag,
    basePath: results.dataset.basePath,
    own: { lang: results.dataset.lang, tag: results.dataset.tag, url: at(results.dataset.indexUrl), name: "" },
    loaded: new Map(),
    runs: 0,
    typing: 0,
  };
  const status = el("p", "visually-hidden");
  status.setAttribute("role", "status");
  const panel = el("div", "search-box-panel");
  panel.id = `${input.id}-results`;
  panel.hidden = true;
  form.append(status, panel);
  input.setAttribute("aria-controls", panel.id);
  input.autocomplete = "off";
  const show = (open) => {
    panel.hidden = !open;
  };
  const links = () => [...panel.querySelectorAll("a")];

  async function go() {
    const query = input.value.trim();
    const run = ++ui.runs;
    if (query === "") {
      show(false);
      status.textContent = "";
      return;
    }
    try {
      const normalise = await import(at(results.dataset.normaliseUrl));
      const hits = await searchAll([await load(ui, ui.own, normalise)], query, normalise);
      const shown = await Promise.all(hits.slice(0, BOX_SHOWN).map(resolve));
      if (run !== ui.runs) return;
      const ol = el("ol", "search-box-hits");
      for (const hit of shown) {
        const li = el("li");
        const a = el("a", "", hit.record.t);
        a.href = ui.basePath + hit.url;
        li.append(a);
        const heading = hit.url.includes("#") ? (hit.record.s[hit.section] || [])[1] : "";
        if (heading) li.append(el("span", "search-box-section", heading));
        ol.append(li);
      }
      const all = new URL(form.action);
      all.searchParams.set("q", query);
      const count = hits.length > 0 ? countText(ui, hits.length) : results.dataset.none.replace("{query}", query);
      const more = el("a", "search-box-all", count);
      more.href = all.pathname + all.search;
      panel.replaceChildren(...(hits.length > 0 ? [ol] : []), more);
      status.textContent = count;
      show(document.activeElement === input || form.contains(document.activeElement));
    } catch {
      if (run !== ui.runs) return;
      panel.replaceChildren(el("p", "", results.dataset.error));
      status.textContent = results.dataset.error;
      show(true);
    }
  }

  input.addEventListener("input", () => {
    clearTimeout(ui.typing);
    ui.typing = setTimeout(go, TYPING_DELAY);
  });
  input.addEventListener("focus", () => {
    if (panel.childElementCount > 0 && input.value.trim() !== "") show(true);
  });
  form.addEventListener("keydown", (event) => {
    const list = links();
    const i = list.indexOf(document.activeElement);
    if (event.key === "Escape" && !panel.hidden) {
      event.preventDefault();
      // A search still under way does not open the list again.
      clearTimeout(ui.typing);
      ui.runs++;
      input.focus();
      show(false);
    } else if (event.key === "ArrowDown" && !panel.hidden && list.length > 0 && (i >= 0 || event.target === input)) {
      event.preventDefault();
      list[Math.min(i + 1, list.length - 1)].focus();
    } else if (event.key === "ArrowUp" && i >= 0) {
      event.preventDefault();
      (i === 0 ? input : list[i - 1]).focus();
    }
  });
  form.addEventListener("focusout", (event) => {
    if (!form.contains(event.relatedTarget)) show(false);
  });
  if (input.value.trim() !== "") go();
}
