"""Stories: the copies of one article across outlets, headlines, bylines and small edits.

Every article carries `story: {id, first_published_at}`. A story's id is the id of its first
article: the earliest `published_at` (articles without one come last), then the smallest id.

Assigned before the write, reconciled after it. `assign` gives each new article the story of
the searchable articles it copies (one terms query on the LSH bands, see
api.extraction.fingerprint, then the estimated similarity against the threshold) and of the
copies in its own batch, so a copy is usually written into its story at once. `reconcile` then
makes the index searchable (one refresh per call: per batch, or per single write), queries the
candidates again, and moves every article of the stories so joined to the one whose first
article comes first, with whole-document bulk writes conditional on the version read (the node
runs no scripts, and a partial update would drop the fields _source leaves out). A story only
ever moves to an earlier one, and a move that lost a race is computed again, so writers racing
on copies of one story converge: of two concurrent writes, at least the later refresh sees
both, and its writer joins them. A story larger than MAX_CANDIDATES articles is moved only in
part by one reconciliation; `restory` finishes it.

Batches take a cheaper path while no other writer is writing (optimistic concurrency). A
`Lookout`, started before the batch's extraction so that it runs while the NER server tags,
notes each primary shard's operation sequence (`ShardMark`); `plan` then decides the batch's
stories and the moves of stored articles before the write, so the moves go in the batch's own
bulk request, and `settle` reads the sequence again after the write. When the shards numbered
exactly this batch's operations in between, every other write was visible to the plan, and
nothing can have been missed: no second query, no second refresh. Visible means searchable or
one of this process's own writes since the last refresh, which `OwnWrites` keeps while the
shards number nothing else: a lone writer's batches follow on from each other without a
refresh, and the lookout refreshes only when some other operation came in since the last
batch (or the kept writes reach OWN_WRITES_LIMIT). Any other operation during a batch (a
racing writer, a lost conditional write) falls back to `reconcile`, and the keeper stays on
the old path (no refresh before the plan, `reconcile` after every batch) until a batch sees no
other writer again. Single writes always take the old path.

Deleting or replacing an article never renames a story: the articles that remain keep its id
(and `GET /stories/{id}` still answers), even when the article it is named after is gone or was
rewritten into another story. An article whose own id already names a story it does not belong
to (it was that story's first, then replaced by an unrelated text) starts its story under a
derived id instead. `flask --app api restory` recomputes every story from scratch (after a
threshold change): a story whose first article was deleted is then named after its first
remaining one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from api.errors import Conflict
from api.extraction.fingerprint import (
    Fingerprint,
    decode_signature,
    fingerprint,
    same_subjects,
    story_text,
    subjects,
)
from api.store.documents import fingerprint_fields, story_source
from api.store.index import ArticleIndex, ShardMark, Version

# Candidates fetched per reconciliation: the members of a few large stories at most.
MAX_CANDIDATES = 1_000
# Reconciliations redone after losing a race, before answering 409.
MAX_ATTEMPTS = 10
# A lone writer's own writes kept for its plans, at most, before it refreshes instead (about
# 1 KB each).
OWN_WRITES_LIMIT = 2_000
_LAST = dt.datetime.max.replace(tzinfo=dt.UTC)


def published(value: str | None) -> dt.datetime:
    """A sortable publication time; a date is its midnight UTC, none sorts last."""
    if not value:
        return _LAST
    moment = dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@dataclass(frozen=True, order=True)
class StoryRef:
    """A story as the merge rule orders them: by its first article's date, then by its id."""

    first: dt.datetime
    id: str

    @classmethod
    def of(cls, story: dict[str, Any]) -> StoryRef:
        return cls(published(story.get("first_published_at")), story["id"])

    def as_field(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "first_published_at": None if self.first == _LAST else self.first.isoformat(),
        }


def own_story(article: dict[str, Any]) -> dict[str, Any]:
    """The story a new article starts: itself."""
    return {"id": article["id"], "first_published_at": article.get("published_at")}


