"""Over a hundred XSS vectors in entry bodies and front matter, through every output.

The body payloads of tests/test_render.py and about sixty more aimed at front-matter
fields (attribute, script, JSON, template, CSV and Unicode contexts) are written into a
copy of the search test catalogue, which is then served live (every page, in English and
French, the JSON API, the CSV, the feed and the sitemap) and frozen (every page and
fragment of the build), and finally opened in Chromium. No payload may come out as
markup that runs: no foreign script element, no event handler, no script URL, no tag
outside what the templates and the Markdown sanitiser produce, no style attribute, no
JSON that can close its script element; the CSV neutralises formulas; and where a payload
is shown it shows as the text it is.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import pytest
from markupsafe import escape

from catalogue.content import load
from catalogue.content.markdown import ALLOWED_TAGS
from catalogue.fields import FIELDS_BY_NAME

from .conftest import DATA
from .static_site import card_files
from .test_render import PAYLOADS

# The vectors --------------------------------------------------------------------------

# Marks set by the payloads that would run in a browser (checked in Chromium).
XSS_MARK = "window.__xss=1"

# Aimed at front-matter fields: each is written into one text field and one list field of
# an entry (see `fm_entries`), and into that entry's body.
FRONT_MATTER = {
    "attr-break-script": '"><script>alert(1)</script>',
    "attr-break-single-img": "'><img src=x onerror=alert(1)>",
    "attr-break-xss-mark": f'"><img src=x onerror="{XSS_MARK}">',
    "attr-break-single-svg": f"'><svg onload={XSS_MARK}>",
    "script-close": "</script><script>alert(1)</script>",
    "script-close-upper": "</SCRIPT ><ScRiPt>alert(1)</sCrIpT>",
    "comment-open-script": "<!--<script>",
    "comment-close-script": "--><script>alert(1)</script>",
    "conditional-comment": "<!--[if IE]><script>alert(1)</script><![endif]-->",
    "cdata": "<![CDATA[<script>alert(1)</script>]]>",
    "xml-processing-instruction": '<?xml version="1.0"?><x:script>alert(1)</x:script>',
    "title-close": "</title><script>alert(1)</script>",
    "textarea-close": "</textarea><script>alert(1)</script>",
    "style-close": "</style><script>alert(1)</script>",
    "noscript-close": "</noscript><img src=x onerror=alert(1)>",
    "jinja-expression": "{{7*7}}",
    "jinja-raw": "{% raw %}{{7*7}}{% endraw %}",
    "jinja-config": "{{ config.items() }}",
    "jinja-loop": "{% for x in range(3) %}loop{% endfor %}",
    "jinja-comment": "{# hidden #}shown",
    "json-line-separators": "Line\u2028separator\u2029paragraph </script><!--",
    "json-break-out": '"}]}</script><script>alert(1)</script>',
    "json-unicode-escape-text": "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "double-escape": "&lt;script&gt;alert(1)&lt;/script&gt;",
    "double-escape-amp": "&amp;lt;img src=x onerror=alert(1)&amp;gt;",
    "numeric-entities": "&#60;script&#62;alert(1)&#60;/script&#62;",
    "js-string-single": "';alert(1);//",
    "js-string-double": '";alert(1);//',
    "js-template-literal": "${alert(1)}`-alert(1)-`",
    "csv-command": "=cmd|' /C calc'!A0",
    "csv-plus": "+1+1",
    "csv-minus": "-1+1",
    "csv-at": "@SUM(1)",
    "csv-tab": "\t=1",
    "csv-carriage-return": "\r=1",
    "csv-hyperlink": '=HYPERLINK("http://evil.example","click")',
    "fullwidth-brackets": "＜script＞alert(1)＜/script＞",
    "small-form-brackets": "\ufe64script\ufe65alert(1)\ufe64/script\ufe65",
    "rtl-override": "\u202egnp.exe\u202c <b>rtl</b>",
    "bidi-isolates": "\u2066<script>\u2069alert(1)",
    "zero-width-in-tag": "<scr\u200bipt>alert(1)</scr\u200bipt>",
    "combining-mark": "<s\u0336cript>alert(1)</s\u0336cript>",
    "emoji-around-script": "\U0001f600<script>alert(1)</script>\U0001f600",
    "long-attribute": '" ' + "a" * 5000 + ' onmouseover="alert(1)',
    "long-title": "<img src=x onerror=alert(1)>" + "x" * 110,
    "img-xss-mark": f'<img src=x onerror="{XSS_MARK}">',
    "svg-xss-mark": f"<svg/onload={XSS_MARK}>",
    "details-ontoggle": f'<details/open/ontoggle="{XSS_MARK}">',
    "a-javascript": '<a href="javascript:alert(1)">click</a>',
    "markdown-link-javascript": "[click](javascript:alert(1))",
    "data-url-text": "data:image/svg+xml,<svg onload=alert(1)>",
    "meta-refresh": '<meta http-equiv=refresh content="0;url=data:text/html,<script>">',
    "iframe-srcdoc": '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;">',
    "base-href": '<base href="//evil.example/">',
    "form-action": "<form action=javascript:alert(1)><input type=image src=x onerror=alert(1)>",
    "button-formaction": '<button formaction="javascript:alert(1)">go</button>',
    "event-words": "x onfocus=alert(1) autofocus x",
    "mathml-mxss": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "noscript-mxss": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "percent-encoded": "%3Cscript%3Ealert(1)%3C/script%3E",
    "path-traversal": "../../../etc/passwd",
}

# Accepted as a url or skill uri (http(s), no white space), payload and all: they land in
# href attributes and in JSON-LD.
GOOD_URLS = {
    "url-attr-break": 'https://college.example/enrol?x="><script>alert(1)</script>',
    "url-single-quote": "https://college.example/'onmouseover='alert(1)'",
    "url-fragment-javascript": "https://college.example/#javascript:alert(1)",
    "uri-img": 'https://esco.example/skill/"><img/src=x/onerror=alert(1)>',
}

# Refused by the loader: (field, value, the message it must give).
REFUSED_URLS = {
    "url-javascript": ("url", "javascript:alert(1)"),
    "url-javascript-mixed-case": ("url", "JaVaScRiPt:alert(1)"),
    "url-javascript-leading-space": ("url", "  javascript:alert(1)"),
    "url-javascript-script-close": ("url", "javascript:/*</script><svg/onload=alert(1)>*/"),
    "url-vbscript": ("url", "vbscript:msgbox(1)"),
    "url-data": ("url", "data:text/html,<script>alert(1)</script>"),
    "url-protocol-relative": ("url", "//evil.example/x"),
    "url-entity-colon": ("url", "javascript&colon;alert(1)"),
    # a skill {name: "<b>x</b>", uri: ...}
    "uri-javascript": ("skills", "javascript:alert(document.domain)"),
    "uri-data": ("skills", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="),
}

# tests/test_render.py's body payloads, plus two that set the mark the browser test reads
BODY = {
    **PAYLOADS,
    "img-xss-mark": f"<img src=x onerror={XSS_MARK} alt=body>",
    "svg-xss-mark": f"<svg onload={XSS_MARK}>",
}

VECTORS = {
    **{f"body:{k}": v for k, v in BODY.items()},
    **{f"front-matter:{k}": v for k, v in FRONT_MATTER.items()},
    **{f"url:{k}": v for k, v in GOOD_URLS.items()},
    **{f"refused:{k}": v for k, (_, v) in REFUSED_URLS.items()},
}


# Writing the catalogue ------------------------------------------------------------------


def yaml_quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar: every non-ASCII character and control escaped,
    so the file itself holds nothing the loader refuses (U+2028 arrives through YAML)."""
    out = []
    for ch in text:
        if ch in '\\"':
            out.append("\\" + ch)
        elif " " <= ch <= "~":
            out.append(ch)
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'


