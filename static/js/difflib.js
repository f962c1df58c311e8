// The parts of Python's difflib (3.11) that "did you mean" uses: SequenceMatcher's
// ratio, quick_ratio and real_quick_ratio (no junk function, autojunk on) and
// get_close_matches. Sequences are strings, compared by code point as Python compares them.

export class SequenceMatcher {
  constructor(a = "", b = "") {
    this.setSeq2(b);
    this.setSeq1(a);
  }

  setSeq1(a) {
    this.a = Array.from(a);
    this.blocks = null;
  }

  setSeq2(b) {
    this.b = Array.from(b);
    this.blocks = null;
    this.fullbcount = null;
    // b2j: where each element of b occurs; with autojunk, elements that make up more than
    // 1% of a sequence of 200 or more are "popular" and left out.
    this.b2j = new Map();
    this.b.forEach((elt, j) => {
      if (!this.b2j.has(elt)) this.b2j.set(elt, []);
      this.b2j.get(elt).push(j);
    });
    const n = this.b.length;
    if (n >= 200) {
      const ntest = Math.floor(n / 100) + 1;
      for (const [elt, idxs] of [...this.b2j]) if (idxs.length > ntest) this.b2j.delete(elt);
    }
  }

  findLongestMatch(alo, ahi, blo, bhi) {
    const { a, b, b2j } = this;
    let besti = alo;
    let bestj = blo;
    let bestsize = 0;
    let j2len = new Map();
    for (let i = alo; i < ahi; i++) {
      const newj2len = new Map();
      for (const j of b2j.get(a[i]) ?? []) {
        if (j < blo) continue;
        if (j >= bhi) break;
        const k = (j2len.get(j - 1) ?? 0) + 1;
        newj2len.set(j, k);
        if (k > bestsize) {
          besti = i - k + 1;
          bestj = j - k + 1;
          bestsize = k;
        }
      }
      j2len = newj2len;
    }
    // Nothing is junk (no junk function), so extend over equal neighbours, popular or not.
    while (besti > alo && bestj > blo && a[besti - 1] === b[bestj - 1]) {
      besti--;
      bestj--;
      bestsize++;
    }
    while (besti + bestsize < ahi && bestj + bestsize < bhi && a[besti + bestsize] === b[bestj + bestsize]) {
      bestsize++;
    }
    return [besti, bestj, bestsize];
  }

  /** The total size of the matching blocks (what ratio needs of get_matching_blocks). */
  matches() {
    if (this.blocks === null) {
      let total = 0;
      const queue = [[0, this.a.length, 0, this.b.length]];
      while (queue.length) {
        const [alo, ahi, blo, bhi] = queue.pop();
        const [i, j, k] = this.findLongestMatch(alo, ahi, blo, bhi);
        if (!k) continue;
        total += k;
        if (alo < i && blo < j) queue.push([alo, i, blo, j]);
        if (i + k < ahi && j + k < bhi) queue.push([i + k, ahi, j + k, bhi]);
      }
      this.blocks = total;
    }
    return this.blocks;
  }

  ratio() {
    return calculateRatio(this.matches(), this.a.length + this.b.length);
  }

  quickRatio() {
    if (this.fullbcount === null) {
      this.fullbcount = new Map();
      for (const elt of this.b) this.fullbcount.set(elt, (this.fullbcount.get(elt) ?? 0) + 1);
    }
    const avail = new Map();
    let matches = 0;
    for (const elt of this.a) {
      const numb = avail.has(elt) ? avail.get(elt) : (this.fullbcount.get(elt) ?? 0);
      avail.set(elt, numb - 1);
      if (numb > 0) matches++;
    }
    return calculateRatio(matches, this.a.length + this.b.length);
  }

  realQuickRatio() {
    const la = this.a.length;
    const lb = this.b.length;
    return calculateRatio(Math.min(la, lb), la + lb);
  }
}

function calculateRatio(matches, length) {
  return length ? (2.0 * matches) / length : 1.0;
}

/** Python's str comparison: by code point (JavaScript's < compares UTF-16 units). */
export function compareStrings(x, y) {
  const a = Array.from(x, (c) => c.codePointAt(0));
  const b = Array.from(y, (c) => c.codePointAt(0));
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** difflib.get_close_matches(word, possibilities, n, cutoff) */
export function getCloseMatches(word, possibilities, n = 3, cutoff = 0.6) {
  const result = [];
  const s = new SequenceMatcher();
  s.setSeq2(word);
  for (const x of possibilities) {
    s.setSeq1(x);
    if (s.realQuickRatio() >= cutoff && s.quickRatio() >= cutoff && s.ratio() >= cutoff) {
      result.push([s.ratio(), x]);
    }
  }
  // heapq.nlargest(n, result): by score, then by the word itself, largest first
  result.sort((p, q) => q[0] - p[0] || compareStrings(q[1], p[1]));
  return result.slice(0, n).map(([, x]) => x);
}
