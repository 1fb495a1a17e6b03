"""Regions: gazetteer over NER labels, ambiguity from context, demonyms, teams, focus."""

from api.extraction.gazetteer import gazetteer
from api.extraction.regions import (
    PlaceMention,
    dateline_places,
    extract_regions,
    venue_places,
)


def test_city_named_team_is_not_a_place() -> None:
    text = "Leicestershire beat Somerset by an innings at the ground on Friday."
    mention = PlaceMention("Leicestershire", 0, 14, "ORG")
    assert extract_regions([mention], text) == []


def test_national_team_is_still_a_country() -> None:
    text = "Japan beat Syria 2-1 in the qualifier."
    codes = [r["code"] for r in extract_regions([PlaceMention("Japan", 0, 5, "GPE")], text)]
    assert codes == ["JP"]


def test_sports_heading_word_is_not_a_dateline_place() -> None:
    assert dateline_places("TENNIS - SEEDS ADVANCE.\nSome text") == []


def test_unknown_ner_places_are_filtered() -> None:
    text = "The Kestrel Open drew fans from the English county and the East."
    mentions = [
        PlaceMention("Kestrel Open", 4, 16, "LOC"),
        PlaceMention("English county", 36, 50, "LOC"),
        PlaceMention("East", 59, 63, "LOC"),
    ]
    assert extract_regions(mentions, text) == []


def test_unknown_venue_is_kept_as_other() -> None:
    text = "They played at Marlow Park on Sunday."
    [region] = extract_regions([PlaceMention("Marlow Park", 15, 26, "FAC")], text)
    assert (region["type"], region["code"], region["name"]) == ("other", None, "Marlow Park")


def test_venue_opening_a_results_line_is_a_place() -> None:
    text = "Results:\nLeicester: Riverside 210 and 95-3, Harbour 180.\nAttendance: 2000"
    assert [m.surface for m in venue_places(text)] == ["Leicester"]


def test_team_use_spreads_through_the_article_but_not_to_locatives() -> None:
    text = "Leeds 2 Hull 1.\nLeeds fans celebrated.\nThe parade was held in Leeds."
    starts = [i for i in range(len(text)) if text.startswith("Leeds", i)]
    mentions = [PlaceMention("Leeds", i, i + 5, "GPE") for i in starts]
    regions = extract_regions(mentions, text)
    assert [region["mentions"] for region in regions] == [1, 1]  # the city and GB-LDS


def test_place_inside_a_modifier_is_not_a_mention() -> None:
    text = "The Boston-based group and pro-Moscow leaders met."
    mentions = [PlaceMention("Boston", 4, 10, "GPE"), PlaceMention("Moscow", 31, 37, "GPE")]
    assert extract_regions(mentions, text) == []


def test_club_with_country_and_score_is_a_team() -> None:
    text = "Third place: Valencia (Spain) 75 Partizan (Serbia) 70"
    mentions = [PlaceMention("Valencia", 13, 21, "GPE"), PlaceMention("Spain", 23, 28, "GPE")]
    assert [r["code"] for r in extract_regions(mentions, text)] == ["ES"]


def test_city_that_is_a_subdivision_names_the_subdivision_too() -> None:
    text = "Trains stopped in Seoul and in Tokyo on Monday."
    mentions = [PlaceMention("Seoul", 18, 23, "GPE"), PlaceMention("Tokyo", 31, 36, "GPE")]
    codes = {region["code"] for region in extract_regions(mentions, text)}
    assert {"KR-11", "JP-13"} <= codes


def test_same_named_subdivision_does_not_override_a_known_parent() -> None:
    (city,) = [p for p in gazetteer().lookup("Washington") if p.parent == "US-DC"]
    assert city.region is None


def test_town_comma_state_abbreviation_dateline() -> None:
    text = "PINE HOLLOW, Ga. — Frost hit the orchards this week."
    assert [m.surface for m in dateline_places(text)] == ["PINE HOLLOW", "Ga."]


def test_town_before_a_club_nickname_is_a_team() -> None:
    text = "The Florida Marlins beat the Cincinnati Reds 3-1 on Sunday."
    start = text.index("Florida")
    mentions = [PlaceMention("Florida", start, start + 7, "GPE")]
    assert extract_regions(mentions, text) == []


def test_town_before_a_players_role_is_a_club() -> None:
    text = "Norwich striker Sam Pike scored twice."
    assert extract_regions([PlaceMention("Norwich", 0, 7, "GPE")], text) == []


def test_place_opening_an_event_name_is_no_mention() -> None:
    text = "She reached the final of the U.S. Open on Sunday."
    start = text.index("U.S.")
    assert extract_regions([PlaceMention("U.S.", start, start + 4, "GPE")], text) == []
