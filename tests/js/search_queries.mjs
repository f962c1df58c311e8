// Answers search URLs with the browser's engine, for tests/test_search_parity.py and
// bench/budgets.py.
//
//   node search_queries.mjs FACETS.json < queries   (one query string a line)
//
// reads the facet part and, as the browser does, every other file beside it when a query
// first needs it, and writes one JSON line per query: what SearchEngine.answer returned
// with every facet counted, the entries as positions in the catalogue, plus the request's
// canonical URL parameters. With --time it prints only the milliseconds each query's
// search took, one a line, once what it needs is loaded. The scripts come from
// static/js/, or from the folder named by SEARCH_JS (a build's static/js/).
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";

const js = process.env.SEARCH_JS
  ? pathToFileURL(process.env.SEARCH_JS.replace(/\/?$/, "/"))
  : new URL("../../static/js/", import.meta.url);
const { SearchEngine, urlencode } = await import(new URL("search-engine.js", js));

const [facetsPath, flag] = process.argv.slice(2);
const readJson = async (url) => JSON.parse(readFileSync(fileURLToPath(url), "utf-8"));
const engine = await SearchEngine.load(pathToFileURL(facetsPath), readJson);
const everyFacet = engine.facets.map((f) => f.name);
const timing = flag === "--time";

const out = [];
for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  const query = JSON.parse(line);
  const request = engine.parse(await engine.loadNamed(query));
  const answer = await engine.answer(request, { facets: everyFacet });
  if (timing) {
    // the files it needed are fetched now: time the parse and the search alone, with
    // each term's postings decoded and scored again as on a first search
    engine.termCache.clear();
    const start = performance.now();
    engine.search(engine.parse(query));
    out.push((performance.now() - start).toFixed(3));
    continue;
  }
  out.push(JSON.stringify({ ...answer, args: urlencode(engine.args(request)) }));
}
process.stdout.write(out.join("\n") + "\n");
