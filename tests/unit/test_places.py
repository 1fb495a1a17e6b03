"""Place heuristics over NER spans, step by step, with no NER server: the spans are given."""

from api.extraction.places import (
    government_place,
    norp_place,
    org_places,
    outlet_country,
    place_parts,
    state_body_country,
    unique_places,
    without_landforms,
)
from api.extraction.regions import PlaceMention
from api.extraction.text import load_words, without_the


def surfaces(mentions: list[PlaceMention]) -> list[tuple[str, int, int, str]]:
    return [(m.surface, m.start, m.end, m.label) for m in mentions]


def test_an_org_span_listing_places_is_those_places():
    text = "Kharkiv, Dnipropetrovsk and Sumy"
    assert surfaces(org_places(text, 0, len(text))) == [
        ("Kharkiv", 0, 7, "GPE"),
        ("Dnipropetrovsk", 9, 23, "GPE"),
        ("Sumy", 28, 32, "GPE"),
    ]
    text = "Kharkiv and the Ministry of Defence"
    assert org_places(text, 0, len(text)) == []


def test_a_government_names_its_place_even_when_the_span_stops_before_the_word():
    text = "the New South Wales government said"
    assert surfaces(government_place(text, 4, 19)) == [("New South Wales", 4, 19, "GPE")]
    assert government_place("the Acme Widgets government said", 4, 16) == []


def test_a_state_body_mentions_its_country_as_an_organisation():
    text = "the U.S. Department of Agriculture said"
    assert surfaces(state_body_country(text, 0, 34)) == [("U.S.", 4, 8, "ORG")]


def test_a_nationality_span_before_region_is_the_region_but_a_demonym_is_not():
    assert norp_place("in the Antofagasta region", 7, 18)
    assert not norp_place("the Chilean government", 4, 11)


def test_a_span_naming_a_place_and_where_it_is_is_two_mentions():
    assert surfaces(place_parts("Oval, London", 0, 12, "GPE", False)) == [
        ("Oval", 0, 4, "GPE"),
        ("London", 6, 12, "GPE"),
    ]


def test_overlapping_mentions_keep_the_first():
    mentions = [PlaceMention("A", 0, 5, "GPE"), PlaceMention("B", 3, 8, "GPE")]
    mentions.append(PlaceMention("C", 8, 9, "GPE"))
    assert [m.surface for m in unique_places(mentions)] == ["A", "C"]


def test_a_landform_name_is_dropped_everywhere_unless_also_called_a_region():
    text = "Brine from the Atacama salt flat. Pumping in Atacama goes on."
    mentions = [PlaceMention("Atacama", 15, 22, "LOC"), PlaceMention("Atacama", 45, 52, "GPE")]
    assert without_landforms(mentions, text) == []
    text += " The Atacama region is dry."
    mentions.append(PlaceMention("Atacama", 66, 73, "GPE"))
    assert len(without_landforms(mentions, text)) == 3


def test_the_outlets_country_code_domain_hints_at_places_but_vanity_domains_do_not():
    assert outlet_country({"domain": "pravda.ru"}) == "RU"
    assert outlet_country({"domain": "bbc.co.uk"}) == "GB"
    assert outlet_country({"domain": "startup.io"}) is None
    assert outlet_country(None) is None


def test_shared_text_helpers():
    assert without_the("The Hague") == "Hague"
    assert without_the("Theodor Heuss") == "Theodor Heuss"
    # Word lists are folded by default, or normalised as asked.
    assert "redaction" in load_words("not_author_words.txt")
    assert "rédaction" in load_words("not_author_words.txt", key=str.casefold)
