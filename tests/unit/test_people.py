"""People: cleaning, merging into the fullest name, titles, places and headings."""

from api.extraction import extract
from api.extraction.corenlp import CoreNLPEngine
from api.extraction.people import (
    Mention,
    clean_mention,
    extract_people,
    merge,
    pattern_mentions,
    prose_mentions,
)
from api.extraction.regions import is_country, is_strong_place


def _people(ner: CoreNLPEngine, text: str) -> dict[str, dict]:
    return {p["name"]: p for p in extract({"text": text, "language": "en"}, ner)["people"]}


def test_surname_mentions_merge_into_full_name(ner: CoreNLPEngine) -> None:
    people = _people(
        ner,
        "Chancellor Angela Merkel met the press in Berlin on Tuesday.\n"
        "Merkel said the talks had gone well, and Merkel promised more.",
    )
    assert list(people) == ["Angela Merkel"]
    assert people["Angela Merkel"]["mentions"] == 3
    assert people["Angela Merkel"]["aliases"] == ["Angela Merkel", "Merkel"]


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


def test_place_tagged_as_person_is_not_a_person(ner: CoreNLPEngine) -> None:
    result = extract(
        {
            "text": "Shelling hit Kherson and Sumy overnight, officials said.\n"
            "Sumy lost power for hours.",
            "language": "en",
        },
        ner,
    )
    assert result["people"] == []
    assert {"UA-65", "UA-59"} <= {r["code"] for r in result["regions"]}


def test_all_caps_headline_names_resolve_against_body(ner: CoreNLPEngine) -> None:
    text = (
        "OKONKWO STUNS FAVOURITE IN FINAL\n"
        "LAGOS 2024-05-02\n"
        "Chidi Okonkwo won the national title on Thursday, beating the favourite in the final.\n"
        "Okonkwo said he had trained for two years."
    )
    people = _people(ner, text)
    assert list(people) == ["Chidi Okonkwo"]
    assert "OKONKWO" in people["Chidi Okonkwo"]["aliases"]


def test_title_case_headline_words_are_not_people(ner: CoreNLPEngine) -> None:
    text = (
        "Unexpected Winners, But Uneasy Markets\n\n"
        "The markets were uneasy after the vote, and the winners were unexpected.\n"
        "Finance minister Lena Okafor said the result was clear."
    )
    assert list(_people(ner, text)) == ["Lena Okafor"]


def test_author_named_only_in_byline_is_not_a_person(ner: CoreNLPEngine) -> None:
    text = (
        "By Tomas Whitfield\n\n"
        "The council in Leeds approved the budget on Monday after a long debate.\n"
        "Councillor Priya Nandakumar said the plan was fair."
    )
    result = extract({"text": text, "language": "en"}, ner)
    assert result["authors"] == [{"name": "Tomas Whitfield", "type": "person"}]
    assert [p["name"] for p in result["people"]] == ["Priya Nandakumar"]


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


def test_untagged_repeats_of_a_known_name_are_counted(ner: CoreNLPEngine) -> None:
    text = (
        "Coach Marta Ilves praised the squad on Sunday.\n"
        '"It was a good day," Ilves said. Ilves then left.'
    )
    people = _people(ner, text)
    assert people["Marta Ilves"]["mentions"] == 3


def test_club_in_a_results_line_is_not_a_person(ner: CoreNLPEngine) -> None:
    text = (
        "Results on Saturday:\n"
        "Kelvin Rovers 2 Dunmore Athletic 1\n"
        "Kelvin Rovers 0 Dunmore Athletic 3"
    )
    result = extract({"text": text, "language": "en"}, ner)
    assert not {p["name"] for p in result["people"]} & {"Kelvin Rovers", "Dunmore Athletic"}


def test_regnal_numbers_and_arabic_particles_stay_in_names() -> None:
    assert clean_mention(Mention("Henry VIII", 0, 10), "Henry VIII").name == "Henry VIII"
    text = "Rami al-Saadani spoke"
    assert clean_mention(Mention("Rami al-Saadani", 0, 15), text).name == "Rami al-Saadani"
    assert clean_mention(Mention("broker Ali Khan", 0, 15), "broker Ali Khan").name == "Ali Khan"


def test_title_just_before_the_name_is_kept(ner: CoreNLPEngine) -> None:
    people = _people(
        ner, "Roads closed on Monday, Governor Maria Kessler said. Kessler urged calm."
    )
    assert people["Maria Kessler"].get("title") == "Governor"


def test_occupation_before_a_name_is_a_title(ner: CoreNLPEngine) -> None:
    text = "Farmer Tomas Ruiz said the frost came early. Ruiz lost half his trees."
    assert "Tomas Ruiz" in _people(ner, text)
    assert "Farmer Tomas Ruiz" not in _people(ner, text)


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


def test_particles_open_a_name_and_join_split_spans(ner: CoreNLPEngine) -> None:
    german = "Im Spiel gegen Ajax traf Rafael van der Vaart zweimal für den Verein."
    found = extract({"text": german, "language": "de"}, ner)["people"]
    assert [p["name"] for p in found] == ["Rafael van der Vaart"]
    english = "The court heard that Ludwig von Trotha had left Berlin. Von Trotha denied it."
    found = extract({"text": english, "language": "en"}, ner)["people"]
    assert [p["name"] for p in found] == ["Ludwig von Trotha"]


def test_a_surname_shortened_to_an_initial_is_still_a_name(ner: CoreNLPEngine) -> None:
    text = "Die Angeklagte Susanne R. schwieg am Montag vor dem Landgericht in Kiel."
    found = extract({"text": text, "language": "de"}, ner)["people"]
    assert [p["name"] for p in found] == ["Susanne R."]


def test_a_name_before_a_kind_of_medium_is_no_person_and_no_place(ner: CoreNLPEngine) -> None:
    text = (
        "Michael Weber wrote for Emma publication that the talks had failed. Reports in "
        "Politika Strany (Politics of the Country) publication said the same."
    )
    result = extract({"text": text, "language": "en"}, ner)
    assert [p["name"] for p in result["people"]] == ["Michael Weber"]
    assert not {a for r in result["regions"] for a in r["aliases"]} & {"Emma", "Politika Strany"}


def test_german_capitalised_nouns_make_no_heading_and_no_score(ner: CoreNLPEngine) -> None:
    text = (
        "Im vergangenen Jahr hat Brigitte Weigl 20 Pullover angefertigt.\n"
        "Hirzel Verlag, Stuttgart 1990, ISBN 3-7776-0477-1, Lehrbuch der Analytischen Chemie"
    )
    found = extract({"text": text, "language": "de"}, ner)["people"]
    assert [p["name"] for p in found] == ["Brigitte Weigl"]
