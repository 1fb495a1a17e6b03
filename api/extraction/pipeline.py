"""Article extraction: page metadata, credits, language, then people, regions and organisations.

``extract`` and ``extract_many`` run the same steps; ``extract_many`` sends the texts of each
language to the NER engine (a CoreNLP server) together. Values the client gave win over extracted
ones and are marked ``"provided"`` in the provenance. The detected language picks the NER model;
for a language without one the gazetteer still finds regions by name, and people and
organisations stay empty ("skipped:language") rather than wrong. When the engine fails, the whole
call raises :class:`NerUnavailable`: no article is returned half-extracted.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from api.extraction.corenlp import CoreNLPEngine, Entity, languages
from api.extraction.credits import Credit, as_credits, split_credits
from api.extraction.gazetteer import gazetteer
from api.extraction.html import parse_html
from api.extraction.language import detect_language
from api.extraction.names import NAME_PARTICLES
from api.extraction.nlp import Line, restore_case, split_lines
from api.extraction.organizations import OrgMention, extract_organizations
from api.extraction.outlets import outlet_for_name, outlet_from_url
from api.extraction.people import (
    Mention,
    extract_people,
    pattern_mentions,
    prose_mentions,
    titled,
)
from api.extraction.places import (
    government_place,
    norp_place,
    org_places,
    outlet_country,
    place_or_demonym,
    place_parts,
    state_body_country,
    unique_places,
    without_landforms,
)
from api.extraction.regions import (
    PlaceMention,
    countries_named,
    dateline_places,
    extract_regions,
    is_country,
    is_demonym,
    is_place_in,
    is_strong_place,
    missed_places,
    scan_places,
    venue_places,
)
from api.textnorm import fold

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# Languages that capitalise every noun: capitals there say little about names or headings.
NOUNS_CAPITALISED = frozenset({"de", "lb"})


@dataclass(slots=True)
class Prepared:
    """An article after the metadata steps, ready for NER."""

    title: str | None
    text: str
    ner_text: str
    title_end: int
    language: str | None
    published_at: str | None
    authors: list[Credit]
    outlet: dict[str, Any] | None
    provenance: dict[str, str] = field(default_factory=dict)


def _provided(article: Mapping[str, Any], key: str) -> Any:
    value = article.get(key)
    return value if value not in (None, "", []) else None


def _pick(provenance: dict[str, str], name: str, *candidates: tuple[Any, str | None]) -> Any:
    """The first non-empty candidate value, recording where it came from."""
    for value, source in candidates:
        if value not in (None, "", []):
            provenance[name] = source or "detected"
            return value
    return None


def _outlet(name: str | None, url: str | None) -> dict[str, Any] | None:
    """The outlet by name when one was found, its domain from the URL when the name has none."""
    from_url = outlet_from_url(url) if url else None
    if not name:
        return from_url
    outlet = outlet_for_name(name)
    if outlet.get("domain") is None and from_url:
        outlet = {**outlet, "domain": from_url["domain"]}
    return outlet


def _first_line_title(body: str) -> str | None:
    """A plain-text article's headline: a short first line, set off by a blank line."""
    first, blank, rest = body.lstrip().partition("\n\n")
    if not blank or not rest.strip() or "\n" in first:
        return None
    short = len(first.split()) <= 20 and not first.rstrip().endswith((".", ":", ","))
    return first.strip() if short else None


def _ner_text(title: str | None, body: str) -> tuple[str, int]:
    """The text NER reads: the title first (unless the body already opens with it)."""
    if not title:
        return body, 0
    if body.lstrip().startswith(title.strip()):
        return body, body.index(title.strip()) + len(title.strip())
    return f"{title.strip()}\n\n{body}", len(title.strip())


