"""A corpus of short articles written for the search tests, as stored resources.

They are indexed directly (not extracted), so that search tests depend on search alone:
every person, region and outlet below is exactly what the article carries.
"""

from __future__ import annotations

from typing import Any

# name -> (code, type, parent, country)
PLACES: dict[str, tuple[str, str, str | None, str | None]] = {
    "Ukraine": ("UA", "country", None, "UA"),
    "Kharkiv Oblast": ("UA-63", "admin1", "UA", "UA"),
    "Kharkiv": ("geonames:706483", "city", "UA-63", "UA"),
    "Lviv Oblast": ("UA-46", "admin1", "UA", "UA"),
    "Russia": ("RU", "country", None, "RU"),
    "Moscow": ("geonames:524901", "city", "RU", "RU"),
    "United States": ("US", "country", None, "US"),
    "Alaska": ("US-AK", "admin1", "US", "US"),
    "Texas": ("US-TX", "admin1", "US", "US"),
    "Paris, Texas": ("geonames:4717560", "city", "US-TX", "US"),
    "France": ("FR", "country", None, "FR"),
    "Paris": ("geonames:2988507", "city", "FR", "FR"),
    "Germany": ("DE", "country", None, "DE"),
    "Bavaria": ("DE-BY", "admin1", "DE", "DE"),
    "Munich": ("geonames:2867714", "city", "DE-BY", "DE"),
    "Brazil": ("BR", "country", None, "BR"),
    "São Paulo": ("geonames:3448439", "city", "BR-SP", "BR"),
    "Japan": ("JP", "country", None, "JP"),
    "Georgia": ("GE", "country", None, "GE"),
}

OUTLETS = {
    "Kyiv Ledger": "kyivledger.example",
    "Daily Courier": "dailycourier.example",
    "Le Monde Libre": "lemondelibre.example",
    "Nord Post": "nordpost.example",
}

# (title, text, published_at, outlet, authors, people {name: aliases}, regions, focus, orgs)
ARTICLES: list[tuple[Any, ...]] = [
    (
        "Shelling hits Kharkiv",
        "Artillery struck Kharkiv overnight, officials said.",
        "2025-01-05",
        "Kyiv Ledger",
        ["Olena Bondar"],
        {},
        ["Kharkiv"],
        ["Kharkiv"],
        [],
    ),
    (
        "Zelensky visits the front",
        "Volodymyr Zelensky toured Kharkiv Oblast. Zelensky met troops.",
        "2025-01-12",
        "Kyiv Ledger",
        ["Olena Bondar"],
        {"Volodymyr Zelensky": ["Volodymyr Zelensky", "Zelensky"]},
        ["Kharkiv Oblast", "Ukraine"],
        ["Kharkiv Oblast"],
        [],
    ),
    (
        "Putin and Trump speak",
        "Vladimir Putin spoke with Donald Trump about Ukraine.",
        "2025-02-01",
        "Daily Courier",
        ["Mark Hale"],
        {"Vladimir Putin": ["Vladimir Putin"], "Donald Trump": ["Donald Trump"]},
        ["Russia", "United States", "Ukraine"],
        ["Ukraine"],
        ["Kremlin"],
    ),
    (
        "Alaska summit planned",
        "Trump and Putin will meet in Alaska. Putin confirmed.",
        "2025-02-10",
        "Daily Courier",
        ["Mark Hale", "Sara Lind"],
        {"Vladimir Putin": ["Putin"], "Donald Trump": ["Trump"]},
        ["Alaska", "Russia"],
        ["Alaska"],
        [],
    ),
    (
        "Security guarantees debated",
        "Allies debated security guarantees for Ukraine at NATO.",
        "2025-02-15",
        "Nord Post",
        ["Sara Lind"],
        {},
        ["Ukraine"],
        ["Ukraine"],
        ["NATO"],
    ),
    (
        "Macron in Paris",
        "Emmanuel Macron hosted talks in Paris on energy prices.",
        "2025-03-01",
        "Le Monde Libre",
        ["Claire Dubois"],
        {"Emmanuel Macron": ["Emmanuel Macron"]},
        ["Paris", "France"],
        ["Paris"],
        [],
    ),
    (
        "Rodeo in Paris, Texas",
        "The rodeo in Paris drew crowds from across Texas.",
        "2025-03-03",
        "Daily Courier",
        ["Jim Bowie"],
        {},
        ["Paris, Texas", "Texas"],
        ["Paris, Texas"],
        [],
    ),
    (
        "Müller wins Munich race",
        "Hans Müller won the Munich marathon. Müller thanked fans.",
        "2025-03-09",
        "Nord Post",
        ["Karl Weiss"],
        {"Hans Müller": ["Hans Müller", "Müller"]},
        ["Munich"],
        ["Munich"],
        [],
    ),
    (
        "Zoë Müller elected",
        "Zoë Müller was elected mayor in Bavaria.",
        "2025-03-20",
        "Nord Post",
        ["Karl Weiss"],
        {"Zoë Müller": ["Zoë Müller"]},
        ["Bavaria", "Germany"],
        ["Bavaria"],
        ["CSU"],
    ),
    (
        "Lula opens plant",
        "Lula da Silva opened a plant in São Paulo.",
        "2025-04-02",
        "Daily Courier",
        ["Ana Costa"],
        {"Lula da Silva": ["Lula da Silva", "Lula"]},
        ["São Paulo", "Brazil"],
        ["São Paulo"],
        ["Petrobras"],
    ),
    (
        "Tokyo markets rally",
        "Japanese markets rallied on chip exports & R<D> spending.",
        "2025-04-10",
        "Daily Courier",
        ["Ken Sato"],
        {},
        ["Japan"],
        ["Japan"],
        [],
    ),
    (
        "Lviv prepares for winter",
        "Lviv Oblast stocked fuel for winter.",
        "2025-04-18",
        "Kyiv Ledger",
        ["Olena Bondar"],
        {},
        ["Lviv Oblast"],
        ["Lviv Oblast"],
        [],
    ),
    (
        "Moscow responds",
        "The Kremlin in Moscow responded to sanctions. Putin was silent.",
        "2025-05-01",
        "Daily Courier",
        ["Mark Hale"],
        {"Vladimir Putin": ["Putin"]},
        ["Moscow"],
        ["Moscow"],
        ["Kremlin"],
    ),
    (
        "Georgia holds vote",
        "Georgia held a parliamentary vote on Sunday.",
        "2025-05-05",
        "Nord Post",
        ["Sara Lind"],
        {},
        ["Georgia"],
        ["Georgia"],
        [],
    ),
    (
        "Scholz and Macron meet",
        "Olaf Scholz met Emmanuel Macron to discuss Ukraine aid.",
        "2025-05-11",
        "Le Monde Libre",
        ["Claire Dubois"],
        {"Olaf Scholz": ["Olaf Scholz"], "Emmanuel Macron": ["Emmanuel Macron"]},
        ["Germany", "France", "Ukraine"],
        ["Germany", "France"],
        ["European Union"],
    ),
]


