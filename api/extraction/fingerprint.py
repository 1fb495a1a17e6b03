"""Near-duplicate fingerprints: MinHash over word shingles, cut into LSH bands.

Two articles are copies of one story when the estimated Jaccard similarity of their sets of
word shingles reaches SIMILARITY (api.config, STORY_SIMILARITY). The signature is datasketch's
MinHash (affine32 scheme, a fixed seed, so every worker and every run computes the same one);
its hash values are cut into BANDS bands of ROWS rows, and each band becomes one keyword
("<band>:<hex>"). Two articles share a band with probability 1 - (1 - J^ROWS)^BANDS, so one
terms query on the band field finds the candidates and the signature verifies them.

The story text (story_text) is the body without the headline and without the lines the
credits step recognises as the outlet's own: bylines, credit and copyright lines, boilerplate.
Outlets rewrite those for every copy, and in a short article they weigh as much as the text.
Text similarity alone still joins template reports of different events ("A and B drew 0-0 in a
World Cup qualifier"), so candidates are also checked for naming the same subjects (same_subjects).

Why these numbers (general grounds, not fitted to documents):
- shingles of SHINGLE_WORDS = 3 words: names and stock phrases ("said on Monday") are one to
  three words, so unrelated articles about the same people and places share few shingles, while
  a typo, a dropped or a moved sentence breaks only the three shingles around it (four-word
  shingles lost more copies of short articles to their byline and boilerplate than they saved);
- 128 permutations: the estimate's standard error is sqrt(J(1-J)/128), about 0.044 at J = 0.5;
- 42 bands of 3 rows (126 of the values): a pair at J = 0.4 becomes a candidate with
  probability 0.94, at J = 0.5 with 0.996, so verification, not banding, decides; unrelated
  articles (J < 0.05) almost never (p < 0.006), so the candidate query stays small;
- SIMILARITY 0.47 (STORY_SIMILARITY): a little under half of the shingles in common, once the
  outlet's credits and boilerplate are out of the text. Copies with a tenth to a quarter of
  their sentences dropped or moved stay above it unless the article is very short. Template
  reports of different events (two matches, two earnings notes) reach it too; they differ in
  whom and where they name, which the subject check (SUBJECT_OVERLAP) catches, so the text
  threshold need not be set high to keep them apart. Different reports of one event by two
  agencies (same teams, same place) can still join: they are one story to a reader as well.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import numpy as np
from datasketch import MinHash

from api.extraction.credits import split_credits
from api.textnorm import fold

SHINGLE_WORDS = 3
NUM_PERM = 128
BANDS = 42
ROWS = 3
# A copy that dropped a quarter of its sentences keeps most of its subjects; template reports
# of different events share few (a venue, a competition's host), often none.
SUBJECT_OVERLAP = 0.3
_SEED = 1
_SCHEME = "affine32"
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Fingerprint:
    """What the index keeps of an article's text for finding and verifying its copies."""

    signature: np.ndarray  # NUM_PERM uint32 hash values
    bands: tuple[str, ...]

    def encoded(self) -> str:
        """The signature as base64, for a stored-only field (512 bytes of hash values)."""
        return base64.b64encode(self.signature.astype("<u4").tobytes()).decode("ascii")

    def similarity(self, other: np.ndarray) -> float:
        """The estimated Jaccard similarity of the two shingle sets."""
        return float(np.count_nonzero(self.signature == other)) / NUM_PERM


def decode_signature(encoded: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(encoded), dtype="<u4").astype(np.uint32)


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The permutations are drawn once per process; drawing them per article costs more than
    hashing the article."""
    permutations: tuple[np.ndarray, np.ndarray] = MinHash(
        num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME
    ).permutations
    return permutations


def shingles(text: str) -> set[bytes]:
    """Overlapping runs of SHINGLE_WORDS folded words; a shorter text is one shingle."""
    words = _WORD.findall(fold(text))
    if len(words) <= SHINGLE_WORDS:
        return {" ".join(words).encode()} if words else set()
    return {
        " ".join(words[start : start + SHINGLE_WORDS]).encode()
        for start in range(len(words) - SHINGLE_WORDS + 1)
    }


# One write fingerprints an article up to three times (while the NER server tags it, the story
# plan, the stored document): texts up to this size are remembered for the last few batches.
_CACHED_TEXT_CHARS = 64_000
_CACHED_TEXTS = 512


def story_text(article: dict[str, Any]) -> str:
    """The text a story is recognised by: the article's body without its headline (the first
    line, when it is the title), which every outlet rewrites, and without its credit and
    boilerplate lines."""
    text = str(article.get("text") or "")
    title = str(article.get("title") or "")
    head, _, body = text.partition("\n")
    return _without_credits(body if title and body and fold(head) == fold(title) else text)


@lru_cache(maxsize=_CACHED_TEXTS)
def _without_credits(text: str) -> str:
    return split_credits(text).body


def subjects(article: dict[str, Any]) -> frozenset[str]:
    """Whom and where an article is about: its people (folded names) and region codes."""
    people = (fold(str(person.get("name", ""))) for person in article.get("people") or ())
    regions = (str(region.get("code") or "") for region in article.get("regions") or ())
    return frozenset(key for key in (*people, *regions) if key)


def same_subjects(left: frozenset[str], right: frozenset[str]) -> bool:
    """Copies name the same people and places, less those of the sentences they dropped: at
    least SUBJECT_OVERLAP of the union in common. Articles naming nobody pass."""
    if not left or not right:
        return True
    return len(left & right) >= SUBJECT_OVERLAP * len(left | right)


def fingerprint(text: str) -> Fingerprint | None:
    """The article's fingerprint; None for a text without words (it can copy nothing)."""
    return _cached(text) if len(text) <= _CACHED_TEXT_CHARS else _fingerprint(text)


@lru_cache(maxsize=_CACHED_TEXTS)
def _cached(text: str) -> Fingerprint | None:
    return _fingerprint(text)


def _fingerprint(text: str) -> Fingerprint | None:
    grams = shingles(text)
    if not grams:
        return None
    minhash = MinHash(num_perm=NUM_PERM, seed=_SEED, permutations=_permutations(), scheme=_SCHEME)
    minhash.update_batch(list(grams))
    values = minhash.hashvalues.astype(np.uint32)
    return Fingerprint(signature=values, bands=band_keys(values))


def band_keys(values: np.ndarray) -> tuple[str, ...]:
    return tuple(
        f"{band}:{values[band * ROWS : (band + 1) * ROWS].astype('<u4').tobytes().hex()}"
        for band in range(BANDS)
    )
