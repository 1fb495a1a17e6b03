"""The service as production runs it: gunicorn, several workers, driven from outside."""

from __future__ import annotations

import json
import os
import runpy
import subprocess
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest

from tests.conftest import ES_URL
from tests.support.gunicorn import ROOT, gunicorn

KEY = "smoke-test-key"


@pytest.fixture
def prefix(es):
    name = f"test-served-{uuid.uuid4().hex[:8]}-"
    yield name
    es.indices.delete(index=f"{name}*", ignore_unavailable=True)


def test_curl_smoke_script_passes_against_gunicorn(prefix):
    with gunicorn(
        ES_URL=ES_URL, ES_INDEX_PREFIX=prefix, API_KEYS=KEY, WEB_CONCURRENCY="1"
    ) as base_url:
        result = subprocess.run(
            ["bash", str(ROOT / "tests" / "curl" / "smoke.sh")],
            env={**os.environ, "BASE_URL": base_url, "API_KEY": KEY},
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "all steps passed" in result.stdout


def test_concurrent_requests_to_several_workers_each_get_their_own_answer(prefix):
    """Workers forked from a preloaded app must not share the master's connections."""
    with gunicorn(ES_URL=ES_URL, ES_INDEX_PREFIX=prefix, WEB_CONCURRENCY="2") as base_url:
        body = json.dumps({"text": "Mayor Rui Costa opened a school in Braga."}).encode()
        request = urllib.request.Request(
            f"{base_url}/articles?refresh=wait_for",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        urllib.request.urlopen(request, timeout=30).close()
        paths = ["/articles?person=costa", "/people?prefix=ru", "/ready", "/articles?region=PT"]

        def fetch(number: int) -> tuple[str, int, dict]:
            path = paths[number % len(paths)]
            with urllib.request.urlopen(f"{base_url}{path}", timeout=30) as response:
                return path, response.status, json.load(response)

        with ThreadPoolExecutor(max_workers=12) as pool:
            answers = list(pool.map(fetch, range(240)))
    for path, status, answer in answers:
        assert status == 200, path
        if path.startswith("/articles"):
            assert answer["total"]["value"] == 1, (path, answer)
        elif path.startswith("/people"):
            assert answer == [{"name": "Rui Costa", "articles": 1}], answer
        else:
            assert answer["status"] == "ready"


def test_each_forked_worker_gets_its_own_elasticsearch_client(app, monkeypatch, tmp_path):
    # Keep gunicorn.conf.py from choosing a metrics directory for the rest of the session.
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    inherited = app.extensions["article_index"].client
    worker = SimpleNamespace(app=SimpleNamespace(wsgi=lambda: app))
    config["post_fork"](None, worker)
    assert app.extensions["article_index"].client is not inherited
    assert app.test_client().get("/ready").status_code == 200