def _filler(number: int) -> tuple[Any, ...]:
    """Plain articles that fill pages: same outlet, distinct dates, one shared person."""
    day = f"2025-06-{number:02d}"
    return (
        f"Harbour bulletin {number}",
        f"The harbour bulletin number {number} reports calm weather and steady shipping.",
        day,
        "Nord Post",
        ["Ivo Petrov"],
        {"Ivo Petrov": ["Ivo Petrov"]},
        ["Germany"],
        [],
        [],
    )


ALL_ARTICLES = ARTICLES + [_filler(number) for number in range(1, 19)]


def region(name: str, focus: bool) -> dict[str, Any]:
    code, kind, parent, country = PLACES[name]
    return {
        "name": name.split(",")[0],
        "code": code,
        "type": kind,
        "parent": parent,
        "country": country,
        "aliases": [name.split(",")[0]],
        "mentions": 1,
        "focus": focus,
    }


def resource(number: int, row: tuple[Any, ...]) -> dict[str, Any]:
    title, text, published, outlet, authors, people, regions, focus, orgs = row
    return {
        "id": f"corpus-{number:03d}",
        "url": f"https://{OUTLETS[outlet]}/{number}",
        "title": title,
        "text": text,
        "language": "en",
        "published_at": published,
        "authors": authors,
        "outlet": {"name": outlet, "domain": OUTLETS[outlet]},
        "people": [
            {"name": name, "aliases": aliases, "mentions": len(aliases)}
            for name, aliases in people.items()
        ],
        "regions": [region(name, name in focus) for name in regions],
        "organizations": [{"name": org, "mentions": 1} for org in orgs],
        "word_count": len(text.split()),
        "created_at": "2025-07-01T00:00:00+00:00",
        "updated_at": "2025-07-01T00:00:00+00:00",
        "provenance": {},
    }


def corpus() -> list[dict[str, Any]]:
    return [resource(number, row) for number, row in enumerate(ALL_ARTICLES, start=1)]
