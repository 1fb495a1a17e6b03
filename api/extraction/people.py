"""People: PERSON mentions cleaned, validated and merged into one entry per person.

A mention loses titles ("President"), possessives and trailing scores ("Dale 69"). Mentions of
one person merge into the fullest form of the name: "Putin" and "Vladimir Putin" are one entry,
and so are "A. Dale" and "Alan Dale". A mention that only occurs in a heading is kept only when it
names someone the body names too, and a "person" that is really a place is handed back as a place.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from api.extraction.names import MEDIUM_AFTER, NAME_PARTICLES
from api.extraction.text import EDGE_PUNCT, POSSESSIVE_OR_APOSTROPHE, load_words, without_the
from api.textnorm import fold

_TRAILING_SCORE = re.compile(r"(?:[\s(]+[\d.,:/()+-]+(?:st|nd|rd|th)?\)?)+$")
_MAX_TOKENS = 5
_REGNAL = re.compile(r"^[IVX]+$")  # "Elizabeth I", "Henry VIII"
_PARTICLE_PREFIXES = ("al-", "el-", "ad-", "as-", "ash-", "abu-", "bin-", "ibn-")
# "Greenock Morton 2 St Johnstone 1": a score between two names, or "v" between them.
# A league-table row ("Greenock Morton 3 2 0 1 5 2 6") names a team too.
_SCORE_AFTER = re.compile(r"(?:[ ]\d{1,2}[ ]+[A-Z][a-z]|[ ]vs?\.?[ ]|(?:[ ]+\d{1,3}){6,})")
# Where every noun is capitalised, "Brigitte Weigl 20 Pullover" is no score before a team.
_SCORE_AFTER_NOUNS_CAPITALISED = re.compile(r"(?:[ ]vs?\.?[ ]|(?:[ ]+\d{1,3}){6,})")
_SCORE_BEFORE = re.compile(r"(?:\b\d{1,2}[ ]+|\bvs?\.?[ ]+)$")
_SCORE_ONLY_AFTER = re.compile(r"[ ]\d{1,2}\b")
_HEADING_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
_PARTICLE_WORDS = r"(?:(?:van|von|der|den|de|del|da|di|la|le)[ ])*"
_NAME = rf"(?P<name>(?:[A-Z][\w'’.-]*[ ]{_PARTICLE_WORDS}){{1,3}}[A-Z][\w'’-]+)"
# "Sandrine Testud (France)": a name, then a country in brackets.
_NAME_COUNTRY = re.compile(rf"(?<![\w.]){_NAME}[ ]\((?P<country>[A-Z][^()\n]{{1,30}})\)")
# Scorers and substitutes: "Robert Pires 46th", "(Gordon Durie (75th)".
_NAME_MINUTE = re.compile(rf"(?<![\w.]){_NAME}[ ]\(?\d{{1,3}}(?:st|nd|rd|th)\b")
# Leaderboards: a score or place opening the line, then the name ("64 Bob Estes").
_SCORE_NAME = re.compile(rf"^\d{{2,3}}[ ]{_NAME}(?=[ ]*(?:,|\(|$|[ ]\d))", re.MULTILINE)
# Wire contact lines: "-- Ada Lunde, Oslo newsroom +47 ...".
_CONTACT = re.compile(rf"^--[ ]{_NAME},[ ]", re.MULTILINE)
# Team line-ups in brackets after the country ("Italy (Ada Rossi, Bea Conti)") and squads
# after a dash ("Norway - Ada Lunde (captain), Bea Strand, Cai Holm.").
_LINE_UP = re.compile(
    r"(?P<country>[A-Z][\w.]+(?:[ ][A-Z][\w.]+)?)"
    r"(?:[ ]\((?P<members>[^()\n]+)\)|[ ]-[ ](?P<squad>[^.]+)\.)"
)
_MEMBER = re.compile(rf"(?:^|,\s*){_NAME}(?:[ ]\([a-z-]+\))?(?=,|$)")
# Team sheets: "12 - Danie van Schalkwyk, 11 - Pieter Hendriks;".
_SHIRT_NAME = re.compile(
    rf"(?:^|[,;(-]\s*)\d{{1,2}}[ ]-[ ]{_NAME}(?=\s*[,;().]|\s*$)", re.MULTILINE
)
# "A. Dale 69", "T.O'Gorman 109;": an initial and a surname before a score or list punctuation,
# as results tables write people ("U.S. Open" and "A.G. Edwards said" are not matched).
_INITIAL_SURNAME = re.compile(
    r"(?<![\w.])(?:[A-Z]\.\s?){1,2}(?:Mc|Mac|O'|D')?[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
    r"(?=\s*(?:\d|[,;()]|$)|\s+(?:c|b|st|lbw|run out|not out|retired)\b)"
)
# Cricket scoreboards: "c Tillekeratne b Dharmasena 13", "st Kaluwitharana b Chandana 2", and
# bowling figures "Muralitharan 10-0-41-2".
_DISMISSED_BY = re.compile(
    r"(?<![\w.])(?:c|b|st)[ ](?P<name>(?:[A-Z]\.[ ]?)?[A-Z][\w'’-]+)(?=[ ](?:b[ ]|\d))"
)
# "in Lodwar", "reach Lodwar", "the Beauce region": a lone word in such a place is a place.
_PLACE_BEFORE = re.compile(
    r"\b(?:in|near|outside|across|reach|reached|reaching)\s+(?:the\s+)?$", re.IGNORECASE
)
_PLACE_AFTER = re.compile(r"\s+(?:region|province|valley|district|county|prefecture)\b")
# "from Peterhead and Fraserburgh": a word listed after a known place.
_AFTER_PLACE = re.compile(r"\b(?:in|at|from|to|near)\s+(?P<place>[A-Z][\w'’-]+),?\s+(?:and|or)\s+$")
# Prose shapes that mark a name whatever NER labelled it: a role noun before it ("exporter
# Lucia Rey said"), "Name, who ..." and "Name, co-founder of ...". Two or three capitalised words
# with a lowercase letter each (no acronyms), particles allowed.
_PROSE_WORD = r"(?:[A-Z]['’])?[A-ZÀ-Þ][a-zß-ÿ]+(?:-[A-ZÀ-Þ][a-zß-ÿ]+)*"
_PROSE_NAME = (
    rf"(?<![\w'’.-])(?P<name>{_PROSE_WORD}(?:[ ]{_PARTICLE_WORDS}{_PROSE_WORD}){{1,2}})"
    r"(?![\w'’-])"
)
# Words that make a capitalised phrase an organisation, not a person.
_ORG_WORDS = frozenset(
    ["ltd", "inc", "corp", "co", "plc", "spa", "party", "union", "front", "congress", "group"]
    + ["bank", "council", "association", "movement", "league", "alliance", "company"]
    + ["committee", "ministry", "department", "newsroom", "stadium", "prison", "baseball"]
    + ["football", "mining", "cables"]
)
_WEEKDAYS_MONTHS = re.compile(
    r"^(?:mon|tues|wednes|thurs|fri|satur|sun)day$|^(?:january|february|march|april|june|july"
    r"|august|september|october|november|december)$"
)
_ROLE_THEN_NAME = re.compile(
    rf"\b(?P<role>[a-z][a-z-]+)(?:[ ](?:for|of)(?:[ ][a-z]+){{1,2}})?,?[ ]{_PROSE_NAME}"
    r"(?=[ ,.;:!?)]|$)"
)
_NAME_THEN_WHO = re.compile(rf"{_PROSE_NAME},[ ](?:who|whose)[ ]")
_NAME_THEN_ROLE = re.compile(rf"{_PROSE_NAME},[ ](?P<role>(?:an?[ ]|the[ ])?[^,.;\n]{{1,60}}),")
# Title-list words that qualify a role rather than being one ("former", "state").
_MODIFIERS = frozenset(
    ["former", "ex", "acting", "state", "foreign", "defence", "defense", "finance"]
    + ["interior", "senior", "special", "deputy", "vice", "chief"]
)
# Role nouns by their ending ("Geologist", "Technician"), for words opening a name.
_ROLE_ENDING = re.compile(r"(?:ist|ician)$")
_BOWLING = re.compile(
    r"(?:^|[,:][ ])(?P<name>(?:[A-Z]\.[ ]?)?[A-Z][\w'’-]+)"
    r"\s\d{1,2}(?:\.\d)?-\d{1,2}-\d{1,3}-\d{1,2}(?![\d-])",
    re.MULTILINE,
)


def titles() -> frozenset[str]:
    """Title and role words from data/titles.txt (folded there), without a final dot."""
    return load_words("titles.txt", key=str.strip)


@dataclass(frozen=True, slots=True)
class Mention:
    """A PERSON span as it appears in the original text."""

    surface: str
    start: int
    end: int
    heading: bool = False
    table: bool = False  # found by a results-table pattern, where a score may follow a name


@dataclass(frozen=True, slots=True)
class CleanName:
    """A mention reduced to the name itself, with the title it carried."""

    name: str
    title: str | None
    heading: bool

    @property
    def tokens(self) -> list[str]:
        return fold(self.name).split()


@dataclass(slots=True, eq=False)
class Person:
    """One person of the article, built up from merged mentions."""

    name: str
    tokens: list[str]
    aliases: list[str] = field(default_factory=list)
    mentions: int = 0
    title: str | None = None
    in_body: bool = False
    sources: list[CleanName] = field(default_factory=list)

    def add(self, mention: CleanName) -> None:
        self.sources.append(mention)
        if mention.name not in self.aliases:
            self.aliases.append(mention.name)
        self.mentions += 1
        self.title = self.title or mention.title
        self.in_body = self.in_body or not mention.heading

    def record(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "name": self.name,
            "aliases": sorted(self.aliases),
            "mentions": self.mentions,
        }
        if self.title:
            record["title"] = self.title
        return record


def _is_title(word: str) -> bool:
    """A title word; a hyphenated one counts when all its parts are ("Lieutenant-Colonel")."""
    folded = fold(word).rstrip(".")
    return folded in titles() or "-" in folded and all(p in titles() for p in folded.split("-"))


def titled(text: str, start: int, end: int) -> bool:
    """'(Coach) Marta Ilves': a span opened or preceded by a title is a person, whatever its
    label, as long as a name follows the title (not an acronym: "former UN adviser")."""
    words = text[start:end].split()
    before = text[max(0, start - 40) : start].split()[-1:]
    if len(words) > 1 and _is_title(words[0]) and words[1][:1].isupper():
        return True
    name_like = len(words) > 1 and all(w[:1].isupper() and not w.isupper() for w in words)
    return bool(before) and _is_title(before[0]) and name_like


def _title_before(text: str, start: int) -> str | None:
    """Title words just before a span ("Governor" in "Governor Mike Dunleavy said")."""
    words = text[max(0, start - 40) : start].split()
    taken: list[str] = []
    while words and _is_title(words[-1]) and words[-1][:1].isupper():
        taken.insert(0, words.pop())
    return " ".join(taken) or None


def _split_title(words: list[str]) -> tuple[list[str], str | None]:
    """Drop leading title words ("Special Envoy", "President") and return them as the title."""
    cut = 0
    while cut < len(words) - 1 and (_is_title(words[cut]) or _ROLE_ENDING.search(words[cut])):
        cut += 1
    return words[cut:], " ".join(words[:cut]) or None


def clean_mention(mention: Mention, text: str) -> CleanName | None:
    """The bare name of a PERSON mention, or None when what is left is not a name."""
    before = text[max(0, mention.start - 2) : mention.start]
    if len(before) == 2 and before[1] == "." and before[0].isalnum():
        return None  # the tail of a domain or an abbreviation ("Pravda.Ru Telegram")
    if _is_label(mention, text):
        return None
    surface = mention.surface.split("\n")[0]
    surface = _TRAILING_SCORE.sub("", surface).strip(EDGE_PUNCT)
    surface = POSSESSIVE_OR_APOSTROPHE.sub("", surface).strip(EDGE_PUNCT)
    surface = without_the(surface)
    words, title = _split_title(_until_lowercase(surface.split()))
    title = title or _title_before(text, mention.start)
    if not words or len(words) > _MAX_TOKENS or len(words) == 1 and _is_title(words[0]):
        return None
    if not all(word[0].isupper() or _is_particle(word) for word in words):
        return None
    if any(fold(word).strip(".") in _ORG_WORDS for word in words):
        return None  # "Major League Baseball", "Kloof Gold Mining Co"
    last = words[-1].strip(".")
    # "Susanne R.": the press shortens private people's surnames to an initial.
    initial = len(words) > 1 and len(words[-1]) == 2 and words[-1][1] == "." and last.isupper()
    if not any(ch.isalpha() for ch in last) or (
        len(last) < 2 and not _REGNAL.match(last) and not initial
    ):
        return None
    return CleanName(" ".join(words), title, mention.heading)


def _opens_name(words: list[str]) -> bool:
    """Whether the words are particles up to a capitalised word ('van der Vaart')."""
    for word in words:
        if word[:1].isupper():
            return True
        if not _is_particle(word):
            return False
    return False


def _is_particle(word: str) -> bool:
    return word in NAME_PARTICLES or word.startswith(_PARTICLE_PREFIXES)


def _until_lowercase(words: list[str]) -> list[str]:
    """Drop leading role words ('broker Khurshid Alam') and cut at the next lowercase word that
    is no name particle ('Yorkshire at Headingley'); 'al-Saadani', 'van der Vaart' and 'von
    Trotha' stay."""
    while words and words[0][:1].islower() and not _opens_name(words):
        words = words[1:]
    for index, word in enumerate(words):
        if word[:1].islower() and not _is_particle(word):
            return words[:index]
    return words


