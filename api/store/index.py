"""The articles index behind its alias: creation, single-document writes, bulk and reindex.

A versioned concrete index (`{prefix}articles-v{N}`) sits behind the alias `{prefix}articles`;
everything reads and writes through the alias, so a new mapping version is rolled out by
building the new index client-side (scan + bulk: this distribution has no reindex API) and
swapping the alias atomically.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from elasticsearch import (
    ApiError,
    ConflictError,
    Elasticsearch,
    NotFoundError,
    TransportError,
    helpers,
)

from api.config import Settings
from api.errors import Conflict
from api.extraction import identity
from api.store import (
    PointInTimeExpired,
    SearchAfterRejected,
    documents,
    identity_queries,
    make_client,
    queries,
    server_version,
)
from api.store.mapping import ANALYSIS, MAPPING, MAPPING_VERSION, index_settings

log = logging.getLogger(__name__)

INTERNAL_FIELDS = frozenset({*documents.DERIVED_FIELDS, "content_hash"})
# What client.search() and the point-in-time calls send (the client turns them into its
# compatibility media type).
_JSON = {"accept": "application/json", "content-type": "application/json"}
_ACCEPT_JSON = {"accept": "application/json"}


@dataclass(frozen=True)
class Version:
    """Where a document stands in its shard's history; any write makes a new one."""

    seq_no: int
    primary_term: int

    @property
    def tag(self) -> str:
        """Opaque and unique per version of one id: what the API's ETag carries."""
        return f"{self.primary_term}-{self.seq_no}"

    def condition(self) -> dict[str, int]:
        """The parameters that make a write apply only to this version."""
        return {"if_seq_no": self.seq_no, "if_primary_term": self.primary_term}


class MissingAnalysis(RuntimeError):
    """The cluster lacks analysis the articles index needs: stop at start-up, rather than
    create an index that cannot be, or leave one red that cannot open."""


@dataclass(frozen=True)
class StoredArticle:
    article: dict[str, Any]
    content_hash: str | None
    version: Version


@dataclass(frozen=True)
class StorySize:
    articles: int
    outlets: frozenset[str]
    visible: frozenset[str]  # those of the asked-about articles that search already sees


@dataclass(frozen=True)
class StoredRecord:
    """An article as kept, without its version: what export writes and import reads."""

    article: dict[str, Any]
    content_hash: str | None


@dataclass(frozen=True)
class ShardMark:
    """Where one primary shard's operation sequence stands: every operation up to `applied`
    is in the shard (a refresh makes it searchable), and `issued` is the last one numbered."""

    applied: int
    issued: int


@dataclass(frozen=True)
class BulkOutcome:
    id: str
    ok: bool
    status: int
    error: str | None = None
    version: Version | None = None  # the written version, for a successful item


