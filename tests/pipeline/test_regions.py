"""Regions: gazetteer over NER labels, ambiguity from context, demonyms, teams, focus."""

from api.extraction import extract
from api.extraction.corenlp import CoreNLPEngine
from api.extraction.regions import (
    is_demonym,
)


def _regions(ner: CoreNLPEngine, text: str, **article: str) -> dict[str, dict]:
    result = extract({"text": text, "language": "en", **article}, ner)
    return {r["code"] or r["name"]: r for r in result["regions"]}


def test_washington_beside_us_politics_is_the_capital(ner: CoreNLPEngine) -> None:
    regions = _regions(
        ner,
        "The U.S. Senate passed the bill on Friday.\n"
        "Lawmakers in Washington said the president would sign it.",
    )
    washington = [r for r in regions.values() if "Washington" in r["aliases"]][0]
    assert washington["type"] == "city" and washington["parent"] == "US-DC"


def test_georgia_beside_tbilisi_is_the_country(ner: CoreNLPEngine) -> None:
    regions = _regions(ner, "Protesters gathered in Tbilisi as Georgia prepared for elections.")
    assert "GE" in regions and "US-GA" not in regions


def test_georgia_beside_atlanta_is_the_us_state(ner: CoreNLPEngine) -> None:
    regions = _regions(ner, "Voters in Atlanta queued for hours as Georgia counted ballots slowly.")
    assert "US-GA" in regions and "GE" not in regions


def test_demonyms_are_not_regions(ner: CoreNLPEngine) -> None:
    assert is_demonym("Ukrainian") and is_demonym("French") and is_demonym("Russians")
    assert not is_demonym("Ukraine") and not is_demonym("Iran")
    regions = _regions(ner, "Ukrainian and Polish officials met on Monday.")
    assert regions == {}


def test_city_region_record_has_parent_and_country(ner: CoreNLPEngine) -> None:
    regions = _regions(ner, "Rescue teams worked through the night in Anchorage after the storm.")
    city = [r for r in regions.values() if r["type"] == "city"][0]
    assert (city["name"], city["parent"], city["country"]) == ("Anchorage", "US-AK", "US")


def test_focus_follows_title_and_mentions(ner: CoreNLPEngine) -> None:
    text = (
        "Floods Hit Bavaria\n\n"
        "Heavy rain flooded towns across Bavaria on Sunday. Bavaria's premier visited.\n"
        "Neighbouring Austria reported minor damage."
    )
    regions = _regions(ner, text)
    assert regions["DE-BY"]["focus"] is True
    assert regions["AT"]["focus"] is False


def test_text_in_a_language_without_a_model_still_gets_regions_by_name(
    ner: CoreNLPEngine,
) -> None:
    text = (
        "De regering in Den Haag keurde maandag nieuwe steun voor Oekraïne goed. "
        "Minister Jan de Vries sprak van een belangrijk signaal aan de regering."
    )
    result = extract({"text": text}, ner)
    assert result["language"] == "nl"
    assert result["people"] == []
    assert result["provenance"]["people"] == "skipped:language"
    assert {"UA"} <= {r["code"] for r in result["regions"]}


def test_german_text_gets_people_and_places_from_the_german_model(ner: CoreNLPEngine) -> None:
    text = (
        "Der Münchner Oberbürgermeister Dieter Reiter traf am Montag Vertreter aus Österreich. "
        "Reiter sagte, Bayern und Österreich müssten enger zusammenarbeiten."
    )
    result = extract({"text": text}, ner)
    assert result["language"] == "de"
    assert result["provenance"]["people"] == "corenlp:de"
    assert [p["name"] for p in result["people"]] == ["Dieter Reiter"]
    assert {"AT", "DE-BY"} <= {r["code"] for r in result["regions"]}


def test_place_names_in_other_languages_resolve_to_the_same_codes(ner: CoreNLPEngine) -> None:
    text = "Die Delegation reiste von Moskau nach Kiew und weiter nach Wien."
    codes = {r["code"] for r in extract({"text": text, "language": "de"}, ner)["regions"]}
    assert {"RU-MOW", "UA-30", "AT-9"} <= codes