def pattern_mentions(
    text: str, *, is_place: Callable[[str], bool], is_country: Callable[[str], bool]
) -> list[Mention]:
    """Names in the shapes of results tables, which the statistical model often mislabels.

    "A. Dale 69" (an initial and a surname before a score), "Sandrine Testud (France)" (a name
    and a country in brackets), "Pires 46th" (a scorer) and "12 - Danie van Schalkwyk" (a team
    sheet), cricket dismissals and bowling figures, leaderboards ("64 Bob Estes"), wire contact
    lines and national line-ups; a club ("Standard Liege (Belgium)") fails because it holds a
    place.
    """
    found = [
        Mention(m.group(), m.start(), m.end(), table=True)
        for m in _INITIAL_SURNAME.finditer(text)
        if not is_place(m.group())
    ]
    matches = [m for m in _NAME_COUNTRY.finditer(text) if is_country(m.group("country"))]
    matches += [*_NAME_MINUTE.finditer(text), *_SHIRT_NAME.finditer(text)]
    matches += [*_SCORE_NAME.finditer(text), *_CONTACT.finditer(text)]
    matches += [*_DISMISSED_BY.finditer(text), *_BOWLING.finditer(text)]
    for match in matches:
        name = match.group("name")
        if not any(is_place(word) or _is_title(word) for word in name.split()):
            found.append(Mention(name, match.start("name"), match.end("name"), table=True))
    found += _line_up_members(text, is_country)
    return list({(m.start, m.end): m for m in found}.values())


