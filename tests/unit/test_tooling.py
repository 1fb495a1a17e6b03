"""The guards the suite runs under (pyproject.toml): a hung test fails, and fails by name."""

from pathlib import Path

import pytest


def test_a_hung_test_is_stopped_by_pytest_timeout(request: pytest.FixtureRequest) -> None:
    assert request.config.pluginmanager.hasplugin("timeout")
    assert float(request.config.getini("timeout")) == 600


def test_test_modules_import_helpers_from_support_not_from_conftest() -> None:
    tests = Path(__file__).resolve().parents[1]
    conftest_module = ".".join(["tests", "conftest"])  # spelled so that this file is not a hit
    importing = [
        str(path.relative_to(tests))
        for path in tests.rglob("*.py")
        if conftest_module in path.read_text()
    ]
    assert importing == []
