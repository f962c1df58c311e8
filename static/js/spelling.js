// "Did you mean": Spelling.suggest and closest of catalogue/search/spelling.py, for the
// browser's engine (search-engine.js loads this, with the word list, when a query first
// finds fewer than three entries).

import { fold } from "./analysis.js";
import { SequenceMatcher, getCloseMatches } from "./difflib.js";

const MAX_SUGGESTED_WORDS = 4;

/** Spelling.suggest: the query with misspelt words replaced, if it finds more. */
export async function suggest(engine, request, total) {
  const words = request.q.split(" ");
  const unknown = [...new Set(words.map((w) => fold(w)))].filter(
    (w) => Array.from(w).length >= 4 && /^\p{L}+$/u.test(w) && !engine.vocabulary.has(w),
  );
  const fixes = new Map();
  for (const w of unknown.slice(0, MAX_SUGGESTED_WORDS)) {
    const fix = closest(engine, w);
    if (fix) fixes.set(w, fix);
  }
  if (!fixes.size) return null;
  const candidate = words.map((w) => fixes.get(fold(w)) ?? w).join(" ");
  const instead = { q: candidate, filters: request.filters, ranges: request.ranges, sort: "", page: 1 };
  await engine.prepare(instead); // the shards of the words put in
  const better = engine.search(instead, 1);
  return better.total > total ? candidate : null;
}

/** Spelling.closest: the catalogue's word nearest to `word`, or null. */
function closest(engine, word) {
  if (!engine.spelling.has(word)) {
    const length = Array.from(word).length;
    const near = [];
    for (let n = length - 2; n < length + 3; n++) near.push(...(engine.vocabularyByLength.get(n) ?? []));
    let best = null;
    let bestKey = null;
    for (const w of getCloseMatches(word, near, 3, 0.75)) {
      const key = [new SequenceMatcher(word, w).ratio(), engine.vocabulary.get(w)];
      if (!bestKey || key[0] > bestKey[0] || (key[0] === bestKey[0] && key[1] > bestKey[1])) {
        best = w;
        bestKey = key;
      }
    }
    if (engine.spelling.size > 10000) engine.spelling.clear();
    engine.spelling.set(word, best);
  }
  return engine.spelling.get(word);
}
