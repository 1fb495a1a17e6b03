"""The whole pipeline: the seed article's acceptance, provided values, batching."""

from pathlib import Path

from api.extraction import extract, extract_many
from api.extraction.corenlp import CoreNLPEngine

SEED = Path(__file__).resolve().parents[2] / "seeds" / "alaska-talks-pravda.txt"


def test_seed_article_acceptance(ner: CoreNLPEngine) -> None:
    result = extract({"text": SEED.read_text(encoding="utf-8")}, ner)
    assert result["authors"] == [{"name": "Petr Ermilin", "type": "person"}]
    assert result["outlet"]["name"] == "Pravda.Ru"
    assert {p["name"] for p in result["people"]} == {
        "Steven Witkoff",
        "Vladimir Putin",
        "Donald Trump",
        "Volodymyr Zelensky",
        "Michael von der Schulenburg",
    }
    putin = next(p for p in result["people"] if p["name"] == "Vladimir Putin")
    assert "Putin" in putin["aliases"]
    codes = {r["code"] for r in result["regions"]}
    assert {"US-AK", "UA", "RU", "UA-63", "UA-12", "UA-59", "UA-65", "UA-23"} <= codes
    place_names = {alias for r in result["regions"] for alias in r["aliases"]}
    assert place_names <= {
        "Alaska",
        "Ukraine",
        "Russia",
        "Moscow",
        "Washington",
        "US",
        "Kharkiv",
        "Dnipropetrovsk",
        "Sumy",
        "Kherson",
        "Zaporizhzhia",
    }
    orgs = {o["name"] for o in result["organizations"]}
    assert {"NATO", "CNN"} <= orgs
    assert not orgs & {"Pravda", "Pravda.Ru", "Trump"}


def test_provided_values_win(ner: CoreNLPEngine) -> None:
    result = extract(
        {
            "text": "Officials in Oslo said on Monday that the plan would go ahead.",
            "title": "Plan goes ahead",
            "authors": ["Kari Nordmann"],
            "outlet": "Example News",
            "language": "en",
            "published_at": "2024-03-04",
        },
        ner,
    )
    assert result["authors"] == [{"name": "Kari Nordmann", "type": "person"}]
    assert result["outlet"]["name"] == "Example News"
    assert result["published_at"] == "2024-03-04"
    for field in ("title", "authors", "outlet", "language", "published_at"):
        assert result["provenance"][field] == "provided"


def test_language_is_detected_when_not_given(ner: CoreNLPEngine) -> None:
    result = extract({"text": "The minister said on Tuesday that the reforms would continue."}, ner)
    assert (result["language"], result["provenance"]["language"]) == ("en", "detected")


def test_extract_many_matches_extract(ner: CoreNLPEngine) -> None:
    articles = [
        {"text": "Talks in Nairobi ended without a deal, said envoy Amara Osei."},
        {"text": "Farmers near Lyon blocked roads on Wednesday."},
    ]
    assert extract_many(articles, ner) == [extract(a, ner) for a in articles]


def test_extract_many_hands_over_the_final_titles_and_texts_before_tagging(ner: CoreNLPEngine):
    """What the stories step fingerprints while the NER server tags must be what is stored."""
    articles = [
        {"text": "ROME TALKS RESUME\nBy Anna Rossi\nMario Draghi met Olaf Scholz in Rome."},
        {"title": "Given title", "text": "Peter Smith visited Kharkiv on Monday."},
    ]
    handed: list[list[dict]] = []
    results = extract_many(articles, ner, on_prepared=handed.append)
    assert handed == [[{"title": r["title"], "text": r["text"]} for r in results]]


def test_outlet_name_takes_domain_from_url(ner: CoreNLPEngine) -> None:
    result = extract(
        {
            "text": "Crews in Perth restored power on Monday.",
            "outlet": "Harbour Gazette",
            "url": "https://www.harbourgazette.co.uk/news/1",
        },
        ner,
    )
    assert result["outlet"] == {"name": "Harbour Gazette", "domain": "harbourgazette.co.uk"}


def test_missed_big_city_of_the_story_country_is_found(ner: CoreNLPEngine) -> None:
    text = (
        "Storm hits Anchorage\n\n"
        "A storm hit Anchorage on Monday, cutting power across Alaska, officials said."
    )
    codes = {r["type"]: r for r in extract({"text": text, "language": "en"}, ner)["regions"]}
    assert codes["city"]["parent"] == "US-AK"


def test_city_region_and_wire_credits_through_the_pipeline(ner: CoreNLPEngine) -> None:
    result = extract(
        {
            "text": "Seoul subway fares rise\n\nCommuters in Seoul will pay more from May, "
            "city official Han Ji-woo said.\n\n(Reporting by Ines Varga; Editing by Olaf Brandt)",
            "language": "en",
        },
        ner,
    )
    assert result["authors"] == [{"name": "Ines Varga", "type": "person"}]
    assert "KR-11" in {region["code"] for region in result["regions"]}
    assert not {"Ines Varga", "Olaf Brandt"} & {person["name"] for person in result["people"]}
