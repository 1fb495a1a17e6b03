"""Search speed, side by side: GET through gunicorn against the same queries sent to the node.

1. Corpus: bench/corpus.py's articles (real extracted articles recombined; see its docstring),
   --articles of them (50,000 or 1,000,000), loaded through `flask --app api import` into
   ES_URL and reused when an index of that size and seed is there already. Use a node of your
   own for a million (e.g. `ES_PORT=9250 ES_STATE_DIR=/var/lib/article-api-es-bench ES_HEAP=4g
   ES_URL= scripts/elasticsearch start`, then ES_URL=http://127.0.0.1:9250).
2. Load, from a second process with 1, 4 and 16 client threads (--clients) on keep-alive
   connections, --duration seconds each after --warmup, of one query mix drawn from the
   corpus's own people, countries, authors and title words: full text; person; region (a
   country code, which matches its regions and cities); author; facets on people, regions and
   outlets; a date histogram (facets=published_at, per_page=0); highlights; and a cursor walk
   of 10,000 results (100 pages of 100, following next_cursor; every page is one request);
   and (issue #26) trends, GET /trends over an explicit 7-day window inside the corpus's dates
   (people, regions or organisations; half of them with a region or text filter), and related
   articles, GET /articles/{id}/related of an article of the corpus. Their p50 and p99 are
   printed beside a plain search's (the `text` kind) of the same run.
     api:    the GET requests to gunicorn (`gunicorn -c gunicorn.conf.py`, default workers);
     direct: the same Elasticsearch requests, built by api.services.search.SearchService
             and api.store.queries exactly as the service builds them (same code, with an index
             object that posts the bodies to ES_URL itself), point-in-time calls included.
   Prints p50/p99 latency and throughput for both sides, per query kind and API/direct; the
   CPU per request of the node, gunicorn (master and workers: the API's Python) and the load
   generator; and what the node was asked per request (query and fetch phases, point-in-times).

Run:   ES_URL=http://127.0.0.1:9250 .venv/bin/python bench/search.py --articles 1000000
       .venv/bin/python bench/search.py --articles 50000 --quick   (5 s per side and level)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    CONFIG_VARIANTS,
    ES_URL,
    Gunicorn,
    Http,
    children,
    cpu_seconds,
    es,
    gunicorn_config,
    local_es_pid,
    percentile,
    print_machine,
    ratio,
    table,
    verdict,
)
from corpus import SEED, corpus_files, ensure_corpus, prefix_for  # noqa: E402

TARGET_P50 = 1.25  # at 1,000,000 articles and 1 client
TARGET_P99 = 1.3
TARGET_THROUGHPUT = 0.8  # at 16 clients
TARGET_PYTHON_MS = 2.0  # API Python CPU per request at 50,000 articles
KINDS = (
    "text",
    "person",
    "region",
    "author",
    "facets",
    "histogram",
    "highlight",
    "cursor",
    "trends",
    "related",
)
# Per operation; a cursor walk is 100 requests, so about a sixth of all requests are its pages.
WEIGHTS = (15, 15, 15, 10, 15, 10, 15, 0.25, 10, 10)
TARGET_TRENDS = 4.0  # trends p50 / plain search p50, at 200,000 articles
TREND_KINDS = ("people", "people", "regions", "organizations")
WALK_RESULTS = 10_000
WALK_PAGE = 100
SAMPLE_RECORDS = 20_000
SERVICE = "gunicorn"  # the CPU group of the service: its master and all its workers


# --- the query mix ----------------------------------------------------------------------------


class Terms:
    """What the corpus talks about, counted over its first records (the same for every size)."""

    def __init__(self, articles: int, seed: int) -> None:
        people: Counter[str] = Counter()
        countries: Counter[str] = Counter()
        authors: Counter[str] = Counter()
        words: Counter[str] = Counter()
        ids: list[str] = []
        days: set[str] = set()
        path = corpus_files(articles, seed, jobs=2)[0]
        with path.open("rb") as handle:
            for _, line in zip(range(SAMPLE_RECORDS), handle, strict=False):
                record = json.loads(line)
                ids.append(record["id"])
                if record.get("published_at"):
                    days.add(record["published_at"][:10])
                people.update(p["name"] for p in record["people"])
                countries.update(r["code"] for r in record["regions"] if r.get("type") == "country")
                authors.update(a["name"] for a in record["authors"])
                words.update(
                    w.lower() for w in (record["title"] or "").split() if w.isalpha() and len(w) > 3
                )
        self.people = people.most_common(3000)
        self.countries = countries.most_common(60)
        self.authors = authors.most_common(500)
        # Mid-frequency title words: common enough to match, rare enough to be selective.
        self.words = [w for w, _ in words.most_common(2000)[30:]]
        self.common_words = [w for w, _ in words.most_common(30)]
        self.ids = ids[:2000]
        # Trend windows start on a day of the corpus, a week before its last day at the latest.
        self.days = sorted(days)[:-7] or sorted(days)

    @staticmethod
    def draw(rng: random.Random, counted: list[tuple[str, int]]) -> str:
        return rng.choices([v for v, _ in counted], weights=[c for _, c in counted])[0]


class QueryMix:
    """Deterministic operations: (kind, GET /articles parameters)."""

    def __init__(self, terms: Terms, seed: int) -> None:
        self.terms = terms
        self.rng = random.Random(seed)

    def next(self) -> tuple[str, dict[str, Any]]:
        rng, terms = self.rng, self.terms
        kind = rng.choices(KINDS, weights=WEIGHTS)[0]
        if kind == "text":
            return kind, {"q": " ".join(rng.sample(terms.words, rng.choice((1, 1, 2))))}
        if kind == "person":
            person = terms.draw(rng, terms.people)
            return kind, {"person": [person if rng.random() < 0.5 else person.split()[-1]]}
        if kind == "region":
            return kind, {"region": [terms.draw(rng, terms.countries)]}
        if kind == "author":
            return kind, {"author": terms.draw(rng, terms.authors)}
        if kind == "facets":
            args: dict[str, Any] = {"facets": "people,regions,outlets", "per_page": 10}
            if rng.random() < 0.5:
                args["region"] = [terms.draw(rng, terms.countries)]
            else:
                args["q"] = rng.choice(terms.words)
            return kind, args
        if kind == "histogram":
            return kind, {
                "facets": "published_at",
                "per_page": 0,
                "region": [terms.draw(rng, terms.countries)],
            }
        if kind == "highlight":
            return kind, {"q": rng.choice(terms.words), "highlight": "true"}
        if kind == "trends":
            start = dt.date.fromisoformat(rng.choice(terms.days))
            trend: dict[str, Any] = {
                "kind": rng.choice(TREND_KINDS),
                "from": start.isoformat(),
                "to": (start + dt.timedelta(days=6)).isoformat(),
            }
            if rng.random() < 0.25:
                trend["region"] = [terms.draw(rng, terms.countries)]
            elif rng.random() < 0.33:
                trend["q"] = rng.choice(terms.words)
            return kind, trend
        if kind == "related":
            return kind, {"id": rng.choice(terms.ids), "size": 10}
        # A walk sorted by relevance (over a point-in-time) or by date (no point-in-time).
        if rng.random() < 0.5:
            return kind, {"q": rng.choice(terms.common_words), "per_page": WALK_PAGE}
        return kind, {"per_page": WALK_PAGE}


class DirectIndex:
    """ArticleIndex's search surface, posting the service's bodies straight to the node."""

    def __init__(self, alias: str) -> None:
        self.alias = alias
        self.http = Http(ES_URL)

    def _post(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        status, data = self.http.json(method, path, body)
        if status != 200:
            raise RuntimeError(f"{method} {path}: {status}")
        return data

    def search(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._post("POST", "/_search" if "pit" in body else f"/{self.alias}/_search", body)

    def open_point_in_time(self, keep_alive: str) -> str:
        return self._post("POST", f"/{self.alias}/_pit?keep_alive={keep_alive}")["id"]

    def close_point_in_time(self, pit_id: str) -> None:
        self._post("DELETE", "/_pit", {"id": pit_id})

    def get(self, article_id: str) -> Any:
        """The stored article, as ArticleIndex.get gives it (what related articles read)."""
        from api.store.index import strip_internal

        status, data = self.http.json("GET", f"/{self.alias}/_doc/{article_id}")
        if status != 200:
            return None
        return argparse.Namespace(article=strip_internal(data["_source"]))

    def story_members(self, story_ids: list[str], size: int) -> tuple[int, list[dict[str, Any]]]:
        from api.store.index import ArticleIndex

        return ArticleIndex.story_members(self, story_ids, size)  # type: ignore[arg-type]

    def story_sizes(self, story_ids: list[str], article_ids: list[str]) -> dict[str, Any]:
        """The service's story-size lookup (one aggregation when the hits have stories), sent
        through this object's search: the same request as the API's."""
        from api.store.index import ArticleIndex

        return ArticleIndex.story_sizes(self, story_ids, article_ids)  # type: ignore[arg-type]


class ApiRunner:
    def __init__(self, url: str) -> None:
        self.http = Http(url)

    def run(self, kind: str, args: dict[str, Any]) -> tuple[int, Any]:
        if kind == "related":
            path = f"/articles/{args['id']}/related?size={args['size']}"
        else:
            route = "/trends" if kind == "trends" else "/articles"
            path = f"{route}?{urllib.parse.urlencode(args, doseq=True)}"
        status, data = self.http.request("GET", path)
        return status, json.loads(data) if status == 200 else None


class DirectRunner:
    def __init__(self, alias: str) -> None:
        from api.extraction.gazetteer import region_records
        from api.services.insights import InsightService
        from api.services.search import SearchService
        from api.store.languages import LEMMATIZED_LANGUAGES
        from api.store.queries import Highlighting
        from api.textanalysis import preload
        from schemas.insights import RelatedQueryArgsSchema, TrendsQueryArgsSchema
        from schemas.search import ArticleQueryArgsSchema

        highlighting = Highlighting("<mark>", "</mark>")
        index = DirectIndex(alias)
        self.search_service = SearchService(index, highlighting)  # type: ignore[arg-type]
        self.insights = InsightService(index, self.search_service.with_story_sizes)  # type: ignore[arg-type]
        self.schema = ArticleQueryArgsSchema()
        self.trends_schema = TrendsQueryArgsSchema()
        self.related_schema = RelatedQueryArgsSchema()
        # The gazetteer and the lemmatizer's dictionaries load on first use: here, not in the
        # measured window (the service loads them before forking its workers).
        region_records("Ukraine")
        preload(LEMMATIZED_LANGUAGES)

    def run(self, kind: str, args: dict[str, Any]) -> tuple[int, Any]:
        if kind == "trends":
            trend = self.trends_schema.load(args)
            return 200, self.insights.trends(trend["kind"], trend)
        if kind == "related":
            size = self.related_schema.load({"size": args["size"]})["size"]
            return 200, self.insights.related(args["id"], size)
        loaded = self.schema.load(args)
        return 200, self.search_service.search(loaded)


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of a process, of its children that have exited (gunicorn replaces workers
    after MAX_REQUESTS) and of its live children: nothing a recycled worker used is lost."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    own_and_reaped = sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    return own_and_reaped + sum(cpu_seconds(child) for child in children(pid))


def cpu_use(watch: dict[str, list[int]]) -> dict[str, float]:
    """CPU seconds used so far by each watched group of processes, and by this load process.
    The gunicorn group is its master: the master and every worker, replaced ones included."""
    used = {
        name: sum(tree_cpu_seconds(pid) if name == SERVICE else cpu_seconds(pid) for pid in pids)
        for name, pids in watch.items()
    }
    used["load generator"] = time.process_time()
    return used


def search_stats() -> dict[str, float]:
    """The node's search counters: query and fetch phases, their time, point-in-times."""
    _, body = es("GET", "/_nodes/_local/stats/indices/search")
    stats = next(iter(body["nodes"].values()))["indices"]["search"]
    names = ("query_total", "query_time_in_millis", "fetch_total", "fetch_time_in_millis")
    return {name: stats.get(name, 0) for name in (*names, "point_in_time_total")}


