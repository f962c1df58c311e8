from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
DEMO = ROOT / "content"


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
