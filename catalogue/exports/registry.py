"""What the registry exports (Open Badges, CTDL, ELM) share: the addresses they name, the
organisations behind an entry, the kind of credential it awards, and stable identifiers."""

from __future__ import annotations

import functools
import json
import uuid
from dataclasses import dataclass
from typing import Protocol

from ..content.organisations import Organisation
from ..content.settings import Site
from ..content.slugs import sort_key
from ..model import Credential


class Addresses(Protocol):
    """The absolute addresses of the catalogue's pages and files, as the site serves them
    (the web layer builds them under the site's base URL)."""

    def entry(self, slug: str) -> str: ...  # the entry's page, in the default language

    def export(self, slug: str, form: str) -> str: ...  # its file of that form (EXTENSIONS)

    def browse(self, facet: str, value: str) -> str: ...  # the page of a facet value

    def pathway(self, name: str) -> str | None: ...  # the page of a larger credential


# The file of each form beside /api/credentials/<slug>.json, and the whole catalogue's.
EXTENSIONS = {"ob3": "ob3.json", "ctdl": "ctdl.json", "elm": "elm.jsonld"}

# The words an entry's `credential` field may use, folded (lower case, no accents), with
# the Open Badges 3.0 achievementType and the CTDL class each means. An entry without the
# field awards a micro-credential. Other words: Open Badges gets them as an `ext:` type,
# CTDL says MicroCredential, and `catalogue check` warns.
CREDENTIAL_TYPES = {
    "micro-credential": ("MicroCredential", "MicroCredential"),
    "microcredential": ("MicroCredential", "MicroCredential"),
    "microcertification": ("MicroCredential", "MicroCredential"),
    "micro-certification": ("MicroCredential", "MicroCredential"),
    "microcertificat": ("MicroCredential", "MicroCredential"),
    "digital badge": ("Badge", "DigitalBadge"),
    "badge numerique": ("Badge", "DigitalBadge"),
    "badge": ("Badge", "Badge"),
    "open badge": ("Badge", "OpenBadge"),
    "certificate": ("Certificate", "Certificate"),
    "certificat": ("Certificate", "Certificate"),
    "certificate of completion": ("CertificateOfCompletion", "CertificateOfCompletion"),
    "attestation": ("CertificateOfCompletion", "CertificateOfCompletion"),
    "attestation de reussite": ("CertificateOfCompletion", "CertificateOfCompletion"),
    "certification": ("Certification", "Certification"),
}
DEFAULT_TYPE = ("MicroCredential", "MicroCredential")


def folded(text: str) -> str:
    """`text` in lower case without accents: how credential words are looked up."""
    return " ".join(sort_key(text).split())


def credential_type(entry: Credential) -> tuple[str, str] | None:
    """The (Open Badges, CTDL) types of what the entry awards; None for words not known."""
    if not entry.credential:
        return DEFAULT_TYPE
    return CREDENTIAL_TYPES.get(folded(entry.credential))


@functools.lru_cache(maxsize=4096)  # an issuer's, asked for by every page of its entries
def derived_ctid(address: str) -> str:
    """A CTID that stays the same for the same address on any machine: the bytes of a
    name-based UUID, written as the random (version 4) UUID a CTID is made of."""
    name_based = uuid.uuid5(uuid.NAMESPACE_URL, address)
    return f"ce-{uuid.UUID(bytes=name_based.bytes, version=4)}"


@dataclass(frozen=True)
class Party:
    """An issuer or partner as an export describes it, with the fallbacks filled in."""

    name: str
    url: str  # its own web site, else its page in the catalogue
    country: str  # ISO 3166 alpha-2, from site.toml, else the site's country
    email: str
    ctid: str


@dataclass(frozen=True)
class Publisher:
    """What every export reads besides the entry: the site's settings and addresses."""

    site: Site
    addresses: Addresses

    def party(self, name: str, facet: str = "issuer") -> Party:
        """The organisation `name` (an issuer, or with facet "partners" a partner)."""
        known = self.site.organisations.get(name) or Organisation(name)
        url = known.url or self.addresses.browse(facet, name)
        return Party(
            name=name,
            url=url,
            country=known.country or self.site.country.upper(),
            email=known.email,
            # from its own address, or its name: the same whether it issues or endorses
            ctid=known.ctid or derived_ctid(known.url or f"organisation:{name}"),
        )

    def ctid(self, entry: Credential) -> str:
        """The entry's CTID: its `ctid` field, else one derived from its page's address."""
        return entry.ctid or derived_ctid(self.addresses.entry(entry.slug))


def dumps(data) -> bytes:
    """An export's bytes: the same for the same data in any process (keys in the order
    the exporter wrote them, UTF-8, one trailing newline). Compact, with no indentation:
    indented, a catalogue of 10,000 entries wrote some 70 MB more of them, and took the
    pure-Python encoder's path, several times slower than the C one."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (text + "\n").encode("utf-8")
