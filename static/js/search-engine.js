// The server's search, run in the browser on the files `catalogue build` exports
// (catalogue/export.py). Every step mirrors catalogue/search.py:
//
//   SearchEngine.parse(params)   SearchEngine.parse(args)      reading the URL
//   SearchEngine.search(request) SearchEngine.search(request)  results and facet counts
//   SearchEngine.args(...)       SearchRequest.args(...)       canonical URL parameters
//
// so the same URL gives the same results, order and counts on the static site as on the
// live one; tests/test_search_parity.py runs hundreds of queries through both. Scores are
// Whoosh's BM25F, from the postings and stored field lengths Whoosh wrote. The facet part
// is loaded with the page; the text part (postings) only when a query first has words.

import { expanded } from "./phrases.js";
import { beyondAscii, decodeRanges, inRanges } from "./ranges.js";

const B = 0.75;
const K1 = 1.2;
const TERM_CACHE_SIZE = 200;

// ---- Python's string and number rules ---------------------------------------------------
//
// Which characters str.isspace() and str.isprintable() take, and which are the decimal
// digits float() reads, come beyond ASCII from Python's Unicode database (url-tables.js,
// 1.5 KB gzipped), which `loadNamed` loads only for parameters holding such characters.
// In ASCII they are these (the parity tests read URLs with each of them):

const ASCII_SPACE = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20]);
let urlTables = null; // { SPACE, UNPRINTABLE, DIGITS } once loaded

/** Load url-tables.js (once). */
export async function loadUrlTables() {
  if (urlTables) return;
  const t = await import("./url-tables.js");
  urlTables = {
    SPACE: decodeRanges(t.SPACE_RANGES),
    UNPRINTABLE: decodeRanges(t.UNPRINTABLE_RANGES),
    DIGITS: decodeRanges(t.DIGIT_RANGES),
  };
}

function tables() {
  if (!urlTables) throw new Error("search-engine.js: a URL beyond ASCII read before loadNamed");
  return urlTables;
}

const codePoints = (text) => Array.from(text);
const spaceAt = (cp) => (cp < 0x80 ? ASCII_SPACE.has(cp) : inRanges(tables().SPACE, cp));
const unprintable = (cp) => (cp < 0x80 ? cp < 0x20 || cp === 0x7f : inRanges(tables().UNPRINTABLE, cp));
const isSpace = (ch) => spaceAt(ch.codePointAt(0));

/** str.strip() */
export function pyStrip(text) {
  const cps = codePoints(text);
  let start = 0;
  let end = cps.length;
  while (start < end && isSpace(cps[start])) start++;
  while (end > start && isSpace(cps[end - 1])) end--;
  return cps.slice(start, end).join("");
}

/** search._clean: every space becomes " ", other unprintable characters are dropped. */
function clean(text) {
  let out = "";
  for (const ch of text) {
    const cp = ch.codePointAt(0);
    if (cp >= 0xd800 && cp <= 0xdfff) out += "?"; // encode("utf-8", "replace")
    else if (spaceAt(cp)) out += " ";
    else if (!unprintable(cp)) out += ch;
  }
  return out;
}

/** search._cut: at most `limit` characters, without splitting a word. */
function cut(text, limit) {
  const cps = codePoints(text);
  if (cps.length <= limit) return text;
  let kept;
  if (cps.slice(0, limit).includes(" ")) {
    const head = cps.slice(0, limit + 1);
    kept = head.slice(0, head.lastIndexOf(" "));
  } else {
    kept = cps.slice(0, limit);
  }
  kept = kept.slice(0, limit);
  while (kept.length && kept[kept.length - 1] === " ") kept.pop();
  return kept.join("");
}

