"""The guards the suite runs under (pyproject.toml): a hung test fails, and fails by name."""

import pytest


def test_a_hung_test_is_stopped_by_pytest_timeout(request: pytest.FixtureRequest) -> None:
    assert request.config.pluginmanager.hasplugin("timeout")
    assert float(request.config.getini("timeout")) == 600
