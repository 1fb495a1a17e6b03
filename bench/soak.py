"""Soak: worker memory over 10,000 mixed requests through gunicorn (or, `--in-process`, where
the memory of one process goes, by kind of request).

Mix (of every 20 requests): 4 HTML pages of 20 KB to 5 MB (log-uniform sizes; the bulk is the
markup, inline scripts and JSON of real pages around a few KB to 60 KB of story), 1 batch of
10 text articles, 2 PATCHes, 1 re-post of a known page, 10 searches (with facets, highlights,
cursors, per_page=0), 2 entity lookups. Every story is new: names, places and numbers are
generated, so the pipeline meets unseen strings as it does on real news.

Prints, every --every requests, the RSS of each worker (by slot: a recycled worker's successor
takes its slot, marked *), and at the end each worker's peak over its start-up RSS.

Run:   .venv/bin/python bench/soak.py [--requests 10000] [--clients 4] [--workers 2]
       .venv/bin/python bench/soak.py --in-process [--requests 400]
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ES_URL, Gunicorn, Http, delete_indices, memory_mb, print_machine  # noqa: E402

MIN_PAGE, MAX_PAGE = 20_000, 5_000_000
SYLLABLES = ["ka", "lo", "mi", "ra", "te", "su", "vi", "no", "da", "re", "ko", "pa", "li"]
PLACES = ["Porto", "Kharkiv", "Lagos", "Quebec", "Perth", "Braga", "Cairo", "Seoul", "Lublin"]
ORGS = ["NATO", "the World Bank", "UNICEF", "the European Commission", "Reuters"]
MIX = ["page"] * 4 + ["batch", "patch", "patch", "repost"] + ["search"] * 10 + ["entity"] * 2


def name(rng: random.Random) -> str:
    def word() -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()

    return f"{word()} {word()}"


def story(rng: random.Random, paragraphs: int) -> tuple[str, list[str]]:
    people = [name(rng) for _ in range(6)]
    parts = []
    for number in range(paragraphs):
        person, place, org = rng.choice(people), rng.choice(PLACES), rng.choice(ORGS)
        parts.append(
            f"{person} said in {place} on {rng.choice(['Monday', 'Friday'])} that {org} would "
            f"spend {rng.randint(2, 900)} million on project {number}-{rng.getrandbits(24):x}. "
            f"Mayor {rng.choice(people)} disagreed, and {rng.randint(10, 99)} residents of "
            f"{rng.choice(PLACES)} signed a letter about it."
        )
    return "\n\n".join(parts), people


def page(rng: random.Random, size: int) -> str:
    """A news page of about `size` bytes: a story plus the markup and scripts around it."""
    text, people = story(rng, paragraphs=max(3, min(120, size // 20_000)))
    body = "".join(f"<p>{paragraph}</p>\n" for paragraph in text.split("\n\n"))
    head = (
        f"<html lang='en'><head><title>{people[0]} and the budget</title>"
        f"<meta name='author' content='{people[1]}'><meta property='og:site_name' "
        f"content='Soak Herald'><meta property='article:published_time' content='2025-0"
        f"{rng.randint(1, 9)}-1{rng.randint(0, 9)}'></head><body>"
    )
    nav = "<nav>" + "".join(f"<a href='/s/{n}'>Section {n}</a>" for n in range(60)) + "</nav>"
    article = f"<article><h1>{people[0]} and the budget</h1><p class='byline'>By {people[1]}</p>"
    page_so_far = head + nav + article + body + "</article>"
    filler = []
    remaining = size - len(page_so_far)
    while remaining > 0:
        if rng.random() < 0.5:
            chunk = (
                "<div class='card'><div><span>"
                + " ".join(
                    f"<a href='/r/{rng.getrandbits(32):x}'>Related {rng.getrandbits(16)}</a>"
                    for _ in range(40)
                )
                + "</span></div></div>"
            )
        else:
            chunk = (
                "<script>window.__DATA__="
                + str([{"id": rng.getrandbits(40), "v": "x" * 40} for _ in range(60)])
                + ";</script>"
            )
        filler.append(chunk)
        remaining -= len(chunk)
    return page_so_far + "".join(filler) + "<footer>Soak Herald</footer></body></html>"


def page_size(rng: random.Random) -> int:
    return int(math.exp(rng.uniform(math.log(MIN_PAGE), math.log(MAX_PAGE))))


class Load:
    """The request mix, reproducible from one seed per client."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.known: list[tuple[str, dict]] = []  # (id, body) of pages stored so far
        self.cursor: str | None = None

    def next(self) -> tuple[str, str, str, object]:
        kind = self.rng.choice(MIX)
        rng = self.rng
        if kind == "page" or (kind in {"patch", "repost"} and not self.known):
            url = f"https://soak.example/{uuid.UUID(int=rng.getrandbits(128)).hex}"
            return "page", "POST", "/articles", {"url": url, "html": page(rng, page_size(rng))}
        if kind == "batch":
            items = [{"text": story(rng, 4)[0]} for _ in range(10)]
            return kind, "POST", "/articles/batch", {"articles": items}
        if kind == "patch":
            article_id, _ = rng.choice(self.known)
            return kind, "PATCH", f"/articles/{article_id}", {"title": name(rng)}
        if kind == "repost":
            return kind, "POST", "/articles", rng.choice(self.known)[1]
        if kind == "entity":
            return kind, "GET", rng.choice(["/people?prefix=ka", "/regions", "/outlets"]), None
        if self.cursor and rng.random() < 0.3:
            return "search", "GET", f"/articles?cursor={self.cursor}", None
        query = rng.choice(
            [
                "/articles?q=budget&highlight=true&facets=people,regions",
                f"/articles?region={rng.choice(PLACES)}&per_page=10",
                "/articles?per_page=0&facets=published_at,outlets",
                "/articles?q=residents+letter&fields=text",
                "/articles?sort=published_at&per_page=50",
            ]
        )
        return "search", "GET", query, None


