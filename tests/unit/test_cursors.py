"""The cursor codec and a walk's identity, with no node to ask."""

import base64
import datetime as dt
import json

import pytest

from api.errors import InvalidCursor
from api.services.search_parser import (
    continue_identity,
    decode_cursor,
    encode_cursor,
    query_identity,
)


def test_a_cursor_round_trips_and_is_url_safe_without_padding():
    identity = {"q": "port & ferry?", "sort": "relevance", "person": ["ana"]}
    token = encode_cursor(identity, ["2025-01-01T00:00:00Z", 3.5, None], "pit==")
    assert "=" not in token and "+" not in token and "/" not in token
    assert decode_cursor(token) == {
        "v": 1,
        "q": identity,
        "a": ["2025-01-01T00:00:00Z", 3.5, None],
        "p": "pit==",
    }


def _token(payload) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "token",
    [
        "not a cursor",
        "%%%",
        _token([1, 2]),
        _token({"v": 2, "q": {}, "a": [], "p": None}),
        _token({"v": 1, "q": [], "a": [], "p": None}),
        _token({"v": 1, "q": {}, "a": [{"x": 1}], "p": None}),
        _token({"v": 1, "q": {}, "a": [], "p": 5}),
    ],
)
def test_anything_but_a_cursor_this_api_issued_is_refused_naming_the_field(token):
    with pytest.raises(InvalidCursor) as raised:
        decode_cursor(token)
    assert raised.value.errors == {"cursor": ["This cursor is not one this API issued."]}


def test_identity_holds_the_query_defining_parameters_with_their_default_sort():
    args = {
        "q": "port",
        "person": ["ana"],
        "region": [],
        "focus": False,
        "published_from": dt.date(2025, 1, 2),
        "per_page": 20,
        "highlight": True,
    }
    assert query_identity(args) == {
        "q": "port",
        "person": ["ana"],
        "published_from": "2025-01-02",
        "sort": "relevance",
    }
    assert query_identity({"per_page": 20}) == {"sort": "-published_at"}


def test_a_cursor_continues_its_own_query_unless_other_query_parameters_disagree():
    cursor = {"q": {"q": "port", "sort": "relevance"}}
    # Only paging parameters given: the cursor's query goes on.
    assert continue_identity(cursor, {"sort": "-published_at"}, {"cursor", "per_page"}) == {
        "q": "port",
        "sort": "relevance",
    }
    # The same query repeated beside it is fine; another one is refused.
    same = {"q": "port", "sort": "relevance"}
    assert continue_identity(cursor, same, {"cursor", "q"}) == same
    with pytest.raises(InvalidCursor):
        continue_identity(cursor, {"q": "ferry", "sort": "relevance"}, {"cursor", "q"})
