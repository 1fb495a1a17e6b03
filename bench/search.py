"""Search speed, side by side: GET through gunicorn versus the same queries sent to the node.

1. Index (once; cached): --articles (default 50,000) deterministic articles with realistic field
   distributions: Zipf-popular people (aliases: full name and surname), regions from the
   project's gazetteer with their hierarchy codes (cities under admin1 under countries, as in
   tests/search_corpus.py), Zipf-popular outlets with their own authors, organisations,
   dates over seven years (more recent = more), titles and texts of 150-600 words drawn from a
   Zipf vocabulary with the article's people and places mentioned. Stored documents are exactly
   the service's: written by ArticleIndex._document (api.store.documents.to_document plus
   content_hash) through the index's alias, with refresh disabled during the load and the
   configured interval restored after. The index is kept between runs (skipped when it holds
   the right count); `--drop` deletes it.
2. Load, from a second process with --clients threads (default 16) on keep-alive http.client
   connections, for --duration seconds (default 30) after a short warm-up, of one query mix:
   text; text + person; region=<country code> (matches its regions and cities); facets;
   cursor walks (up to 3 pages following next_cursor); /people?prefix= autocomplete.
     api:    the GET requests to gunicorn (`gunicorn -c gunicorn.conf.py`, default workers);
     direct: the same Elasticsearch requests, built by api.services.search.SearchService and
             api.store.queries exactly as the service builds them (same SearchService code, with an
             index object that posts the bodies to http://127.0.0.1:9200 itself), including the
             point-in-time open/close calls the service makes for relevance-sorted searches.
   Prints p50/p95/p99 latency, throughput, errors for both, per query kind, and API/direct.

Run:   .venv/bin/python bench/search.py              (full: 50,000 articles, 16 clients, 30 s)
       .venv/bin/python bench/search.py --quick      (10 s per side, for iterating)
       .venv/bin/python bench/search.py --drop       (delete the cached bench index and exit)
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import hashlib
import itertools
import json
import random
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    CONFIG_VARIANTS,
    ES_URL,
    Gunicorn,
    Http,
    cpu_seconds,
    delete_indices,
    gunicorn_config,
    local_es_pid,
    percentile,
    print_machine,
    ratio,
    table,
    verdict,
)

GENERATOR_VERSION = 1
SEED = 20250601
TARGET_P50 = 1.3
TARGET_P99 = 1.6
KINDS = ("text", "text+person", "region", "facets", "cursor", "autocomplete")
WEIGHTS = (25, 15, 15, 15, 15, 15)


def prefix_for(articles: int) -> str:
    return f"bench-search-g{GENERATOR_VERSION}-n{articles}-"


# --- the corpus -------------------------------------------------------------------------------

_SYLLABLES = [
    c + v
    for c in ("b", "c", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "st", "tr")
    for v in ("a", "e", "i", "o", "u", "ai", "ou")
]
FIRST_NAMES = [
    "Anna",
    "Peter",
    "Maria",
    "John",
    "Olena",
    "Hans",
    "Carlos",
    "Yuki",
    "Ahmed",
    "Sara",
    "Ivan",
    "Li",
    "Fatima",
    "Pierre",
    "Giulia",
    "Mateo",
    "Aisha",
    "Kenji",
    "Elena",
    "David",
    "Zoe",
    "Omar",
    "Ingrid",
    "Pablo",
    "Mei",
    "Viktor",
    "Nadia",
    "Tom",
    "Chloe",
    "Raj",
    "Lucia",
    "Samuel",
    "Amara",
    "Felix",
    "Hana",
    "Diego",
    "Irina",
    "Jonas",
    "Leila",
    "Marco",
    "Nora",
    "Oskar",
    "Priya",
    "Rafael",
    "Selin",
    "Tariq",
    "Ursula",
    "Vera",
    "Wei",
    "Xavier",
    "Yara",
    "Zoltan",
    "Agnes",
    "Boris",
    "Clara",
    "Dmitri",
    "Eva",
    "Farid",
    "Greta",
]
LAST_NAMES = [
    "Smith",
    "Müller",
    "Kovalenko",
    "Garcia",
    "Tanaka",
    "Hassan",
    "Lind",
    "Rossi",
    "Dubois",
    "Novak",
    "Ivanova",
    "Chen",
    "Okafor",
    "Silva",
    "Schmidt",
    "Nowak",
    "Kim",
    "Singh",
    "Petrov",
    "Moreau",
    "Jensen",
    "Costa",
    "Yilmaz",
    "Fischer",
    "Haddad",
    "Sato",
    "Weber",
    "Bianchi",
    "Horvat",
    "Larsen",
    "Mendes",
    "Popescu",
    "Romero",
    "Sokolov",
    "Takahashi",
    "Varga",
    "Wagner",
    "Zhang",
    "Ali",
    "Bauer",
    "Castillo",
    "Dimitrov",
    "Eriksen",
    "Ferreira",
    "Gruber",
    "Hoffmann",
    "Ibrahim",
    "Jovanovic",
    "Kowalski",
    "Laurent",
    "Martins",
    "Nielsen",
    "Ortega",
    "Pavlenko",
    "Quinn",
    "Richter",
    "Shevchenko",
    "Tkachenko",
    "Usman",
    "Vogel",
    "Walsh",
]
ORG_KINDS = ("Group", "Bank", "Party", "Council", "Institute", "Corp")
COUNTRIES = [
    "US",
    "UA",
    "RU",
    "GB",
    "FR",
    "DE",
    "CN",
    "IN",
    "BR",
    "JP",
    "IT",
    "ES",
    "PL",
    "TR",
    "CA",
    "AU",
    "MX",
    "ZA",
    "NG",
    "EG",
    "IL",
    "IR",
    "KR",
    "SE",
    "NL",
    "CH",
    "AR",
    "KE",
    "PK",
    "ID",
]


class Zipf:
    """Draw items with probability ~ 1 / rank**s, deterministically from an rng."""

    def __init__(self, items: list[Any], s: float = 1.07) -> None:
        self.items = items
        self.cum = list(itertools.accumulate(1 / (rank**s) for rank in range(1, len(items) + 1)))

    def draw(self, rng: random.Random, k: int = 1) -> list[Any]:
        return rng.choices(self.items, cum_weights=self.cum, k=k)

    def one(self, rng: random.Random) -> Any:
        total = self.cum[-1]
        return self.items[bisect.bisect_left(self.cum, rng.random() * total)]


class Corpus:
    """Everything the generator draws from; the query mix draws from the same pools."""

    def __init__(self) -> None:
        from api.extraction.gazetteer import gazetteer

        rng = random.Random(SEED)
        words: set[str] = set()
        vocabulary: list[str] = []
        while len(vocabulary) < 8000:
            word = "".join(rng.choices(_SYLLABLES, k=rng.choice((1, 2, 2, 3, 3, 4))))
            if len(word) > 2 and word not in words:
                words.add(word)
                vocabulary.append(word)
        self.vocabulary = vocabulary
        self.words = Zipf(vocabulary, 1.0)
        people = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
        rng.shuffle(people)
        self.people_list = people[:3000]
        self.people = Zipf(self.people_list, 1.1)
        gaz = gazetteer()
        by_country: dict[str, list[dict]] = {code: [] for code in COUNTRIES}
        for place in gaz.by_code.values():
            if place.country in by_country and place.type in {"city", "admin1"}:
                by_country[place.country].append(place)
        self.regions: dict[str, Zipf] = {}
        self.country_records = {code: gaz.by_code[code].record() for code in COUNTRIES}
        for code, places in by_country.items():
            cities = sorted((p for p in places if p.type == "city"), key=lambda p: -p.population)
            admins = sorted((p for p in places if p.type == "admin1"), key=lambda p: p.code)
            chosen = [p.record() for p in cities[:20]] + [p.record() for p in admins[:8]]
            self.regions[code] = Zipf(chosen, 1.0)
        self.countries = Zipf(COUNTRIES, 0.9)
        self.outlets_list = [
            {"name": f"{rng.choice(vocabulary).title()} {kind}", "domain": ""}
            for kind in ("Times", "Post", "Herald", "Courier", "Ledger", "Tribune", "Gazette")
            for _ in range(9)
        ]
        for outlet in self.outlets_list:
            outlet["domain"] = outlet["name"].lower().replace(" ", "") + ".example"
        self.outlets = Zipf(self.outlets_list, 1.0)
        self.authors = {
            outlet["name"]: [
                f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" for _ in range(12)
            ]
            for outlet in self.outlets_list
        }
        self.organizations = Zipf(
            [f"{rng.choice(vocabulary).title()} {rng.choice(ORG_KINDS)}" for _ in range(400)],
            1.0,
        )
        self.start = dt.date(2019, 1, 1)
        self.days = (dt.date(2025, 12, 31) - self.start).days

    def article(self, number: int) -> dict[str, Any]:
        rng = random.Random(SEED * 1_000_003 + number)
        outlet = dict(self.outlets.one(rng))
        people = list(dict.fromkeys(self.people.draw(rng, rng.choice((0, 1, 1, 2, 2, 3, 4, 6)))))
        country = self.countries.one(rng)
        regions = [self.country_records[country]]
        regions += list(
            {r["code"]: r for r in self.regions[country].draw(rng, rng.randint(0, 3))}.values()
        )
        if rng.random() < 0.3:
            other = self.countries.one(rng)
            regions.append(self.country_records[other])
        regions = list({r["code"]: r for r in regions}.values())
        orgs = list(dict.fromkeys(self.organizations.draw(rng, rng.choice((0, 0, 1, 1, 2, 3)))))
        body = self.words.draw(rng, rng.randint(150, 600))
        mentions = [*people, *(p.split()[-1] for p in people), *(r["name"] for r in regions), *orgs]
        for mention in mentions:
            body.insert(rng.randrange(len(body) + 1), mention)
        sentences, position = [], 0
        while position < len(body):
            length = rng.randint(8, 25)
            chunk = body[position : position + length]
            sentences.append(chunk[0][:1].upper() + " ".join(chunk)[1:] + ".")
            position += length
        title_words = self.words.draw(rng, rng.randint(5, 9))
        if people and rng.random() < 0.5:
            title_words.insert(0, people[0].split()[-1])
        title = " ".join(title_words).capitalize()
        text = " ".join(sentences)
        # Recent years hold more articles.
        day = self.start + dt.timedelta(days=int(self.days * (rng.random() ** 0.6)))
        published = dt.datetime.combine(day, dt.time(rng.randint(0, 23), rng.randint(0, 59)))
        focus = {regions[-1]["code"]} if len(regions) > 1 else {regions[0]["code"]}
        return {
            "id": f"bench-{number:06d}",
            "url": f"https://{outlet['domain']}/{day.isoformat()}/{number}",
            "title": title,
            "text": text,
            "language": "en",
            "published_at": published.isoformat() + "+00:00",
            "authors": rng.sample(self.authors[outlet["name"]], rng.choice((1, 1, 1, 2))),
            "outlet": outlet,
            "people": [
                {
                    "name": p,
                    "aliases": [p, p.split()[-1]],
                    "mentions": rng.randint(1, 6),
                    "title": None,
                }
                for p in people
            ],
            "regions": [
                {
                    **r,
                    "aliases": [r["name"]],
                    "mentions": rng.randint(1, 4),
                    "focus": r["code"] in focus,
                }
                for r in regions
            ],
            "organizations": [{"name": o, "mentions": rng.randint(1, 3)} for o in orgs],
            "word_count": len(text.split()),
            "created_at": "2026-01-01T00:00:00+00:00",
            "updated_at": "2026-01-01T00:00:00+00:00",
            "provenance": {},
        }


def build_index(articles: int) -> None:
    """Create the bench index through the project's ArticleIndex and load it (skip when cached)."""
    from elasticsearch import helpers

    from api.config import load_settings
    from api.store import make_client
    from api.store.index import ArticleIndex

    prefix = prefix_for(articles)
    settings = load_settings(es_index_prefix=prefix)
    index = ArticleIndex(make_client(settings, request_timeout=120), settings)
    if index.alias_exists():
        count = index.client.count(index=index.alias)["count"]
        if count == articles:
            print(f"index: {index.alias} holds {count} articles (cached; --drop to rebuild)")
            return
        print(f"index: {index.alias} holds {count}, not {articles}: rebuilding")
        delete_indices(prefix)
    index.ensure()
    concrete = index.concrete_name()
    index.client.indices.put_settings(index=concrete, settings={"refresh_interval": "-1"})
    corpus = Corpus()
    started = time.perf_counter()

    def actions() -> Any:
        for number in range(articles):
            article = corpus.article(number)
            digest = hashlib.sha256(json.dumps(article, sort_keys=True).encode()).hexdigest()
            yield {
                "_op_type": "create",
                "_index": index.alias,
                "_id": article["id"],
                "_source": index._document(article, digest),
            }

    done = 0
    for ok, _item in helpers.streaming_bulk(
        index.client, actions(), chunk_size=1000, max_retries=4, raise_on_error=True
    ):
        done += ok
        if done % 10000 == 0:
            print(f"  indexed {done} ({time.perf_counter() - started:.0f} s)", flush=True)
    index.client.indices.put_settings(
        index=concrete, settings={"refresh_interval": settings.es_refresh_interval}
    )
    index.refresh()
    count = index.client.count(index=index.alias)["count"]
    seconds = time.perf_counter() - started
    print(
        f"index: built {index.alias} with {count} articles in {seconds:.0f} s "
        f"({count / seconds:.0f} docs/s incl. generation; refresh -1 during the load, "
        f"restored to {settings.es_refresh_interval})"
    )


