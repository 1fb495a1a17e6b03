"""Author values of HTML pages (meta tags, JSON-LD, bylines in the markup) made into credits.

Pages put much besides names into their author fields: lists ("A and B"), prefixes ("By",
"Von"), dates and reading times, job titles, e-mail addresses, profile URLs, picture credits,
the site's own name and desk. `clean_authors` keeps the persons and organisations that wrote
the story, in byline order. Used by html.py; plain-text bylines are credits.py's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from api.extraction.credits import (
    MAX_OUTLET_WORDS,
    ORGANIZATION,
    PERSON,
    Credit,
    clean_person_name,
    is_agency,
    is_desk_credit,
    squash,
    title_case_if_shouting,
)
from api.extraction.outlets import is_known_outlet
from api.extraction.text import load_words
from api.textnorm import fold

MAX_INITIALS = 3
_AUTHOR_SPLIT = re.compile(
    r"\s*(?:[;|/•·]|,|&|\s+(?:and|und|et|y|e|og|och|en|i)\s+)\s*", re.IGNORECASE
)
_AUTHOR_PREFIX = re.compile(
    r"^(?:(?:written|posted|published|reported|text|words|story|photos?) by|by|von|par|por|"
    r"autor(?:in)?|author|auteur|text|redaktion|verfasst von|geschrieben von)\s*[:\-–—]?\s+",
    re.IGNORECASE,
)
_AUTHOR_NOISE = re.compile(
    r"\s*(?:[-–—,(]\s*)?\b(?:(?:published|updated|posted|publicado|publié|veröffentlicht|"
    r"aktualisiert|hace)\b|(?:am|on|le)\s+\d|\d+\s*(?:minute|min)s?\b|\d{1,4}[./-]\d{1,2}[./-]\d{1,4})"
    r".*$",
    re.IGNORECASE,
)
# A job title after the name ("Jane Doe Senior Reporter", "Jane Doe, Correspondent").
_JOB_TITLE = re.compile(
    r"(?<=\S)\s+(?:(?:senior|chief|staff|political|foreign|business|sports|special|science|"
    r"contributing|managing|deputy|freelance)\s+)*(?:reporter|correspondent|editor|writer|"
    r"journalist|columnist|contributor|redakteur(?:in)?|korrespondent(?:in)?|기자|記者)"
    r"(?:\b|(?=\s|$)).*$",
    re.IGNORECASE,
)
# Editors' initials after a name: "Elena Oberholzer (obe)".
_INITIALS_AFTER = re.compile(r"\s*\([^()\s]{1,5}\)$")
_NOT_AUTHOR_WORDS = load_words("not_author_words.txt", key=str.casefold)


_COMMON_TLDS = load_words("common_tlds.txt")
_IMAGE_LABEL = re.compile(
    r"\b(?:fotos?|photos?|bild(?:er)?|images?|pictures?|credits?|illustration)\s*[:/©]|©",
    re.IGNORECASE,
)
_DOMAIN_LIKE = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}$|^@|_", re.IGNORECASE)


def clean_authors(
    values: Iterable[str | Credit], excluded: list[str] | None = None, url: str | None = None
) -> list[Credit]:
    """Credits from raw author values, in byline order: split lists, drop prefixes, dates,
    emails, URLs, image credits and role words ('By A and B | Published 3 May' -> A, B).

    Wire agencies ('AFP/dpa'), desk credits ('MND Staff') and other outlets are organisations.
    The page's own outlet (`excluded` site names, or the URL's domain) and its desk are
    organisations too, but only when no person is credited: beside a person they are the
    publisher, not a byline.
    A value typed {"type": "organization"} (a schema.org Organization) stays one.
    A lone word is kept only when it was the whole value (a user name such as 'gnaddrig');
    a lone word split off a longer value is usually a place or a role ('Jane Doe, London').
    """
    banned = {squash(name) for name in excluded or []}
    if url:
        banned.update(_url_labels(url))
    credits: list[tuple[Credit, bool]] = []
    for value in values:
        raw, hinted = (value["name"], value["type"]) if isinstance(value, dict) else (value, None)
        if _looks_like_url(raw or ""):
            continue
        pieces = [p for p in _AUTHOR_SPLIT.split(raw or "") if p.strip()]
        if hinted == ORGANIZATION:
            pieces = [raw]
        for piece in pieces:
            found = _credit_piece(piece, banned, len(pieces) == 1, hinted)
            seen = {fold(c["name"]) for c, _ in credits}
            # The outlet once, however it is spelt ("Fem.com", "Fem Com").
            repeated_outlet = found and found[1] and any(own for _, own in credits)
            if found and fold(found[0]["name"]) not in seen and not repeated_outlet:
                credits.append(found)
    if any(credit["type"] == PERSON for credit, _ in credits):
        return [credit for credit, own in credits if not own]
    return [credit for credit, _ in credits]


def _is_image_credit(text: str) -> bool:
    """'Foto: dpa', 'Getty Images', 'AFP Photo': credits of pictures, not of the story."""
    if _IMAGE_LABEL.search(text):
        return True
    words = " " + " ".join(re.split(r"\W+", fold(text))) + " "
    return any(f" {phrase} " in words for phrase in load_words("photo_credits.txt"))


def _looks_like_url(value: str) -> bool:
    """Author meta tags often hold a profile URL instead of a name."""
    text = value.strip().lower()
    return text.startswith(("http:", "https:", "www.", "/")) or "://" in text


def _url_labels(url: str) -> set[str]:
    """Site names an author field may repeat: 'www.fem.com' -> {'fem', 'femcom'}."""
    host = re.sub(r"^[a-z]+://", "", url.lower()).split("/")[0]
    labels = [label.replace("-", "") for label in host.split(".") if label not in {"www", "m"}]
    return {labels[0], "".join(labels)} if labels else set()


def _strip_author_noise(piece: str) -> str:
    """Drop labels ('Text:'), prefixes ('By', 'Von') and trailing dates or reading times."""
    text = " ".join(piece.split()).rsplit(": ", 1)[-1].strip(" .:-–—'\"()[]")
    text = _AUTHOR_PREFIX.sub("", _INITIALS_AFTER.sub("", text))
    text = _AUTHOR_NOISE.sub("", text).strip(" .,:-–—")
    return _JOB_TITLE.sub("", text).strip(" .,:-–—")


def _credit_piece(
    piece: str, banned: set[str], allow_single_word: bool, hinted: str | None
) -> tuple[Credit, bool] | None:
    """One credit and whether it is the page's own outlet, or None for noise (emails, URLs,
    handles, dates, image credits, institutions)."""
    if "@" in piece or "://" in piece or piece.strip().lower().startswith("www."):
        return None
    if _is_image_credit(piece):
        return None
    written = " ".join(piece.split()).strip(" .,:;-–—|")
    if is_desk_credit(written) and not _AUTHOR_NOISE.search(written):
        return {"name": written, "type": ORGANIZATION}, True  # "Redaktion hessenschau.de"
    text = _strip_author_noise(piece)
    if not text or _is_image_credit(text):
        return None
    own = squash(text) in banned or squash(text.rsplit(".", 1)[0]) in banned
    organization = {"name": text, "type": ORGANIZATION}
    if is_agency(text) or (is_known_outlet(text) and not own):
        return organization, False
    if own and len(text.split()) <= MAX_OUTLET_WORDS:
        return organization, True
    if hinted == ORGANIZATION:
        return None  # an institution credited as author ("Ministry of ..."), not a byline
    name = _person_piece(text, allow_single_word)
    return ({"name": name, "type": PERSON}, False) if name else None


def _person_piece(text: str, allow_single_word: bool) -> str | None:
    """A cleaned person name, or None when the text is not one."""
    tokens = text.split()
    if not (1 if allow_single_word else 2) <= len(tokens) <= 5 or any(c.isdigit() for c in text):
        return None
    if _DOMAIN_LIKE.match(text):
        return None
    words = {part.casefold().strip(".") for token in tokens for part in token.split("-")}
    if words & _NOT_AUTHOR_WORDS or any(not token[0].isalpha() for token in tokens):
        return None
    if len(tokens) == 1 and len(text) <= MAX_INITIALS and text.isascii():
        return None  # "PP", "dsw": editors' initials, not names
    if len(tokens) == 2 and tokens[1].casefold() in _COMMON_TLDS:
        return None  # "Example De": a domain someone turned into words
    if len(tokens) > 1 and clean_person_name(text) is None:
        return None
    return title_case_if_shouting(text)
