"""Regions: place mentions resolved against the gazetteer, ambiguity settled from context.

Candidates come from NER (GPE, LOC, FAC), from PERSON/ORG spans that are really places, from
datelines and results-table venues, and, for non-English text only, from a gazetteer scan of
capitalised words. A name with several gazetteer entries ("Washington", "Georgia") is resolved by
the countries the article names unambiguously, the outlet's country, the words around it
("region", "state") and, last, by kind and population. Demonyms are not places; a town used as a
sports team is not a place anywhere in that article, unless a preposition ("in Leeds") says so.
Places NER finds but the gazetteer does not know (venues, streets) are kept as type "other".
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from api.extraction.gazetteer import Place, bare_name, gazetteer, key
from api.extraction.names import MEDIUM_AFTER
from api.extraction.text import EDGE_PUNCT, POSSESSIVE, without_the
from api.textnorm import fold

STRONG_CITY_POPULATION = 100_000
DATELINE_CHARS = 300
# The kind of subdivision right after a name: "the Belgorod region", "Bryansk Oblast".
_KIND_FOLLOWS = re.compile(r"\s+(?:region|oblast|krai|province)\b", re.IGNORECASE)
_REGION_WORDS = re.compile(r"\b(?:regions?|oblasts?|provinces?|states?|counties|county)\b", re.I)
# After a team: a result verb, a score, or "(Country) score" as in "Alba (Germany) 75".
_TEAM_AFTER = re.compile(
    r"(?:['’]s)?\s*(?:(?:beat|beats|drew|defeated|thrashed|v|vs)\b|(?!(?:1[5-9]|20)\d\d\b)\d+\b"
    r"|\([A-Z][^()\n]{1,30}\)\s+\d)",
    re.I,
)
# "Florida Marlins", "Cincinnati Reds": a town before a capitalised plural is a club's name;
# "Cayman Islands" and "Blue Mountains" are places.
_TEAM_NICKNAME = re.compile(
    r"[ ](?!(?:Islands|Isles|Mountains|Hills|Heights|Falls|Springs|Plains|Highlands|Lakes"
    r"|Keys|Rapids|Downs|Fields|Gardens|Sands|Woods|Docks|Shoals)\b)[A-Z][a-z]+s\b(?!['’])"
)
# "Surrey all-rounder Adam Hollioake", "Leeds striker": a town before a player's role is a club.
_TEAM_ROLE = re.compile(
    r"['’]?s?\s+(?:all-rounder|batsman|bowler|opener|paceman|spinner|wicketkeeper|seamer"
    r"|striker|midfielder|defender|goalkeeper|winger|fullback|skipper|playmaker)s?\b",
    re.IGNORECASE,
)
_TEAM_BEFORE = re.compile(r"\b(?:beat|beats|v|vs\.?|defeated|drew with)\s*$", re.I)
# "in Chicago", "at Chicago": a town named with a locative preposition is the town, even in a
# story where it also names a team.
_LOCATIVE = re.compile(r"\b(?:in|at|near|from|to)\s+$", re.I)
# "New York-based", "pro-Moscow": a place name inside a modifier is no mention of the place.
_IN_COMPOUND = re.compile(r"-[a-z]")
_COMPOUND_PREFIX = re.compile(r"\b(?:pro|anti|non|ex)-$", re.I)
# "U.S. Open", "Texas Amateur Championship": a place that opens an event's name.
_EVENT_AFTER = re.compile(
    r"[ ](?:(?:Amateur|Open|Indoor|Junior|Senior|National)[ ])?"
    r"(?:Open|Championships?|Cup|Games|Grand[ ]Prix|Masters|Classic|Trophy)\b"
)
_DATE_AFTER = re.compile(r"\s*(?:\d{4}-\d{2}-\d{2}|\d{1,2} [A-Z][a-z]+ \d{4})")
_DEMONYM_ENDINGS = ("ian", "ean", "ese", "ish", "an", "i", "ic")
_IRREGULAR_DEMONYMS = frozenset(
    [
        "french",
        "dutch",
        "swiss",
        "welsh",
        "irish",
        "greek",
        "thai",
        "czech",
        "slovak",
        "basque",
        "arab",
        "arabs",
        "scots",
        "british",
        "english",
        "filipino",
        "turkish",
        "spanish",
        "polish",
        "danish",
        "swedish",
        "finnish",
        "kurdish",
        "european",
        "american",
        "african",
        "asian",
    ]
)
_EDGE_PUNCT = EDGE_PUNCT + "."  # a place name never ends in a full stop
# Where an NER span runs past a place name: a new line, a bracket, a dash, a score, "v".
_SPAN_END = re.compile(r"\n|\s*\(|\s+[-–—]\s+|\s+\d|\s+v\.?\s")
_OTHER_PARTICLES = frozenset({"of", "de", "la", "le", "al", "el", "du", "upon", "on", "the", "and"})
_EVENT_WORDS = frozenset(
    [
        "open",
        "games",
        "cup",
        "slam",
        "championship",
        "championships",
        "tournament",
        "trophy",
        "meeting",
        "prix",
        "classic",
        "series",
        "masters",
        "league",
        "olympics",
        "olympic",
        "tour",
        "festival",
        "summit",
        "conference",
        "talks",
        "newsdesk",
        "desk",
        "bureau",
    ]
)
_DIRECTIONS = frozenset(
    [
        "north",
        "south",
        "east",
        "west",
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
        "overseas",
        "abroad",
    ]
)
_KIND_PRIOR = {"country": 3.0, "continent": 2.5, "admin1": 2.0, "city": 1.0, "other": 0.8}


@dataclass(frozen=True, slots=True)
class PlaceMention:
    """A candidate place span in the original text."""

    surface: str
    start: int
    end: int
    label: str  # NER label, or "GAZ" for the gazetteer scan
    heading: bool = False


@dataclass(slots=True, eq=False)
class Region:
    """One resolved region of the article."""

    place: Place | None
    name: str
    aliases: list[str] = field(default_factory=list)
    mentions: int = 0
    score: float = 0.0

    def record(self, focus: bool) -> dict[str, Any]:
        place = self.place
        return {
            "name": self.name,
            "code": place.code if place else None,
            "type": place.type if place else "other",
            "country": place.country if place else None,
            "parent": place.parent if place else None,
            "aliases": sorted(self.aliases),
            "mentions": self.mentions,
            "focus": focus,
        }


def clean_surface(surface: str) -> str:
    """'the Kremlin's' -> 'Kremlin', 'Somerset 83' -> 'Somerset'; keeps dots ('U.S.', 'Fla.')."""
    text = _SPAN_END.split(surface, maxsplit=1)[0].strip()
    text = POSSESSIVE.sub("", text).strip(_EDGE_PUNCT.replace(".", ""))
    return without_the(text)