def _line_up_members(text: str, is_country: Callable[[str], bool]) -> list[Mention]:
    """Every name of a line-up or squad after a country, when all of them read as names."""
    found: list[Mention] = []
    for line_up in _LINE_UP.finditer(text):
        group = "members" if line_up.group("members") else "squad"
        members = line_up.group(group)
        names = list(_MEMBER.finditer(members))
        covered = sum(len(m.group()) for m in names) == len(members)
        if len(names) < 2 or not covered or not is_country(line_up.group("country")):
            continue
        offset = line_up.start(group)
        found += [
            Mention(m.group("name"), offset + m.start("name"), offset + m.end("name"), table=True)
            for m in names
        ]
    return found


def _is_role(word: str) -> bool:
    return word[:1].islower() and _is_title(word) and fold(word) not in _MODIFIERS


def prose_mentions(text: str, *, is_place: Callable[[str], bool]) -> list[Mention]:
    """Names that prose marks as people, for the ones the small model misses or calls ORG:
    a lowercase role noun before them, "who"/"whose" after them, or an appositive role
    ("Name, a local farmer,"). A name holding a place (or a demonym: ``is_place`` says) or an
    organisation word ("Ltd", "Party") is not taken."""
    matches = [m for m in _ROLE_THEN_NAME.finditer(text) if _is_role(m.group("role"))]
    matches += _NAME_THEN_WHO.finditer(text)
    matches += [
        m
        for m in _NAME_THEN_ROLE.finditer(text)
        if any(_is_role(word) for word in m.group("role").split()[:3])
    ]
    lowercase = {word for word in _HEADING_WORD.findall(text) if word.islower()}
    found: list[Mention] = []
    for match in matches:
        words, _title = _split_title(match.group("name").split())
        # "But Ana Ruiz, who": a sentence's first word that the text also writes in lower case.
        if words and words[0].lower() in lowercase:
            words = words[1:]
        start = match.end("name") - len(" ".join(words))
        folded = [fold(word) for word in words]
        holds_place = is_place(" ".join(words)) or any(map(is_place, words))
        not_name = any(w in _ORG_WORDS or _WEEKDAYS_MONTHS.match(w) for w in folded)
        if len(words) < 2 or holds_place or not_name or any(map(_is_title, words)):
            continue
        found.append(Mention(" ".join(words), start, match.end("name")))
    return found