def client_main(
    mode: str,
    target: str,
    clients: int,
    duration: float,
    warmup: float,
    watch: dict[str, list[int]],
    articles: int,
) -> None:
    """The load process: `clients` threads, each its own connection, for `duration` seconds.

    It also reads the CPU time of the `watch`ed processes (the node, the gunicorn workers) and
    its own at the start and end of the measured window, so that the report can say where
    each request's CPU went.
    """
    terms = Terms(articles, SEED)
    samples: list[tuple[str, float, bool]] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    t_start = time.monotonic() + warmup
    t_end = t_start + duration
    warm_errors = [0]

    def worker(number: int) -> None:
        runner = ApiRunner(target) if mode == "api" else DirectRunner(target)
        mix = QueryMix(terms, seed=1000 + number)
        while time.monotonic() < t_end:
            kind, args = mix.next()
            pages = WALK_RESULTS // WALK_PAGE if kind == "cursor" else 1
            for _ in range(pages):
                sent = time.perf_counter()
                sent_at = time.monotonic()
                try:
                    status, data = runner.run(kind, args)
                    ok = status == 200
                    reason = str(status)
                except Exception as error:  # noqa: BLE001
                    ok, data, reason = False, None, type(error).__name__
                elapsed = time.perf_counter() - sent
                now = time.monotonic()
                if now > t_end:
                    break
                with lock:
                    if sent_at >= t_start:  # requests sent during the warm-up are not counted
                        samples.append((kind, elapsed, ok))
                        if not ok:
                            errors[f"{kind}:{reason}"] = errors.get(f"{kind}:{reason}", 0) + 1
                    elif not ok:
                        warm_errors[0] += 1
                if not ok or kind != "cursor" or not data or not data.get("next_cursor"):
                    break
                args = {"cursor": data["next_cursor"], "per_page": args.get("per_page", 20)}

    cpu: dict[str, dict[str, float]] = {}
    node: dict[str, dict[str, float]] = {}

    def measure_cpu() -> None:
        time.sleep(max(0.0, t_start - time.monotonic()))
        cpu["start"] = cpu_use(watch)
        node["start"] = search_stats()
        time.sleep(max(0.0, t_end - time.monotonic()))
        cpu["end"] = cpu_use(watch)
        node["end"] = search_stats()

    if mode == "direct":  # build the gazetteer once, not in every client thread at once
        from api.extraction.gazetteer import gazetteer

        gazetteer()
    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(clients)]
    threads.append(threading.Thread(target=measure_cpu, daemon=True))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=warmup + duration + 120)
    json.dump(
        {
            "samples": samples,
            "errors": errors,
            "warmup_errors": warm_errors[0],
            "duration": duration,
            "alive_threads": sum(t.is_alive() for t in threads),
            "cpu_seconds": {
                name: cpu["end"][name] - cpu["start"][name] for name in cpu.get("end", {})
            },
            "node": {name: node["end"][name] - node["start"][name] for name in node.get("end", {})},
        },
        sys.stdout,
    )


