"""Asynchronous ingest jobs: submit, follow, cancel, and the work of one chunk.

A job is accepted (202) once its whole body is staged in the broker and a task per chunk is
queued (api/broker.py); its record lives in Elasticsearch (api/store/jobs.py), so it outlives
a broker restart. Workers process chunks with the same batch path as `POST /articles/batch`.

Redelivery is harmless by construction:
- articles: ids derive from URL or text and unchanged input is not rewritten
  (api/services/articles.py), so a chunk done twice stores every article once;
- counts: each chunk has one outcome document, written when it finishes; a redelivered chunk
  whose outcome exists is skipped, and one that died midway is classified against the snapshot
  of what was stored before its first attempt (so an article it wrote before dying still counts
  as created, not unchanged). A job's counts are the sum of its chunks' outcomes.

The same makes the sweep safe: a chunk whose task a dying worker took with it (api/broker.py)
is queued again, and were it not lost after all, it would only be done twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from collections.abc import Iterable
from typing import Any

from werkzeug.http import HTTP_STATUS_CODES

from api.broker import BrokerUnavailable, JobBroker
from api.config import Settings
from api.errors import EmptyJob, JobTooLarge, NotFound
from api.extraction import NerUnavailable
from api.services.articles import ArticleService
from api.store import BACKEND_ERRORS, Failure, classify
from api.store.jobs import JobStore
from schemas.common import PROBLEM_TYPE_PREFIX

log = logging.getLogger(__name__)

COUNTS = ("created", "updated", "unchanged", "failed")
FINAL_CHUNK_STATES = frozenset({"done", "cancelled"})
_JOB_ID = re.compile(r"[0-9a-f]{32}")


class RetryChunk(Exception):
    """A chunk met an unavailable component; run it again after `countdown` seconds."""

    def __init__(self, countdown: float, reason: str) -> None:
        super().__init__(reason)
        self.countdown = countdown


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _parse(moment: str) -> dt.datetime:
    return dt.datetime.fromisoformat(moment.replace("Z", "+00:00"))


def problem(status: int, kind: str, detail: str, errors: Any = None) -> dict[str, Any]:
    """An item's problem details (RFC 9457), as an error response would carry them."""
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_PREFIX + kind,
        "title": HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return body


def _item_problem(item: dict[str, Any]) -> dict[str, Any]:
    """The problem of one failed item of ArticleService.save_batch's answer."""
    status, errors = item["status"], item.get("errors")
    if status == 413:
        return problem(413, "article-too-large", "The article is larger than accepted.", errors)
    if status == 503:
        return problem(503, "search-unavailable", "Elasticsearch refused the write.", errors)
    if errors and "_extraction" in errors:
        return problem(422, "extraction-failed", "The article could not be processed.", errors)
    if errors and "elasticsearch" in errors:
        return problem(422, "document-rejected", "The index refused the article.", errors)
    return problem(422, "validation-error", "The article did not pass validation.", errors)


def _unavailable_problem(error: Exception) -> dict[str, Any]:
    if isinstance(error, NerUnavailable):
        component = "ner-unavailable", "The named-entity server (Stanford CoreNLP)"
    else:
        component = "search-unavailable", "The search backend (Elasticsearch)"
    return problem(
        503,
        component[0],
        f"{component[1]} stayed unavailable through every retry; submit the item again.",
    )


def _is_unavailable(error: Exception) -> bool:
    if isinstance(error, NerUnavailable | BrokerUnavailable):
        return True
    return isinstance(error, BACKEND_ERRORS) and classify(error) is Failure.UNAVAILABLE


def _classify(
    item: dict[str, Any],
    identity: tuple[str, str] | None,
    before: dict[str, str | None],
    seen: set[str],
) -> str:
    """created, updated or unchanged: a stored item judged against what was stored before the
    chunk's first attempt, so that a redelivered chunk counts what it wrote the first time."""
    key, digest = item["id"], identity[1] if identity else ""
    if key in seen:
        return "unchanged"  # a repeat within the chunk: the same article again
    if item["status"] == 201:
        return "created"
    if key not in before:
        return "unchanged"  # resolved to an exact copy stored under another id
    if before[key] is None:
        return "created"  # by an earlier attempt of this chunk
    return "unchanged" if before[key] == digest else "updated"


