"""Accessors for the objects that create_app wires onto the application."""

from __future__ import annotations

from flask import current_app

from api.broker import JobBroker
from api.config import Settings
from api.extraction import CoreNLPEngine
from api.services.articles import ArticleService
from api.services.insights import InsightService
from api.services.jobs import JobService
from api.services.search import SearchService
from api.services.stories import StoryKeeper
from api.store.index import ArticleIndex
from api.store.jobs import JobStore
from api.store.queries import Highlighting
from api.web.metrics import service_metrics


def settings() -> Settings:
    configured: Settings = current_app.config["SETTINGS"]
    return configured


def article_index() -> ArticleIndex:
    index: ArticleIndex = current_app.extensions["article_index"]
    return index


def ner_engine() -> CoreNLPEngine:
    engine: CoreNLPEngine = current_app.extensions["ner_engine"]
    return engine


def story_keeper() -> StoryKeeper:
    """One per app: it remembers whether its last batch had the index to itself."""
    found = current_app.extensions.get("story_keeper")
    if found is None:
        found = StoryKeeper(article_index(), settings().story_similarity)
        current_app.extensions["story_keeper"] = found
    return found


def article_service(stories: bool = True) -> ArticleService:
    """The write path; `stories=False` only for the benchmark's baseline."""
    limits = {"text": settings().max_text_bytes, "html": settings().max_html_bytes}
    keeper = story_keeper() if stories else None
    return ArticleService(article_index(), ner_engine(), limits, service_metrics(), keeper)


def search_service() -> SearchService:
    """One per app: it holds nothing that changes between requests."""
    found = current_app.extensions.get("search_service")
    if found is None:
        tag = settings().highlight_tag
        highlighting = Highlighting(pre_tag=f"<{tag}>", post_tag=f"</{tag}>")
        found = current_app.extensions["search_service"] = SearchService(
            article_index(), highlighting
        )
    return found


def insight_service() -> InsightService:
    """Trends and related articles (issue #26)."""
    return InsightService(article_index(), search_service().with_story_sizes)


def job_broker() -> JobBroker:
    broker: JobBroker = current_app.extensions["job_broker"]
    return broker


def job_service() -> JobService:
    store = JobStore(article_index().client, settings())
    return JobService(store, job_broker(), article_service(), settings())