def run_load(
    mode: str, target: str, args: argparse.Namespace, clients: int, watch: dict[str, list[int]]
) -> dict[str, Any]:
    command = [
        sys.executable,
        __file__,
        "--client",
        mode,
        "--target",
        target,
        "--clients",
        str(clients),
        "--articles",
        str(args.articles),
        "--duration",
        str(args.duration),
        "--warmup",
        str(args.warmup),
        *(f"--watch={name}={','.join(map(str, pids))}" for name, pids in watch.items()),
    ]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=args.warmup + args.duration + 300,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"load process failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def summarise(result: dict[str, Any]) -> dict[str, Any]:
    by_kind: dict[str, list[float]] = {}
    for kind, elapsed, _ok in result["samples"]:
        by_kind.setdefault(kind, []).append(elapsed * 1000)
        by_kind.setdefault("all", []).append(elapsed * 1000)
    errors = sum(1 for *_, ok in result["samples"] if not ok)
    requests = max(1, len(result["samples"]))
    return {
        "cpu_ms_per_request": {
            name: seconds * 1000 / requests for name, seconds in result["cpu_seconds"].items()
        },
        "node_per_request": {name: value / requests for name, value in result["node"].items()},
        "errors": errors,
        "error_kinds": result["errors"],
        "warmup_errors": result["warmup_errors"],
        "throughput": len(result["samples"]) / result["duration"],
        "kinds": {
            kind: {
                "n": len(values),
                "p50": percentile(values, 0.50),
                "p95": percentile(values, 0.95),
                "p99": percentile(values, 0.99),
            }
            for kind, values in by_kind.items()
        },
    }


