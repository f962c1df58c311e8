// Small enhancements; every page works without this file.
import { T, fill, plural } from "./ui-text.js";

// The sort menu applies itself when chosen with a pointer. From the keyboard, arrowing
// through a closed menu fires "change" at every step, so there the Sort button applies it.
let pointerChose = false;
document.addEventListener("pointerdown", (event) => {
  pointerChose = Boolean(event.target.closest("select[data-autosubmit]"));
});
document.addEventListener("keydown", () => {
  pointerChose = false;
});
document.addEventListener("change", (event) => {
  event.target.removeAttribute("data-implicit"); // chosen now, so it is sent
  const select = event.target.closest("select[data-autosubmit]");
  if (!select || !select.form || !pointerChose) return;
  if (select.form.requestSubmit) select.form.requestSubmit();
  else select.form.submit();
});

// Parts of a static build that need JavaScript (the search forms) are hidden in its HTML,
// and the notes written for visitors without JavaScript are hidden here.
function reveal() {
  for (const el of document.querySelectorAll("[data-js-only]")) el.hidden = false;
  for (const el of document.querySelectorAll("[data-no-js]")) el.hidden = true;
}
reveal();
document.addEventListener("catalogue:rendered", reveal); // and in what the search page drew

// A sort nobody chose (the default for the results shown) is not sent with a new search, so
// that new words are sorted by best match. Disabled controls are left out of a submission.
document.addEventListener("submit", (event) => {
  if (event.defaultPrevented) return; // handled in the page (the static site's search)
  for (const control of event.target.elements) {
    if (control.hasAttribute("data-implicit")) control.disabled = true;
    // a range left empty is no range: not an empty parameter in the address
    if (control.type === "number" && control.value === "") control.disabled = true;
  }
});
// Coming back to a page from the history cache: the controls work again.
window.addEventListener("pageshow", () => {
  for (const control of document.querySelectorAll("[data-implicit]")) control.disabled = false;
});

// Compare: the ticks are remembered for this visit (across pages of results, browse pages
// and pathways), at most T.maxCompare (web.MAX_COMPARE), and "Compare ticked" opens all of
// them. The limit and the texts come with the page's #ui-text; a page without it is left as
// the server drew it (its ticks are sent with its own form).
const COMPARE_KEY = "catalogue-compare";
function ticked() {
  try {
    return JSON.parse(sessionStorage.getItem(COMPARE_KEY) || "[]").slice(0, T.maxCompare);
  } catch {
    return [];
  }
}
function remember(slugs) {
  try {
    sessionStorage.setItem(COMPARE_KEY, JSON.stringify(slugs));
  } catch {
    // storage refused (private mode): the ticks on this page still work
  }
}
function showTicks() {
  if (!T) return;
  const max = T.maxCompare;
  const slugs = ticked();
  for (const box of document.querySelectorAll(".compare-form input[name=c]")) {
    box.checked = slugs.includes(box.value);
    box.disabled = !box.checked && slugs.length >= max;
  }
  for (const bar of document.querySelectorAll(".compare-bar")) {
    bar.classList.toggle("is-active", slugs.length > 0);
    const status = bar.querySelector(".compare-status");
    const full = slugs.length >= max;
    status.textContent = slugs.length
      ? plural(full ? "full" : "ticked", slugs.length, { max: String(max) })
      : fill(T.tickUpTo, { max });
    bar.querySelector("button").textContent = slugs.length
      ? fill(T.compareN, { num: slugs.length })
      : T.compareTicked;
  }
}
document.addEventListener("change", (event) => {
  const box = event.target.closest(".compare-form input[name=c]");
  if (!box || !T) return;
  const slugs = ticked().filter((s) => s !== box.value);
  if (box.checked) slugs.push(box.value);
  remember(slugs.slice(0, T.maxCompare));
  showTicks();
});
document.addEventListener("submit", (event) => {
  const form = event.target.closest(".compare-form");
  if (!form || event.defaultPrevented || !T) return;
  const slugs = ticked();
  if (!slugs.length) return; // the page's own ticks (none): the compare page explains
  event.preventDefault();
  const query = slugs.map((s) => `c=${encodeURIComponent(s)}`).join("&");
  window.location.assign(`${form.action}?${query}`);
});
document.addEventListener("catalogue:rendered", showTicks); // the static search page redrew
window.addEventListener("pageshow", showTicks);
showTicks();

// The link to this page in another language keeps the search and filters, also after the
// static search page has changed the address without loading a page.
function keepQuery() {
  for (const link of document.querySelectorAll("a[data-keep-query]")) {
    const url = new URL(link.href);
    url.search = location.search;
    link.setAttribute("href", url.pathname + url.search + url.hash);
  }
}
keepQuery();
document.addEventListener("catalogue:rendered", keepQuery);
