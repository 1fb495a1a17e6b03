"""`flask --app api export` and `import` against the real node: every field out, nothing
re-extracted on the way in, bad lines reported by number, re-import a no-op, exact round trip."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch
from flask import Flask

from api import create_app
from api.web.context import article_index
from tests.support.services import ES_URL, closed_port_url

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
# English, German, HTML and a wire story: every kind of field the pipeline fills.
SEED_FILES = [
    "alaska-talks-pravda.txt",
    "muenchen-tram-streik.txt",
    "kharkiv-metro-schools.html",
    "paris-metro-strike.txt",
]


def _app(prefix: str, **overrides: str) -> Flask:
    return create_app(es_url=ES_URL, es_index_prefix=prefix, log_level="WARNING", **overrides)


@pytest.fixture(scope="module")
def source(es: Elasticsearch) -> Iterator[Flask]:
    """An app whose index holds a few seeds, extracted for real and stored by `ingest`."""
    prefix = f"test-{uuid.uuid4().hex[:10]}-"
    app = _app(prefix)
    paths = [str(SEEDS / name) for name in SEED_FILES]
    result = app.test_cli_runner().invoke(args=["ingest", *paths])
    assert result.exit_code == 0, result.output
    yield app
    es.indices.delete(index=f"{prefix}*", ignore_unavailable=True, allow_no_indices=True)


@pytest.fixture
def target(es: Elasticsearch) -> Iterator[Flask]:
    """An empty service whose NER server is down: import must not need it."""
    prefix = f"test-{uuid.uuid4().hex[:10]}-"
    yield _app(prefix, ner_url=closed_port_url())
    es.indices.delete(index=f"{prefix}*", ignore_unavailable=True, allow_no_indices=True)


def export(app: Flask, *args: str) -> bytes:
    result = app.test_cli_runner().invoke(args=["export", *args])
    assert result.exit_code == 0, result.stderr
    return result.stdout_bytes


def import_file(app: Flask, path: Path) -> tuple[int, str, str]:
    result = app.test_cli_runner().invoke(args=["import", str(path)])
    return result.exit_code, result.stdout, result.stderr


def stored_versions(app: Flask) -> dict[str, tuple[int, int]]:
    with app.app_context():
        index = article_index()
        index.refresh()
        hits = index.client.search(
            index=index.alias, size=100, seq_no_primary_term=True, query={"match_all": {}}
        )["hits"]["hits"]
    return {hit["_id"]: (hit["_seq_no"], hit["_primary_term"]) for hit in hits}


def test_export_writes_every_article_with_every_stored_field_in_id_order(source):
    lines = export(source).splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == len(SEED_FILES)
    assert [r["id"] for r in records] == sorted(r["id"] for r in records)
    with source.app_context():
        index = article_index()
        for record in records:
            stored = index.get(record["id"])
            assert stored is not None
            assert {**stored.article, "content_hash": stored.content_hash} == record
    # Nothing but the articles' own fields: no search-only derived keys.
    assert not {key for r in records for key in r} & {"person_keys", "people_entities"}
    assert all(r["content_hash"] and r["people"] is not None for r in records)


def test_export_query_takes_the_search_parameters(source):
    german = [json.loads(line) for line in export(source, "--query", "language=de").splitlines()]
    assert [r["language"] for r in german] == ["de"]
    ukraine = export(source, "--query", "region=UA&q=school").splitlines()
    assert [json.loads(line)["title"] for line in ukraine] == [
        "Kharkiv opens fourth underground school as shelling continues"
    ]


def test_export_refuses_a_bad_query(source):
    result = source.test_cli_runner().invoke(args=["export", "--query", "published_from=yesterday"])
    assert result.exit_code == 2
    assert "published_from" in result.stderr
    assert result.stdout_bytes == b""


def test_round_trip_is_byte_identical_and_needs_no_extraction(source, target, tmp_path):
    dump = tmp_path / "dump.ndjson"
    dump.write_bytes(export(source))
    code, out, err = import_file(target, dump)
    assert code == 0, err
    assert out.strip().endswith(
        f"{len(SEED_FILES)} records: {len(SEED_FILES)} written, 0 unchanged, 0 failed"
    )
    assert export(target) == dump.read_bytes()
    # Imported articles are searchable and served like the originals.
    client = target.test_client()
    found = client.get("/articles?person=putin").get_json()
    assert found["total"]["value"] == 1
    original = json.loads(dump.read_bytes().splitlines()[0])
    served = client.get(f"/articles/{original['id']}").get_json()
    assert served["people"] == original["people"]
    assert served["regions"] == original["regions"]


def test_importing_twice_changes_nothing(source, target, tmp_path):
    dump = tmp_path / "dump.ndjson"
    dump.write_bytes(export(source))
    assert import_file(target, dump)[0] == 0
    before = stored_versions(target)
    code, out, err = import_file(target, dump)
    assert code == 0, err
    assert f"{len(SEED_FILES)} records: 0 written, {len(SEED_FILES)} unchanged, 0 failed" in out
    assert stored_versions(target) == before


def test_import_writes_a_changed_record_over_the_stored_one(source, target, tmp_path):
    lines = export(source).splitlines()
    dump = tmp_path / "dump.ndjson"
    dump.write_bytes(b"\n".join(lines) + b"\n")
    assert import_file(target, dump)[0] == 0
    changed = json.loads(lines[0])
    changed["title"] = "A corrected title"
    dump.write_bytes(json.dumps(changed).encode() + b"\n" + lines[1] + b"\n")
    code, out, _ = import_file(target, dump)
    assert code == 0
    assert "2 records: 1 written, 1 unchanged, 0 failed" in out
    assert target.test_client().get(f"/articles/{changed['id']}").get_json()["title"] == (
        "A corrected title"
    )


def test_bad_lines_are_reported_by_number_and_stop_nothing(source, target, tmp_path):
    good = export(source).splitlines()
    record = json.loads(good[0])
    bad_date = {**json.loads(good[1]), "published_at": "2025-02-30"}
    unknown_field = {**json.loads(good[2]), "score": 3}
    no_id = {key: value for key, value in record.items() if key != "id"}
    rejected_by_node = {**json.loads(good[3]), "word_count": "many"}
    dump = tmp_path / "dump.ndjson"
    dump.write_bytes(
        b"\n".join(
            [
                good[0],  # 1
                b"{not json",  # 2
                json.dumps(bad_date).encode(),  # 3
                b"",  # 4: blank, skipped
                json.dumps(unknown_field).encode(),  # 5
                b"[1, 2]",  # 6
                json.dumps(no_id).encode(),  # 7
                json.dumps(rejected_by_node).encode(),  # 8
                good[1],  # 9
            ]
        )
        + b"\n"
    )
    code, out, err = import_file(target, dump)
    assert code == 1
    assert "8 records: 2 written, 0 unchanged, 6 failed" in out
    reported = [line.split(":")[0] for line in err.splitlines() if line.startswith("line ")]
    assert reported == ["line 2", "line 3", "line 5", "line 6", "line 7", "line 8"]
    assert "not JSON" in err
    assert "published_at" in err and "score" in err and "id" in err and "word_count" in err
    # The valid lines, before and after the bad ones, are stored; nothing else is.
    assert set(stored_versions(target)) == {record["id"], json.loads(good[1])["id"]}


def test_walk_pages_through_the_point_in_time_in_id_order(source):
    with source.app_context():
        index = article_index()
        walked = [record.article["id"] for record in index.walk(page_size=1)]
    assert walked == sorted(walked)
    assert len(walked) == len(SEED_FILES)
