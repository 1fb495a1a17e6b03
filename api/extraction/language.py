"""Offline language detection with py3langid (a maintained fork of langid.py)."""

from __future__ import annotations

from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

# Below this many letters the guess is noise; leave the language unknown instead.
MIN_LETTERS = 20


@cache
def _identifier() -> LanguageIdentifier:
    """The model, loaded once per process and limited to ISO 639-1 languages.

    The full model also knows three-letter languages (Nigerian Pidgin, Bikol) that it picks for
    English results tables full of names and numbers; the API reports ISO 639-1 codes anyway.
    """
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    identifier.set_languages([code for code in identifier.labels if len(code) == 2])
    return identifier


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when the text is too short to tell."""
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        return None
    language, _score = _identifier().classify(text)
    return str(language)