const FLOAT = /^[+-]?(?:(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?|inf|infinity|nan)$/i;

/** Python's float(text), or null where it raises ValueError. */
export function pyFloat(text) {
  let ascii = "";
  for (const ch of text) {
    const cp = ch.codePointAt(0);
    if (spaceAt(cp)) ascii += " ";
    else if (cp > 0x7f && inRanges(tables().DIGITS, cp)) {
      let zero = cp; // digits come in runs of ten starting at a zero
      while (inRanges(tables().DIGITS, zero - 1)) zero--;
      ascii += String((cp - zero) % 10);
    } else if (cp > 0x7f) return null;
    else ascii += ch;
  }
  ascii = ascii.trim();
  if (!FLOAT.test(ascii)) return null;
  const lower = ascii.toLowerCase().replace(/^[+-]/, "");
  if (lower.startsWith("inf")) return ascii.startsWith("-") ? -Infinity : Infinity;
  if (lower === "nan") return NaN;
  return Number(ascii.replaceAll("_", ""));
}

/** repr(float), as Python writes it. */
function pyRepr(value) {
  if (Number.isInteger(value)) {
    return (Object.is(value, -0) ? "-0" : BigInt(value).toString()) + ".0";
  }
  const exp = value.toExponential(); // shortest digits that round-trip, e.g. "1.25e-5"
  const [mantissa, e] = exp.split("e");
  const power = Number(e);
  if (power < -4 || power >= 16) {
    const sign = power < 0 ? "-" : "+";
    return `${mantissa}e${sign}${String(Math.abs(power)).padStart(2, "0")}`;
  }
  return String(value); // plain decimal notation agrees in this range
}

/** search._number_text: "40" for 40.0, repr otherwise. */
export function numberText(value) {
  if (Number.isInteger(value)) return BigInt(value).toString();
  return pyRepr(value);
}

/** urllib.parse.urlencode of a list of pairs (quote_plus, nothing but -_.~ left bare). */
export function urlencode(pairs) {
  const quote = (s) =>
    encodeURIComponent(s)
      .replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase())
      .replace(/%20/g, "+");
  return pairs.map(([k, v]) => `${quote(k)}=${quote(v)}`).join("&");
}

const HEX = /^[0-9a-fA-F]{2}$/;

/** The length of the valid UTF-8 sequence at `bytes[i]`, or 0 with `bad` its invalid prefix. */
function utf8Length(bytes, i) {
  const b = bytes[i];
  let n;
  let lo = 0x80;
  let hi = 0xbf;
  if (b < 0x80) return { n: 1 };
  if (b >= 0xc2 && b <= 0xdf) n = 2;
  else if (b >= 0xe0 && b <= 0xef) {
    n = 3;
    if (b === 0xe0) lo = 0xa0;
    if (b === 0xed) hi = 0x9f;
  } else if (b >= 0xf0 && b <= 0xf4) {
    n = 4;
    if (b === 0xf0) lo = 0x90;
    if (b === 0xf4) hi = 0x8f;
  } else return { n: 0, bad: 1 };
  for (let k = 1; k < n; k++) {
    const c = bytes[i + k];
    const ok = k === 1 ? c >= lo && c <= hi : c >= 0x80 && c <= 0xbf;
    if (c === undefined || !ok) return { n: 0, bad: k };
  }
  return { n };
}

/**
 * urllib.parse.unquote(text, errors="werkzeug.url_quote"), as Flask reads parameters:
 * "%XX" escapes are decoded as UTF-8, and bytes that are not valid UTF-8 stay escaped.
 */
function unquote(text) {
  if (!text.includes("%")) return text;
  let out = "";
  let bytes = [];
  const flush = () => {
    let i = 0;
    while (i < bytes.length) {
      const { n, bad } = utf8Length(bytes, i);
      if (n) {
        out += new TextDecoder().decode(new Uint8Array(bytes.slice(i, i + n)));
        i += n;
      } else {
        for (const b of bytes.slice(i, i + bad)) {
          out += "%" + b.toString(16).toUpperCase().padStart(2, "0");
        }
        i += bad;
      }
    }
    bytes = [];
  };
  const parts = text.split("%");
  for (const ch of parts[0]) {
    if (ch.codePointAt(0) < 0x80) bytes.push(ch.codePointAt(0));
    else (flush(), (out += ch));
  }
  for (const part of parts.slice(1)) {
    let rest = part;
    if (HEX.test(part.slice(0, 2))) {
      bytes.push(parseInt(part.slice(0, 2), 16));
      rest = part.slice(2);
    } else {
      bytes.push(0x25); // a "%" that escapes nothing stays
    }
    for (const ch of rest) {
      if (ch.codePointAt(0) < 0x80) bytes.push(ch.codePointAt(0));
      else (flush(), (out += ch));
    }
  }
  flush();
  return out;
}

