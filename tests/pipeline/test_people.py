"""People: cleaning, merging into the fullest name, titles, places and headings."""

from api.extraction import extract
from api.extraction.corenlp import CoreNLPEngine


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


def test_title_just_before_the_name_is_kept(ner: CoreNLPEngine) -> None:
    people = _people(
        ner, "Roads closed on Monday, Governor Maria Kessler said. Kessler urged calm."
    )
    assert people["Maria Kessler"].get("title") == "Governor"


def test_occupation_before_a_name_is_a_title(ner: CoreNLPEngine) -> None:
    text = "Farmer Tomas Ruiz said the frost came early. Ruiz lost half his trees."
    assert "Tomas Ruiz" in _people(ner, text)
    assert "Farmer Tomas Ruiz" not in _people(ner, text)


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
