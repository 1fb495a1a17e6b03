"""People: cleaning, merging into the fullest name, titles, places and headings."""

from api.extraction.people import (
    Mention,
    clean_mention,
    extract_people,
    merge,
    pattern_mentions,
    prose_mentions,
)
from api.extraction.regions import is_country, is_strong_place


def test_title_is_kept_apart_from_the_name() -> None:
    text = "President Joe Biden spoke."
    name = clean_mention(Mention("President Joe Biden", 0, 19), text)
    assert name is not None and (name.name, name.title) == ("Joe Biden", "President")


def test_possessive_and_trailing_score_are_removed() -> None:
    assert clean_mention(Mention("Smith's", 0, 7), "Smith's car").name == "Smith"
    text = "Glamorgan 259 (A. Dale 69)"
    assert clean_mention(Mention("A. Dale 69", 15, 25), text).name == "A. Dale"


def test_tail_of_a_domain_is_not_a_person() -> None:
    text = "Follow Example.Ru Telegram for news"
    assert clean_mention(Mention("Ru Telegram", 15, 26), text) is None


def test_initial_form_merges_with_full_name() -> None:
    names = [clean_mention(Mention(s, 0, len(s)), s) for s in ("Alan Dale", "A. Dale", "Dale")]
    people = merge(n for n in names if n)
    assert [(p.name, p.mentions) for p in people] == [("Alan Dale", 3)]


def test_results_table_patterns_find_names() -> None:
    text = (
        "1. Maria Lindqvist (Sweden) 12.71\nSurrey 300 (R. Kettleby 88)\nStandard Liege (Belgium)"
    )
    found = {
        m.surface for m in pattern_mentions(text, is_place=is_strong_place, is_country=is_country)
    }
    assert found == {"Maria Lindqvist", "R. Kettleby"}


def test_cricket_scoreboard_names() -> None:
    text = "Bowling: Okafor 10-0-41-2\nJ. Brandt c Mwangi b Okafor 44\nT. Lusk not out 12"
    found = {
        m.surface for m in pattern_mentions(text, is_place=is_strong_place, is_country=is_country)
    }
    assert {"J. Brandt", "Mwangi", "Okafor", "T. Lusk"} <= found


def test_team_sheet_and_scorer_names() -> None:
    text = "Hosts - 9 - Tomas Vrba, 10 - Ilja Kerner.\nScorer: Pavel Dusek 46th"
    found = {
        m.surface for m in pattern_mentions(text, is_place=is_strong_place, is_country=is_country)
    }
    assert {"Tomas Vrba", "Ilja Kerner", "Pavel Dusek"} <= found


def test_regnal_numbers_and_arabic_particles_stay_in_names() -> None:
    assert clean_mention(Mention("Henry VIII", 0, 10), "Henry VIII").name == "Henry VIII"
    text = "Rami al-Saadani spoke"
    assert clean_mention(Mention("Rami al-Saadani", 0, 15), text).name == "Rami al-Saadani"
    assert clean_mention(Mention("broker Ali Khan", 0, 15), "broker Ali Khan").name == "Ali Khan"


def test_role_ending_opens_no_name() -> None:
    name = clean_mention(Mention("Geologist Ana Varga", 0, 19), "Geologist Ana Varga said.")
    assert name is not None and name.name == "Ana Varga"


def test_prose_marks_people_the_model_misses() -> None:
    text = (
        "Officials met on Monday. The plan, said exporter Dario Quintal, was late.\n"
        "Pell Marrow, who runs a bakery, said prices rose.\n"
        "Osa Kettering, co-founder of a small lender, agreed."
    )
    found = {m.surface for m in prose_mentions(text, is_place=is_strong_place)}
    assert found == {"Dario Quintal", "Pell Marrow", "Osa Kettering"}


def test_prose_names_holding_places_are_not_people() -> None:
    text = "Shipments to New Zealand, which rose, and trader Port Said, who sold."
    assert [m.surface for m in prose_mentions(text, is_place=is_strong_place)] == []


def test_lone_word_in_a_place_context_is_a_place() -> None:
    text = "Ilva Brask said the boats would reach Brankow by Friday."
    start = text.index("Brankow")
    mentions = [Mention("Brankow", start, start + 7), Mention("Ilva Brask", 0, 10)]
    people, places = extract_people(mentions, text, is_place=lambda _n: False, knows_place=bool)
    assert [p["name"] for p in people] == ["Ilva Brask"]
    assert [m.surface for m in places] == ["Brankow"]


def test_hyphenated_title_and_surname_like_title_word() -> None:
    text = "Lieutenant-Colonel Ola Brink met Prime Minister Tom Major."
    hyphen = clean_mention(Mention("Lieutenant-Colonel Ola Brink", 0, 28), text)
    assert hyphen is not None and hyphen.name == "Ola Brink"
    major = clean_mention(Mention("Tom Major", 48, 57), text)
    assert major is not None and major.name == "Tom Major"


def test_organisation_words_make_no_person() -> None:
    text = "Officials at Kestrel Mining Co and the Ministry met."
    assert clean_mention(Mention("Kestrel Mining Co", 13, 30), text) is None


def test_league_table_row_is_a_team() -> None:
    text = "Division one\nLarkhall Rovers 3 2 0 1 5 2 6\nDunmore 3 1 2 0 3 2 5"
    mentions = [Mention("Larkhall Rovers", 13, 28)]
    people, _ = extract_people(mentions, text, is_place=lambda _n: False, knows_place=bool)
    assert people == []


def test_results_shapes_leaderboard_line_up_and_home_nation() -> None:
    text = (
        "64 Rolf Anders\n"
        "Norway (Ada Lunde, Bea Strand, Cai Holm) 4:05.1\n"
        "Sweden - Eva Berg (captain), Liv Sand,\nMia Ek.\n"
        "Ola Dahl (Scotland) beat Per Moe (Wales) 15-8\n"
        "-- Kari Vik, Oslo newsroom +47 22"
    )
    found = {
        m.surface for m in pattern_mentions(text, is_place=is_strong_place, is_country=is_country)
    }
    assert {"Rolf Anders", "Ada Lunde", "Bea Strand", "Cai Holm", "Ola Dahl", "Per Moe"} <= found
    assert {"Eva Berg", "Liv Sand", "Mia Ek", "Kari Vik"} <= found


def test_scoreboard_label_with_notes_is_not_a_person() -> None:
    text = "J. Ash not out 12\nExtras (lb-3 w-1) 4"
    start = text.index("Extras")
    assert clean_mention(Mention("Extras", start, start + 6), text) is None
