"""The curl examples of the README and docs/api.md still answer what they show.

Every command of a page's ```console blocks is run as written, in order, by bash from the
repository root, on an index prefix of the page's own: `flask` commands with that prefix,
`curl` commands against gunicorn serving it (the page's `http://127.0.0.1:8000` replaced by its
URL), with the real Elasticsearch node and NER server. Each printed output is compared with the
one shown, by the rules of tests/support/readme_tour.py (a cut `…`, volatile ids and dates).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ES_URL, NER_URL, isolated_prefix
from tests.support.gunicorn import ROOT, gunicorn
from tests.support.readme_tour import (
    README_URL,
    as_the_readme_writes,
    console_examples,
    output_mismatches,
)

PAGES = ["README.md", "docs/api.md"]
COMMANDS = ("curl ", "flask ")


@pytest.mark.parametrize("page", PAGES)
def test_the_page_shows_a_walk_of_curl_examples_with_their_output(page):
    examples = console_examples(ROOT / page)
    assert sum(example.command.startswith("curl ") for example in examples) >= 8
    for example in examples:
        assert example.command.startswith(COMMANDS), (
            f"{page}:{example.line}: the walk runs only curl and flask commands"
        )
        assert example.shown, f"{page}:{example.line}: a command without its output"


@pytest.fixture
def prefix(es, ner):
    with isolated_prefix(es, "readme") as name:
        yield name


@pytest.mark.parametrize("page", PAGES)
def test_every_console_example_of_the_page_answers_what_it_shows(page, prefix):
    environment = {
        **os.environ,
        "ES_URL": ES_URL,
        "NER_URL": NER_URL,
        "ES_INDEX_PREFIX": prefix,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "LOG_LEVEL": "WARNING",
    }
    failures = []
    with gunicorn(ES_URL=ES_URL, ES_INDEX_PREFIX=prefix, WEB_CONCURRENCY="1") as base_url:
        for example in console_examples(ROOT / page):
            result = subprocess.run(
                ["bash", "-c", example.command.replace(README_URL, base_url)],
                cwd=ROOT,
                env=environment,
                capture_output=True,
                text=True,
                timeout=120,
            )
            printed = as_the_readme_writes(
                result.stdout, base_url=base_url, prefix=prefix, ner_url=NER_URL
            )
            problems = output_mismatches(example.shown, printed)
            if result.returncode != 0:
                problems.append(f"exit status {result.returncode}: {result.stderr[-500:]}")
            failures += [
                f"{page}:{example.line} $ {example.command[:80]}\n    {problem}"
                for problem in problems
            ]
    assert not failures, "\n".join(failures)
