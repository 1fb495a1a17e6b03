import runpy

import pytest

from api.config import load_settings
from tests.support.gunicorn import ROOT


def test_settings_come_from_the_environment_with_types():
    settings = load_settings(
        {"ES_URL": "http://a:9200, http://b:9200", "API_KEYS": "k1,k2", "BATCH_MAX_ITEMS": "7"}
    )
    assert settings.es_hosts == ["http://a:9200", "http://b:9200"]
    assert settings.api_keys == ("k1", "k2")
    assert settings.batch_max_items == 7


def test_overrides_win_over_the_environment():
    assert load_settings({"ES_INDEX_PREFIX": "env-"}, es_index_prefix="t-").es_index_prefix == "t-"


def test_a_bad_number_names_the_variable():
    with pytest.raises(ValueError, match="BATCH_MAX_ITEMS"):
        load_settings({"BATCH_MAX_ITEMS": "many"})


def test_unknown_override_is_refused():
    with pytest.raises(TypeError, match="nope"):
        load_settings({}, nope=1)


def test_html_has_its_own_limit_and_the_body_limits_follow_from_it():
    settings = load_settings({"MAX_TEXT_BYTES": "1000", "MAX_HTML_BYTES": "4000000"})
    assert settings.max_html_bytes == 4_000_000
    assert settings.max_body_bytes == 2 * 4_000_000 + 1_000_000
    assert settings.batch_max_bytes >= settings.max_body_bytes
    assert load_settings({}, max_html_bytes=30_000_000).batch_max_bytes == 61_000_000


def test_explicit_body_limits_win_over_derived_ones():
    settings = load_settings({"MAX_BODY_BYTES": "5000", "BATCH_MAX_BYTES": "9000"})
    assert (settings.max_body_bytes, settings.batch_max_bytes) == (5000, 9000)


def test_gunicorn_recycles_workers_as_configured(monkeypatch, tmp_path):
    """max_requests bounds what a worker's memory can grow to (bench/soak.py)."""
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    monkeypatch.setenv("MAX_REQUESTS", "777")
    monkeypatch.delenv("MAX_REQUESTS_JITTER", raising=False)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert (config["max_requests"], config["max_requests_jitter"]) == (777, 200)
