// Sets of code points, stored as ranges (see scripts/gen_unicode_tables.py).

// Sorted boundaries [start0, end0, start1, end1, ...]; a code point is in the set when
// the number of boundaries <= it is odd.
export function decodeRanges(text) {
  const nums = text.split(",").map((s) => parseInt(s, 36));
  const out = new Uint32Array(nums.length);
  let prev = 0;
  for (let i = 0; i < nums.length; i += 2) {
    out[i] = prev + nums[i];
    out[i + 1] = out[i] + nums[i + 1];
    prev = out[i + 1];
  }
  return out;
}

/** Whether `text` has a character beyond ASCII: what only the Unicode tables, loaded when
 * needed (unicode-tables.js, url-tables.js), can read as Python does. */
export const beyondAscii = (text) => /[^\x00-\x7f]/.test(text);

export function inRanges(bounds, cp) {
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (bounds[mid] <= cp) lo = mid + 1;
    else hi = mid;
  }
  return (lo & 1) === 1;
}