def trimmed(mention: PlaceMention) -> PlaceMention:
    """The mention with its surface cleaned and its offsets moved to match."""
    surface = clean_surface(mention.surface)
    start = mention.start + max(0, mention.surface.find(surface))
    return PlaceMention(surface, start, start + len(surface), mention.label, mention.heading)


def is_strong_place(name: str) -> bool:
    """A name the gazetteer knows well enough to override an NER label ("Sumy" as a person)."""
    return any(
        place.type in ("country", "admin1", "continent")
        or bool(place.curated_keys)
        or (place.type == "city" and place.population >= STRONG_CITY_POPULATION)
        for place in gazetteer().lookup(name)
    )


@cache
def _country_names() -> tuple[str, ...]:
    """Folded names of every country, for recognising demonyms by their stem."""
    gaz = gazetteer()
    return tuple(
        name for name, places in gaz.by_name.items() if any(p.type == "country" for p in places)
    )


@cache
def _country_name_prefixes() -> frozenset[str]:
    """Every beginning of every country name: a demonym's stem is one of them."""
    return frozenset(name[:end] for name in _country_names() for end in range(1, len(name) + 1))


def _plausible_other(surface: str, name_words: frozenset[str], english: bool) -> bool:
    """Whether an NER place the gazetteer does not know (a venue, a street) may be kept.

    Not: phrases with common words ("English county"), events ("Hong Kong Open"), plural
    nouns in English ("Eyewitnesses", "White Sox"; in German a final s is the genitive),
    bare directions ("East"), parts of people's names.
    """
    words = surface.split()
    folded = [fold(word) for word in words]
    if any(w[:1].islower() and w not in _OTHER_PARTICLES for w in words):
        return False
    if is_demonym(words[0]) or folded[-1] in _EVENT_WORDS:
        return False
    if english and folded[-1].endswith("s") and not folded[-1].endswith(("ss", "us", "is")):
        return False
    return not any(word in name_words for word in folded)


