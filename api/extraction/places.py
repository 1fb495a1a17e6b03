"""Place heuristics over NER spans: what a span says about places beyond its label.

An ORG span may be a list of places or a government ("the New South Wales government"); a
state body names its country; a nationality span before "region" is the region; a span
may name a place and where it is ("Oval, London"); a name the article uses for a landform is
no region. The pipeline (pipeline.py) applies these before regions.py resolves the places.
"""

from __future__ import annotations

import re
from typing import Any

from api.extraction.gazetteer import gazetteer
from api.extraction.regions import PlaceMention, is_country, is_demonym, is_strong_place, trimmed
from api.textnorm import fold

_LIST_ITEM = re.compile(r"(?:^|,\s*|\s+and\s+)(?P<name>[^,\s][^,]*?)(?=,|\s+and\s+|$)")
_GOVERNMENT = re.compile(
    r"(?:[Tt]he\s+)?(?P<place>[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3})\s+"
    r"(?i:(?:state\s+|provincial\s+|regional\s+|city\s+|federal\s+)?"
    r"(?:government|administration))"
)
# A state body named after its country: "the U.S. Department of Agriculture", "Kenya Navy".
_STATE_BODY = re.compile(
    r"(?:[Tt]he\s+)?(?P<place>[A-Z][\w'’.]*(?:\s+[A-Z][\w'’.]*){0,2}?)\s+"
    r"(?:Department|Ministry|Embassy|Consulate|Army|Navy|Air\s+Force|Coast\s+Guard|Treasury"
    r"|Congress|Senate|Parliament|Supreme\s+Court|Central\s+Bank|Federal\s+Reserve)\b"
)
# Nouns after a name that make it a landform, not the region of the same name.
_LANDFORM_AFTER = re.compile(
    r"\s+(?:salt\s+flats?|desert|basin|glacier|plateau|aquifer|lagoons?)\b", re.IGNORECASE
)
# What may follow a region's name that NER took for a nationality: a region word, or its
# government ("the Maharashtra government").
_REGION_AFTER = re.compile(
    r"\s+(?:region|province|state|prefecture|county|district"
    r"|(?i:(?:state\s+|provincial\s+|regional\s+)?(?:government|administration)))\b"
)
# Country-code TLDs that sites use for their look, not their country.
_VANITY_TLDS = frozenset({"io", "co", "tv", "me", "ai", "fm", "ly", "am", "cc", "ws", "to", "gg"})


def outlet_country(outlet: dict[str, Any] | None) -> str | None:
    """The country of the outlet's ccTLD ('pravda.ru' -> 'RU'), a hint for ambiguous places."""
    domain = (outlet or {}).get("domain") or ""
    tld = domain.rsplit(".", 1)[-1]
    if len(tld) != 2 or tld in _VANITY_TLDS:
        return None
    place = gazetteer().by_code.get("GB" if tld == "uk" else tld.upper())
    return place.code if place and place.type == "country" else None


def org_places(text: str, start: int, end: int) -> list[PlaceMention]:
    """An ORG span that is really a list of places ("Kharkiv, Dnipropetrovsk") -> its places."""
    items = [
        (start + match.start("name"), match.group("name"))
        for match in _LIST_ITEM.finditer(text[start:end])
    ]
    if len(items) < 2 or not all(is_strong_place(name) for _, name in items):
        return []
    return [PlaceMention(name, offset, offset + len(name), "GPE") for offset, name in items]


def government_place(text: str, start: int, end: int) -> list[PlaceMention]:
    """'the New South Wales government' names the place whose government it is (NER's span
    may stop before "government")."""
    match = _GOVERNMENT.match(text, start)
    if match is None or not match.end("place") <= end <= match.end():
        return []
    if not is_strong_place(match.group("place")):
        return []
    return [PlaceMention(match.group("place"), match.start("place"), match.end("place"), "GPE")]


def state_body_country(text: str, start: int, end: int) -> list[PlaceMention]:
    """An organisation of a country's state ("the U.S. Department of Agriculture") is also a
    mention of that country; the organisation stays an organisation."""
    match = _STATE_BODY.match(text, start)
    if match is None or match.end() > end or not is_country(match.group("place")):
        return []
    return [PlaceMention(match.group("place"), match.start("place"), match.end("place"), "ORG")]


def norp_place(text: str, start: int, end: int) -> bool:
    """A 'nationality' span naming a known region before a region word ("the Antofagasta
    region") or its government ("the Maharashtra government") is that region; real demonyms
    ("Chilean", "the Chilean government") are not."""
    surface = text[start:end]
    return (
        _REGION_AFTER.match(text, end) is not None
        and is_strong_place(surface)
        and not is_demonym(surface)
    )


def place_parts(text: str, start: int, end: int, label: str, heading: bool) -> list[PlaceMention]:
    """A place span naming a place and where it is ("Oval, London") -> one mention each."""
    return [
        PlaceMention(m.group(), start + m.start(), start + m.end(), label, heading)
        for m in re.finditer(r"[^,\s](?:[^,]*[^,\s])?", text[start:end])
    ]


def unique_places(mentions: list[PlaceMention]) -> list[PlaceMention]:
    """Drop place mentions that overlap an earlier one (a dateline beats the NER span)."""
    kept: list[PlaceMention] = []
    for mention in mentions:
        if not any(m.start < mention.end and mention.start < m.end for m in kept):
            kept.append(mention)
    return kept


def place_or_demonym(name: str) -> bool:
    return is_strong_place(name) or is_demonym(name)


def without_landforms(places: list[PlaceMention], text: str) -> list[PlaceMention]:
    """Drop a name the article uses for a landform ("the Atacama salt flat"), in every mention
    ("brine pumping in Atacama"), unless the article also calls it a region ("the Atacama
    region")."""
    cleaned = [trimmed(m) for m in places]

    def folded_before(kind: re.Pattern[str]) -> set[str]:
        return {fold(m.surface) for m in cleaned if kind.match(text, m.end)}

    landforms = folded_before(_LANDFORM_AFTER) - folded_before(_REGION_AFTER)
    return [
        m for m, clean in zip(places, cleaned, strict=True) if fold(clean.surface) not in landforms
    ]