def _is_label(mention: Mention, text: str) -> bool:
    """'Attendance: 200', 'Scorers:', 'Extras (lb-3 nb-2) 5': a capitalised word opening a line
    before a colon or a bracket of lowercase notes."""
    line_start = text.rfind("\n", 0, mention.start) + 1
    after = text[mention.end : mention.end + 3]
    return (
        " " not in mention.surface.strip()
        and not text[line_start : mention.start].strip()
        and (after[:1] == ":" or after[:2] == " (" and after[2:].islower())
    )


def _is_initial(token: str) -> bool:
    return len(token) <= 2 and token.endswith(".") or len(token) == 1


def _same_person(short: list[str], full: list[str]) -> bool:
    """Whether a shorter (or initialled) form names the same person as a fuller one."""
    if short == full:
        return True
    if len(short) <= len(full) and short[-1] == full[-1] and len(short) > 1:
        initials = short[:-1]
        if all(_is_initial(tok) for tok in initials) and not _is_initial(full[0]):
            return [tok[0] for tok in full[: len(initials)]] == [tok[0] for tok in initials]
    return len(short) < len(full) and full[-len(short) :] == short  # surname (+ middle name)


def _display(name: str) -> str:
    """A name from a shouted heading gets ordinary capitalisation."""
    return name.title() if name.isupper() and len(name) > 3 else name


