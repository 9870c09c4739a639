// Functions that run inside the page (through page.evaluate): each is self-contained, because
// Playwright sends its source text, not its closure. Each returns a list of problems (text).

/** Exactly one h1, the first heading is the h1, and no level is skipped going down. */
export function headingProblems() {
  const problems = [];
  const hs = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].filter((h) => h.checkVisibility());
  const levels = hs.map((h) => Number(h.tagName[1]));
  const h1s = levels.filter((l) => l === 1).length;
  if (h1s !== 1) problems.push(`${h1s} h1 elements (want exactly one)`);
  if (levels.length && levels[0] !== 1) problems.push(`the first heading is an h${levels[0]}, not the h1`);
  for (let i = 1; i < levels.length; i++) {
    if (levels[i] > levels[i - 1] + 1) {
      problems.push(`heading level skipped: h${levels[i - 1]} then h${levels[i]} "${hs[i].textContent.trim().slice(0, 60)}"`);
    }
  }
  return problems;
}

/** Chinese text outside lang="zh…", Cyrillic outside lang="ru…": screen readers would misread it. */
export function langProblems() {
  const problems = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    if (!text || !node.parentElement.checkVisibility()) continue;
    const holder = node.parentElement.closest("[lang]");
    const lang = (holder ? holder.getAttribute("lang") : "").toLowerCase();
    const wrong =
      (/[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]/.test(text) && !lang.startsWith("zh")) ||
      (/[\u0400-\u04ff]/.test(text) && !lang.startsWith("ru"));
    if (wrong && problems.length < 5) {
      problems.push(`text in another language without a matching lang (inherits "${lang}"): "${text.slice(0, 50)}"`);
    }
  }
  return problems;
}

/** At the current viewport width: no horizontal scroll, and nothing cut off by its box. */
export function overflowProblems() {
  const problems = [];
  const width = window.innerWidth;
  const scrollWidth = document.documentElement.scrollWidth;
  const path = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) {
      parts.unshift(e.tagName.toLowerCase() + (e.id ? `#${e.id}` : "") + (e.classList.length ? `.${[...e.classList].join(".")}` : ""));
    }
    return parts.join(" > ");
  };
  const scrollable = (el) => {
    for (let e = el.parentElement; e; e = e.parentElement) {
      const o = getComputedStyle(e).overflowX;
      if (o === "auto" || o === "scroll") return true;
    }
    return false;
  };
  if (scrollWidth > width) {
    problems.push(`horizontal scroll at ${width}px: the page is ${scrollWidth}px wide`);
    const wide = [...document.body.querySelectorAll("*")].filter(
      (el) => el.getBoundingClientRect().right > width + 0.5 && el.checkVisibility() && !scrollable(el),
    );
    for (const el of wide.slice(0, 5)) problems.push(`  too wide: ${path(el)} (right edge at ${Math.round(el.getBoundingClientRect().right)}px)`);
  }
  for (const el of document.body.querySelectorAll("*")) {
    if (!el.checkVisibility()) continue;
    // The visually-hidden pattern (a 1px box) hides on purpose: screen-reader text, the skip link.
    if (el.clientWidth <= 1 && el.clientHeight <= 1) continue;
    const cs = getComputedStyle(el);
    const clipsX = cs.overflowX === "hidden" || cs.overflowX === "clip";
    const clipsY = cs.overflowY === "hidden" || cs.overflowY === "clip";
    if ((clipsX && el.scrollWidth > el.clientWidth + 1) || (clipsY && el.scrollHeight > el.clientHeight + 1)) {
      problems.push(`content clipped by ${path(el)} (${el.scrollWidth}×${el.scrollHeight} in ${el.clientWidth}×${el.clientHeight})`);
    }
    if (cs.textOverflow === "ellipsis" && el.scrollWidth > el.clientWidth + 1) problems.push(`text cut with an ellipsis: ${path(el)}`);
  }
  return problems;
}

/**
 * Every element in the tab order, focused in turn (after a real Tab key press, so that focus
 * counts as keyboard focus): it must show an outline of at least 2px whose colour has 3:1
 * contrast with the background behind it.
 */
