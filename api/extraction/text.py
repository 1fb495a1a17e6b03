"""Small text helpers the extraction steps share: edge punctuation, possessives, a leading
"the", and the word lists in data/."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

from api.textnorm import fold

DATA = Path(__file__).parent / "data"
# What may cling to either end of a mention and is never part of the name.
EDGE_PUNCT = " \t,;:!?()[]{}\"'“”‘’*-–—/"
POSSESSIVE = re.compile(r"['’`]s$")
# People's names also lose a bare trailing apostrophe ("Jones'").
POSSESSIVE_OR_APOSTROPHE = re.compile(r"['’`]s?$")


def without_the(text: str) -> str:
    """'The Hague' -> 'Hague', 'the UN' -> 'UN'; any other text stays as it is."""
    return text[4:] if text.lower().startswith("the ") else text


@cache
def load_words(name: str, key: Callable[[str], str] = fold) -> frozenset[str]:
    """A word list from data/ (one entry a line, '#' comments), normalised by `key`."""
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return frozenset(key(line) for line in lines if line.strip() and not line.startswith("#"))
