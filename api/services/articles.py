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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import courlan
from marshmallow import ValidationError

from api.errors import Conflict, NotFound, PreconditionFailed, TooLarge
from api.extraction import CoreNLPEngine, NerUnavailable, extract, extract_many
from api.extraction.credits import as_credits
from api.extraction.outlets import outlet_for_name
from api.services.metrics import ServiceMetrics
from api.services.stories import Lookout, StoryKeeper, own_story
from api.store.documents import text_key
from api.store.index import ArticleIndex, BulkOutcome, StoredArticle, Version
from api.textnorm import fold
from schemas.articles import ArticleInSchema
from schemas.common import field_messages

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


ANY_VERSION = "*"


@dataclass
class BatchItem:
    """One article of a batch, from validation to its answer; status 0: not decided yet."""

    position: int
    payload: dict[str, Any] = field(default_factory=dict)
    id: str = ""
    digest: str = ""
    status: int = 0
    errors: dict[str, Any] | None = None

    def fail(self, status: int, errors: dict[str, Any]) -> None:
        self.status, self.errors = status, errors

    def result(self) -> dict[str, Any]:
        result: dict[str, Any] = {"index": self.position}
        if self.id:
            result["id"] = self.id
        result["status"] = self.status
        if self.errors:
            result["errors"] = self.errors
        return result


@dataclass(frozen=True)
class Precondition:
    """A write's If-Match and If-None-Match (RFC 9110 13.1.1-2) as sets of version tags;
    None: not given, `ANY_VERSION`: `*`. If-Match compares strongly, so it holds only the
    strong tags given (an If-Match of weak tags only is an empty set, which nothing matches);
    If-None-Match compares weakly, so it holds both."""

    if_match: frozenset[str] | None = None
    if_none_match: frozenset[str] | None = None

    @property
    def given(self) -> bool:
        return self.if_match is not None or self.if_none_match is not None

    def check(self, stored: StoredArticle | None) -> None:
        """Raise PreconditionFailed unless the stored article (None: there is none) satisfies
        both fields."""
        tag = stored.version.tag if stored else None
        if self.if_match is not None and (tag is None or not _names(self.if_match, tag)):
            raise PreconditionFailed("The article has changed since that ETag was issued.")
        if self.if_none_match is not None and tag is not None and _names(self.if_none_match, tag):
            raise PreconditionFailed("The article exists already.")


def _names(tags: frozenset[str], tag: str) -> bool:
    return ANY_VERSION in tags or tag in tags


NO_PRECONDITION = Precondition()


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


