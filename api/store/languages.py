"""The languages search analyses, and the names of their fields (mapping v4).

Per language the article's title and text are kept twice beside the exact fields: as written,
analysed by the language's analyzer (`text_de`), and, for the languages a lemmatizer serves
better than a stemmer, as lemmas (`text_de_lemmas`, see api.textanalysis). Only the fields of
the article's own language are filled; a query searches them all.
"""

from __future__ import annotations

LANGUAGES = ("en", "de", "fr", "es")
# Chosen by bench/search_quality.py --options (docs/search.md has the figures); French and
# Spanish keep their stemmers: no evaluation set says a lemmatizer would be worth its memory.
LEMMATIZED_LANGUAGES = ("en", "de")
PARTS = ("title", "text")


def language_field(part: str, language: str, lemmas: bool = False) -> str:
    """`text_de`, or `text_de_lemmas`: where `part` of an article in `language` is searched."""
    return f"{part}_{language}_lemmas" if lemmas else f"{part}_{language}"


LANGUAGE_FIELD_NAMES = frozenset(
    [language_field(part, language) for language in LANGUAGES for part in PARTS]
    + [language_field(part, language, True) for language in LEMMATIZED_LANGUAGES for part in PARTS]
)
