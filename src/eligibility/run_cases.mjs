// Runs the eligibility cases through the theme's rules.js for `invest-guide check`
// (src/eligibility/node.rs). In: {"rules": RULES, "answers": [ANSWERS, …]} on stdin, RULES being
// the JSON the site ships. Out: reply.json beside this file, {"node": VERSION, "outcomes": […]},
// one outcome per answer set, or {"error": "…"} where `evaluate` threw.
import { writeFileSync } from "node:fs";
import { evaluate } from "./static/rules.js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { rules, answers } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const outcomes = answers.map((given) => {
  try {
    return evaluate(rules, given);
  } catch (e) {
    return { error: String((e && e.stack) || e) };
  }
});
writeFileSync(
  new URL("./reply.json", import.meta.url),
  JSON.stringify({ node: process.version, outcomes }),
);
