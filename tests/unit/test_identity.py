"""Identity rules (api.extraction.identity): each spelling convention joins the spellings of one
person, and each kind of pair that must stay apart stays apart. Public figures as cases."""

from __future__ import annotations

import itertools

import pytest

from api.extraction import identity
from api.store import documents


def same_person(a: str, b: str) -> bool:
    return bool(set(identity.spelling_keys(a)) & set(identity.spelling_keys(b)))


def all_joined(*spellings: str) -> bool:
    return all(same_person(a, b) for a, b in itertools.combinations(spellings, 2))


@pytest.mark.parametrize(
    "spellings",
    [
        # w/v (German w for Russian v)
        ("Vladimir Putin", "Wladimir Putin", "Vladímir Putin"),
        ("Dmitry Medvedev", "Dmitri Medwedew", "Dmitri Medvédev"),
        # sch/sh/ch/j: hushing sounds, and -ev/-ov after them (Russian ё)
        ("Mikhail Gorbachev", "Michail Gorbatschow", "Mikhaïl Gorbatchev", "Mijaíl Gorbachov"),
        ("Sergei Shoigu", "Sergej Schoigu", "Sergueï Choïgou", "Serguéi Shoigú"),
        ("Alexander Lukashenko", "Alexander Lukaschenko", "Alexander Lukashenko"),
        # tsch/ch/tch
        ("Vitaly Churkin", "Witali Tschurkin", "Vitali Tchourkine", "Vitali Churkin"),
        # ou/u
        ("Mahmoud Abbas", "Mahmud Abbas", "Mahmud Abás"),
        ("Alassane Ouattara", "Alassane Wattara"),
        # kh/ch/j: the kh sound in English, German and Spanish
        ("Ali Khamenei", "Ali Chamenei", "Alí Jamenei"),
        ("Mikhail Khodorkovsky", "Michail Chodorkowski", "Mijaíl Jodorkovski"),
        ("Tikhon Khrennikov", "Tichon Chrennikow", "Tijon Jrénnikov"),
        # j/y/i as glides and as vowels
        ("Yevgeny Prigozhin", "Jewgeni Prigoschin", "Evgueni Prigojine", "Yevgueni Prigozhin"),
        ("Andriy Yermak", "Andrij Jermak", "Andriy Iermak", "Andrí Yermak"),
        ("Svetlana Tikhanovskaya", "Swetlana Tichanowskaja", "Svetlana Tikhanovskaïa"),
        ("Fyodor Lukyanov", "Fjodor Lukjanow", "Fiodor Loukianov", "Fiódor Lukiánov"),
        # ï/i and other diacritics
        ("Mykhailo Podolyak", "Mychajlo Podoljak", "Mykhaïlo Podoliak"),
        ("Aleksandar Vučić", "Aleksandar Vucic"),
        # doubled letters
        ("Hassan Nasrallah", "Hasan Nasrallah", "Hasán Nasralá"),
        ("Bashar al-Assad", "Baschar al-Assad", "Bachar al-Assad", "Bashar al Asad"),
        # al-/el- articles
        ("Abdel Fattah el-Sisi", "Abdel Fattah al-Sisi", "Abdel Fattah Sisi"),
        ("Abu Bakr al-Baghdadi", "Abou Bakr al-Baghdadi", "Abu Bakr al Bagdadi"),
        # bin/ben/ibn
        ("Mohammed bin Salman", "Mohammed ben Salmane", "Mohamed bin Salmán"),
        ("Abdullah ibn Saud", "Abdullah bin Saud"),
        # c/k/q/g for one sound (Arabic qaf)
        ("Mohammad Bagher Ghalibaf", "Mohammad Bagher Qalibaf", "Mohammad Bagher Kalibaf"),
        # French silent final -e, initial ye/je/e
        ("Vladimir Putin", "Vladimir Poutine"),
        ("Boris Yeltsin", "Boris Jelzin", "Boris Eltsine"),
    ],
)
def test_spellings_of_one_person_share_a_key(spellings):
    assert all_joined(*spellings), [identity.spelling_keys(s) for s in spellings]


@pytest.mark.parametrize(
    "spellings",
    [
        ("Mikhail Gorbachev", "Mikhaïl Gorbatchev", "Mijaíl Gorbachov"),
        ("Vladimir Putin", "Wladimir Putin", "Vladímir Putin"),
        ("Bashar al-Assad", "Bachar al-Assad"),
        ("Yevgeny Prigozhin", "Jewgeni Prigoschin"),
    ],
)
def test_the_general_reading_gives_every_spelling_one_id(spellings):
    assert len({identity.person_id(s) for s in spellings}) == 1