def front_matter(values: dict) -> str:
    lines = ["---"]
    for key, value in values.items():
        if isinstance(value, list):
            lines.append(f"{key}:")
            for item in value:
                if isinstance(item, dict):
                    first, *rest = item.items()
                    lines.append(f"  - {first[0]}: {yaml_quoted(first[1])}")
                    lines += [f"    {k}: {yaml_quoted(v)}" for k, v in rest]
                else:
                    lines.append(f"  - {yaml_quoted(item) if isinstance(item, str) else item}")
        elif isinstance(value, str) and key not in ("delivery", "level", "updated"):
            lines.append(f"{key}: {yaml_quoted(value)}")
        else:
            lines.append(f"{key}: {value}")
    return "\n".join([*lines, "---", ""])


def base_entry(n: int) -> dict:
    return {
        "title": f"Safe entry {n}",
        "summary": "A sample entry that carries hostile text.",
        "issuer": "Cedar Ridge College",
        "partners": ["Voltway Fleet Services"],
        "delivery": ("online", "in-person", "hybrid")[n % 3],
        "hours": 10 + n,
        "weeks": 1 + n % 10,
        "cost": (0, 120, 650, 1500)[n % 4],
        "skills": [f"Plain skill {n}"],
        "framework": "ESCO",
        "assessment": "A supervised practical task with a short written reflection afterwards.",
        "level": ("introductory", "intermediate", "advanced")[n % 3],
        "updated": f"2026-{1 + n % 12:02d}-{10 + n % 18:02d}",
    }


SCALARS = ("title", "summary", "issuer", "framework", "field", "assessment", "credential")
LISTS = ("partners", "skills", "stacks_into")
PER_ENTRY = 6


def fits(field: str, text: str) -> bool:
    limit = FIELDS_BY_NAME[field].max_length
    return limit is None or len(text.strip()) <= limit


