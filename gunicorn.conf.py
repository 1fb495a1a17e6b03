"""gunicorn settings; every value comes from api.config so there is one source of truth."""

import os
import tempfile

from api.config import load_settings

_settings = load_settings()

wsgi_app = "api.wsgi:app"
bind = f"{_settings.host}:{_settings.port}"
workers = _settings.workers
# Extraction is CPU-bound: one thread per worker process, as many processes as cores.
threads = 1
# Load the app (and, through it, nothing heavy yet) once in the master; workers fork from it.
preload_app = True
timeout = 120
graceful_timeout = 30
accesslog = None  # the app writes its own JSON access line per request
errorlog = "-"
loglevel = _settings.log_level.lower()

# Every worker writes its metrics to files here and /metrics adds them up (see api/metrics.py).
# It must be set before prometheus_client is imported, which happens when the app is loaded.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="article-api-metrics-")


def child_exit(server, worker):  # noqa: ANN001 - gunicorn's hook signature
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