def _prepare(article: Mapping[str, Any]) -> Prepared:
    provenance: dict[str, str] = {}
    url = _provided(article, "url")
    page = parse_html(article["html"], url) if _provided(article, "html") else None
    meta_source = (page.provenance if page else {}).get
    text = _provided(article, "text") or (page.text if page else "")
    credits = split_credits(text)
    title = _pick(
        provenance,
        "title",
        (_provided(article, "title"), "provided"),
        (page and page.title, meta_source("title")),
        (_first_line_title(credits.body), "text"),
    )
    outlet_name = _pick(
        provenance,
        "outlet",
        (_provided(article, "outlet"), "provided"),
        (page and page.site_name, meta_source("site_name")),
        (credits.outlet, credits.provenance.get("outlet")),
    )
    outlet = _outlet(outlet_name, url)
    if outlet and not outlet_name:
        provenance["outlet"] = "url"
    provided_authors = _provided(article, "authors")
    authors = _pick(
        provenance,
        "authors",
        (provided_authors and as_credits(provided_authors, outlet), "provided"),
        (page and page.authors, meta_source("authors")),
        (credits.authors, credits.provenance.get("authors")),
    )
    ner_text, title_end = _ner_text(title, credits.body)
    language = _pick(
        provenance,
        "language",
        (_provided(article, "language"), "provided"),
        (page and page.language, meta_source("language")),
    ) or _pick(provenance, "language", (detect_language(credits.body), "detected"))
    published = _pick(
        provenance,
        "published_at",
        (_provided(article, "published_at"), "provided"),
        (page and page.published, meta_source("published")),
    )
    return Prepared(
        title=title,
        text=text,
        ner_text=ner_text,
        title_end=title_end,
        language=language,
        published_at=published,
        authors=list(authors or []),
        outlet=outlet,
        provenance=provenance,
    )


def _heading_at(lines: list[Line]) -> Callable[[int], bool]:
    """A lookup: is the character at this offset on a heading line?"""
    starts = [line.start for line in lines]

    def heading(offset: int) -> bool:
        return bool(lines) and lines[max(0, bisect_right(starts, offset) - 1)].heading

    return heading


def _overlaps_any(start: int, end: int, mentions: list[Mention]) -> bool:
    return any(m.start < end and start < m.end for m in mentions)


@dataclass(slots=True)
class Mentions:
    """NER and pattern mentions of one text, sorted into people, places and organisations."""

    persons: list[Mention]
    places: list[PlaceMention]
    orgs: list[OrgMention]


def _joined_names(text: str, entities: list[Entity]) -> list[Entity]:
    """Two PERSON spans with only name particles between them are one name: NER often leaves
    the particle out ("Ludwig" + "von" + "Trotha")."""
    joined: list[Entity] = []
    for entity in entities:
        previous = joined[-1] if joined else None
        gap = text[previous.end : entity.start].split() if previous else []
        if (
            previous is not None
            and previous.label == entity.label == "PERSON"
            and gap
            and all(word in NAME_PARTICLES for word in gap)
        ):
            joined[-1] = Entity(previous.start, entity.end, "PERSON")
        else:
            joined.append(entity)
    return joined


def _mentions(text: str, entities: list[Entity], heading: Callable[[int], bool]) -> Mentions:
    """Sort entities by what they really are: results-table patterns win over NER labels, a
    titled ORG is a person, an ORG that is a list of places is places."""
    patterns = pattern_mentions(text, is_place=is_strong_place, is_country=is_country)
    patterns += prose_mentions(text, is_place=place_or_demonym)
    found = Mentions(list({(m.start, m.end): m for m in patterns}.values()), [], [])
    for ent in _joined_names(text, entities):
        start, end, label = ent.start, ent.end, ent.label
        if _overlaps_any(start, end, found.persons):
            continue
        surface, is_heading = text[start:end], heading(start)
        if label == "PERSON" or label == "ORG" and titled(text, start, end):
            found.persons.append(Mention(surface, start, end, is_heading))
        elif label in PLACE_LABELS or norp_place(text, start, end):
            found.places.extend(place_parts(text, start, end, label, is_heading))
        elif label == "ORG":
            split = org_places(text, start, end) or government_place(text, start, end)
            if split:
                found.places.extend(split)
                continue
            if is_strong_place(surface):
                found.places.append(PlaceMention(surface, start, end, "ORG", is_heading))
            found.places.extend(state_body_country(text, start, end))
            found.orgs.append(OrgMention(surface, is_heading))
    found.places = unique_places([*dateline_places(text), *venue_places(text), *found.places])
    return found


