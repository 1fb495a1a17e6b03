"""Who a name is: spelling keys and a stable id that survive transliteration and diacritics.

A newspaper prints a foreign name the way its language transcribes it: "Mikhail Gorbachev"
(en), "Michail Gorbatschow" (de), "Mikhaïl Gorbatchev" (fr), "Mijaíl Gorbachov" (es). Each
spelling is read into a *reading*, a string of sound classes where the conventions of the four
languages meet:

- accents go (fold), "al-"/"el-" articles go, "ibn"/"ben" inside a name read as "bin";
- hushing sounds are one class S: sh, ch, sch, tch, tsch, shch, chtch, schtsch, zh;
- the "kh" sound is one class J together with the glide: kh, a Spanish word-initial j before a
  consonant, German "chr"/"chl", and j, y or i before a vowel (Yevgeny, Jewgeni; Fyodor,
  Fjodor, Fiodor);
- w/v, ph/f, c/k/q/g (Qalibaf, Ghalibaf), s/z/ts/tz, x/ks, qu/k, gu before e or i is g,
  French "ou" is u, and u before a vowel is w (Ouattara, Wattara);
- y or j that is not a glide is the vowel i (Dmitry, Dmitri; Andriy, Andrij);
- a French final -e after -in/-an of a surname goes (Poutine, Salmane), so does a Spanish final
  h (Nasralá), and y, j or i before an initial e (Yeltsin, Jelzin, Eltsine);
- the "-ev/-ov" after a hushing sound is one ending (Gorbachev, Gorbatschow, Gorbachov);
- doubled consonants count once.

Vowels other than y/j stay apart (a, e, i, o, u), and so does every final vowel, which is what
keeps feminine surname forms (Navalny, Navalnaya) and different given names apart.
German reads a lone "ch" as "kh" (Michail, Chamenei), English and French as a hushing sound:
a name with such a "ch" has a second, German reading; French reads a j before a vowel inside a
word as "zh" (Prigojine), which gives a third. Two spellings name the same person when a
reading of one equals a reading of the other. Every reading is a pure function of the written
name, so identities never depend on what else is stored.

A person's id is derived from the first (general) reading of the full name.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from api.textnorm import fold

# Reading keys share the lookup-key field with folded names; the prefix keeps them apart.
KEY_PREFIX = "~"
_VOWELS = "aeiouy"
# Arabic articles written before a name part: "al-Assad", "el-Sisi", "ad-Din".
_ARTICLE_PREFIX = re.compile(r"^(?:al|el|ad|ed|as|ash|at|az|an|ar|ul)-(?=\w)")
_STANDALONE_ARTICLES = frozenset({"al", "el"})  # "Bashar el Asad"; not first ("Al Gore")
_SON_OF = frozenset({"ibn", "ben", "bin"})
# Sound classes, longest spelling first. Order matters: "schtsch" before "sch" before "ch".
_CLASSES: tuple[tuple[str, str], ...] = (
    ("schtsch", "S"),
    ("chtch", "S"),
    ("shch", "S"),
    ("tsch", "S"),
    ("sch", "S"),
    ("tch", "S"),
    ("sh", "S"),
    ("zh", "S"),
    ("kh", "J"),
    ("ph", "f"),
    ("ck", "k"),
    ("qu", "k"),
    ("ou", "u"),
)
_GERMAN_CH = "J"  # German "ch" is the "kh" sound
_GENERAL_CH = "S"  # English, French and Spanish "ch" is a hushing sound
# (ch, j) per reading: general (ch hushing), German (ch is kh), French (j inside a word is zh).
_CONVENTIONS = ((_GENERAL_CH, "j"), (_GERMAN_CH, "j"), (_GENERAL_CH, "S"))
_LETTERS = str.maketrans({"w": "v", "q": "k", "g": "k", "z": "s", "x": "ks"})


@dataclass(frozen=True)
class Reading:
    """One name read under one set of conventions."""

    tokens: tuple[str, ...]

    @property
    def text(self) -> str:
        """Lower case, as lookup keys are: the hushing class is "sh" and the glide "y" (no other
        h follows an s, and no other y is left)."""
        return " ".join(self.tokens).replace("S", "sh").replace("J", "y")

    @property
    def key(self) -> str:
        return KEY_PREFIX + self.text


def name_parts(name: str) -> list[str]:
    """The folded words of a name without Arabic articles; "ibn"/"ben" inside a name is "bin"."""
    parts: list[str] = []
    for position, word in enumerate(fold(name).replace("’", "'").split()):
        word = _ARTICLE_PREFIX.sub("", word.strip(".,'\""))
        if not word or position and word in _STANDALONE_ARTICLES:
            continue
        if position and word in _SON_OF:
            word = "bin"
        parts.extend(part for part in re.split(r"[-']", word) if part)
    return parts


@lru_cache(maxsize=65_536)  # names repeat across articles and forms: read each word once
def _read_word(word: str, ch: str, j: str, last: bool) -> str:
    word = re.sub(r"[^a-z]", "", word)
    if not word:
        return ""
    if last:
        # French writes a final -e after Russian and Arabic -in/-an (Poutine, Salmane).
        word = re.sub(r"(?<=[aiy]n)e$", "", word)
    # Spanish drops a final h after a vowel (Nasralá), and y/j before "e" opening a name is
    # Russian initial "e" (Yeltsin, Jelzin, Eltsine).
    word = re.sub(r"(?<=[aeiou])h$", "", word)
    word = re.sub(r"^[jyi](?=e)", "", word)
    # "chr", "chl": the kh sound in every language (Chrennikow, Christian).
    word = re.sub(r"^ch(?=[rl])", "J", word)
    # Spanish writes the kh sound as a word-initial j before a consonant (Jrénnikov).
    word = re.sub(r"^j(?=[^aeiouy])", "J", word)
    # gu before e/i is a hard g (Evgueni, Guillermo); c before e/i/y is s, else k.
    word = re.sub(r"gu(?=[eiy])", "g", word)
    for spelling, sound in _CLASSES:
        word = word.replace(spelling, sound)
    word = word.replace("ch", ch)
    if j != "j":
        word = re.sub(r"(?<!^)j(?=[aeiou])", j, word)
    word = re.sub(r"c(?=[eiy])", "s", word).replace("c", "k")
    # Consonant + h is one sound (dh, th, gh, rh...): the h goes.
    word = re.sub(r"(?<=[bdfgklmnprstvz])h", "", word)
    word = re.sub(r"t(?=s)|(?<=t)z", "", word)  # ts, tz: s
    word = word.translate(_LETTERS)
    # Glides: j, y or i before a vowel, and a word-initial j, are one sound J.
    word = re.sub(r"[jyi](?=[aeou])|^j", "J", word)
    word = re.sub(r"[iJ]+J|J+", "J", word)  # "ij", "yy": one glide
    word = re.sub(r"[yj]", "i", word)  # what is left of y/j is the vowel i
    # Russian ё after a hushing sound: -ev and -ov are one ending (Gorbachev, Gorbatschow).
    word = re.sub(r"S[eo](?=va?$)", "So", word)
    word = re.sub(r"u(?=[aeio])", "v", word)  # Ouattara, Samuel: u before a vowel is w
    word = re.sub(r"ii+", "i", word)
    return re.sub(r"([^aeiou])\1+", r"\1", word)


@lru_cache(maxsize=65_536)
def readings(name: str) -> tuple[Reading, ...]:
    """The readings of a name: the general one first, then the German and the French one
    where they differ."""
    parts = name_parts(name)
    found: list[Reading] = []
    for ch, j in _CONVENTIONS:
        words = (_read_word(part, ch, j, i == len(parts) - 1) for i, part in enumerate(parts))
        tokens = tuple(t for t in words if t)
        if tokens and all(r.tokens != tokens for r in found):
            found.append(Reading(tokens))
    return tuple(found)


def spelling_keys(name: str) -> list[str]:
    """The reading keys of a name: two names match when they share one."""
    return [reading.key for reading in readings(name)]


def person_lookup_keys(value: str) -> tuple[str, ...]:
    """What `person=value` matches: the folded name as written, or any of its spelling keys."""
    return tuple(dict.fromkeys([fold(value), *spelling_keys(value)]))


def surname(name: str) -> str:
    words = name.split()
    return words[-1] if words else name


def person_id(name: str) -> str | None:
    """The stable id of the person a full name names (None for a name with no letters)."""
    found = readings(name)
    if not found:
        return None
    return "p-" + hashlib.sha1(found[0].text.encode()).hexdigest()[:12]


# --- organisations -------------------------------------------------------------------------


@dataclass(frozen=True)
class Organization:
    id: str
    name: str  # the English name shown for it


@cache
def _organizations() -> dict[str, Organization]:
    """Every listed name and abbreviation, folded, to its organisation (data/organizations.json)."""
    path = Path(__file__).parent / "data" / "organizations.json"
    table = json.loads(path.read_text(encoding="utf-8"))
    by_name: dict[str, Organization] = {}
    for entry in table["organizations"]:
        organization = Organization(id=entry["id"], name=entry["name"])
        for names in entry["names"].values():
            for written in names:
                by_name[_org_form(written)] = organization
    return by_name


def _org_form(name: str) -> str:
    """Folded, without dots and a leading article: "the U.N." and "UN" are one form."""
    folded = fold(name).replace(".", "")
    folded = re.sub(r"^(?:the|die|der|la|le|l'|el|los|las|les)\s*", "", folded)
    return re.sub(r"\s+", " ", folded).strip()


def organization(name: str) -> Organization | None:
    """The listed organisation a name or abbreviation stands for, if any."""
    return _organizations().get(_org_form(name))


def organization_key(name: str) -> str | None:
    found = organization(name)
    return f"{KEY_PREFIX}org:{found.id}" if found else None


def organization_lookup_keys(value: str) -> tuple[str, ...]:
    """What `organization=value` matches: the name as written, or the listed organisation."""
    key = organization_key(value)
    return (fold(value), key) if key else (fold(value),)
