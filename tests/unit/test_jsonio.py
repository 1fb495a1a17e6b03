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


def test_jsonify_writes_what_dumps_writes_plus_a_newline_as_flask_does() -> None:
    app = Flask(__name__)
    app.json = OrjsonProvider(app)
    value = {"b": [1, None], "a": "Zaporizhzhia – Запоріжжя", "d": dt.date(2025, 8, 15)}
    with app.app_context():
        response = app.json.response(value)
    assert response.get_data() == (app.json.dumps(value) + "\n").encode()
    assert response.mimetype == "application/json"


def test_jsonify_in_debug_mode_still_indents() -> None:
    app = Flask(__name__)
    app.json = OrjsonProvider(app)
    app.debug = True
    with app.app_context():
        body = app.json.response({"b": 1, "a": 2}).get_data(as_text=True)
    assert body == '{\n  "a": 2,\n  "b": 1\n}\n'