def merge(names: Iterable[CleanName]) -> list[Person]:
    """Group cleaned mentions by person, fullest form first."""
    ordered = sorted(
        names, key=lambda n: (-len(n.tokens), any(map(_is_initial, n.tokens)), n.heading)
    )
    people: list[Person] = []
    for mention in ordered:
        matches = [p for p in people if _same_person(mention.tokens, p.tokens)]
        if matches:
            max(matches, key=lambda p: p.mentions).add(mention)
            continue
        person = Person(name=_display(mention.name), tokens=mention.tokens)
        person.add(mention)
        people.append(person)
    return people


def _repeated_names(
    text: str,
    known: list[tuple[Mention, CleanName]],
    headings: list[tuple[int, int]],
) -> list[tuple[Mention, CleanName]]:
    """Further mentions of people already found: their full names and surnames, wherever they
    stand capitalised (heading words included: "PUTIN MEETS"), that NER did not tag.
    """
    forms = {tuple(name.tokens) for _, name in known}
    forms |= {(name.tokens[-1],) for _, name in known if len(name.tokens) > 1}
    taken = [(m.start, m.end) for m, _ in known]
    found: list[tuple[Mention, CleanName]] = []
    words = [w for w in _HEADING_WORD.finditer(text) if w.group()[0].isupper()]
    i = 0
    while i < len(words):
        for size in (3, 2, 1):
            run = words[i : i + size]
            start, end = run[0].start(), run[-1].end()
            key = tuple(fold(w.group()).removesuffix("'s") for w in run)
            spaced = len(run) == size and " ".join(w.group() for w in run) == text[start:end]
            if spaced and key in forms and not any(a < end and start < b for a, b in taken):
                surface = POSSESSIVE_OR_APOSTROPHE.sub("", text[start:end])
                in_heading = any(a <= start < b for a, b in headings)
                mention = Mention(surface, start, start + len(surface), heading=in_heading)
                found.append((mention, CleanName(surface, None, heading=in_heading)))
                i += size
                break
        else:
            i += 1
    return found


