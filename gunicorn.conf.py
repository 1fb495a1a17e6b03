"""gunicorn settings; every value comes from api.config so there is one source of truth."""

import os
import tempfile

# Every worker writes its metrics to files here and /metrics adds them up (see api/web/metrics.py).
# prometheus_client reads this once, when it is first imported, and importing anything of the
# app (even api.config, through the api package) imports it: so this comes first.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="article-api-metrics-")

from api.config import load_settings  # noqa: E402 - must follow the line above

_settings = load_settings()

wsgi_app = "api.wsgi:app"
bind = f"{_settings.host}:{_settings.port}"
workers = _settings.workers
# One process per core for extraction (CPU-bound); a few threads each so that a worker waiting
# on Elasticsearch can serve another search meanwhile (measured: 43 -> 67 searches/s, 2 cores).
threads = 4
# Load the app, the model and the gazetteer once in the master; workers share them (api/wsgi.py).
preload_app = True
timeout = 120
# gunicorn answers a request line over its limit with an HTML page; the app's own limit
# (MAX_URL_BYTES, api/web/limits.py) answers 414 problem+json instead, so gunicorn's is off.
limit_request_line = 0
# What malloc_trim cannot give back (api/web/memory.py) is bounded by replacing each worker, after
# it finished its requests, by a fresh fork of the preloaded master (0: never).
max_requests = _settings.max_requests
max_requests_jitter = _settings.max_requests_jitter
graceful_timeout = 30
accesslog = None  # the app writes its own JSON access line per request
errorlog = "-"
loglevel = _settings.log_level.lower()


def post_fork(server, worker):
    # The master opened connections to Elasticsearch while loading the app; a worker that kept
    # them would share sockets with its siblings and read their answers.
    worker.app.wsgi().extensions["article_index"].reconnect()


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
