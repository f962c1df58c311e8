"""The scripts and stylesheets a build ships: compacted, and some modules joined.

A page's modules are fetched, and compressed, one file at a time. The search page's
interface and its engine always come together, so the build ships the interface with the
engine's text in place of its import of it: one file and about 0.5 KB (gzipped) less for
every first search, as the two compress together. The engine is still shipped on its
own, for any page or theme that imports it. The reader of phrase books (phrases.js) is
joined the same way into the engine and the compare page's script.
"""

from __future__ import annotations

import re
from pathlib import Path

import rcssmin
import rjsmin

# module -> the module beside it whose text replaces its import of it, in this order (the
# engine joined to the phrase book's reader before the interface is joined to the engine)
JOINED = {
    "search-engine.js": "phrases.js",
    "compare.js": "phrases.js",
    "search-ui.js": "search-engine.js",
    "embed.js": "search-engine.js",
}

# a name a module declares at its top level (the scripts start those lines at column 0)
_DECLARATION = r"(?:async )?(?:function\*?|class|const|let|var) ([\w$]+)"
_DECLARED = re.compile(rf"^(?:export )?{_DECLARATION}", re.M)
_EXPORTED = re.compile(rf"^export {_DECLARATION}", re.M)
_IMPORTED = re.compile(r"^import \{([\w$,\s]+)\} from ", re.M)
# what the patterns above would not see whole: `var` (its scope is the function, not the
# block), and a declaration of several names or of a pattern (`const a = 1, b = 2`,
# `let { a } = x`), any import but `import { a, b } from "..."`
_UNREAD = re.compile(
    r"\bvar\b|^(?:export )?(?:const|let) *[{\[]|^(?:export )?(?:const|let) [^;]*?, *[\w$]+ *=|"
    r"^import (?!\{[\w$,\s]+\} from )|^export (?!(?:async )?(?:function|class|const|let) )",
    re.M,
)


def _bound(text: str) -> set[str]:
    """The names `text` binds at its top level: its declarations and its imports."""
    imported = {n.strip() for found in _IMPORTED.findall(text) for n in found.split(",")}
    return set(_DECLARED.findall(text)) | (imported - {""})


def compact_script(source: str, stylesheet: bool = False) -> str:
    """A script (or stylesheet) without its comments and the spaces and line breaks that
    mean nothing, by rJSmin (rCSSmin): about a third of what a visitor downloads for the
    search page. rJSmin reads a template literal only where it is not inside another's
    `${...}` (a test keeps the scripts so). The browser tests run the compacted files."""
    return rcssmin.cssmin(source) if stylesheet else rjsmin.jsmin(source)


def joined(module: str, dependency: str, name: str) -> str | None:
    """`module` with its import of `name` replaced by `dependency`, the text of that
    module; None when that might not run as the two modules do: the import is not one
    plain `import { a, b } from "./name";`, it asks for a name `dependency` does not
    export, the two bind a name alike at their top level (declared or imported), either
    holds what the check cannot read whole (see _UNREAD), or `dependency` reads its own
    address. (Its own imports stay: an import may stand anywhere at a module's top
    level.) A test runs the project's joined scripts through `node --check` too."""
    source = re.escape(f'"./{name}"')
    pattern = re.compile(rf"^import \{{([\w$,\s]+)\}} from {source};[ \t]*\n", re.M)
    found = pattern.findall(module)
    if len(found) != 1 or _UNREAD.search(module) or _UNREAD.search(dependency):
        return None
    asked = {n.strip() for n in found[0].split(",") if n.strip()}
    if not asked <= set(_EXPORTED.findall(dependency)):
        return None
    rest = pattern.sub("", module, count=1)
    if _bound(rest) & _bound(dependency) or "import.meta" in dependency:
        return None
    return pattern.sub(lambda _: dependency.rstrip("\n") + "\n", module, count=1)


def ship_scripts(static: Path, themed: set[str] = frozenset()) -> None:
    """Join the modules of JOINED in the built `static` folder, then compact every script
    and stylesheet there. Modules a theme gives (`themed`, names in static/js/) are never
    joined: only this project's own are tested joined."""
    js = static / "js"
    for module, dependency in JOINED.items():
        if {module, dependency} & themed:
            continue
        if (js / module).is_file() and (js / dependency).is_file():
            text = joined(
                (js / module).read_text("utf-8"), (js / dependency).read_text("utf-8"), dependency
            )
            if text is not None:
                (js / module).write_text(text, "utf-8")
    for script in [*static.glob("js/*.js"), *static.glob("css/*.css")]:
        compacted = compact_script(script.read_text("utf-8"), script.suffix == ".css")
        script.write_text(compacted, "utf-8")
