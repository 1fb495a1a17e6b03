"""Runs tests/curl/smoke.sh against the service served by gunicorn, with API keys on."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.conftest import ES_URL

ROOT = Path(__file__).resolve().parents[2]
KEY = "smoke-test-key"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def served(es):
    prefix = f"test-smoke-{uuid.uuid4().hex[:8]}-"
    port = _free_port()
    env = {
        **os.environ,
        "ES_URL": ES_URL,
        "ES_INDEX_PREFIX": prefix,
        "API_KEYS": KEY,
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "LOG_LEVEL": "WARNING",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base_url}/ready", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("gunicorn did not become ready within 60 s")
                time.sleep(0.3)
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=30)
        es.indices.delete(index=f"{prefix}*", ignore_unavailable=True)


def test_curl_smoke_script_passes_against_gunicorn(served):
    result = subprocess.run(
        ["bash", str(ROOT / "tests" / "curl" / "smoke.sh")],
        env={**os.environ, "BASE_URL": served, "API_KEY": KEY},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "all steps passed" in result.stdout
