// The editor at /admin/ (docs/editing.md): Decap CMS's own widgets, taught the forms the
// catalogue's files hold. A git host serves each file as it is, so the form must take
// `start: on-demand` as well as a list of dates, a skill written as plain text as well as
// {name, uri}, and `language: en` as well as a list; and a field the editor does not touch
// must be written back exactly as it was read. Loaded after decap-cms.js, which reads its
// config only once this has run (it fetches config.yml first).
(function () {
  "use strict";
  const CMS = window.CMS;
  if (!CMS || !window.createClass) {
    return; // the bundle is missing: admin.html says so
  }
  const h = window.h;
  const { datedCollection, datedField } = document.currentScript.dataset;
  const MODE_KEY = "cms.md-mode"; // where Decap keeps the body editor's mode

  const isList = (value) => Boolean(value && value["@@__IMMUTABLE_LIST__@@"]);
  const isMap = (value) => Boolean(value && value["@@__IMMUTABLE_MAP__@@"]);
  const isBlank = (value) => value === undefined || value === null || value === "";

  // Decap's control `base`, shown `toForm(value)` and saving `toFile(change)`: the value
  // in the entry stays in the file's own form until the editor changes it.
  function adapted(base, toForm, toFile, fieldFor) {
    const Base = CMS.getWidget(base).control;
    return window.createClass({
      // Like Decap's lists: always update, so that a list's items show their own errors.
      shouldComponentUpdate() {
        return true;
      },
      isValid() {
        return this.inner && this.inner.isValid ? this.inner.isValid() : true;
      },
      focus(path) {
        if (this.inner && this.inner.focus) this.inner.focus(path);
      },
      keep(inner) {
        this.inner = inner;
      },
      change(value, metadata) {
        this.props.onChange(toFile(value, this.props.field), metadata);
      },
      render() {
        const field = fieldFor ? fieldFor(this.props.field) : this.props.field;
        return h(Base, {
          ...this.props,
          field,
          value: toForm(this.props.value, this.props.field),
          onChange: this.change,
          ref: this.keep,
        });
      },
    });
  }

  function text(value) {
    if (isList(value)) return value.map(text).join(", ");
    if (isMap(value)) return value.valueSeq().filter((v) => !isBlank(v)).join(" ");
    return isBlank(value) ? "" : String(value);
  }

  function preview(props) {
    return h("p", null, text(props.value));
  }

  // Start dates: `on-demand` is shown as no dates, and no dates are written `on-demand`.
  CMS.registerWidget(
    "catalogue-start",
    adapted(
      "list",
      (value) => (isList(value) ? value : undefined),
      (value) => (isList(value) && value.size === 0 ? "on-demand" : value),
    ),
    (props) => h("p", null, isList(props.value) ? text(props.value) : "on demand"),
  );

  // A list of text or of objects whose first field is that text (skills: name and uri;
  // careers: name and code). Each item is edited as the object; one with nothing but its
  // text is written as the text, as editors write it by hand. The item fields are kept
  // under `item_fields`, not `fields`, so that Decap's own walk through nested fields
  // (which expects every item to be an object) leaves the list as it is.
  const itemFields = (field) => field.set("fields", field.get("item_fields"));
  const textName = (field) => field.get("item_fields").first().get("name");
  CMS.registerWidget(
    "catalogue-items",
    adapted(
      "list",
      (value, field) =>
        isList(value)
          ? value.map((item) => (isMap(item) ? item : field.clear().set(textName(field), item)))
          : value,
      (value, field) =>
        isList(value)
          ? value.map((item) => {
              if (!isMap(item)) return item;
              const filled = item.filter((v) => !isBlank(v));
              const name = textName(field);
              if (filled.size === 1 && filled.has(name)) return filled.get(name);
              return filled.size ? filled : item;
            })
          : value,
      itemFields,
    ),
    preview,
  );

  // One of the choices or a list of them: one is written as itself, several as a list.
  CMS.registerWidget(
    "catalogue-choices",
    adapted(
      "select",
      (value, field) =>
        isBlank(value) || isList(value) ? value : field.get("options").clear().push(value),
      (value) => (isList(value) && value.size === 1 ? value.get(0) : value),
    ),
    preview,
  );

  // The pathway's picker of entries. Decap's shows only the slugs that name an entry, and
  // a change made in it writes only those: a slug whose entry is gone (deleted by hand, or
  // renamed) would vanish without a word. This one says which slugs name no entry, keeps
  // them through changes, and removes one only when asked to.
  const Relation = CMS.getWidget("relation").control;
  const slugsOf = (value) => (isList(value) ? value.toArray() : isBlank(value) ? [] : [value]);
  CMS.registerWidget(
    "catalogue-relation",
    window.createClass({
      getInitialState() {
        return { missing: [] };
      },
      componentDidMount() {
        this.checked = new Map(); // slug -> whether it names an entry
        this.check();
      },
      componentDidUpdate(previous) {
        if (previous.value !== this.props.value) this.check();
      },
      componentWillUnmount() {
        this.gone = true;
      },
      check() {
        const { field, loadEntry } = this.props;
        const unknown = slugsOf(this.props.value).filter((slug) => !this.checked.has(slug));
        const lookups = unknown.map((slug) =>
          loadEntry(field.get("collection"), slug).then(
            (entry) => this.checked.set(slug, Boolean(entry && entry.raw)),
            () => this.checked.set(slug, false),
          ),
        );
        Promise.all(lookups).then(() => {
          if (this.gone) return;
          const missing = slugsOf(this.props.value).filter((s) => this.checked.get(s) === false);
          if (missing.join() !== this.state.missing.join()) this.setState({ missing });
        });
      },
      shouldComponentUpdate() {
        return true;
      },
      isValid() {
        return this.inner && this.inner.isValid ? this.inner.isValid() : true;
      },
      keep(inner) {
        this.inner = inner;
      },
      change(value, metadata) {
        // the missing slugs were never shown, so the editor cannot have taken them out
        const kept = this.state.missing.filter((slug) => !slugsOf(value).includes(slug));
        let next = value;
        if (kept.length && isList(this.props.value)) {
          const start = isList(value) ? value : this.props.value.clear();
          next = kept.reduce((list, slug) => list.push(slug), start);
        }
        this.props.onChange(next, metadata);
      },
      remove(slug) {
        const left = isList(this.props.value) ? this.props.value.filter((s) => s !== slug) : null;
        this.setState({ missing: this.state.missing.filter((s) => s !== slug) });
        this.props.onChange(left);
      },
      render() {
        const { missing } = this.state;
        const note = missing.length
          ? h(
              "div",
              { role: "alert", style: { color: "#a3201d", padding: "8px 0" } },
              `Names no entry (kept as written; the pathway is not shown until it is fixed): `,
              ...missing.map((slug) =>
                h(
                  "span",
                  { key: slug, style: { marginRight: "12px" } },
                  h("code", null, slug),
                  " ",
                  h(
                    "button",
                    { type: "button", onClick: () => this.remove(slug) },
                    `Remove ${slug}`,
                  ),
                ),
              ),
            )
          : null;
        const picker = h(Relation, { ...this.props, onChange: this.change, ref: this.keep });
        return h("div", null, picker, note);
      },
    }),
    CMS.getWidget("relation").preview,
  );

  // Before a save: a field the editor emptied is left out, as if never written (the
  // loader reads an empty value as a mistake: `location: is empty`); and an entry made or
  // saved here is dated today, as `catalogue new` dates a new one. Done in the page, not by
  // the server, so that it is the same with a git host; the page names the collection and
  // the field to date.
  CMS.registerEventListener({
    name: "preSave",
    handler: ({ entry }) => {
      const data = entry.get("data").filter((value) => !isBlank(value));
      if (!datedField || entry.get("collection") !== datedCollection) return data;
      const now = new Date();
      const day = (n) => String(n).padStart(2, "0");
      const today = `${now.getFullYear()}-${day(now.getMonth() + 1)}-${day(now.getDate())}`;
      return data.set(datedField, today);
    },
  });

  // The body opens as Markdown, unless this editor chose Rich Text before: Decap opens
  // it in the mode last chosen, else Rich Text, which writes typed Markdown escaped.
  try {
    if (window.localStorage.getItem(MODE_KEY) === null) {
      window.localStorage.setItem(MODE_KEY, "raw");
    }
  } catch {
    // storage refused (a private window): Decap falls back to its own default
  }

  // The spreadsheet import's link (catalogue serve only) shows beside the lists of
  // entries, never over a form being filled in.
  const importLink = document.querySelector("a.import-link");
  if (importLink) {
    const place = () => {
      importLink.hidden = /\/(entries\/|new\b)/.test(window.location.hash);
    };
    window.addEventListener("hashchange", place);
    place();
  }
})();
