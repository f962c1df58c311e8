// The server's search analysis, ported exactly from Whoosh (whoosh-reloaded 2.7.5):
//
//   RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map) | StopFilter()
//     | StemFilter()
//
// analyse(text) returns what `[t.text for t in ANALYZER(text)]` returns in
// catalogue/search.py. Character classes, lowercasing and accent folding come from tables
// generated from Python's Unicode database (./unicode-tables.js), not from the browser's, so
// the tokens do not depend on the browser's Unicode version. Lengths are counted in code
// points, as Python counts them.
//
// Those tables (5 KB gzipped) load only for text beyond ASCII: `await ready(text)` before
// analysing text that may hold any (a query, the cards to highlight). ASCII text needs
// none of them: Python's \w is [0-9A-Za-z_] there, lowercasing is A-Z to a-z, and the
// accent map leaves lowercase ASCII as it is (the tests check all three against Python).
// Text beyond ASCII analysed before the tables loaded throws, never gives wrong tokens.

import { beyondAscii, decodeRanges, inRanges } from "./ranges.js";

// whoosh.analysis.filters.STOP_WORDS
export const STOP_WORDS = new Set([
  "a", "an", "and", "are", "as", "at", "be", "by", "can", "for", "from", "have", "if",
  "in", "is", "it", "may", "not", "of", "on", "or", "tbd", "that", "the", "this", "to",
  "us", "we", "when", "will", "with", "yet", "you", "your",
]);

const STOP_MIN_SIZE = 2;

// ---- The Unicode tables, for text beyond ASCII --------------------------------------------

export const ASCII_WORD = new Uint8Array(128); // Python's \w in ASCII: [0-9A-Za-z_]
for (const c of "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz") {
  ASCII_WORD[c.charCodeAt(0)] = 1;
}

let tables = null; // { WORD, CASE_IGNORABLE, CASED, LOWER, ACCENTS } once loaded
let loading = null;

/** Load the tables if `text` needs them (at once if it does not, or they are loaded). */
export function ready(text) {
  return tables || !beyondAscii(text) ? Promise.resolve() : loadTables();
}

/** Load the tables (once). */
export function loadTables() {
  loading ??= import("./unicode-tables.js").then((t) => {
    const lower = new Map();
    const nums = t.LOWER_RUNS.split(",").map((s) => parseInt(s, 36));
    let start = 0;
    for (let i = 0; i < nums.length; i += 4) {
      start += nums[i];
      const [count, step, delta] = [nums[i + 1], nums[i + 2], nums[i + 3]];
      for (let k = 0; k < count; k++) {
        const cp = start + k * step;
        lower.set(cp, String.fromCodePoint(cp + delta));
      }
    }
    for (const [cp, low] of Object.entries(t.LOWER_MULTI)) lower.set(Number(cp), low);
    const accents = new Map();
    for (let i = 0; i < t.ACCENT_PAIRS.length; i += 2) {
      accents.set(t.ACCENT_PAIRS[i], t.ACCENT_PAIRS[i + 1]);
    }
    tables = {
      WORD: decodeRanges(t.WORD_RANGES),
      CASE_IGNORABLE: decodeRanges(t.CASE_IGNORABLE_RANGES),
      CASED: decodeRanges(t.CASED_RANGES),
      LOWER: lower,
      ACCENTS: accents,
    };
  });
  return loading;
}

function loaded() {
  if (!tables) throw new Error("analysis.js: text beyond ASCII before ready(text) loaded the tables");
  return tables;
}

function isWord(cp) {
  return cp < 128 ? ASCII_WORD[cp] === 1 : inRanges(loaded().WORD, cp);
}

// ---- Lowercase and accent folding -----------------------------------------------------

const CAPITAL_SIGMA = 0x3a3;

