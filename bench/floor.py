"""The floor under the API's Python per search: the fixed stack alone, beside the service.

Two gunicorn servers, one worker of 4 threads each (the project's settings, workers never
recycled), on the same corpus as bench/search.py:
  api:   the service (`gunicorn -c gunicorn.conf.py`), GET /articles?q=WORD&sort=-published_at
  floor: bench/floor_app.py, the same components with nothing of the service in them, sending
         the body the service builds for that search and answering the hits as they come.
Both get the same requests from one client on a keep-alive connection, in alternating rounds,
for a page of 20 and for a count (per_page=0; the node's answer is a few hundred bytes). Each
side's CPU per request is that of its gunicorn master and worker, as bench/search.py counts
the API's Python.

What it tells: how much of the API's CPU per search any service on flask, flask-smorest,
marshmallow, the official client and gunicorn pays on this machine, and how much is the
service's own (arguments, query building, hooks, response shaping).

Run: ES_URL=http://127.0.0.1:9250 .venv/bin/python bench/floor.py [--articles 50000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ES_URL, REPO_ROOT, Gunicorn, Http, print_machine, table  # noqa: E402
from corpus import SEED, ensure_corpus, prefix_for  # noqa: E402
from search import TARGET_PYTHON_MS, Terms, tree_cpu_seconds  # noqa: E402

ROUNDS = 3
FLOOR_CONFIG = """\
import os
wsgi_app = "floor_app:app"
pythonpath = "{repo},{bench}"
bind = f"127.0.0.1:{{os.environ['PORT']}}"
workers = 1
threads = 4
preload_app = True
accesslog = None
"""
KINDS = {"page of 20": {}, "count (per_page=0)": {"per_page": 0}}


def measure(server: Gunicorn, path: str, words: list[str], extra: dict[str, int]) -> float:
    """CPU ms of the server's master and worker per request, over one pass of `words`."""
    assert server.process is not None
    http = Http(server.url)
    queries = [urllib.parse.urlencode({"q": word, **extra}) for word in words]
    for query in queries[:50]:
        http.request("GET", f"{path}?{query}")
    before = tree_cpu_seconds(server.process.pid)
    for query in queries:
        status, _ = http.request("GET", f"{path}?{query}")
        if status != 200:
            raise RuntimeError(f"{server.url}{path}?{query}: {status}")
    used = tree_cpu_seconds(server.process.pid) - before
    http.close()
    return used * 1000 / len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=1500, help="per round, side and kind")
    args = parser.parse_args()
    print_machine()
    ensure_corpus(args.articles)
    env = {
        "ES_URL": ES_URL,
        "ES_INDEX_PREFIX": prefix_for(args.articles, SEED),
        "WEB_CONCURRENCY": "1",
        "MAX_REQUESTS": "0",
    }
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as config:
        config.write(FLOOR_CONFIG.format(repo=REPO_ROOT, bench=REPO_ROOT / "bench"))
    words = (Terms(args.articles, SEED).words * 4)[: args.requests]
    sides = {
        "api": (Gunicorn(env=env), "/articles", {"sort": "-published_at"}),
        "floor": (Gunicorn(env=env, config=config.name), "/search", {}),
    }
    figures: dict[tuple[str, str], list[float]] = {}
    try:
        for server, _, _ in sides.values():
            server.start()
        for round_ in range(ROUNDS):
            for kind, extra in KINDS.items():
                order = list(sides) if round_ % 2 == 0 else list(reversed(sides))
                for side in order:
                    server, path, fixed = sides[side]
                    cost = measure(server, path, words, {**fixed, **extra})
                    figures.setdefault((kind, side), []).append(cost)
    finally:
        for server, _, _ in sides.values():
            server.stop()
        Path(config.name).unlink()
    rows = []
    for kind in KINDS:
        api, floor = (statistics.median(figures[(kind, side)]) for side in ("api", "floor"))
        pairs = zip(figures[(kind, "api")], figures[(kind, "floor")], strict=True)
        runs = " / ".join(f"{api_ms:.2f}-{floor_ms:.2f}" for api_ms, floor_ms in pairs)
        rows.append([kind, f"{api:.2f}", f"{floor:.2f}", f"{api - floor:.2f}", runs])
    print(
        f"\nCPU ms per request, median of {ROUNDS} rounds of {len(words)} requests, 1 client, "
        f"{args.articles:,} articles on {ES_URL}:"
    )
    header = ["request", "api", "floor", "api - floor", "rounds (api-floor)"]
    print(table(rows, header))
    print(
        f"(the API's target is {TARGET_PYTHON_MS} ms per search of bench/search.py's mix; "
        "the floor is what the fixed components cost with no service in them)"
    )


if __name__ == "__main__":
    main()
