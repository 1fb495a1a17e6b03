"""The Celery and compose settings that make redelivery work (no broker needed)."""

import re
from pathlib import Path

import yaml

from api.broker import QUEUE, make_celery
from api.config import load_settings
from api.worker import WORKER_ARGS

ROOT = Path(__file__).resolve().parents[2]
SUPERVISED = ROOT / "scripts" / "supervisord.conf"


def test_chunks_are_acknowledged_late_one_at_a_time_and_redelivered_after_the_timeout():
    settings = load_settings(
        {"BROKER_URL": "redis://127.0.0.1:6390/2", "BROKER_VISIBILITY_TIMEOUT": "30"}
    )
    conf = make_celery(settings).conf
    assert conf.broker_url == "redis://127.0.0.1:6390/2"
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
    assert conf.broker_transport_options["visibility_timeout"] == 30
    # The sweep that hands out a dead worker's chunk runs well within the timeout.
    assert conf.broker_transport_options["unacked_restore_interval"] <= 6
    # ... and its lock, if its holder died, is free again by then.
    assert conf.broker_transport_options["unacked_mutex_expire"] <= 30
    assert conf.task_default_queue == QUEUE


def test_job_settings_come_from_the_environment():
    settings = load_settings(
        {"JOB_MAX_ITEMS": "7", "JOB_CHUNK_SIZE": "5", "WORKER_CONCURRENCY": "3"}
    )
    assert (settings.job_max_items, settings.job_chunk_size) == (7, 5)
    assert make_celery(settings).conf.worker_concurrency == 3
    assert make_celery(settings).conf.worker_pool == "prefork"
    # One process: it runs its chunks itself, with no main process to feed it.
    assert make_celery(load_settings({})).conf.worker_pool == "solo"
    assert load_settings({}).job_max_items == 100_000


def test_every_worker_runs_with_the_same_options():
    """make run (through supervisord), make worker, compose, the tests and the bench (which
    reads WORKER_ARGS)."""
    makefile = (ROOT / "Makefile").read_text()
    assert f"WORKER_ARGS := {' '.join(WORKER_ARGS)}\n" in makefile
    assert makefile.count("celery -A api.worker worker $(WORKER_ARGS)") == 1
    run_recipe = re.search(r"^run:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert run_recipe and "supervisord -c scripts/supervisord.conf" in run_recipe.group(1)
    assert 'WORKER_ARGS="$(WORKER_ARGS)"' in run_recipe.group(1)
    programs = dict(
        re.findall(r"^\[program:(\w+)\]\ncommand = (.*)$", SUPERVISED.read_text(), re.M)
    )
    assert programs["worker"] == "celery -A api.worker worker %(ENV_WORKER_ARGS)s --loglevel INFO"
    assert programs["api"] == "gunicorn -c gunicorn.conf.py"
    assert "--without-heartbeat" in WORKER_ARGS
    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    assert services["worker"]["command"][4:-2] == list(WORKER_ARGS)


def test_compose_runs_redis_and_a_worker_on_the_shared_broker():
    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    assert services["worker"]["command"][:3] == ["celery", "-A", "api.worker"]
    # A worker that dies is started again, as `make run`'s supervisord does.
    assert services["worker"]["restart"] == "unless-stopped"
    broker = "redis://redis:6379/0"
    assert services["worker"]["environment"]["BROKER_URL"] == broker
    assert services["api"]["environment"]["BROKER_URL"] == broker
    assert "--appendonly" in services["redis"]["command"]