def fm_entries() -> dict[str, tuple[dict, str]]:
    """slug -> (front matter, body) of the entries carrying the front-matter vectors."""
    names = list(FRONT_MATTER)
    urls = list(GOOD_URLS.values())
    out = {}
    for n, start in enumerate(range(0, len(names), PER_ENTRY)):
        group = [FRONT_MATTER[k] for k in names[start : start + PER_ENTRY]]
        values = base_entry(n)
        # every text field gets one of the group's payloads, each field a different one
        # from entry to entry; a payload too long for a field leaves it plain
        for i, field in enumerate(SCALARS + ("location",)):
            payload = group[(i + n) % len(group)]
            if field == "assessment":
                payload += " A supervised practical task with a short written reflection."
            if fits(field, payload):
                values[field] = payload
        # and every payload goes into one list field (facet values, pathways, browse pages)
        for i, payload in enumerate(group):
            key = LISTS[i % len(LISTS)]
            items = values.setdefault(key, [])
            if key == "partners" and items == ["Voltway Fleet Services"]:
                items.clear()
            items.append(payload)
        values["language"] = ["fr"] if n % 4 == 3 else ["en"]
        values["url"] = urls[n % len(urls)]
        values["start"] = "on-demand" if n % 2 else [f"2027-0{1 + n % 9}-11"]
        if n == 0:
            values["skills"].append({"name": "<b>x</b>", "uri": GOOD_URLS["uri-img"]})
        body = "## Hostile text\n\n" + "\n\n".join(group)
        out[f"xss-fm-{n:02d}"] = (values, body)
    return out


def body_entries() -> dict[str, tuple[dict, str]]:
    """The body payloads, a dozen to an entry, and all of them in one more entry."""
    names = list(BODY)
    out = {}
    for n, start in enumerate(range(0, len(names), 13)):
        values = base_entry(40 + n)
        values["title"] = f"Body payloads {n} script alert"
        # JSON-LD's description, beside the body
        values["summary"] = FRONT_MATTER[("json-line-separators", "json-break-out")[n % 2]]
        out[f"xss-body-{n}"] = (values, "\n\n".join(BODY[k] for k in names[start : start + 13]))
    values = base_entry(50)
    values["title"] = "Every body payload at once"
    out["xss-body-all"] = (values, "\n\n".join(BODY.values()))
    return out


CSV_VECTORS = ("csv-command", "csv-plus", "csv-minus", "csv-at", "csv-tab", "csv-carriage-return")


def csv_entry() -> dict[str, tuple[dict, str]]:
    """One entry whose CSV columns each start with a formula vector."""
    cmd, plus, minus, at, tab, cr = (FRONT_MATTER[k] for k in CSV_VECTORS)
    values = base_entry(55)
    values.update(
        title=cmd,
        summary=plus,
        issuer=minus,
        partners=[at, "Voltway Fleet Services"],
        skills=[tab, "Reading a test report"],
        field=cr,
        credential=FRONT_MATTER["csv-hyperlink"],
        stacks_into=[at],
        location=minus,
        url="https://college.example/=1+1",
    )
    return {"xss-csv": (values, "=1+1")}


def refused_entries() -> dict[str, tuple[dict, str]]:
    out = {}
    for n, (name, (field, value)) in enumerate(REFUSED_URLS.items()):
        values = base_entry(60 + n)
        if field == "url":
            values["url"] = value
        else:
            values["skills"] = [{"name": "<b>x</b>", "uri": value}]
        out[f"xss-refused-{name}"] = (values, "A plain description.")
    return out


def refused_message(value: str) -> str:
    return f"expected an http or https address; got '{value.strip()[:80]}'"


@pytest.fixture(scope="module")
def content(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("xss") / "content"
    shutil.copytree(DATA / "search", folder)
    toml = folder / "site.toml"
    toml.write_text('languages = ["en", "fr"]\n' + toml.read_text(encoding="utf-8"), "utf-8")
    for slug, (values, body) in {
        **fm_entries(),
        **body_entries(),
        **csv_entry(),
        **refused_entries(),
    }.items():
        (folder / "credentials" / f"{slug}.md").write_text(
            front_matter(values) + "\n" + body + "\n", encoding="utf-8"
        )
    return folder


@pytest.fixture(scope="module")
def catalogue(content):
    return load(content)


@pytest.fixture(scope="module")
def live(content, tmp_path_factory):
    from catalogue.web import create_app

    app = create_app(
        content, index_dir=tmp_path_factory.mktemp("xss-index"), show_content_errors=True
    )
    return app.test_client()


@pytest.fixture(scope="module")
def frozen(content, tmp_path_factory) -> Path:
    from catalogue.build import freeze

    out = tmp_path_factory.mktemp("xss-build") / "dist"
    freeze(content, out, "http://127.0.0.1/x/")
    return out


# The checks -------------------------------------------------------------------------------

TEMPLATE_TAGS = {
    "html", "head", "body", "title", "meta", "link", "script",
    "header", "footer", "main", "nav", "section", "article", "aside", "div", "span", "p",
    "h1", "h2", "h3", "h4", "h5", "h6", "a", "img", "ul", "ol", "li", "dl", "dt", "dd",
    "table", "caption", "thead", "tbody", "tr", "th", "td", "form", "input", "label",
    "select", "option", "button", "details", "summary", "time", "strong", "code", "br",
    "mark", "textarea", "output", "noscript",
}  # fmt: skip
PAGE_TAGS = TEMPLATE_TAGS | ALLOWED_TAGS
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "poster", "background", "data",
    "srcset", "cite", "ping", "manifest", "codebase", "dynsrc", "lowsrc",
}  # fmt: skip
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
JSON_TYPES = {"application/json", "application/ld+json"}
ALLOWED_COMMENTS = {"cell"}  # the compare table's cell separator (catalogue/web.py CELL)


