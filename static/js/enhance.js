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
  const select = event.target.closest("select[data-autosubmit]");
  if (!select || !select.form || !pointerChose) return;
  if (select.form.requestSubmit) select.form.requestSubmit();
  else select.form.submit();
});
