// The eligibility checker page: form ⇄ URL fragment, rules.js for the result, amount.js for
// what people type. Text goes into the page through textContent only.

const form = document.querySelector("[data-eligibility-form]");
if (form) start(form);

async function start(form) {
  const [{ evaluate, holds }, { parseAmount }, rules] = await Promise.all([
    import(form.dataset.rulesModule),
    import(form.dataset.amountModule),
    fetch(form.dataset.rulesUrl).then((r) => r.json()),
  ]);
  const page = {
    form,
    rules,
    evaluate,
    holds,
    parseAmount,
    lang: form.dataset.lang,
    strings: readStrings(),
    measures: readMeasures(),
    results: document.querySelector("[data-eligibility-results]"),
  };
  form.hidden = false;
  document.querySelector("[data-results-section]").hidden = false;
  fillFromUrl(page);
  // Answers typed into a query string move to the fragment, so a reload does not send them.
  update(page, location.search.length > 1);
  form.addEventListener("input", () => update(page, true));
  form.addEventListener("change", () => update(page, true));
  form.addEventListener("reset", () => setTimeout(() => update(page, true)));
  form.querySelector("[data-action=print]").addEventListener("click", () => window.print());
  form.querySelector("[data-action=copy]").addEventListener("click", () => copyLink(form));
}

function readStrings() {
  const strings = {};
  const template = document.querySelector("template[data-strings]");
  for (const span of template.content.querySelectorAll("[data-key]")) {
    strings[span.dataset.key] = span.textContent;
  }
  return strings;
}

function readMeasures() {
  const measures = {};
  const template = document.querySelector("template[data-measure-info]");
  for (const li of template.content.querySelectorAll("[data-info]")) {
    measures[li.dataset.info] = { ...li.dataset };
  }
  return measures;
}

function fill(text, values) {
  return text.replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m));
}

/** Answers from the fragment, or from the query string for links typed by hand. */
function fillFromUrl(page) {
  const source = location.hash.length > 1 ? location.hash.slice(1) : location.search.slice(1);
  const params = new URLSearchParams(source);
  for (const [name, spec] of Object.entries(page.rules.answers)) {
    const values = params.getAll(name);
    if (values.length === 0) continue;
    const bad = [];
    if (spec.type === "amount") {
      page.form.elements[name].value = values[0];
      continue;
    }
    for (const v of values) {
      if (!spec.values.includes(v)) bad.push(v);
      else if (spec.type === "choice") page.form.elements[name].value = v;
      else page.form.querySelector(`input[name="${name}"][value="${CSS.escape(v)}"]`).checked = true;
    }
    if (bad.length) showError(name, fill(page.strings["value-invalid"], { value: bad.join(", ") }));
  }
}

function showError(name, text) {
  const error = document.querySelector(`[data-error-for="${name}"]`);
  error.textContent = text;
  const field = document.getElementById(`q-${name}`) || error.closest("fieldset");
  if (field) field.setAttribute("aria-invalid", text ? "true" : "false");
}

/**
 * Reads the form into answers, echoing and checking amounts. A question asked only in some
 * cases (`ask_when`) is hidden otherwise, and its answer left out of the result and the link.
 */
function readAnswers(page) {
  const answers = {};
  for (const [name, spec] of Object.entries(page.rules.answers)) {
    if (spec.type === "multi") {
      const checked = [...page.form.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);
      if (checked.length) answers[name] = checked;
    } else if (spec.type === "choice") {
      const value = page.form.elements[name].value;
      if (value) {
        answers[name] = value;
        showError(name, "");
      }
    } else {
      const amount = readAmount(page, name, spec.currency);
      if (amount !== null) answers[name] = amount;
    }
  }
  for (const [name, when] of Object.entries(page.rules.ask_when || {})) {
    const asked = page.holds(when, answers);
    const error = document.querySelector(`[data-error-for="${name}"]`);
    // A bad value from a link stays in view at its field until it is fixed.
    error.closest(".question").hidden = !asked && !error.textContent;
    if (!asked) delete answers[name];
  }
  const params = new URLSearchParams();
  for (const name of Object.keys(page.rules.answers)) {
    if (Object.hasOwn(answers, name)) [].concat(answers[name]).forEach((v) => params.append(name, String(v)));
  }
  return { answers, params };
}

