// The search page of a static build: answers /search/?... in the browser.
//
// The page arrives with the first page of every entry, in a <noscript>, and facet links to
// the browse pages, for visitors without JavaScript (templates/search.html). This
// module loads the exported search files, reads the state from the URL and redraws the
// results, chips, pagination and facets as templates/search.html draws them. Links and
// the form keep their URLs; clicks and submits update the page without a reload and push
// the new URL, so back, forward, bookmarks and shared links all work.

import { SearchEngine, urlencode, numberText } from "./search-engine.js";
import { T, count, fill, plural } from "./ui-text.js";

const root = document.getElementById("search-app");
const form = document.getElementById("search-form");
const results = root.querySelector(".results-body");
const countLine = document.getElementById("results-h");
const sortSelect = document.getElementById("sort");
const aside = root.querySelector(".facets");
const searchPath = new URL(form.action, location.href).pathname;
const sortLabels = new Map([...sortSelect.options].map((o) => [o.value, o.textContent]));
const openFacets = new Set(); // facets whose "show more" the visitor opened
const countedFacets = new Set(); // facets of many values the visitor asked to count
const cards = new Map(); // entry -> Promise of its card's HTML
let engine = null;
let analysis = null;
let current = 0; // the latest render; an older one that finishes late is dropped

// ---- Small helpers ----------------------------------------------------------------------

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value == null) continue;
    el.setAttribute(name, value === true ? "" : value);
  }
  el.append(...children.flat().filter((c) => c != null && c !== false));
  return el;
}

const searchUrl = (pairs) => {
  const query = urlencode(pairs);
  return searchPath + (query ? `?${query}` : "");
};

/** model.number_label: 40.0 as "40", 12.5 as "12.5" (for form fields). */
function numberLabel(value) {
  return Number.isInteger(value) ? numberText(value) : value.toFixed(2).replace(/0+$/, "");
}

/** i18n.Formats.number: numberLabel with the language's decimal sign ("12,5"). */
function number(value) {
  return numberLabel(value).replace(".", T.decimal);
}

/** i18n.MoneyFormat in the catalogue's currency (the cost filter's). */
function money(value) {
  if (value === 0) return T.free;
  const digits = Number.isInteger(value) ? 0 : 2;
  const amount = value
    .toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })
    .replace(/[,.]/g, (sign) => (sign === "," ? T.money.group : T.money.decimal));
  return `${T.money.prefix}${amount}${T.money.suffix}`;
}

// ---- Rendering --------------------------------------------------------------------------

function chips(request) {
  const out = [];
  if (request.q) {
    out.push(["q", T.search, fill(T.quoted, { words: request.q }), engine.args(request, { q: "" })]);
  }
  for (const facet of engine.facets) {
    for (const value of request.filters.get(facet.name) ?? []) {
      const label = facet.labels[facet.ids.get(value)] ?? value;
      out.push([facet.name, facet.label, label, engine.toggled(request, facet.name, value)]);
    }
  }
  for (const [name, value] of request.ranges) {
    const ranges = new Map([...request.ranges].filter(([k]) => k !== name));
    const chip = T.ranges[name]; // web.RANGE_CHIPS: its text, the value's name, money or not
    const args = engine.args(request, { ranges, page: 1 });
    if (chip.money && value === 0) {
      out.push([name, T.costKind, T.freeOnly, args]); // not "Range: up to Free"
      continue;
    }
    const label = fill(chip.text, { [chip.value]: chip.money ? money(value) : number(value) });
    out.push([name, T.range, label, args]);
  }
  return out.map(([name, kind, label, pairs]) => ({ name, kind, label, url: searchUrl(pairs) }));
}

function pagination(answer, request) {
  if (answer.pages <= 1) return null;
  const link = (n, text, attrs = {}) =>
    h("li", {}, h("a", { href: searchUrl(engine.args(request, { page: n })), ...attrs }, text));
  const items = [];
  const { page, pages } = answer;
  if (page > 1) items.push(link(page - 1, T.previous, { rel: "prev" }));
  const first = Math.max(1, page - 2);
  const last = Math.min(pages, page + 2);
  const gap = () => h("li", { class: "gap", "aria-hidden": "true" }, "…");
  if (first > 1) {
    items.push(link(1, "1"));
    if (first > 2) items.push(gap());
  }
  for (let n = first; n <= last; n++) {
    items.push(link(n, String(n), n === page ? { "aria-current": "page" } : {}));
  }
  if (last < pages) {
    if (last < pages - 1) items.push(gap());
    items.push(link(pages, String(pages)));
  }
  if (page < pages) items.push(link(page + 1, T.next, { rel: "next" }));
  return h("nav", { class: "pagination", "aria-label": T.pages }, h("ul", {}, items));
}

