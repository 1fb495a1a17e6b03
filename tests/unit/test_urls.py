"""URLs as a browser's address bar takes them: trimmed, IDN hosts, percent-encoding."""

import re

import pytest
from marshmallow import ValidationError

from api.services.articles import article_id, canonical_url
from schemas.articles import HTTP_URL_PATTERN, ArticleInSchema

SCHEMA = ArticleInSchema()


def loaded(url: str) -> str:
    return SCHEMA.load({"text": "x", "url": url})["url"]


def test_surrounding_whitespace_is_trimmed():
    assert loaded("  https://example.com/a \n") == "https://example.com/a"


def test_an_idn_host_is_accepted_and_both_spellings_are_one_url_and_one_id():
    unicode_url = loaded("https://seglerblog.Stössenseer.de/törn")
    punycode_url = loaded("https://seglerblog.xn--stssenseer-fcb.de/t%C3%B6rn")
    assert unicode_url == punycode_url == "https://seglerblog.stössenseer.de/t%C3%B6rn"
    assert article_id({"url": unicode_url}) == article_id({"url": punycode_url})


def test_spaces_and_other_unsafe_characters_are_percent_encoded_once():
    assert loaded('https://example.com/a b/"x"?q=ä b') == (
        "https://example.com/a%20b/%22x%22?q=%C3%A4%20b"
    )
    assert loaded("https://example.com/a%20b") == "https://example.com/a%20b"


def test_scheme_and_host_case_and_port_are_kept_valid():
    assert loaded("HTTPS://Example.COM:8443/A") == "https://example.com:8443/A"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://example.com/a",
        "mailto:x@example.com",
        "https://",
        "https://localhost/a",
        "https://ex ample.com/a",
        "https://-bad-.com/a",
        "http://[::1",
        "https://example.com:99999/a",
        "https://user:pw@example.com/a",
        "example.com/a",
    ],
)
def test_what_cannot_be_an_http_url_with_a_host_is_refused(url):
    with pytest.raises(ValidationError) as error:
        SCHEMA.load({"text": "x", "url": url})
    assert "url" in error.value.messages
    assert not re.match(HTTP_URL_PATTERN, url), "the documented pattern must refuse it too"


@pytest.mark.parametrize(
    "url",
    [" https://example.com ", 'https://example.com/a b?q="x"#top', "HTTP://A-B.example:8080"],
)
def test_the_documented_pattern_accepts_what_loads(url):
    assert re.match(HTTP_URL_PATTERN, url)
    assert loaded(url).startswith(("https://", "http://"))


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTPS://Example.com:443/a?utm_source=x#top", "https://example.com/a"),
        ("http://example.com:80/a?b=1&utm_medium=mail&fbclid=x", "http://example.com/a?b=1"),
        ("https://example.com:8443/a#section", "https://example.com:8443/a"),
        ("https://xn--mnchen-3ya.de/stadt", "https://münchen.de/stadt"),
    ],
)
def test_canonical_url_drops_what_does_not_name_the_page(url, canonical):
    assert canonical_url(url) == canonical


def test_an_article_id_is_the_canonical_url_or_else_the_folded_text():
    assert article_id({"url": "https://example.com/a?utm_source=x"}) == article_id(
        {"url": "HTTPS://EXAMPLE.com/a", "text": "other"}
    )
    assert article_id({"text": "Zürich Ferry"}) == article_id({"text": "zurich ferry"})
    assert article_id({"text": "Zürich Ferry"}) != article_id({"text": "Basel Ferry"})
