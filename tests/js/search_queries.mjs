// Answers search URLs with the browser's engine, for tests/test_search_parity.py and
// bench/budgets.py.
//
//   node search_queries.mjs FACETS.json TEXT.json < queries   (one query string a line)
//
// writes one JSON line per query: what SearchEngine.search returned, the entries as
// positions in the catalogue, plus the request's canonical URL parameters.
// With --time it prints only the milliseconds each query took, one a line. The scripts
// come from static/js/, or from the folder named by SEARCH_JS (a build's static/js/).
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";

const js = process.env.SEARCH_JS
  ? pathToFileURL(process.env.SEARCH_JS.replace(/\/?$/, "/"))
  : new URL("../../static/js/", import.meta.url);
const analysis = await import(new URL("analysis.js", js));
const spelling = await import(new URL("spelling.js", js));
const { SearchEngine, urlencode } = await import(new URL("search-engine.js", js));

const [facetsPath, textPath, flag] = process.argv.slice(2);
const engine = new SearchEngine(JSON.parse(readFileSync(facetsPath, "utf-8")));
engine.useText(JSON.parse(readFileSync(textPath, "utf-8")), { ...analysis, ...spelling });
const timing = flag === "--time";

const out = [];
for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  const query = JSON.parse(line);
  const start = performance.now();
  const request = engine.parse(query);
  const answer = engine.search(request);
  const took = performance.now() - start;
  if (timing) {
    out.push(took.toFixed(3));
    continue;
  }
  out.push(JSON.stringify({ ...answer, args: urlencode(engine.args(request)) }));
}
process.stdout.write(out.join("\n") + "\n");
