"""split_credits and clean_authors on short texts written for these tests."""

from pathlib import Path

from api.extraction.credits import split_credits
from api.extraction.html_authors import clean_authors

SEED = Path(__file__).resolve().parents[2] / "seeds" / "alaska-talks-pravda.txt"
STORY = "The council approved the new cycle lanes on Tuesday.\n\nWork starts in spring."


def names(credits):
    """The credited names (authors are {"name", "type"} objects)."""
    return [credit["name"] for credit in credits]


def test_seed_article_author_and_outlet() -> None:
    credits = split_credits(SEED.read_text(encoding="utf-8"))
    assert names(credits.authors) == ["Petr Ermilin"]
    assert credits.outlet == "Pravda.Ru"
    assert credits.provenance == {"authors": "footer", "outlet": "footer"}
    assert "Subscribe" not in credits.body
    assert "Ermilin" not in credits.body
    assert credits.body.endswith("military setbacks in Ukraine.")


def test_by_line_at_top() -> None:
    credits = split_credits(f"By Jane Doe and John Smith\n\n{STORY}")
    assert names(credits.authors) == ["Jane Doe", "John Smith"]
    assert credits.provenance["authors"] == "byline"
    assert credits.body == STORY


def test_author_name_with_apostrophe_or_backtick() -> None:
    for marker in ("Author's name", "Author`s name", "Author’s name"):
        credits = split_credits(f"{STORY}\n\n{marker} Olga Petrova")
        assert names(credits.authors) == ["Olga Petrova"], marker


def test_written_by_in_capitals_is_title_cased() -> None:
    assert names(split_credits(f"Written by MARIA GARCIA\n{STORY}").authors) == ["Maria Garcia"]


def test_name_comma_outlet_line() -> None:
    credits = split_credits(f"Jane Doe, Reuters\n\n{STORY}")
    assert credits.authors == [
        {"name": "Jane Doe", "type": "person"},
        {"name": "Reuters", "type": "organization"},
    ]
    assert credits.outlet == "Reuters"
    assert credits.provenance["outlet"] == "byline"


def test_agency_dateline_is_credited_and_stripped() -> None:
    credits = split_credits("KYIV (Reuters) - The council approved the plan.\n\nMore text.")
    assert credits.outlet == "Reuters"
    assert credits.body.startswith("KYIV - The council approved the plan.")
    assert "Reuters" not in credits.body


def test_leading_agency_dash() -> None:
    credits = split_credits("AP — A storm closed the port on Monday.\n\nMore text.")
    assert credits.outlet == "Associated Press"
    assert credits.body.startswith("A storm closed the port")


def test_reporters_are_authors_editors_are_not() -> None:
    text = (
        f"{STORY}\n\nReporting by Anna Berg and Tom Lee in Oslo; "
        "Additional reporting by Sam Okoro; Editing by Mark Heinz"
    )
    credits = split_credits(text)
    assert names(credits.authors) == ["Anna Berg", "Tom Lee", "Sam Okoro"]
    assert "Mark Heinz" not in credits.authors
    assert credits.body == STORY


def test_copyright_line_names_outlet_and_is_removed() -> None:
    credits = split_credits(f"{STORY}\n\n© 2025 Reuters")
    assert credits.outlet == "Reuters"
    assert credits.provenance["outlet"] == "footer"
    assert credits.body == STORY


def test_footer_outlet_wins_over_agency_credit() -> None:
    text = f"PARIS (AFP) - {STORY}\n\nCopyright 2025 The Associated Press. All rights reserved."
    assert split_credits(text).outlet == "Associated Press"


def test_share_and_follow_lines_are_boilerplate() -> None:
    text = f"{STORY}\nShare this article\nFollow us on Twitter\nFacebook Twitter WhatsApp Email"
    credits = split_credits(text)
    assert credits.body == STORY
    assert names(credits.authors) == []
    assert credits.outlet is None


def test_sentences_starting_with_by_are_not_bylines() -> None:
    text = "By the end of the year, prices rose.\nBy Friday, the deal was done.\nMore."
    credits = split_credits(text)
    assert names(credits.authors) == []
    assert credits.body == text


