"""Stories: the copies of one article across outlets, headlines, bylines and small edits.

Every article carries `story: {id, first_published_at}`. A story's id is the id of its first
article: the earliest `published_at` (articles without one come last), then the smallest id.

Reconciled on write. An article is written as a story of its own; then `reconcile` makes the
index searchable (one refresh per call: per batch, or per single write), finds the candidates
(one terms query on the LSH bands, see api.extraction.fingerprint), keeps those whose estimated
similarity reaches the threshold, and moves every article of the stories so joined to the one
whose first article comes first, with partial `doc` updates (the node runs no scripts). A story
only ever moves to an earlier one, so two writers racing on copies of one story converge: of two
concurrent writes, at least the later refresh sees both, and its writer joins them.

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
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from api.extraction.fingerprint import band_keys, decode_signature, fingerprint
from api.store.index import ArticleIndex

# Candidates fetched per reconciliation: the members of a few large stories at most.
MAX_CANDIDATES = 1_000
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


class StoryKeeper:
    """Joins articles to the stories of the articles they copy."""

    def __init__(self, index: ArticleIndex, similarity: float) -> None:
        self.index = index
        self.similarity = similarity

    def reconcile(
        self, articles: Iterable[dict[str, Any]], refresh: str | bool
    ) -> dict[str, dict[str, Any]]:
        """Join these just-written articles to the stories they belong to (see the module);
        returns the new `story` of every article moved."""
        written = {article["id"]: article for article in articles}
        if not written:
            return {}
        signatures = {
            key: found.signature
            for key, article in written.items()
            if (found := fingerprint(article.get("text") or "")) is not None
        }
        bands = sorted({band for s in signatures.values() for band in band_keys(s)})
        self.index.refresh()  # see every write acknowledged so far, racing ones included
        candidates = {
            source["id"]: source
            for source in self.index.story_candidates(bands, list(written), MAX_CANDIDATES)
        }
        stories = {key: StoryRef.of(source["story"]) for key, source in candidates.items()}
        for key, article in written.items():
            stories.setdefault(key, StoryRef.of(article.get("story") or own_story(article)))
        components = _Components()
        stored_signatures = {
            key: decode_signature(source["story_signature"])
            for key, source in candidates.items()
            if source.get("story_signature") and key not in written
        }
        for key, signature in signatures.items():
            for other, other_signature in [*stored_signatures.items(), *signatures.items()]:
                if other != key and _similarity(signature, other_signature) >= self.similarity:
                    components.join(key, other)
        for key in written:
            components.find(key)
        # Every article, written now or stored, in the same component as a written one.
        groups: dict[str, list[str]] = {}
        for key in {*written, *components.parent}:
            groups.setdefault(components.find(key), []).append(key)
        named = _story_names(candidates, written)
        moves: dict[str, dict[str, Any]] = {}
        for members in groups.values():
            involved = {stories[key] for key in members}
            target = min(involved)
            if target.id in written and named.get(target.id, set()) - set(members):
                # That article's id names a story it is no longer part of: another id, then.
                target = StoryRef(target.first, _derived_id(target.id))
            losing = sorted({ref.id for ref in involved if ref != target})
            for key in members:
                if stories[key] != target:
                    moves[key] = target.as_field()
            if losing:
                for source in self._members(losing):
                    if StoryRef.of(source["story"]) > target:
                        moves[source["id"]] = target.as_field()
        if moves:
            self.index.set_stories(moves, refresh)
        return moves

    def _members(self, story_ids: list[str]) -> list[dict[str, Any]]:
        _, members = self.index.story_members(story_ids, MAX_CANDIDATES)
        return members


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