class _Components:
    """Union-find over article ids."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        self.parent.setdefault(key, key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def join(self, left: str, right: str) -> None:
        self.parent[self.find(left)] = self.find(right)


Moves = dict[str, tuple[dict[str, Any], Version]]
# id -> an article as the story queries read it (api.store.documents.story_source), with its
# `version`.
Sources = dict[str, dict[str, Any]]


class OwnWrites:
    """This process's articles written since the index was last refreshed, as the story
    queries read them, kept while the shards number no other operation: with them a lone
    writer's plan sees every article without a refresh per batch.

    `mark` is where the shards stood after the last batch recorded. A batch whose lookout
    finds the shards still there follows on (`follow`) and searches the kept writes beside
    the index; any other mark means another operation came in, and the batch starts a new
    epoch (`restart`, which forgets the writes) before it refreshes. A batch records its
    writes only when it settled alone and planned in the current epoch, so the kept writes
    and the mark always describe one unbroken run of this process's batches since a refresh.
    """

    def __init__(self, limit: int = OWN_WRITES_LIMIT) -> None:
        self._lock = threading.Lock()
        self._limit = limit
        self._epoch = 0
        self._mark: dict[str, ShardMark] | None = None
        self._sources: Sources = {}

    def follow(self, mark: dict[str, ShardMark]) -> tuple[int, Sources] | None:
        """The epoch and the kept writes, when nothing reached the shards since the last
        record; None when the batch must restart and refresh."""
        with self._lock:
            if mark != self._mark or len(self._sources) >= self._limit:
                return None
            return self._epoch, dict(self._sources)

    def restart(self) -> int:
        """Forget the kept writes before a refresh makes them searchable; the new epoch."""
        with self._lock:
            self._epoch += 1
            self._mark = None
            self._sources = {}
            return self._epoch

    def record(
        self, epoch: int, mark: dict[str, ShardMark], sources: Iterable[dict[str, Any]]
    ) -> None:
        """Keep a batch's writes (each with its `version`) and the shards' mark after them."""
        with self._lock:
            if epoch != self._epoch:
                return  # restarted since the batch planned: a refresh covers its writes
            for source in sources:
                kept = self._sources.get(source["id"])
                if kept is None or _order(kept["version"]) < _order(source["version"]):
                    self._sources[source["id"]] = source
            self._mark = mark


@dataclass
class StoryPlan:
    """A batch's stories as decided before its write: where the shards stood, the epoch of
    the own writes it saw when it saw every operation up to there (None: it did not, and
    assigned stories from what search showed), and the stored articles to move in the batch's
    bulk request."""

    mark: dict[str, ShardMark]
    epoch: int | None
    moves: Moves = field(default_factory=dict)


class Lookout:
    """The first half of a plan, started in threads so that it runs while the batch is being
    extracted: the shards' marks and, on the optimistic path, the own writes or a refresh (the
    costliest step of a plan for Elasticsearch), and the texts' fingerprints (the costliest
    for the service) once the pipeline knows the final texts, while the NER server tags them."""

    def __init__(self, index: ArticleIndex, own_writes: OwnWrites | None) -> None:
        self._index = index
        self._own_writes = own_writes
        self._mark: dict[str, ShardMark] = {}
        self._view: tuple[int, Sources] | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="story-lookout", daemon=True)
        self._thread.start()
        self._hashing: threading.Thread | None = None

    def fingerprint(self, articles: list[dict[str, Any]]) -> None:
        """Fingerprint these texts in the background; `plan` finds them in the cache."""
        self._hashing = threading.Thread(
            target=_fingerprints,
            args=({str(n): article for n, article in enumerate(articles)},),
            name="story-fingerprints",
            daemon=True,
        )
        self._hashing.start()

    def _run(self) -> None:
        try:
            self._mark = self._index.shard_marks()
            if self._own_writes is not None:
                self._view = self._own_writes.follow(self._mark)
                if self._view is None:
                    epoch = self._own_writes.restart()
                    self._index.refresh()  # every operation up to the mark is searchable now
                    self._view = (epoch, {})
        except BaseException as error:  # raised again in the request's thread, by result()
            self._error = error

    def result(self) -> tuple[dict[str, ShardMark], tuple[int, Sources] | None]:
        """The mark and, when every operation up to it is searchable or kept, the epoch and
        the own writes to search beside the index."""
        if self._hashing is not None:
            self._hashing.join()
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._mark, self._view


class StoryKeeper:
    """Joins articles to the stories of the articles they copy. One per process: it remembers
    whether its last batch had the index to itself, and what it wrote since it last refreshed
    (see the module)."""

    def __init__(self, index: ArticleIndex, similarity: float) -> None:
        self.index = index
        self.similarity = similarity
        self.alone = True
        self.own_writes = OwnWrites()

    def look_out(self) -> Lookout:
        """Start a batch's plan; pass the Lookout to `plan` once the articles are built."""
        return Lookout(self.index, self.own_writes if self.alone else None)

    def plan(self, articles: list[dict[str, Any]], lookout: Lookout) -> StoryPlan:
        """Before a batch's write: the articles' stories and, while this writer has the index
        to itself, the moves of the stored articles that join them."""
        mark, view = lookout.result()
        if view is None:
            self.assign(articles)
            return StoryPlan(mark, epoch=None)
        epoch, unsearchable = view
        fresh = {article["id"]: article for article in articles}
        candidates, components = self._copied(fresh, named_after_them=True, kept=unsearchable)
        current = {key: StoryRef.of(source["story"]) for key, source in candidates.items()}
        current.update({key: StoryRef.of(own_story(article)) for key, article in fresh.items()})
        groups: dict[str, list[str]] = {}
        for key in current:
            groups.setdefault(components.find(key), []).append(key)
        named = _story_names(candidates, fresh)
        moves: Moves = {}
        winner: dict[str, StoryRef] = {}
        for members in groups.values():
            target = min(current[key] for key in members)
            if target.id in fresh and named.get(target.id, set()) - set(members):
                target = StoryRef(target.first, _derived_id(target.id))
            for key in members:
                if key in fresh:
                    fresh[key]["story"] = target.as_field()
                elif current[key] != target:
                    winner[current[key].id] = target
                    moves[key] = (target.as_field(), candidates[key]["version"])
        self._move_the_rest(winner, moves, set(fresh), unsearchable)
        return StoryPlan(mark, epoch=epoch, moves=moves)

    def settle(
        self,
        articles: list[dict[str, Any]],
        plan: StoryPlan,
        own_writes: int | None,
        refresh: str | bool,
        moved: list[dict[str, Any]],
        versions: dict[str, Version],
    ) -> dict[str, dict[str, Any]]:
        """After a planned batch's write (`own_writes` successful operations, None when one
        lost a race; `moved`: the stored documents written again in other stories; `versions`:
        what the write made of each id): nothing more if no other writer's operation came in
        between, else `reconcile`. Returns the new `story` of every written article moved."""
        after = self.index.shard_marks()
        overlapped = operations_between(plan.mark, after)
        self.alone = own_writes is not None and overlapped == own_writes
        if self.alone and plan.epoch is not None:
            written = [story_source({**a, **fingerprint_fields(a)}) for a in articles]
            sources = [*written, *(story_source(document) for document in moved)]
            self.own_writes.record(
                plan.epoch,
                after,
                ({**s, "version": versions[s["id"]]} for s in sources if s["id"] in versions),
            )
            return {}
        self.own_writes.restart()  # the reconciliation's refresh covers them
        return self.reconcile(articles, refresh)

    def assign(self, articles: list[dict[str, Any]]) -> None:
        """Before they are written: give each article the story of the searchable articles it
        copies (and of the other articles of its batch), so that a copy is usually written
        into its story at once and nobody reads it as a story of its own meanwhile."""
        fresh = {article["id"]: article for article in articles}
        candidates, components = self._copied(fresh, named_after_them=False)
        targets: dict[str, StoryRef] = {}
        for key, source in candidates.items():
            root = components.find(key)
            ref = StoryRef.of(source["story"])
            targets[root] = min(targets.get(root, ref), ref)
        for key, article in fresh.items():
            root = components.find(key)
            ref = StoryRef.of(own_story(article))
            targets[root] = min(targets.get(root, ref), ref)
        for key, article in fresh.items():
            article["story"] = targets[components.find(key)].as_field()

    def _copied(
        self,
        fresh: dict[str, dict[str, Any]],
        named_after_them: bool,
        kept: Sources | None = None,
    ) -> tuple[dict[str, dict[str, Any]], _Components]:
        """The searchable (or `kept`, see OwnWrites) articles that share a band with these
        not-yet-written ones (and, `named_after_them`, those whose story is named after one of
        them), and which of them all copy each other."""
        signatures, bands = _signatures_and_bands(fresh)
        names = list(fresh) if named_after_them else []
        wanted, named = set(bands), set(names)
        candidates = {
            source["id"]: source
            for source in as_written(
                self.index.story_candidates(bands, names, MAX_CANDIDATES),
                kept or {},
                lambda source: (
                    source["story"]["id"] in named or not wanted.isdisjoint(source["story_bands"])
                ),
            )
            if source["id"] not in fresh
        }
        return candidates, self._join(signatures, fresh, candidates)

    def _join(
        self,
        signatures: dict[str, np.ndarray],
        articles: dict[str, dict[str, Any]],
        candidates: dict[str, dict[str, Any]],
    ) -> _Components:
        """Union-find of the articles that copy each other, pairwise: the rule of `_copies`,
        with each new signature compared with all the others in one array operation."""
        components = _Components()
        keys = [
            *signatures,
            *(
                key
                for key, source in candidates.items()
                if source.get("story_signature") and key not in signatures
            ),
        ]
        if not signatures:
            return components
        matrix = np.stack(
            [
                signatures[key]
                if key in signatures
                else decode_signature(candidates[key]["story_signature"])
                for key in keys
            ]
        )
        about = {key: subjects(source) for key, source in {**candidates, **articles}.items()}
        for row, key in enumerate(signatures):  # the new signatures are the first rows
            components.find(key)
            similar = np.count_nonzero(matrix == matrix[row], axis=1) / matrix.shape[1]
            for other_row in np.flatnonzero(similar >= self.similarity):
                other = keys[other_row]
                if other != key and same_subjects(about[key], about[other]):
                    components.join(key, other)
        return components

    def _copies(
        self,
        signature: np.ndarray,
        other_signature: np.ndarray,
        about: frozenset[str],
        other_about: frozenset[str],
    ) -> bool:
        """One is a copy of the other: similar texts that name the same subjects."""
        return _similarity(signature, other_signature) >= self.similarity and same_subjects(
            about, other_about
        )

    def reconcile(
        self, articles: Iterable[dict[str, Any]], refresh: str | bool
    ) -> dict[str, dict[str, Any]]:
        """Join these just-written articles to the stories they belong to (see the module);
        returns the new `story` of every article moved."""
        written = {article["id"]: article for article in articles}
        if not written:
            return {}
        signatures, bands = _signatures_and_bands(written)
        moved: dict[str, dict[str, Any]] = {}
        for _ in range(MAX_ATTEMPTS):
            moves = self._moves(written, signatures, bands)
            # Each update applies only to the version read; one that lost a race to another
            # writer is computed again from what that writer left.
            changed = set(self.index.set_stories(moves, refresh))
            moved.update({key: story for key, (story, _) in moves.items() if key not in changed})
            if not changed:
                return moved
        raise Conflict("The stories of " + ", ".join(sorted(written)) + " kept changing.")

    def _moves(
        self,
        written: dict[str, dict[str, Any]],
        signatures: dict[str, np.ndarray],
        bands: list[str],
    ) -> Moves:
        """The story updates that join the written articles to their copies' stories."""
        self.index.refresh()  # see every write acknowledged so far, racing ones included
        candidates = {
            source["id"]: source
            for source in self.index.story_candidates(bands, list(written), MAX_CANDIDATES)
        }
        components = self._join(signatures, written, candidates)
        # Every article, written now or stored, in the same component as a written one (a
        # written article not yet visible to search is left to its own writer's reconcile).
        groups: dict[str, list[str]] = {}
        for key in {*written, *components.parent}:
            if key in candidates:
                groups.setdefault(components.find(key), []).append(key)
        named = _story_names(candidates, written)
        moves: Moves = {}
        winner: dict[str, StoryRef] = {}  # losing story id -> the story it joins
        for members in groups.values():
            involved = {StoryRef.of(candidates[key]["story"]) for key in members}
            target = min(involved)
            if target.id in written and named.get(target.id, set()) - set(members):
                # That article's id names a story it is no longer part of: another id, then.
                target = StoryRef(target.first, _derived_id(target.id))
            winner.update({ref.id: target for ref in involved if ref != target})
            for key in members:
                if StoryRef.of(candidates[key]["story"]) != target:
                    moves[key] = (target.as_field(), candidates[key]["version"])
        self._move_the_rest(winner, moves, set())
        return moves

    def _move_the_rest(
        self,
        winner: dict[str, StoryRef],
        moves: Moves,
        skip: set[str],
        kept: Sources | None = None,
    ) -> None:
        """Add the moves of the other articles of the losing stories (`winner`: losing story
        id -> the story it joins), all found in one query; `skip`: ids being written, `kept`:
        own writes search does not see yet."""
        if not winner:
            return
        _, members = self.index.story_members(sorted(winner), MAX_CANDIDATES)
        for source in as_written(members, kept or {}, lambda s: s["story"]["id"] in winner):
            target = winner[source["story"]["id"]]
            if source["id"] not in skip and StoryRef.of(source["story"]) > target:
                moves.setdefault(source["id"], (target.as_field(), source["version"]))

    def restory(self) -> tuple[int, int]:
        """Recompute every story from the stored signatures; (articles, articles moved).

        Client-side, like `reindex`: it reads every article's bands and signature once (about
        700 bytes each) and groups them here, in the command's process, never in a worker.
        """
        sources = list(
            self.index.scan_fields(
                [
                    "id",
                    "published_at",
                    "story",
                    "story_bands",
                    "story_signature",
                    "people.name",
                    "regions.code",
                ]
            )
        )
        components = _Components()
        by_band: dict[str, list[int]] = {}
        signatures = [
            decode_signature(s["story_signature"]) if s.get("story_signature") else None
            for s in sources
        ]
        for position, source in enumerate(sources):
            components.find(source["id"])
            for band in source.get("story_bands", []):
                by_band.setdefault(band, []).append(position)
        about = [subjects(source) for source in sources]
        for members in by_band.values():
            for left, right in itertools.combinations(members, 2):
                first, second = signatures[left], signatures[right]
                if (
                    first is not None
                    and second is not None
                    and self._copies(first, second, about[left], about[right])
                ):
                    components.join(sources[left]["id"], sources[right]["id"])
        firsts: dict[str, StoryRef] = {}
        for source in sources:
            ref = StoryRef(published(source.get("published_at")), source["id"])
            root = components.find(source["id"])
            firsts[root] = min(firsts.get(root, ref), ref)
        moves = {}
        for source in sources:
            target = firsts[components.find(source["id"])]
            if StoryRef.of(source.get("story") or {"id": ""}) != target:
                moves[source["id"]] = (target.as_field(), source["version"])
        changed = self.index.set_stories(moves, "false")
        self.index.refresh()
        return len(sources), len(moves) - len(changed)