def test_book_credit_in_footer_is_not_a_byline() -> None:
    middle = "\n".join(f"Paragraph {i} about the novel." for i in range(8))
    text = f"{middle}\n\nThe Quiet Coast\nby Lena Hart and Otto Brun\n240 pages"
    assert names(split_credits(text).authors) == []


def test_byline_in_middle_of_long_text_is_left_alone() -> None:
    middle = "\n".join(f"Paragraph {i} about the budget." for i in range(20))
    text = f"{middle}\nBy Jane Doe\n{middle}"
    assert names(split_credits(text).authors) == []


def test_clean_authors_drops_noise() -> None:
    raw = [
        "By Jane Doe | Published 3 May 2024",
        "https://example.com/authors/jane",
        "jane@example.com",
        "Example News",
        "5 Minute Read",
        "Ana Ruiz y Luis Paz",
    ]
    assert names(clean_authors(raw, excluded=["Example News"])) == [
        "Jane Doe",
        "Ana Ruiz",
        "Luis Paz",
    ]


def test_a_site_credited_alone_is_one_organisation_and_beside_a_person_is_dropped() -> None:
    raw = ["Riverside Pool", "riverside-pool.com", "Riverside-Pool Com", "Staff Reporter"]
    url = "https://www.riverside-pool.com/x"
    assert clean_authors(raw, url=url) == [{"name": "Riverside Pool", "type": "organization"}]
    assert names(clean_authors([*raw, "Jane Doe"], url=url)) == ["Jane Doe"]


def test_clean_authors_keeps_caseless_scripts() -> None:
    assert names(clean_authors(["محمد علي", "王小明"])) == ["محمد علي", "王小明"]


def test_lone_word_split_off_a_longer_value_is_dropped() -> None:
    assert names(clean_authors(["Anna Berg, London, Tom Lee"])) == ["Anna Berg", "Tom Lee"]
    assert names(clean_authors(["gnaddrig"])) == ["gnaddrig"]


def test_initials_and_institutions_are_not_authors_but_a_desk_is_an_organisation() -> None:
    assert clean_authors(["PP", "TVT-Redaktion", "Sekretariat Partei Umwelt"]) == [
        {"name": "TVT-Redaktion", "type": "organization"}
    ]


def test_published_and_reading_time_lines_are_removed() -> None:
    text = f"By Jane Doe\nPublished 3 May 2024, 10:00\n5 min read\n{STORY}"
    credits = split_credits(text)
    assert credits.body == STORY
    assert names(credits.authors) == ["Jane Doe"]


def test_sentence_starting_with_published_stays() -> None:
    text = f"Published research shows that cats sleep a lot.\n{STORY}"
    assert split_credits(text).body == text


def test_dateline_with_date_and_slashed_agency() -> None:
    reuters = split_credits("MOSCOW, Aug 18 (Reuters) - The bank cut rates.\n\nMore.")
    assert (reuters.outlet, reuters.body[:30]) == ("Reuters", "MOSCOW, Aug 18 - The bank cut ")
    tass = split_credits("MOSCOW, August 18. /TASS/. The Kremlin said so.\n\nMore.")
    assert tass.outlet == "TASS"
    assert tass.body.startswith("MOSCOW, August 18 - The Kremlin said so.")


def test_parenthesis_that_is_not_an_agency_stays() -> None:
    text = "The President (Joe Biden) - said it twice.\n\nMore."
    credits = split_credits(text)
    assert credits.outlet is None
    assert credits.body == text


def test_leading_dash_needs_a_news_agency() -> None:
    text = "Time — it is running out for the talks, officials said.\n\nMore."
    credits = split_credits(text)
    assert credits.outlet is None
    assert credits.body == text


def test_job_title_after_the_name_is_dropped() -> None:
    raw = ["Jane Doe Senior Reporter", "Karl Weber, Korrespondent in Wien", "Staff Reporter"]
    assert names(clean_authors(raw)) == ["Jane Doe", "Karl Weber"]


