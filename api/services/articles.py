"""Storing articles: identity, idempotency, extraction and writes, for one article or a batch.

Identity: an article's id derives from its canonical URL when the client gives one (scheme and
host case, default ports, fragments and tracking parameters normalised away), otherwise from a
fingerprint of its normalised text (or HTML). Posting the same input again changes nothing
and answers 200; posting changed input under the same id replaces the stored article (200).
Whether the input changed is decided by a hash of the validated input, before any extraction,
so re-posting a known article costs one lookup.

Concurrency: every write is conditional on the version it was built on (or on the id being
new), so a write that loses a race is never lost silently and never half-applied. Without a
client precondition the loser reads the new version and applies itself again (a create turns
into "already stored" or an update keeping the winner's `created_at`; a PATCH merges again).
With If-Match or If-None-Match the loser answers 412 instead, as RFC 9110 asks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import courlan
from marshmallow import ValidationError
from werkzeug.datastructures import ETags

from api.extraction import CoreNLPEngine, NerUnavailable, extract, extract_many
from api.extraction.credits import as_credits
from api.extraction.outlets import outlet_for_name
from api.store import VersionConflict
from api.store.index import ArticleIndex, BulkOutcome, StoredArticle, Version
from api.textnorm import fold
from api.web.metrics import ServiceMetrics
from api.web.problems import ProblemError, field_messages
from schemas.articles import ArticleInSchema

log = logging.getLogger(__name__)

# Fields a client owns: PATCH may change exactly these.
CLIENT_FIELDS = ("title", "url", "authors", "outlet", "published_at", "language")
_INPUT_SCHEMA = ArticleInSchema()
# A write re-applied this often without getting through is under a storm of concurrent edits:
# answer 409 rather than loop on.
MAX_WRITE_ATTEMPTS = 10


@dataclass(frozen=True)
class WriteResult:
    article: dict[str, Any]
    created: bool
    version: Version
    outcome: str  # created, updated or unchanged


@dataclass(frozen=True)
class Precondition:
    """A write's If-Match and If-None-Match (RFC 9110 13.1.1-2); empty ETags: not given."""

    if_match: ETags = field(default_factory=ETags)
    if_none_match: ETags = field(default_factory=ETags)

    @property
    def given(self) -> bool:
        return bool(self.if_match or self.if_none_match)

    def check(self, stored: StoredArticle | None) -> None:
        """Raise 412 unless the stored article (None: there is none) satisfies both fields."""
        tag = stored.version.tag if stored else None
        if self.if_match and (tag is None or not self.if_match.contains(tag)):
            raise precondition_failed("The article has changed since that ETag was issued.")
        if self.if_none_match and tag is not None and self.if_none_match.contains_weak(tag):
            raise precondition_failed("The article exists already.")


NO_PRECONDITION = Precondition()


def precondition_failed(detail: str) -> ProblemError:
    return ProblemError(412, detail, kind="precondition-failed")


def canonical_url(url: str) -> str:
    """`HTTPS://Example.com:443/a?utm_source=x#top` -> `https://example.com/a`; a punycode
    host becomes its Unicode spelling (`xn--mnchen-3ya.de` -> `münchen.de`)."""
    normalized = courlan.normalize_url(url)
    return urlsplit(normalized)._replace(fragment="").geturl()


def article_id(payload: dict[str, Any]) -> str:
    if payload.get("url"):
        basis = "url:" + canonical_url(payload["url"])
    else:
        basis = "text:" + fold(payload.get("text") or payload.get("html") or "")
    return hashlib.sha256(basis.encode()).hexdigest()[:32]


def input_hash(payload: dict[str, Any]) -> str:
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def build_article(payload: dict[str, Any], extracted: dict[str, Any]) -> dict[str, Any]:
    """The article resource as `POST /extract` shows it: extraction plus derived fields."""
    article = dict(extracted)
    provenance = dict(article.get("provenance", {}))
    url = payload.get("url") or article.get("url")
    if payload.get("url"):
        provenance["url"] = "provided"
    article["url"] = canonical_url(url) if url else None
    article["word_count"] = len((article.get("text") or "").split())
    article["provenance"] = provenance
    return article


