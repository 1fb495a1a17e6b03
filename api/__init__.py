"""Article metadata API: the application factory.

`create_app` wires everything in one readable order: settings, logging, the Elasticsearch
index, the OpenAPI-aware Api, blueprints, then the one error handler. Importing this package
connects to nothing and loads no model.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from flask_cors import CORS
from flask_smorest import Api
from werkzeug.routing import BaseConverter

from api import cli, textanalysis
from api.broker import JobBroker, make_celery
from api.config import Settings, load_settings
from api.extraction.corenlp import engine_for
from api.store import BACKEND_ERRORS, make_client
from api.store.index import ArticleIndex
from api.store.languages import LEMMATIZED_LANGUAGES
from api.web import auth, caching, limits, memory, metrics, observability, problems
from api.web.jsonio import OrjsonProvider
from api.web.problems import ProblemApi

log = logging.getLogger(__name__)


class ArticleIdConverter(BaseConverter):
    """Article ids are 32 hex digits; anything else (`batch`, `_search`, `../x`) is no article."""

    regex = "[0-9a-f]{32}"

    @staticmethod
    def openapi(converter: BaseConverter) -> dict[str, str]:
        return {"type": "string", "pattern": "^[0-9a-f]{32}$"}


def create_app(settings: Settings | None = None, **overrides: Any) -> Flask:
    """Build the app from environment settings; keyword overrides win (tests use them)."""
    settings = settings or load_settings(**overrides)
    app = Flask(__name__)
    app.json = OrjsonProvider(app)
    app.config.update(
        SETTINGS=settings,
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        API_TITLE="Article metadata API",
        API_VERSION="1.0.0",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        # Swagger UI is vendored under static/ so the docs work without any CDN.
        OPENAPI_SWAGGER_UI_PATH="/docs",
        OPENAPI_SWAGGER_UI_URL="/static/vendor/swagger-ui/",
        API_SPEC_OPTIONS={
            "info": {
                "description": (
                    "Accepts news articles, extracts authors, outlet, people, regions and "
                    "organisations, indexes them in Elasticsearch and serves search."
                )
            }
        },
    )
    observability.init_app(app, settings)
    metrics.init_app(app)
    limits.init_app(app)
    auth.init_app(app)
    caching.init_app(app)
    memory.init_app(app)
    CORS(
        app,
        origins=list(settings.cors_origins),
        allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
        expose_headers=["Location", "ETag", "Retry-After", "X-Request-ID"],
    )

    textanalysis.preload(LEMMATIZED_LANGUAGES)
    index = ArticleIndex(make_client(settings), settings)
    app.extensions["article_index"] = index
    app.extensions["ner_engine"] = engine_for(settings)
    app.extensions["job_broker"] = JobBroker(settings, make_celery(settings))
    _ensure_index(index)

    app.url_map.converters["article_id"] = ArticleIdConverter
    api = ProblemApi(app)
    api.register_converter(ArticleIdConverter, ArticleIdConverter.openapi)
    from api.views import articles, entities, extract, health, insights, jobs, stories, ui

    resources = [articles.blp, stories.blp, jobs.blp, extract.blp, entities.blp, insights.blp]
    limits.init_rate_limits(app, settings, resources)
    for blueprint in [health.blp, *resources]:
        api.register_blueprint(blueprint)
    document_cross_field_rules(api)
    app.register_blueprint(ui.blp)  # the search page: a plain blueprint, kept out of the spec

    problems.register_error_handlers(app)
    cli.init_app(app)
    return app


def document_cross_field_rules(api: Api) -> None:
    """State in the OpenAPI document the rules marshmallow checks across fields."""
    api.spec.components.schemas["ArticleIn"]["anyOf"] = [
        {"required": ["text"]},
        {"required": ["html"]},
    ]


def _ensure_index(index: ArticleIndex) -> None:
    """Create the index at start-up when the node answers; /ready and writes retry later.
    A node that answers but lacks the index's analysis stops the start (MissingAnalysis)."""
    try:
        index.check_analysis()
        index.ensure()
    except BACKEND_ERRORS as error:
        log.warning("could not ensure the articles index at start-up: %s", type(error).__name__)