def bare_url(value: str) -> str:
    """A URL as a browser reads its scheme: without white space or control characters."""
    return re.sub(r"[\x00-\x20\x7f-\x9f]", "", value).casefold()


def static_script(src: str) -> bool:
    parts = urlsplit(src)
    return (
        not parts.scheme
        and not parts.netloc
        and parts.path.startswith("/")
        and "/static/" in parts.path
        and ".." not in parts.path
    )


class PageChecker(HTMLParser):
    """Everything in a page that could run: reported as one line each."""

    def __init__(self, where: str):
        super().__init__(convert_charrefs=True)
        self.where = where
        self.problems: list[str] = []
        self.script: dict | None = None
        self.script_text: list[str] = []

    def problem(self, what: str) -> None:
        line, col = self.getpos()
        snippet = (self.get_starttag_text() or "")[:200]
        self.problems.append(f"{self.where}:{line}:{col}: {what} in {snippet!r}")

    def handle_starttag(self, tag, attrs):
        if tag not in PAGE_TAGS:
            self.problem(f"tag <{tag}> is not one the templates or the sanitiser make")
        for name, value in attrs:
            if name.startswith("on"):
                self.problem(f"event handler {name}")
            if name == "style":
                self.problem("style attribute")
            if name == "srcdoc":
                self.problem("srcdoc attribute")
            if name in URL_ATTRIBUTES and bare_url(value or "").startswith(BAD_SCHEMES):
                self.problem(f"{name} with a script or data URL")
        a = dict(attrs)
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "refresh":
            self.problem("meta refresh")
        if tag == "script":
            kind = (a.get("type") or "").strip().lower()
            if kind in JSON_TYPES and "src" not in a:
                self.script = {"type": kind}
            elif "src" in a and static_script(a["src"] or "") and kind in ("", "module"):
                self.script = {"type": "src"}
            else:
                self.problem("script that is neither a static file nor JSON")
                self.script = {"type": "bad"}
            self.script_text = []

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.handle_endtag("script")

    def handle_data(self, data):
        if self.script is not None:
            self.script_text.append(data)

    def handle_endtag(self, tag):
        if tag != "script" or self.script is None:
            return
        text = "".join(self.script_text)
        kind = self.script["type"]
        self.script = None
        if kind == "src" and text.strip():
            self.problem("inline code in a script with a src")
        if kind in JSON_TYPES:
            lowered = text.lower()
            for bad in ("</script", "<!--"):
                if bad in lowered:
                    self.problem(f"{bad!r} inside {kind}")
            try:
                json.loads(text)
            except ValueError as exc:
                self.problem(f"{kind} that is not JSON ({exc}): {text[:200]!r}")

    def handle_comment(self, data):
        if data.strip() not in ALLOWED_COMMENTS:
            self.problems.append(f"{self.where}:{self.getpos()[0]}: comment <!--{data[:200]}-->")

    def unknown_decl(self, data):
        self.problems.append(f"{self.where}:{self.getpos()[0]}: declaration <![{data[:200]}]>")

    def handle_pi(self, data):
        self.problems.append(f"{self.where}:{self.getpos()[0]}: processing instruction <?{data}>")

    def close(self):
        super().close()
        if self.script is not None:
            self.problems.append(f"{self.where}: script element never closed")


def page_problems(html: str, where: str = "page") -> list[str]:
    checker = PageChecker(where)
    checker.feed(html)
    checker.close()
    return checker.problems


