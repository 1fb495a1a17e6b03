"""Outlet names from URLs and from names found in text.

A curated data file (data/news_domains.json) maps major news domains to outlet names. Unknown
domains fall back to a readable name built from the registrable domain, found with the public
suffix list bundled by the `tld` package (it never fetches at run time).
"""

import json
import re
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tld import get_tld

from api.extraction.text import without_the
from api.textnorm import fold

_DATA_FILE = Path(__file__).parent / "data" / "news_domains.json"
# Host prefixes that name a language edition or device flavour of the same outlet.
_EDITION_PREFIXES = frozenset(
    {
        "www",
        "www1",
        "www2",
        "m",
        "mobile",
        "amp",
        "english",
        "edition",
        "en",
        "eng",
        "intl",
        "international",
        "global",
        "beta",
        "new",
        "web",
    }
)
_WORD_SPLIT = re.compile(r"[-_.]+")


@cache
def _data() -> dict[str, Any]:
    """The curated file, read once per process."""
    data: dict[str, Any] = json.loads(_DATA_FILE.read_text(encoding="utf-8"))
    return data


@cache
def _catalogue() -> tuple[dict[str, str], dict[str, str]]:
    """The domain -> name map and a folded name -> domain index."""
    data = _data()
    domains: dict[str, str] = data["domains"]
    by_name: dict[str, str] = {}
    for domain, name in domains.items():
        by_name.setdefault(_name_key(name), domain)
    for alias, domain in data["aliases"].items():
        by_name[_name_key(alias)] = domain
    return domains, by_name


def _name_key(name: str) -> str:
    """Fold a name for lookup: case, accents and a leading article do not matter."""
    key = fold(name)
    return without_the(key)


def _host(url: str) -> str | None:
    """Lower-case host of a URL (a bare domain is accepted too), without port or trailing dot."""
    candidate = url.strip()
    if "//" not in candidate:
        candidate = "//" + candidate
    host = (urlsplit(candidate).hostname or "").rstrip(".").lower()
    return host or None


def _registrable(host: str) -> tuple[str, str] | None:
    """(registrable domain, its label without suffix), e.g. 'bbc.co.uk' -> ('bbc.co.uk', 'bbc')."""
    parsed: Any = get_tld(host, fix_protocol=True, as_object=True, fail_silently=True)
    if parsed is None:
        return None
    return parsed.fld, parsed.domain


def _candidate_hosts(host: str, registrable: str | None) -> list[str]:
    """The host, then with edition prefixes removed, then the registrable domain."""
    candidates = [host]
    labels = host.split(".")
    while len(labels) > 2 and labels[0] in _EDITION_PREFIXES:
        labels = labels[1:]
        candidates.append(".".join(labels))
    if registrable:
        candidates.append(registrable)
    return candidates


def readable_name(label: str) -> str:
    """A display name from a domain label: 'example-news' -> 'Example News'."""
    words = [word for word in _WORD_SPLIT.split(label) if word]
    return " ".join(word if word.isupper() else word.capitalize() for word in words)


def outlet_from_url(url: str) -> dict[str, str] | None:
    """Outlet {"name", "domain"} for a URL: the curated name, else one made from the domain."""
    host = _host(url) if url else None
    if not host:
        return None
    domains, _ = _catalogue()
    parts = _registrable(host)
    registrable = parts[0] if parts else None
    for candidate in _candidate_hosts(host, registrable):
        if candidate in domains:
            return {"name": domains[candidate], "domain": candidate}
    if parts is None:
        return None
    return {"name": readable_name(parts[1]), "domain": parts[0]}


def curated_outlet(url: str) -> dict[str, str] | None:
    """The catalogue's outlet for a URL's domain, or None when the domain is not curated."""
    outlet = outlet_from_url(url) if url else None
    domains, _ = _catalogue()
    return outlet if outlet and outlet["domain"] in domains else None


def outlet_for_name(name: str) -> dict[str, str | None]:
    """Canonical outlet for a name seen in text ('AP', 'The Guardian', 'Pravda.Ru'); a name
    written as a domain ('watson.ch') keeps its spelling and gets that domain."""
    cleaned = name.strip()
    domain = _curated_domain(cleaned)
    if domain is not None:
        return {"name": _catalogue()[0][domain], "domain": domain}
    parts = _registrable(cleaned.lower()) if _looks_like_host(cleaned) else None
    return {"name": cleaned, "domain": parts[0] if parts else None}


def _curated_domain(name: str) -> str | None:
    """The curated domain key for an outlet name, alias or host, else None."""
    domains, by_name = _catalogue()
    domain = by_name.get(_name_key(name))
    if domain is None and _looks_like_host(name):
        domain = _domain_for_host(name.lower(), domains)
    return domain


def _looks_like_host(name: str) -> bool:
    return "." in name and " " not in name


def _domain_for_host(host: str, domains: dict[str, str]) -> str | None:
    """The curated domain key for a bare host written as a name ('Pravda.Ru')."""
    parts = _registrable(host)
    for candidate in _candidate_hosts(host, parts[0] if parts else None):
        if candidate in domains:
            return candidate
    return None


def is_known_outlet(name: str) -> bool:
    """True when the name is a curated outlet name, alias or domain."""
    return _curated_domain(name.strip()) is not None


def is_news_agency(name: str) -> bool:
    """True for wire services (Reuters, AP, AFP, dpa, ...), whose names open datelines."""
    return _curated_domain(name.strip()) in frozenset(_data()["agencies"])