def _genitive_of_place(surface: str) -> list[Place]:
    """The place a genitive without apostrophe names ("Bayerns", "Europas", "Israels"), as
    German, Dutch and the Nordic languages write it: only a strong place, so that ordinary
    words ending in s stay unknown."""
    if len(surface) < 5 or not surface.endswith("s") or not is_strong_place(surface[:-1]):
        return []
    return gazetteer().lookup(surface[:-1])


def is_place_in(name: str, countries: set[str]) -> bool:
    """Whether a name NER gave as a person is a place here: a country, region or curated name,
    or a big city of a country the article names ("Duran" in a boxing story is a boxer)."""
    return any(
        place.type != "city"
        or bool(place.curated_keys)
        or (place.population >= STRONG_CITY_POPULATION and place.country in countries)
        for place in gazetteer().lookup(name)
    )


def countries_named(surfaces: Iterable[str]) -> set[str]:
    """Countries of the place names that the gazetteer resolves unambiguously."""
    gaz = gazetteer()
    return set(_context_countries((gaz.lookup(clean_surface(s)) for s in surfaces), None))


def is_country(name: str) -> bool:
    """Whether the name is a country ("Jamaica", "U.S."), or a country within one that fields
    its own teams ("England"), as in "Name (Country)" result lines."""
    return any(place.type == "country" or place.national for place in gazetteer().lookup(name))


def is_demonym(word: str) -> bool:
    """'Ukrainian', 'Russians', 'French': adjectives and nouns of nationality, not places."""
    folded = fold(word)
    if folded.endswith("s") and is_strong_place(word[:-1]):
        return False  # a genitive ("Japans", "Irans"), not "Japanese" or "Iranians"
    singular = folded[:-1] if folded.endswith("s") and not gazetteer().lookup(word) else folded
    if folded in _IRREGULAR_DEMONYMS or singular in _IRREGULAR_DEMONYMS:
        return True
    if " " in singular or not singular.endswith(_DEMONYM_ENDINGS) or gazetteer().lookup(word):
        return False
    return singular[: max(4, len(singular) - 4)] in _country_name_prefixes()


def _words_around(text: str, mention: PlaceMention) -> str:
    """The few words beside a mention ("the state of Georgia", "Kakheti region"): a region word
    further off in the sentence is about some other place."""
    return text[max(0, mention.start - 12) : mention.end + 12]


def is_team_mention(text: str, mention: PlaceMention, places: list[Place]) -> bool:
    """A town or county name used as a team ("Leicestershire beat Somerset", "Essex 372").

    National teams stay places: news (and CoNLL) treat "Japan beat Syria" as naming countries.
    """
    if any(place.national or place.type == "continent" for place in places):
        return False
    after = text[mention.end : mention.end + 30]
    before = text[max(0, mention.start - 30) : mention.start]
    if _DATE_AFTER.match(after):
        return False
    return bool(
        _TEAM_AFTER.match(after)
        or _TEAM_BEFORE.search(before)
        or _TEAM_NICKNAME.match(after)
        or _TEAM_ROLE.match(after)
    )