def test_sentence_starting_with_copyright_is_content() -> None:
    text = f"{STORY}\nCopyright Office officials said the rules would change."
    credits = split_credits(text)
    assert credits.outlet is None
    assert credits.body == text


def test_copyright_symbol_after_the_word() -> None:
    assert split_credits(f"{STORY}\n\nCopyright © Pravda.Ru 2025").outlet == "Pravda.Ru"


def test_bracketed_wire_credits_give_the_reporter_not_the_editor() -> None:
    credits = split_credits(f"{STORY}\n\n(Reporting by Ines Varga; Editing by Olaf Brandt)")
    assert names(credits.authors) == ["Ines Varga"]
    assert "Olaf Brandt" not in credits.body and "Ines Varga" not in credits.body


# --- credits as schema.org has them: persons and organisations, in byline order -----------------

PERSON, ORG = "person", "organization"


def test_an_agency_after_a_person_is_an_organisation_credit() -> None:
    assert clean_authors(["Jane Doe, AP"]) == [
        {"name": "Jane Doe", "type": PERSON},
        {"name": "AP", "type": ORG},
    ]
    credits = split_credits(f"By Jane Doe, AP\n\n{STORY}")
    assert credits.authors == [{"name": "Jane Doe", "type": PERSON}, {"name": "AP", "type": ORG}]


def test_an_agency_alone_is_the_author() -> None:
    assert clean_authors(["dpa"]) == [{"name": "dpa", "type": ORG}]
    assert clean_authors(["Deutsche Presse-Agentur"]) == [
        {"name": "Deutsche Presse-Agentur", "type": ORG}
    ]
    dateline = split_credits("BERLIN (dpa) - The council approved the plan.\n\nMore text.")
    assert dateline.authors == [{"name": "dpa", "type": ORG}]


def test_several_agencies_keep_their_order() -> None:
    expected = [{"name": "AFP", "type": ORG}, {"name": "dpa", "type": ORG}]
    assert clean_authors(["AFP/dpa"]) == expected
    assert split_credits(f"AFP/dpa\n\n{STORY}").authors == expected


def test_a_desk_credit_is_an_organisation_and_yields_to_a_person() -> None:
    assert clean_authors(["Harbour Gazette Staff"]) == [
        {"name": "Harbour Gazette Staff", "type": ORG}
    ]
    assert clean_authors(["Redaktion harbour.example"]) == [
        {"name": "Redaktion harbour.example", "type": ORG}
    ]
    assert clean_authors(["Jane Doe", "Harbour Gazette Staff"]) == [
        {"name": "Jane Doe", "type": PERSON}
    ]
    assert clean_authors(["Staff Reporter"]) == []


def test_a_short_agency_abbreviation_counts_only_as_written_like_one() -> None:
    from api.extraction.credits import is_agency

    assert is_agency("ANA") and is_agency("dpa") and is_agency("Reuters")
    assert not is_agency("Ana") and not is_agency("Spa")
    assert clean_authors(["Ana Ruiz, ANA"]) == [
        {"name": "Ana Ruiz", "type": PERSON},
        {"name": "ANA", "type": ORG},
    ]


def test_image_credits_dates_and_reading_times_are_no_credit() -> None:
    raw = ["Foto: dpa", "Getty Images", "AFP Photo", "5 Minute Read", "12.03.2024"]
    assert clean_authors(raw) == []


def test_client_strings_are_persons_unless_an_agency_or_the_outlet() -> None:
    from api.extraction.credits import as_credits

    outlet = {"name": "Harbour Gazette", "domain": "harbour.example"}
    assert as_credits(["Jane Doe", "Reuters", "Harbour Gazette"], outlet) == [
        {"name": "Jane Doe", "type": PERSON},
        {"name": "Reuters", "type": ORG},
        {"name": "Harbour Gazette", "type": ORG},
    ]
    assert as_credits([{"name": "Desk One", "type": ORG}]) == [{"name": "Desk One", "type": ORG}]
