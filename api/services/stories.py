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
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from api.errors import Conflict
from api.extraction.fingerprint import (
    band_keys,
    decode_signature,
    fingerprint,
    same_subjects,
    story_text,
    subjects,
)
from api.store.index import ArticleIndex, Version

# Candidates fetched per reconciliation: the members of a few large stories at most.
MAX_CANDIDATES = 1_000
# Reconciliations redone after losing a race, before answering 409.
MAX_ATTEMPTS = 10
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

    def assign(self, articles: list[dict[str, Any]]) -> None:
        """Before they are written: give each article the story of the searchable articles it
        copies (and of the other articles of its batch), so that a copy is usually written
        into its story at once and nobody reads it as a story of its own meanwhile."""
        fresh = {article["id"]: article for article in articles}
        signatures = {
            key: found.signature
            for key, article in fresh.items()
            if (found := fingerprint(story_text(article))) is not None
        }
        bands = sorted({band for s in signatures.values() for band in band_keys(s)})
        candidates = {
            source["id"]: source
            for source in self.index.story_candidates(bands, [], MAX_CANDIDATES)
            if source["id"] not in fresh
        }
        components = self._join(signatures, fresh, candidates)
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
        signatures = {
            key: found.signature
            for key, article in written.items()
            if (found := fingerprint(story_text(article))) is not None
        }
        bands = sorted({band for s in signatures.values() for band in band_keys(s)})
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
    ) -> dict[str, tuple[dict[str, Any], Version]]:
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
        moves: dict[str, tuple[dict[str, Any], Version]] = {}
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
        # The other articles of the losing stories, all in one query.
        for source in self._members(sorted(winner)) if winner else []:
            target = winner[source["story"]["id"]]
            if StoryRef.of(source["story"]) > target:
                moves.setdefault(source["id"], (target.as_field(), source["version"]))
        return moves

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
