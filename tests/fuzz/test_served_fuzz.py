"""The schemathesis CLI against gunicorn with several workers, every phase including stateful.

Settings live in tests/fuzz/schemathesis.toml: 4 schemathesis workers, seed 13, every check,
including that schema-valid requests are accepted and invalid ones refused. Stateful
scenarios chain the links schemathesis infers (POST /articles -> GET, PUT, PATCH, DELETE of
the created article), so racing and conditional writes meet generated data too.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.gunicorn import ROOT, gunicorn
from tests.support.services import ES_URL

CONFIG = Path(__file__).with_name("schemathesis.toml")


def test_schemathesis_with_workers_and_stateful_phase_finds_nothing(index_prefix, broker, tmp_path):
    with gunicorn(
        ES_URL=ES_URL, ES_INDEX_PREFIX=index_prefix, BROKER_URL=broker.url, WEB_CONCURRENCY="2"
    ) as base_url:
        result = subprocess.run(
            [
                str(Path(sys.executable).with_name("st")),
                "--config-file",
                str(CONFIG),
                "run",
                f"{base_url}/openapi.json",
                "--report",
                "junit",
                "--report-dir",
                str(tmp_path),
            ],
            # Its example database goes to the temporary directory, not the repository.
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=600,
        )
    summary = result.stdout[-3000:]
    assert result.returncode == 0, summary
    assert "Stateful" in result.stdout and " passed" in result.stdout, summary
