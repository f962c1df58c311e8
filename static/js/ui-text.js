// What the page's scripts write, in the page's language: the strings web.js_text puts in
// the page's #ui-text element, with %(name)s holes as in the gettext catalogues.

const element = document.getElementById("ui-text");
export const T = element ? JSON.parse(element.textContent) : null;

/** A string of T with its %(name)s holes filled; elements are put in as they are, and
 *  then a list of strings and elements comes back instead of a string. */
export function fill(text, values = {}) {
  const parts = text.split(/%\((\w+)\)s/);
  const out = parts.map((part, i) => (i % 2 ? values[part] : part));
  return out.every((p) => typeof p !== "object") ? out.join("") : out.filter((p) => p !== "");
}

/** A count of entries as the server writes it (Formats.count): "2,435", "2 435". */
export const count = (n) => String(n).replace(/\B(?=(\d{3})+$)/g, T.group);

/** The plural form of T.forms[name] for `n`, as gettext picks it (see i18n.plural_table). */
export function plural(name, n, values = {}) {
  const form = T.plural[n < 200 ? n : 100 + (n % 100)];
  return fill(T.forms[name][form], { num: count(n), ...values });
}
