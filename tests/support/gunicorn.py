"""Serve the app with gunicorn on a free loopback port, as production does, for a test."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A loopback port nothing listens on (right now)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(**environment: str) -> Iterator[str]:
    """Start gunicorn with gunicorn.conf.py and these environment variables; yield its URL."""
    with gunicorn_server(**environment) as (base_url, _):
        yield base_url


@contextmanager
def gunicorn_server(**environment: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """As gunicorn(), also yielding the master process (to signal it)."""
    port = free_port()
    env = {**os.environ, "PORT": str(port), "LOG_LEVEL": "WARNING", **environment}
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{base_url}/ready", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("gunicorn did not become ready within 90 s") from None
                time.sleep(0.3)
        yield base_url, server
    finally:
        if server.poll() is None:
            server.terminate()
        server.wait(timeout=30)
