"""The Decap CMS bundle the editor at /admin/ runs: one pinned release, fetched from the
npm registry by `scripts/install` (no Node needed), checked against its integrity hash.

    bash scripts/install      # calls main(), below
(Not `python -m catalogue.web.decap`: the package imports this module first, and Python
warns of running a module twice.)
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import shutil
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

VERSION = "3.16.3"
TARBALL = f"https://registry.npmjs.org/decap-cms/-/decap-cms-{VERSION}.tgz"
# The registry's dist.integrity for that tarball: SHA-512, base64.
INTEGRITY = (
    "sha512-hf+dPlCh7TJmWl8+6VRzHYOWhri5xgUknrZbDewaWe4s9B7xJ8PQugp2QHeS"
    "ldMUKzav6+z0oIpwUYhUJDYtYw=="
)
ROOT = Path(__file__).resolve().parent.parent.parent
DIR_SETTING = "CATALOGUE_DECAP_DIR"  # where the bundle is, if not in .tools/ of the project


def bundle_dir() -> Path:
    """The folder the bundle's files are in (installed or not)."""
    return Path(os.environ.get(DIR_SETTING) or ROOT / ".tools" / f"decap-cms-{VERSION}")


def installed() -> bool:
    return (bundle_dir() / "decap-cms.js").is_file()


def bundle_files() -> list[str]:
    """The bundle's files: decap-cms.js, the chunks it loads from beside itself, its wasm."""
    folder = bundle_dir()
    return sorted(p.name for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []


def wanted(name: str) -> bool:
    """Whether a file of the package's dist/ is served: the script and what it loads, not
    the source maps (55 MB) nor the second copy of the build under the old name cms.js."""
    return name == "decap-cms.js" or name.endswith((".decap-cms.js", ".wasm", "LICENSE.txt"))


def check(data: bytes) -> None:
    digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if digest != INTEGRITY:
        raise RuntimeError(f"{TARBALL} does not match its pinned integrity hash; not installed")


def install(data: bytes | None = None) -> Path:
    """Fetch (or take) the pinned tarball, check it, and unpack what is served."""
    if data is None:
        with urllib.request.urlopen(TARBALL, timeout=120) as response:  # noqa: S310
            data = response.read()
    check(data)
    target = bundle_dir()
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=target.parent, prefix=".decap-"))
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            for member in archive.getmembers():
                name = member.name.removeprefix("package/dist/")
                if member.isfile() and name != member.name and "/" not in name and wanted(name):
                    source = archive.extractfile(member)
                    (scratch / name).write_bytes(source.read() if source else b"")
        shutil.rmtree(target, ignore_errors=True)
        scratch.rename(target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target


def main() -> int:
    if installed():
        return 0
    try:
        where = install()
    except (OSError, RuntimeError) as exc:
        print(f"decap-cms {VERSION}: {exc}", file=sys.stderr)
        return 1
    print(f"decap-cms {VERSION}: {len(bundle_files())} files in {where}")
    return 0