class TextOf(HTMLParser):
    """A page's text as a reader sees it, and what it shows in a few places."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.h1: list[str] = []
        self.title: list[str] = []
        self.description: str | None = None
        self.q: str | None = None
        self.jsonld: list[str] = []
        self.stack: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and a.get("name") == "description":
            self.description = a.get("content")
        if tag == "input" and a.get("name") == "q" and self.q is None:
            self.q = a.get("value") or ""
        if tag == "script" and a.get("type") == "application/ld+json":
            self.stack.append("ld")
        elif tag in ("h1", "title", "script"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in ("h1", "title", "script") and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        where = self.stack[-1] if self.stack else None
        if where == "ld":
            self.jsonld.append(data)
        elif where != "script":
            self.text.append(data)
            if where == "h1":
                self.h1.append(data)
            if where == "title":
                self.title.append(data)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_item(item: str | dict) -> str:
    """A list item as the CSV writes it: a skill's framework address in <>, a career's code
    before its name (so that `catalogue import` reads them back)."""
    if isinstance(item, str):
        return item
    if item.get("uri"):
        return f"{item['name']} <{item['uri']}>"
    return f"{item['code']} {item['name']}" if item.get("code") else item["name"]


def csv_problems(text: str, sources: dict[str, dict]) -> list[str]:
    """Cells a spreadsheet would run, and text cells that do not hold their source text
    (with a quote in front exactly when the source starts like a formula)."""
    problems = []
    for row in csv.DictReader(io.StringIO(text, newline="")):
        source = sources.get(row["slug"], {})
        for column, cell in row.items():
            if cell[:1] in FORMULA_STARTS:
                problems.append(f"{row['slug']}: {column} starts like a formula: {cell[:80]!r}")
            value = source.get(column)
            if isinstance(value, list) and all(isinstance(v, str | dict) for v in value):
                value = "; ".join(cell_item(v) for v in value)
            if isinstance(value, str):
                want = "'" + value if value[:1] in FORMULA_STARTS else value
                if cell != want:
                    problems.append(f"{row['slug']}: {column} is {cell[:80]!r}, not {want[:80]!r}")
    return problems


XHTML = "{http://www.w3.org/1999/xhtml}"


def feed_problems(raw: bytes, where: str = "feed") -> list[str]:
    """Markup a feed reader would render: XHTML elements, HTML content, raw script tags."""
    problems = []
    lowered = raw.decode("utf-8").lower()
    for bad in ("<script", "<![cdata["):
        if bad in lowered:
            problems.append(f"{where}: raw {bad!r}")
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as exc:
        return [*problems, f"{where}: not XML: {exc}"]
    for element in root.iter():
        if element.tag.startswith(XHTML):
            problems.append(f"{where}: XHTML element {element.tag}")
        if element.get("type") in ("html", "xhtml", "text/html"):
            problems += page_problems(element.text or "", f"{where} {element.tag} (html)")
        for name, value in element.attrib.items():
            if bare_url(value).startswith(BAD_SCHEMES):
                problems.append(f"{where}: {element.tag} {name}={value[:80]!r}")
    return problems


# The checks can fail ----------------------------------------------------------------------

UNSAFE_PAGES = {
    "inline-script": "<p>x</p><script>alert(1)</script>",
    "foreign-script": '<script src="https://evil.example/x.js"></script>',
    "relative-foreign-script": '<script src="/uploads/x.js"></script>',
    "typed-script": '<script type="text/javascript">alert(1)</script>',
    "self-closed-script": '<script src="/static/js/x.js">alert(1)</script>',
    "handler": "<img src=x onerror=alert(1)>",
    "handler-in-allowed-tag": '<a href="/" onmouseover="alert(1)">x</a>',
    "javascript-href-entity-tab": '<a href=" jav&#x09;ascript:alert(1)">x</a>',
    "vbscript-href": '<a href="VBScript:msgbox(1)">x</a>',
    "data-src": '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
    "iframe": '<iframe src="https://evil.example/"></iframe>',
    "formaction": '<form action="/search/"><button formaction="javascript:alert(1)">go</button>',
    "svg-xlink": '<svg><a xlink:href="javascript:alert(1)">x</a></svg>',
    "style-attribute": '<p style="color:red">x</p>',
    "jsonld-closes-script": (
        '<script type="application/ld+json">{"a": "</script><script>alert(1)</script>"}</script>'
    ),
    "json-comment-open": '<script type="application/json">{"a": "<!--"}</script>',
    "json-not-json": '<script type="application/json">{a: 1}</script>',
    "comment": "<!--<script>-->",
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=/x">',
    "base": '<base href="//evil.example/">',
    "cdata": "<![CDATA[x]]>",
    "unclosed-script": "<script>alert(1)",
}

SAFE_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>&lt;script&gt; – Site</title>
<script type="module" src="/x/static/js/enhance.js"></script>
<script type="application/ld+json">{"name": "\\u003c/script\\u003e"}</script>
<script type="application/json" id="ui-text">{"lang": "en"}</script></head>
<body><h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1><!--cell-->
<a href="https://college.example/?x=&quot;&gt;">enrol</a> <a href="/search/?q=javascript:">x</a>
<p title="&quot; onmouseover=&quot;alert(1)">x</p></body></html>"""


@pytest.mark.parametrize("html", UNSAFE_PAGES.values(), ids=UNSAFE_PAGES.keys())
def test_the_page_checker_reports_unsafe_markup(html):
    assert page_problems(html, "sample") != []


def test_the_checkers_pass_safe_output_and_fail_unsafe_csv_and_feeds():
    assert page_problems(SAFE_PAGE) == []
    sources = {"a": {"title": "=1+1", "summary": "-2", "partners": ["@x", "y"]}}
    good = "slug,title,summary,partners\r\na,'=1+1,'-2,'@x; y\r\n"
    assert csv_problems(good, sources) == []
    assert len(csv_problems("slug,title,summary,partners\r\na,=1+1,-2,@x; y\r\n", sources)) == 6
    assert csv_problems("slug,title\r\na,'plain\r\n", {"a": {"title": "plain"}}) != []
    atom = '<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>{}</feed>'
    assert feed_problems(atom.format("").encode()) == []
    assert feed_problems(atom.format('<title type="html">&lt;b&gt;x&lt;/b&gt;</title>').encode())
    xhtml = '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"/></content>'
    assert feed_problems(atom.format(xhtml).encode())
    assert feed_problems(atom.format("<summary><![CDATA[<script>]]></summary>").encode())
    assert feed_problems(atom.format('<link href="javascript:alert(1)"/>').encode())


