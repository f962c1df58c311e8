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

import { DIGIT_RANGES, SPACE_RANGES, UNPRINTABLE_RANGES } from "./url-tables.js";
import { decodeRanges, inRanges } from "./ranges.js";

const B = 0.75;
const K1 = 1.2;
const SPACE = decodeRanges(SPACE_RANGES);
const UNPRINTABLE = decodeRanges(UNPRINTABLE_RANGES);
const DIGITS = decodeRanges(DIGIT_RANGES);
const TERM_CACHE_SIZE = 200;

// ---- Python's string and number rules ---------------------------------------------------

const codePoints = (text) => Array.from(text);
const isSpace = (ch) => inRanges(SPACE, ch.codePointAt(0));

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
    else if (inRanges(SPACE, cp)) out += " ";
    else if (!inRanges(UNPRINTABLE, cp)) out += ch;
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
    if (inRanges(SPACE, cp)) ascii += " ";
    else if (cp > 0x7f && inRanges(DIGITS, cp)) {
      let zero = cp; // digits come in runs of ten starting at a zero
      while (inRanges(DIGITS, zero - 1)) zero--;
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

export class SearchEngine {
  /**
   * @param {object} data the facet part (facets.<hash>.json)
   * @param {URL|string} base where the facet part was loaded from; the text part and the
   *   cards are found beside it
   * @param {(url: URL) => Promise<any>} fetchJson how to load the text part
   * @param {string} lang the interface language of labels and cards (default: the site's)
   */
  constructor(data, base = null, fetchJson = null, lang = null) {
    this.data = data;
    this.lang = data.languages.includes(lang) ? lang : data.languages[0];
    this.size = data.size;
    this.base = base;
    this.fetchJson = fetchJson;
    this.text = null;
    this.lib = null; // analysis.js and spelling.js, loaded with the first words
    this.facets = data.facets.map((coded) => {
      const f = {
        ...coded,
        values: frontDecoded(coded.values),
        label: coded.label[this.lang],
        labels: coded.labels[this.lang],
      };
      const perEntry = f.entries.length && Array.isArray(f.entries[0]) ? f.entries : null;
      const entries = perEntry ?? f.entries.map((v) => [v]);
      const ids = new Map(f.values.map((v, i) => [v, i]));
      const members = f.values.map(() => []);
      entries.forEach((vs, e) => vs.forEach((v) => members[v].push(e)));
      return { ...f, entries, ids, members };
    });
    this.byName = new Map(this.facets.map((f) => [f.name, f]));
    // search.RANGES and search.SORT_FIELDS as exported: the range filters as
    // [URL parameter, entry attribute, true for a lower bound], each sort but relevance and
    // title as sort key -> [entry attribute, true for descending], and the number of every
    // entry for each attribute they read (dates as days, 0 for none)
    this.ranges = data.ranges;
    this.sortFields = new Map(Object.entries(data.sortFields));
    this.numbers = data.numbers;
    // Entries come in title order, the tie-break of every sort: an entry's number is its rank.
    this.titleRank = Int32Array.from({ length: this.size }, (_, i) => i);
    this.orders = new Map();
    this.termCache = new Map();
  }

  /** Load the facet part from `url` (the text part follows when first needed). */
  static async load(url, fetchJson = defaultFetchJson, lang = null) {
    const base = new URL(url, globalThis.location?.href);
    return new SearchEngine(await fetchJson(base), base, fetchJson, lang);
  }

  /** The URL of entry `i`'s card fragment, in the engine's language. */
  cardUrl(i) {
    return new URL(`${this.data.cards[this.lang]}${i}.html`, this.base);
  }

  /** Load what `request` needs: the analysis code and text part when it has words. */
  async prepare(request) {
    if (!request.q || (this.text && this.lib)) return;
    if (!this.lib) {
      const [analysis, spelling] = await Promise.all([
        import("./analysis.js"),
        import("./spelling.js"),
      ]);
      this.lib = { ...analysis, ...spelling };
    }
    if (this.terms(request).length && !this.text) {
      this.useText(await this.fetchJson(new URL(this.data.text, this.base)));
    }
  }

  /**
   * Give the engine its text part, and the exports of analysis.js and spelling.js,
   * directly (as the tests under Node do).
   */
  useText(text, lib = this.lib) {
    if (text.size !== this.size) throw new Error("text part does not match the facet part");
    this.lib = lib;
    const byLength = new Map();
    for (const word of text.words) {
      const n = codePoints(word).length;
      if (!byLength.has(n)) byLength.set(n, []);
      byLength.get(n).push(word);
    }
    this.vocabulary = new Map(text.words.map((w, i) => [w, text.wordCounts[i]]));
    this.vocabularyByLength = byLength;
    this.spelling = new Map();
    this.text = {
      idf: new Map(Object.entries(text.idf).map(([df, v]) => [Number(df), v])),
      fields: text.fields.map((f) => ({ ...f, terms: new Map(Object.entries(f.terms)) })),
    };
  }

  // Parsing ----------------------------------------------------------------------------

  /**
   * SearchEngine.parse: a clean request from URL parameters (a query string, or anything
   * with `getAll`); nothing here can throw.
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
    for (const field of this.text.fields) {
      const postings = field.terms.get(term);
      if (!postings) continue;
      const df = postings[0];
      const deltas = Array.isArray(postings[1]) ? postings[1] : postings.slice(1);
      const tfs = Array.isArray(postings[1]) ? postings[2] : null;
      const idf = this.text.idf.get(df);
      const { boost, avg, lengths } = field;
      let entry = 0;
      for (let k = 0; k < deltas.length; k++) {
        entry += deltas[k];
        const tf = tfs ? tfs[k] : 1;
        const norm = K1 * ((1 - B) + (B * lengths[entry]) / avg);
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
        const column = this.numbers[attr];
        key = descending
          ? (i) => (column[i] === null ? null : -column[i])
          : (i) => column[i];
      }
      this.orders.set(name, Int32Array.from(ids.sort(by(key))));
    }
    return this.orders.get(name);
  }

  /** SearchEngine.search: the page of results, its totals and the facet counts. */
  search(request, pageSize = this.data.pageSize, { suggest = true } = {}) {
    const n = this.size;
    const terms = this.terms(request);
    const termData = terms.map((t) => this.term(t));
    // restrict: the entries matching every word and every range
    const restrict = new Uint8Array(n).fill(1);
    for (const { has } of termData) for (let e = 0; e < n; e++) restrict[e] &= has[e];
    for (const [name, attr, lower] of this.ranges) {
      if (!request.ranges.has(name)) continue;
      const bound = request.ranges.get(name);
      const values = this.numbers[attr];
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
    const counts = this.facets.map((f) => new Int32Array(f.values.length));
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
          for (const v of this.facets[f].entries[e]) c[v]++;
        }
      } else if ((missed & (missed - 1)) === 0) {
        const f = selectedIndex[31 - Math.clz32(missed)];
        const c = counts[f];
        for (const v of this.facets[f].entries[e]) c[v]++;
      }
    }
    const facets = {};
    this.facets.forEach((facet, f) => {
      facets[facet.name] = this.facetList(facet, counts[f], request.filters.get(facet.name) ?? []);
    });
    const total = final.length;
    const pages = Math.max(1, Math.ceil(total / pageSize));
    const page = Math.min(request.page, pages);
    const ordered = this.ordered(final, this.effectiveSort(request), termData, page * pageSize);
    const suggestion =
      suggest && terms.length && total < 3 ? this.lib.suggest(this, request, total) : null;
    return {
      total,
      page,
      pages,
      results: ordered.slice((page - 1) * pageSize, page * pageSize),
      facets,
      suggestion,
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