/**
 * The parameters of a query string as Flask's `request.args` holds them
 * (urllib.parse.parse_qsl with blank values kept), with `getAll(name)`.
 */
export function parseQuery(query) {
  const pairs = [];
  for (const item of query.replace(/^\?/, "").split("&")) {
    if (!item) continue;
    const at = item.indexOf("=");
    const [name, value] = at < 0 ? [item, ""] : [item.slice(0, at), item.slice(at + 1)];
    pairs.push([unquote(name.replaceAll("+", " ")), unquote(value.replaceAll("+", " "))]);
  }
  return {
    pairs,
    getAll: (name) => pairs.filter(([k]) => k === name).map(([, v]) => v),
  };
}

// ---- The engine -------------------------------------------------------------------------

const FORMAT = 4; // exports.browser.FORMAT: the layout of the files read here

// exports.browser.ALPHABET: the character of each of packed's 64 digits
const DIGIT = new Int8Array(128).fill(-1);
Array.from("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_").forEach(
  (c, i) => (DIGIT[c.charCodeAt(0)] = i),
);

/** exports.browser.unpacked: the whole numbers `packed` wrote. */
export function unpacked(text) {
  const out = [];
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const digit = DIGIT[text.charCodeAt(i)] ?? -1;
    if (digit < 0) throw new Error("a search file is damaged");
    n = n * 32 + (digit & 31);
    if (digit < 32) {
      out.push(n);
      n = 0;
    }
  }
  return out;
}