def test_over_a_hundred_vectors():
    assert len(PAYLOADS) >= 50
    assert len(VECTORS) >= 100
    assert len(set(VECTORS.values())) == len(VECTORS)


# The catalogue ----------------------------------------------------------------------------


def test_every_hostile_entry_loads_and_only_script_urls_are_refused(content, catalogue):
    loaded = {e.slug for e in catalogue.entries}
    written = {p.name[:-3] for p in (content / "credentials").glob("*.md")}
    refused = {f"xss-refused-{name}" for name in REFUSED_URLS}
    assert loaded == written - refused
    errors = [e for e in catalogue.errors if e.severity == "error"]
    by_slug = {Path(e.path).name[:-3]: e for e in errors}
    assert len(by_slug) == len(errors) == len(refused), [str(e) for e in errors]
    for name, (field, value) in REFUSED_URLS.items():
        error = by_slug[f"xss-refused-{name}"]
        assert (error.field, error.message) == (field, refused_message(value)), str(error)
    # every front-matter payload reached a field of a loaded entry, as written (stripped)
    shown = set()
    for e in catalogue.entries:
        for name in SCALARS + ("location",):
            shown.add(getattr(e, name))
        shown.update(e.partners, e.stacks_into, (s.name for s in e.skills))
        shown.update(s.uri for s in e.skills)
        shown.add(e.url)
    for name, payload in {**FRONT_MATTER, **GOOD_URLS}.items():
        assert payload.strip() in shown, name


# The live site ----------------------------------------------------------------------------


def payload_values(catalogue) -> dict[str, list[str]]:
    """The hostile values of each text facet, as the entries have them."""
    entries = [e for e in catalogue.entries if e.slug.startswith("xss-")]
    return {
        "issuer": sorted({e.issuer for e in entries}),
        "partners": sorted({p for e in entries for p in e.partners}),
        "field": sorted({e.field for e in entries if e.field}),
        "skills": sorted({s.name for e in entries for s in e.skills}),
    }


def entry_with(catalogue, value: str):
    """The first entry showing `value` in a text field, if one does."""
    for e in catalogue.entries:
        for name in SCALARS + ("location",):
            if value in (getattr(e, name) or ""):
                return e
    return None


def search_urls(catalogue) -> list[str]:
    urls = []
    for lang, step in (("", 1), ("/fr", 3)):
        for payload in list(VECTORS.values())[::step]:
            urls.append(f"{lang}/search/?" + urlencode({"q": payload}))
        urls.append(f"{lang}/search/?q=script+alert+img+onerror")  # highlighted payload titles
        for facet, values in payload_values(catalogue).items():
            urls.append(f"{lang}/search/?" + urlencode([(facet, v) for v in values[:4]]))
            urls.append(f"{lang}/search/?q=script&" + urlencode({facet: values[0]}))
    facets = ["issuer", "partners", "field", "skills", "delivery", "cost_band", "hours_band"]
    facets += ["start", "level", "language", "assessment_type", "sort", "page", "cost_max"]
    for payload in list(FRONT_MATTER.values())[:20]:
        urls.append("/search/?" + urlencode([(f, payload) for f in facets]))
    return urls


def compare_urls(catalogue) -> list[str]:
    slugs = [e.slug for e in catalogue.entries if e.slug.startswith("xss-")]
    urls = []
    for lang in ("", "/fr"):
        for i in range(0, len(slugs), 4):
            urls.append(f"{lang}/compare/?" + urlencode([("c", s) for s in slugs[i : i + 4]]))
    urls.append("/compare/?" + urlencode([("c", v) for v in list(FRONT_MATTER.values())[:8]]))
    return urls


def crawl(client, start: list[str], extra: list[str]) -> dict[str, str]:
    """Every page reachable from `start` (search results' links not followed), and `extra`."""
    pages: dict[str, str] = {}
    queue = list(start)
    while queue:
        url = queue.pop()
        if url in pages:
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        if response.mimetype != "text/html":
            continue
        pages[url] = html = response.get_data(as_text=True)
        if "/search/?" in url:
            continue
        for tag in re.finditer(r"<a [^>]*\bhref=\"([^\"]+)\"", html):
            link = tag[1].replace("&amp;", "&")
            parts = urlsplit(link)
            if not parts.netloc and parts.path.startswith("/") and "/static/" not in parts.path:
                queue.append(link)
    for url in extra:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.get_data(as_text=True)
    return pages


@pytest.fixture(scope="module")
def live_pages(live, catalogue):
    return crawl(
        live,
        ["/", "/fr/", "/browse/", "/fr/browse/", "/pathways/", "/fr/pathways/"],
        search_urls(catalogue) + compare_urls(catalogue),
    )