# --- the query mix ----------------------------------------------------------------------------


class QueryMix:
    """Deterministic requests: (kind, args) where args are GET /articles or /people parameters."""

    def __init__(self, corpus: Corpus, seed: int) -> None:
        self.corpus = corpus
        self.rng = random.Random(seed)
        # Mid-frequency words: common enough to match, rare enough to be selective.
        self.query_words = corpus.vocabulary[20:1500]

    def next(self) -> tuple[str, dict[str, Any]]:
        rng, corpus = self.rng, self.corpus
        kind = rng.choices(KINDS, weights=WEIGHTS)[0]
        if kind == "text":
            return kind, {"q": " ".join(rng.sample(self.query_words, rng.choice((1, 1, 2))))}
        if kind == "text+person":
            person = corpus.people.one(rng)
            return kind, {
                "q": rng.choice(self.query_words),
                "person": [person if rng.random() < 0.5 else person.split()[-1]],
            }
        if kind == "region":
            return kind, {"region": [corpus.countries.one(rng)]}
        if kind == "facets":
            args: dict[str, Any] = {"facets": "people,regions,outlets,published_at", "per_page": 10}
            if rng.random() < 0.5:
                args["region"] = [corpus.countries.one(rng)]
            else:
                args["q"] = rng.choice(self.query_words)
            return kind, args
        if kind == "cursor":
            if rng.random() < 0.5:
                return kind, {"region": [corpus.countries.one(rng)], "per_page": 20}
            return kind, {"person": [corpus.people.one(rng)], "per_page": 20}
        first, last = corpus.people.one(rng).split()
        word = first if rng.random() < 0.5 else last
        return "autocomplete", {"prefix": word[: rng.choice((2, 3, 4))].lower()}


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