function money(value, currency, lang) {
  return new Intl.NumberFormat(lang, { style: "currency", currency, maximumFractionDigits: 0 }).format(value);
}

function readAmount(page, name, currency) {
  const input = page.form.elements[name];
  const echo = document.querySelector(`[data-echo-for="${name}"]`);
  const parsed = page.parseAmount(input.value, page.lang);
  echo.textContent = "";
  showError(name, "");
  if (parsed === null) return null;
  if (parsed.error) {
    showError(name, page.strings[parsed.negative ? "amount-negative" : "amount-invalid"]);
    return null;
  }
  let value = parsed.value;
  if (parsed.currency && parsed.currency !== currency) {
    const rate = page.rules.conversion;
    if (!rate) {
      showError(name, fill(page.strings["amount-currency"], { currency }));
      return null;
    }
    value = Math.round(currency === "CNY" ? value * rate.cny_per_usd : value / rate.cny_per_usd);
    echo.textContent = fill(page.strings["amount-converted"], {
      typed: money(parsed.value, parsed.currency, page.lang),
      rate: String(rate.cny_per_usd),
      date: rate.date,
      amount: money(value, currency, page.lang),
    });
    return value;
  }
  const reading = parsed.ambiguous ? "amount-ambiguous" : "amount-read";
  echo.textContent = fill(page.strings[reading], { amount: money(value, currency, page.lang) });
  return value;
}

function update(page, writeUrl) {
  const { answers, params } = readAnswers(page);
  const fragment = params.toString();
  if (writeUrl) {
    history.replaceState(null, "", fragment ? `${location.pathname}#${fragment}` : location.pathname);
  }
  for (const a of document.querySelectorAll(".lang-switch a[hreflang]")) {
    a.hash = fragment;
  }
  render(page, answers);
}

/**
 * What led to a result: answer name → the values that mattered (for a multiple-choice answer,
 * the values the condition asked for; otherwise the answer itself), from the parts of `c` that hold.
 */
function reasons(page, c, answers, out = new Map()) {
  if (c.all) c.all.forEach((x) => reasons(page, x, answers, out));
  else if (c.any) c.any.filter((x) => page.holds(x, answers)).forEach((x) => reasons(page, x, answers, out));
  else if (c.answer && page.holds(c, answers)) {
    const given = answers[c.answer];
    const wanted = c.has !== undefined ? [c.has] : c.has_any;
    const values = Array.isArray(given) && wanted ? given.filter((v) => wanted.includes(v)) : [].concat(given);
    const seen = out.get(c.answer) || [];
    out.set(c.answer, [...seen, ...values.filter((v) => !seen.includes(v))]);
  }
  return out;
}

function questionLabel(page, name) {
  const field = document.getElementById(`q-${name}`);
  const label = field ? document.querySelector(`label[for="q-${name}"]`) : document.querySelector(`[data-error-for="${name}"]`).closest("fieldset").querySelector("legend");
  return label.textContent.trim();
}

function answerText(page, name, value) {
  const spec = page.rules.answers[name];
  const values = Array.isArray(value) ? value : [value];
  if (spec.type === "amount") return new Intl.ListFormat(page.lang).format(values.map((v) => money(v, spec.currency, page.lang)));
  const labels = values.map((v) => {
    const option = page.form.querySelector(`[name="${name}"][value="${CSS.escape(v)}"], #q-${name} option[value="${CSS.escape(v)}"]`);
    return option ? (option.labels && option.labels[0] ? option.labels[0] : option).textContent.trim() : v;
  });
  return new Intl.ListFormat(page.lang).format(labels);
}

function element(tag, attrs = {}, text) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}

function pluralKey(lang, count) {
  const category = new Intl.PluralRules(lang).select(count);
  return ["one", "few", "many"].includes(category) ? `count-${category}` : "count-other";
}