def _context_countries(
    candidates: Iterable[list[Place]], outlet_country: str | None
) -> Counter[str]:
    """Countries the article names unambiguously, weighted by mentions, plus the outlet's."""
    countries: Counter[str] = Counter()
    for places in candidates:
        found = {p.country for p in places if p.country}
        if len(found) == 1:
            countries[found.pop()] += 1
    if outlet_country:
        countries[outlet_country] += 1
    return countries


@dataclass(frozen=True, slots=True)
class Context:
    """What the article says elsewhere: its countries (weighted), and the subdivisions that
    hold the towns it names unambiguously ("Yakima" puts "Washington" in US-WA)."""

    countries: Counter[str]
    town_regions: frozenset[str] = frozenset()


def _score(place: Place, context: Context, nearby: str, same_name_admin1: set[str]) -> float:
    score = _KIND_PRIOR[place.type]
    if place.type == "admin1" and place.code in context.town_regions:
        score += 1.5
    if place.type == "city":
        score += math.log10(max(place.population, 10)) / 10 + 0.8 * place.capital
        score += 0.5 * (place.parent in same_name_admin1)
    if place.country and context.countries.get(place.country):
        # Weighted: a country the article keeps naming outweighs one named in passing.
        score += 2.0 * context.countries[place.country] / max(context.countries.values())
    if place.type == "admin1" and _REGION_WORDS.search(nearby):
        score += 1.5
    return score


def most_plausible(places: list[Place], context: Context, nearby: str) -> Place:
    """The most plausible of several same-named places."""
    admin1 = {p.code for p in places if p.type == "admin1"}
    return max(places, key=lambda p: _score(p, context, nearby, admin1))


def extract_regions(
    mentions: Iterable[PlaceMention],
    text: str,
    *,
    outlet_country: str | None = None,
    title_end: int = 0,
    not_places: frozenset[str] = frozenset(),
    name_words: frozenset[str] = frozenset(),
    language: str | None = None,
) -> list[dict[str, Any]]:
    """Region records, one per place, focus regions marked.

    ``not_places`` holds folded names already known as something else (people's names and
    surnames); ``name_words`` the folded words of people's names, which an unknown "place" may
    not contain.
    """
    gaz = gazetteer()
    candidates: list[tuple[PlaceMention, str, list[Place]]] = []
    for mention in map(trimmed, mentions):
        surface = mention.surface
        if not surface or not surface[0].isupper() or is_demonym(surface):
            continue
        if fold(surface) in not_places or fold(surface) in _DIRECTIONS:
            continue
        if _EVENT_AFTER.match(text, mention.end) or MEDIUM_AFTER.match(text, mention.end):
            continue
        if _IN_COMPOUND.match(text, mention.end) or _COMPOUND_PREFIX.search(
            text[max(0, mention.start - 6) : mention.start]
        ):
            continue
        places = gaz.lookup(surface) or _genitive_of_place(surface)
        if _KIND_FOLLOWS.match(text, mention.end):
            # "the Belgorod region": the oblast, which English may know by another name.
            more = gaz.lookup(f"{surface} region")
            places = places + [place for place in more if place not in places]
        if places and not gaz.by_name.get(key(surface)):
            surface = bare_name(surface)  # "Ogun State" is known as "Ogun"
        if not places and (
            mention.label in ("ORG", "PERSON", "GAZ")
            or not _plausible_other(surface, name_words, english=language in (None, "en"))
        ):
            continue
        candidates.append((mention, surface, places))
    # One sense per article: a town that plays as a team anywhere is a team throughout.
    team_uses = [is_team_mention(text, m, places) for m, _, places in candidates]
    teams = {fold(c[1]) for c, team in zip(candidates, team_uses, strict=True) if team}
    resolved = [
        c
        for c, team in zip(candidates, team_uses, strict=True)
        if not team and (fold(c[1]) not in teams or _says_place(text, c[0]))
    ]
    context = Context(
        _context_countries((places for _, _, places in resolved if places), outlet_country),
        frozenset(
            places[0].parent
            for _, _, places in resolved
            if len(places) == 1 and places[0].type == "city" and places[0].parent
        ),
    )
    regions: dict[str, Region] = {}
    for mention, surface, places in resolved:
        place = most_plausible(places, context, _words_around(text, mention)) if places else None
        for named in _with_city_region(place):
            code = named.code if named else fold(surface)
            region = regions.setdefault(code, Region(named, named.name if named else surface))
            if surface not in region.aliases:
                region.aliases.append(surface)
            region.mentions += 1
            in_title = mention.start < title_end
            region.score += 1 + (2 if in_title else _dateline_bonus(mention))
    return _with_focus(list(regions.values()))