function facetValue(request, facetName, v) {
  return h(
    "li",
    {},
    h(
      "a",
      {
        class: v.selected ? "facet-value is-selected" : "facet-value",
        href: searchUrl(engine.toggled(request, facetName, v.value)),
        "data-facet": facetName,
        "data-value": v.value,
      },
      h("span", { class: "box", "aria-hidden": "true" }),
      h("span", { class: "facet-label" }, v.label),
      " ",
      h("span", { class: "count" }, String(v.count)),
      v.selected ? h("span", { class: "visually-hidden" }, ` ${T.selected}`) : null,
    ),
  );
}

/**
 * A facet of many values (skills, say) whose column is not loaded: its name and a
 * button that loads and counts it. Its values are counted from then on.
 */
function uncountedFacet(facet) {
  const button = h(
    "button",
    { type: "button", class: "facet-load", "aria-describedby": `facet-${facet.name}` },
    T.showValues,
  );
  button.addEventListener("click", () => {
    countedFacets.add(facet.name);
    button.disabled = true;
    render(location.search, { focus: { facet: facet.name } }).catch(showFailure);
  });
  return h(
    "div",
    { class: "facet facet-uncounted" },
    h("h3", { id: `facet-${facet.name}` }, facet.label),
    button,
  );
}

function facetsPanel(answer, request) {
  const groups = [];
  for (const name of root.dataset.facets.split(" ")) {
    const facet = engine.byName.get(name);
    const values = answer.facets[name];
    if (values === null) {
      // nothing found and none of its values chosen: it has no value to offer either
      if (answer.total > 0 || request.filters.has(name)) groups.push(uncountedFacet(facet));
      continue;
    }
    if (!values.length) continue;
    const item = (v) => facetValue(request, facet.name, v);
    let more = null;
    if (values.length > 10) {
      more = h(
        "details",
        { class: "more", open: openFacets.has(facet.name), "data-facet": facet.name },
        h("summary", {}, plural("more", values.length - 10)),
        h("ul", {}, values.slice(10).map(item)),
      );
      more.addEventListener("toggle", () => {
        if (more.open) openFacets.add(facet.name);
        else openFacets.delete(facet.name);
      });
    }
    groups.push(
      h(
        "div",
        { class: "facet" },
        h("h3", { id: `facet-${facet.name}` }, facet.label),
        h("ul", {}, values.slice(0, 10).map(item)),
        more,
      ),
    );
  }
  return groups.length ? [h("h2", { class: "facets-title" }, T.filter), ...groups] : [];
}

/** Mark the words of `el`'s text whose index term is searched for, as the server does. */
function highlight(el, terms) {
  if (!el || !terms.size) return;
  const text = el.textContent;
  const parts = [];
  let last = 0;
  for (const [start, end] of analysis.tokenSpans(text)) {
    const word = text.slice(start, end);
    if (!terms.has(analysis.stem(analysis.fold(word)))) continue;
    parts.push(text.slice(last, start), h("mark", {}, word));
    last = end;
  }
  parts.push(text.slice(last));
  el.replaceChildren(...parts.filter((p) => p !== ""));
}

/** A card's compare tick, as the server's card macro writes it (the card files leave it out). */
function compareTick(li) {
  return h(
    "label",
    { class: "compare-tick", lang: T.lang, hidden: true, "data-js-only": true },
    h("input", { type: "checkbox", name: "c", value: li.dataset.slug }),
    ` ${T.compare}`,
    h("span", { class: "visually-hidden" }, ` ${li.querySelector(".card-title").textContent}`),
  );
}

function card(entry, terms) {
  if (!cards.has(entry)) {
    const loading = engine.card(entry);
    loading.catch(() => cards.delete(entry)); // try again next time
    cards.set(entry, loading);
  }
  return cards.get(entry).then(async (html) => {
    const template = document.createElement("template");
    template.innerHTML = html; // our own build's markup, escaped when it was rendered
    const li = template.content.firstElementChild;
    li.querySelector(".card-title").after(compareTick(li));
    const marked = [li.querySelector(".card-title a"), li.querySelector(".summary")];
    if (terms.size) await analysis.ready(marked.map((el) => el?.textContent ?? "").join(" "));
    for (const el of marked) highlight(el, terms);
    return li;
  });
}

