"""Gazetteer: codes, English exonyms, cities with parents, search helpers."""

import pytest

from api.extraction.gazetteer import ancestors, describe, gazetteer, region_records


def test_country_resolves_by_english_name_alias_and_code() -> None:
    assert [r["code"] for r in region_records("Russia")] == ["RU"]
    assert region_records("U.S.")[0]["code"] == "US"
    assert region_records("ua")[0]["name"] == "Ukraine"


def test_curated_exonym_maps_to_iso_subdivision() -> None:
    record = region_records("Zaporizhzhia")[0]
    assert (record["code"], record["type"], record["country"]) == ("UA-23", "admin1", "UA")
    assert region_records("Kharkov")[0]["code"] == "UA-63"
    assert describe("UA-12")["name"] == "Dnipropetrovsk Oblast"


def test_short_form_of_iso_subdivision_name() -> None:
    assert "CN-GD" in [r["code"] for r in region_records("Guangdong")]


def test_city_carries_admin1_parent_and_country() -> None:
    kiev = [r for r in region_records("Kiev") if r["type"] == "city"][0]
    assert kiev["country"] == "UA"
    anchorage = [r for r in region_records("Anchorage") if r["type"] == "city"][0]
    assert ancestors(anchorage["code"]) == ["US-AK", "US"]


def test_continent_has_own_code_space() -> None:
    europe = region_records("Europe")[0]
    assert europe["type"] == "continent" and europe["code"] != "EU"


def test_unknown_name_resolves_to_nothing() -> None:
    assert region_records("Qwertyville") == []
    assert describe("XX-99") is None


def test_gazetteer_is_built_once_per_process() -> None:
    gazetteer()
    built = gazetteer.cache_info().misses
    for _ in range(3):
        gazetteer()
    assert gazetteer.cache_info().misses == built == 1


def test_short_form_alternate_resolves_but_unrelated_alternate_does_not() -> None:
    assert any(r["name"] == "Royal Tunbridge Wells" for r in region_records("Tunbridge Wells"))
    assert region_records("Duran") == []


def test_postal_abbreviation_names_the_state_and_keeps_its_name() -> None:
    (place,) = gazetteer().lookup("Ga.")
    assert (place.code, place.name) == ("US-GA", "Georgia")


def test_subdivision_with_its_kind_word_is_found() -> None:
    assert [p.code for p in gazetteer().lookup("Ogun State")] == ["NG-OG"]
    assert [p.code for p in gazetteer().lookup("Gyeonggi Province")] == ["KR-41"]
    assert gazetteer().lookup("Florida State") == []  # a university, not the state


def test_city_that_is_a_subdivision_has_it_as_region_and_parent() -> None:
    seoul = next(p for p in gazetteer().lookup("Seoul") if p.type == "city")
    assert (seoul.region, seoul.parent) == ("KR-11", "KR-11")
    assert describe("KR-11")["name"] == "Seoul"
    paris = next(p for p in gazetteer().lookup("Paris") if p.country == "FR" and p.type == "city")
    assert ancestors(paris.code) == ["FR-75C", "FR-IDF", "FR"]


@pytest.mark.parametrize(
    ("city", "country", "chain"),
    [
        ("Munich", "DE", ["DE-BY", "DE"]),
        ("Toronto", "CA", ["CA-ON", "CA"]),
        ("Sydney", "AU", ["AU-NSW", "AU"]),
        ("Mumbai", "IN", ["IN-MH", "IN"]),
        ("Lyon", "FR", ["FR-ARA", "FR"]),
    ],
)
def test_cities_everywhere_sit_in_their_admin1_unit(city: str, country: str, chain: list) -> None:
    # geonames numbers admin-1 units its own way; data/admin1_iso.json maps them to ISO 3166-2.
    place = max(
        (p for p in gazetteer().lookup(city) if p.type == "city" and p.country == country),
        key=lambda p: p.population,
    )
    assert ancestors(place.code) == chain


def test_a_same_named_district_inside_the_admin1_unit_is_still_the_citys_region() -> None:
    manchester = next(
        p for p in gazetteer().lookup("Manchester") if p.country == "GB" and p.type == "city"
    )
    assert manchester.region == "GB-MAN"
    assert ancestors(manchester.code) == ["GB-MAN", "GB-ENG", "GB"]


def test_display_names_drop_transliteration_macrons_but_keep_spelling() -> None:
    assert describe("IN-MH")["name"] == "Maharashtra"  # ISO: Mahārāshtra
    thane = next(p for p in gazetteer().lookup("Thane") if p.type == "city")
    assert thane.name == "Thane"  # geonames: Thāne
    assert describe("BR-SP")["name"] == "São Paulo"
    assert [r["code"] for r in region_records("Mahārāshtra")] == ["IN-MH"]


def test_english_names_of_subdivisions_resolve_with_the_kind_of_place_after_them() -> None:
    assert [r["code"] for r in region_records("Bryansk Oblast")] == ["RU-BRY"]  # ISO: Bryanskaya
    assert [r["code"] for r in region_records("Moscow Oblast")] == ["RU-MOS"]  # not Moscow City
    assert [r["code"] for r in region_records("Krasnodar Krai")] == ["RU-KDA"]
    # Alone, an English name can be a translation that reads as prose (Sancti Spíritus).
    assert region_records("Holy Spirit") == []


def test_oblasts_and_krais_without_a_curated_name_are_shown_by_their_english_name() -> None:
    assert describe("RU-BRY")["name"] == "Bryansk Oblast"  # ISO: Bryanskaya oblast'
    assert describe("RU-KDA")["name"] == "Krasnodar Krai"  # ISO: Krasnodarskiy kray
    assert describe("UA-63")["name"] == "Kharkiv Oblast"  # curated exonym, unchanged