def test_live_pages_carry_no_executable_markup(live_pages, catalogue):
    slugs = [e.slug for e in catalogue.entries]
    for prefix in ("", "/fr"):
        for slug in slugs:
            assert f"{prefix}/credentials/{slug}/" in live_pages
    assert any(url.startswith("/pathways/") and url != "/pathways/" for url in live_pages)
    assert any(url.startswith("/fr/browse/partners/") for url in live_pages)
    assert "/content-errors/" in live_pages
    problems = []
    for url, html in live_pages.items():
        problems += page_problems(html, url)
    assert problems == [], "\n".join(problems[:40])


def test_live_pages_show_each_payload_as_the_text_it_is(live_pages, catalogue):
    for e in catalogue.entries:
        for prefix in ("", "/fr"):
            html = live_pages[f"{prefix}/credentials/{e.slug}/"]
            page = TextOf(html)
            assert "".join(page.h1).strip() == e.title
            assert "".join(page.title).startswith(e.title)
            assert page.description == e.summary
            text = "".join(page.text)
            for value in [e.issuer, e.summary, *e.partners, *(s.name for s in e.skills)]:
                assert value in text, (e.slug, value[:80])
            for value in [e.field, e.credential, e.location, e.framework, *e.stacks_into]:
                assert value is None or value in text, (e.slug, value[:80])
            ld = json.loads(page.jsonld[0])
            assert ld["name"] == e.title and ld["description"] == e.summary
            assert ld["provider"]["name"] == e.issuer
            assert ld.get("url") == e.url
    # spot checks of the source: escaped once, template syntax left alone
    html = live_pages["/credentials/xss-fm-00/"]
    assert "<h1>&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</h1>" in html
    html = live_pages[f"/credentials/{entry_with(catalogue, '{{7*7}}').slug}/"]
    assert "<h1>{{7*7}}</h1>" in html or "{{7*7}}</p>" in html
    shown = 0
    for payload in FRONT_MATTER.values():  # escaped once, template syntax left as it is
        entry = entry_with(catalogue, payload.strip())
        if entry:
            html = live_pages[f"/credentials/{entry.slug}/"]
            assert str(escape(payload.strip())) in html, payload
            shown += 1
    assert shown == len(FRONT_MATTER) - 1  # all but the 5000-character one
    html = live_pages[f"/credentials/{entry_with(catalogue, FRONT_MATTER['double-escape']).slug}/"]
    assert "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the body's <script>, as text
    for slug, name in (("xss-body-0", "json-line-separators"), ("xss-body-1", "json-break-out")):
        ld = TextOf(live_pages[f"/credentials/{slug}/"]).jsonld
        assert json.loads(ld[0])["description"] == FRONT_MATTER[name]
    # the loader's messages quote the refused URLs: as text
    errors = " ".join("".join(TextOf(live_pages["/content-errors/"]).text).split())
    for field, value in REFUSED_URLS.values():
        assert f"{field}: {refused_message(value)}" in errors, value
    # the query comes back in the search box and the title as the text it is
    for payload in VECTORS.values():
        page = TextOf(live_pages["/search/?" + urlencode({"q": payload})])
        # spaces collapsed, invisible characters dropped, cut at 256 characters
        printable = "".join(ch for ch in payload if ch.isprintable() or ch.isspace())
        shown = " ".join(printable.split())
        assert page.q and shown.startswith(page.q), payload
        assert page.q == shown or len(shown) > 256, payload
        assert "".join(page.title).startswith(page.q), payload


def test_json_api_returns_payloads_as_json_data(live, catalogue):
    urls = ["/api/credentials.json", "/api/search.json?q=script"]
    urls += [f"/api/credentials/{e.slug}.json" for e in catalogue.entries]
    urls += ["/api/search.json?" + urlencode({"q": v}) for v in FRONT_MATTER.values()]
    urls += [
        "/api/search.json?"
        + urlencode([(f, v) for f, vs in payload_values(catalogue).items() for v in vs[:2]])
    ]
    urls.append("/api/credentials/" + quote('"><img src=x onerror=alert(1)>') + ".json")
    for url in urls:
        response = live.get(url)
        assert response.status_code in (200, 404), url
        assert response.mimetype == "application/json", url
        assert response.headers["X-Content-Type-Options"] == "nosniff", url
        json.loads(response.get_data(as_text=True))
    everything = live.get("/api/credentials.json").get_json()["credentials"]
    by_slug = {e.slug: e for e in catalogue.entries}
    assert {d["slug"] for d in everything} == set(by_slug)
    for data in everything:
        e = by_slug[data["slug"]]
        assert (data["title"], data["summary"], data["issuer"]) == (e.title, e.summary, e.issuer)
        assert data["partners"] == e.partners and data["stacks_into"] == e.stacks_into
        assert [s["name"] for s in data["skills"]] == [s.name for s in e.skills]
        assert data["url"] == e.url
        assert page_problems(data["body_html"], f"body_html of {e.slug}") == []


def test_csv_neutralises_every_formula(live, catalogue):
    response = live.get("/credentials.csv")
    assert response.mimetype == "text/csv"
    text = response.get_data().decode("utf-8-sig")
    sources = {e.slug: e.to_dict() for e in catalogue.entries}
    assert csv_problems(text, sources) == []
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == len(sources)
    cells = {cell for row in rows for cell in row.values()}
    for name in CSV_VECTORS:
        assert "'" + FRONT_MATTER[name].strip() in cells, name
    row = next(r for r in rows if r["slug"] == "xss-csv")
    assert row["partners"] == "'@SUM(1); Voltway Fleet Services"
    assert row["skills"] == "'=1; Reading a test report"


