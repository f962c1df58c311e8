"""What the pages remember between requests, or work out a faster way, gives what working
it out the plain way gives: URLs, escaping, translations, "did you mean" and template calls."""

import difflib
import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2 import pass_context
from markupsafe import escape


def links(html: str) -> set[str]:
    return set(re.findall(r'(?:href|src)="([^"#?]*)', html))


@pytest.mark.parametrize("root", ["", "/a", "/b/c"])
def test_remembered_urls_follow_the_sub_path_and_language(demo_app, root):
    """page_url remembers URLs per language and sub-path: one app serving the same page
    under several sub-paths and in both languages links each to its own."""
    client = demo_app.test_client()
    for _ in range(2):  # the second time from what was remembered
        for lang in ("", "/fr"):
            html = client.get(
                f"{lang}/search/?q=care", environ_overrides={"SCRIPT_NAME": root}
            ).get_data(as_text=True)
            found = links(html)
            assert f"{root}/static/css/site.css" in found
            assert f"{root}{lang}/browse/" in found
            assert f"{root}{lang}/search/" in found
            other = "/fr" if lang == "" else ""
            twin = "fr" if lang == "" else "en"
            # the language switch (relative) and the head's alternate (absolute)
            assert f'href="{root}{other}/search/?q=care" hreflang="{twin}"' in html
            assert f'hreflang="{twin}" href="http://localhost{root}{other}/search/?q=care"' in html
            assert all(url.startswith(root + "/") for url in found if url.startswith("/")), found


def test_remembered_urls_are_bounded(demo_app, monkeypatch):
    import catalogue.web.urls as web

    monkeypatch.setattr(web, "MAX_REMEMBERED_URLS", 5)
    client = demo_app.test_client()
    for n in range(8):
        client.get("/search/", environ_overrides={"SCRIPT_NAME": f"/site{n}"})
    assert len(demo_app.extensions["catalogue"].urls) <= 5
    html = client.get("/search/", environ_overrides={"SCRIPT_NAME": "/x"}).get_data(as_text=True)
    assert "/x/static/css/site.css" in html


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["entry", "api_entry", "api_entry_ctdl", "browse", "pathway", "search"]),
    st.text(alphabet="ab-_.~9Z é/%?#&+ c4t4l0g0x1", min_size=0, max_size=12),
    st.text(alphabet="ab-_.9 é/%", min_size=0, max_size=6),
    st.sampled_from(["", "fr"]),
    st.sampled_from(["", "/a", "/b/c"]),
)
def test_urls_made_from_a_pattern_are_url_fors(demo_app, endpoint, first, second, lang, root):
    """page_url puts plain values into a pattern url_for gave once; anything else (empty,
    beyond plain text, like the stand-ins themselves) goes to url_for: the same URL."""
    from flask import url_for

    from catalogue.web.urls import page_url

    values = {
        "entry": {"slug": first, "lang": lang},
        "api_entry": {"slug": first},
        "api_entry_ctdl": {"slug": first},
        "browse": {"facet": first, "value": second, "lang": lang},
        "pathway": {"slug": second, "lang": lang},
        "search": {"lang": lang, "q": first},
    }[endpoint]
    with demo_app.test_request_context("/", environ_overrides={"SCRIPT_NAME": root}):
        for _ in range(2):  # the pattern made, then used
            try:
                want = url_for(endpoint, **values)
            except Exception as exc:  # an empty slug, say: page_url fails alike
                with pytest.raises(type(exc)):
                    page_url(endpoint, **values)
                continue
            assert page_url(endpoint, **values) == want


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_html_escape_is_markupsafes(text):
    from catalogue.web import html_escape

    assert html_escape(text) == str(escape(text))
    assert html_escape(escape(text)) == str(escape(text))  # markup is left as it is


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ _('Search') }}", "Search"),
        ("{{ _('Skip %(what)s', what=x) }}", "Skip &lt;b&gt;&amp;"),
        ("{{ _('Skip %(what)s', what=m) }}", "Skip <b>ok</b>"),
        ("{{ _('100%% sure') }}", "100% sure"),
        ("{{ ngettext('%(num)s week', '%(num)s weeks', 1) }}", "1 week"),
        ("{{ ngettext('%(num)s week', '%(num)s weeks', 3) }}", "3 weeks"),
        ("{{ ngettext('%(num)s week', '%(num)s weeks', 2, num=x) }}", "&lt;b&gt;&amp; weeks"),
        ("{{ pgettext('noun', 'Search') }}", "Search"),
    ],
)
def test_template_gettext_is_jinjas_newstyle_gettext(app, source, expected):
    """The templates' plain gettext functions give what Jinja's i18n extension gives in
    newstyle mode with autoescaping, checked against the extension itself."""
    from flask import render_template_string
    from jinja2 import Environment
    from markupsafe import Markup

    values = {"x": "<b>&", "m": Markup("<b>ok</b>")}
    with app.test_request_context("/"):
        app.preprocess_request()
        ours = render_template_string(source, **values)
    reference = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    reference.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    assert ours == reference.from_string(source).render(**values) == expected


def test_french_template_gettext(demo_app):
    from flask import render_template_string

    with demo_app.test_request_context("/fr/"):
        demo_app.preprocess_request()
        html = render_template_string("{{ ngettext('%(num)s week', '%(num)s weeks', 3) }}")
    assert html == "3 semaines"


def test_context_taking_template_functions_still_get_the_context(app):
    """Only the catalogue's own functions skip Jinja's call machinery: a function marked
    pass_context (a theme's, say) still gets the context, in a loop and in a block."""
    from flask import render_template_string

    @pass_context
    def whose(context, suffix):
        return f"{context['name']}{suffix}"

    source = (
        "{% for i in [1, 2] %}{{ whose(i) }}{% endfor %}"
        "{% set name = 'set' %}{{ whose('!') }}{{ _('Search') }}"
    )
    with app.test_request_context("/"):
        app.preprocess_request()
        html = render_template_string(source, whose=whose, name="n")
    assert html == "n1n2set!Search"


def plain_closest(engine, word: str) -> str | None:
    """_closest as it was before its candidates were narrowed: difflib over every word
    of about the same length."""
    near = [w for w in engine.vocabulary if len(word) - 2 <= len(w) <= len(word) + 2]
    close = difflib.get_close_matches(word, near, n=3, cutoff=0.75)
    return max(
        close,
        key=lambda w: (difflib.SequenceMatcher(None, word, w).ratio(), engine.vocabulary[w]),
        default=None,
    )


def test_did_you_mean_narrows_its_candidates_without_changing_its_answer(demo_app):
    engine = demo_app.extensions["catalogue"].engine
    rng = random.Random(11)
    words = sorted(engine.vocabulary)
    tried, found = 0, 0
    for _ in range(600):
        w = rng.choice(words)
        k = rng.randrange(len(w))
        edit = rng.randrange(5)
        if edit == 0:
            w = w[:k] + w[k + 1 :]
        elif edit == 1:
            w = w[:k] + rng.choice("abcdefghijklmnopqrstuvwxyzéè") + w[k:]
        elif edit == 2:
            w = w[:k] + rng.choice("aeiousrtnx") + w[k + 1 :]
        elif edit == 3:
            w = w[:k] + w[k + 1 : k + 2] + w[k : k + 1] + w[k + 2 :]
        else:
            w = "".join(rng.sample(w, len(w)))
        if w in engine.vocabulary:
            continue
        engine.spelling._spelling.pop(w, None)
        expected = plain_closest(engine, w)
        assert engine.spelling.closest(w) == expected, w
        tried += 1
        found += expected is not None
    assert tried > 400 and found > 200