class ArticleService:
    """Validated payloads in, stored articles out. Views and the CLI share this path."""

    def __init__(
        self,
        index: ArticleIndex,
        ner: CoreNLPEngine,
        limits: dict[str, int],
        metrics: ServiceMetrics,
    ) -> None:
        """limits: the largest `text` and `html` accepted, in UTF-8 bytes."""
        self.index = index
        self.ner = ner
        self.limits = limits
        self.metrics = metrics

    def _extract(self, payload: dict[str, Any]) -> dict[str, Any]:
        with self.metrics.extraction_seconds.time():
            return extract(payload, self.ner)

    # --- checks ------------------------------------------------------------------------------

    def oversized_fields(self, payload: dict[str, Any]) -> dict[str, list[str]]:
        return {
            name: [f"Longer than the limit of {limit} bytes."]
            for name, limit in self.limits.items()
            if len((payload.get(name) or "").encode()) > limit
        }

    def check_size(self, payload: dict[str, Any]) -> None:
        oversized = self.oversized_fields(payload)
        if oversized:
            raise ProblemError(
                413,
                "The article is larger than this service accepts.",
                kind="article-too-large",
                errors=oversized,
            )

    # --- single articles ---------------------------------------------------------------------

    def preview(self, payload: dict[str, Any]) -> dict[str, Any]:
        self.check_size(payload)
        return build_article(payload, self._extract(payload))

    def save(
        self, payload: dict[str, Any], refresh: str, precondition: Precondition = NO_PRECONDITION
    ) -> WriteResult:
        """Create the article, or update it if its input changed; idempotent."""
        self.check_size(payload)
        article_key = article_id(payload)
        stored = self.index.get(article_key)
        precondition.check(stored)
        result = self._store(
            article_key,
            input_hash(payload),
            cache(lambda: build_article(payload, self._extract(payload))),
            stored,
            refresh,
            precondition,
        )
        self.metrics.count_articles(result.outcome)
        return result

    def _store(
        self,
        article_key: str,
        digest: str,
        built: Callable[[], dict[str, Any]],
        stored: StoredArticle | None,
        refresh: str,
        precondition: Precondition,
    ) -> WriteResult:
        """Write `built()` over whatever is stored now, reading again after each lost race."""
        for _ in range(MAX_WRITE_ATTEMPTS):
            if stored and stored.content_hash == digest:
                return WriteResult(stored.article, False, stored.version, "unchanged")
            article = self._stamp(built(), article_key, stored)
            try:
                if stored:
                    version = self.index.replace(article, digest, refresh, stored.version)
                    return WriteResult(article, False, version, "updated")
                version = self.index.create(article, digest, refresh)
                return WriteResult(article, True, version, "created")
            except VersionConflict:
                if precondition.given:
                    raise precondition_failed("The article changed while this write ran.") from None
                stored = self.index.get(article_key)
        raise VersionConflict(article_key)

    def replace(
        self,
        article_key: str,
        payload: dict[str, Any],
        refresh: str,
        precondition: Precondition = NO_PRECONDITION,
    ) -> WriteResult:
        self.check_size(payload)
        stored = self._require(article_key)
        precondition.check(stored)
        built = build_article(payload, self._extract(payload))
        result = self._rewrite(
            article_key,
            lambda current: (self._stamp(built, article_key, current), input_hash(payload)),
            stored,
            refresh,
            precondition,
        )
        self.metrics.count_articles("updated")
        return result

    def patch(
        self,
        article_key: str,
        changes: dict[str, Any],
        refresh: str,
        precondition: Precondition = NO_PRECONDITION,
    ) -> WriteResult:
        """Merge client-owned fields into the stored article; extracted fields stay as they are."""
        stored = self._require(article_key)
        precondition.check(stored)
        return self._rewrite(
            article_key,
            lambda current: (_merge(current.article, changes), current.content_hash or ""),
            stored,
            refresh,
            precondition,
        )

    def _rewrite(
        self,
        article_key: str,
        make: Callable[[StoredArticle], tuple[dict[str, Any], str]],
        stored: StoredArticle,
        refresh: str,
        precondition: Precondition,
    ) -> WriteResult:
        """Write `make(current)` on the current version, making it again after a lost race."""
        for _ in range(MAX_WRITE_ATTEMPTS):
            article, digest = make(stored)
            try:
                version = self.index.replace(article, digest, refresh, stored.version)
                return WriteResult(article, False, version, "updated")
            except VersionConflict:
                if precondition.given:
                    raise precondition_failed("The article changed while this write ran.") from None
                stored = self._require(article_key)
        raise VersionConflict(article_key)

    def delete(
        self, article_key: str, refresh: str, precondition: Precondition = NO_PRECONDITION
    ) -> None:
        expected = None
        if precondition.given:
            stored = self._require(article_key)
            precondition.check(stored)
            expected = stored.version
        try:
            deleted = self.index.delete(article_key, refresh, expected)
        except VersionConflict:
            raise precondition_failed("The article changed while this delete ran.") from None
        if not deleted:
            raise _not_found(article_key)

    def get(self, article_key: str) -> StoredArticle:
        return self._require(article_key)

    # --- batches -----------------------------------------------------------------------------

    def save_batch(self, raw_items: Iterable[Any], refresh: str) -> dict[str, Any]:
        """Store many articles; every item gets its own status and nothing fails silently."""
        results: list[dict[str, Any]] = []
        valid: list[tuple[int, dict[str, Any], str, str]] = []
        for position, raw in enumerate(raw_items):
            payload, errors, status = self._validate_item(raw)
            if errors:
                results.append({"index": position, "status": status, "errors": errors})
                continue
            results.append({"index": position})
            valid.append((position, payload, article_id(payload), input_hash(payload)))

        stored = self.index.get_many(list(dict.fromkeys(key for _, _, key, _ in valid)))
        # The last item for an id is the one written; earlier ones share its outcome.
        last_for_id = {key: (position, payload, digest) for position, payload, key, digest in valid}
        to_write = {
            key: item
            for key, item in last_for_id.items()
            if not (key in stored and stored[key].content_hash == item[2])
        }
        built = self._extract_all(to_write)
        created: set[str] = set()
        outcomes: dict[str, BulkOutcome] = {}
        for outcome in self.index.bulk_write(
            [
                {
                    "op": "index" if key in stored else "create",
                    "article": self._stamp(article, key, stored.get(key)),
                    "content_hash": to_write[key][2],
                    "expected": stored[key].version if key in stored else None,
                }
                for key, article in built.items()
            ],
            refresh,
        ):
            if outcome.status == 409:
                # A concurrent write got there first: store this item over it, one by one.
                again = self._store(
                    outcome.id,
                    to_write[outcome.id][2],
                    lambda article=built[outcome.id]: article,
                    self.index.get(outcome.id),
                    refresh,
                    NO_PRECONDITION,
                )
                outcome = BulkOutcome(id=outcome.id, ok=True, status=201 if again.created else 200)
            if outcome.ok and outcome.status == 201:
                created.add(outcome.id)
            outcomes[outcome.id] = outcome
        seen: set[str] = set()
        for position, _, key, _ in valid:
            result = results[position]
            outcome = outcomes.get(key)
            result["id"] = key
            if key in to_write and key not in built:
                result["status"] = 422
                result["errors"] = {"_extraction": ["The article could not be processed."]}
            elif outcome is None:  # unchanged input: nothing to write
                result["status"] = 200
            elif not outcome.ok:
                # 400 means the document itself was refused; anything else (a full queue, a
                # read-only index) is the node's state, worth retrying later.
                result["status"] = 422 if outcome.status == 400 else 503
                result["errors"] = {"elasticsearch": [outcome.error or "rejected"]}
            else:
                result["status"] = 201 if key in created and key not in seen else 200
            seen.add(key)
        summary = {
            "items": results,
            "created": sum(1 for r in results if r["status"] == 201),
            "updated": sum(1 for r in results if r["status"] == 200),
            "failed": sum(1 for r in results if r["status"] >= 400),
        }
        for name in ("created", "updated", "failed"):
            self.metrics.count_articles(name, summary[name])
        return summary

    def _validate_item(self, raw: Any) -> tuple[dict[str, Any], dict[str, Any] | None, int]:
        if not isinstance(raw, dict):
            return {}, {"_schema": ["Each article must be a JSON object."]}, 422
        try:
            payload = _INPUT_SCHEMA.load(raw)
        except ValidationError as error:
            return {}, field_messages(error), 422
        oversized = self.oversized_fields(payload)
        if oversized:
            return {}, oversized, 413
        return payload, None, 0

    def _extract_all(
        self, to_write: dict[str, tuple[int, dict[str, Any], str]]
    ) -> dict[str, dict[str, Any]]:
        """Extract in one pipeline pass; articles whose extraction fails are left out.

        NerUnavailable is not an article's fault: it fails the whole batch, so that nothing is
        stored without its people and organisations.
        """
        keys = list(to_write)
        payloads = [to_write[key][1] for key in keys]
        try:
            with self.metrics.extraction_seconds.time():
                extracted = extract_many(payloads, self.ner)
        except NerUnavailable:
            raise
        except Exception:
            # One article broke the batched pipeline: redo them one by one to isolate it.
            log.exception("batched extraction failed; retrying item by item")
            extracted = []
            for payload in payloads:
                try:
                    extracted.append(extract(payload, self.ner))
                except NerUnavailable:
                    raise
                except Exception:
                    log.exception("extraction failed for one batch item")
                    self.metrics.count_component_error("extraction", "failed")
                    extracted.append(None)
        articles: dict[str, dict[str, Any]] = {}
        for key, payload, metadata in zip(keys, payloads, extracted, strict=True):
            if metadata is not None:
                articles[key] = build_article(payload, metadata)
        return articles

    # --- helpers -----------------------------------------------------------------------------

    def _stamp(
        self, article: dict[str, Any], article_key: str, stored: StoredArticle | None
    ) -> dict[str, Any]:
        now = _now()
        return {
            "id": article_key,
            **article,
            "created_at": stored.article.get("created_at", now) if stored else now,
            "updated_at": now,
        }

    def _require(self, article_key: str) -> StoredArticle:
        stored = self.index.get(article_key)
        if stored is None:
            raise _not_found(article_key)
        return stored


def _merge(stored: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """The stored article with a PATCH's client-owned fields applied."""
    article = dict(stored)
    provenance = dict(article.get("provenance", {}))
    for name, value in changes.items():
        if name == "outlet":
            value = outlet_for_name(value) if value else None
        elif name == "url":
            value = canonical_url(value) if value else None
        elif name == "authors":
            outlet = changes.get("outlet", stored.get("outlet"))
            value = as_credits(
                value, outlet_for_name(outlet) if isinstance(outlet, str) else outlet
            )
        article[name] = value
        if value in (None, []):
            provenance.pop(name, None)
        else:
            provenance[name] = "provided"
    article["provenance"] = provenance
    article["updated_at"] = _now()
    return article


def _not_found(article_key: str) -> ProblemError:
    return ProblemError(404, f"No article with id {article_key!r}.", kind="not-found")
