// The compare page of a static build: reads ?c=slug&c=slug... as the server does (unknown
// entries ignored, the first data-max kept) and builds the table from each entry's column,
// exported by `catalogue build` from the same template the server renders it with (the
// phrases the columns share written once, in the folder's phrases.json: see phrases.js).

import { expanded } from "./phrases.js";
import { T, fill } from "./ui-text.js";

const app = document.getElementById("compare-app");
const body = app.querySelector(".compare-body");
const rows = JSON.parse(app.dataset.rows);
const max = Number(app.dataset.max);
const CELL = "<!--cell-->";

function parse(html) {
  // a column's cells are table cells: parse them inside a row, as the browser would
  const template = document.createElement("template");
  template.innerHTML = `<table><tr>${html.split(CELL).join("</tr><tr>")}</tr></table>`;
  return [...template.content.querySelectorAll("tr")].map((tr) => tr.firstElementChild);
}

let phrases; // the columns' phrase book, fetched once

function phraseBook() {
  phrases ??= fetch(`${app.dataset.columns}phrases.json`).then((response) => {
    if (!response.ok) throw new Error(`the compare columns' phrase book: HTTP ${response.status}`);
    return response.json();
  });
  return phrases;
}

async function column(slug) {
  const [book, response] = await Promise.all([
    phraseBook(),
    fetch(`${app.dataset.columns}${encodeURIComponent(slug)}.html`),
  ]);
  if (response.status === 404) return null; // an unknown entry: left out, as on the server
  if (!response.ok) throw new Error(`the compare column of ${slug}: HTTP ${response.status}`);
  const cells = parse(expanded(await response.text(), book)); // a damaged file throws
  // the head and a cell a row: anything else is not a column (another page, say)
  if (cells.length !== rows.length + 1) throw new Error(`the compare column of ${slug} is damaged`);
  return cells;
}

function text(tag, content, attrs = {}) {
  const el = document.createElement(tag);
  el.textContent = content;
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

async function show() {
  const query = new URLSearchParams(location.search);
  const wanted = [...new Set(query.getAll("c").slice(0, 50))];
  if (!wanted.length) return; // the page as built explains how to choose
  const found = (await Promise.all(wanted.map(column)))
    .map((cells, i) => cells && { slug: wanted[i], cells })
    .filter(Boolean);
  if (!found.length) return;
  const shown = found.slice(0, max);
  const table = document.createElement("table");
  table.className = "compare";
  table.append(text("caption", T.compareCaption, { class: "visually-hidden" }));
  const head = table.createTHead().insertRow();
  head.append(document.createElement("td"), ...shown.map((c) => c.cells[0]));
  const tbody = table.createTBody();
  rows.forEach((label, r) => {
    const row = tbody.insertRow();
    row.append(text("th", label, { scope: "row" }), ...shown.map((c) => c.cells[r + 1]));
  });
  const scroll = document.createElement("div");
  scroll.className = "compare-scroll";
  scroll.tabIndex = 0;
  scroll.setAttribute("role", "region");
  scroll.setAttribute("aria-label", T.compareTable);
  scroll.append(table);
  const parts = [];
  if (found.length > max) {
    parts.push(
      text(
        "p",
        fill(T.compareDropped, { max }),
        { class: "compare-note" },
      ),
    );
  }
  body.replaceChildren(...parts, scroll);
  try {
    sessionStorage.setItem("catalogue-compare", JSON.stringify(shown.map((c) => c.slug)));
  } catch {
    // storage refused: nothing to remember
  }
}

show().catch((error) => {
  // a host that lost or mangled a file: say so, never show a table put together wrongly
  console.error(error);
  body.replaceChildren(text("p", T.compareFailed, { class: "compare-note", role: "alert" }));
});
