"""Bylines, credit lines, outlet cues and boilerplate in plain-text articles.

Credits sit at the edges of an article: bylines and agency datelines near the top, credit lines
("Reporting by ...; Editing by ..."), copyright and "subscribe/follow/share" lines near the end.
They are recognised line by line, moved into Credits.authors / Credits.outlet, and removed from
Credits.body so that NER does not read them as article content.

Choices:
- "Reporting by", "Additional reporting by" and "Writing by" name authors; "Editing by",
  "Edited by", "Graphics by", "Photos by" and the like do not (editors did not write the story).
- A line is a byline only when the whole line parses as one: a marker ("By", "Written by",
  "Author's name", ...) followed by names in capitalised form, optionally with an outlet. A sentence
  that starts with "By" ("By the end of the year, ...") fails the name check and stays in the body.
- A publisher cue in the footer (copyright, "Subscribe to X") wins over an agency credit in a
  byline or dateline, because the footer names the site the text was published on.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from api.extraction.names import NAME_PARTICLES
from api.extraction.outlets import is_known_outlet, is_news_agency, outlet_for_name
from api.extraction.text import load_words
from api.textnorm import fold

PERSON, ORGANIZATION = "person", "organization"
Credit = dict[str, str]  # {"name": ..., "type": "person" | "organization"}, as schema.org has it
MAX_ABBREVIATION = 4
HEAD_LINES = 6
TAIL_LINES = 8
MAX_CREDIT_LINE = 160
MAX_OUTLET_WORDS = 6

_APOSTROPHES = "'’`´‘"
_BYLINE = re.compile(
    r"^(?P<marker>by|written by|words by|story by|text by|posted by|von|par|por|"
    rf"author[{_APOSTROPHES}]?s?(?: name)?|authors?)\s*[:\-–—]?\s+(?P<names>\S.*)$",
    re.IGNORECASE,
)
# Short markers also introduce book and photo credits, so the footer needs an explicit one.
_HEAD_ONLY_MARKERS = frozenset({"by", "von", "par", "por", "posted by"})
_ROLE = re.compile(r"^(?P<role>[A-Za-z ]+?)\s+by\s+(?P<names>\S.*)$", re.IGNORECASE)
AUTHOR_ROLES = frozenset({"reporting", "additional reporting", "writing", "written", "reported"})
_NON_AUTHOR_ROLES = load_words("non_author_roles.txt")
_DATELINE_AGENCY = re.compile(
    r"^(?P<place>[A-ZÀ-Ý][^\s()/]*(?:[ ,]+[\wÀ-Ý][^\s()/]*){0,4}?)?[\s.,]*"
    r"(?:\((?P<agency>[^()]{2,40})\)\s*[-–—]+|/(?P<slashed>[^/]{2,20})/\.?)\s*"
)
_LEADING_AGENCY = re.compile(r"^(?P<agency>[A-Z][\w.&' ]{0,30}?)\s+[-–—]{1,2}\s+(?=\S)")
# "© 2025 Reuters", "Copyright © Pravda.Ru 2025", "Copyright 2025 The Associated Press." (a line
# that merely starts with the word, "Copyright law changed", is not a copyright notice).
_COPYRIGHT = re.compile(
    r"^(?:(?:©|\(c\))\s*(?:copyright\s*)?|copyright\s*(?:©|\(c\))\s*|copyright\s+(?=\d{4}))"
    r"(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*)?,?\s*"
    r"(?P<name>[^,|©]+?)\s*(?:\d{4}\s*)?(?:[,|]|\.\s|\.$|all rights reserved|$)",
    re.IGNORECASE,
)
_SUBSCRIBE = re.compile(
    r"^(?i:subscribe|sign up|follow)\s+(?i:to\s+)?(?i:the\s+)?"
    r"(?P<name>[A-Z][\w.&'-]*(?: [A-Z][\w.&'-]*){0,3}?)"
    r"(?:['’]s)?\s+(?i:(?:on\s+)?(?:telegram|youtube|twitter|x|facebook|instagram|newsletter|"
    r"channel|rss|podcast|feed|whatsapp)\b)"
)
_BOILERPLATE = re.compile(
    r"^(?:subscribe\b|sign up\b|follow (?:us|me)\b|follow .{1,40} on (?:twitter|x|facebook|"
    r"instagram|telegram|tiktok|linkedin|youtube)\b|share (?:this|on|via)\b|share$|read more\b|"
    r"related(?: articles| stories| coverage)?:|advertisement$|click here\b|"
    r"(?:published|updated|posted)(?: on)?:?\s[^.!?]{0,40}\d[^.!?]{0,20}$|"
    r"\d+\s*min(?:ute)?s? read$|"
    r"download (?:our|the) app\b|"
    r"join (?:us|our)\b|like us on\b|all rights reserved\b|©|\(c\) ?\d|"
    r"copyright\s*(?:©|\(c\)|\d{4})|"
    r"(?:photo|foto|image|picture|credit|source|illustration)s?\s*:|\(?photo by\b|"
    r"(?:editing|edited|editor|graphics|photos|translated|translation) by\b|editor:|"
    r"(?:facebook|twitter|whatsapp|email|telegram|linkedin|reddit|print|copy link)"
    r"(?:[\s|,/·•]+(?:facebook|twitter|whatsapp|email|telegram|linkedin|reddit|print|"
    r"copy link))*$)",
    re.IGNORECASE,
)
_NAME_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b|\bund\b|\bet\b|\by\b)\s*")
_TRAILING_PLACE = re.compile(r"\s+(?:in|at|from)\s+[A-ZÀ-Ý].*$")
_NOT_NAME_WORDS = load_words("not_name_words.txt")
_NAME_TOKEN = re.compile(r"^(?:[^\W\d_][\w'’.-]*|[^\W\d_]\.)$")


@dataclass
class Credits:
    """What split_credits found, and the text left for NER."""

    body: str
    authors: list[Credit] = field(default_factory=list)
    outlet: str | None = None
    provenance: dict[str, str] = field(default_factory=dict)


@dataclass
class _Found:
    """Accumulates authors and outlet candidates while lines are scanned."""

    authors: list[Credit] = field(default_factory=list)
    author_source: str | None = None
    footer_outlet: str | None = None
    byline_outlet: str | None = None
    dateline_agencies: list[str] = field(default_factory=list)

    def add_authors(self, names: list[str], source: str, kind: str = PERSON) -> None:
        for name in names:
            if fold(name) not in {fold(a["name"]) for a in self.authors}:
                self.authors.append({"name": name, "type": kind})
        if names and self.author_source is None:
            self.author_source = source

    def add_agency(self, written: str | None, source: str) -> None:
        """A wire agency named in a byline or dateline is a credit as printed ("dpa")."""
        if written and is_agency(written):
            self.add_authors([written.strip()], source, ORGANIZATION)


def clean_person_name(raw: str) -> str | None:
    """A tidy person name, or None when the string does not look like one ('the end' -> None)."""
    name = raw.strip(" \t.:-–—|*")
    tokens = name.split()
    if not 2 <= len(tokens) <= 5 or len(name) > 60:
        return None
    capitalised = 0
    for token in tokens:
        if token.casefold().strip(".") in _NOT_NAME_WORDS or not _NAME_TOKEN.match(token):
            return None
        if not token[0].islower():  # capitalised, or a script without case (Arabic, CJK)
            capitalised += 1
        elif token.casefold() not in NAME_PARTICLES:
            return None
    if capitalised < 2:
        return None
    return title_case_if_shouting(name)


def title_case_if_shouting(name: str) -> str:
    """'JANE DOE' -> 'Jane Doe'; mixed-case names stay as written."""
    if name.isupper() and len(name.replace(" ", "")) > 3:
        return " ".join(part.capitalize() for part in name.split())
    return name


def parse_names(text: str) -> tuple[list[str], str | None, list[str]] | None:
    """Names, an outlet and the outlets as written, from a byline's name part ('Jane Doe, AP'
    -> ['Jane Doe'], 'Associated Press', ['AP']), or None when it is not a byline."""
    names: list[str] = []
    outlet: str | None = None
    written: list[str] = []
    pieces = [p for p in _NAME_SPLIT.split(text.strip().rstrip(".")) if p.strip()]
    if not pieces:
        return None
    for index, piece in enumerate(pieces):
        piece = _TRAILING_PLACE.sub("", piece.strip())
        if is_known_outlet(piece) or is_agency(piece):
            outlet = outlet or outlet_for_name(piece)["name"]
            written.append(piece)
            continue
        name = clean_person_name(piece)
        if name is not None:
            names.append(name)
        elif index == 0 or not names:
            return None
    if not names and outlet is None:
        return None
    return names, outlet, written


def _byline(line: str, edge: str) -> tuple[list[str], str | None, list[str]] | None:
    """Authors/outlet of a byline such as 'By Jane Doe, Reuters' or "Author's name Jane Doe"."""
    match = _BYLINE.match(line)
    if match:
        if edge == "footer" and match.group("marker").casefold() in _HEAD_ONLY_MARKERS:
            return None
        return parse_names(match.group("names"))
    return _name_outlet_line(line)


def _name_outlet_line(line: str) -> tuple[list[str], str | None, list[str]] | None:
    """'Jane Doe, Reuters', 'Jane Doe | AP' (the last part a known outlet) or 'AFP/dpa' (wire
    agencies only)."""
    parts = re.split(r"\s*[,|/]\s*", line.strip())
    if parts and all(is_agency(part) for part in parts):
        return [], outlet_for_name(parts[0])["name"], parts
    if len(parts) < 2 or not (is_known_outlet(parts[-1]) or is_agency(parts[-1])):
        return None
    parsed = parse_names(", ".join(parts[:-1]))
    if parsed is None or not parsed[0]:
        return None
    return parsed[0], outlet_for_name(parts[-1])["name"], [*parsed[2], parts[-1]]


def _role_credits(line: str) -> list[str] | None:
    """Authors from 'Reporting by A and B; Editing by C' lines; None if it is not such a line.

    Wire stories close with the same line in brackets: "(Reporting by A; Editing by C)"."""
    if line.startswith("(") and line.endswith(")"):
        line = line[1:-1]
    segments = [s.strip() for s in re.split(r";|\.\s+(?=[A-Z])", line) if s.strip()]
    authors: list[str] = []
    for segment in segments:
        match = _ROLE.match(segment)
        if match is None:
            return None
        role = match.group("role").strip().casefold()
        if role not in AUTHOR_ROLES and role not in _NON_AUTHOR_ROLES:
            return None
        parsed = parse_names(match.group("names"))
        if parsed is None:
            return None
        if role in AUTHOR_ROLES:
            authors.extend(parsed[0])
    return authors


def _footer_outlet(line: str) -> str | None:
    """Publisher named by a copyright or subscribe/follow line in the footer."""
    match = _COPYRIGHT.match(line) or _SUBSCRIBE.match(line)
    if match is None:
        return None
    name = match.group("name").strip()
    if not name or name.casefold() in {"our", "us", "me"} or not name[0].isupper():
        return None
    if len(name.split()) > MAX_OUTLET_WORDS:
        return None
    return outlet_for_name(name)["name"]


def _strip_agency_dateline(line: str, found: _Found) -> str:
    """'KYIV (Reuters) - text' -> 'KYIV - text' and 'AP — text' -> 'text', noting the agency."""
    match = _DATELINE_AGENCY.match(line)
    agency = match and (match.group("agency") or match.group("slashed"))
    if match and agency and (is_known_outlet(agency) or is_agency(agency)):
        found.byline_outlet = found.byline_outlet or outlet_for_name(agency)["name"]
        if is_agency(agency):
            found.dateline_agencies.append(agency.strip())
        place = (match.group("place") or "").strip(" ,.")
        rest = line[match.end() :]
        return f"{place} - {rest}" if place else rest
    match = _LEADING_AGENCY.match(line)
    if match and (is_news_agency(match.group("agency")) or is_agency(match.group("agency"))):
        found.byline_outlet = found.byline_outlet or outlet_for_name(match.group("agency"))["name"]
        if is_agency(match.group("agency")):
            found.dateline_agencies.append(match.group("agency").strip())
        return line[match.end() :]
    return line


def _classify(line: str, edge: str | None, found: _Found) -> bool:
    """Record credits on the line; True when the line is a credit/boilerplate line to drop.

    edge is "byline" for the first lines, "footer" for the last ones and None elsewhere.
    """
    stripped = line.strip()
    if not stripped or len(stripped) > MAX_CREDIT_LINE:
        return False
    if edge is not None:
        roles = _role_credits(stripped)
        if roles is not None:
            found.add_authors(roles, edge)
            return True
        byline = _byline(stripped, edge)
        if byline is not None:
            found.add_authors(byline[0], edge)
            for written in byline[2]:
                found.add_agency(written, edge)
            found.byline_outlet = found.byline_outlet or byline[1]
            return True
    outlet = _footer_outlet(stripped)
    if outlet is not None:
        found.footer_outlet = found.footer_outlet or outlet
        return True
    return bool(_BOILERPLATE.match(stripped))


def split_credits(text: str) -> Credits:
    """Split a plain-text article into body, authors and outlet (see the module docstring)."""
    lines = text.splitlines()
    filled = [i for i, line in enumerate(lines) if line.strip()]
    head = set(filled[:HEAD_LINES])
    tail = set(filled[-TAIL_LINES:]) - head
    found = _Found()
    kept: list[str] = []
    for index, line in enumerate(lines):
        edge = "byline" if index in head else "footer" if index in tail else None
        if _classify(line, edge, found):
            continue
        kept.append(_strip_agency_dateline(line, found) if index in head else line)
    # A dateline agency credits the story after its reporters ("Jane Doe, Reuters").
    found.add_authors(found.dateline_agencies, "dateline", ORGANIZATION)
    authors = found.authors
    provenance: dict[str, str] = {}
    if authors:
        provenance["authors"] = found.author_source or "byline"
    outlet = found.footer_outlet or found.byline_outlet
    if outlet:
        provenance["outlet"] = "footer" if found.footer_outlet else "byline"
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    return Credits(body=body, authors=authors, outlet=outlet, provenance=provenance)


def as_credits(values: list[str | Credit], outlet: dict[str, Any] | None = None) -> list[Credit]:
    """Client-given authors: objects stay as they are; a string is a person unless it is a
    known wire agency or the article's outlet (by name or domain)."""
    own = {fold(v) for v in (outlet or {}).values() if v}
    credits: list[Credit] = []
    for value in values:
        if isinstance(value, dict):
            credits.append({"name": value["name"], "type": value.get("type") or PERSON})
            continue
        own_outlet = fold(value) in own or squash(value) in {squash(o) for o in own}
        kind = ORGANIZATION if is_agency(value) or own_outlet else PERSON
        credits.append({"name": value, "type": kind})
    return list({fold(c["name"]): c for c in reversed(credits)}.values())[::-1]