def test_dateline_place_counts_even_in_capitals(ner: CoreNLPEngine) -> None:
    text = "TRADE TALKS RESUME.\nNAIROBI 2024-05-02\nNegotiators met again on Thursday."
    regions = _regions(ner, text)
    nairobi = [r for r in regions.values() if "NAIROBI" in r["aliases"]]
    assert nairobi and nairobi[0]["country"] == "KE"


def test_region_word_elsewhere_in_the_sentence_does_not_pick_the_state(ner: CoreNLPEngine) -> None:
    regions = _regions(
        ner,
        "TBILISI — Georgia sold more wine this year, as growers in the eastern region of "
        "Kakheti finished picking. Buyers in Atlanta and China paid more.",
    )
    assert {"GE", "GE-KA"} <= set(regions) and "US-GA" not in regions


def test_named_town_settles_its_state(ner: CoreNLPEngine) -> None:
    regions = _regions(ner, "A wildfire west of Yakima, Washington, burned homes in the state.")
    assert "US-WA" in regions


def test_nationality_span_before_region_word_is_the_region(ner: CoreNLPEngine) -> None:
    regions = _regions(
        ner, "Miners signed a deal with villages in the Antofagasta region of Chile."
    )
    assert "CL-AN" in regions


def test_nationality_span_before_government_is_the_region(ner: CoreNLPEngine) -> None:
    regions = _regions(ner, "The Maharashtra government declared a holiday for schools on Monday.")
    assert "IN-MH" in regions
    assert _regions(ner, "The Chilean government said on Monday it would act.") == {}


def test_a_state_body_of_a_country_mentions_the_country_and_stays_an_organisation(
    ner: CoreNLPEngine,
) -> None:
    text = "Growers will ask the U.S. Department of Agriculture for a disaster designation."
    result = extract({"text": text, "language": "en"}, ner)
    assert [r["code"] for r in result["regions"]] == ["US"]
    assert [o["name"] for o in result["organizations"]] == ["U.S. Department of Agriculture"]
    assert _regions(ner, "Shares of Bank of America rose after the Senate vote.") == {}


def test_a_name_used_for_a_landform_is_not_the_region_anywhere_in_the_article(
    ner: CoreNLPEngine,
) -> None:
    text = "Brine pumping in Atacama\n\nCompanies pump brine from beneath the Atacama salt flat."
    assert "CL-AT" not in _regions(ner, text)
    assert "CL-AT" in _regions(
        ner, "Mines in the Atacama region pump brine from the Atacama salt flat."
    )


def test_a_name_before_region_or_oblast_is_the_subdivision_not_the_city(ner: CoreNLPEngine) -> None:
    assert set(_regions(ner, "Drones hit a fuel depot in the Belgorod region overnight.")) == {
        "RU-BEL"
    }
    assert set(_regions(ner, "A depot burned in Bryansk Oblast on Monday.")) == {"RU-BRY"}


def test_government_of_a_place_names_the_place(ner: CoreNLPEngine) -> None:
    regions = _regions(
        ner, "Buses will be replaced under a plan by the New South Wales government."
    )
    assert "AU-NSW" in regions


def test_a_genitive_names_its_place(ner: CoreNLPEngine) -> None:
    text = "Auch in anderen Teilen Bayerns und Sachsens wird gestreikt, sagte die Gewerkschaft."
    codes = {r["code"] for r in extract({"text": text, "language": "de"}, ner)["regions"]}
    assert {"DE-BY", "DE-SN"} <= codes


def test_a_region_listed_after_a_found_place_or_named_with_its_kind_counts(
    ner: CoreNLPEngine,
) -> None:
    assert {"UA-65", "UA-59"} <= set(
        _regions(ner, "Shelling hit Kherson and Sumy overnight, officials said.")
    )
    assert "FR-IDF" in _regions(ner, "Trains across the Ile-de-France region ran at half speed.")


def test_a_country_genitive_is_no_demonym_and_a_year_no_score(ner: CoreNLPEngine) -> None:
    text = "Das Motiv prägt die Kunst Japans. Die Chronik erschien in Tübingen 1875."
    codes = {r["code"] for r in extract({"text": text, "language": "de"}, ner)["regions"]}
    assert "JP" in codes
    assert any(code and code.startswith("geonames:") for code in codes - {"JP"})
