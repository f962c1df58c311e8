// exports.phrases: the files a folder of cards or compare columns holds are each the
// entry's slug, SLUG, then its HTML with a code character for each phrase of the folder's
// phrase book, phrases.json (and SLUG for the slug); a file that starts with "<" is the
// HTML as it is.
const SLUG = "\x01";

/** The place in the phrase book of character code `c`, or -1 for a character of the file's own. */
function phraseIndex(c) {
  if (c >= 0xe000 && c <= 0xf8ff) return 25 + c - 0xe000;
  if (c >= 14 && c < 32) return c - 7;
  return c >= 2 && c < 9 ? c - 2 : -1;
}

/** exports.phrases.expanded: the HTML a file holds, with `book` its folder's phrase book. */
export function expanded(text, book) {
  if (text.startsWith("<")) return text;
  const cut = text.indexOf(SLUG);
  if (cut < 0) throw new Error("a phrase-coded file is damaged");
  let card = "";
  for (let i = cut + 1; i < text.length; i++) {
    const n = phraseIndex(text.charCodeAt(i));
    if (n >= book.length) throw new Error("a phrase-coded file is damaged");
    card += n < 0 ? text[i] : book[n];
  }
  return card.replaceAll(SLUG, text.slice(0, cut));
}