class ApiRunner:
    def __init__(self, url: str) -> None:
        self.http = Http(url)

    def run(self, kind: str, args: dict[str, Any]) -> tuple[int, Any]:
        path = "/people" if kind == "autocomplete" else "/articles"
        query = urllib.parse.urlencode(args, doseq=True)
        status, data = self.http.request("GET", f"{path}?{query}")
        return status, json.loads(data) if status == 200 else None


class DirectRunner:
    def __init__(self, alias: str) -> None:
        from api.services.search import SearchService
        from api.store.queries import Highlighting
        from schemas.search import ArticleQueryArgsSchema

        self.search_service = SearchService(DirectIndex(alias), Highlighting("<mark>", "</mark>"))  # type: ignore[arg-type]
        self.schema = ArticleQueryArgsSchema()

    def run(self, kind: str, args: dict[str, Any]) -> tuple[int, Any]:
        if kind == "autocomplete":
            return 200, self.search_service.list_entities("people", 20, args["prefix"], None)
        loaded = self.schema.load(args)
        return 200, self.search_service.search(loaded)


def cpu_use(watch: dict[str, list[int]]) -> dict[str, float]:
    """CPU seconds used so far by each watched group of processes, and by this load process."""
    used = {name: sum(cpu_seconds(pid) for pid in pids) for name, pids in watch.items()}
    used["load generator"] = time.process_time()
    return used


