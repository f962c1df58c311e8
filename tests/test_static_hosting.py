"""The frozen demo site served under a sub-path: LinkChecker and Chromium go through it."""

import shutil

import pytest

from .conftest import PREFIX
from .static_site import launch_chromium, linkchecker, serve_folder


def test_linkchecker_finds_every_internal_link_working(demo_site, demo_catalogue, tmp_path):
    check = linkchecker(demo_site, tmp_path)
    assert check.returncode == 0, check.report()
    assert not check.failures, check.report()
    fetched = check.fetched
    assert all(url.startswith(demo_site) for url in fetched)
    assert set(fetched.values()) == {"200 OK"}
    entries = [e.slug for e in demo_catalogue.entries if not e.draft]
    assert len(entries) >= 50
    for slug in entries:
        assert fetched.get(f"{demo_site}credentials/{slug}/") == "200 OK", slug
        assert f"{demo_site}api/credentials/{slug}.json" in fetched, slug
    for page in ["", "search/", "browse/", "static/css/site.css", "credentials.csv"]:
        assert demo_site + page in fetched, page
    assert len(fetched) > 250  # browse pages for every facet value that is linked


def test_linkchecker_fails_on_a_missing_page(frozen_demo, demo_catalogue, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(frozen_demo, broken)
    slug = next(e.slug for e in demo_catalogue.entries if not e.draft)
    (broken / "credentials" / slug / "index.html").unlink()
    with serve_folder(broken, PREFIX) as url:
        check = linkchecker(url, tmp_path / "check")
    assert check.returncode == 1, check.report()
    assert {row["url"] for row in check.failures} == {f"{url}credentials/{slug}/"}
    assert all(row["result"].startswith("404") for row in check.failures)


def test_home_and_entry_pages_load_cleanly_in_chromium(demo_site, demo_catalogue, visit):
    entry = next(e for e in demo_catalogue.entries if not e.draft)
    for url, title in [
        (demo_site, demo_catalogue.site.name),
        (f"{demo_site}credentials/{entry.slug}/", entry.title),
    ]:
        page, response, seen = visit(url)
        assert response.status == 200
        assert "default-src 'self'" in response.headers["content-security-policy"]
        assert page.title().startswith(title)
        assert seen["errors"] == [], url
        assert f"{demo_site}static/css/site.css" in seen["assets"], url
        assert any(asset.endswith(".js") for asset in seen["assets"]), url
        assert set(seen["assets"].values()) == {200}, seen["assets"]
        assert page.evaluate("document.styleSheets.length") >= 1


def test_missing_page_gets_the_404_page_with_its_styles(demo_site, visit):
    missing = f"{demo_site}credentials/no-such-offering/"
    page, response, seen = visit(missing)
    assert response.status == 404
    assert page.get_by_role("heading", name="Page not found").is_visible()
    assert set(seen["assets"].values()) == {200}
    assert f"{demo_site}static/css/site.css" in seen["assets"]
    # Chromium reports the document's own 404 in the console, and nothing else.
    assert [e for e in seen["errors"] if not e.endswith(f"404 (Not Found) at {missing}")] == []


def test_the_checks_see_csp_violations_and_script_errors(tmp_path, visit):
    (tmp_path / "index.html").write_text(
        "<!doctype html><title>Bad</title><script>window.inline = 1</script>"
        '<script src="missing.js"></script><script src="broken.js"></script>'
    )
    (tmp_path / "broken.js").write_text("undefinedFunction();")
    csp = {"Content-Security-Policy": "default-src 'self'; script-src 'self'"}
    with serve_folder(tmp_path, "/site/", csp) as url:
        _, _, seen = visit(url)
    errors = "\n".join(seen["errors"])
    assert "script-src" in errors  # the inline script, refused
    assert "undefinedFunction" in errors
    assert seen["assets"][f"{url}missing.js"] == 404
    assert seen["assets"][f"{url}broken.js"] == 200


def test_server_serves_like_a_static_host(frozen_demo):
    from urllib.error import HTTPError
    from urllib.request import urlopen

    def get(url):
        try:
            with urlopen(url, timeout=10) as response:
                return response.status, response.headers["Content-Type"], response.read()
        except HTTPError as error:
            with error:
                return error.code, error.headers["Content-Type"], error.read()

    with serve_folder(frozen_demo) as url:
        root = url[: -len(PREFIX)]
        assert get(url)[:2] == (200, "text/html; charset=utf-8")
        assert get(url + "static/css/site.css")[1].startswith("text/css")
        assert get(url + "static/js/enhance.js")[1].startswith("text/javascript")
        assert get(url + "api/credentials.json")[1] == "application/json"
        assert get(url + "sitemap.xml")[1] == "application/xml"
        assert get(url + "credentials.csv")[1].startswith("text/csv")
        assert get(url + "robots.txt")[1].startswith("text/plain")
        status, _, body = get(url + "nothing/here/")
        assert status == 404 and b"Page not found" in body
        assert get(url + "../../etc/passwd")[0] == 404
        assert get(url + ".catalogue-build")[0] == 404
        status, _, body = get(root + "/index.html")
        assert status == 404 and b"Page not found" not in body
        assert get(url + "browse")[0] == 200  # redirected to browse/


def test_a_missing_chromium_is_an_error_not_a_skip(monkeypatch, tmp_path):
    from . import static_site

    monkeypatch.setattr(static_site, "CHROMIUM", tmp_path / "chromium")
    with pytest.raises(RuntimeError, match="scripts/test"):
        launch_chromium(None)
