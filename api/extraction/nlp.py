"""The text preparation that makes statistical NER usable on news headings.

NER models are trained on mixed-case prose: they read ALL-CAPS and Title-Case headlines and
datelines as strings of proper nouns ("Unspecified Regions" becomes a person). Such lines are
re-cased against the article body before NER: a word takes the casing it has mid-sentence in the
body, a known place name is capitalised, anything else is lower-cased. Re-casing never changes
the length of the text, so entity offsets still point at the original surface strings.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

_WORD = re.compile(r"[^\W\d_]+")
_SENTENCE_END = re.compile(r"[.!?:\"“”'‘’(\-–—]\s*$")
_APOSTROPHES = ("'", "’")
_SMALL_WORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "by",
        "with",
        "from",
        "as",
        "vs",
        "v",
        "is",
        "s",
    }
)


@dataclass(frozen=True, slots=True)
class Line:
    """A line of the text with its offsets and whether it is a shouted or title-cased heading."""

    start: int
    end: int
    text: str
    heading: bool


def _letters_upper_ratio(text: str) -> float:
    letters = sum(map(str.isalpha, text))
    return sum(map(str.isupper, text)) / letters if letters else 0.0


def _is_shouted(text: str) -> bool:
    return len("".join(_WORD.findall(text))) >= 3 and _letters_upper_ratio(text) > 0.8


def _is_title_cased(text: str, forms: dict[str, Counter[str]]) -> bool:
    """A Title-Case heading: nearly every word capitalised, some of them ordinary words.

    The second condition keeps lists of names ("65 Billy Andrade, Duffy Waldorf") as prose.
    """
    if text.rstrip().endswith("."):
        return False
    content = [w for w in _WORD.findall(text) if w.lower() not in _SMALL_WORDS]
    capitalised = [w for w in content if w[0].isupper()]
    if len(content) < 3 or len(capitalised) / len(content) < 0.8:
        return False
    common = sum(w.lower() in forms.get(w.lower(), ()) for w in capitalised)
    return common >= 1


def body_casing(lines: list[tuple[int, str]]) -> dict[str, Counter[str]]:
    """How each word is cased mid-sentence in the given lines of the article."""
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    for _start, text in lines:
        for match in _WORD.finditer(text):
            before = text[: match.start()]
            if before.strip() and not _SENTENCE_END.search(before):
                forms[match.group().lower()][match.group()] += 1
    return forms


def split_lines(text: str, title_end: int = 0, *, title_case: bool = True) -> list[Line]:
    """Lines with offsets; headings (the title, ALL-CAPS and Title-Case lines) marked.

    ``title_case=False`` is for languages that capitalise every noun, where a line of
    capitalised words is ordinary prose."""
    raw_lines: list[tuple[int, str]] = []
    start = 0
    for raw in text.splitlines(keepends=True):
        raw_lines.append((start, raw.rstrip("\r\n")))
        start += len(raw)
    forms = body_casing([(s, t) for s, t in raw_lines if not _is_shouted(t)])
    return [
        Line(
            s,
            s + len(t),
            t,
            s < title_end or _is_shouted(t) or title_case and _is_title_cased(t, forms),
        )
        for s, t in raw_lines
    ]


def _recase_word(word: str, forms: dict[str, Counter[str]], is_place: Callable[[str], bool]) -> str:
    seen = forms.get(word.lower())
    if seen:
        return seen.most_common(1)[0][0]
    if is_place(word):
        return word[:1].upper() + word[1:].lower()
    return word.lower()


def _place_words(
    words: list[re.Match[str]], line: str, is_place: Callable[[str], bool]
) -> set[int]:
    """Indexes of heading words that form a multi-word place name ("NEW YORK")."""
    found: set[int] = set()
    for size in (3, 2):
        for i in range(len(words) - size + 1):
            run = words[i : i + size]
            if found & set(range(i, i + size)):
                continue
            joined = line[run[0].start() : run[-1].end()]
            if " ".join(joined.split()) == " ".join(w.group() for w in run) and is_place(joined):
                found.update(range(i, i + size))
    return found


def _recase_line(
    line: Line, forms: dict[str, Counter[str]], is_place: Callable[[str], bool]
) -> str:
    words = list(_WORD.finditer(line.text))
    in_place = _place_words(words, line.text, is_place)
    chars = list(line.text)
    for index, match in enumerate(words):
        word = match.group()
        if index in in_place:
            new = word[:1].upper() + word[1:].lower()
        elif len(word) == 1 and line.text[match.start() - 1 : match.start()] in _APOSTROPHES:
            new = word.lower()  # the possessive "'S"
        elif len(word) == 1:
            continue  # initials and the letters of "U.S." keep their case
        else:
            new = _recase_word(word, forms, is_place)
        if len(new) == len(word):
            chars[match.start() : match.end()] = new
    return "".join(chars)


def restore_case(text: str, lines: list[Line], is_place: Callable[[str], bool]) -> str:
    """Re-case heading lines (``lines`` is split_lines(text)) against the body so NER reads
    them like prose (same length)."""
    forms = body_casing([(line.start, line.text) for line in lines if not line.heading])
    chars = list(text)
    for line in lines:
        if line.heading:
            chars[line.start : line.end] = _recase_line(line, forms, is_place)
    return "".join(chars)