class ArticleIndex:
    def __init__(self, client: Elasticsearch, settings: Settings) -> None:
        self.client = client
        self.settings = settings
        self.alias = f"{settings.es_index_prefix}articles"
        self._search_path = f"/{_quote(self.alias)}/_search"
        self._pit_path = f"/{_quote(self.alias)}/_pit"

    def reconnect(self) -> None:
        """Replace the client with a new one: a forked process must not share its parent's
        connections, or workers read each other's answers off the same socket."""
        self.client = make_client(self.settings)

    def concrete_name(self, version: int = MAPPING_VERSION) -> str:
        return f"{self.alias}-v{version}"

    # --- lifecycle -------------------------------------------------------------------------

    def check_analysis(self, analysis: dict[str, Any] = ANALYSIS) -> None:
        """Raise MissingAnalysis unless the node knows every analyzer of the mapping: tried
        through the analyze API with each analyzer's chain, which needs no index."""
        for name, analyzer in analysis["analyzer"].items():
            chain = [analysis["filter"].get(step, step) for step in analyzer["filter"]]
            try:
                self.client.indices.analyze(tokenizer=analyzer["tokenizer"], filter=chain, text="")
            except ApiError as error:
                if error.meta.status != 400:
                    raise
                raise MissingAnalysis(
                    f"Elasticsearch lacks analysis that the articles index (mapping v"
                    f"{MAPPING_VERSION}, analyzer {name}) needs: {_reason(error)}. A full "
                    "distribution or a hosted cluster has it built in; the local integ-test "
                    "node gets it from the project's analysis plugin, which "
                    "`scripts/elasticsearch start` builds and installs (docs/search.md)."
                ) from None

    def ensure(self) -> bool:
        """Create the current concrete index and point the alias at it, unless the alias exists."""
        if self.client.indices.exists_alias(name=self.alias):
            return False
        self.check_analysis()
        try:
            self.client.indices.create(
                index=self.concrete_name(),
                settings=index_settings(
                    self.settings.es_shards,
                    self.settings.es_replicas,
                    self.settings.es_refresh_interval,
                ),
                mappings=MAPPING,
                aliases={self.alias: {"is_write_index": True}},
            )
        except ApiError as error:
            # Another worker won the race to create it: fine.
            if error.meta.status != 400 or "already_exists" not in str(error):
                raise
            return False
        log.info("created index %s behind alias %s", self.concrete_name(), self.alias)
        return True

    def status(self) -> dict[str, str]:
        """What /ready reports: the node's version, the alias's health and its name."""
        health = self.client.cluster.health(index=self.alias)
        return {
            "version": server_version(self.client),
            "cluster_status": health["status"],
            "alias": self.alias,
        }

    def concrete_indices(self) -> list[str]:
        """The concrete indices behind the alias, by name."""
        return sorted(self.client.indices.get_alias(name=self.alias).body)

    def alias_exists(self) -> bool:
        return bool(self.client.indices.exists_alias(name=self.alias))

    def drop(self) -> None:
        """Delete every concrete index of this prefix (tests and `reset` only)."""
        self.client.indices.delete(index=f"{self.alias}-v*", ignore_unavailable=True)

    def refresh(self) -> None:
        self.client.indices.refresh(index=self.alias)

    def shard_marks(self) -> dict[str, ShardMark]:
        """Each primary shard's place in its operation sequence (see ShardMark), by index and
        shard: two of these taken around a write tell how many operations it overlapped."""
        response = self.client.indices.stats(
            index=self.alias,
            level="shards",
            metric="indexing",
            filter_path="indices.*.shards.*.routing.primary,indices.*.shards.*.seq_no",
        )
        return {
            f"{name}/{shard}": ShardMark(
                copy["seq_no"]["local_checkpoint"], copy["seq_no"]["max_seq_no"]
            )
            for name, index in response.body.get("indices", {}).items()
            for shard, copies in index["shards"].items()
            for copy in copies
            if copy["routing"]["primary"]
        }

    @contextmanager
    def bulk_loading(self) -> Iterator[None]:
        """Pause periodic refreshes during a large load, then restore them and refresh once.

        Only for one loader at a time (the ingest command): concurrent API batches keep the
        configured interval, since one of them restoring it would cut another's pause short.
        """
        self.client.indices.put_settings(index=self.alias, settings={"refresh_interval": "-1"})
        try:
            yield
        finally:
            self.client.indices.put_settings(
                index=self.alias,
                settings={"refresh_interval": self.settings.es_refresh_interval},
            )
            self.refresh()

    # --- documents ---------------------------------------------------------------------------

    def get(self, article_id: str) -> StoredArticle | None:
        try:
            return _stored(self.client.get(index=self.alias, id=article_id))
        except NotFoundError:
            return None

    def get_many(self, ids: list[str]) -> dict[str, StoredArticle]:
        if not ids:
            return {}
        response = self.client.mget(index=self.alias, ids=ids)
        return {doc["_id"]: _stored(doc) for doc in response["docs"] if doc.get("found")}

    def create(self, article: dict[str, Any], content_hash: str, refresh: str | bool) -> Version:
        """Store a new article; raises Conflict when the id exists already."""
        return self._write(article, content_hash, refresh, op_type="create")

    def replace(
        self,
        article: dict[str, Any],
        content_hash: str,
        refresh: str | bool,
        expected: Version,
    ) -> Version:
        """Overwrite an article only if it is still at `expected`; else Conflict (also
        when it was deleted meanwhile)."""
        return self._write(article, content_hash, refresh, **expected.condition())

    def _write(
        self, article: dict[str, Any], content_hash: str, refresh: str | bool, **condition: Any
    ) -> Version:
        """Index one article under `condition` (op_type or the expected seq_no/primary_term)."""
        try:
            canonical = self.canonical_names([article])
            response = self.client.index(
                index=self.alias,
                id=article["id"],
                document=self._document(article, content_hash, canonical),
                refresh=refresh,
                **condition,
            )
        except ConflictError:
            raise Conflict(article["id"]) from None
        return _version(response)

    def delete(self, article_id: str, refresh: str | bool, expected: Version | None = None) -> bool:
        """Delete an article (with `expected`, only that version); False if there was none."""
        try:
            self.client.delete(
                index=self.alias,
                id=article_id,
                refresh=refresh,
                if_seq_no=expected.seq_no if expected else None,
                if_primary_term=expected.primary_term if expected else None,
            )
        except NotFoundError:
            return False
        except ConflictError:
            raise Conflict(article_id) from None
        return True

    def bulk_write(
        self, actions: list[dict[str, Any]], refresh: str | bool, max_retries: int = 4
    ) -> list[BulkOutcome]:
        """Write `{"op": "create"|"index", "article", "content_hash"[, "expected"]}` actions
        (or, for a stored document written again, `{"op", "id", "document", "expected"}`).

        An `index` action carries the Version it was built on, so that it cannot overwrite a
        concurrent write: such items come back with status 409, for the caller to redo. Items
        the node rejects transiently (429) are retried with exponential backoff by the client's
        helper; every item that still fails is returned with its reason.
        """
        outcomes: list[BulkOutcome] = []
        canonical = self.canonical_names([a["article"] for a in actions if "article" in a])
        bulk_actions = (
            {
                "_op_type": action["op"],
                "_index": self.alias,
                **(
                    {"_id": action["id"], "_source": action["document"]}
                    if "document" in action
                    else {
                        "_id": action["article"]["id"],
                        "_source": self._document(
                            action["article"], action["content_hash"], canonical
                        ),
                    }
                ),
                **(action["expected"].condition() if action.get("expected") else {}),
            }
            for action in actions
        )
        for ok, item in helpers.streaming_bulk(
            self.client,
            bulk_actions,
            chunk_size=500,
            max_retries=max_retries,
            initial_backoff=0.2,
            max_backoff=5,
            raise_on_error=False,
            raise_on_exception=True,
            refresh=refresh,
        ):
            result = next(iter(item.values()))
            error = result.get("error")
            outcomes.append(
                BulkOutcome(
                    id=result["_id"],
                    ok=ok,
                    status=result.get("status", 500),
                    error=_describe_bulk_error(error) if error else None,
                    version=_version(result) if ok and "_seq_no" in result else None,
                )
            )
        return outcomes

    # --- stories -----------------------------------------------------------------------------

    def story_candidates(
        self, bands: list[str], article_ids: list[str], size: int
    ) -> list[dict[str, Any]]:
        """Sources of the articles sharing a band with `bands` or named as story `article_ids`."""
        if not bands and not article_ids:
            return []
        body = queries.story_candidates_body(bands, article_ids, size)
        return [_versioned(hit) for hit in self.search(body)["hits"]["hits"]]

    def story_members(self, story_ids: list[str], size: int) -> tuple[int, list[dict[str, Any]]]:
        """How many articles these stories hold, and the first `size` of them, oldest first
        (each with its `version`, for set_stories)."""
        response = self.search(queries.story_members_body(story_ids, size))
        return response["hits"]["total"]["value"], [
            _versioned(hit) for hit in response["hits"]["hits"]
        ]

    def story_sizes(self, story_ids: list[str], article_ids: list[str]) -> dict[str, StorySize]:
        """story id -> its searchable articles, outlets, and which of `article_ids` are among
        them."""
        if not story_ids:
            return {}
        body = queries.story_sizes_body(story_ids, article_ids)
        buckets = self.search(body)["aggregations"]["stories"]["buckets"]
        return {
            bucket["key"]: StorySize(
                articles=bucket["doc_count"],
                outlets=frozenset(b["key"] for b in bucket["outlets"]["buckets"]),
                visible=frozenset(b["key"] for b in bucket["visible"]["ids"]["buckets"]),
            )
            for bucket in buckets
        }

    def story_rewrites(
        self, stories: dict[str, tuple[dict[str, Any], Version]]
    ) -> tuple[list[dict[str, Any]], list[str]]:
        """The bulk_write actions that give each article its new `story`, each conditional on
        the version it was read at, and the ids that changed since (for the caller to read
        again); articles deleted meanwhile are left out.

        Whole documents are written again, not partial updates: a partial update rebuilds the
        document from _source, which leaves out the folded search fields. The node runs no
        scripts, so there is no other way. The stored _source is reused, with only the fields
        it leaves out computed again (the text's fingerprint does not change with its story).
        """
        if not stories:
            return [], []
        response = self.client.mget(index=self.alias, ids=list(stories))
        current = {doc["_id"]: doc for doc in response["docs"] if doc.get("found")}
        changed = [
            key
            for key, (_, version) in stories.items()
            if key in current and _version(current[key]) != version
        ]
        actions = [
            {
                "op": "index",
                "id": key,
                "document": documents.in_story(current[key]["_source"], story),
                "expected": version,
            }
            for key, (story, version) in stories.items()
            if key in current and key not in changed
        ]
        return actions, changed

    def set_stories(
        self, stories: dict[str, tuple[dict[str, Any], Version]], refresh: str | bool
    ) -> list[str]:
        """Apply `story_rewrites` in one bulk request; returns the ids that changed meanwhile."""
        actions, changed = self.story_rewrites(stories)
        for outcome in self.bulk_write(actions, refresh):
            if outcome.status == 409:
                changed.append(outcome.id)
            elif not outcome.ok and outcome.status != 404:
                # Not an article's fault (a read-only or closed index): the backend's, a 503.
                raise helpers.BulkIndexError(
                    outcome.error or "story update failed", [{"id": outcome.id}]
                )
        return changed

    def find_texts(self, keys: list[str]) -> dict[str, StoredArticle]:
        """text key -> the stored article with that folded text (the oldest if several).

        A search: an article written within the last refresh interval is not found yet.
        """
        if not keys:
            return {}
        hits = self.search(
            {
                "size": 10 * len(keys),
                "query": {"terms": {"text_key": keys}},
                "sort": [{"created_at": "desc"}, {"id": "desc"}],
                "seq_no_primary_term": True,
                "_source": {"excludes": ["story_bands", "story_signature"]},
            }
        )["hits"]["hits"]
        # Oldest last, so that it wins.
        return {hit["_source"]["text_key"]: _stored(hit) for hit in hits}

    # --- search ------------------------------------------------------------------------------

    # The searches and point-in-time calls of GET /articles go through the client's
    # perform_request: the same request, headers, errors and retries as client.search(), without
    # the per-call rewriting of keyword arguments into a body that a body does not need.

    def search(self, body: dict[str, Any]) -> dict[str, Any]:
        """Run a search; a body holding a point-in-time names no index."""
        path = "/_search" if "pit" in body else self._search_path
        try:
            found: dict[str, Any] = self.client.perform_request(
                "POST", path, headers=_JSON, body=body
            ).body
        except ApiError as error:
            if "pit" in body and error.meta.status == 404:
                raise PointInTimeExpired from None
            if "search_after" in body and error.meta.status == 400:
                raise SearchAfterRejected from None
            raise
        return found

    def open_point_in_time(self, keep_alive: str) -> str:
        response = self.client.perform_request(
            "POST", self._pit_path, params={"keep_alive": keep_alive}, headers=_ACCEPT_JSON
        )
        pit_id: str = response.body["id"]
        return pit_id

    def close_point_in_time(self, pit_id: str) -> None:
        self.client.perform_request("DELETE", "/_pit", headers=_JSON, body={"id": pit_id})

    def scan(self) -> Iterator[dict[str, Any]]:
        yield from helpers.scan(self.client, index=self.alias, query={"sort": ["_doc"]})

    def scan_fields(self, fields: list[str]) -> Iterator[dict[str, Any]]:
        """These fields of every article, each with the `version` it was read at."""
        query = {"sort": ["_doc"], "_source": {"includes": fields}, "seq_no_primary_term": True}
        for hit in helpers.scan(self.client, index=self.alias, query=query):
            yield _versioned(hit)

    def count(self, query: dict[str, Any] | None = None) -> int:
        return int(self.client.count(index=self.alias, query=query)["count"])

    def walk(
        self, query: dict[str, Any] | None = None, page_size: int = 500
    ) -> Iterator[StoredRecord]:
        """Every article matching `query` with its content hash, in id order, page by page.

        A point-in-time pins the articles that existed when the walk started, and
        `search_after` on the unique id moves through them, so memory stays one page whatever
        the index holds and two walks of one index give the same order.
        """
        pit_id = self.open_point_in_time("2m")
        after: list[Any] | None = None
        try:
            while True:
                body: dict[str, Any] = {
                    "query": query or {"match_all": {}},
                    "size": page_size,
                    "sort": [{"id": "asc"}],
                    "pit": {"id": pit_id, "keep_alive": "2m"},
                    "track_total_hits": False,
                    "_source": {"excludes": list(documents.DERIVED_FIELDS)},
                }
                if after is not None:
                    body["search_after"] = after
                response = self.client.search(body=body).body
                pit_id = response.get("pit_id", pit_id)
                hits = response["hits"]["hits"]
                for hit in hits:
                    source = hit["_source"]
                    yield StoredRecord(strip_internal(source), source.get("content_hash"))
                if len(hits) < page_size:
                    return
                after = hits[-1]["sort"]
        finally:
            self.close_point_in_time(pit_id)

    def canonical_names(
        self, articles: list[dict[str, Any]], stored: bool = False
    ) -> dict[str, str]:
        """The canonical name of each person these articles name: their most used spelling
        among the stored articles and these, unless they are `stored` already
        (api.store.identity_queries.PersonEntry.name). One aggregation, asked before a write,
        so that new articles carry it."""
        ids = list(dict.fromkeys(i for article in articles for i in documents.person_ids(article)))
        if not ids:
            return {}
        response = self.search(identity_queries.entries_body(ids))
        entries = {e.id: e for e in identity_queries.parse_entries(response["aggregations"])}
        for article in [] if stored else articles:
            for person in article.get("people", []):
                person_id = identity.person_id(person["name"])
                if person_id:
                    entry = entries.setdefault(
                        person_id, identity_queries.PersonEntry(person_id, 0)
                    )
                    entry.count(person["name"], article.get("language"), 1)
        return {entry.id: entry.name for entry in entries.values() if entry.spellings}

    def recompute_identities(self, batch: int = 500) -> IdentityRecount:
        """Compute every article's person and organisation identities again from the stored
        names (after a change of the rules in api.extraction.identity; no re-extraction).

        Two passes: the first writes the new ids and spellings, the second the canonical names
        that the first pass's spellings give. Each write is conditional on the version read, so
        an article written meanwhile (which got its identities from its own write) is left.
        """
        self.refresh()
        rewritten, skipped = self._rewrite_identities(batch, canonical=False)
        self.refresh()
        self._rewrite_identities(batch, canonical=True)
        self.refresh()
        return IdentityRecount(rewritten, skipped)

    def _rewrite_identities(self, batch: int, canonical: bool) -> tuple[int, int]:
        hits = helpers.scan(
            self.client,
            index=self.alias,
            query={"query": {"match_all": {}}, "seq_no_primary_term": True},
            size=batch,
        )
        written = skipped = 0
        page: list[Any] = []
        for hit in itertools.chain(hits, [None]):
            if hit is not None:
                page.append(hit)
                if len(page) < batch:
                    continue
            if not page:
                break
            sources = [strip_internal(h["_source"]) for h in page]
            names = self.canonical_names(sources, stored=True) if canonical else {}
            actions = (
                {
                    "_op_type": "index",
                    "_index": h["_index"],
                    "_id": h["_id"],
                    "if_seq_no": h["_seq_no"],
                    "if_primary_term": h["_primary_term"],
                    "_source": self._document(source, h["_source"].get("content_hash", ""), names),
                }
                for h, source in zip(page, sources, strict=True)
            )
            for ok, _ in helpers.streaming_bulk(self.client, actions, raise_on_error=False):
                written += ok
                skipped += not ok
            page = []
        return written, skipped

    def _document(
        self, article: dict[str, Any], content_hash: str, canonical: dict[str, str] | None = None
    ) -> dict[str, Any]:
        document = documents.to_document(article, canonical)
        # The caller answers with the article as stored: it gains the identities too.
        for field in ("people", "organizations"):
            if field in article:
                article[field] = document[field]
        document["content_hash"] = content_hash
        return document

    # --- migration ---------------------------------------------------------------------------

    def reindex_into(self, version: int) -> int:
        """Copy every article into `articles-v{version}` and move the alias there atomically.

        If anything fails after the target was created, the target is deleted again: left
        half-built, the next run could not create it, and nothing should ever read it.
        """
        target = self.concrete_name(version)
        old_indices = self.concrete_indices()
        self.check_analysis()
        self.refresh()  # the copy must see every write acknowledged so far
        self.client.indices.create(
            index=target,
            settings=index_settings(self.settings.es_shards, self.settings.es_replicas, "-1"),
            mappings=MAPPING,
        )
        try:
            return self._fill_and_swap(target, old_indices)
        except BaseException:
            self._drop_unless_live(target)
            raise

    def _fill_and_swap(self, target: str, old_indices: list[str]) -> int:
        """Bulk-copy every article into `target` (refreshes off), then move the alias to it."""
        copied, _ = helpers.bulk(
            self.client,
            (
                {
                    "_index": target,
                    "_id": hit["_id"],
                    "_source": self._document(
                        strip_internal(hit["_source"]), hit["_source"].get("content_hash", "")
                    ),
                }
                for hit in self.scan()
            ),
        )
        self.client.indices.put_settings(
            index=target, settings={"refresh_interval": self.settings.es_refresh_interval}
        )
        self.client.indices.refresh(index=target)
        swap: list[dict[str, dict[str, Any]]] = [
            {"remove": {"index": name, "alias": self.alias}} for name in old_indices
        ]
        swap.append({"add": {"index": target, "alias": self.alias, "is_write_index": True}})
        self.client.indices.update_aliases(actions=swap)
        return copied

    def _drop_unless_live(self, target: str) -> None:
        """Delete a failed reindex's target, unless the alias moved to it after all (an alias
        swap that timed out on the client may still have happened on the node)."""
        try:
            if not self.client.indices.exists_alias(name=self.alias, index=target):
                self.client.indices.delete(index=target, ignore_unavailable=True)
        except (ApiError, TransportError) as error:
            log.error("could not delete the half-built index %s: %s", target, error)


@dataclass(frozen=True)
class IdentityRecount:
    rewritten: int
    skipped: int  # written meanwhile, or refused by the node


def _reason(error: ApiError) -> str:
    """Elasticsearch's own words for a rejected request."""
    info = error.info if isinstance(error.info, dict) else {}
    return str(info.get("error", {}).get("reason") or error.message)


def _quote(name: str) -> str:
    return quote(name, safe=",")


def _stored(hit: Any) -> StoredArticle:
    """A document as GET or mget returns it, with what optimistic concurrency needs."""
    source = hit["_source"]
    return StoredArticle(
        article=strip_internal(source),
        content_hash=source.get("content_hash"),
        version=_version(hit),
    )


def _versioned(hit: Any) -> dict[str, Any]:
    """A search hit's _source with the `version` it was read at."""
    return {**hit["_source"], "version": _version(hit)}


def _version(answer: Any) -> Version:
    return Version(seq_no=answer["_seq_no"], primary_term=answer["_primary_term"])


def strip_internal(source: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in source.items() if key not in INTERNAL_FIELDS}


def _describe_bulk_error(error: Any) -> str:
    if isinstance(error, dict):
        return f"{error.get('type', 'error')}: {error.get('reason', '')}".strip()
    return str(error)
