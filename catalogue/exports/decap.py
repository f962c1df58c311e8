"""The editor's configuration: Decap CMS's config.yml, made from the field table and the
site's `[cms]` settings, so a field added to the table is in the form with no other edit."""

from __future__ import annotations

from urllib.parse import urlsplit

import yaml

from ..content.pathwayfiles import PATHWAY_FIELDS
from ..content.settings import Cms
from ..fields import FIELDS
from ..fields.widgets import widget

ENTRIES = "credentials"  # the collections' folders in the content folder
PATHWAYS = "pathways"
MEDIA = "media"  # where the editor keeps uploaded images
# The collection, and its date field, that a save in the editor sets to the day
# (static/js/editor.js, told by the page), as `catalogue new` dates a new entry.
DATED = (ENTRIES, "updated")
# Each git host's API, when [cms] names none.
API_ROOTS = {
    "github": "https://api.github.com",
    "gitlab": "https://gitlab.com/api/v4",
    "gitea": "https://try.gitea.io/api/v1",
}


def git_backend(cms: Cms) -> dict:
    """Decap's `backend` for the git host [cms] names."""
    backend = {"name": cms.backend, "repo": cms.repo, "branch": cms.branch}
    if cms.backend in ("gitlab", "gitea"):
        backend |= {"auth_type": "pkce", "app_id": cms.app_id}
    if cms.base_url:
        backend["base_url"] = cms.base_url
    if cms.api_root:
        backend["api_root"] = cms.api_root
    return backend


def api_origins(cms: Cms) -> list[str]:
    """The origins the editor's page talks to for the git host (its CSP allows them): the
    API, and for GitLab and Gitea the server that hands out sign-in tokens (PKCE)."""
    addresses = [cms.api_root or API_ROOTS[cms.backend]]
    if cms.backend in ("gitlab", "gitea") and cms.base_url:
        addresses.append(cms.base_url)
    origins = [f"{p.scheme}://{p.netloc}" for p in map(urlsplit, addresses)]
    return list(dict.fromkeys(origins))


# The body of an entry or a pathway: Markdown, with no images, since the site does not
# publish media.
BODY = {
    "name": "body",
    "label": "Description",
    "widget": "markdown",
    "required": False,
    "hint": "The long description: Markdown, shown on its page.",
    "editor_components": [],
}


def collection(name: str, labels: tuple[str, str], folder: str, table) -> dict:
    """A folder of Markdown files, one form each, made from the field table `table`."""
    return {
        "name": name,
        "label": labels[0],
        "label_singular": labels[1],
        "folder": folder,
        "create": True,
        "delete": True,
        "extension": "md",
        "format": "frontmatter",
        "slug": "{{slug}}",
        "identifier_field": "title",
        "summary": "{{title}} · {{issuer}}",
        "sortable_fields": [
            f for f in ("title", "issuer", "updated") if f in {x.name for x in table}
        ],
        "preview_path": name + "/{{slug}}/",
        "fields": [widget(f) for f in table] + [BODY],
    }


def decap_config(cms: Cms | None, proxy_url: str, site_url: str) -> dict:
    """The config: through the local backend at `proxy_url` when `cms` is None (under
    `catalogue serve`), else through the git host it names."""
    if cms is None:
        backend, prefix, workflow = {"name": "proxy", "proxy_url": proxy_url}, "", False
    else:
        backend, workflow = git_backend(cms), cms.editorial_workflow
        prefix = cms.content_path.strip("/") + "/" if cms.content_path.strip("/") else ""
    backend["branch"] = backend.get("branch") or "main"
    config = {
        "backend": backend,
        "site_url": site_url,
        "display_url": site_url,
        "media_folder": prefix + MEDIA,
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": [
            collection(
                ENTRIES, ("Micro-credentials", "Micro-credential"), prefix + ENTRIES, FIELDS
            ),
            collection(PATHWAYS, ("Pathways", "Pathway"), prefix + PATHWAYS, PATHWAY_FIELDS),
        ],
    }
    if workflow:
        config["publish_mode"] = "editorial_workflow"
    return config


def config_yaml(config: dict) -> str:
    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True)