// The feed that follows the search. A static site has no search feed: a search that is
// one facet value alone follows that value's browse feed (the value's browse slug comes
// with its facet's column), anything else the site's feed.
const feedLink = document.getElementById("search-feed");
const feedHead = document.getElementById("search-feed-head");

function feedFor(request) {
  const site = { url: feedLink.dataset.siteFeed, text: feedLink.dataset.siteText };
  const chosen = [...request.filters].flatMap(([name, values]) => values.map((v) => [name, v]));
  if (request.q || request.ranges.size || chosen.length !== 1) return site;
  const [name, value] = chosen[0];
  const facet = engine.byName.get(name);
  const slug = facet.slugs?.[facet.ids.get(value)];
  if (!slug) return site;
  const url = feedLink.dataset.pattern.replace("__facet__", name).replace("__value__", slug);
  return { url, text: feedLink.dataset.searchText };
}

function showFeed({ url, text }) {
  feedLink.href = feedHead.href = url;
  feedLink.textContent = feedHead.title = text;
}

function syncForm(request) {
  form.elements.q.value = request.q;
  for (const input of form.querySelectorAll("input[type=hidden]")) input.remove();
  const hidden = [];
  for (const [name, values] of request.filters) {
    for (const value of values) hidden.push(h("input", { type: "hidden", name, value }));
  }
  form.querySelector(".searchbar-row").after(...hidden);
  for (const [name] of engine.data.ranges) {
    form.elements[name].value = request.ranges.has(name)
      ? numberLabel(request.ranges.get(name))
      : "";
  }
  form.querySelector("details.ranges").open = request.ranges.size > 0;
}

async function render(query, { focus = null } = {}) {
  const id = ++current;
  const request = engine.parse(await engine.loadNamed(query));
  root.setAttribute("aria-busy", "true");
  const answer = await engine.answer(request, { facets: [...countedFacets] });
  if (request.q && !analysis) analysis = await import("./analysis.js");
  const terms = new Set(engine.terms(request));
  const items = await Promise.all(answer.results.map((e) => card(e, terms)));
  const feed = feedFor(request);
  if (id !== current) return; // a newer render has started
  root.removeAttribute("aria-busy");
  root.dataset.rendered = String(id); // the page is the script's now (tests wait for this)
  showFeed(feed);

  document.title = (request.q ? `${request.q} – ` : "") + `${T.title} – ${T.siteName}`;
  syncForm(request);
  const effective = engine.effectiveSort(request);
  sortSelect.toggleAttribute("data-implicit", !request.sort);
  sortSelect.replaceChildren(
    ...engine.data.sorts
      .filter((key) => key !== "relevance" || terms.size)
      .map((key) => h("option", { value: key, selected: key === effective }, sortLabels.get(key))),
  );
  const total = h("span", { "data-total": String(answer.total) }, count(answer.total));
  countLine.replaceChildren(
    ...plural("count", answer.total, { num: total }),
    ...(answer.pages > 1
      ? [" ", h("span", { class: "sub" }, fill(T.pageOf, answer))]
      : []),
  );

  const body = [];
  const active = chips(request);
  if (active.length) {
    body.push(
      h(
        "ul",
        { class: "chips", "aria-label": T.activeFilters },
        active.map((c) =>
          h(
            "li",
            {},
            h(
              "a",
              { href: c.url, "aria-label": fill(T.remove, c) },
              h("span", { class: "chip-kind" }, c.kind),
              ` ${c.label} `,
              h("span", { "aria-hidden": "true" }, "×"),
            ),
          ),
        ),
        h("li", {}, h("a", { class: "clear", href: searchPath }, T.clearAll)),
      ),
    );
  }
  if (answer.suggestion) {
    const url = searchUrl(engine.args(request, { q: answer.suggestion, page: 1 }));
    body.push(
      h(
        "p",
        { class: "suggestion" },
        fill(T.didYouMean, { suggestion: h("a", { href: url }, answer.suggestion) }),
      ),
    );
  }
  if (items.length) {
    body.push(h("ol", { class: "cards" }, items));
  } else {
    const last = active[active.length - 1];
    body.push(
      h(
        "div",
        { class: "empty" },
        h("h3", {}, T.noMatch),
        h(
          "p",
          {},
          T.tryFewer,
          last
            ? [
                ": ",
                h(
                  "a",
                  { href: last.url },
                  fill(T.removeLast, {
                    what: last.name === "q" ? last.label : fill(T.quoted, { words: last.label }),
                  }),
                ),
              ]
            : null,
          ".",
        ),
      ),
    );
  }
  body.push(pagination(answer, request));
  results.replaceChildren(...body.filter(Boolean));
  aside.replaceChildren(...facetsPanel(answer, request));
  // args: the search drawn, as the server's SearchRequest.args (for embed.js's snippet)
  const args = engine.args(request, { page: 1 });
  root.dataset.args = JSON.stringify(args); // for embed.js, which loads later
  document.dispatchEvent(new CustomEvent("catalogue:rendered", { detail: { args } }));

  if (focus?.facet && focus.value === undefined) {
    // a facet just counted: its first value, or its heading when it has none
    const found = aside.querySelector(`a.facet-value[data-facet="${CSS.escape(focus.facet)}"]`);
    (found ?? aside).focus();
  } else if (focus?.facet) {
    const selector = `a.facet-value[data-facet="${CSS.escape(focus.facet)}"][data-value="${CSS.escape(focus.value)}"]`;
    (aside.querySelector(selector) ?? aside).focus();
  } else if (focus === "results") {
    countLine.setAttribute("tabindex", "-1");
    countLine.focus();
    countLine.scrollIntoView({ block: "start" });
  }
}

