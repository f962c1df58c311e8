"""Entry bodies are Markdown written by editors: render them, and let no script through.

Python-Markdown passes raw HTML, event handlers (also those attr_list adds) and
javascript: links straight through, so every payload here must be gone from `body_html`
after sanitising, while ordinary Markdown still renders.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest

from catalogue.content import parse_file
from catalogue.content.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render_markdown

PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "script-mixed-case": "<ScRiPt>alert(1)</sCrIpT>",
    "script-inline": "Text <script>alert(1)</script> more text.",
    "img-onerror": '<img src=x onerror="alert(1)">',
    "img-onerror-unquoted": "<IMG SRC=x OnErRoR=alert(1)>",
    "iframe": '<iframe src="https://evil.example/"></iframe>',
    "iframe-srcdoc": '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "link-javascript": "[click me](javascript:alert(1))",
    "link-javascript-mixed-case": "[click me](JaVaScRiPt:alert(1))",
    "link-javascript-spaces": "[click me](  javascript:alert(1))",
    "link-javascript-entity": "[click me](java&#115;cript:alert(1))",
    "link-javascript-reference": "[click me][r]\n\n[r]: javascript:alert(1)",
    "link-javascript-title": '[click me](javascript:alert(1) "title")',
    "autolink-javascript": "<javascript:alert(1)>",
    "a-javascript-mixed-case": '<a href="JaVaScRiPt:alert(1)">click me</a>',
    "a-javascript-tab": '<a href="jav&#x09;ascript:alert(1)">click me</a>',
    "a-javascript-newline": '<a href="java\nscript:alert(1)">click me</a>',
    "a-vbscript": '<a href="vbscript:msgbox(1)">click me</a>',
    "a-onclick": '<a href="https://ok.example/" onclick="alert(1)">click me</a>',
    "link-data": "[click me](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "a-data": '<a href="DATA:text/html,<script>alert(1)</script>">click me</a>',
    "image-data": "![pic](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "image-javascript": "![pic](javascript:alert(1))",
    "attr-list-h1": '# Title {: onclick="alert(1)"}',
    "attr-list-h2": '## Title {: onclick="alert(1)" }',
    "attr-list-link": '[x](http://a.example){: onmouseover="alert(1)"}',
    "attr-list-paragraph": 'A paragraph.\n{: onmouseover="alert(1)" }',
    "attr-list-style": '## Title {: style="background:url(javascript:alert(1))" }',
    "attr-list-href": '[x](http://a.example){: href="javascript:alert(1)" }',
    "svg-onload": '<svg onload="alert(1)"><circle r="10"/></svg>',
    "svg-script": "<svg><script>alert(1)</script></svg>",
    "svg-inline-in-text": "Some text <svg/onload=alert(1)> more.",
    "svg-animate": '<svg><a><animate attributeName="href" to="javascript:alert(1)"/></a></svg>',
    "math-href": '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "style-attribute": '<p style="background:url(javascript:alert(1))">styled</p>',
    "style-attribute-expression": '<div style="width: expression(alert(1))">styled</div>',
    "style-tag": "<style>body { background: url(javascript:alert(1)) }</style>",
    "markdown-in-html": '<div markdown="1">[x](javascript:alert(1))</div>',
    "object": '<object data="javascript:alert(1)"></object>',
    "embed": '<embed src="javascript:alert(1)">',
    "form": '<form action="javascript:alert(1)"><button>go</button></form>',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "base": '<base href="javascript:alert(1)//">',
    "link-tag": '<link rel="stylesheet" href="javascript:alert(1)">',
    "comment": "<!-- <script>alert(1)</script> -->",
    "template": "<template><script>alert(1)</script></template>",
    "noscript": '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "footnote": "Text[^1]\n\n[^1]: <script>alert(1)</script>",
    "table-cell": "| a | b |\n|---|---|\n| <img src=x onerror=alert(1)> | <b onclick=alert(1)>b |",
    "list-item": "- <iframe src=javascript:alert(1)></iframe>\n- [x](javascript:alert(1))",
}

DANGEROUS = [
    "<script",
    "</script",
    "alert(",
    "onerror",
    "onclick",
    "onmouseover",
    "onload",
    "<iframe",
    "srcdoc",
    "javascript:",
    "vbscript:",
    "data:",
    "<svg",
    "<math",
    "<img",
    "<style",
    "style=",
    "<object",
    "<embed",
    "<form",
    "<meta",
    "<base",
    "<link",
    "<template",
    "<noscript",
    "expression(",
]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.markup: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        # hrefs are judged by their scheme below: a relative link is harmless whatever it says
        self.markup.append(" ".join([tag, *(f"{n}={v}" for n, v in attrs if n != "href")]))

    handle_startendtag = handle_starttag


def _assert_safe(html: str) -> None:
    # Escaped text may mention anything ('onclick="alert(1)"' shown as words is harmless):
    # the dangerous strings are looked for in the markup, and any '<' in text is escaped.
    collector = _Collector()
    collector.feed(html)
    markup = " ".join(collector.markup).lower()
    for bad in DANGEROUS:
        assert bad not in markup, f"{bad!r} survived in {html!r}"
        if bad.startswith("<"):
            assert bad not in html.lower(), f"{bad!r} survived in {html!r}"
    for tag, attrs in collector.tags:
        assert tag in ALLOWED_TAGS, html
        for name, value in attrs:
            assert name in ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel"}, html
            assert not name.startswith("on"), html
            if name == "href":  # a fragment, a relative path, or an allowed scheme
                # browsers drop tabs, newlines and spaces inside a scheme ("java\tscript:")
                bare = re.sub(r"[\x00-\x20]", "", value or "")
                scheme = re.match(r"([a-z][a-z0-9+.-]*):", bare, re.I)
                assert not scheme or scheme[1].lower() in ("http", "https", "mailto"), html


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_payload_is_removed(payload):
    html, _ = render_markdown(payload)
    _assert_safe(html)


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_payload_is_real(payload):
    # Python-Markdown alone lets every payload through: the check above is not vacuous
    raw = markdown.markdown(payload, extensions=["extra", "sane_lists"], output_format="html")
    with pytest.raises(AssertionError):
        _assert_safe(raw)


def test_all_payloads_in_one_body():
    html, _ = render_markdown("\n\n".join(PAYLOADS.values()))
    _assert_safe(html)


def test_payloads_in_an_entry_file_never_reach_body_html(tmp_path: Path):
    good = Path(__file__).parent / "data" / "valid" / "credentials" / "plain-entry.md"
    path = tmp_path / "xss-entry.md"
    path.write_text(
        good.read_text(encoding="utf-8") + "\n\n" + "\n\n".join(PAYLOADS.values()),
        encoding="utf-8",
    )
    entry, problems = parse_file(path)
    assert problems == []
    _assert_safe(entry.body_html)
    assert "click me" in entry.body_text


def test_safe_links_keep_their_href_and_get_rel():
    html, _ = render_markdown(
        "[site](https://college.example/micro?a=1&b=2) and [mail](mailto:info@college.example)"
        ' and <a href="https://ok.example/" onclick="alert(1)">ok</a>'
    )
    assert '<a href="https://college.example/micro?a=1&amp;b=2" rel="noopener noreferrer">' in html
    assert '<a href="mailto:info@college.example" rel="noopener noreferrer">mail</a>' in html
    assert '<a href="https://ok.example/" rel="noopener noreferrer">ok</a>' in html


def test_ordinary_markdown_still_renders():
    body = "\n".join(
        [
            "## Who it is for",
            "",
            "Farm owners and *new* staff who want **practical** skills.",
            "",
            "### What you will learn",
            "",
            "- Planning a sampling pattern",
            "- Reading a [lab report](https://lab.example/report)",
            "",
            "1. First step",
            "2. Second step",
            "",
            "> A quotation from a partner.",
            "",
            "| Week | Topic |",
            "|------|-------|",
            "| 1 | Sampling |",
            "| 2 | Testing |",
            "",
            "Use `pH < 6` as the lime trigger.",
            "",
            "```",
            "<script>alert('shown, not run')</script>",
            "```",
            "",
            "Term",
            ": Its definition",
            "",
            "---",
        ]
    )
    html, text = render_markdown(body)
    for fragment in [
        "<h2>Who it is for</h2>",
        "<h3>What you will learn</h3>",
        "<em>new</em>",
        "<strong>practical</strong>",
        "<ul>",
        "<li>Planning a sampling pattern</li>",
        '<a href="https://lab.example/report" rel="noopener noreferrer">lab report</a>',
        "<ol>",
        "<li>First step</li>",
        "<blockquote>",
        "<table>",
        "<th>Week</th>",
        "<td>Sampling</td>",
        "<code>pH &lt; 6</code>",
        "<pre><code>&lt;script&gt;alert('shown, not run')&lt;/script&gt;",
        "<hr>",
    ]:
        assert fragment in html, fragment
    assert "<script" not in html.lower()
    assert text.startswith("Who it is for Farm owners and new staff")
    assert "pH < 6" in text
