"""Text normalisation shared by extraction and search.

The local Elasticsearch distribution has no asciifolding filter, so accent and case folding
happens here, in Python, before values are indexed and before they are queried.
"""

import re
import unicodedata

_WHITESPACE = re.compile(r"\s+")
_QUOTES = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201b": "'", "`": "'", "\u201c": '"', "\u201d": '"'}
)


def fold(value: str) -> str:
    """Casefold, strip accents, straighten quotes, collapse spaces: 'Zelenský ' -> 'zelensky'."""
    if value.isascii():  # the common case: nothing to decompose, and casefold is lower
        return _WHITESPACE.sub(" ", value.replace("`", "'")).strip().lower()
    decomposed = unicodedata.normalize("NFKD", value.translate(_QUOTES))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _WHITESPACE.sub(" ", stripped).strip().casefold()
