// Reads amounts as people type them: 50,000,000 · 50 000 000 · 5000万 · 0.5亿 · 50M · $50M.
// Checked against tests/vectors/amounts.json by `cargo test` (through Node).

const USD = /(US\$|USD|\$|美元|долл(ар(ов|а|ы)?)?(\s*США)?)/i;
const CNY = /(RMB|CNY|¥|￥|人民币|元|юан(ей|я|и|ь)?)/i;
const SCALES = [
  [/亿$/, 1e8],
  [/万$/, 1e4],
  [/(bn|billion|млрд\.?|b)$/i, 1e9],
  [/(mn|million|млн\.?|m)$/i, 1e6],
  [/(k|thousand|тыс\.?)$/i, 1e3],
];

/**
 * Parses `text` typed on a page in `lang`.
 * Returns null for an empty field, {error: true} for text that is not an amount, otherwise
 * {value, currency (null if none typed), ambiguous (a lone "1,500"-style separator was read by
 * the page's language)}.
 */
export function parseAmount(text, lang) {
  let s = fullwidthToAscii(String(text)).replace(/[\s\u00a0\u202f\u2009']/g, "");
  if (s === "") return null;
  if (/^[-−–]/.test(s)) return { error: true, negative: true };
  let currency = null;
  if (USD.test(s)) currency = "USD";
  else if (CNY.test(s)) currency = "CNY";
  s = s.replace(USD, "").replace(CNY, "");
  let scale = 1;
  for (const [pattern, factor] of SCALES) {
    if (pattern.test(s)) {
      scale = factor;
      s = s.replace(pattern, "");
      break;
    }
  }
  const number = readNumber(s, lang);
  if (number === null) return { error: true };
  const value = Math.round(number.value * scale);
  if (!Number.isSafeInteger(value) || value < 0) return { error: true };
  return { value, currency, ambiguous: number.ambiguous };
}

/** Full-width digits and punctuation (５０００万, １，５００) as their ASCII forms. */
function fullwidthToAscii(s) {
  return s.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, " ");
}

/** "1,234.5" / "1.234,5" / "1,500" (read by language) → number, or null. */
function readNumber(s, lang) {
  if (!/^\d[\d.,]*$/.test(s) || /[.,]$/.test(s)) return null;
  const commas = (s.match(/,/g) || []).length;
  const dots = (s.match(/\./g) || []).length;
  let ambiguous = false;
  let normal;
  if (commas && dots) {
    const decimal = s.lastIndexOf(",") > s.lastIndexOf(".") ? "," : ".";
    const group = decimal === "," ? "." : ",";
    if (s.split(decimal).length > 2) return null;
    normal = s.split(group).join("").replace(decimal, ".");
  } else if (commas > 1 || dots > 1) {
    const group = commas > 1 ? "," : ".";
    if (!groupedByThree(s, group)) return null;
    normal = s.split(group).join("");
  } else if (commas === 1 || dots === 1) {
    const sep = commas === 1 ? "," : ".";
    const [whole, frac] = s.split(sep);
    const russian = lang.startsWith("ru");
    const thousands = frac.length === 3 && whole !== "0" && (sep === "," ? !russian : russian);
    ambiguous = frac.length === 3 && whole !== "0";
    normal = thousands ? whole + frac : `${whole}.${frac}`;
  } else {
    normal = s;
  }
  const value = Number(normal);
  return Number.isFinite(value) ? { value, ambiguous } : null;
}

function groupedByThree(s, group) {
  const parts = s.split(group);
  return parts[0].length >= 1 && parts[0].length <= 3 && parts.slice(1).every((p) => p.length === 3);
}
