// Reads JSON strings, one a line, on stdin; writes one JSON line per input: the result of
// analyse (or the function named as the first argument: analyse, fold, stem, tokenize).
// Usage: node analyse_words.mjs [function] [--no-tables]
import { createInterface } from "node:readline";
import * as analysis from "../../static/js/analysis.js";

// --no-tables: ASCII text, which needs no Unicode tables (as in a browser, where they
// load only for text beyond ASCII); otherwise any Unicode text, the tables loaded first.
if (process.argv[3] !== "--no-tables") await analysis.loadTables();

const name = process.argv[2] ?? "analyse";
const fn = analysis[name];
if (typeof fn !== "function") throw new Error(`no function ${name}`);

const out = [];
for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (line) out.push(JSON.stringify(fn(JSON.parse(line))));
}
process.stdout.write(out.join("\n") + "\n");