def _with_city_region(place: Place | None) -> list[Place | None]:
    """A city that is itself a subdivision (Tokyo, Seoul, Paris) names that subdivision too, so
    that filtering by the subdivision's code finds the article."""
    region = gazetteer().by_code.get(place.region) if place and place.region else None
    return [place, region] if region else [place]


def _says_place(text: str, mention: PlaceMention) -> bool:
    """A dateline or a preposition ("in Leeds") makes a town a place even where it is a team."""
    dateline = mention.heading and mention.start < DATELINE_CHARS
    return dateline or bool(_LOCATIVE.search(text[max(0, mention.start - 8) : mention.start]))


def _dateline_bonus(mention: PlaceMention) -> int:
    """A place in the heading lines at the top (the dateline, a standfirst) counts extra."""
    return int(mention.heading and mention.start < DATELINE_CHARS)


def _with_focus(regions: list[Region]) -> list[dict[str, Any]]:
    """Focus regions: those scoring at least half the top score, by mentions, title, dateline."""
    regions.sort(key=lambda r: -r.score)
    top = regions[0].score if regions else 0.0
    return [r.record(focus=r.score >= max(2.0, top / 2)) for r in regions]


_CAP_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
_MAX_NGRAM = 3


def _capitalised_runs(text: str) -> list[list[re.Match[str]]]:
    """Runs of capitalised words separated by single spaces (candidate place names)."""
    runs: list[list[re.Match[str]]] = []
    for match in _CAP_WORD.finditer(text):
        if not match.group()[0].isupper():
            continue
        previous = runs[-1][-1] if runs else None
        if previous and text[previous.end() : match.start()] == " ":
            runs[-1].append(match)
        else:
            runs.append([match])
    return runs


def scan_places(text: str) -> list[PlaceMention]:
    """Gazetteer matches among capitalised words, longest first, for text without NER."""
    found: list[PlaceMention] = []
    for run in _capitalised_runs(text):
        i = 0
        while i < len(run):
            for size in range(min(_MAX_NGRAM, len(run) - i), 0, -1):
                start, end = run[i].start(), run[i + size - 1].end()
                surface = clean_surface(text[start:end])
                if _scan_match(surface, size):
                    found.append(PlaceMention(surface, start, start + len(surface), "GAZ"))
                    i += size
                    break
            else:
                i += 1
    return found


def missed_places(
    text: str, covered: list[tuple[int, int]], countries: set[str]
) -> list[PlaceMention]:
    """Places NER missed: big cities of the article's own countries ("storm hit Anchorage" in
    a story about Alaska), and countries or first-level regions listed right after a place NER
    found ("shelling hit Kherson and Sumy") or named with their kind ("the Ile-de-France
    region"). Limited to them because, measured on news, a free
    scan adds more false places (surnames, clubs) than NER misses."""
    gaz = gazetteer()
    ends = {end for _, end in covered}

    def listed(start: int) -> bool:
        joint = _LIST_JOINT.search(text, max(0, start - 8), start)
        return joint is not None and joint.start() in ends

    return [
        mention
        for mention in scan_places(text)
        if not any(mention.start < b and a < mention.end for a, b in covered)
        and not _sentence_initial(text, mention.start)
        and any(
            place.type == "city"
            and place.population >= STRONG_CITY_POPULATION
            and place.country in countries
            or place.type in ("country", "admin1")
            and (listed(mention.start) or _KIND_FOLLOWS.match(text, mention.end) is not None)
            for place in gaz.lookup(mention.surface)
        )
    ]


