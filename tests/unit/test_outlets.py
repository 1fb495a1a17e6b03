"""Outlet names from URLs and names."""

from api.extraction.outlets import (
    is_known_outlet,
    is_news_agency,
    outlet_for_name,
    outlet_from_url,
    readable_name,
)


def test_curated_domain_with_edition_subdomain() -> None:
    assert outlet_from_url("https://english.pravda.ru/world/123-talks/") == {
        "name": "Pravda.Ru",
        "domain": "pravda.ru",
    }
    assert outlet_from_url("https://edition.cnn.com/2025/01/01/x")["name"] == "CNN"
    assert outlet_from_url("https://m.bbc.co.uk/news/world")["name"] == "BBC"


def test_specific_subdomain_entry_wins_over_parent_domain() -> None:
    assert outlet_from_url("https://news.sky.com/story/x")["name"] == "Sky News"


def test_unknown_domain_gets_readable_name_from_registrable_domain() -> None:
    assert outlet_from_url("http://www.example-news.co.uk/a/b") == {
        "name": "Example News",
        "domain": "example-news.co.uk",
    }
    assert outlet_from_url("https://blog.harbour-gazette.com.au/x")["name"] == "Harbour Gazette"


def test_hosts_without_public_suffix_give_none() -> None:
    assert outlet_from_url("http://localhost:5000/article") is None
    assert outlet_from_url("") is None


def test_readable_name_keeps_acronyms() -> None:
    assert readable_name("abc-news_today") == "Abc News Today"
    assert readable_name("NTV") == "NTV"


def test_outlet_for_name_uses_aliases_and_articles() -> None:
    assert outlet_for_name("AP") == {"name": "Associated Press", "domain": "apnews.com"}
    assert outlet_for_name("the Guardian")["domain"] == "theguardian.com"
    assert outlet_for_name("Pravda.Ru")["domain"] == "pravda.ru"


def test_outlet_for_unknown_name_keeps_it() -> None:
    assert outlet_for_name("  Village Bugle ") == {"name": "Village Bugle", "domain": None}
    assert not is_known_outlet("Village Bugle")


def test_news_agencies_are_flagged() -> None:
    assert is_news_agency("AFP")
    assert is_news_agency("Reuters")
    assert not is_news_agency("The Guardian")
    assert not is_news_agency("Village Bugle")


def test_name_written_as_a_domain_keeps_its_spelling_and_gets_the_domain() -> None:
    assert outlet_for_name("www.Harbour-Gazette.com.au") == {
        "name": "www.Harbour-Gazette.com.au",
        "domain": "harbour-gazette.com.au",
    }
    assert not is_known_outlet("harbour-gazette.com.au")
