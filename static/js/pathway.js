// A pathway page: tick the micro-credentials you already hold, and see the hours, weeks
// and cost that are left. The ticks are kept in this browser (localStorage), no account.
const KEY = "catalogue:held";
const summary = document.getElementById("held-summary");
const steps = [...document.querySelectorAll(".step[data-slug]")];

function load() {
  try {
    const held = JSON.parse(localStorage.getItem(KEY) || "[]");
    return new Set(Array.isArray(held) ? held : []);
  } catch {
    return new Set();
  }
}

function save(held) {
  try {
    localStorage.setItem(KEY, JSON.stringify([...held].sort()));
  } catch {
    // private browsing without storage: the ticks last as long as the page
  }
}

// The least of a measure left: every required step not held, and of the electives not
// held, as many as are still to choose, those with the least of it.
function left(held, measure, choose) {
  const open = steps.filter((s) => !held.has(s.dataset.slug));
  const required = open.filter((s) => s.dataset.required === "true");
  const electives = open.filter((s) => s.dataset.required !== "true");
  const heldElectives = steps.filter((s) => s.dataset.required !== "true" && held.has(s.dataset.slug));
  const still = Math.max(0, choose - heldElectives.length);
  const options = electives.map(measure).sort((a, b) => a - b).slice(0, still);
  const sum = (values) => values.reduce((a, b) => a + b, 0);
  return { total: sum(required.map(measure)) + sum(options), done: required.length === 0 && still === 0 };
}

function show(held) {
  const text = summary.dataset;
  const choose = Number(text.choose || 0);
  const lang = text.lang || document.documentElement.lang;
  const number = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  const plural = new Intl.PluralRules(lang);
  const hours = left(held, (s) => Number(s.dataset.learning), choose);
  const weeks = left(held, (s) => Number(s.dataset.duration), choose);
  const currencies = [...new Set(steps.map((s) => s.dataset.currency))];
  const totals = currencies.map((currency) => [currency, left(held, (s) => (s.dataset.currency === currency ? Number(s.dataset.price) : 0), choose).total]);
  const costs = totals.map(([currency, total]) => {
    const options = { style: "currency", currency, currencyDisplay: "narrowSymbol", minimumFractionDigits: Number.isInteger(total) ? 0 : 2 };
    return new Intl.NumberFormat(lang, options).format(total);
  });
  const free = totals.every(([, total]) => total === 0);
  const weekText = plural.select(weeks.total) === "one" ? text.weekOne : text.weekOther;
  summary.querySelector('[data-left="learning"]').textContent = text.hoursText.replace("{}", number.format(hours.total));
  summary.querySelector('[data-left="duration"]').textContent = weekText.replace("{}", number.format(weeks.total));
  summary.querySelector('[data-left="price"]').textContent = free ? text.free : costs.join(" + ");
  // a step not published yet is in no sum: holding all the rest is not holding it all
  const toCome = Number(text.toCome || 0);
  summary.querySelector(".held-done").hidden = !hours.done || toCome > 0;
  if (toCome > 0) {
    summary.querySelector(".held-so-far").hidden = !hours.done;
    summary.querySelector(".held-to-come").hidden = hours.done;
  }
  for (const step of steps) {
    step.classList.toggle("held", held.has(step.dataset.slug));
  }
}

if (summary && steps.length) {
  const held = load();
  for (const step of steps) {
    const box = step.querySelector(".held-box");
    const label = step.querySelector(".held-label");
    box.hidden = false;
    label.hidden = false;
    box.checked = held.has(step.dataset.slug);
    box.addEventListener("change", () => {
      if (box.checked) held.add(step.dataset.slug);
      else held.delete(step.dataset.slug);
      save(held);
      show(held);
    });
  }
  summary.hidden = false;
  show(held);
}
