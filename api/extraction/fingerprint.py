"""Near-duplicate fingerprints: MinHash over word shingles, cut into LSH bands.

Two articles are copies of one story when the estimated Jaccard similarity of their sets of
word shingles reaches SIMILARITY (api.config, STORY_SIMILARITY). The signature is datasketch's
MinHash (affine32 scheme, a fixed seed, so every worker and every run computes the same one);
its hash values are cut into BANDS bands of ROWS rows, and each band becomes one keyword
("<band>:<hex>"). Two articles share a band with probability 1 - (1 - J^ROWS)^BANDS, so one
terms query on the band field finds the candidates and the signature verifies them.

Why these numbers (general grounds, not fitted to documents):
- shingles of SHINGLE_WORDS = 4 words: long enough that two unrelated news articles about the
  same people and places share almost none (names and stock phrases are 1-3 words), short enough
  that a typo, a dropped or a moved sentence only breaks the 4 shingles around it;
- 128 permutations: the estimate's standard error is sqrt(J(1-J)/128), about 0.044 at J = 0.5;
- 32 bands of 4 rows: a pair at J = 0.4 becomes a candidate with probability 0.56, at J = 0.5
  with 0.87, at J = 0.6 with 0.99; unrelated articles (J < 0.05) almost never (p < 0.0002), so
  the candidate query stays small however large the index grows.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from functools import cache

import numpy as np
from datasketch import LeanMinHash, MinHash

from api.textnorm import fold

SHINGLE_WORDS = 3
NUM_PERM = 128
BANDS = 42
ROWS = 3
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
    return MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME).permutations


def shingles(text: str) -> set[bytes]:
    """Overlapping runs of SHINGLE_WORDS folded words; a shorter text is one shingle."""
    words = _WORD.findall(fold(text))
    if len(words) <= SHINGLE_WORDS:
        return {" ".join(words).encode()} if words else set()
    return {
        " ".join(words[start : start + SHINGLE_WORDS]).encode()
        for start in range(len(words) - SHINGLE_WORDS + 1)
    }


def fingerprint(text: str) -> Fingerprint | None:
    """The article's fingerprint; None for a text without words (it can copy nothing)."""
    grams = shingles(text)
    if not grams:
        return None
    minhash = MinHash(num_perm=NUM_PERM, seed=_SEED, permutations=_permutations(), scheme=_SCHEME)
    minhash.update_batch(sorted(grams))
    values = LeanMinHash(minhash).hashvalues.astype(np.uint32)
    return Fingerprint(signature=values, bands=band_keys(values))


def band_keys(values: np.ndarray) -> tuple[str, ...]:
    return tuple(
        f"{band}:{values[band * ROWS : (band + 1) * ROWS].astype('<u4').tobytes().hex()}"
        for band in range(BANDS)
    )
