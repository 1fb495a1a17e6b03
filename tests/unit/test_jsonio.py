"""The app's JSON provider: orjson for compact answers, the standard library for the rest."""

import datetime as dt
import json

from flask import Flask

from api.web.jsonio import OrjsonProvider


def provider() -> OrjsonProvider:
    return OrjsonProvider(Flask(__name__))


def test_compact_answers_have_sorted_keys_and_raw_utf8() -> None:
    body = provider().dumps({"b": 1, "a": "Zaporizhzhia – Запоріжжя"}, separators=(",", ":"))
    assert body == '{"a":"Zaporizhzhia – Запоріжжя","b":1}'


def test_indented_output_falls_back_to_the_standard_library() -> None:
    body = provider().dumps({"b": [1], "a": None}, indent=2)
    assert body == json.dumps({"a": None, "b": [1]}, indent=2, sort_keys=True)


def test_types_orjson_does_not_know_go_through_flasks_default() -> None:
    class Html:
        def __html__(self) -> str:
            return "<mark>x</mark>"

    assert provider().dumps({"h": Html(), "d": dt.date(2025, 8, 15)}) == (
        '{"d":"2025-08-15","h":"<mark>x</mark>"}'
    )
