"""The rules by which the docs' curl examples are compared with real answers: strict where the
page shows something, lenient only where it says so (a cut `…`, a volatile id or date)."""

from __future__ import annotations

import json

from tests.support.readme_tour import (
    as_the_readme_writes,
    console_examples,
    output_mismatches,
    parse_shown_json,
)

ANSWER = json.dumps(
    {
        "total": {"relation": "eq", "value": 4},
        "items": [{"title": "Amazon river towns", "id": "a"}, {"title": "Kenya", "id": "b"}],
        "request_id": "58b59b132c8546df85930571ee59609b",
        "created_at": "2026-12-07T13:43:48+00:00",
    }
)


def test_a_cut_marks_a_member_or_an_item_and_stays_text_inside_strings():
    shown = parse_shown_json('{"a": [1, …], "b": "x…", …}')
    assert shown == {"a": [1, "…"], "b": "x…", "…": None}


def test_the_shown_answer_passes_as_long_as_it_is_true():
    shown = """{
      "total": {"relation": "eq", "value": 4},
      "items": [{"title": "Amazon river…", …}, …],
      "request_id": "00000000000000000000000000000000",
      …
    }"""
    assert output_mismatches(shown, ANSWER) == []


def test_a_changed_value_a_missing_key_or_a_missing_cut_fails():
    assert output_mismatches('{"total": {"relation": "eq", "value": 5}, …}', ANSWER)
    assert output_mismatches('{"totals": {"relation": "eq", "value": 4}, …}', ANSWER)
    assert output_mismatches('{"total": {"relation": "eq", "value": 4}}', ANSWER)
    assert output_mismatches('{"items": [{"title": "Amazon river towns", "id": "a"}], …}', ANSWER)
    assert output_mismatches('{"items": [{"title": "Kenya", …}, …], …}', ANSWER)
    assert output_mismatches('{"total": {"relation": "eq", "value": "4"}, …}', ANSWER)


def test_volatile_values_are_held_to_their_shape():
    assert output_mismatches('{"request_id": "not an id", …}', ANSWER)
    assert output_mismatches('{"created_at": "yesterday", …}', ANSWER)
    assert output_mismatches('{"created_at": "2025-01-01T00:00:00+00:00", …}', ANSWER) == []


def test_a_curl_i_answer_is_held_to_its_status_and_the_headers_shown():
    real = "HTTP/1.1 201 CREATED\r\nLocation: /articles/x\r\nServer: gunicorn\r\n\r\n" + ANSWER
    shown = (
        'HTTP/1.1 201 CREATED\nLocation: /articles/x\n{"total": {"relation": "eq", "value": 4}, …}'
    )
    assert output_mismatches(shown, real) == []
    assert output_mismatches(shown.replace("201 CREATED", "200 OK"), real)
    assert output_mismatches(shown.replace("/articles/x", "/articles/y"), real)


def test_text_output_is_compared_line_by_line():
    assert output_mismatches("204", "204\n") == []
    assert output_mismatches("204", "200\n")


def test_commands_continue_over_backslashes_and_keep_their_output(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        '```console\n$ curl \\\n  http://127.0.0.1:8000/health\n{"status": "ok"}\n'
        "$ curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8000/ready\n200\n```\n"
        "```sh\n$ not a console block\n```\n"
    )
    examples = console_examples(page)
    assert [(e.command, e.shown) for e in examples] == [
        ("curl http://127.0.0.1:8000/health", '{"status": "ok"}'),
        ("curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8000/ready", "200"),
    ]


def test_the_environment_is_written_as_the_readme_writes_it():
    text = '{"alias": "readme-1a2b-articles", "url": "http://127.0.0.1:9999", "u": "http://x:1"}'
    written = as_the_readme_writes(
        text, base_url="http://x:1", prefix="readme-1a2b-", ner_url="http://127.0.0.1:9999"
    )
    assert json.loads(written) == {
        "alias": "readme-articles",
        "url": "http://127.0.0.1:9000",
        "u": "http://127.0.0.1:8000",
    }