def print_side_by_side(api: dict[str, Any], direct: dict[str, Any]) -> None:
    rows = []
    for kind in ("all", *KINDS):
        a, d = api["kinds"].get(kind), direct["kinds"].get(kind)
        if not a or not d:
            continue
        rows.append(
            [
                kind,
                a["n"],
                d["n"],
                f"{a['p50']:.1f}",
                f"{d['p50']:.1f}",
                f"{ratio(a['p50'], d['p50']):.2f}",
                f"{a['p99']:.1f}",
                f"{d['p99']:.1f}",
                f"{ratio(a['p99'], d['p99']):.2f}",
            ]
        )
    header = ["kind", "n api", "n direct", "p50 api ms", "p50 direct", "ratio"]
    print(table(rows, [*header, "p99 api", "p99 direct", "ratio"]))


def print_cpu_split(api: dict[str, Any], direct: dict[str, Any]) -> None:
    """Where each request's CPU went, and what the node was asked to do for it."""
    groups = ["elasticsearch", SERVICE, "load generator"]
    node = ["query_total", "fetch_total", "point_in_time_total", "query_time_in_millis"]
    rows = []
    for name, result in (("api", api), ("direct", direct)):
        split, asked = result["cpu_ms_per_request"], result["node_per_request"]
        rows.append(
            [
                name,
                *(f"{split[g]:.2f}" if g in split else "-" for g in groups),
                *(f"{asked.get(n, 0):.2f}" for n in node),
            ]
        )
    print("CPU ms per request (measured window), and the node's search counters per request:")
    print(table(rows, ["side", *(f"{g} ms" for g in groups), *node]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--clients", default="1,4,16", help="comma-separated client counts")
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--quick", action="store_true", help="5 s per side and client count")
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra service environment for gunicorn (repeatable)",
    )
    parser.add_argument(
        "--gunicorn",
        default="default",
        choices=list(CONFIG_VARIANTS),
        help="gunicorn configuration variant (see bench/common.py)",
    )
    parser.add_argument("--client", choices=["api", "direct"], help=argparse.SUPPRESS)
    parser.add_argument("--target", help=argparse.SUPPRESS)
    parser.add_argument("--watch", action="append", default=[], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        watch = {
            name: [int(pid) for pid in pids.split(",") if pid]
            for name, pids in (item.split("=", 1) for item in args.watch)
        }
        client_main(
            args.client,
            args.target,
            int(args.clients),
            args.duration,
            args.warmup,
            watch,
            args.articles,
        )
        return
    if args.quick:
        args.duration, args.warmup = 5.0, 3.0
    print_machine()
    alias = ensure_corpus(args.articles)
    env = {
        "ES_URL": ES_URL,
        "ES_INDEX_PREFIX": prefix_for(args.articles, SEED),
        **dict(e.split("=", 1) for e in args.env),
    }
    levels = [int(n) for n in args.clients.split(",")]
    server = Gunicorn(env=env, config=gunicorn_config(args.gunicorn))
    results: dict[int, tuple[dict[str, Any], dict[str, Any]]] = {}
    try:
        server.start()
        from api.config import load_settings

        workers = len(server.wait_for_workers(load_settings().workers))
        print(
            f"gunicorn: {server.url}, {workers} workers, ready in {server.startup_seconds:.2f} s, "
            f"config {args.gunicorn}{' env ' + str(args.env) if args.env else ''}; "
            f"{args.warmup:.0f} s warm-up + {args.duration:.0f} s per side and client count; "
            f"node {ES_URL}, corpus {alias}"
        )
        es_pid = local_es_pid()
        node = {"elasticsearch": [es_pid]} if es_pid else {}
        # Whichever side ran first used to pay for a cold node (page cache, global ordinals of
        # the facet fields): both sides' queries run once untimed before anything is measured,
        # and the sides take turns going first.
        warm = argparse.Namespace(**{**vars(args), "duration": args.warmup * 2, "warmup": 0.0})
        for mode, target in (("direct", alias), ("api", server.url)):
            run_load(mode, target, warm, 4, {})
        print(f"warmed the node: {warm.duration:.0f} s of the mix from each side, untimed")
        for turn, clients in enumerate(levels):
            assert server.process is not None
            api_watch = {**node, SERVICE: [server.process.pid]}
            if turn % 2:
                direct = summarise(run_load("direct", alias, args, clients, node))
                api = summarise(run_load("api", server.url, args, clients, api_watch))
            else:
                api = summarise(run_load("api", server.url, args, clients, api_watch))
                direct = summarise(run_load("direct", alias, args, clients, node))
            results[clients] = (api, direct)
            print(f"\n=== {clients} client(s), {args.articles:,} articles ===")
            print_side_by_side(api, direct)
            for name, result in (("api", api), ("direct", direct)):
                print(
                    f"{name:<6}: throughput {result['throughput']:.1f} req/s, errors "
                    f"{result['errors']} {result['error_kinds'] or ''}, during warm-up "
                    f"{result['warmup_errors']}"
                )
            print_cpu_split(api, direct)
    finally:
        server.stop()
    print(f"\n=== summary, {args.articles:,} articles (one run; figures are this run's) ===")
    rows = []
    for clients, (api, direct) in results.items():
        if "all" not in api["kinds"] or "all" not in direct["kinds"]:
            rows.append([clients, "no requests measured", "", "", "", "", "", "", ""])
            continue
        a, d = api["kinds"]["all"], direct["kinds"]["all"]
        rows.append(
            [
                clients,
                f"{a['p50']:.1f} / {d['p50']:.1f}",
                f"{ratio(a['p50'], d['p50']):.2f}",
                f"{a['p99']:.1f} / {d['p99']:.1f}",
                f"{ratio(a['p99'], d['p99']):.2f}",
                f"{api['throughput']:.1f} / {direct['throughput']:.1f}",
                f"{ratio(api['throughput'], direct['throughput']):.2f}",
                f"{api['cpu_ms_per_request'].get(SERVICE, float('nan')):.2f}",
                api["errors"] + direct["errors"],
            ]
        )
    header = ["clients", "p50 api/direct ms", "ratio", "p99 api/direct ms", "ratio"]
    header += ["req/s api/direct", "ratio", "API Python ms/req", "errors"]
    print(table(rows, header))
    measured = {
        n: r for n, r in results.items() if "all" in r[0]["kinds"] and "all" in r[1]["kinds"]
    }
    if 1 in measured:
        api, direct = results[1]
        p50 = ratio(api["kinds"]["all"]["p50"], direct["kinds"]["all"]["p50"])
        p99 = ratio(api["kinds"]["all"]["p99"], direct["kinds"]["all"]["p99"])
        print(f"1 client:   p50 api/direct = {p50:.2f}  {verdict(p50, TARGET_P50, False)}")
        print(f"1 client:   p99 api/direct = {p99:.2f}  {verdict(p99, TARGET_P99, False)}")
    if 16 in measured:
        api, direct = results[16]
        rate = ratio(api["throughput"], direct["throughput"])
        mark = verdict(rate, TARGET_THROUGHPUT, True)
        print(f"16 clients: throughput api/direct = {rate:.2f}  {mark}")
    for clients, (api, _direct) in measured.items():
        plain = api["kinds"].get("text")
        for kind in ("trends", "related"):
            found = api["kinds"].get(kind)
            if not plain or not found:
                continue
            p50 = ratio(found["p50"], plain["p50"])
            line = (
                f"{clients} client(s): {kind} p50 {found['p50']:.1f} ms, p99 "
                f"{found['p99']:.1f} ms; plain search (text) p50 {plain['p50']:.1f} ms, p99 "
                f"{plain['p99']:.1f} ms; {kind}/plain p50 = {p50:.2f}"
            )
            if kind == "trends":
                line += f"  {verdict(p50, TARGET_TRENDS, False)}"
            print(line)
    python = [api["cpu_ms_per_request"].get(SERVICE, 0) for api, _ in results.values()]
    if python:
        worst = max(python)
        mark = verdict(worst, TARGET_PYTHON_MS, False)
        print(f"API Python CPU per request, worst level = {worst:.2f} ms  {mark}")
    print(
        "(targets: p50 and p99 at 1,000,000 articles, Python CPU at 50,000, trends under "
        f"{TARGET_TRENDS:.0f}x a plain search's p50 at 200,000)"
    )
    print(f"(the corpus index {alias} is kept for the next run; bench/corpus.py --drop deletes it)")


if __name__ == "__main__":
    main()
