"""Which method joins the spellings of one person and keeps different people apart? Offline,
name against name, no service.

Reads `../shared/eval/people-variants-dev.json` (never copied) and, for each method, counts:
- joined: of the pairs of spellings of one person (full names with full names, short forms with
  short forms, across the four languages; pairs of identical strings left out), the share whose
  keys meet;
- merged: of the pairs of full names of people who must stay apart (the dev file's pairs, and
  APART below, public figures of our own), how many have keys that meet (must be 0).

Methods: the name as written (folded; what `person=` matched before), jellyfish's Metaphone and
NYSIIS word by word, abydos' Beider–Morse (generic names, approximate; every combination of the
words' codes), and api.extraction.identity's readings. jellyfish and abydos are not dependencies
of the project: install them beside it to compare (`pip install jellyfish abydos`); a method whose
library is absent is reported as such.

Run:   .venv/bin/python bench/people_methods.py
"""

from __future__ import annotations

import itertools
import json
import sys
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from api.extraction import identity  # noqa: E402
from api.textnorm import fold  # noqa: E402

VARIANTS = REPO_ROOT.parent / "shared" / "eval" / "people-variants-dev.json"
# Different people whose names are close: same family name, feminine forms, father and son.
APART = [
    ("Fidel Castro", "Raúl Castro"),
    ("Alexei Navalny", "Yulia Navalnaya"),
    ("Ivan Petrov", "Ivana Petrova"),
    ("Daniel Ortega", "Daniela Ortega"),
    ("Michel Barnier", "Michèle Barnier"),
    ("Jean Dupont", "Jeanne Dupont"),
    ("Kim Jong Un", "Kim Jong Il"),
    ("Kim Jong Un", "Kim Jong Nam"),
    ("Ahmed Ali", "Mohamed Ali"),
    ("Omar Khan", "Amir Khan"),
    ("Craig Smith", "Greg Smith"),
    ("Maria Costa", "Mario Costa"),
    ("Ali Hassan", "Ali Hussein"),
    ("George Bush", "George W. Bush"),
    ("Bashar al-Assad", "Hafez al-Assad"),
    ("Jair Bolsonaro", "Eduardo Bolsonaro"),
]
Keys = Callable[[str], set[str]]


def _per_word(code: Callable[[str], str]) -> Keys:
    return lambda name: {" ".join(code(word) for word in fold(name).split())}


def _beider_morse() -> Keys | None:
    try:
        from abydos.phonetic import BeiderMorse
    except ImportError:
        return None
    encoder = BeiderMorse(name_mode="gen", match_mode="approx")

    def keys(name: str) -> set[str]:
        words = [set(encoder.encode(word).split()) or {word} for word in fold(name).split()]
        combos = itertools.islice(itertools.product(*words), 4096)
        return {" ".join(combo) for combo in combos}

    return keys


def methods() -> dict[str, Keys | None]:
    found: dict[str, Keys | None] = {"as written (folded)": lambda name: {fold(name)}}
    try:
        import jellyfish

        found["jellyfish Metaphone"] = _per_word(jellyfish.metaphone)
        found["jellyfish NYSIIS"] = _per_word(jellyfish.nysiis)
    except ImportError:
        found["jellyfish Metaphone"] = found["jellyfish NYSIIS"] = None
    found["abydos Beider-Morse"] = _beider_morse()
    found["identity readings (ours)"] = lambda name: set(identity.spelling_keys(name))
    return found


def main() -> None:
    if not VARIANTS.exists():
        raise SystemExit(f"The people eval data is absent: {VARIANTS} is needed.")
    variants = json.loads(VARIANTS.read_text(encoding="utf-8"))
    same: list[tuple[str, str]] = []
    for person in variants["people"]:
        for position in (0, 1):
            spellings = sorted({names[position] for names in person.values()})
            same += list(itertools.combinations(spellings, 2))
    apart = list(APART)
    for one, other in variants["apart"]:
        apart += [(a[0], b[0]) for a in one.values() for b in other.values()]
    print(f"pairs of one person's spellings: {len(same)}; pairs that must stay apart: {len(apart)}")
    for name, keys in methods().items():
        if keys is None:
            print(f"{name:28} library absent")
            continue
        joined = sum(bool(keys(a) & keys(b)) for a, b in same)
        merged = [(a, b) for a, b in apart if keys(a) & keys(b)]
        print(
            f"{name:28} joined {joined / len(same):.3f} ({joined}/{len(same)})  "
            f"merged {len(merged)} {merged[:3]}"
        )


if __name__ == "__main__":
    main()