export function focusProblems() {
  const problems = [];
  const parse = (c) => {
    const n = (c.match(/[\d.]+/g) || []).map(Number);
    return { r: n[0] ?? 0, g: n[1] ?? 0, b: n[2] ?? 0, a: c.startsWith("rgba") || c.includes("/") ? n[3] ?? 1 : 1 };
  };
  const lum = ({ r, g, b }) => {
    const f = (v) => ((v /= 255) <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const contrast = (x, y) => {
    const [a, b] = [lum(x), lum(y)].sort((p, q) => q - p);
    return (a + 0.05) / (b + 0.05);
  };
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c.a > 0) layers.push(c);
      if (c.a >= 1) break;
    }
    let base = layers.length && layers.at(-1).a >= 1 ? layers.pop() : { r: 255, g: 255, b: 255, a: 1 };
    while (layers.length) {
      const top = layers.pop();
      base = { r: top.r * top.a + base.r * (1 - top.a), g: top.g * top.a + base.g * (1 - top.a), b: top.b * top.a + base.b * (1 - top.a), a: 1 };
    }
    return base;
  };
  const name = (el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${el.className && typeof el.className === "string" ? `.${el.className.trim().split(/\s+/).join(".")}` : ""} "${(el.textContent || el.value || el.name || "").trim().slice(0, 30)}"`;
  const focusable = [...document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]")].filter(
    (el) => el.tabIndex >= 0 && !el.disabled && el.checkVisibility(),
  );
  const seen = new Set();
  for (const el of focusable) {
    el.focus();
    if (document.activeElement !== el) continue;
    const cs = getComputedStyle(el);
    const key = `${el.tagName}|${el.className}|${cs.outlineColor}|${cs.outlineStyle}|${cs.outlineWidth}`;
    const behind = background(el.parentElement);
    const outline = parse(cs.outlineColor);
    let problem = null;
    if (cs.outlineStyle === "none" || parseFloat(cs.outlineWidth) < 2) {
      problem = `no visible focus outline (outline: ${cs.outlineStyle} ${cs.outlineWidth})`;
    } else if (contrast(outline, behind) < 3) {
      problem = `focus outline contrast ${contrast(outline, behind).toFixed(2)}:1 < 3:1 (${cs.outlineColor} on rgb(${Math.round(behind.r)}, ${Math.round(behind.g)}, ${Math.round(behind.b)}))`;
    }
    if (problem && !seen.has(key)) {
      seen.add(key);
      problems.push(`${name(el)}: ${problem}`);
    }
  }
  if (document.activeElement) document.activeElement.blur();
  return problems;
}

/** The language switcher's links. */
export function languageLinks() {
  return [...document.querySelectorAll(".lang-switch a[hreflang]")].map((a) => ({
    href: a.href,
    lang: a.getAttribute("lang"),
    hreflang: a.getAttribute("hreflang"),
    current: a.getAttribute("aria-current"),
  }));
}

/** The focused element, described for a test message, and whether it is fully on screen. */
export function focused() {
  const el = document.activeElement;
  if (!el || el === document.body) return { what: "body" };
  const r = el.getBoundingClientRect();
  return {
    what: `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${el.classList.length ? `.${[...el.classList].join(".")}` : ""}`,
    id: el.id,
    skip: el.classList.contains("skip-link"),
    inHeader: !!el.closest("header"),
    onScreen: r.width >= 1 && r.height >= 1 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth,
  };
}

/** In print media: chrome hidden, and links in the text followed by their URL. */
export function printProblems() {
  const problems = [];
  for (const sel of [".masthead", ".main-nav", ".breadcrumbs", ".skip-link", ".site-search", ".lang-switch"]) {
    const el = document.querySelector(sel);
    if (el && el.checkVisibility()) problems.push(`print: ${sel} is printed`);
  }
  const link = document.querySelector('main .prose a[href]:not([href^="#"]), main a[href]:not([href^="#"])');
  if (link) {
    const after = getComputedStyle(link, "::after").content;
    if (!after || after === "none" || !after.includes("/")) problems.push(`print: a link in main shows no URL after it (::after content ${after})`);
  }
  return problems;
}
