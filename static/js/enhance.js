// Small enhancements; every page works without this file.
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
for (const el of document.querySelectorAll("[data-js-only]")) el.hidden = false;
for (const el of document.querySelectorAll("[data-no-js]")) el.hidden = true;

// A sort nobody chose (the default for the results shown) is not sent with a new search, so
// that new words are sorted by best match. Disabled controls are left out of a submission.
document.addEventListener("submit", (event) => {
  if (event.defaultPrevented) return; // handled in the page (the static site's search)
  for (const control of event.target.elements) {
    if (control.hasAttribute("data-implicit")) control.disabled = true;
  }
});
// Coming back to a page from the history cache: the controls work again.
window.addEventListener("pageshow", () => {
  for (const control of document.querySelectorAll("[data-implicit]")) control.disabled = false;
});
