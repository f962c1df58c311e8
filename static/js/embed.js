// The embed of a static build, and the search page's copy of it.
//
// On /embed/ (templates/embed.html): the page arrives as the server draws /embed/ with no
// query (the first page of every entry). This module loads the search files the search
// page uses, answers the URL's search with the same engine (search-engine.js) and redraws
// the total, the list and the link to the whole search as the server draws them. Each
// item is made from the entry's card, the fragment the search page shows, so labels,
// money and numbers are written exactly as there.
//
// On the search page (templates/_embed_snippet.html), where search-ui.js loads it when
// the embed panel is first opened: keeps the iframe to copy in step with the search that
// search-ui.js draws.

import { SearchEngine, parseQuery, urlencode } from "./search-engine.js";
import { T, fill, plural } from "./ui-text.js";

// ---- The embed --------------------------------------------------------------------------

function link(href, text) {
  const a = document.createElement("a");
  a.href = href;
  a.target = "_top"; // open at the top level, not inside the frame
  a.textContent = text;
  return a;
}

/** The embed's item for entry `i`, from its search card. */
async function item(engine, i) {
  const template = document.createElement("template");
  template.innerHTML = await engine.card(i); // our own build's markup, escaped when rendered
  const card = template.content.querySelector(".card");
  const article = card.querySelector("article");
  const title = card.querySelector(".card-title a");
  const issuer = card.querySelector(".issuer").firstChild; // the issuer, not the partners
  const heading = document.createElement("h2");
  heading.className = "embed-title";
  heading.append(link(title.getAttribute("href"), title.textContent));
  const by = document.createElement("p");
  by.className = "issuer";
  by.textContent = issuer.textContent.trim();
  const out = document.createElement("article");
  out.lang = article.lang;
  out.append(heading, by, card.querySelector(".facts"));
  const li = document.createElement("li");
  li.className = "embed-item";
  li.dataset.slug = card.dataset.slug;
  li.append(out);
  return li;
}

async function drawEmbed(root) {
  const text = JSON.parse(document.getElementById("embed-text").textContent);
  T.forms.seeAll = text.seeAll; // its plural forms beside the search page's
  const engine = await SearchEngine.load(root.dataset.index, undefined, root.dataset.lang);
  const request = { ...engine.parse(await engine.loadNamed(location.search)), page: 1 };
  const answer = await engine.answer(request, { suggest: false });
  const items = await Promise.all(answer.results.map((i) => item(engine, i)));

  const total = answer.total;
  root.querySelector(".embed-total").textContent = plural("count", total);
  const body = [];
  if (items.length) {
    const list = document.createElement("ol");
    list.className = "embed-list";
    list.append(...items);
    body.push(list);
  } else {
    const empty = document.createElement("p");
    empty.className = "embed-empty";
    empty.textContent = T.noMatch;
    body.push(empty);
  }
  const query = urlencode(engine.args(request));
  const more = document.createElement("p");
  more.className = "embed-more";
  const words = total
    ? plural("seeAll", total, { site: text.site })
    : fill(text.searchAll, { site: text.site });
  more.append(link(root.dataset.search + (query ? `?${query}` : ""), words));
  body.push(more);
  root.querySelector(".embed-body").replaceChildren(...body);
  root.dataset.rendered = "true"; // the page is the script's now (tests wait for this)
}

function embedFailed(root, error) {
  const note = document.createElement("p");
  note.className = "embed-note";
  note.setAttribute("role", "alert");
  note.textContent = T.loadFailed;
  root.querySelector(".embed-body").prepend(note);
  console.error(error);
}

const embedRoot = document.getElementById("embed-app");
if (embedRoot) drawEmbed(embedRoot).catch((error) => embedFailed(embedRoot, error));

// ---- The search page's iframe to copy ---------------------------------------------------

const code = document.getElementById("embed-code");

const attribute = (s) =>
  s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&#34;")
    .replace(/'/g, "&#39;");

/** The iframe of the embed of a search given as URL parameters, as views/embed.py writes it. */
function snippet(pairs) {
  const src = new URL(code.dataset.embed, location.href);
  const query = urlencode(pairs);
  const address = src.origin + src.pathname + (query ? `?${query}` : "");
  return (
    `<iframe src="${attribute(address)}" title="${attribute(code.dataset.title)}" ` +
    `width="100%" height="${code.dataset.height}" loading="lazy"></iframe>`
  );
}

if (code) {
  // The search search-ui.js drew last (this script loads when the panel opens), or until
  // one is drawn, the URL's parameters but the page and those left blank.
  const drawn = document.getElementById("search-app")?.dataset.args;
  const pairs = parseQuery(location.search).pairs.filter(([k, v]) => v !== "" && k !== "page");
  code.value = snippet(drawn ? JSON.parse(drawn) : pairs);
  // Then the search as search-ui.js drew it, its parameters as the server writes them.
  document.addEventListener("catalogue:rendered", (event) => {
    if (event.detail?.args) code.value = snippet(event.detail.args);
  });
}
