from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
DEMO = ROOT / "content"


@pytest.fixture(scope="session")
def demo_catalogue():
    from catalogue.content import load

    return load(DEMO)