// Python's handle_capital_sigma (Objects/unicodeobject.c): final sigma when preceded by a
// cased character and not followed by one, skipping case-ignorable characters both ways.
function sigma(cps, i) {
  const { CASE_IGNORABLE, CASED } = loaded();
  let j = i - 1;
  while (j >= 0 && inRanges(CASE_IGNORABLE, cps[j])) j--;
  let final = j >= 0 && inRanges(CASED, cps[j]);
  if (final && i + 1 < cps.length) {
    j = i + 1;
    while (j < cps.length && inRanges(CASE_IGNORABLE, cps[j])) j++;
    final = j === cps.length || !inRanges(CASED, cps[j]);
  }
  return final ? "\u03c2" : "\u03c3";
}

/** Python's str.lower(). */
export function lower(text) {
  if (/^[\x00-\x40\x5b-\x7f]*$/.test(text)) return text; // no A-Z, nothing outside ASCII
  if (!beyondAscii(text)) return text.toLowerCase(); // A-Z to a-z, as Python's in ASCII
  const { LOWER } = loaded();
  const cps = Array.from(text, (c) => c.codePointAt(0));
  let out = "";
  for (let i = 0; i < cps.length; i++) {
    const cp = cps[i];
    if (cp === CAPITAL_SIGMA) out += sigma(cps, i);
    else out += LOWER.get(cp) ?? String.fromCodePoint(cp);
  }
  return out;
}

/** str.translate(accent_map), of lowercased text */
function foldAccents(text) {
  if (!beyondAscii(text)) return text; // the map leaves lowercase ASCII as it is
  const { ACCENTS } = loaded();
  let out = "";
  for (const c of text) out += ACCENTS.get(c) ?? c;
  return out;
}

/** Lowercase, then fold accents: Whoosh's LowercaseFilter then CharsetFilter(accent_map). */
export function fold(text) {
  return foldAccents(lower(text));
}

// ---- Tokenizer ------------------------------------------------------------------------

const STAR = 0x2a;
const DOT = 0x2e;

function isTokenChar(cp) {
  return cp === STAR || isWord(cp);
}

/**
 * The matches of RegexTokenizer's default pattern, `[\w\*]+(\.?[\w\*]+)*`, in order:
 * runs of word characters (or "*") joined by single dots, as [start, end) offsets.
 */
export function tokenSpans(text) {
  const spans = [];
  const n = text.length;
  const at = (i) => (i < n ? text.codePointAt(i) : -1);
  const width = (cp) => (cp > 0xffff ? 2 : 1);
  let i = 0;
  while (i < n) {
    let cp = at(i);
    if (!isTokenChar(cp)) {
      i += width(cp);
      continue;
    }
    const start = i;
    for (;;) {
      while (i < n && isTokenChar((cp = at(i)))) i += width(cp);
      if (at(i) === DOT && isTokenChar(at(i + 1))) i += 1;
      else break;
    }
    spans.push([start, i]);
  }
  return spans;
}

/** The tokens themselves: what RegexTokenizer yields. */
export function tokenize(text) {
  return tokenSpans(text).map(([start, end]) => text.slice(start, end));
}

// ---- Porter stemmer (whoosh/lang/porter.py) -------------------------------------------
//
// Python's `$` also matches before a final newline and its `.` is any character but a
// newline; `match` anchors at the start only. The patterns below keep those meanings.

const END = "(?=\\n?$)";
const rx = (source) => new RegExp(source.replaceAll("$", END), "u");

const STEP2_LIST = {
  ational: "ate", tional: "tion", enci: "ence", anci: "ance", izer: "ize", bli: "ble",
  alli: "al", entli: "ent", eli: "e", ousli: "ous", ization: "ize", ation: "ate",
  ator: "ate", alism: "al", iveness: "ive", fulness: "ful", ousness: "ous", aliti: "al",
  iviti: "ive", biliti: "ble", logi: "log",
};

const STEP3_LIST = {
  icate: "ic", ative: "", alize: "al", iciti: "ic", ical: "ic", ful: "", ness: "",
};

const V = "[aeiouy]";
const CS = "[^aeiouy]+";
const VS = "[aeiou]+";

const MGR0 = rx(`^(${CS})?${VS}${CS}`);
const MEQ1 = rx(`^(${CS})?${VS}${CS}(${VS})?$`);
const MGR1 = rx(`^(${CS})?${VS}${CS}${VS}${CS}`);
const S_V = rx(`^(${CS})?${V}`);
const C_V = rx(`^${CS}${V}[^aeiouwxy]$`);