def is_agency(name: str) -> bool:
    """A wire agency or syndication service ('dpa', 'AP', 'Deutsche Presse-Agentur').

    A short abbreviation counts only as abbreviations are written ('AP', 'dpa'), not as a
    capitalised word ('Ana', 'Spa')."""
    text = name.strip(" .,;:()[]")
    if fold(text) not in load_words("agencies.txt"):
        return False
    return len(text) > MAX_ABBREVIATION or text.isupper() or text.islower()


def is_desk_credit(name: str) -> bool:
    """A newsroom's own desk ('MND Staff', 'BR24 Redaktion', 'Redaktion hessenschau.de'): a
    desk word beside a brand word; a desk or role word alone ('Staff Reporter') names no one."""
    tokens = [t for t in re.split(r"[\s-]+", fold(name)) if t]
    desk = load_words("desk_words.txt")
    brand = [t for t in tokens if t not in desk and t not in _NOT_NAME_WORDS]
    return 2 <= len(tokens) <= 4 and 0 < len(brand) < len(tokens) and any(t in desk for t in tokens)


def squash(name: str) -> str:
    """Fold and drop spaces, dots and hyphens: 'Fem.com' and 'FEM Com' both become 'femcom'."""
    return re.sub(r"[\s.-]", "", fold(name))
