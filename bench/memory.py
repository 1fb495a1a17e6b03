"""Memory and start-up of the gunicorn service, for several ways of loading the model.

For each variant: launch `gunicorn -c <config>` (default worker count, fresh bench index), time
launch -> first `GET /ready` 200, then post concurrent `POST /extract` requests (so every
worker has run an extraction: the model is loaded) and time the first of them; then read
/proc/<pid>/smaps_rollup of the master and every worker: RSS, PSS (shared pages divided among
the processes sharing them) and USS (private pages). Target: <= 350 MB per worker.

Variants (the project's gunicorn.conf.py, plus overrides in a temporary config file):
  configured      as configured: preload_app=True, and api/wsgi.py loads the gazetteer and
                  the language model in the master before the fork (NER runs in its server);
  master-model    the same, and the master also runs one extraction before forking (whatever
                  an extraction loads lazily is then shared too);
  master-model+gc the same, then gc.collect(); gc.freeze() in the master, so the workers'
                  garbage collector does not write to (and so copy) the inherited pages;
  no-preload      preload_app=False: each worker imports the app and loads the models itself.

Run:   .venv/bin/python bench/memory.py [--variant NAME ...] [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    Gunicorn,
    Http,
    delete_indices,
    gunicorn_variant,
    memory_mb,
    print_machine,
    table,
)

VARIANTS = {
    "configured": {},
    "master-model": {"model_in_master": True},
    "master-model+gc": {"model_in_master": True, "gc_freeze": True},
    "no-preload": {"preload": False},
}
TARGET_MB = 350
TEXT = (
    "KYIV, Ukraine - President Volodymyr Zelensky met Olaf Scholz in Kyiv on Tuesday to discuss "
    "air defence for Kharkiv Oblast, officials said. The German chancellor later travelled to "
    "Lviv, where he spoke with the mayor about reconstruction financed by the European Union. "
) * 3


def measure(name: str, overrides: dict, rounds: int) -> dict:
    prefix = f"bench-mem-{os.getpid()}-"
    delete_indices(prefix)
    server = Gunicorn(env={"ES_INDEX_PREFIX": prefix}, config=gunicorn_variant(**overrides))
    try:
        server.start()
        workers = server.worker_pids()
        deadline = time.monotonic() + 30
        while len(workers) < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
            workers = server.worker_pids()
        time.sleep(0.5)
        workers = server.worker_pids()
        before = {pid: memory_mb(pid) for pid in workers}
        statuses: list[int] = []
        first = [float("nan")]
        lock = threading.Lock()

        def post(number: int) -> None:
            http = Http(server.url, timeout=120)
            sent = time.perf_counter()
            status, _ = http.request("POST", "/extract", {"text": f"{TEXT} Item {number}."})
            with lock:
                statuses.append(status)
                if number == 0:
                    first[0] = time.perf_counter() - sent
            http.close()

        for round_number in range(rounds):
            threads = [
                threading.Thread(target=post, args=(round_number * len(workers) + n,))
                for n in range(len(workers))
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=180)
        time.sleep(0.3)
        after = {pid: memory_mb(pid) for pid in workers}
        master = memory_mb(server.process.pid)  # type: ignore[union-attr]
        return {
            "name": name,
            "startup_s": server.startup_seconds,
            "first_extract_s": first[0],
            "errors": sum(1 for s in statuses if s != 200),
            "requests": len(statuses),
            "master": master,
            "before": before,
            "after": after,
        }
    finally:
        server.stop()
        delete_indices(prefix)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variant", action="append", choices=list(VARIANTS))
    parser.add_argument(
        "--rounds",
        type=int,
        default=4,
        help="rounds of one concurrent /extract per worker (default 4)",
    )
    args = parser.parse_args()
    print_machine()
    results = [measure(name, VARIANTS[name], args.rounds) for name in args.variant or VARIANTS]
    rows = []
    for r in results:
        workers = list(r["after"].values())
        rss = [w["rss"] for w in workers]
        pss = [w["pss"] for w in workers]
        uss = [w["uss"] for w in workers]
        total_pss = sum(pss) + r["master"]["pss"]
        rows.append(
            [
                r["name"],
                f"{r['startup_s']:.2f}",
                f"{r['first_extract_s']:.2f}",
                len(workers),
                " ".join(f"{v:.0f}" for v in rss),
                " ".join(f"{v:.0f}" for v in pss),
                " ".join(f"{v:.0f}" for v in uss),
                f"{r['master']['rss']:.0f}/{r['master']['pss']:.0f}",
                f"{total_pss:.0f}",
                f"{r['errors']}/{r['requests']}",
                "PASS"
                if max(rss) <= TARGET_MB
                else ("PASS (PSS)" if max(pss) <= TARGET_MB else "FAIL"),
            ]
        )
    print(
        table(
            rows,
            [
                "variant",
                "ready s",
                "1st extract s",
                "workers",
                "worker RSS MB",
                "worker PSS MB",
                "worker USS MB",
                "master RSS/PSS",
                "total PSS MB",
                "errors",
                f"<= {TARGET_MB} MB",
            ],
        )
    )
    for r in results:
        grown = " ".join(
            f"{pid}:{r['before'][pid]['rss']:.0f}->{r['after'][pid]['rss']:.0f}"
            for pid in r["after"]
        )
        print(f"  {r['name']}: worker RSS before -> after the extractions (MB): {grown}")


if __name__ == "__main__":
    main()