def _entities(prepared: Prepared, lines: list[Line], entities: list[Entity]) -> dict[str, Any]:
    """People, regions and organisations from one labelled text split into ``lines``."""
    text = prepared.ner_text
    found = _mentions(text, entities, _heading_at(lines))
    countries = countries_named(m.surface for m in found.places)

    def not_a_person(name: str) -> bool:
        return is_place_in(name, countries) or is_demonym(name)

    headings = [(line.start, line.end) for line in lines if line.heading]
    people, person_places = extract_people(
        found.persons,
        text,
        is_place=not_a_person,
        knows_place=lambda name: bool(gazetteer().lookup(name)),
        headings=headings,
        nouns_capitalised=prepared.language in NOUNS_CAPITALISED,
    )
    places = found.places + [
        PlaceMention(m.surface, m.start, m.end, "PERSON", m.heading) for m in person_places
    ]
    covered = [(ent.start, ent.end) for ent in entities]
    covered += [(m.start, m.end) for m in found.persons]
    places += missed_places(text, covered, countries)
    places = without_landforms(places, text)
    places.sort(key=lambda m: m.start)
    names = {fold(name) for person in people for name in person["aliases"]}
    taken = set(names)
    if prepared.outlet:
        outlet = prepared.outlet["name"]
        taken |= {fold(outlet)} | {fold(part) for part in re.split(r"[.\s]", outlet) if part}
    return {
        "people": people,
        "regions": extract_regions(
            places,
            text,
            outlet_country=outlet_country(prepared.outlet),
            title_end=prepared.title_end,
            not_places=frozenset(names | {name.split()[-1] for name in names}),
            name_words=frozenset(word for name in names for word in name.split()),
            language=prepared.language,
        ),
        "organizations": extract_organizations(found.orgs, taken=taken, is_place=is_strong_place),
    }


def _gazetteer_only(prepared: Prepared) -> dict[str, Any]:
    """Regions by name for text the English model cannot read; no people rather than wrong ones."""
    text = prepared.ner_text
    places = scan_places(text)
    regions = extract_regions(
        places, text, outlet_country=outlet_country(prepared.outlet), title_end=prepared.title_end
    )
    return {"people": [], "regions": regions, "organizations": []}


def _result(prepared: Prepared, entities: dict[str, Any], ner: str) -> dict[str, Any]:
    provenance = dict(prepared.provenance)
    provenance.update(people=ner, organizations=ner, regions="gazetteer")
    return {
        "title": prepared.title,
        "text": prepared.text,
        "language": prepared.language,
        "published_at": prepared.published_at,
        "authors": prepared.authors,
        "outlet": prepared.outlet,
        **entities,
        "provenance": provenance,
    }


def _ner_language(prepared: Prepared) -> str | None:
    """The NER model to read this article with; an undetected language is read as English."""
    language = prepared.language or "en"
    return language if language in languages() else None


def extract_many(
    articles: Sequence[Mapping[str, Any]],
    engine: CoreNLPEngine,
    on_prepared: Callable[[list[dict[str, Any]]], None] | None = None,
) -> list[dict[str, Any]]:
    """Extract every article; the texts of each language go to the NER engine together.

    `on_prepared` is given each article's final title and text before the NER engine is asked,
    for work that needs only those and can run while the engine tags (a caller's thread).
    Raises NerUnavailable when the engine cannot label them (nothing is returned then).
    """
    prepared = [_prepare(article) for article in articles]
    if on_prepared is not None:
        on_prepared([{"title": p.title, "text": p.text} for p in prepared])
    ner_languages = {i: _ner_language(p) for i, p in enumerate(prepared)}
    by_language: dict[str, list[int]] = {}
    for index, language in ner_languages.items():
        if language:
            by_language.setdefault(language, []).append(index)
    lines = {
        i: split_lines(
            prepared[i].ner_text,
            prepared[i].title_end,
            title_case=prepared[i].language not in NOUNS_CAPITALISED,
        )
        for indexes in by_language.values()
        for i in indexes
    }
    labelled: dict[int, list[Entity]] = {}
    for language, indexes in by_language.items():
        texts = [restore_case(prepared[i].ner_text, lines[i], is_strong_place) for i in indexes]
        labelled.update(zip(indexes, engine.entities(texts, language), strict=True))
    results = []
    for index, p in enumerate(prepared):
        if index in labelled:
            entities = _entities(p, lines[index], labelled[index])
            ner = f"corenlp:{ner_languages[index]}"
        else:
            entities, ner = _gazetteer_only(p), "skipped:language"
        results.append(_result(p, entities, ner))
    return results


def extract(article: Mapping[str, Any], engine: CoreNLPEngine) -> dict[str, Any]:
    """Extract one article (see extract_many)."""
    return extract_many([article], engine)[0]
