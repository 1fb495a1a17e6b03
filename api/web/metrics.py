"""Prometheus metrics at GET /metrics: requests by route and status with latency histograms
(prometheus-flask-exporter), plus articles ingested, extraction time and Elasticsearch errors.

Each app owns its registry, so several apps in one process (tests) never collide. Under
gunicorn with several workers, PROMETHEUS_MULTIPROC_DIR makes every worker write its samples
to shared files and /metrics adds them up. prometheus_client reads that variable once, when it
is first imported, so gunicorn.conf.py sets it before importing anything of the app.
"""

from __future__ import annotations

import os

from flask import Flask, Response, current_app
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from prometheus_flask_exporter import PrometheusMetrics

from api.services.metrics import ServiceMetrics, build_service_metrics

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"


def service_metrics() -> ServiceMetrics:
    metrics: ServiceMetrics = current_app.extensions["service_metrics"]
    return metrics


def init_app(app: Flask) -> None:
    registry = CollectorRegistry(auto_describe=True)
    PrometheusMetrics(
        app,
        registry=registry,
        path=None,
        group_by="url_rule",
        excluded_paths=["^/metrics$", "^/static/"],
    )
    app.extensions["service_metrics"] = build_service_metrics(registry)

    @app.get("/metrics")
    def metrics() -> Response:
        """Prometheus text exposition."""
        if os.environ.get(MULTIPROCESS_ENV):
            exposition = CollectorRegistry()
            multiprocess.MultiProcessCollector(exposition)  # type: ignore[no-untyped-call]
        else:
            exposition = registry
        # content_type, not mimetype: CONTENT_TYPE_LATEST names its charset already.
        return Response(generate_latest(exposition), content_type=CONTENT_TYPE_LATEST)