@pytest.mark.parametrize(
    ("one", "other"),
    [
        # same family name, another given name
        ("Fidel Castro", "Raúl Castro"),
        ("Hillary Clinton", "Bill Clinton"),
        ("Bashar al-Assad", "Hafez al-Assad"),
        # feminine surname forms
        ("Alexei Navalny", "Yulia Navalnaya"),
        ("Navalny", "Navalnaya"),
        ("Ivan Petrov", "Ivana Petrova"),
        ("Gorbachev", "Gorbacheva"),
        # feminine given names
        ("Daniel Ortega", "Daniela Ortega"),
        ("Michel Barnier", "Michèle Barnier"),
        ("Martin Aubry", "Martine Aubry"),
        ("René Dupont", "Renée Dupont"),
        ("Jean Dupont", "Jeanne Dupont"),
        ("Christian Wulff", "Christiane Wulff"),
        # similar names
        ("Kim Jong Un", "Kim Jong Il"),
        ("Kim Jong Un", "Kim Jong Nam"),
        ("Kim Jong Un", "Kim Yo Jong"),
        ("Ahmed Ali", "Mohamed Ali"),
        ("Omar Khan", "Amir Khan"),
        ("Craig Smith", "Greg Smith"),
        ("Maria Costa", "Mario Costa"),
        ("Ali Hassan", "Ali Hussein"),
        # father and son
        ("George Bush", "George W. Bush"),
        ("Robert Kennedy", "Robert F. Kennedy"),
        ("Jair Bolsonaro", "Eduardo Bolsonaro"),
        # a shared given name only
        ("Vladimir Putin", "Vladimir Klitschko"),
    ],
)
def test_different_people_share_no_key(one, other):
    assert not same_person(one, other), (identity.spelling_keys(one), identity.spelling_keys(other))
    assert identity.person_id(one) != identity.person_id(other)


def test_a_standalone_article_opening_a_name_is_a_given_name():
    assert identity.name_parts("Al Gore") == ["al", "gore"]
    assert identity.name_parts("Bashar el Asad") == ["bashar", "asad"]
    assert not same_person("Al Gore", "Gore")


def test_a_name_without_letters_has_no_identity():
    assert identity.spelling_keys("12") == []
    assert identity.person_id("--") is None


def test_keys_are_lower_case_like_every_lookup_key():
    for key in identity.spelling_keys("Michail Gorbatschow"):
        assert key == key.lower() and key.startswith(identity.KEY_PREFIX)


def test_person_lookup_keys_hold_the_name_as_written_and_its_readings():
    assert identity.person_lookup_keys("Wladimir Putin") == (
        "wladimir putin",
        *identity.spelling_keys("Wladimir Putin"),
    )


def test_stored_people_carry_their_identity_and_keys_of_every_form():
    article = {
        "id": "b" * 32,
        "text": "Wladimir Putin sagte ...",
        "language": "de",
        "people": [{"name": "Wladimir Putin", "aliases": ["Putin"], "mentions": 2}],
        "organizations": [{"name": "OTAN", "mentions": 1}, {"name": "Gazprom", "mentions": 1}],
    }
    document = documents.to_document(article, {identity.person_id("Vladimir Putin"): "V. P."})
    person = document["people"][0]
    assert person["name"] == "Wladimir Putin"  # as the article writes it
    assert person["identity"] == {"id": identity.person_id("Vladimir Putin"), "name": "V. P."}
    assert document["person_ids"] == [person["identity"]["id"]]
    assert document["person_spellings"] == [
        f"{person['identity']['id']}|wladimir putin|de|Wladimir Putin"
    ]
    assert set(identity.spelling_keys("Vladimir Putin")) <= set(document["person_keys"])
    assert set(identity.spelling_keys("Poutine")) <= set(document["person_keys"])
    # Without a canonical name known, the article's own spelling is it.
    assert documents.to_document(article)["people"][0]["identity"]["name"] == "Wladimir Putin"


@pytest.mark.parametrize(
    ("names", "organization_id"),
    [
        (("NATO", "Nato", "OTAN", "North Atlantic Treaty Organization"), "nato"),
        (
            (
                "UN",
                "U.N.",
                "UNO",
                "ONU",
                "Vereinte Nationen",
                "Naciones Unidas",
                "the United Nations",
            ),
            "un",
        ),
        (("EU", "UE", "Europäische Union", "Union européenne", "Unión Europea"), "eu"),
        (("WHO", "OMS", "Weltgesundheitsorganisation"), "who"),
        (("IMF", "IWF", "FMI", "Internationaler Währungsfonds"), "imf"),
    ],
)
def test_organisations_are_one_whatever_the_language_names_them(names, organization_id):
    assert {identity.organization(name).id for name in names} == {organization_id}


def test_an_unlisted_organisation_has_no_identity():
    assert identity.organization("Gazprom") is None
    assert identity.organization_lookup_keys("Gazprom") == ("gazprom",)


def test_no_name_of_the_organisations_table_stands_for_two_organisations():
    import json
    from pathlib import Path

    path = Path(identity.__file__).parent / "data" / "organizations.json"
    table = json.loads(path.read_text(encoding="utf-8"))["organizations"]
    owners: dict[str, set[str]] = {}
    for entry in table:
        for names in entry["names"].values():
            for name in names:
                owners.setdefault(identity._org_form(name), set()).add(entry["id"])
    assert {form: ids for form, ids in owners.items() if len(ids) > 1} == {}
    assert len({entry["id"] for entry in table}) == len(table)
    assert all(set(entry["names"]) == {"en", "de", "fr", "es"} for entry in table)


def test_listed_organisations_are_one_entity_with_their_shown_name():
    article = {"id": "c" * 32, "organizations": [{"name": "OTAN", "mentions": 1}]}
    document = documents.to_document(article)
    assert document["organizations"] == [
        {"name": "OTAN", "mentions": 1, "identity": {"id": "nato", "name": "NATO"}}
    ]
    assert document["organization_entities"] == ["nato|NATO"]
    assert "~org:nato" in document["organization_keys"]