def _in_place_context(mention: Mention, text: str, knows_place: Callable[[str], bool]) -> bool:
    """Whether the words around a mention say it is a place, whatever NER thought of it."""
    before = text[max(0, mention.start - 40) : mention.start]
    if _PLACE_BEFORE.search(before) or _PLACE_AFTER.match(text, mention.end):
        return True
    listed = _AFTER_PLACE.search(before)
    return bool(listed and knows_place(listed.group("place")))


def _team_names(
    cleaned: list[tuple[Mention, CleanName]], text: str, nouns_capitalised: bool
) -> set[str]:
    """Names that NER took for people but that only ever stand like teams in results
    ("Greenock Morton 2 St Johnstone 1", "Deportivo Coruna v Real Madrid")."""
    score_after = _SCORE_AFTER_NOUNS_CAPITALISED if nouns_capitalised else _SCORE_AFTER
    uses: dict[str, list[bool]] = {}
    for mention, name in cleaned:
        after = text[mention.end : mention.end + 12]
        before = text[max(0, mention.start - 5) : mention.start]
        second_team = _SCORE_BEFORE.search(before) and _SCORE_ONLY_AFTER.match(after)
        team_like = not mention.table and bool(score_after.match(after) or second_team)
        uses.setdefault(name.name, []).append(team_like)
    return {name for name, flags in uses.items() if all(flags)}


def extract_people(
    mentions: Iterable[Mention],
    text: str,
    *,
    is_place: Callable[[str], bool],
    knows_place: Callable[[str], bool],
    headings: list[tuple[int, int]] = (),  # type: ignore[assignment]
    nouns_capitalised: bool = False,
) -> tuple[list[dict[str, Any]], list[Mention]]:
    """People records plus the mentions that turned out to be places ("Sumy", "Kherson").

    NER mentions inside ``headings`` are not trusted; heading words count only when they match
    a name that the body gives. Untagged repeats of known names are counted too. A lone word
    that the text also uses in lower case ("Extras", "Death") is a common word, not a name.
    """
    cleaned: list[tuple[Mention, CleanName]] = []
    for mention in mentions:
        if any(a <= mention.start < b for a, b in headings):
            continue
        if MEDIUM_AFTER.match(text, mention.end):
            continue
        name = clean_mention(mention, text)
        if name is not None:
            cleaned.append((mention, name))
    cleaned += _repeated_names(text, cleaned, list(headings))
    teams = _team_names(cleaned, text, nouns_capitalised)
    people = merge(name for m, name in cleaned if name.name not in teams)
    # A one-word "person" that the text puts somewhere ("in Lodwar") is a place: a surname
    # alone is seldom the object of "in" or "near". So is a longer one the gazetteer knows
    # ("near Marcos Juárez").
    placed = {name for m, name in cleaned if _in_place_context(m, text, knows_place)}
    places = [
        p
        for p in people
        if is_place(p.name)
        or (len(p.tokens) == 1 or knows_place(p.name))
        and any(n in placed for n in p.sources)
    ]
    lowercase = {word for word in _HEADING_WORD.findall(text) if word.islower()}
    kept = [
        p
        for p in people
        if p.in_body and p not in places and not (len(p.tokens) == 1 and p.tokens[0] in lowercase)
    ]
    kept.sort(key=lambda p: -p.mentions)
    place_names = {name for p in places for name in p.sources}
    place_mentions = [m for m, name in cleaned if name in place_names]
    return [p.record() for p in kept], place_mentions
