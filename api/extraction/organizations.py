"""Organisations: ORG mentions cleaned of headline fragments, outlets, people and places."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from api.extraction.text import EDGE_PUNCT, POSSESSIVE, without_the
from api.textnorm import fold


@dataclass(frozen=True, slots=True)
class OrgMention:
    """An ORG span in the original text."""

    surface: str
    heading: bool = False


def clean_org(surface: str) -> str:
    """'the Politika Strany (Politics of the Country' -> 'Politika Strany'."""
    text = surface.split("\n")[0].split("(")[0]
    text = POSSESSIVE.sub("", text.strip(EDGE_PUNCT)).strip(EDGE_PUNCT)
    return without_the(text)


def extract_organizations(
    mentions: Iterable[OrgMention],
    *,
    taken: set[str],
    is_place: Callable[[str], bool],
) -> list[dict[str, Any]]:
    """Organisation records; ``taken`` holds folded names already used as outlet or people."""
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    in_body: set[str] = set()
    for mention in mentions:
        name = clean_org(mention.surface)
        key = fold(name)
        if len(key) < 2 or not name[0].isupper() or key in taken or is_place(name):
            continue
        forms[key][name] += 1
        if not mention.heading:
            in_body.add(key)
    records = [
        {"name": counter.most_common(1)[0][0], "mentions": sum(counter.values())}
        for key, counter in forms.items()
        if key in in_body
    ]
    return sorted(records, key=lambda r: -r["mentions"])
