"""Lemmas in Python, for the languages whose inflections a stemmer does not join.

A stemmer cuts endings, so it joins "Vorschläge" and "Vorschlägen" but not "schaffte" and
"schaffen"; a dictionary lemmatizer maps both to "schaffen". simplemma (pure Python, its
dictionaries ship in the package: nothing is downloaded at run time) gives each word its lemma.
The same function prepares an article's text at index time and a query at search time, so both
sides meet on the lemma; the field's analyzer then stems what the dictionary does not know.
"""

from __future__ import annotations

import functools
import re
import threading

import simplemma

# Words as the standard tokenizer sees them, closely enough: operators, quotes and spaces of a
# simple_query_string stay where they are.
_WORD = re.compile(r"\w+")
# simplemma's dictionary cache does not lock: threads asking for a dictionary at once would
# each load their own copy (seconds of CPU and 100 MB apiece).
_LOADING = threading.Lock()


@functools.lru_cache(maxsize=200_000)
def lemma(word: str, language: str) -> str:
    """The lemma of the word in lower case, in `language` (the word when the dictionary lacks
    it). Lower case on both sides: queries come typed in lower case, and the lemmatizer can
    answer "Versuch" and "versuch" differently (bench/search_quality.py measured it)."""
    lemmatized: str = simplemma.lemmatize(word.lower(), lang=language)
    return lemmatized


def preload(languages: tuple[str, ...]) -> None:
    """Load these languages' dictionaries now (a second or so for German): at start-up, in
    gunicorn's master, so that workers share them and no first request waits for them."""
    with _LOADING:
        for language in languages:
            simplemma.lemmatize("preload", lang=language)


def lemmatize(text: str, language: str) -> str:
    """The text with every word replaced by its lemma; everything between words unchanged."""
    return _WORD.sub(lambda match: lemma(match.group(), language), text)
