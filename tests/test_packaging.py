"""constraints.txt pins what pyproject.toml asks for, inside its ranges, as installed."""

from __future__ import annotations

import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def pins() -> dict[str, str]:
    found = {}
    for number, line in enumerate((ROOT / "constraints.txt").read_text().splitlines(), 1):
        if line.strip() and not line.startswith("#"):
            name, sep, pinned = line.partition("==")
            assert sep and pinned.strip(), f"constraints.txt:{number}: not 'name==version': {line}"
            found[canonicalize_name(name)] = pinned.strip()
    return found


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project.get("optional-dependencies", {})
    return [Requirement(r) for r in project["dependencies"] + sum(extras.values(), [])]


def test_every_dependency_is_pinned_inside_its_range():
    pinned = pins()
    for requirement in declared():
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{requirement.name} is not pinned in constraints.txt"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"constraints.txt pins {requirement.name}=={pinned[name]}, "
            f"outside pyproject.toml's {requirement.specifier}"
        )


def test_the_pins_are_what_is_installed():
    for name, pinned in pins().items():
        try:
            installed = version(name)
        except PackageNotFoundError:
            continue  # a pin for an extra this environment did not install
        assert installed == pinned, f"{name} {installed} installed; constraints.txt pins {pinned}"
