// Eligibility rules: the browser's evaluator. Same semantics as src/eligibility.rs, checked
// against the same test vectors (content/eligibility/cases.yaml) by `cargo test`.

/** Whether condition `c` holds; a comparison on an answer not given never holds. */
export function holds(c, answers) {
  if (c.always !== undefined) return c.always;
  if (c.all) return c.all.every((x) => holds(x, answers));
  if (c.any) return c.any.some((x) => holds(x, answers));
  if (c.not) return !holds(c.not, answers);
  if (!Object.hasOwn(answers, c.answer)) return false;
  const value = answers[c.answer];
  if (typeof value === "number") {
    return (c.gte_amount !== undefined && value >= c.gte_amount) || c.answered === true;
  }
  if (Array.isArray(value)) {
    return (
      (c.has !== undefined && value.includes(c.has)) ||
      (c.has_any !== undefined && c.has_any.some((x) => value.includes(x))) ||
      (c.answered === true && value.length > 0)
    );
  }
  return (
    (c.is !== undefined && c.is === value) ||
    (c.in !== undefined && c.in.includes(value)) ||
    c.answered === true
  );
}

/**
 * `answers` without those to questions not asked (`ask_when`): its conditions read only
 * questions that are always asked, so the order does not matter.
 */
export function asked(rules, answers) {
  const when = rules.ask_when || {};
  return Object.fromEntries(
    Object.entries(answers).filter(([name]) => !Object.hasOwn(when, name) || holds(when[name], answers)),
  );
}

/** The verdict, the measures (ascending) and the benefits per measure for `answers`. */
export function evaluate(rules, given) {
  const answers = asked(rules, given);
  const verdict = rules.verdicts.find((v) => holds(v.when, answers)) || rules.verdicts.at(-1);
  const only = verdict && verdict.only_measures;
  const measures = [];
  const benefits = {};
  for (const rule of rules.measures) {
    if ((only && !only.includes(rule.measure)) || !holds(rule.when, answers)) continue;
    if (!measures.includes(rule.measure)) measures.push(rule.measure);
    if (rule.benefit !== undefined) {
      const key = String(rule.measure);
      (benefits[key] ||= []).push(rule.benefit);
    }
  }
  measures.sort((a, b) => a - b);
  return { verdict: verdict ? verdict.id : "", measures, benefits };
}