def _returning(article: dict[str, Any]) -> Callable[[], dict[str, Any]]:
    """A builder that has already built: the article as it is."""
    return lambda: article


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
        stories: StoryKeeper | None = None,
    ) -> None:
        """limits: the largest `text` and `html` accepted, in UTF-8 bytes; stories: None only
        to measure what stories cost."""
        self.index = index
        self.ner = ner
        self.limits = limits
        self.metrics = metrics
        self.stories = stories

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
            raise TooLarge("The article is larger than this service accepts.", errors=oversized)

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
        if stored is None and (copy := self._exact_copy(payload)) is not None:
            precondition.check(copy)
            return WriteResult(copy.article, False, copy.version, "unchanged")
        precondition.check(stored)
        result = self._store(
            article_key,
            input_hash(payload),
            cache(lambda: build_article(payload, self._extract(payload))),
            stored,
            refresh,
            precondition,
        )
        if result.outcome != "unchanged":
            self._reconcile([result.article], refresh)
        self.metrics.count_articles(result.outcome)
        return result

    def _exact_copy(self, payload: dict[str, Any]) -> StoredArticle | None:
        """The stored article a URL-less text is, whatever its URL: the same folded text.

        With a URL each publication stays its own record (and joins the story instead).
        """
        if payload.get("url") or not payload.get("text"):
            return None
        return self.index.find_texts([text_key(payload["text"])]).get(text_key(payload["text"]))

    def _reconcile(self, articles: list[dict[str, Any]], refresh: str) -> None:
        """Join the written articles to their stories; their `story` shows where they ended."""
        if self.stories is None or not articles:
            return
        self._show_moves(articles, self.stories.reconcile(articles, refresh))

    @staticmethod
    def _show_moves(articles: list[dict[str, Any]], moves: dict[str, dict[str, Any]]) -> None:
        for article in articles:
            if article["id"] in moves:
                article["story"] = moves[article["id"]]

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
            article = self._stamp_in_story(built(), article_key, stored)
            try:
                if stored:
                    version = self.index.replace(article, digest, refresh, stored.version)
                    return WriteResult(article, False, version, "updated")
                version = self.index.create(article, digest, refresh)
                return WriteResult(article, True, version, "created")
            except Conflict:
                if precondition.given:
                    raise PreconditionFailed("The article changed while this write ran.") from None
                stored = self.index.get(article_key)
        raise Conflict(article_key)

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
            lambda current: (
                self._stamp_in_story(built, article_key, current),
                input_hash(payload),
            ),
            stored,
            refresh,
            precondition,
        )
        self._reconcile([result.article], refresh)
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
            except Conflict:
                if precondition.given:
                    raise PreconditionFailed("The article changed while this write ran.") from None
                stored = self._require(article_key)
        raise Conflict(article_key)

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
        except Conflict:
            raise PreconditionFailed("The article changed while this delete ran.") from None
        if not deleted:
            raise _not_found(article_key)

    def get(self, article_key: str) -> StoredArticle:
        return self._require(article_key)

    # --- batches -----------------------------------------------------------------------------

    def save_batch(self, raw_items: Iterable[Any], refresh: str) -> dict[str, Any]:
        """Store many articles; every item gets its own status and nothing fails silently."""
        items = [self._batch_item(position, raw) for position, raw in enumerate(raw_items)]
        valid = [item for item in items if item.status == 0]
        stored = self.index.get_many(list(dict.fromkeys(item.id for item in valid)))
        self._resolve_exact_copies(valid, stored)
        # The last item for an id is the one written; earlier ones share its outcome.
        last_for_id = {item.id: item for item in valid}
        to_write = {
            key: item
            for key, item in last_for_id.items()
            if not (key in stored and stored[key].content_hash == item.digest)
        }
        lookout = self.stories.look_out() if self.stories is not None and to_write else None
        built = self._extract_all(to_write, lookout.fingerprint if lookout else None)
        outcomes = self._write_batch(built, to_write, stored, refresh, lookout)
        seen: set[str] = set()
        for item in valid:
            outcome = outcomes.get(item.id)
            if item.id in to_write and item.id not in built:
                item.fail(422, {"_extraction": ["The article could not be processed."]})
            elif outcome is None:  # unchanged input: nothing to write
                item.status = 200
            elif not outcome.ok:
                # 400 means the document itself was refused; anything else (a full queue, a
                # read-only index) is the node's state, worth retrying later.
                status = 422 if outcome.status == 400 else 503
                item.fail(status, {"elasticsearch": [outcome.error or "rejected"]})
            else:
                item.status = 201 if outcome.status == 201 and item.id not in seen else 200
            seen.add(item.id)
        results = [item.result() for item in items]
        counts = {
            "created": sum(1 for r in results if r["status"] == 201),
            "updated": sum(1 for r in results if r["status"] == 200),
            "failed": sum(1 for r in results if r["status"] >= 400),
        }
        for name, count in counts.items():
            self.metrics.count_articles(name, count)
        return {"items": results, **counts}

    def identify(self, raw: Any) -> tuple[str, str] | None:
        """A batch item's article id and input hash; None when it would fail validation."""
        item = self._batch_item(0, raw)
        return None if item.status else (item.id, item.digest)

    def stored_hashes(self, keys: list[str]) -> dict[str, str | None]:
        """The input hash stored under each of these ids, None where nothing is stored."""
        stored = self.index.get_many(list(dict.fromkeys(keys)))
        return {key: stored[key].content_hash if key in stored else None for key in keys}

    def _resolve_exact_copies(
        self, valid: list[BatchItem], stored: dict[str, StoredArticle]
    ) -> None:
        """URL-less items whose text is stored under another id become that article, unchanged."""
        keys = {
            item.position: text_key(item.payload["text"])
            for item in valid
            if item.id not in stored and not item.payload.get("url") and item.payload.get("text")
        }
        copies = self.index.find_texts(sorted(set(keys.values())))
        for item in valid:
            copy = copies.get(keys.get(item.position, ""))
            if copy is not None:
                item.id = copy.article["id"]
                stored[item.id] = copy
                item.digest = copy.content_hash or ""

    def _batch_item(self, position: int, raw: Any) -> BatchItem:
        """Validate one raw item: a failed item carries its status and errors already."""
        item = BatchItem(position)
        if not isinstance(raw, dict):
            item.fail(422, {"_schema": ["Each article must be a JSON object."]})
            return item
        try:
            payload = _INPUT_SCHEMA.load(raw)
        except ValidationError as error:
            item.fail(422, field_messages(error))
            return item
        oversized = self.oversized_fields(payload)
        if oversized:
            item.fail(413, oversized)
            return item
        item.payload, item.id, item.digest = payload, article_id(payload), input_hash(payload)
        return item

    def _write_batch(
        self,
        built: dict[str, dict[str, Any]],
        to_write: dict[str, BatchItem],
        stored: dict[str, StoredArticle],
        refresh: str,
        lookout: Lookout | None,
    ) -> dict[str, BulkOutcome]:
        """Write the built articles in bulk, each conditional on the version it was built on;
        `lookout`: the stories' plan, started before the extraction."""
        stamped = {
            key: self._stamp(article, key, stored.get(key)) for key, article in built.items()
        }
        plan = (
            self.stories.plan(list(stamped.values()), lookout)
            if self.stories is not None and lookout is not None
            else None
        )
        # The stored articles that join these stories move in the same bulk request.
        rewrites, stale = self.index.story_rewrites(plan.moves) if plan else ([], [])
        outcomes: dict[str, BulkOutcome] = {}
        versions: dict[str, Version] = {}
        own_writes: int | None = 0 if not stale else None
        for outcome in self.index.bulk_write(
            [
                {
                    "op": "index" if key in stored else "create",
                    "article": stamped[key],
                    "content_hash": to_write[key].digest,
                    "expected": stored[key].version if key in stored else None,
                }
                for key in built
            ]
            + rewrites,
            refresh,
        ):
            if own_writes is not None:
                own_writes = own_writes + 1 if outcome.ok else None
            if outcome.version is not None:
                versions[outcome.id] = outcome.version
            if outcome.id not in built:
                continue  # a story move: a lost one is made again by the reconciliation
            if outcome.status == 409:
                # A concurrent write got there first: store this item over it, one by one.
                again = self._store(
                    outcome.id,
                    to_write[outcome.id].digest,
                    _returning(built[outcome.id]),
                    self.index.get(outcome.id),
                    refresh,
                    NO_PRECONDITION,
                )
                outcome = BulkOutcome(id=outcome.id, ok=True, status=201 if again.created else 200)
            outcomes[outcome.id] = outcome
        written = [stamped[key] for key, outcome in outcomes.items() if outcome.ok]
        if plan is not None and self.stories is not None and written:
            moved = [action["document"] for action in rewrites]
            self._show_moves(
                written,
                self.stories.settle(written, plan, own_writes, refresh, moved, versions),
            )
        return outcomes

    def _extract_all(
        self,
        to_write: dict[str, BatchItem],
        on_prepared: Callable[[list[dict[str, Any]]], None] | None = None,
    ) -> dict[str, dict[str, Any]]:
        """Extract in one pipeline pass; articles whose extraction fails are left out.

        NerUnavailable is not an article's fault: it fails the whole batch, so that nothing is
        stored without its people and organisations.
        """
        keys = list(to_write)
        payloads = [to_write[key].payload for key in keys]
        extracted: Sequence[dict[str, Any] | None]
        try:
            with self.metrics.extraction_seconds.time():
                extracted = extract_many(payloads, self.ner, on_prepared)
        except NerUnavailable:
            raise
        except Exception:
            # One article broke the batched pipeline: redo them one by one to isolate it.
            log.exception("batched extraction failed; retrying item by item")
            one_by_one: list[dict[str, Any] | None] = []
            for payload in payloads:
                try:
                    one_by_one.append(extract(payload, self.ner))
                except NerUnavailable:
                    raise
                except Exception:
                    log.exception("extraction failed for one batch item")
                    self.metrics.count_component_error("extraction", "failed")
                    one_by_one.append(None)
            extracted = one_by_one
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
        stamped = {
            "id": article_key,
            **article,
            "created_at": stored.article.get("created_at", now) if stored else now,
            "updated_at": now,
        }
        # A new text starts as a story of its own; reconciliation then joins it to its copies.
        stamped["story"] = own_story(stamped)
        return stamped

    def _stamp_in_story(
        self, article: dict[str, Any], article_key: str, stored: StoredArticle | None
    ) -> dict[str, Any]:
        stamped = self._stamp(article, article_key, stored)
        if self.stories is not None:
            self.stories.assign([stamped])
        return stamped

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


def _not_found(article_key: str) -> NotFound:
    return NotFound(f"No article with id {article_key!r}.")
