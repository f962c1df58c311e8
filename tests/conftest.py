import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
DEMO = ROOT / "content"


@pytest.fixture(scope="session", autouse=True)
def own_cache(tmp_path_factory):
    """Builds keep the search index and the entries read where `catalogue serve` does,
    under XDG_CACHE_HOME: the tests' own folder (inherited by the processes they start),
    never the user's."""

    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if before is None:
        del os.environ["XDG_CACHE_HOME"]
    else:
        os.environ["XDG_CACHE_HOME"] = before


@pytest.fixture(scope="session")
def demo_catalogue():
    from catalogue.content import load

    return load(DEMO)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    from catalogue.web import create_app

    return create_app(DATA / "search", index_dir=tmp_path_factory.mktemp("web-index"))


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def demo_app(tmp_path_factory):
    from catalogue.web import create_app

    return create_app(
        DEMO, index_dir=tmp_path_factory.mktemp("demo-index"), show_content_errors=True
    )


# The frozen demo, served and driven in Chromium ------------------------------------------

BASE = "http://127.0.0.1/microcredentials/"  # only its path matters: links are root-relative
PREFIX = "/microcredentials/"

# Collects Content-Security-Policy violations; Playwright injects it past the CSP itself.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


@pytest.fixture(scope="session")
def frozen_demo(tmp_path_factory):
    """The demo catalogue frozen once, with links under /microcredentials/."""
    from catalogue.build import freeze

    out = tmp_path_factory.mktemp("static-hosting") / "dist"
    freeze(DEMO, out, BASE)
    return out


@pytest.fixture(scope="session")
def demo_site(frozen_demo):
    """The frozen demo served as a Netlify-style host would: at the sub-path, with its headers."""
    from .static_site import netlify_headers, serve_folder

    with serve_folder(frozen_demo, PREFIX, netlify_headers(frozen_demo)) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    from .static_site import launch_chromium

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture()
def visit(browser):
    """Open a URL in a fresh page; return its response and everything that went wrong."""
    context = browser.new_context()
    context.add_init_script(CSP_LISTENER)

    def visit(url: str):
        page = context.new_page()
        seen = {"errors": [], "assets": {}}

        def on_console(msg):
            if msg.type == "error":
                seen["errors"].append(f"console: {msg.text} at {msg.location['url']}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: seen["errors"].append(f"page error: {error}"))
        page.on(
            "requestfailed",
            lambda request: seen["errors"].append(f"failed: {request.url} {request.failure}"),
        )

        def on_response(response):
            if response.request.resource_type in ("stylesheet", "script"):
                seen["assets"][response.url] = response.status

        page.on("response", on_response)
        response = page.goto(url, wait_until="load")
        seen["errors"] += page.evaluate("window.__cspViolations")
        return page, response, seen

    yield visit
    context.close()


@pytest.fixture(scope="session")
def live_site(demo_app):
    """The demo on the live server (the Flask app over HTTP on a free port), for Chromium."""
    from .static_site import serve_app

    with serve_app(demo_app) as url:
        yield url


@pytest.fixture(params=["static", "live"])
def site(request, demo_site, live_site):
    """The demo's base URL as a learner meets it: frozen under its sub-path, then live."""
    return demo_site if request.param == "static" else live_site