def as_written(
    hits: Iterable[dict[str, Any]], kept: Sources, matches: Callable[[dict[str, Any]], bool]
) -> list[dict[str, Any]]:
    """A story query's hits as they stand after the `kept` own writes search does not see yet:
    an article kept gives its written version (which `matches` the query or not) instead of
    the one search found, if any."""
    return [hit for hit in hits if hit["id"] not in kept] + [
        source for source in kept.values() if matches(source)
    ]


def _order(version: Version) -> tuple[int, int]:
    """Versions of one document in the order they were written."""
    return version.primary_term, version.seq_no


def _fingerprints(articles: dict[str, dict[str, Any]]) -> dict[str, Fingerprint]:
    return {
        key: found
        for key, article in articles.items()
        if (found := fingerprint(story_text(article))) is not None
    }


def _signatures_and_bands(
    articles: dict[str, dict[str, Any]],
) -> tuple[dict[str, np.ndarray], list[str]]:
    """The articles' signatures by id, and all their bands."""
    found = _fingerprints(articles)
    bands = sorted({band for each in found.values() for band in each.bands})
    return {key: each.signature for key, each in found.items()}, bands


def operations_between(before: dict[str, ShardMark], after: dict[str, ShardMark]) -> int | None:
    """How many operations the shards numbered between two marks, counting those in flight
    at the first one; None when the shards themselves changed (a new index behind the alias)."""
    if before.keys() != after.keys():
        return None
    return sum(after[key].issued - before[key].applied for key in before)


def _similarity(left: np.ndarray, right: np.ndarray) -> float:
    return float(np.count_nonzero(left == right)) / len(left)


def _story_names(
    candidates: dict[str, dict[str, Any]], written: dict[str, dict[str, Any]]
) -> dict[str, set[str]]:
    """story id -> the ids of the stored articles carrying it."""
    named: dict[str, set[str]] = {}
    for key, source in candidates.items():
        if key not in written:
            named.setdefault(source["story"]["id"], set()).add(key)
    return named


def _derived_id(article_id: str) -> str:
    return hashlib.sha256(f"story:{article_id}".encode()).hexdigest()[:32]
