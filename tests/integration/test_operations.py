"""Operations: request ids, structured logs, Prometheus metrics and rate limiting."""

from __future__ import annotations

import json
import logging

from api.web.observability import RequestIdFilter


def test_an_incoming_request_id_is_echoed(client):
    response = client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert response.headers["X-Request-ID"] == "abc-123"


def test_a_request_id_is_generated_when_missing_or_unsafe(client):
    generated = client.get("/health").headers["X-Request-ID"]
    assert len(generated) == 32
    forged = client.get("/health", headers={"X-Request-ID": 'bad id", "level": "ERROR'})
    assert forged.headers["X-Request-ID"] != 'bad id", "level": "ERROR'
    assert len(forged.headers["X-Request-ID"]) == 32


def test_problem_bodies_carry_the_request_id(client):
    body = client.get("/articles/" + "0" * 32, headers={"X-Request-ID": "trace-9"}).get_json()
    assert body["request_id"] == "trace-9"


def test_one_json_log_line_per_request_with_its_request_id(client, caplog):
    caplog.set_level(logging.INFO, logger="api.access")
    client.get("/articles/" + "0" * 32, headers={"X-Request-ID": "trace-42"})
    (record,) = [r for r in caplog.records if r.name == "api.access"]
    assert record.request_id == "trace-42"
    assert (record.method, record.route, record.status) == (
        "GET",
        "/articles/<article_id:article_id>",
        404,
    )
    assert record.duration_ms >= 0
    formatted = json.loads(logging.getLogger().handlers[0].format(record))
    assert formatted["request_id"] == "trace-42"
    assert formatted["status"] == 404
    assert formatted["level"] == "INFO"


def test_log_lines_outside_requests_have_no_request_id():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "msg", None, None)
    assert RequestIdFilter().filter(record)
    assert record.request_id is None


def test_metrics_count_requests_articles_extraction_and_backend_errors(client, make_app):
    client.post("/articles", json={"text": "Mayor Lou Park opened a library in Busan."})
    client.get("/articles/" + "0" * 32)
    text = client.get("/metrics").get_data(as_text=True)
    assert 'articles_ingested_total{outcome="created"} 1.0' in text
    assert "extraction_seconds_count 1.0" in text
    by_route = 'flask_http_request_duration_seconds_count{method="POST",status="201",url_rule='
    assert by_route + '"/articles"} 1.0' in text
    assert 'url_rule="/articles/<article_id:article_id>"} 1.0' in text
    assert 'flask_http_request_total{method="GET",status="404"} 1.0' in text

    down = make_app(es_url="http://127.0.0.1:1", es_timeout=1)
    down_client = down.test_client()
    down_client.get("/articles/" + "0" * 32)
    assert 'elasticsearch_errors_total{kind="unavailable"} 1.0' in down_client.get(
        "/metrics"
    ).get_data(as_text=True)


def test_rate_limiting_is_off_by_default(client):
    statuses = {client.get("/health").status_code for _ in range(30)}
    statuses |= {client.get("/people").status_code for _ in range(30)}
    assert statuses == {200}


def test_rate_limits_answer_429_problems_with_retry_after_and_ratelimit_headers(make_app):
    app = make_app(
        rate_limit_reads="3/minute",
        rate_limit_writes="1/minute",
    )
    client = app.test_client()
    reads = [client.get("/people") for _ in range(4)]
    assert [r.status_code for r in reads] == [200, 200, 200, 429]
    limited = reads[-1]
    assert limited.mimetype == "application/problem+json"
    assert int(limited.headers["Retry-After"]) > 0
    assert limited.headers["RateLimit-Limit"] == "3"
    assert limited.headers["RateLimit-Remaining"] == "0"
    assert "RateLimit-Reset" in limited.headers
    assert reads[0].headers["RateLimit-Remaining"] == "2"

    writes = [client.post("/extract", json={"text": "Chef Ana Lobo cooked in Lima."})]
    writes.append(client.post("/extract", json={"text": "Chef Ana Lobo cooked in Lima."}))
    assert [w.status_code for w in writes] == [200, 429]
    assert client.get("/health").status_code == 200  # probes are never limited
