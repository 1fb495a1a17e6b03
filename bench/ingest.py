"""Ingest speed, side by side: the bare NER engine (the limit), plain spaCy, our extraction, and
POST /articles/batch.

On the documents of ../shared/eval/conll2003-dev.jsonl (read in place, never copied; when the
file is absent a deterministic generator stands in and the output says so), one run measures:

 (e) the limit: the bare CoreNLP engine (api.extraction.corenlp.CoreNLPEngine.entities, the
     service's own client and server settings), from as many processes as the service has
     gunicorn workers, each over its share of the texts in batches of --batch;
 (a) the engine before it: plain spaCy `nlp.pipe` (bench.common.plain_spacy) in the same layout;
 (b) `api.extraction.extract_many` in the same layout, on the same texts;
 (c) end to end: POST /articles/batch through `gunicorn -c gunicorn.conf.py` (default worker
     count and settings, fresh bench index) into Elasticsearch, from as many concurrent
     keep-alive clients as workers, each posting batches of --batch articles;
 (j1), (j2) the same articles as one asynchronous job (POST /jobs) processed by one and by two
     Celery workers of one process each (`celery -A api.worker worker` with the options of
     `make worker`, api.worker.WORKER_ARGS, or --worker-args; a Redis of the bench's own from
     scripts/redis-server, fresh bench index); the time runs from the POST to the job's
     finished_at. Each also prints the CPU per article of every kind of process in the timed
     window (workers, NER server, Elasticsearch, Redis, the bench itself): what one worker
     spends beside its own process is what two workers on two cores have to share.
     Target: (j2)/(j1) >= 1.6 on two cores.

Model loading is outside every timed window (each process loads then waits on a barrier; (c)
warms every worker first with synthetic articles; the NER server is warm from its start).
Throughput = documents / wall time from the common start to the last finish. Prints docs/s,
words/s, (b)/(e), (c)/(e), (c)/(a), (j1)/(c) and (j2)/(j1), and the resident memory of the API
workers and of the NER server.

Run:   .venv/bin/python bench/ingest.py            (full: --repeat 3)
       .venv/bin/python bench/ingest.py --quick    (one pass, for iterating)
Needs: Elasticsearch at ES_URL and the NER server at NER_URL (`make bench` starts both).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing as mp
import os
import queue
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    CONFIG_VARIANTS,
    REPO_ROOT,
    Gunicorn,
    Http,
    children,
    cpu_seconds,
    delete_indices,
    es,
    free_port,
    gunicorn_config,
    local_es_pid,
    memory_mb,
    plain_spacy,
    print_machine,
    ratio,
    verdict,
)

from api.worker import WORKER_ARGS  # noqa: E402

EVAL_FILE = REPO_ROOT.parent / "shared" / "eval" / "conll2003-dev.jsonl"
TARGET_C = 0.8  # (c)/(e): end to end against the bare engine
TARGET_J = 1.6  # (j2)/(j1): two worker processes against one, on two cores


# --- the documents ----------------------------------------------------------------------------


def generated_documents(count: int = 216, seed: int = 6) -> list[dict[str, str]]:
    """Deterministic news-like stand-ins: names, places and organisations in plain sentences."""
    rng = random.Random(seed)
    first = ["Anna", "Peter", "Maria", "John", "Olena", "Hans", "Carlos", "Yuki", "Ahmed", "Sara"]
    last = ["Smith", "Müller", "Kovalenko", "Garcia", "Tanaka", "Hassan", "Lind", "Rossi", "Dubois"]
    places = ["London", "Paris", "Kharkiv", "Texas", "Munich", "Tokyo", "Cairo", "Brazil", "Lagos"]
    orgs = ["the United Nations", "NATO", "Reuters", "the World Bank", "Siemens", "the Senate"]
    verbs = ["said", "told reporters", "announced", "warned", "confirmed", "denied"]
    fillers = (
        "the talks would continue next week after a difficult round of negotiations",
        "prices rose sharply in the second quarter as demand recovered",
        "the team won the match by two goals after a strong second half",
        "officials expected the decision to be announced before the end of the month",
        "the agreement covers trade, energy and security cooperation for five years",
    )
    docs = []
    for number in range(count):
        place = rng.choice(places)
        title = f"{rng.choice(last).upper()} SAYS {rng.choice(places).upper()} TALKS TO RESUME"
        lines = [title, f"{place.upper()} 1996-08-{rng.randint(1, 30):02d}"]
        for _ in range(rng.randint(6, 14)):
            who = f"{rng.choice(first)} {rng.choice(last)}"
            lines.append(
                f"{who} of {rng.choice(orgs)} {rng.choice(verbs)} in {rng.choice(places)} that "
                f"{rng.choice(fillers)}."
            )
        docs.append({"id": f"gen-{number:04d}", "title": title, "text": "\n".join(lines)})
    return docs


def load_documents() -> tuple[list[dict[str, str]], str]:
    if EVAL_FILE.exists():
        with EVAL_FILE.open(encoding="utf-8") as handle:
            docs = [json.loads(line) for line in handle if line.strip()]
        return [{"id": d["id"], "title": d["title"], "text": d["text"]} for d in docs], str(
            EVAL_FILE
        )
    return generated_documents(), f"GENERATED (absent: {EVAL_FILE})"


def payloads_for(docs: list[dict[str, str]], repeat: int) -> list[dict[str, str]]:
    """The request items: distinct URLs per copy, so every copy is a new article to extract."""
    return [
        {"title": d["title"], "text": d["text"], "url": f"https://bench.example/{d['id']}/{copy}"}
        for copy in range(repeat)
        for d in docs
    ]


def words(payloads: list[dict[str, str]]) -> int:
    return sum(len(p["text"].split()) for p in payloads)


# --- (a) and (b): N processes, each over its share --------------------------------------------


def _worker(kind: str, share: list[dict[str, str]], batch: int, barrier: Any, out: Any) -> None:
    if kind == "engine":
        from api.config import load_settings
        from api.extraction.corenlp import engine_for

        engine = engine_for(load_settings())
        texts = [p["text"] for p in share]
        engine.entities(texts[:2], "en")  # opens the connections
        barrier.wait()
        started, cpu = time.perf_counter(), time.process_time()
        for start in range(0, len(texts), batch):
            engine.entities(texts[start : start + batch], "en")
    elif kind == "spacy":
        nlp = plain_spacy()
        texts = [p["text"] for p in share]
        list(nlp.pipe(texts[:2], batch_size=32))  # warm
        barrier.wait()
        started, cpu = time.perf_counter(), time.process_time()
        for _doc in nlp.pipe(texts, batch_size=32):
            pass
    else:
        from api.config import load_settings
        from api.extraction import extract_many
        from api.extraction.corenlp import engine_for

        engine = engine_for(load_settings())
        extract_many(generated_documents(4, seed=99), engine)  # loads the gazetteer
        barrier.wait()
        started, cpu = time.perf_counter(), time.process_time()
        for start in range(0, len(share), batch):
            extract_many(share[start : start + batch], engine)
    ended, cpu = time.perf_counter(), time.process_time() - cpu
    out.put((started, ended, len(share), os.getpid(), memory_mb(os.getpid()), cpu))


def run_processes(kind: str, payloads: list[dict[str, str]], procs: int, batch: int) -> dict:
    context = mp.get_context("fork")
    barrier, out = context.Barrier(procs), context.Queue()
    shares = [payloads[i::procs] for i in range(procs)]
    workers = [
        context.Process(target=_worker, args=(kind, share, batch, barrier, out)) for share in shares
    ]
    for worker in workers:
        worker.start()
    results = [out.get(timeout=1800) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    wall = max(r[1] for r in results) - min(r[0] for r in results)
    return {
        "docs": len(payloads),
        "words": words(payloads),
        "seconds": wall,
        "per_process_seconds": [round(r[1] - r[0], 2) for r in results],
        "rss_mb": [round(r[4]["rss"]) for r in results],
        "cpu_seconds": sum(r[5] for r in results),
    }


# --- (c): through gunicorn and Elasticsearch --------------------------------------------------


def warm_workers(server: Gunicorn, workers: int, rounds: int = 12) -> list[int]:
    """Post small synthetic batches concurrently until every worker has extracted some.

    A worker that has spent a fifth of a CPU-second has run extractions (the model itself is loaded
    in the master before the fork, so memory growth no longer tells).

    Returns the HTTP statuses of the warm-up requests (the first requests a fresh service
    answers): they are reported, since errors there are errors a real client would see.
    """
    statuses: list[int] = []
    pids = server.wait_for_workers(workers)
    base = {pid: cpu_seconds(pid) for pid in pids}
    warm_docs = generated_documents(4 * workers * rounds, seed=7)
    for round_number in range(rounds):
        threads = []
        for client in range(workers):
            start = (round_number * workers + client) * 4
            items = [
                {"text": d["text"], "url": f"https://warm.example/{d['id']}"}
                for d in warm_docs[start : start + 4]
            ]

            def post(items: list[dict[str, str]] = items) -> None:
                status, _ = Http(server.url).request("POST", "/articles/batch", {"articles": items})
                statuses.append(status)

            threads.append(threading.Thread(target=post))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        worked = [cpu_seconds(pid) - base[pid] > 0.2 for pid in pids]
        if all(worked) and round_number >= 1:
            return statuses
    print(f"  warning: not every worker spent 0.2 CPU-seconds extracting during warm-up: {base}")
    return statuses


def run_service(
    payloads: list[dict[str, str]],
    batch: int,
    clients: int | None,
    env: dict[str, str],
    config: str = "default",
) -> dict:
    prefix = env["ES_INDEX_PREFIX"]
    delete_indices(prefix)
    server = Gunicorn(env=env, config=gunicorn_config(config))
    try:
        server.start()
        worker_count = len(server.wait_for_workers(1))
        time.sleep(0.5)
        worker_count = len(server.worker_pids())
        clients = clients or worker_count
        warm_statuses = warm_workers(server, worker_count)
        batches: queue.Queue[list[dict[str, str]]] = queue.Queue()
        for start in range(0, len(payloads), batch):
            batches.put(payloads[start : start + batch])
        counts = {"created": 0, "failed": 0, "http_errors": 0}
        latencies: list[float] = []
        lock = threading.Lock()
        deadline = time.monotonic() + 1800

        def client() -> None:
            http = Http(server.url, timeout=300)
            while time.monotonic() < deadline:
                try:
                    items = batches.get_nowait()
                except queue.Empty:
                    break
                sent = time.perf_counter()
                status, body = http.json("POST", "/articles/batch", {"articles": items})
                elapsed = time.perf_counter() - sent
                with lock:
                    latencies.append(elapsed)
                    if status != 200:
                        counts["http_errors"] += 1
                        counts["failed"] += len(items)
                    else:
                        counts["created"] += body["created"]
                        counts["failed"] += body["failed"]
            http.close()

        threads = [threading.Thread(target=client) for _ in range(clients)]
        pids = server.worker_pids()
        cpu_before = sum(cpu_seconds(pid) for pid in pids)
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=1900)
        wall = time.perf_counter() - started
        cpu = sum(cpu_seconds(pid) for pid in server.worker_pids()) - cpu_before
        worker_rss = [round(memory_mb(pid)["rss"]) for pid in server.worker_pids()]
        alias = f"{prefix}articles"
        es("POST", f"/{alias}/_refresh")
        _, count = es("GET", f"/{alias}/_count")
        _, stats = es("GET", f"/{alias}/_stats/indexing")
        indexing = stats["_all"]["primaries"]["indexing"]
        return {
            "docs": len(payloads),
            "words": words(payloads),
            "seconds": wall,
            "workers": worker_count,
            "clients": clients,
            "batch": batch,
            "stored": count["count"],
            **counts,
            "batch_latency_p50": sorted(latencies)[len(latencies) // 2] if latencies else None,
            "es_index_time_s": indexing["index_time_in_millis"] / 1000,
            "startup_s": server.startup_seconds,
            "cpu_seconds": cpu,
            "warmup_statuses": warm_statuses,
            "worker_rss_mb": worker_rss,
        }
    finally:
        server.stop()
        delete_indices(prefix)


# --- (j1), (j2): one job, one or two Celery worker processes -----------------------------------


def process_cpu(pids: dict[str, list[int]]) -> dict[str, float]:
    """CPU seconds used so far by each named group of processes."""
    return {name: sum(cpu_seconds(pid) for pid in group) for name, group in pids.items()}


def run_job(
    payloads: list[dict[str, str]],
    worker_count: int,
    prefix: str,
    worker_args: list[str],
    poll: float = 1.0,
) -> dict:
    """Submit the articles as one job to `worker_count` fresh workers; time it to finished_at.

    Also the CPU each kind of process spends in the timed window: the workers' main processes,
    their pool processes (none with `--pool solo`), the NER server, Elasticsearch, Redis and
    this bench process (which posts the job and polls it).
    """
    state = Path(tempfile.mkdtemp(prefix="bench-redis-"))
    port = free_port()
    redis_env = {**os.environ, "REDIS_PORT": str(port), "REDIS_STATE_DIR": str(state)}
    redis_env.pop("BROKER_URL", None)
    script = str(REPO_ROOT / "scripts" / "redis-server")
    subprocess.run([script, "start"], env=redis_env, check=True)
    broker_url = f"redis://127.0.0.1:{port}/0"
    env = {**os.environ, "ES_INDEX_PREFIX": prefix, "BROKER_URL": broker_url, "LOG_LEVEL": "ERROR"}
    delete_indices(prefix)
    celery = str(Path(sys.executable).with_name("celery"))
    workers = [
        subprocess.Popen(
            [celery, "-A", "api.worker", "worker", "-n", f"bench{n}@%h", *worker_args,
             "--loglevel", "ERROR"],
            cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for n in range(worker_count)
    ]  # fmt: skip
    try:
        from api import create_app

        client = create_app(
            es_index_prefix=prefix, broker_url=broker_url, log_level="WARNING"
        ).test_client()

        def run(items: list[dict[str, str]]) -> tuple[dict, float]:
            body = "\n".join(json.dumps(item) for item in items)
            sent = time.time()
            answer = client.post("/jobs", data=body, content_type="application/x-ndjson")
            assert answer.status_code == 202, answer.get_json()
            while True:
                job = client.get(answer.headers["Location"]).get_json()
                if job["status"] in {"done", "failed", "cancelled"}:
                    return job, sent
                # The wall time is read from the job's finished_at, so polling more often
                # would only spend the cores the workers need.
                time.sleep(poll)

        # Warm-up: two short chunks per worker, so that every worker has extracted some.
        chunk = client.application.config["SETTINGS"].job_chunk_size
        warm = [
            {
                "text": f"Anna Smith met officials in Paris on day {n}.",
                "url": f"https://warm.example/{prefix}{n}",
            }
            for n in range(2 * worker_count * chunk)
        ]
        run(warm)
        groups = {
            "worker main": [w.pid for w in workers],
            "worker pool": [pid for w in workers for pid in children(w.pid)],
            "NER server": [pid for pid in [ner_server_pid()] if pid],
            "Elasticsearch": [pid for pid in [local_es_pid()] if pid],
            "Redis": [int((state / "redis.pid").read_text())],
        }
        cpu_before, bench_before = process_cpu(groups), time.process_time()
        job, sent = run(payloads)
        finished = dt.datetime.fromisoformat(job["finished_at"].replace("Z", "+00:00"))
        wall = finished.timestamp() - sent
        cpu_after, bench_after = process_cpu(groups), time.process_time()
        breakdown = {name: cpu_after[name] - cpu_before[name] for name in groups}
        breakdown["bench (post, poll)"] = bench_after - bench_before
        es("POST", f"/{prefix}articles/_refresh")
        _, count = es("GET", f"/{prefix}articles/_count")
        return {
            "docs": len(payloads),
            "words": words(payloads),
            "seconds": wall,
            "cpu_seconds": breakdown["worker main"] + breakdown["worker pool"],
            "cpu_breakdown": breakdown,
            "counts": job["counts"],
            "stored": count["count"] - len(warm),
        }
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=60)
        subprocess.run([script, "stop"], env=redis_env, check=False)
        delete_indices(prefix)


def cpu_line(result: dict) -> str:
    """Milliseconds of CPU per article, by process (the Elasticsearch node may be shared)."""
    per = {name: 1000 * cpu / result["docs"] for name, cpu in result["cpu_breakdown"].items()}
    total = sum(per.values())
    cores = sum(result["cpu_breakdown"].values()) / result["seconds"]
    parts = ", ".join(f"{name} {ms:.1f}" for name, ms in per.items())
    return f"    CPU ms/article: {parts}; total {total:.1f} ({cores:.2f} cores busy)"


# --- report -----------------------------------------------------------------------------------


def line(name: str, result: dict) -> str:
    docs_s = result["docs"] / result["seconds"]
    words_s = result["words"] / result["seconds"]
    per_cpu = result["docs"] / result["cpu_seconds"] if result.get("cpu_seconds") else 0
    return (
        f"{name:<44} {result['docs']:>6} docs in {result['seconds']:7.2f} s  "
        f"{docs_s:8.1f} docs/s  {words_s:9.0f} words/s  "
        f"{per_cpu:6.1f} docs/CPU-s ({result.get('cpu_seconds', 0):.1f} CPU-s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="passes over the corpus (default 3)")
    parser.add_argument("--quick", action="store_true", help="one pass (same as --repeat 1)")
    parser.add_argument("--batch", type=int, default=32, help="articles per batch request (32)")
    parser.add_argument(
        "--procs",
        type=int,
        default=None,
        help="processes for (a)/(b); default: "
        "the service's worker count (WEB_CONCURRENCY or cores)",
    )
    parser.add_argument("--clients", type=int, default=None, help="(c) clients; default: workers")
    parser.add_argument(
        "--only",
        choices=["e", "a", "b", "c", "j"],
        action="append",
        help="run only these parts (repeatable)",
    )
    parser.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="ENV=VALUE[,ENV=VALUE]",
        help="also run (c) with these service environment overrides, e.g. "
        "ES_REFRESH_INTERVAL=-1 (repeatable)",
    )
    parser.add_argument(
        "--gunicorn",
        action="append",
        default=[],
        choices=list(CONFIG_VARIANTS),
        help="also run (c) with this gunicorn configuration variant (repeatable; "
        "see bench/common.py)",
    )
    parser.add_argument(
        "--worker-args",
        default=" ".join(WORKER_ARGS),
        help="options of each (j) worker; default: those of `make worker` (api/worker.py)",
    )
    parser.add_argument(
        "--poll", type=float, default=1.0, help="seconds between polls of a (j) job (1)"
    )
    args = parser.parse_args()
    repeat = 1 if args.quick else args.repeat
    parts = set(args.only or ["e", "a", "b", "c", "j"])

    from api.config import load_settings

    settings = load_settings()
    procs = args.procs or settings.workers
    print_machine()
    docs, source = load_documents()
    payloads = payloads_for(docs, repeat)
    print(
        f"documents: {len(docs)} from {source}; x{repeat} = {len(payloads)} docs, "
        f"{words(payloads)} words (whitespace-split); processes/workers: {procs}; "
        f"batch: {args.batch}"
    )
    results: dict[str, dict] = {}
    if "e" in parts:
        results["e"] = run_processes("engine", payloads, procs, args.batch)
        print(
            line("(e) limit: bare CoreNLP engine", results["e"]),
            f" per-process {results['e']['per_process_seconds']} s",
        )
    if "a" in parts:
        results["a"] = run_processes("spacy", payloads, procs, args.batch)
        print(
            line("(a) plain spaCy nlp.pipe", results["a"]),
            f" per-process {results['a']['per_process_seconds']} s",
        )
    if "b" in parts:
        results["b"] = run_processes("extract", payloads, procs, args.batch)
        print(
            line("(b) extract_many in-process", results["b"]),
            f" per-process {results['b']['per_process_seconds']} s",
        )
    tag = f"bench-ingest-{os.getpid()}-"
    variants: list[tuple[str, dict[str, str], str]] = []
    if "c" in parts:
        variants.append(("(c) POST /articles/batch (defaults)", {}, "default"))
    for spec in args.variant:
        overrides = dict(pair.split("=", 1) for pair in spec.split(","))
        variants.append((f"(c) with {spec}", overrides, "default"))
    for config in args.gunicorn:
        variants.append((f"(c) with gunicorn {config}", {}, config))
    for number, (name, overrides, config) in enumerate(variants):
        env = {"ES_INDEX_PREFIX": f"{tag}{number}-", **overrides}
        result = run_service(payloads, args.batch, args.clients, env, config)
        results.setdefault("c", result)
        results[name] = result
        print(
            line(name, result),
            f" workers={result['workers']} clients={result['clients']} "
            f"stored={result['stored']} failed={result['failed']} "
            f"http_errors={result['http_errors']} batch p50={result['batch_latency_p50']:.2f}s "
            f"ES index time={result['es_index_time_s']:.1f}s "
            f"worker RSS={result['worker_rss_mb']} MB",
        )
        bad = [status for status in result["warmup_statuses"] if status != 200]
        print(
            f"    warm-up requests of the fresh service: {len(result['warmup_statuses'])}, "
            f"non-200: {len(bad)} {sorted(set(bad)) if bad else ''}"
        )
    if "j" in parts:
        worker_args = args.worker_args.split()
        print(f"job workers: celery -A api.worker worker {' '.join(worker_args)}")
        for worker_count in (1, 2):
            name = f"(j{worker_count}) POST /jobs, {worker_count} worker process(es)"
            prefix = f"{tag}j{worker_count}-"
            result = run_job(payloads, worker_count, prefix, worker_args, args.poll)
            results[f"j{worker_count}"] = result
            print(line(name, result), f" counts={result['counts']} stored={result['stored']}")
            print(cpu_line(result))
        one, two = (results[k]["docs"] / results[k]["seconds"] for k in ("j1", "j2"))
        if "c" in results:
            print(f"(j1)/(c) = {ratio(one, results['c']['docs'] / results['c']['seconds']):.2f}")
        print(f"(j2)/(j1) = {ratio(two, one):.2f}  {verdict(ratio(two, one), TARGET_J, True)}")
    print(f"NER server resident memory: {ner_server_rss_mb():.0f} MB (target <= 2500 MB)")
    named = [("(b)", results["b"])] if "b" in results else []
    named += [(name, r) for name, r in results.items() if name.startswith("(c)")]
    for base in ("e", "a"):
        if base not in results:
            continue
        limit = results[base]["docs"] / results[base]["seconds"]
        for name, result in named:
            value = ratio(result["docs"] / result["seconds"], limit)
            judged = base == "e" and name.startswith("(c)")
            print(
                f"{name}/({base}) = {value:.2f}"
                + (f"  {verdict(value, TARGET_C, True)}" if judged else "")
            )


def ner_server_pid() -> int | None:
    """The local CoreNLP server's process (None when it is not a local process)."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                if b"StanfordCoreNLPServer" in handle.read():
                    return int(pid)
        except OSError:
            continue
    return None


def ner_server_rss_mb() -> float:
    """Resident memory of the local CoreNLP server (0 when it is not a local process)."""
    pid = ner_server_pid()
    return memory_mb(pid)["rss"] if pid else 0.0


if __name__ == "__main__":
    main()