def test_feed_and_sitemap_hold_no_markup(live):
    feed = live.get("/feed.atom")
    assert feed.status_code == 200
    assert feed_problems(feed.data, "/feed.atom") == []
    root = ET.fromstring(feed.data)
    titles = [t.text for t in root.iter("{http://www.w3.org/2005/Atom}title")]
    assert '"><script>alert(1)</script>' in titles  # as text, not as markup
    sitemap = live.get("/sitemap.xml")
    assert feed_problems(sitemap.data, "/sitemap.xml") == []


# The static build -------------------------------------------------------------------------


def test_frozen_build_carries_no_executable_markup(frozen, catalogue):
    files = sorted(frozen.rglob("*.html"))
    fragments = [f for f in files if "search-data" in f.parts]
    assert len(fragments) >= 2 * 2 * len(catalogue.entries)  # cards and compare columns
    assert (frozen / "fr" / "credentials" / "xss-body-all" / "index.html").is_file()
    problems = []
    for file in files:
        if file.parent.name.startswith("cards-"):
            continue  # read whole below, their phrases put back
        problems += page_problems(file.read_text(encoding="utf-8"), str(file.relative_to(frozen)))
    cards = [
        card for folder in (frozen / "search-data").glob("cards-*") for card in card_files(folder)
    ]
    assert len(cards) >= 2 * len([e for e in catalogue.entries if not e.draft])
    for file, card in cards:
        problems += page_problems(card, str(file.relative_to(frozen)))
    assert problems == [], "\n".join(problems[:40])
    for name in ("feed.atom", "sitemap.xml"):
        assert feed_problems((frozen / name).read_bytes(), name) == []
    for file in (frozen / "search-data").rglob("*.json"):
        json.loads(file.read_text(encoding="utf-8"))


# In the browser ---------------------------------------------------------------------------


CARDS = """() => [...document.querySelectorAll(".results-body .card")].map((li) => [
  li.dataset.slug, li.querySelector(".card-title").textContent.trim()])"""
COMPARED = "() => document.querySelector('.compare-body').textContent"


def test_no_payload_runs_in_chromium(browser, frozen, catalogue):
    from .static_site import serve_folder

    titles = {e.slug: e.title for e in catalogue.entries}
    fm = [slug for slug in titles if slug.startswith("xss-fm-")]
    groups = [fm[i : i + 4] for i in range(0, len(fm), 4)]
    searches = [
        "search/?q=script",
        "search/?q=img+onerror+alert",
        "search/?" + urlencode({"q": FRONT_MATTER["attr-break-xss-mark"]}),
        "search/?" + urlencode({"q": f"<img src=x onerror={XSS_MARK}>", "issuer": "x"}),
        "fr/search/?q=script+alert",
    ]
    compares = [("", group) for group in groups] + [("fr/", groups[-1])]
    entries = ["xss-fm-00", "xss-fm-01", "xss-fm-02", "xss-body-all", "xss-csv"]
    # no security headers: the markup alone must keep the payloads from running
    with serve_folder(frozen, "/x/") as base:
        context = browser.new_context()
        page = context.new_page()
        dialogs: list[str] = []
        errors: list[str] = []

        def on_dialog(dialog):
            dialogs.append(f"{dialog.type}: {dialog.message} on {page.url}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.on("pageerror", lambda error: errors.append(str(error)))

        def check(path: str) -> None:
            page.mouse.move(300, 300)
            page.keyboard.press("Tab")
            assert page.evaluate("typeof window.__xss") == "undefined", path
            problems = page_problems(page.content(), f"DOM of {path}")
            assert problems == [], "\n".join(problems[:20])

        try:
            shown = set()
            for path in searches:
                page.goto(base + path, wait_until="load")
                page.wait_for_selector("#search-app[data-rendered]:not([aria-busy])")
                cards = page.evaluate(CARDS)
                for slug, title in cards:  # drawn by the browser, as text
                    assert title == " ".join(titles[slug].split()), slug
                shown.update(slug for slug, _ in cards)
                check(path)
            assert len(shown & set(fm)) >= 5
            for lang, group in compares:
                path = f"{lang}compare/?" + urlencode([("c", slug) for slug in group])
                page.goto(base + path, wait_until="load")
                page.wait_for_function(
                    f"() => {json.dumps(group)}.every((s) => document.querySelector("
                    "`.compare-body a[href$='/credentials/${s}/']`))"
                )
                text = page.evaluate(COMPARED)
                assert all(
                    " ".join(titles[slug].split()) in " ".join(text.split()) for slug in group
                )
                check(path)
            for slug in entries:
                page.goto(f"{base}credentials/{slug}/", wait_until="load")
                check(slug)
        finally:
            context.close()
    assert dialogs == []
    assert errors == []
