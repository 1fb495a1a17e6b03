"""Accessors for the objects that create_app wires onto the application."""

from __future__ import annotations

from flask import current_app

from api.config import Settings
from api.extraction import CoreNLPEngine
from api.ingest import Ingestor
from api.metrics import service_metrics
from api.search.index import ArticleIndex
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
    """One per app: it holds nothing that changes between requests."""
    found = current_app.extensions.get("searcher")
    if found is None:
        tag = settings().highlight_tag
        highlighting = Highlighting(pre_tag=f"<{tag}>", post_tag=f"</{tag}>")
        found = current_app.extensions["searcher"] = Searcher(article_index(), highlighting)
    return found
