"""The counters the services keep: articles ingested, extraction time, component failures.

Plain prometheus_client objects in the app's own registry; api/web/metrics.py serves them.
"""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Histogram


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


def build_service_metrics(registry: CollectorRegistry) -> ServiceMetrics:
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