/** Compare two strings by code point, as Python sorts them (the shards' order). */
function compareCodePoints(a, b) {
  const x = Array.from(a, (c) => c.codePointAt(0));
  const y = Array.from(b, (c) => c.codePointAt(0));
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

export class SearchEngine {
  /**
   * @param {object} data the facet part (facets.<hash>.json)
   * @param {URL|string} base where the facet part was loaded from; every other file is
   *   found beside it
   * @param {(url: URL) => Promise<any>} fetchJson how to load the other files
   * @param {string} lang the interface language of labels and cards (default: the site's)
   */
  constructor(data, base = null, fetchJson = defaultFetchJson, lang = null) {
    if (data.format !== FORMAT) throw new Error("the search files are of another version");
    this.data = data;
    this.lang = data.languages.includes(lang) ? lang : data.languages[0];
    this.size = data.size;
    this.base = base;
    this.fetchJson = fetchJson;
    this.files = new Map(); // file name -> Promise of its data
    this.text = null; // the text part, once a query has words
    this.shards = new Map(); // shard number -> its terms, once fetched
    this.lib = null; // analysis.js, loaded with the first words
    this.words = null; // what "did you mean" picks from, loaded when first needed
    this.facets = data.facets.map((coded) => {
      const facet = {
        name: coded.name,
        label: coded.label[this.lang],
        ordered: coded.ordered,
        inOrder: coded.inOrder,
        file: coded.file ?? null, // null: its column came with the facet part
        // once the column is read (see useColumn):
        values: null, // the values in display order
        ids: null, // value -> its position in `values`
        labels: null, // position -> label, where a value has one
        slugs: null, // per value its browse page's slug ("" for none)
        entries: null, // per entry its value ids
        members: null, // per value its entries
      };
      if (coded.column) this.useColumn(facet, coded.column);
      return facet;
    });
    this.byName = new Map(this.facets.map((f) => [f.name, f]));
    // search.RANGES and search.SORT_FIELDS as exported: the range filters as
    // [URL parameter, entry attribute, true for a lower bound], each sort but relevance and
    // title as sort key -> [entry attribute, true for descending]; the numbers of every
    // entry for each attribute they read come from the file data.numbers names
    this.ranges = data.ranges;
    this.sortFields = new Map(Object.entries(data.sortFields));
    this.numbers = new Map(); // attribute -> one number (or null) per entry, once read
    // Entries come in title order, the tie-break of every sort: an entry's number is its rank.
    this.titleRank = Int32Array.from({ length: this.size }, (_, i) => i);
    this.orders = new Map();
    this.termCache = new Map();
  }

  /** Load the facet part from `url` (the other files follow when first needed). */
  static async load(url, fetchJson = defaultFetchJson, lang = null) {
    const base = new URL(url, globalThis.location?.href);
    return new SearchEngine(await fetchJson(base), base, fetchJson, lang);
  }

  /** The URL of entry `i`'s card file, in the engine's language. */
  cardUrl(i) {
    return new URL(`${this.data.cards[this.lang]}${i}.html`, this.base);
  }

  /** Entry `i`'s card, the HTML the server renders, in the engine's language: its file
   * with the phrases of the phrase book beside it (fetched once) put back. */
  async card(i) {
    const [book, response] = await Promise.all([
      this.fetchFile(`${this.data.cards[this.lang]}phrases.json`),
      fetch(this.cardUrl(i)),
    ]);
    if (!response.ok) throw new Error(`card ${i}: HTTP ${response.status}`);
    return expanded(await response.text(), book);
  }

  /** The data of a file beside the facet part, fetched once. */
  fetchFile(name) {
    if (!this.files.has(name)) {
      const loading = this.fetchJson(new URL(name, this.base));
      loading.catch(() => this.files.delete(name)); // try again next time
      this.files.set(name, loading);
    }
    return this.files.get(name);
  }

  /** Read a facet's values and column (see exports.browser.facet_column). */
  useColumn(facet, column) {
    const values = frontDecoded(column.values);
    const entries = [];
    if (column.per) {
      // exports.browser.digits: `per` ids a character, in base (the number of values)
      const base = Math.max(values.length, 2);
      for (let i = 0; i < column.ids.length; i++) {
        let n = DIGIT[column.ids.charCodeAt(i)] ?? -1;
        if (n < 0) throw new Error(`the search file of ${facet.name} is damaged`);
        for (let k = 0; k < column.per && entries.length < this.size; k++) {
          entries.push([n % base]);
          n = Math.floor(n / base);
        }
      }
    } else if (column.single) {
      for (const v of unpacked(column.ids)) entries.push([v]);
    } else {
      const ids = unpacked(column.ids);
      let k = 0;
      while (k < ids.length) {
        const vs = [];
        let value = 0;
        for (let count = ids[k++]; count > 0; count--) vs.push((value += ids[k++]));
        entries.push(vs);
      }
    }
    const members = values.map(() => []);
    entries.forEach((vs, e) => vs.forEach((v) => members[v]?.push(e)));
    const slugs = frontDecoded(column.slugs);
    if (entries.length !== this.size || slugs.length !== values.length
        || entries.some((vs) => vs.some((v) => v >= values.length))) {
      throw new Error(`the search file of ${facet.name} is damaged`);
    }
    const labels = column.labels[this.lang];
    const valueIds = new Map(values.map((v, i) => [v, i]));
    Object.assign(facet, { values, ids: valueIds, labels, slugs, entries, members });
  }

  /**
   * Read the columns of the facets the URL parameters `params` name (a query string, or
   * anything with `getAll`) that came in files of their own, so that `parse` knows their
   * values, and Python's rules for characters beyond ASCII if a parameter has any;
   * returns the parameters, for `parse`.
   */
  async loadNamed(params) {
    if (typeof params === "string") params = parseQuery(params);
    if (!params.pairs || params.pairs.some(([k, v]) => beyondAscii(k) || beyondAscii(v))) {
      await loadUrlTables(); // Python's rules for what `parse` reads there
    }
    await Promise.all(
      this.facets
        .filter((f) => !f.entries && params.getAll(f.name).length)
        .map((f) => this.loadFacet(f)),
    );
    return params;
  }

  loadFacet(facet) {
    return this.fetchFile(facet.file).then((column) => {
      if (!facet.entries) this.useColumn(facet, column);
    });
  }

  /**
   * Load what `request` needs: the columns of the facets in `facets` (names; those it
   * filters by were read by `loadNamed` before it was parsed), the numbers it filters or
   * sorts by, and, when it has words, the analysis code, the text part and the shards of
   * its terms.
   */
  async prepare(request, { facets = [] } = {}) {
    const jobs = [];
    for (const facet of this.facets) {
      if (!facet.entries && facets.includes(facet.name)) jobs.push(this.loadFacet(facet));
    }
    if (request.q && !this.lib) this.lib = await import("./analysis.js");
    if (request.q) await this.lib.ready(request.q); // its Unicode tables, if q needs them
    const attrs = [...request.ranges.keys()].map((name) => this.ranges.find(([n]) => n === name)[1]);
    const sort = this.sortFields.get(this.effectiveSort(request));
    if (sort) attrs.push(sort[0]);
    for (const attr of new Set(attrs)) {
      if (this.numbers.has(attr)) continue;
      jobs.push(this.fetchFile(this.data.numbers[attr]).then((coded) => {
        const column = unpacked(coded.codes).map((c) => (c === 0 ? null : coded.values[c - 1]));
        if (column.length !== this.size || column.some((v) => v === undefined)) {
          throw new Error(`the search file of ${attr} is damaged`);
        }
        this.numbers.set(attr, column);
      }));
    }
    const terms = this.terms(request);
    if (terms.length) {
      if (!this.text) {
        const text = await this.fetchFile(this.data.text);
        if (text.format !== FORMAT || text.size !== this.size) {
          throw new Error("the text part does not match the facet part");
        }
        this.text ??= { ...text, firsts: frontDecoded(text.shards) };
      }
      for (const n of new Set(terms.map((t) => this.shardOf(t)))) {
        if (n >= 0 && !this.shards.has(n)) jobs.push(this.loadShard(n));
      }
    }
    await Promise.all(jobs);
  }

  /** The number of the shard that would hold `term` (-1: before the first). */
  shardOf(term) {
    const firsts = this.text.firsts;
    let lo = 0;
    let hi = firsts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (compareCodePoints(firsts[mid], term) <= 0) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  async loadShard(n) {
    const data = await this.fetchFile(`${this.text.folder}${n}.json`);
    const firsts = this.text.firsts;
    const terms = Object.keys(data.terms ?? {});
    const inRange = (t) =>
      compareCodePoints(t, firsts[n]) >= 0 && (n + 1 === firsts.length || compareCodePoints(t, firsts[n + 1]) < 0);
    if (data.format !== FORMAT || data.shard !== n || !terms.length || !terms.every(inRange)) {
      throw new Error(`search index shard ${n} is damaged`);
    }
    this.shards.set(n, data.terms);
  }

  /** The words "did you mean" picks from, with their counts, loaded once. */
  async loadWords() {
    if (this.words) return;
    const [data, spelling] = await Promise.all([
      this.fetchFile(this.text.words),
      import("./spelling.js"),
    ]);
    const counts = unpacked(data.counts);
    if (counts.length !== data.words.length) throw new Error("the word list is damaged");
    const byLength = new Map();
    for (const word of data.words) {
      const n = codePoints(word).length;
      if (!byLength.has(n)) byLength.set(n, []);
      byLength.get(n).push(word);
    }
    this.vocabulary = new Map(data.words.map((w, i) => [w, counts[i]]));
    this.vocabularyByLength = byLength;
    this.spelling = new Map();
    this.words = spelling;
  }

  /**
   * SearchEngine.search with its suggestion: load what `request` needs (see prepare),
   * search, and when the query finds fewer than three entries look for a better one.
   */
  async answer(request, { pageSize = this.data.pageSize, suggest = true, facets = [] } = {}) {
    await this.prepare(request, { facets });
    const answer = this.search(request, pageSize);
    if (suggest && answer.total < 3 && this.terms(request).length) {
      await this.loadWords();
      answer.suggestion = await this.words.suggest(this, request, answer.total);
    }
    return answer;
  }

  // Parsing ----------------------------------------------------------------------------

  /**
   * SearchEngine.parse: a clean request from URL parameters (a query string, or anything
   * with `getAll`); nothing here can throw. Values of a facet whose column is not read
   * yet are left out: `loadNamed(params)` first reads those the parameters name.
   */
  parse(params) {
    if (typeof params === "string") params = parseQuery(params);
    const first = (name, fallback) => {
      const values = params.getAll(name);
      return values.length ? values[0] : fallback;
    };
    const q = cut(clean(first("q", "")).split(" ").filter(Boolean).join(" "), this.data.maxQueryChars);
    const filters = new Map();
    for (const facet of this.facets) {
      if (!facet.ids) continue; // see loadNamed
      const chosen = params
        .getAll(facet.name)
        .slice(0, this.data.maxParamValues)
        .filter((v) => facet.ids.has(v));
      if (chosen.length) filters.set(facet.name, [...new Set(chosen)]);
    }
    const ranges = new Map();
    for (const [name] of this.ranges) {
      const raw = pyStrip(first(name, ""));
      const value = pyFloat(codePoints(raw).slice(0, 20).join(""));
      if (value !== null && Number.isFinite(value) && value >= 0) ranges.set(name, value);
    }
    const sort = first("sort", "");
    const rawPage = pyStrip(first("page", "1"));
    let page = 1;
    if (/^[0-9]+$/.test(rawPage)) {
      page = rawPage.length <= 9 ? Number(rawPage) : this.data.maxPage;
    }
    return {
      q,
      filters,
      ranges,
      sort: this.data.sorts.includes(sort) ? sort : "",
      page: Math.min(Math.max(page, 1), this.data.maxPage),
    };
  }

  /** The distinct index terms of the request's words (needs `prepare` first). */
  terms(request) {
    if (!request.q) return [];
    if (!this.lib) throw new Error("call prepare(request) before searching words");
    return [...new Set(this.lib.analyse(codePoints(request.q).slice(0, this.data.maxQueryChars).join("")))];
  }

  effectiveSort(request) {
    const hasTerms = this.terms(request).length > 0;
    if (request.sort && !(request.sort === "relevance" && !hasTerms)) return request.sort;
    return hasTerms ? "relevance" : "title";
  }

  /** SearchRequest.args: the URL parameters of a request, in the canonical order. */
  args(request, changes = {}) {
    const state = { ...request, ...changes };
    const out = [];
    if (state.q) out.push(["q", state.q]);
    for (const facet of this.facets) {
      for (const v of state.filters.get(facet.name) ?? []) out.push([facet.name, v]);
    }
    for (const [name] of this.ranges) {
      if (state.ranges.has(name)) out.push([name, numberText(state.ranges.get(name))]);
    }
    if (state.sort) out.push(["sort", state.sort]);
    if (state.page && state.page > 1) out.push(["page", String(state.page)]);
    return out;
  }

  /** SearchRequest.toggled: `value` of `facet` switched on or off, back on page 1. */
  toggled(request, facet, value) {
    const filters = new Map([...request.filters].map(([k, v]) => [k, [...v]]));
    const values = filters.get(facet) ?? [];
    filters.set(facet, values.includes(value) ? values.filter((v) => v !== value) : [...values, value]);
    return this.args(request, { filters, page: 1 });
  }

  // Searching --------------------------------------------------------------------------

  /** The entries holding `term` and each one's BM25F score for it, as Whoosh scores it. */
  term(term) {
    let cached = this.termCache.get(term);
    if (cached) {
      this.termCache.delete(term); // most recently used last
      this.termCache.set(term, cached);
      return cached;
    }
    const scores = new Float64Array(this.size);
    const has = new Uint8Array(this.size);
    const n = this.shardOf(term);
    if (n >= 0 && !this.shards.has(n)) throw new Error("call prepare(request) before searching");
    const records = n >= 0 && Object.hasOwn(this.shards.get(n), term) ? this.shards.get(n)[term] : [];
    // per field holding the term: [field, idf, entries as gaps, frequencies ("" for all 1),
    // the entries' stored field lengths], in the server's field order
    for (const [f, idf, gaps, frequencies, fieldLengths] of records) {
      const { boost, avg } = this.text.fields[f];
      const entries = unpacked(gaps);
      const tfs = frequencies ? unpacked(frequencies) : null;
      const lengths = unpacked(fieldLengths);
      let entry = 0;
      for (let k = 0; k < entries.length; k++) {
        entry += entries[k];
        const tf = tfs ? tfs[k] : 1;
        const norm = K1 * ((1 - B) + (B * lengths[k]) / avg);
        scores[entry] += (boost * idf * (tf * (K1 + 1))) / (tf + norm);
        has[entry] = 1;
      }
    }
    cached = { scores, has };
    this.termCache.set(term, cached);
    if (this.termCache.size > TERM_CACHE_SIZE) {
      this.termCache.delete(this.termCache.keys().next().value);
    }
    return cached;
  }

  /** The sort order `name` of every entry (all but relevance are fixed orders). */
  order(name) {
    if (!this.orders.has(name)) {
      const rank = this.titleRank;
      const n = this.size;
      const ids = Array.from({ length: n }, (_, i) => i);
      // Entries without a value (null) go last, whichever the direction; ties by title.
      const by = (key) => (a, b) =>
        (key(a) === null) - (key(b) === null) || key(a) - key(b) || rank[a] - rank[b];
      let key = (i) => rank[i]; // title
      if (name !== "title") {
        const [attr, descending] = this.sortFields.get(name);
        const column = this.numbers.get(attr);
        key = descending
          ? (i) => (column[i] === null ? null : -column[i])
          : (i) => column[i];
      }
      this.orders.set(name, Int32Array.from(ids.sort(by(key))));
    }
    return this.orders.get(name);
  }

  /**
   * SearchEngine.search: the page of results, its totals and the counts of every facet
   * whose column is read (null for the others); needs `prepare(request)` first. The
   * suggestion is left to `answer`.
   */
  search(request, pageSize = this.data.pageSize) {
    const n = this.size;
    const terms = this.terms(request);
    const termData = terms.map((t) => this.term(t));
    // restrict: the entries matching every word and every range
    const restrict = new Uint8Array(n).fill(1);
    for (const { has } of termData) for (let e = 0; e < n; e++) restrict[e] &= has[e];
    for (const [name, attr, lower] of this.ranges) {
      if (!request.ranges.has(name)) continue;
      const bound = request.ranges.get(name);
      const values = this.numbers.get(attr);
      for (let e = 0; e < n; e++) {
        const v = values[e]; // null: no value, never in a range
        if (restrict[e] && (v === null || !(lower ? v >= bound : v <= bound))) restrict[e] = 0;
      }
    }
    // Which selected facets each entry matches: one bit per selected facet.
    const selected = this.facets.filter((f) => request.filters.get(f.name)?.length);
    const matches = new Uint32Array(n);
    selected.forEach((facet, k) => {
      for (const value of request.filters.get(facet.name)) {
        for (const e of facet.members[facet.ids.get(value)]) matches[e] |= 1 << k;
      }
    });
    const all = selected.length === 32 ? 0xffffffff : (1 << selected.length) - 1;
    // One pass for the results and every facet's disjunctive counts: an entry that
    // matches every selected facet counts for all facets; one that misses exactly one
    // selected facet counts for that facet alone (as if its own selection were lifted).
    // facets not read yet are not counted: an empty list of entries' values
    const none = Array.from({ length: n }, () => []);
    const perEntry = this.facets.map((f) => f.entries ?? none);
    const counts = this.facets.map((f) => new Int32Array(f.values?.length ?? 0));
    const position = new Map(this.facets.map((f, i) => [f, i]));
    const selectedIndex = selected.map((f) => position.get(f));
    const final = [];
    for (let e = 0; e < n; e++) {
      if (!restrict[e]) continue;
      const missed = all & ~matches[e];
      if (missed === 0) {
        final.push(e);
        for (let f = 0; f < counts.length; f++) {
          const c = counts[f];
          for (const v of perEntry[f][e]) c[v]++;
        }
      } else if ((missed & (missed - 1)) === 0) {
        const f = selectedIndex[31 - Math.clz32(missed)];
        const c = counts[f];
        for (const v of perEntry[f][e]) c[v]++;
      }
    }
    const facets = {};
    this.facets.forEach((facet, f) => {
      facets[facet.name] = facet.entries
        ? this.facetList(facet, counts[f], request.filters.get(facet.name) ?? [])
        : null;
    });
    const total = final.length;
    const pages = Math.max(1, Math.ceil(total / pageSize));
    const page = Math.min(request.page, pages);
    const ordered = this.ordered(final, this.effectiveSort(request), termData, page * pageSize);
    return {
      total,
      page,
      pages,
      results: ordered.slice((page - 1) * pageSize, page * pageSize),
      facets,
      suggestion: null,
    };
  }

  /** SearchEngine._facet_list: the values to show, selected first, with their counts. */
  facetList(facet, counts, selectedValues) {
    const selectedIds = selectedValues.map((v) => facet.ids.get(v));
    const isSelected = new Set(selectedIds);
    const limit = Math.max(0, this.data.maxValuesPerFacet - selectedIds.length);
    const shown = facet.ordered
      ? firstShown(counts, isSelected, limit)
      : mostCounted(counts, isSelected, limit);
    const first = [
      ...selectedIds.filter((v) => v < facet.inOrder).sort((a, b) => a - b),
      ...selectedIds.filter((v) => v >= facet.inOrder),
    ];
    return [...first, ...shown].map((v) => ({
      value: facet.values[v],
      label: facet.labels[v] ?? facet.values[v],
      count: counts[v],
      selected: isSelected.has(v),
    }));
  }

  /** SearchEngine._order: the first `needed` of `final` in the order of `sort`. */
  ordered(final, sort, termData, needed) {
    if (sort === "relevance") {
      const rank = this.titleRank;
      const totals = new Float64Array(this.size);
      for (const e of final) {
        let total = termData[0].scores[e];
        for (let k = 1; k < termData.length; k++) total += termData[k].scores[e];
        totals[e] = total;
      }
      return smallest(final, needed, (a, b) => totals[b] - totals[a] || rank[a] - rank[b]);
    }
    const inFinal = new Uint8Array(this.size);
    for (const e of final) inFinal[e] = 1;
    const out = [];
    for (const e of this.order(sort)) {
      if (out.length >= needed) break;
      if (inFinal[e]) out.push(e);
    }
    return out;
  }
}

/** Undo export.front_coded: [n0, rest0, n1, rest1, ...] back to the values. */
function frontDecoded(coded) {
  const values = [];
  let previous = "";
  for (let i = 0; i < coded.length; i += 2) {
    previous = previous.slice(0, coded[i]) + coded[i + 1];
    values.push(previous);
  }
  return values;
}

/** The first `limit` values (in display order) counted at least once and not selected. */
function firstShown(counts, isSelected, limit) {
  const out = [];
  for (let v = 0; v < counts.length && out.length < limit; v++) {
    if (counts[v] > 0 && !isSelected.has(v)) out.push(v);
  }
  return out;
}

/**
 * The `limit` values counted most often (ties in display order), not selected: the same
 * as sorting every counted value, without sorting thousands of skills on every search.
 */
function mostCounted(counts, isSelected, limit) {
  let top = 0;
  for (let v = 0; v < counts.length; v++) if (counts[v] > top) top = counts[v];
  const histogram = new Int32Array(top + 1);
  for (let v = 0; v < counts.length; v++) {
    if (counts[v] > 0 && !isSelected.has(v)) histogram[counts[v]]++;
  }
  // the lowest count that makes the cut, and how many values with that count get in
  let floor = top;
  let above = 0;
  while (floor > 1 && above + histogram[floor] < limit) above += histogram[floor--];
  let room = Math.min(limit - above, histogram[floor]);
  const out = [];
  for (let v = 0; v < counts.length; v++) {
    const c = counts[v];
    if (c < floor || c === 0 || isSelected.has(v)) continue;
    if (c === floor) {
      if (room <= 0) continue;
      room--;
    }
    out.push(v);
  }
  return out.sort((a, b) => counts[b] - counts[a] || a - b);
}

/** The `needed` smallest of `ids` by `compare`, in order (a full sort when many). */
function smallest(ids, needed, compare) {
  if (needed >= ids.length / 4) return ids.slice().sort(compare).slice(0, needed);
  const best = [];
  for (const id of ids) {
    if (best.length === needed && compare(id, best[needed - 1]) >= 0) continue;
    let at = best.length === needed ? needed - 1 : best.length;
    while (at > 0 && compare(id, best[at - 1]) < 0) {
      best[at] = best[at - 1];
      at--;
    }
    best[at] = id;
    best.length = Math.min(best.length, needed);
  }
  return best;
}

async function defaultFetchJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}
