"""Prometheus metrics at GET /metrics: requests by route and status with latency histograms
(prometheus-flask-exporter), plus articles ingested, extraction time and Elasticsearch errors.

Each app owns its registry, so several apps in one process (tests) never collide. Under
gunicorn with several workers, PROMETHEUS_MULTIPROC_DIR makes every worker write its samples
to shared files and /metrics adds them up. prometheus_client reads that variable once, when it
is first imported, so gunicorn.conf.py sets it before importing anything of the app.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from flask import Flask, Response, current_app
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_flask_exporter import PrometheusMetrics

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"


@dataclass(frozen=True)
class ServiceMetrics:
    registry: CollectorRegistry
    articles: Counter
    extraction_seconds: Histogram
    elasticsearch_errors: Counter
    component_errors: Counter

    def count_articles(self, outcome: str, number: int = 1) -> None:
        if number:
            self.articles.labels(outcome=outcome).inc(number)

    def count_component_error(self, component: str, kind: str) -> None:
        """A part of the service (extraction, an NER server, ...) failed on one request."""
        self.component_errors.labels(component=component, kind=kind).inc()


def _build(registry: CollectorRegistry) -> ServiceMetrics:
    return ServiceMetrics(
        registry=registry,
        articles=Counter(
            "articles_ingested_total",
            "Articles received for storage, by outcome (created, updated, failed)",
            ["outcome"],
            registry=registry,
        ),
        extraction_seconds=Histogram(
            "extraction_seconds",
            "Time spent extracting metadata, per call (one article or one batch)",
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=registry,
        ),
        elasticsearch_errors=Counter(
            "elasticsearch_errors_total",
            "Requests that failed in Elasticsearch, by kind (unavailable, conflict, ...)",
            ["kind"],
            registry=registry,
        ),
        component_errors=Counter(
            "component_errors_total",
            "Failures of a component other than Elasticsearch, by component and kind",
            ["component", "kind"],
            registry=registry,
        ),
    )


def service_metrics() -> ServiceMetrics:
    return current_app.extensions["service_metrics"]


def init_app(app: Flask) -> None:
    registry = CollectorRegistry(auto_describe=True)
    PrometheusMetrics(
        app,
        registry=registry,
        path=None,
        group_by="url_rule",
        excluded_paths=["^/metrics$", "^/static/"],
    )
    app.extensions["service_metrics"] = _build(registry)

    @app.get("/metrics")
    def metrics() -> Response:
        """Prometheus text exposition."""
        if os.environ.get(MULTIPROCESS_ENV):
            exposition = CollectorRegistry()
            multiprocess.MultiProcessCollector(exposition)
        else:
            exposition = registry
        # content_type, not mimetype: CONTENT_TYPE_LATEST names its charset already.
        return Response(generate_latest(exposition), content_type=CONTENT_TYPE_LATEST)