function render(page, answers) {
  const outcome = page.evaluate(page.rules, answers);
  const box = page.results;
  box.replaceChildren();
  const verdict = page.rules.verdicts.find((v) => v.id === outcome.verdict);
  box.append(element("p", { "data-verdict": outcome.verdict, class: `verdict verdict-${outcome.verdict}` }, page.strings[`reason-${verdict.reason}`]));
  const count = outcome.measures.length;
  box.append(element("h3", {}, page.strings[pluralKey(page.lang, count)].replace(/\d+([.,]\d+)?/, String(count))));
  const list = element("ul", { class: "measure-results" });
  for (const number of outcome.measures) {
    const item = measureItem(page, number, outcome, answers);
    // A verdict's note (the Negative List not yet checked) on each measure it concerns.
    if (verdict.note && !(verdict.note.except || []).includes(number)) {
      item.querySelector("h4").after(element("p", { class: "depends", "data-depends": verdict.note.text }, page.strings[`note-${verdict.note.text}`]));
    }
    list.append(item);
  }
  box.append(list);
  const misses = nearMisses(page, answers, outcome);
  for (const text of misses) box.append(element("p", { class: "near-miss" }, text));
}

function measureItem(page, number, outcome, answers) {
  const info = page.measures[number] || {};
  const li = element("li", { "data-measure": String(number) });
  const title = element("h4");
  title.append(element("a", { href: info.url || "#" }, info.title || String(number)));
  li.append(title);
  const rules = page.rules.measures.filter((r) => r.measure === number && page.holds(r.when, answers));
  const plain = rules.filter((r) => !r.benefit);
  if (plain.length) li.append(why(page, plain, answers));
  const benefits = outcome.benefits[String(number)] || [];
  if (benefits.length) {
    const ul = element("ul", { class: "benefits" });
    for (const b of benefits) {
      const item = element("li", { "data-benefit": b });
      item.append(element("strong", {}, page.strings[`benefit-${b}`]));
      item.append(why(page, rules.filter((r) => r.benefit === b), answers));
      ul.append(item);
    }
    li.append(ul);
  }
  if (info.departments) {
    const list = new Intl.ListFormat(page.lang).format(info.departments.split("|"));
    // Where the plan leaves a condition undefined, the departments are the ones to ask.
    const ask = rules.some((r) => (r.undefined || []).length > 0);
    const text = fill(page.strings[ask ? "departments-ask" : "departments"], { list });
    li.append(element("p", { class: ask ? "departments departments-ask" : "departments" }, text));
  }
  return li;
}

/** Why `rules` hold: each rule's reason, then the answers that led to it. */
function why(page, rules, answers) {
  const box = element("div", { class: "why" });
  const used = new Map();
  for (const r of rules) {
    box.append(element("p", { class: "reason" }, page.strings[`reason-${r.reason}`]));
    for (const term of r.undefined || []) {
      box.append(element("p", { class: "undefined", "data-undefined": term }, page.strings[`undefined-${term}`]));
    }
    reasons(page, r.when, answers, used);
  }
  if (used.size > 0) {
    box.append(element("p", { class: "because" }, page.strings.because));
    const list = element("ul", { class: "because" });
    for (const [name, values] of used) {
      list.append(element("li", {}, fill(page.strings.answer, { question: questionLabel(page, name).replace(/[?？]$/, ""), answer: answerText(page, name, values) })));
    }
    box.append(list);
  }
  return box;
}

/** Benefits the visitor would get if an amount they gave reached its threshold. */
function nearMisses(page, answers, outcome) {
  const texts = [];
  for (const rule of page.rules.measures) {
    const got = (outcome.benefits[String(rule.measure)] || []).includes(rule.benefit);
    if (!rule.benefit || got || outcome.verdict === "prohibited") continue;
    const raised = { ...answers };
    const changed = [];
    for (const c of amountConditions(rule.when)) {
      if (typeof answers[c.answer] === "number" && answers[c.answer] < c.gte_amount) {
        raised[c.answer] = c.gte_amount;
        changed.push(c);
      }
    }
    if (changed.length === 1 && page.holds(rule.when, raised)) {
      const c = changed[0];
      texts.push(fill(page.strings["near-miss"], {
        amount: money(c.gte_amount, page.rules.answers[c.answer].currency, page.lang),
        question: questionLabel(page, c.answer),
        benefit: page.strings[`benefit-${rule.benefit}`],
      }));
    }
  }
  return texts;
}

function amountConditions(c) {
  if (c.all) return c.all.flatMap(amountConditions);
  if (c.any) return c.any.flatMap(amountConditions);
  return c.gte_amount !== undefined ? [c] : [];
}

async function copyLink(form) {
  const status = form.querySelector("[data-copy-status]");
  try {
    await navigator.clipboard.writeText(location.href);
    status.textContent = status.dataset.copied;
  } catch {
    status.textContent = status.dataset.failed;
  }
}
