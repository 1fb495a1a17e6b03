"""Accessors for the objects that create_app wires onto the application."""

from __future__ import annotations

from flask import current_app

from api.broker import JobBroker
from api.config import Settings
from api.extraction import CoreNLPEngine
from api.ingest import Ingestor
from api.jobs import JobService
from api.metrics import service_metrics
from api.search.index import ArticleIndex
from api.search.jobs import JobStore
from api.search.queries import Highlighting
from api.searching import Searcher


def settings() -> Settings:
    return current_app.config["SETTINGS"]


def article_index() -> ArticleIndex:
    return current_app.extensions["article_index"]


def ner_engine() -> CoreNLPEngine:
    return current_app.extensions["ner_engine"]


def ingestor() -> Ingestor:
    limits = {"text": settings().max_text_bytes, "html": settings().max_html_bytes}
    return Ingestor(article_index(), ner_engine(), limits, service_metrics())


def searcher() -> Searcher:
    tag = settings().highlight_tag
    return Searcher(article_index(), Highlighting(pre_tag=f"<{tag}>", post_tag=f"</{tag}>"))


def job_broker() -> JobBroker:
    return current_app.extensions["job_broker"]


def jobs() -> JobService:
    store = JobStore(article_index().client, settings())
    return JobService(store, job_broker(), ingestor(), settings())