class JobService:
    def __init__(
        self, store: JobStore, broker: JobBroker, articles: ArticleService, settings: Settings
    ) -> None:
        self.store = store
        self.broker = broker
        self.articles = articles
        self.settings = settings

    # --- submitting --------------------------------------------------------------------------

    def submit(self, items: Iterable[Any]) -> dict[str, Any]:
        """Stage the articles chunk by chunk, then queue one task per chunk."""
        self.broker.ping()
        self.store.ensure()
        size, limit = self.settings.job_chunk_size, self.settings.job_max_items
        record: dict[str, Any] = {
            "id": uuid.uuid4().hex,
            "state": "receiving",
            "cancelled": False,
            "total": 0,
            "chunks": 0,
            "chunk_size": size,
            "submitted_at": _iso(_now()),
        }
        self.store.put_job(record)
        total, chunks, chunk = 0, 0, []
        try:
            for item in items:
                total += 1
                if total > limit:
                    raise JobTooLarge(
                        f"A job holds at most {limit} articles; this one has more.",
                        errors={"articles": [f"At most {limit} items."]},
                    )
                chunk.append(item)
                if len(chunk) == size:
                    self.broker.stage(record["id"], chunk)
                    chunks, chunk = chunks + 1, []
            if chunk:
                self.broker.stage(record["id"], chunk)
                chunks += 1
            if not total:
                raise EmptyJob(
                    'A job needs at least one article, as {"articles": [...]} or NDJSON.',
                    errors={"articles": ["Shorter than minimum length 1."]},
                )
        except BaseException:
            # Refused or broken off: the job never existed, and nothing of it stays staged.
            self._discard(record["id"])
            raise
        record.update(state="queued", total=total, chunks=chunks)
        self.store.put_job(record)
        try:
            self.broker.publish(record["id"], range(chunks))
        except BrokerUnavailable:
            self.store.update_job(
                record["id"],
                {"state": "failed", "error": "The broker went down while the job was queued."},
            )
            raise
        return self.describe(record["id"])

    def _discard(self, job_id: str) -> None:
        try:
            self.broker.drop(job_id)
        except BrokerUnavailable:
            log.warning("could not drop the staged chunks of refused job %s", job_id)
        self.store.delete_job(job_id)

    # --- reading -----------------------------------------------------------------------------

    def _record(self, job_id: str) -> dict[str, Any]:
        record = self.store.get_job(job_id) if _JOB_ID.fullmatch(job_id) else None
        if record is None or record["state"] == "receiving":
            raise NotFound(f"No job with id {job_id!r}.")
        return record

    def describe(self, job_id: str, page: int = 1, per_page: int = 100) -> dict[str, Any]:
        """The job's status, counts, times, estimate and one page of its failed items."""
        record = self._record(job_id)
        outcomes = self.store.get_chunks(job_id, range(record["chunks"]))
        finals = [o for o in outcomes.values() if o["state"] in FINAL_CHUNK_STATES]
        done = [o for o in finals if o["state"] == "done"]
        counts = {name: sum(o[name] for o in done) for name in COUNTS}
        cancelled = sum(o["items"] for o in finals if o["state"] == "cancelled")
        processed = sum(counts.values())
        if record["state"] == "failed":
            status = "failed"
        elif len(finals) == record["chunks"]:
            status = "cancelled" if cancelled else "done"
        elif outcomes:
            status = "running"
        else:
            status = "queued"
        started = [o["started_at"] for o in outcomes.values() if o.get("started_at")]
        finished = [o["finished_at"] for o in finals]
        started_at = min(started, key=_parse) if started else None
        finished_at = None
        if status in {"done", "cancelled"} and finished:
            finished_at = max(finished, key=_parse)
        remaining = None
        if status == "running" and started_at and processed:
            elapsed = (_now() - _parse(started_at)).total_seconds()
            remaining = round(elapsed / processed * (record["total"] - processed - cancelled), 1)
        return {
            "id": job_id,
            "status": status,
            "total": record["total"],
            "counts": {**counts, "cancelled": cancelled},
            "submitted_at": record["submitted_at"],
            "started_at": started_at,
            "finished_at": finished_at,
            "remaining_seconds": remaining,
            "error": record.get("error"),
            "failures": self._failures(job_id, done, page, per_page),
        }

    def _failures(
        self, job_id: str, done: list[dict[str, Any]], page: int, per_page: int
    ) -> dict[str, Any]:
        """One page of failed items in submission order, reading only the chunks it spans."""
        first = (page - 1) * per_page
        last = first + per_page
        wanted: list[int] = []
        skipped = position = 0
        for outcome in sorted(done, key=lambda o: o["chunk"]):
            end = position + outcome["failed"]
            if outcome["failed"] and end > first and position < last:
                wanted.append(outcome["chunk"])
            elif end <= first:
                skipped = end
            position = end
        detailed = self.store.get_chunks(job_id, wanted, with_failures=True)
        items = [item for chunk in wanted for item in detailed.get(chunk, {}).get("failures", [])]
        start = first - skipped
        return {
            "page": page,
            "per_page": per_page,
            "total": position,
            "items": items[start : start + per_page],
        }

    # --- cancelling --------------------------------------------------------------------------

    def cancel(self, job_id: str) -> dict[str, Any]:
        """Cancel every chunk no worker has started; those under way finish."""
        record = self._record(job_id)
        if record["state"] == "queued" and not record["cancelled"]:
            self.store.update_job(job_id, {"cancelled": True, "cancelled_at": _iso(_now())})
            size, total = record["chunk_size"], record["total"]
            started = self.store.get_chunks(job_id, range(record["chunks"]))
            now = _iso(_now())
            self.store.cancel_chunks(
                [
                    {
                        "job_id": job_id,
                        "chunk": chunk,
                        "state": "cancelled",
                        "items": min(size, total - chunk * size),
                        "started_at": None,
                        "finished_at": now,
                        **dict.fromkeys(COUNTS, 0),
                    }
                    for chunk in range(record["chunks"])
                    if chunk not in started
                ]
            )
        return self.describe(job_id)

    # --- sweeping (every worker calls this on a timer) ----------------------------------------

    def sweep(self) -> dict[str, list[int]]:
        """Queue again the chunks whose task was lost; at most one sweep per JOB_SWEEP_INTERVAL
        among all workers. Returns the chunks queued again, by job."""
        interval = self.settings.job_sweep_interval
        if not self.broker.claim_sweep(interval):
            return {}
        requeued: dict[str, list[int]] = {}
        for job_id, chunks in self.broker.unaccounted(grace=interval).items():
            record = self.store.get_job(job_id)
            if record is None or record["state"] != "queued":
                self.broker.forget(job_id)  # failed at publishing, or another deployment's
                continue
            log.warning("chunks %s of job %s lost their task; queued again", chunks, job_id)
            self.broker.publish(job_id, chunks)
            requeued[job_id] = chunks
        return requeued

    # --- working (a Celery task calls this) --------------------------------------------------

    def run_chunk(self, job_id: str, chunk: int, attempt: int) -> None:
        """Store one chunk's articles and record its outcome, unless it has one already.

        An unavailable NER server, Elasticsearch or broker means RetryChunk, with backoff. After
        JOB_RETRIES the chunk's items are recorded as failed with the reason; while
        Elasticsearch or the broker is down nothing can be recorded or read, so the chunk keeps
        retrying.
        """
        try:
            self._run_chunk(job_id, chunk, attempt)
        except Exception as error:
            if not _is_unavailable(error):
                raise
            raise RetryChunk(self._backoff(attempt), type(error).__name__) from error

    def _backoff(self, attempt: int) -> float:
        # Below the visibility timeout, so a retry held by a worker is never handed out twice.
        cap = self.settings.broker_visibility_timeout / 2
        backoff: float = self.settings.job_retry_backoff * 2 ** min(attempt, 16)
        return min(backoff, cap)

    def _run_chunk(self, job_id: str, chunk: int, attempt: int) -> None:
        record = self.store.get_job(job_id)
        if record is None or record["state"] != "queued":
            log.warning("chunk %s of job %s has no queued job; skipped", chunk, job_id)
            return
        outcome = self.store.get_chunk(job_id, chunk)
        if outcome and outcome["state"] in FINAL_CHUNK_STATES:
            # A redelivery of a finished chunk, or a cancelled one: only note it as finished.
            self.broker.chunk_finished(job_id, chunk, record["chunks"])
            return
        items = self.broker.load(job_id, chunk)
        if items is None:
            self._finish_lost(record, chunk, outcome)
            return
        base = chunk * record["chunk_size"]
        identities = [self.articles.identify(item) for item in items]
        if outcome is None:
            keys = [identity[0] for identity in identities if identity]
            outcome = self.store.start_chunk(
                {
                    "job_id": job_id,
                    "chunk": chunk,
                    "state": "running",
                    "items": len(items),
                    "started_at": _iso(_now()),
                    "before": self.articles.stored_hashes(keys),
                }
            )
            if outcome["state"] != "running":
                return  # cancelled (or finished by a racing delivery) meanwhile
        try:
            result = self.articles.save_batch(items, refresh="false")
        except Exception as error:
            if _is_unavailable(error):
                if attempt < self.settings.job_retries:
                    raise
                failed = _unavailable_problem(error)
            else:
                # A fault of ours: redelivering would only fail again, so the items fail.
                log.exception("chunk %s of job %s failed", chunk, job_id)
                failed = problem(
                    500, "internal-error", "The chunk could not be processed; it has been logged."
                )
            positions = range(len(items))
            result = {"items": [{"index": i, "status": failed["status"]} for i in positions]}
            problems = dict.fromkeys(positions, failed)
        else:
            problems = {
                item["index"]: _item_problem(item)
                for item in result["items"]
                if item["status"] >= 400
            }
            transient = any(problem["status"] == 503 for problem in problems.values())
            if transient and attempt < self.settings.job_retries:
                raise RetryChunk(self._backoff(attempt), "elasticsearch rejected items")
        counts = dict.fromkeys(COUNTS, 0)
        failures = []
        seen: set[str] = set()
        before = outcome.get("before") or {}
        for item in result["items"]:
            position = item["index"]
            if position in problems:
                counts["failed"] += 1
                failure = {"index": base + position, "problem": problems[position]}
                if item.get("id"):
                    failure["id"] = item["id"]
                failures.append(failure)
                continue
            counts[_classify(item, identities[position], before, seen)] += 1
            seen.add(item["id"])
        self._finish(record, {**outcome, **counts, "state": "done", "failures": failures})

    def _finish_lost(
        self, record: dict[str, Any], chunk: int, outcome: dict[str, Any] | None
    ) -> None:
        """The staged articles are gone (expired): every item of the chunk failed."""
        size = min(record["chunk_size"], record["total"] - chunk * record["chunk_size"])
        lost = problem(410, "job-data-gone", "The job's articles expired from the broker.")
        base = chunk * record["chunk_size"]
        self._finish(
            record,
            {
                **(outcome or {"job_id": record["id"], "chunk": chunk, "items": size}),
                "started_at": (outcome or {}).get("started_at") or _iso(_now()),
                **dict.fromkeys(COUNTS, 0),
                "failed": size,
                "state": "done",
                "failures": [{"index": base + i, "problem": lost} for i in range(size)],
            },
        )

    def _finish(self, record: dict[str, Any], outcome: dict[str, Any]) -> None:
        self.store.put_chunk({**outcome, "finished_at": _iso(_now())})
        self.broker.chunk_finished(record["id"], outcome["chunk"], record["chunks"])
