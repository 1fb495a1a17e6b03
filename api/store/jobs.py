"""The job indices: one record per ingest job, one outcome document per chunk of it.

A job's counts are never incremented in place: each chunk writes its own outcome document under
the id `{job}-{chunk}`, and a job's counts are the sum of its chunks' outcomes, read by id
(real-time, no refresh needed). A chunk delivered twice (a worker died before acknowledging it)
finds its outcome already written, or overwrites it with the same figures, so no count is ever
doubled. Both indices live beside the articles one, under the same prefix.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from elasticsearch import ApiError, ConflictError, Elasticsearch, NotFoundError, helpers

from api.config import Settings

_KEYWORD = {"type": "keyword"}
_DATE = {"type": "date"}
_COUNT = {"type": "integer"}
_OPAQUE = {"type": "object", "enabled": False}

JOB_MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "id": _KEYWORD,
        "state": _KEYWORD,  # receiving, queued, failed
        "cancelled": {"type": "boolean"},
        "total": _COUNT,
        "chunks": _COUNT,
        "chunk_size": _COUNT,
        "submitted_at": _DATE,
        "cancelled_at": _DATE,
        "error": {"type": "keyword", "index": False},
    },
}

CHUNK_MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "job_id": _KEYWORD,
        "chunk": _COUNT,
        "state": _KEYWORD,  # running, done, cancelled
        "items": _COUNT,
        "started_at": _DATE,
        "finished_at": _DATE,
        "created": _COUNT,
        "updated": _COUNT,
        "unchanged": _COUNT,
        "failed": _COUNT,
        # What was stored under each article id before the chunk's first attempt: how a
        # redelivered chunk still tells created from unchanged.
        "before": _OPAQUE,
        "failures": _OPAQUE,
    },
}


class JobStore:
    """Reads and writes of job records and chunk outcomes; the rest of the app never sees ES."""

    def __init__(self, client: Elasticsearch, settings: Settings) -> None:
        self.client = client
        self.settings = settings
        self.jobs = f"{settings.es_index_prefix}jobs"
        self.chunks = f"{settings.es_index_prefix}job-chunks"

    def ensure(self) -> None:
        """Create both indices unless they exist (racing workers are fine)."""
        for name, mapping in ((self.jobs, JOB_MAPPING), (self.chunks, CHUNK_MAPPING)):
            if self.client.indices.exists(index=name):
                continue
            try:
                self.client.indices.create(
                    index=name,
                    settings={
                        "number_of_shards": 1,
                        "number_of_replicas": self.settings.es_replicas,
                    },
                    mappings=mapping,
                )
            except ApiError as error:
                if error.meta.status != 400 or "already_exists" not in str(error):
                    raise

    # --- job records -------------------------------------------------------------------------

    def put_job(self, record: dict[str, Any]) -> None:
        self.client.index(index=self.jobs, id=record["id"], document=record)

    def get_job(self, job_id: str) -> dict[str, Any] | None:
        try:
            record: dict[str, Any] = self.client.get(index=self.jobs, id=job_id)["_source"]
        except NotFoundError:
            return None
        return record

    def update_job(self, job_id: str, changes: dict[str, Any]) -> None:
        self.client.update(index=self.jobs, id=job_id, doc=changes, retry_on_conflict=5)

    def delete_job(self, job_id: str) -> None:
        self.client.options(ignore_status=404).delete(index=self.jobs, id=job_id)

    # --- chunk outcomes ----------------------------------------------------------------------

    @staticmethod
    def chunk_id(job_id: str, chunk: int) -> str:
        return f"{job_id}-{chunk}"

    def start_chunk(self, outcome: dict[str, Any]) -> dict[str, Any]:
        """Record a chunk's first attempt; when an attempt was recorded already, return that."""
        key = self.chunk_id(outcome["job_id"], outcome["chunk"])
        try:
            self.client.create(index=self.chunks, id=key, document=outcome)
        except ConflictError:
            recorded: dict[str, Any] = self.client.get(index=self.chunks, id=key)["_source"]
            return recorded
        return outcome

    def cancel_chunks(self, outcomes: list[dict[str, Any]]) -> None:
        """Record these outcomes of chunks not started, in bulk; each is a create, so a chunk a
        worker started meanwhile keeps its own (and finishes)."""
        helpers.bulk(
            self.client,
            (
                {
                    "_op_type": "create",
                    "_index": self.chunks,
                    "_id": self.chunk_id(outcome["job_id"], outcome["chunk"]),
                    "_source": outcome,
                }
                for outcome in outcomes
            ),
            raise_on_error=False,
        )

    def get_chunk(self, job_id: str, chunk: int) -> dict[str, Any] | None:
        try:
            chunk_id = self.chunk_id(job_id, chunk)
            outcome: dict[str, Any] = self.client.get(index=self.chunks, id=chunk_id)["_source"]
        except NotFoundError:
            return None
        return outcome

    def put_chunk(self, outcome: dict[str, Any]) -> None:
        key = self.chunk_id(outcome["job_id"], outcome["chunk"])
        self.client.index(index=self.chunks, id=key, document=outcome)

    def get_chunks(
        self, job_id: str, chunks: Sequence[int], with_failures: bool = False
    ) -> dict[int, dict[str, Any]]:
        """The outcomes recorded so far among these chunks, by chunk number (real-time)."""
        if not chunks:
            return {}
        excludes = ["before"] if with_failures else ["before", "failures"]
        response = self.client.mget(
            index=self.chunks,
            ids=[self.chunk_id(job_id, chunk) for chunk in chunks],
            source_excludes=excludes,
        )
        return {
            doc["_source"]["chunk"]: doc["_source"] for doc in response["docs"] if doc.get("found")
        }
