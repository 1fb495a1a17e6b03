"""Racing writes against gunicorn (2 workers): the acceptance counts of issue 13.

- creates: R rounds of C concurrent POSTs of one new URL (same body): statuses per round;
- edits: R rounds of C concurrent PUT/PATCH of one article without a precondition;
- if-match: R rounds of C concurrent PUT/PATCH carrying the same If-Match.
Prints status counts, the rounds that did not have exactly one 201 (creates) or one 200
(if-match), and the 5xx count. Every round releases its threads together (a barrier).

Run:   .venv/bin/python bench/races.py [--rounds 50] [--clients 8]
"""

from __future__ import annotations

import argparse
import http.client
import sys
import threading
import urllib.parse
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ES_URL, Gunicorn, Http, delete_indices, print_machine  # noqa: E402

TEXT = "Mayor Ana Lima opened a bridge in Porto on Friday. Lima said it cost 40 million euros."


def race(base_url: str, requests: list[tuple[str, str, dict, dict]]) -> list[int]:
    barrier = threading.Barrier(len(requests))

    def send(request: tuple[str, str, dict, dict]) -> int:
        method, path, body, headers = request
        connection = Http(base_url)
        barrier.wait()
        status, _ = connection.request(method, path, body, headers)
        connection.close()
        return status

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(send, requests))


def etag(base_url: str, path: str) -> str:
    parts = urllib.parse.urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.getheader("ETag")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    print_machine()
    prefix = f"bench-races-{uuid.uuid4().hex[:8]}-"
    env = {"ES_URL": ES_URL, "ES_INDEX_PREFIX": prefix, "WEB_CONCURRENCY": "2"}
    with Gunicorn(env=env) as server:
        client = Http(server.url)
        results: dict[str, Counter[int]] = {}
        odd_rounds: Counter[str] = Counter()
        created: Counter[int] = Counter()
        for number in range(args.rounds):
            body = {"url": f"https://races.example/{prefix}{number}", "text": TEXT}
            statuses = race(server.url, [("POST", "/articles", body, {})] * args.clients)
            created.update(statuses)
            odd_rounds["creates"] += statuses.count(201) != 1
        results["creates"] = created
        _, article = client.json(
            "POST", "/articles", {"url": "https://races.example/edit", "text": TEXT}
        )
        path = f"/articles/{article['id']}"
        edits: Counter[int] = Counter()
        matched: Counter[int] = Counter()
        for number in range(args.rounds):
            calls = [
                ("PUT", path, {"text": f"{TEXT} Update {number}.{n}."}, {})
                if n % 2
                else ("PATCH", path, {"title": f"Title {number}.{n}"}, {})
                for n in range(args.clients)
            ]
            edits.update(race(server.url, calls))
        for _ in range(args.rounds):
            tag = etag(server.url, path)
            calls = [
                (method, path, body, {"If-Match": tag})
                for method, body in [("PATCH", {"title": "x"}), ("PUT", {"text": TEXT + " y."})]
                * (args.clients // 2)
            ]
            statuses = race(server.url, calls)
            matched.update(statuses)
            odd_rounds["if-match"] += statuses.count(200) != 1
        results["edits"], results["if-match"] = edits, matched
    delete_indices(prefix)
    for name, counts in results.items():
        errors = sum(v for k, v in counts.items() if k >= 500)
        winners = (
            f", rounds without exactly one winner {odd_rounds[name]}" if name in odd_rounds else ""
        )
        print(
            f"{name:9s} {args.rounds} rounds x {args.clients}: "
            f"statuses {dict(sorted(counts.items()))}, 5xx {errors}{winners}"
        )


if __name__ == "__main__":
    main()