def client_main(
    mode: str,
    target: str,
    clients: int,
    duration: float,
    warmup: float,
    watch: dict[str, list[int]],
) -> None:
    """The load process: `clients` threads, each its own connection, for `duration` seconds.

    It also reads the CPU time of the `watch`ed processes (the node, the gunicorn workers) and
    its own at the start and end of the measured window, so that the report can say where
    each request's CPU went.
    """
    corpus = Corpus()
    samples: list[tuple[str, float, bool]] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    t_start = time.monotonic() + warmup
    t_end = t_start + duration
    warm_errors = [0]

    def worker(number: int) -> None:
        runner = ApiRunner(target) if mode == "api" else DirectRunner(target)
        mix = QueryMix(corpus, seed=1000 + number)
        while time.monotonic() < t_end:
            kind, args = mix.next()
            pages = 3 if kind == "cursor" else 1
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

    def measure_cpu() -> None:
        time.sleep(max(0.0, t_start - time.monotonic()))
        cpu["start"] = cpu_use(watch)
        time.sleep(max(0.0, t_end - time.monotonic()))
        cpu["end"] = cpu_use(watch)

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
        },
        sys.stdout,
    )


def run_load(
    mode: str, target: str, args: argparse.Namespace, watch: dict[str, list[int]]
) -> dict[str, Any]:
    command = [
        sys.executable,
        __file__,
        "--client",
        mode,
        "--target",
        target,
        "--clients",
        str(args.clients),
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


def print_cpu_split(api: dict[str, Any], direct: dict[str, Any], node_watched: bool) -> None:
    """Where each request's CPU went. With the load saturating the machine's cores, the latency
    ratio follows the ratio of these totals."""
    groups = ["elasticsearch", "gunicorn workers", "load generator"]
    rows = []
    for name, result in (("api", api), ("direct", direct)):
        split = result["cpu_ms_per_request"]
        rows.append(
            [
                name,
                *(f"{split[g]:.2f}" if g in split else "-" for g in groups),
                f"{sum(split.values()):.2f}",
            ]
        )
    print("CPU ms per request during the measured window:")
    print(table(rows, ["side", *groups, "total"]))
    if not node_watched:
        print("(Elasticsearch is not on this machine: its CPU is not counted)")
    total_api = sum(api["cpu_ms_per_request"].values())
    total_direct = sum(direct["cpu_ms_per_request"].values())
    print(f"CPU per request api/direct = {ratio(total_api, total_direct):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=10.0)
    parser.add_argument("--quick", action="store_true", help="10 s per side")
    parser.add_argument("--drop", action="store_true", help="delete the bench index and exit")
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra service environment for gunicorn (repeatable), e.g. "
        "'GUNICORN_CMD_ARGS=--threads 4'",
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
        client_main(args.client, args.target, args.clients, args.duration, args.warmup, watch)
        return
    prefix = prefix_for(args.articles)
    if args.drop:
        print("deleted:", delete_indices("bench-search-") or "nothing")
        return
    if args.quick:
        args.duration = 10.0
        args.warmup = 8.0
    print_machine()
    build_index(args.articles)
    alias = f"{prefix}articles"
    env = {"ES_INDEX_PREFIX": prefix, **dict(e.split("=", 1) for e in args.env)}
    server = Gunicorn(env=env, config=gunicorn_config(args.gunicorn))
    try:
        server.start()
        from api.config import load_settings

        workers = len(server.wait_for_workers(load_settings().workers))
        print(
            f"gunicorn: {server.url}, {workers} workers, ready in {server.startup_seconds:.2f} s"
            f"{' env ' + str(args.env) if args.env else ''}, config {args.gunicorn}; "
            f"load: {args.clients} client threads "
            f"in a second process, {args.warmup:.0f} s warm-up + {args.duration:.0f} s per side"
        )
        es_pid = local_es_pid()
        node = {"elasticsearch": [es_pid]} if es_pid else {}
        api_watch = {**node, "gunicorn workers": server.worker_pids()}
        api = summarise(run_load("api", server.url, args, api_watch))
    finally:
        server.stop()
    direct = summarise(run_load("direct", alias, args, node))

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
                f"{a['p95']:.1f}",
                f"{d['p95']:.1f}",
                f"{ratio(a['p95'], d['p95']):.2f}",
                f"{a['p99']:.1f}",
                f"{d['p99']:.1f}",
                f"{ratio(a['p99'], d['p99']):.2f}",
            ]
        )
    print(
        table(
            rows,
            [
                "kind",
                "n api",
                "n direct",
                "p50 api ms",
                "p50 direct",
                "ratio",
                "p95 api",
                "p95 direct",
                "ratio",
                "p99 api",
                "p99 direct",
                "ratio",
            ],
        )
    )
    for name, result in (("api", api), ("direct", direct)):
        print(
            f"{name:<6}: throughput {result['throughput']:.1f} req/s, errors {result['errors']} "
            f"{result['error_kinds'] or ''}, errors during warm-up {result['warmup_errors']}"
        )
    print_cpu_split(api, direct, bool(node))
    p50 = ratio(api["kinds"]["all"]["p50"], direct["kinds"]["all"]["p50"])
    p99 = ratio(api["kinds"]["all"]["p99"], direct["kinds"]["all"]["p99"])
    print(f"throughput api/direct = {ratio(api['throughput'], direct['throughput']):.2f}")
    print(f"p50 api/direct = {p50:.2f}  {verdict(p50, TARGET_P50, False)}")
    print(f"p99 api/direct = {p99:.2f}  {verdict(p99, TARGET_P99, False)}")
    total_errors = api["errors"] + direct["errors"]
    print(f"errors = {total_errors}  {'PASS' if total_errors == 0 else 'FAIL'} (target 0)")
    print(f"(the bench index {alias} is kept for the next run; `--drop` deletes it)")


if __name__ == "__main__":
    main()