# What joins two items of a list, in the languages NER reads: ", ", " and ", " und ", " et ".
_LIST_JOINT = re.compile(r"(?:,|\s+(?:and|or|und|oder|et|ou|y|o|e))\s+\Z")


def _sentence_initial(text: str, start: int) -> bool:
    before = text[max(0, start - 3) : start].rstrip(" \"'“‘(")
    return not before or before[-1] in ".!?\n:"


def _scan_match(surface: str, size: int) -> bool:
    """Scanned names must be unmistakable: several words, or a country, region or big city."""
    if not surface or is_demonym(surface):
        return False
    return bool(gazetteer().lookup(surface)) if size > 1 else is_strong_place(surface)


# "LONDON 1996-08-30", "MILWAUKEE, Wisconsin 1996-08-29", "KYIV (Reuters) -", "PARIS, May 3 -".
_DATELINE = re.compile(
    r"^(?P<places>[A-Z][A-Z.'’\- ]+[A-Z.](?:,[ ][A-Z][\w.'’\- ]*?)*)"
    r"(?=[ ]+(?:(?P<date>\d{4}-\d{2}-\d{2}|\(|[A-Z][a-z]{2}\.? \d{1,2}\b)|[-–—]))"
)
DATELINE_LINES = 4


# "Chester-le-Street: Glamorgan 259 and 207": the venue that opens a line of results.
_VENUE = re.compile(r"^(?P<venue>[A-Z][\w'’.-]*(?:[ -][A-Za-z][\w'’.-]*){0,3}):[ ](?=.*\d)", re.M)


def venue_places(text: str) -> list[PlaceMention]:
    """Known places that open a line of results, before a colon ("Leicester: Leicestershire
    beat Somerset"); labels like "Attendance:" are not in the gazetteer."""
    return [
        PlaceMention(m.group("venue"), m.start("venue"), m.end("venue"), "GPE")
        for m in _VENUE.finditer(text)
        if gazetteer().lookup(m.group("venue"))
    ]


def dateline_places(text: str) -> list[PlaceMention]:
    """Places of a dateline near the top: a shouted place name before a date or agency.

    Wire datelines name where the story was filed; before a date or an agency they are places
    even when the gazetteer does not know them ("SOCCER - ..." before a dash is not).
    """
    found: list[PlaceMention] = []
    offset = 0
    for line in text.splitlines(keepends=True)[:DATELINE_LINES]:
        match = _DATELINE.match(line)
        if match:
            found += _dateline_parts(match, offset)
        offset += len(line)
    return found


def _dateline_parts(match: re.Match[str], offset: int) -> list[PlaceMention]:
    """'MILWAUKEE, Wisconsin' -> both places, when a date or agency follows or all are known."""
    names = [part.strip() for part in match.group("places").split(",")]
    known = [bool(gazetteer().lookup(name)) for name in names]
    # "FORT VALLEY, Ga. —": a town too small to know is still a place before its known state.
    town_in_state = len(names) > 1 and known[-1]
    if not match.group("date") and not all(known) and not town_in_state:
        return []
    found: list[PlaceMention] = []
    cursor = 0
    for name in names:
        begin = match.string.find(name, cursor)
        found.append(PlaceMention(name, offset + begin, offset + begin + len(name), "GPE", True))
        cursor = begin + len(name)
    return found