const ED_ING = rx("^([^\\n]*)(ed|ing)$");
const AT_BL_IZ = rx("^(at|bl|iz)$");
const STEP1B = rx("^([^aeiouylsz])\\1$");
const STEP2 = rx(
  "^([^\\n]+?)(ational|tional|enci|anci|izer|bli|alli|entli|eli|ousli|ization|ation|" +
    "ator|alism|iveness|fulness|ousness|aliti|iviti|biliti|logi)$",
);
const STEP3 = rx("^([^\\n]+?)(icate|ative|alize|iciti|ical|ful|ness)$");
const STEP4_1 = rx(
  "^([^\\n]+?)(al|ance|ence|er|ic|able|ible|ant|ement|ment|ent|ou|ism|ate|iti|ous|ive|ize)$",
);
const STEP4_2 = rx("^([^\\n]+?)(s|t)(ion)$");
const STEP5 = rx("^([^\\n]+?)e$");

// Code-point-aware helpers for the few places porter.py indexes or measures the word.
const cpLength = (s) => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};
const dropLast = (s, k) => Array.from(s).slice(0, -k).join("");

/** whoosh.lang.porter.stem */
export function stem(word) {
  let w = word;
  if (cpLength(w) < 3) return w;

  const firstIsY = w[0] === "y";
  if (firstIsY) w = "Y" + w.slice(1);

  // Step 1a
  if (w.endsWith("s")) {
    if (w.endsWith("sses")) w = w.slice(0, -2);
    else if (w.endsWith("ies")) w = w.slice(0, -2);
    else if (Array.from(w).at(-2) !== "s") w = w.slice(0, -1);
  }

  // Step 1b
  if (w.endsWith("eed")) {
    const s = w.slice(0, -3);
    if (MGR0.test(s)) w = w.slice(0, -1);
  } else {
    const m = ED_ING.exec(w);
    if (m) {
      const s = m[1];
      if (S_V.test(s)) {
        w = s;
        if (AT_BL_IZ.test(w)) w += "e";
        else if (STEP1B.test(w)) w = dropLast(w, 1);
        else if (C_V.test(w)) w += "e";
      }
    }
  }

  // Step 1c
  if (w.endsWith("y")) {
    const s = w.slice(0, -1);
    if (S_V.test(s)) w = s + "i";
  }

  // Step 2
  let m = STEP2.exec(w);
  if (m && MGR0.test(m[1])) w = m[1] + STEP2_LIST[m[2]];

  // Step 3
  m = STEP3.exec(w);
  if (m && MGR0.test(m[1])) w = m[1] + STEP3_LIST[m[2]];

  // Step 4
  m = STEP4_1.exec(w);
  if (m) {
    if (MGR1.test(m[1])) w = m[1];
  } else {
    m = STEP4_2.exec(w);
    if (m) {
      const s = m[1] + m[2];
      if (MGR1.test(s)) w = s;
    }
  }

  // Step 5
  m = STEP5.exec(w);
  if (m) {
    const s = m[1];
    if (MGR1.test(s) || (MEQ1.test(s) && !C_V.test(s))) w = s;
  }

  if (w.endsWith("ll") && MGR1.test(w)) w = w.slice(0, -1);

  if (firstIsY) w = "y" + w.slice(1);

  return w;
}

// ---- The whole chain ------------------------------------------------------------------

const stemCache = new Map();

function cachedStem(word) {
  let s = stemCache.get(word);
  if (s === undefined) {
    s = stem(word);
    if (stemCache.size >= 50000) stemCache.clear();
    stemCache.set(word, s);
  }
  return s;
}

/** `[t.text for t in ANALYZER(text)]`: every token after the whole chain, in order. */
export function analyse(text) {
  const out = [];
  for (const token of tokenize(text)) {
    const t = fold(token);
    if (cpLength(t) < STOP_MIN_SIZE || STOP_WORDS.has(t)) continue;
    out.push(cachedStem(t));
  }
  return out;
}
