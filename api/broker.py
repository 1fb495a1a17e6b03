"""The job broker: Redis holds each job's articles in chunks, Celery carries one task per chunk.

A job's body is read as a stream and pushed to Redis chunk by chunk (`RPUSH` of one JSON array
of ~50 articles), so neither the web process nor a worker ever holds a whole job. Only when the
body has been read completely, and is valid, does a task per chunk go out (`publish`); a body
refused halfway leaves nothing behind. Redis runs with an fsync'ed append-only file
(scripts/redis-server), so a restart loses neither staged chunks nor queued tasks.

This module and api/worker.py are the only importers of `redis` and `celery`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import redis
from celery import Celery
from kombu.exceptions import OperationalError

from api.config import Settings

TASK_NAME = "article_api.ingest_chunk"
QUEUE = "article-api-jobs"
# Staged chunks outlive any sane job; the last chunk to finish deletes them sooner.
STAGING_TTL_SECONDS = 7 * 24 * 3600
# What the Redis client raises when the broker is down or unreachable.
BROKER_ERRORS: tuple[type[Exception], ...] = (redis.ConnectionError, redis.TimeoutError, OSError)


class BrokerUnavailable(Exception):
    """Redis (the job broker) did not answer."""


def make_celery(settings: Settings) -> Celery:
    """The Celery app of web processes (publishing) and workers (consuming) alike."""
    app = Celery("article_api", broker=settings.broker_url, set_as_current=False)
    app.conf.update(
        task_default_queue=QUEUE,
        task_serializer="json",
        accept_content=["json"],
        # Results live in Elasticsearch (the job's chunk outcomes), not in a result backend.
        task_ignore_result=True,
        # A chunk is acknowledged only once its outcome is stored: a worker killed mid-chunk
        # leaves it unacknowledged, and Redis hands it to another worker after the visibility
        # timeout (a lost prefork child is noticed at once: reject_on_worker_lost).
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_transport_options={
            "visibility_timeout": settings.broker_visibility_timeout,
            # How often a worker looks for chunks whose visibility timeout ran out (kombu's
            # default sweep is every 100 s, longer than the timeout itself).
            "unacked_restore_interval": max(
                1, min(10, int(settings.broker_visibility_timeout / 5))
            ),
            "unacked_restore_throttle": 1,
            # The sweep's lock outlives a holder that died (killed, or Redis restarted under
            # it) by this long; kombu's 300 s would hold every redelivery back as long.
            "unacked_mutex_expire": min(60, settings.broker_visibility_timeout),
        },
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,  # a worker waits out a Redis restart
        worker_hijack_root_logger=False,
        worker_concurrency=settings.worker_concurrency,
    )
    return app


class JobBroker:
    """Staging of chunks in Redis and publishing of their tasks."""

    def __init__(self, settings: Settings, celery: Celery) -> None:
        self.redis = redis.Redis.from_url(
            settings.broker_url, socket_timeout=10, socket_connect_timeout=5
        )
        self.celery = celery

    @staticmethod
    def _key(job_id: str) -> str:
        return f"article-api:job:{job_id}:chunks"

    def _call(self, operation: Any, *args: Any) -> Any:
        try:
            return operation(*args)
        except BROKER_ERRORS as error:
            raise BrokerUnavailable(str(error)) from None

    def ping(self) -> None:
        self._call(self.redis.ping)

    def stage(self, job_id: str, items: list[Any]) -> None:
        """Append one chunk of a job's articles."""
        key = self._key(job_id)
        pipeline = self.redis.pipeline(transaction=False)
        # json, not orjson: it escapes lone surrogates, which a client's JSON may hold.
        pipeline.rpush(key, json.dumps(items))
        pipeline.expire(key, STAGING_TTL_SECONDS)
        self._call(pipeline.execute)

    def load(self, job_id: str, chunk: int) -> list[Any] | None:
        """A staged chunk's articles; None when they are gone (expired or deleted)."""
        raw = self._call(self.redis.lindex, self._key(job_id), chunk)
        return None if raw is None else json.loads(raw)

    def drop(self, job_id: str) -> None:
        self._call(self.redis.delete, self._key(job_id), self._finished_key(job_id))

    @staticmethod
    def _finished_key(job_id: str) -> str:
        return f"article-api:job:{job_id}:finished"

    def chunk_finished(self, job_id: str, chunk: int, chunks: int) -> None:
        """Note a chunk as finished; once every chunk is, delete the job's staged articles.

        A set, not a counter: a chunk finished twice (two deliveries racing) is noted once, so
        the articles are never deleted while a chunk without an outcome may still need them.
        The TTL removes whatever a worker killed between outcome and note leaves behind.
        """
        key = self._finished_key(job_id)
        pipeline = self.redis.pipeline(transaction=False)
        pipeline.sadd(key, chunk)
        pipeline.expire(key, STAGING_TTL_SECONDS)
        pipeline.scard(key)
        finished = self._call(pipeline.execute)[-1]
        if finished >= chunks:
            self.drop(job_id)

    def publish(self, job_id: str, chunks: Iterable[int]) -> None:
        """One task per chunk, over one broker connection."""
        try:
            with self.celery.producer_or_acquire() as producer:
                for chunk in chunks:
                    self.celery.send_task(
                        TASK_NAME, args=(job_id, chunk), producer=producer, queue=QUEUE
                    )
        except (*BROKER_ERRORS, OperationalError) as error:
            # kombu wraps connection failures in OperationalError
            raise BrokerUnavailable(str(error)) from None
