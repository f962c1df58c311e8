"""The layout holds: layers import downwards only, no import cycle anywhere (imports
inside functions count), no module over 400 lines, and a build refuses a page it was not
told how to freeze."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
import pytest

from catalogue.build import BuildError, freeze

from .conftest import DEMO, ROOT

MAX_LINES = 400


def test_layers_import_downwards_only():
    """import-linter's layers contract, in pyproject.toml."""
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), str(ROOT / "pyproject.toml")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 1 kept, 0 broken." in result.stdout


def cycle(graph: grimp.ImportGraph) -> list[str] | None:
    """A cycle of modules importing one another, or None."""
    done: set[str] = set()
    path: list[str] = []
    on_path: set[str] = set()

    def visit(module: str) -> list[str] | None:
        path.append(module)
        on_path.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported in on_path:
                return path[path.index(imported) :] + [imported]
            if imported not in done:
                found = visit(imported)
                if found:
                    return found
        path.pop()
        on_path.discard(module)
        done.add(module)
        return None

    for module in sorted(graph.modules):
        if module not in done:
            found = visit(module)
            if found:
                return found
    return None


def test_no_import_cycle():
    graph = grimp.build_graph("catalogue", cache_dir=None)
    assert cycle(graph) is None


def test_the_cycle_finder_finds_one():
    graph = grimp.ImportGraph()
    for name in ("a", "a.b", "a.c"):
        graph.add_module(name)
    graph.add_import(importer="a.b", imported="a.c")
    assert cycle(graph) is None
    graph.add_import(importer="a.c", imported="a.b")
    assert cycle(graph) == ["a.b", "a.c", "a.b"]


def test_no_module_over_400_lines():
    sizes = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for path in (ROOT / "catalogue").rglob("*.py")
    }
    assert len(sizes) > 30
    assert {path: n for path, n in sizes.items() if n > MAX_LINES} == {}


def test_a_page_with_no_url_generator_fails_the_build(tmp_path, monkeypatch):
    """Frozen-Flask's own warning is replaced by check_endpoints, which knows the pages
    left out on purpose: a new page nobody told the build about is still caught."""
    import catalogue.web.views.site as site_views

    original = site_views.register

    def register(app, page):
        original(app, page)
        page("/forgotten/")(lambda: "a page")

    monkeypatch.setattr(site_views, "register", register)
    with pytest.raises(RuntimeError, match=r"Nothing frozen for endpoints \['<lambda>'\]"):
        freeze(DEMO, tmp_path / "site")
    assert not (tmp_path / "site").exists()


def test_build_error_is_what_users_see_for_bad_input(tmp_path):
    with pytest.raises(BuildError, match="must start with http"):
        freeze(DEMO, tmp_path / "site", base_url="ftp://example.org/")
