"""A local three-node Elasticsearch cluster from the same distribution, started with the
project's own script (scripts/elasticsearch) in cluster mode.

Every port is chosen free at run time and every node keeps its state in a temporary directory,
so two suites on one machine never collide or join each other's cluster.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from elasticsearch import Elasticsearch

from tests.support.gunicorn import ROOT, free_port

SCRIPT = ROOT / "scripts" / "elasticsearch"
HEAP = "512m"


@dataclass
class Node:
    name: str
    http_port: int
    transport_port: int
    state_dir: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def pid(self) -> int:
        return int((self.state_dir / "elasticsearch.pid").read_text().strip())


class LocalCluster:
    def __init__(self, size: int = 3) -> None:
        # Not pytest's tmp_path: that is private to root, and the nodes run as an unprivileged
        # user when the suite runs as root (Elasticsearch refuses root).
        self.base = Path(tempfile.mkdtemp(prefix="article-api-cluster-"))
        self.base.chmod(0o755)
        self.name = f"article-api-test-{uuid.uuid4().hex[:8]}"
        self.nodes = [
            Node(f"node-{n}", free_port(), free_port(), self.base / f"node-{n}")
            for n in range(size)
        ]

    @property
    def urls(self) -> str:
        """ES_URL for the service: every node."""
        return ",".join(node.url for node in self.nodes)

    def _environment(self, node: Node) -> dict[str, str]:
        environment = {
            **os.environ,
            "ES_PORT": str(node.http_port),
            "ES_TRANSPORT_PORT": str(node.transport_port),
            "ES_STATE_DIR": str(node.state_dir),
            "ES_NODE_NAME": node.name,
            "ES_CLUSTER_NAME": self.name,
            "ES_SEED_HOSTS": ",".join(f"127.0.0.1:{n.transport_port}" for n in self.nodes),
            "ES_INITIAL_MASTERS": ",".join(n.name for n in self.nodes),
            "ES_HEAP": HEAP,
        }
        environment.pop("ES_URL", None)
        return environment

    def start_node(self, node: Node) -> None:
        subprocess.run([str(SCRIPT), "start"], env=self._environment(node), check=True, timeout=400)

    def start(self) -> None:
        """Start every node at once: each waits for the quorum of initial masters."""
        with ThreadPoolExecutor(len(self.nodes)) as pool:
            list(pool.map(self.start_node, self.nodes))

    def client(self) -> Elasticsearch:
        return Elasticsearch([node.url for node in self.nodes], request_timeout=60)

    def wait_for(self, status: str, timeout: float = 180) -> str:
        deadline = time.monotonic() + timeout
        client = self.client()
        while True:
            try:
                health = client.cluster.health(wait_for_status=status, timeout="10s")
                if not health["timed_out"]:
                    return health["status"]
            except Exception:  # noqa: BLE001 - a node is still joining; ask again
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"cluster not {status} after {timeout}s")
            time.sleep(1)

    def kill(self, node: Node) -> None:
        """SIGKILL a node, as a crashed host would stop it."""
        pid = node.pid
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)

    def stop(self) -> None:
        for node in self.nodes:
            subprocess.run(
                [str(SCRIPT), "stop"], env=self._environment(node), check=False, timeout=120
            )
        shutil.rmtree(self.base, ignore_errors=True)
