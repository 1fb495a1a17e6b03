"""Every setting of the service, read once from environment variables.

| variable               | default               | meaning                                       |
|------------------------|-----------------------|-----------------------------------------------|
| ES_URL                 | http://127.0.0.1:9200 | Elasticsearch nodes, comma-separated          |
| ES_API_KEY             | (none)                | API key for a secured cluster                 |
| ES_TIMEOUT             | 10                    | seconds before an Elasticsearch call gives up |
| ES_INDEX_PREFIX        | (empty)               | prefix of every index and alias name          |
| ES_SHARDS              | 1                     | primary shards of a new articles index        |
| ES_REPLICAS            | 0                     | replicas of a new articles index              |
| ES_REFRESH_INTERVAL    | 1s                    | refresh interval of the articles index        |
| NER_URL                | http://127.0.0.1:9000 | the Stanford CoreNLP server                   |
| NER_TIMEOUT            | 30                    | seconds before one NER request gives up       |
| NER_CONCURRENCY        | 2                     | NER requests in flight at once per worker     |
| NER_MAX_CHARS          | 50000                 | characters packed into one NER request        |
| API_KEYS               | (none)                | bearer keys for writes, comma-separated       |
| MAX_TEXT_BYTES         | 1000000               | largest plain article text accepted           |
| MAX_HTML_BYTES         | 10000000              | largest HTML page accepted (UTF-8 bytes)      |
| MAX_BODY_BYTES         | 2 × largest + 1 MB    | largest body of a single-article request      |
| MAX_URL_BYTES          | 32768                 | longest request target (path and query)       |
| BATCH_MAX_ITEMS        | 500                   | most articles in one batch                    |
| BATCH_MAX_BYTES        | 50 MB, or the body    | largest batch request body                    |
| BROKER_URL             | redis://127.0.0.1:6379/0 | the Redis that brokers ingest jobs         |
| BROKER_VISIBILITY_TIMEOUT | 300                | seconds until a dead worker's chunk is redone |
| JOB_MAX_ITEMS          | 100000                | most articles in one job                      |
| JOB_MAX_BYTES          | 1000000000            | largest job request body                      |
| JOB_CHUNK_SIZE         | 50                    | articles per task a worker takes at a time    |
| JOB_RETRIES            | 5                     | retries of a chunk while ES or NER is down    |
| JOB_RETRY_BACKOFF      | 2                     | seconds before the first retry; doubles after |
| JOB_SWEEP_INTERVAL     | 10                    | seconds between sweeps for lost chunk tasks   |
| WORKER_CONCURRENCY     | 1                     | processes of one `make worker` (one per core) |
| CORS_ORIGINS           | *                     | comma-separated origins allowed by CORS       |
| RATE_LIMIT_WRITES      | (none)                | e.g. 60/minute on writes; off when empty      |
| RATE_LIMIT_READS       | (none)                | e.g. 600/minute on reads; off when empty      |
| RATE_LIMIT_STORAGE_URI | memory://             | rate-limit counters (redis://...)             |
| HIGHLIGHT_TAG          | mark                  | HTML tag around highlighted matches           |
| STORY_SIMILARITY       | 0.47                  | shingle similarity that makes one story       |
| LOG_LEVEL              | INFO                  | level of the JSON logs                        |
| HOST / PORT            | 127.0.0.1 / 8000      | where gunicorn binds                          |
| WEB_CONCURRENCY        | number of cores       | gunicorn worker processes                     |
| MAX_REQUESTS           | 2000                  | a worker is replaced after this many requests |
| MAX_REQUESTS_JITTER    | 200                   | random extra requests, so workers part ways   |

Real article pages weigh up to a few MB (inline scripts and JSON), so HTML has its own limit.
The body limits follow from the content limits unless set: JSON escaping of quotes, backslashes
and newlines can nearly double a page, so a body may hold twice the largest field plus 1 MB for
the other fields; a batch may always hold at least one such body.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

BODY_OVERHEAD_BYTES = 1_000_000
BATCH_BYTES = 50_000_000


def _as_list(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class Settings:
    es_url: str = "http://127.0.0.1:9200"
    es_api_key: str | None = None
    es_timeout: float = 10.0
    es_index_prefix: str = ""
    es_shards: int = 1
    es_replicas: int = 0
    es_refresh_interval: str = "1s"
    ner_url: str = "http://127.0.0.1:9000"
    ner_timeout: float = 30.0
    ner_concurrency: int = 2
    ner_max_chars: int = 50_000
    api_keys: tuple[str, ...] = ()
    max_text_bytes: int = 1_000_000
    max_html_bytes: int = 10_000_000
    max_body_bytes: int = 0  # 0: derived from the content limits (see the module docstring)
    max_url_bytes: int = 32_768
    batch_max_items: int = 500
    batch_max_bytes: int = 0  # 0: derived
    broker_url: str = "redis://127.0.0.1:6379/0"
    broker_visibility_timeout: float = 300.0
    job_max_items: int = 100_000
    job_max_bytes: int = 1_000_000_000
    job_chunk_size: int = 50
    job_retries: int = 5
    job_retry_backoff: float = 2.0
    job_sweep_interval: float = 10.0
    worker_concurrency: int = 1
    cors_origins: tuple[str, ...] = ("*",)
    rate_limit_writes: str | None = None
    rate_limit_reads: str | None = None
    rate_limit_storage_uri: str = "memory://"
    highlight_tag: str = "mark"
    story_similarity: float = 0.47
    log_level: str = "INFO"
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    max_requests: int = 2000
    max_requests_jitter: int = 200

    def __post_init__(self) -> None:
        if not self.max_body_bytes:
            largest = max(self.max_text_bytes, self.max_html_bytes)
            object.__setattr__(self, "max_body_bytes", 2 * largest + BODY_OVERHEAD_BYTES)
        if not self.batch_max_bytes:
            object.__setattr__(self, "batch_max_bytes", max(BATCH_BYTES, self.max_body_bytes))

    @property
    def es_hosts(self) -> list[str]:
        return list(_as_list(self.es_url))


# Environment variable -> (settings field, coercion).
_ENVIRONMENT: dict[str, tuple[str, Any]] = {
    "ES_URL": ("es_url", str),
    "ES_API_KEY": ("es_api_key", str),
    "ES_TIMEOUT": ("es_timeout", float),
    "ES_INDEX_PREFIX": ("es_index_prefix", str),
    "ES_SHARDS": ("es_shards", int),
    "ES_REPLICAS": ("es_replicas", int),
    "ES_REFRESH_INTERVAL": ("es_refresh_interval", str),
    "STORY_SIMILARITY": ("story_similarity", float),
    "NER_URL": ("ner_url", str),
    "NER_TIMEOUT": ("ner_timeout", float),
    "NER_CONCURRENCY": ("ner_concurrency", int),
    "NER_MAX_CHARS": ("ner_max_chars", int),
    "API_KEYS": ("api_keys", _as_list),
    "MAX_TEXT_BYTES": ("max_text_bytes", int),
    "MAX_HTML_BYTES": ("max_html_bytes", int),
    "MAX_BODY_BYTES": ("max_body_bytes", int),
    "MAX_URL_BYTES": ("max_url_bytes", int),
    "BATCH_MAX_ITEMS": ("batch_max_items", int),
    "BATCH_MAX_BYTES": ("batch_max_bytes", int),
    "BROKER_URL": ("broker_url", str),
    "BROKER_VISIBILITY_TIMEOUT": ("broker_visibility_timeout", float),
    "JOB_MAX_ITEMS": ("job_max_items", int),
    "JOB_MAX_BYTES": ("job_max_bytes", int),
    "JOB_CHUNK_SIZE": ("job_chunk_size", int),
    "JOB_RETRIES": ("job_retries", int),
    "JOB_RETRY_BACKOFF": ("job_retry_backoff", float),
    "JOB_SWEEP_INTERVAL": ("job_sweep_interval", float),
    "WORKER_CONCURRENCY": ("worker_concurrency", int),
    "CORS_ORIGINS": ("cors_origins", _as_list),
    "RATE_LIMIT_WRITES": ("rate_limit_writes", str),
    "RATE_LIMIT_READS": ("rate_limit_reads", str),
    "RATE_LIMIT_STORAGE_URI": ("rate_limit_storage_uri", str),
    "HIGHLIGHT_TAG": ("highlight_tag", str),
    "LOG_LEVEL": ("log_level", str.upper),
    "HOST": ("host", str),
    "PORT": ("port", int),
    "WEB_CONCURRENCY": ("workers", int),
    "MAX_REQUESTS": ("max_requests", int),
    "MAX_REQUESTS_JITTER": ("max_requests_jitter", int),
}


def load_settings(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Build settings from the environment; keyword overrides (used by tests) win."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for variable, (name, coerce) in _ENVIRONMENT.items():
        raw = environ.get(variable, "").strip()
        if raw:
            try:
                values[name] = coerce(raw)
            except ValueError as error:
                raise ValueError(f"{variable}={raw!r} is not valid: {error}") from None
    known = {f.name for f in fields(Settings)}
    unknown = set(overrides) - known
    if unknown:
        raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
    # One construction, so that derived limits follow overridden content limits too.
    return Settings(**{**values, **overrides})