/**
 * A search file that could not be loaded or read (a host that dropped one, say): no
 * results rather than wrong ones, the reason, and the browse pages, which need no script.
 */
function showFailure(error) {
  current++; // a render still under way must not draw over this
  root.removeAttribute("aria-busy");
  root.dataset.failed = "";
  const drawn = root.dataset.rendered !== undefined;
  const alert = h(
    "p",
    { class: "empty", role: "alert" },
    `${drawn ? T.searchFailed : T.loadFailed} `,
    h("a", { href: form.action.replace(/search\/?$/, "browse/") }, drawn ? T.browseAll : T.browseInstead),
    ".",
  );
  if (drawn) {
    results.replaceChildren(alert); // what was drawn answered another search
    countLine.replaceChildren(T.title);
  } else {
    // the page as it arrived: every entry, with links that work, in the <noscript> list
    // kept for visitors without JavaScript (whose text is that list's markup): shown now
    for (const kept of results.querySelectorAll("noscript")) kept.outerHTML = kept.textContent;
    results.prepend(alert);
  }
  console.error(error);
}

// The embed panel's script loads when the panel is first opened: few visitors do.
const embedPanel = document.querySelector("details.embed-snippet[data-script]");
embedPanel?.addEventListener("toggle", () => {
  if (embedPanel.open) import(embedPanel.dataset.script).catch((error) => console.error(error));
});

function go(url, focus) {
  const target = new URL(url, location.href);
  history.pushState(null, "", target.pathname + target.search);
  render(target.search, { focus }).catch(showFailure);
}

root.addEventListener("click", (event) => {
  const link = event.target.closest("a[href]");
  if (!link || event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const target = new URL(link.href, location.href);
  if (target.origin !== location.origin || target.pathname !== searchPath) return;
  // a link within this page ("Filter these results", a skip link) is left to the browser
  if (target.hash && target.search === location.search) return;
  event.preventDefault();
  const focus = link.dataset.facet
    ? { facet: link.dataset.facet, value: link.dataset.value }
    : link.closest(".pagination")
      ? "results"
      : null;
  go(target, focus);
});

form.addEventListener("submit", (event) => {
  event.preventDefault();
  // What the browser would put in the URL: the form's fields, the sort menu among them
  // unless nobody chose it (see enhance.js).
  const data = new URLSearchParams(new FormData(form));
  if (sortSelect.hasAttribute("data-implicit")) data.delete("sort");
  // a range left empty is no range: not an empty parameter in the address (the words stay)
  for (const [name, value] of [...data]) if (value === "" && name !== "q") data.delete(name);
  go(`${searchPath}?${data}`, null);
});

window.addEventListener("popstate", () => render(location.search).catch(showFailure));

SearchEngine.load(root.dataset.index, undefined, root.dataset.lang)
  .then((loaded) => {
    engine = loaded;
    return render(location.search);
  })
  .catch(showFailure);
