"""Offline language detection with py3langid (a maintained fork of langid.py)."""

from __future__ import annotations

from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

# Below this many letters the guess is noise; leave the language unknown instead.
MIN_LETTERS = 20


@cache
def identifier() -> LanguageIdentifier:
    """The model, loaded once per process (about 75 MB; api/wsgi.py loads it before the fork)."""
    return LanguageIdentifier.from_model_file(MODEL_FILE)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when the text is too short to tell.

    The model also knows three-letter languages (Nigerian Pidgin, Bikol) that it picks for
    English results tables full of names and numbers; the API reports ISO 639-1 codes, so the
    best two-letter one wins. Ranking the full model rather than restricting it with
    `set_languages` spares a 20 MB copy of its tables per process.
    """
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        return None
    return next((str(code) for code, _score in identifier().rank(text) if len(code) == 2), None)