def run_gunicorn(args: argparse.Namespace) -> None:
    prefix = f"bench-soak-{uuid.uuid4().hex[:8]}-"
    env = {
        "ES_URL": ES_URL,
        "ES_INDEX_PREFIX": prefix,
        "WEB_CONCURRENCY": str(args.workers),
        "MAX_TEXT_BYTES": str(MAX_PAGE + 100_000),
        "MAX_BODY_BYTES": str(MAX_PAGE + 200_000),
        "LOG_LEVEL": "WARNING",
        **dict(item.split("=", 1) for item in args.env),
    }
    started = time.monotonic()
    with Gunicorn(env=env) as server:
        # Start-up RSS: after one extraction in each worker (the model is then fully paged in).
        slots = server.wait_for_workers(args.workers)
        warm = Http(server.url)
        for _ in range(4 * args.workers):
            warm.request("POST", "/extract", {"text": "Mayor Rui Costa opened a school in Braga."})
        baseline = {pid: memory_mb(pid)["rss"] for pid in slots}
        slot_of = {pid: slot for slot, pid in enumerate(slots)}
        start_of = {slot: baseline[pid] for slot, pid in enumerate(slots)}
        peak: dict[int, float] = dict(start_of)
        recycled: Counter[int] = Counter()
        print(f"start-up RSS per worker (MB): {[round(v) for v in baseline.values()]}")
        statuses: Counter[int] = Counter()
        kinds: Counter[str] = Counter()
        sent = 0
        lock = threading.Lock()
        deadline = started + args.max_seconds

        def sample() -> str:
            current = server.worker_pids()
            for pid in [p for p in slot_of if p not in current]:
                del slot_of[pid]
            for pid in current:
                if pid not in slot_of:  # a recycled worker's successor takes the free slot
                    free = sorted(set(range(args.workers)) - set(slot_of.values()))
                    slot_of[pid] = free[0] if free else max(slot_of.values()) + 1
                    recycled[slot_of[pid]] += 1
            cells = []
            for pid in sorted(current, key=lambda p: slot_of[p]):
                rss = memory_mb(pid)["rss"]
                slot = slot_of[pid]
                peak[slot] = max(peak.get(slot, 0), rss)
                cells.append(f"w{slot}{'*' * min(recycled[slot], 3)} {rss:6.0f}")
            return "  ".join(cells)

        def client(seed: int) -> None:
            nonlocal sent
            load, http = Load(seed), Http(server.url, timeout=300)
            while True:
                with lock:
                    if sent >= args.requests or time.monotonic() > deadline:
                        return
                    sent += 1
                    number = sent
                kind, method, path, body = load.next()
                status, data = http.request(method, path, body)
                if kind == "page" and status in {200, 201}:
                    import json

                    load.known.append((json.loads(data)["id"], body))
                    load.known = load.known[-20:]
                with lock:
                    statuses[status] += 1
                    kinds[kind] += 1
                    if number % args.every == 0:
                        print(
                            f"{number:6d} req  {time.monotonic() - started:6.0f} s  {sample()}",
                            flush=True,
                        )

        threads = [
            threading.Thread(target=client, args=(args.seed + n,)) for n in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        print(f"{sent:6d} req  {time.monotonic() - started:6.0f} s  {sample()}  (end)")
    delete_indices(prefix)
    print(f"statuses: {dict(sorted(statuses.items()))}")
    print(f"kinds: {dict(sorted(kinds.items()))}")
    for slot in sorted(start_of):
        ratio = peak[slot] / start_of[slot]
        verdict = "ok" if ratio <= 1.5 else "OVER"
        print(
            f"worker slot {slot}: start-up {start_of[slot]:.0f} MB, peak {peak[slot]:.0f} MB, "
            f"peak/start-up {ratio:.2f} (target <= 1.50: {verdict}), recycled {recycled[slot]}x"
        )


def run_in_process(args: argparse.Namespace) -> None:
    """RSS and Python's own heap after each kind of request."""
    import gc
    import tracemalloc

    os.environ.update(
        MAX_TEXT_BYTES=str(MAX_PAGE + 100_000), MAX_BODY_BYTES=str(MAX_PAGE + 200_000)
    )
    from api import create_app

    prefix = f"bench-soak-{uuid.uuid4().hex[:8]}-"
    app = create_app(es_url=ES_URL, es_index_prefix=prefix, log_level="WARNING")
    client = app.test_client()
    load = Load(args.seed)
    client.post("/extract", json={"text": "Mayor Rui Costa opened a school in Braga."})
    tracemalloc.start(5) if args.tracemalloc else None
    gc.collect()
    rss0 = memory_mb(os.getpid())["rss"]
    heap0 = tracemalloc.take_snapshot() if args.tracemalloc else None
    print(f"start: RSS {rss0:.0f} MB")
    by_kind: Counter[str] = Counter()
    for number in range(1, args.requests + 1):
        kind, method, path, body = load.next()
        response = client.open(path, method=method, json=body)
        by_kind[kind] += 1
        if kind == "page" and response.status_code in {200, 201}:
            load.known.append((response.get_json()["id"], body))
            load.known = load.known[-20:]
        if number % args.every == 0:
            gc.collect()
            rss = memory_mb(os.getpid())["rss"]
            print(
                f"{number:5d} req  RSS {rss:6.0f} MB ({rss - rss0:+.0f})  {dict(by_kind)}",
                flush=True,
            )
    if heap0 is not None:
        top = tracemalloc.take_snapshot().compare_to(heap0, "filename")[:12]
        print("Python heap growth by file (tracemalloc):")
        for stat in top:
            print(f"  {stat}")
    delete_indices(prefix)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--every", type=int, default=500, help="print RSS every N requests")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--max-seconds", type=float, default=3600, help="stop early after this")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for gunicorn")
    parser.add_argument("--in-process", action="store_true")
    parser.add_argument("--tracemalloc", action="store_true", help="with --in-process")
    args = parser.parse_args()
    print_machine()
    if args.in_process:
        run_in_process(args)
    else:
        run_gunicorn(args)


if __name__ == "__main__":
    main()
