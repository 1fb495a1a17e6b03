"""The service as production runs it: gunicorn, several workers, driven from outside."""

from __future__ import annotations

import json
import os
import runpy
import subprocess
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import ES_URL, isolated_prefix
from tests.support.gunicorn import ROOT, gunicorn

KEY = "smoke-test-key"


@pytest.fixture
def prefix(es):
    with isolated_prefix(es, "test-served") as name:
        yield name


def run_smoke_script(base_url: str, **environment: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(ROOT / "tests" / "curl" / "smoke.sh")],
        env={**os.environ, "BASE_URL": base_url, "API_KEY": KEY, **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )


def post_article(base_url: str, article: dict) -> str:
    request = urllib.request.Request(
        f"{base_url}/articles?refresh=wait_for",
        data=json.dumps(article).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {KEY}"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)["id"]


def stored_ids(base_url: str) -> list[str]:
    with urllib.request.urlopen(f"{base_url}/articles?per_page=100", timeout=30) as response:
        return [item["id"] for item in json.load(response)["items"]]


# Another client's article about the same person and place: the smoke test must not see it.
NEIGHBOUR = {
    "text": "Olena Kravets opened a bridge in Kharkiv. Kravets thanked the engineers.",
    "url": "https://neighbour.example/kravets-bridge",
    "outlet": "Neighbour Gazette",
}


def test_curl_smoke_script_passes_against_a_populated_service_and_leaves_nothing(prefix):
    with gunicorn(
        ES_URL=ES_URL, ES_INDEX_PREFIX=prefix, API_KEYS=KEY, WEB_CONCURRENCY="1"
    ) as base_url:
        neighbour = post_article(base_url, NEIGHBOUR)
        result = run_smoke_script(base_url)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "all steps passed" in result.stdout
        assert stored_ids(base_url) == [neighbour]


def test_curl_smoke_script_cleans_up_when_a_step_fails(prefix):
    with gunicorn(
        ES_URL=ES_URL, ES_INDEX_PREFIX=prefix, API_KEYS=KEY, WEB_CONCURRENCY="1"
    ) as base_url:
        # An article under the run's own outlet makes its searches find two: a failure after
        # the script has written its article.
        intruder = post_article(
            base_url, {**NEIGHBOUR, "outlet": "Smoke Tribune run-42", "url": "https://x.example/k"}
        )
        result = run_smoke_script(base_url, SMOKE_RUN_ID="run-42")
        assert result.returncode != 0
        steps = result.stdout.splitlines()
        assert any(
            step.startswith("POST /articles creates") and step.endswith("ok") for step in steps
        )
        assert any("FAILED" in step for step in steps), result.stdout
        assert stored_ids(base_url) == [intruder]


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


def test_metrics_add_up_over_every_gunicorn_worker(prefix, tmp_path):
    """Counts equal the requests sent, whichever of the two workers served them."""
    with gunicorn(
        ES_URL=ES_URL,
        ES_INDEX_PREFIX=prefix,
        WEB_CONCURRENCY="2",
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path),
    ) as base_url:
        missing = f"{base_url}/articles/{'0' * 32}"

        def send(number: int) -> int:
            if number % 6 == 0:
                body = json.dumps({"text": f"Mayor Rui Costa opened school {number} in Braga."})
                request = urllib.request.Request(
                    f"{base_url}/articles",
                    data=body.encode(),
                    headers={"Content-Type": "application/json"},
                )
            else:
                request = urllib.request.Request(missing if number % 2 else f"{base_url}/health")
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    return response.status
            except urllib.error.HTTPError as error:
                return error.code

        with ThreadPoolExecutor(max_workers=12) as pool:
            sent = Counter(pool.map(send, range(120)))
        with urllib.request.urlopen(f"{base_url}/metrics", timeout=30) as response:
            content_type = response.headers["Content-Type"]
            exposition = response.read().decode()
    assert content_type == CONTENT_TYPE_LATEST
    assert content_type.count("charset") == 1
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
    }

    def total(name: str, **labels: str) -> float:
        return sum(
            value
            for (sample, sample_labels), value in samples.items()
            if sample == name and labels.items() <= dict(sample_labels).items()
        )

    assert sent == {201: 20, 404: 60, 200: 40}
    # gunicorn() polled /ready until it answered; /metrics does not count itself.
    probes = total("flask_http_request_duration_seconds_count", url_rule="/ready")
    assert probes >= 1
    assert total("flask_http_request_total") == 120 + probes
    assert total("flask_http_request_total", method="GET", status="404") == 60
    route = "/articles/<article_id:article_id>"
    assert total("flask_http_request_duration_seconds_count", url_rule=route) == 60
    assert total("flask_http_request_duration_seconds_count", url_rule="/articles") == 20
    assert total("articles_ingested_total", outcome="created") == 20
    assert total("extraction_seconds_count") == 20
    workers = {path.name.split("_")[-1] for path in tmp_path.glob("counter_*.db")}
    assert len(workers) == 2, "both workers served and were counted"
