"""Page metadata from HTML: title, authors, site name, published date, language and main text.

Maintained libraries do the parsing: extruct reads JSON-LD and microdata, htmldate finds dates,
trafilatura extracts the main text and its own metadata (used as a fallback), lxml gives meta tags
and headline/byline elements. Each field keeps the source it came from in `provenance`
("json-ld", "microdata", "meta", "page", "byline", "text").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from html import unescape
from typing import Any, cast

import dateparser
import extruct
import trafilatura
from htmldate import find_date
from lxml.html import HtmlElement

from api.extraction.credits import (
    HEAD_LINES,
    ORGANIZATION,
    PERSON,
    Credit,
    is_agency,
    split_credits,
)
from api.extraction.html_authors import clean_authors
from api.extraction.outlets import curated_outlet, outlet_from_url
from api.textnorm import fold

ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "blogposting",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "backgroundnewsarticle",
        "scholarlyarticle",
        "techarticle",
        "liveblogposting",
        "socialmediaposting",
        "posting",
        "report",
        "webpage",
        "creativework",
        "review",
        "medicalwebpage",
        "aboutpage",
        "itempage",
        "videoobject",
        "podcastepisode",
        "discussionforumposting",
        "blog",
    }
)
_AUTHOR_META = (
    "author",
    "article:author",
    "dc.creator",
    "dcterms.creator",
    "parsely-author",
    "sailthru.author",
    "byl",
    "citation_author",
    "og:article:author",
)
_DATE_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "dc.date.issued",
    "dcterms.issued",
    "publication_date",
    "pubdate",
    "date",
    "dc.date",
    "dcterms.date",
    "sailthru.date",
    "parsely-pub-date",
    "article.published",
    "citation_publication_date",
)
_WWW = re.compile(r"^www\.(?=[\w-]+\.\w)", re.IGNORECASE)  # 'www.example.com' as a site name
_SITE_META = ("application-name", "publisher", "dc.publisher")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_BYLINE_MARK = re.compile(
    r"^(?:author|autor|byline|by-line|writer|verfasser|author-name|"
    r"entry-author|post-author|article-author|meta-author|author-link)s?$"
)
_BYLINE_NOISE = re.compile(r"(?:box|bio|avatar|image|img|photo|description|about|comment|widget)")
_DATE_MARK = re.compile(
    r"(?:^|[-_])(?:date|published|pubdate|post-date|entry-date|publish|datum|"
    r"fecha|time)(?:$|[-_])"
)
_DATE_NOISE = re.compile(r"updat|modif|comment|geändert|aktualis")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
# Absolute dates only: relative ones ("3 hours ago") would be read against today's clock.
_DATEPARSER_SETTINGS = {
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PREFER_DAY_OF_MONTH": "first",
    "RETURN_AS_TIMEZONE_AWARE": False,
}
UTC_SAME_DAY_HOURS = range(6, 18)
MIN_DATE_CHARS = 6
MAX_DATE_CHARS = 60
_CHROME = re.compile(
    r"^(?:nav.*|.*logo.*|brand|.*menu.*|masthead|sidebar|footer|header|site-header|"
    r"global-header|site-title|site-name|sitename|sr-only|visually-hidden|screen-reader-text|"
    r"skip.*)$"
)
_CONTENT = re.compile(
    r"^(?:article.*|post|hentry|entry|entry-content|post-content|content|main|"
    r"main-content|story|story-body)$"
)
MIN_HEADLINE_WORDS = 2
MAX_BYLINE_CHARS = 120
MAX_BYLINES = 5
MAX_SOURCE_WORDS = 4
MIN_STORY_PARAGRAPH = 200  # characters: a paragraph this long means the story has begun


@dataclass
class PageMetadata:
    """Metadata of one HTML page; provenance maps field name -> source."""

    title: str | None = None
    text: str = ""
    authors: list[Credit] = field(default_factory=list)
    site_name: str | None = None
    published: str | None = None
    language: str | None = None
    provenance: dict[str, str] = field(default_factory=dict)


@dataclass
class _Sources:
    """Everything read from one page, before choosing a value per field."""

    tree: HtmlElement
    url: str | None
    meta: dict[str, list[str]]
    items: list[dict[str, Any]]
    trafilatura: Any

    def dereference(self, value: Any) -> Any:
        """Follow a JSON-LD {"@id": ...} reference to the full object when the page has it."""
        if isinstance(value, dict) and "name" not in value and value.get("@id"):
            return next((i for i in self.items if i.get("@id") == value["@id"]), value)
        return value


def parse_html(html: str, url: str | None = None) -> PageMetadata:
    """Extract page metadata and main text; an unparseable page gives empty metadata.

    The page is parsed once: trafilatura (which works on its own copy), extruct and htmldate
    all read the same lxml tree."""
    tree = trafilatura.load_html(html)
    if tree is None:
        return PageMetadata()
    items = _structured_items(tree, url)
    _drop_code(tree)
    doc = trafilatura.bare_extraction(
        tree, url=url, with_metadata=True, include_comments=False, include_tables=True
    )
    sources = _Sources(tree, url, _meta_tags(tree), items, doc)
    result = PageMetadata(text=_main_text(doc), language=_language(tree, doc))
    _choose(result, "site_name", _site_candidates(sources))
    _choose(result, "title", _title_candidates(sources, result.site_name))
    _choose(result, "published", _date_candidates(sources, result.language))
    _choose_authors(result, sources)
    if result.language:
        result.provenance["language"] = "meta"
    return result


def _drop_code(tree: HtmlElement) -> None:
    """Empty program code and styles once structured data is read: real pages carry megabytes
    of inline scripts that htmldate would otherwise search for dates, twice."""
    for element in tree.iter("script", "style"):
        if (element.get("type") or "").strip().lower() != "application/ld+json":
            element.text = None


def _choose(result: PageMetadata, name: str, candidates: Iterable[tuple[str, str | None]]) -> None:
    """Set the first non-empty candidate value and record its source."""
    for source, value in candidates:
        if value and value.strip():
            setattr(result, name, _WWW.sub("", " ".join(unescape(value).split())))
            result.provenance[name] = source
            return


def _main_text(doc: Any) -> str:
    """trafilatura's main text (it drops script, style and boilerplate blocks)."""
    return (getattr(doc, "text", None) or "").strip() if doc is not None else ""


def _language(tree: HtmlElement, doc: Any) -> str | None:
    """Two-letter language from <html lang> or the page's declared language."""
    declared = tree.get("lang") or tree.get("xml:lang") or getattr(doc, "language", None)
    if not declared:
        return None
    code = declared.strip().split("-")[0].split("_")[0].lower()
    return code if len(code) == 2 and code.isalpha() else None


def _meta_tags(tree: HtmlElement) -> dict[str, list[str]]:
    """<meta name|property|itemprop=... content=...> as lower-case key -> values."""
    tags: dict[str, list[str]] = {}
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop")
        content = element.get("content")
        if key and content and content.strip():
            tags.setdefault(key.strip().lower(), []).append(content.strip())
    return tags


def _structured_items(tree: HtmlElement, url: str | None) -> list[dict[str, Any]]:
    """JSON-LD and microdata items (flattened, @graph expanded), tagged with their syntax; read
    from the page's one parsed tree (extruct takes a tree for these syntaxes)."""
    try:
        data = extruct.extract(
            tree, base_url=url, syntaxes=["json-ld", "microdata"], uniform=True, errors="ignore"
        )
    except Exception:  # extruct raises many parser-specific errors on broken markup
        return []
    items: list[dict[str, Any]] = []
    for syntax in ("json-ld", "microdata"):
        for item in _flatten(data.get(syntax, [])):
            items.append({**item, "_syntax": syntax})
    return items


def _flatten(values: Any) -> Iterator[dict[str, Any]]:
    """Walk lists and @graph containers down to typed objects."""
    if isinstance(values, list):
        for value in values:
            yield from _flatten(value)
    elif isinstance(values, dict):
        if "@graph" in values:
            yield from _flatten(values["@graph"])
        if "@type" in values:
            yield values


def _types(item: dict[str, Any]) -> set[str]:
    raw = item.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {str(v).rsplit("/", 1)[-1].lower() for v in values if v}


def _articles(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Article-like items, the most specific (news/blog) types first."""
    found = [item for item in items if _types(item) & ARTICLE_TYPES]
    generic = {"webpage", "creativework", "aboutpage", "itempage", "blog"}
    return sorted(found, key=lambda item: bool(_types(item) <= generic))


def _text_of(value: Any) -> str | None:
    """A string from a schema.org value that may be a list, an object with name, or text."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    return str(value).strip() if value else None


def _title_candidates(s: _Sources, site_name: str | None) -> Iterator[tuple[str, str | None]]:
    """The page's visible headline first: metadata titles often carry SEO variants or the site
    name, while the <h1> of the article is the headline readers see. An <h1> that no metadata
    title repeats (the latest entry of a news ticker, a teaser) yields to the article's
    structured headline."""
    headline = _headline(s.tree, site_name)
    structured = [(i["_syntax"], _text_of(i.get("headline"))) for i in _articles(s.items)]
    metas = [_first(s.meta, key) for key in ("og:title", "twitter:title", "dc.title", "title")]
    declared = [value for _, value in structured if value] + [m for m in metas if m]
    if headline and declared and not any(_same_title(headline, d) for d in declared):
        yield from structured
    yield "page", headline
    yield from structured
    for value in metas:
        yield "meta", value
    yield "page", getattr(s.trafilatura, "title", None)


def _same_title(headline: str, declared: str) -> bool:
    """One title contains the other once case, accents and spacing are folded."""
    a, b = fold(unescape(headline)), fold(unescape(declared))
    return a in b or b in a


def _headline(tree: HtmlElement, site_name: str | None) -> str | None:
    """First <h1> of two words or more outside navigation, logo, menu, sidebar and footer that
    is not just the site's name."""
    site = fold(site_name) if site_name else None
    for element in tree.iter("h1"):
        text = " ".join(element.text_content().split())
        if len(text.split()) < MIN_HEADLINE_WORDS or fold(text) == site:
            continue
        if not _in_page_chrome(element):
            return text
    return None


def _in_page_chrome(element: HtmlElement) -> bool:
    """True when the element sits in navigation, branding or other non-article page parts.

    The walk up stops at the first article container: whole-page wrappers are sometimes named
    "header" too, and what is inside the article is not chrome.
    """
    return _nearest_part((element, *element.iterancestors())) == "chrome"


def _nearest_part(nodes: Iterable[HtmlElement]) -> str | None:
    """What the first of `nodes` that is page chrome or an article container is ("chrome" or
    "content"); None when none of them is either."""
    for node in nodes:
        marks = f"{node.get('class', '')} {node.get('id', '')}".lower().split()
        if node.tag in {"nav", "footer", "aside"} or any(_CHROME.match(m) for m in marks):
            return "chrome"
        if node.tag in {"article", "main"} or any(_CONTENT.match(m) for m in marks):
            return "content"
    return None


def _site_candidates(s: _Sources) -> Iterator[tuple[str, str | None]]:
    """The catalogue's name for a known news domain (pages name a section, "Security", or an
    edition, "Mail Online", as their site), then the names the page declares, then a name made
    from the URL's domain; trafilatura's guess from the page body and a Twitter handle
    ('@nytimes') only when there is no URL."""
    curated = curated_outlet(s.url) if s.url else None
    yield "url", curated["name"] if curated else None
    yield "meta", _first(s.meta, "og:site_name")
    for item in _articles(s.items):
        yield item["_syntax"], _text_of(item.get("publisher"))
    for key in _SITE_META:
        yield "meta", _first(s.meta, key)
    outlet = outlet_from_url(s.url) if s.url else None
    yield "url", outlet["name"] if outlet else None
    yield "page", getattr(s.trafilatura, "sitename", None)
    yield "meta", (_first(s.meta, "twitter:site") or "").lstrip("@") or None


def _structured_dates(s: _Sources) -> Iterator[tuple[str, str | None]]:
    for item in _articles(s.items):
        yield item["_syntax"], _iso_day(_text_of(item.get("datePublished")))
    for key in _DATE_META:
        yield "meta", _iso_day(_first(s.meta, key))


def _date_candidates(s: _Sources, language: str | None) -> Iterator[tuple[str, str | None]]:
    """The article's own schema.org datePublished first when it names the local day: the
    publisher states it for this very article, while a page-wide date tag may carry the next
    print edition's day. Else htmldate (it weighs URL, metadata and page dates); when no
    metadata confirms its guess, a visible element labelled as the publication date is the
    stronger evidence."""
    for item in _articles(s.items)[:1]:
        yield item["_syntax"], _local_day(_text_of(item.get("datePublished")))
    guess = s.trafilatura.date if s.trafilatura is not None else _htmldate(s)
    structured = [(source, value) for source, value in _structured_dates(s) if value]
    confirmed_by = next((source for source, value in structured if value == guess), None)
    if guess and confirmed_by is None:
        yield "page", _visible_date(s.tree, language)
    yield confirmed_by or "page", guess
    yield from structured


def _local_day(timestamp: str | None) -> str | None:
    """The calendar day of a timestamp with a time of day, where it is the publisher's local
    day: one written with its UTC offset, or a UTC time far enough from midnight
    (UTC_SAME_DAY_HOURS) to fall on the same day from the Americas to East Asia."""
    try:
        moment = dt.datetime.fromisoformat((timestamp or "").strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    offset = moment.utcoffset()
    if offset is None or "T" not in (timestamp or ""):
        return None
    if offset or moment.hour in UTC_SAME_DAY_HOURS:
        return moment.date().isoformat()
    return None


def _htmldate(s: _Sources) -> str | None:
    """htmldate's best guess at the original publication date. trafilatura asks it the same
    question (original date, extensive search) while extracting, so this runs only when
    trafilatura gave up on the page: asking twice costs a second regex pass over every
    script of a multi-megabyte page."""
    try:
        return find_date(s.tree, url=s.url, original_date=True, extensive_search=True)
    except Exception:  # htmldate can fail on odd markup; a missing date is the right answer then
        return None


def _visible_date(tree: HtmlElement, language: str | None) -> str | None:
    """The first absolute date written in an element marked as a publication date."""
    settings = {**_DATEPARSER_SETTINGS, "DATE_ORDER": _date_order(tree)}
    languages = [language] if language in _dateparser_languages() else None
    for element in tree.iter("*"):
        if not isinstance(element.tag, str):
            continue
        marks = f"{element.get('class', '')} {element.get('id', '')} {element.get('itemprop', '')}"
        marks = marks.lower()
        if _DATE_NOISE.search(marks) or not any(_DATE_MARK.search(t) for t in marks.split()):
            continue
        text = " ".join(element.text_content().split())
        if MIN_DATE_CHARS <= len(text) <= MAX_DATE_CHARS and _YEAR.search(text):
            parsed = dateparser.parse(text, languages=languages, settings=settings)
            if parsed:
                return parsed.date().isoformat()
    return None


def _date_order(tree: HtmlElement) -> str:
    """Month first only on pages declared as US English; day first elsewhere."""
    return "MDY" if (tree.get("lang") or "").lower().replace("_", "-") == "en-us" else "DMY"


@cache
def _dateparser_languages() -> frozenset[str]:
    """Language codes dateparser knows (so an odd <html lang> does not make it raise)."""
    from dateparser.data.languages_info import language_order

    return frozenset(language_order)


def _iso_day(value: str | None) -> str | None:
    """'2021-03-04T10:00:00+01:00' -> '2021-03-04'; non-ISO values are left to htmldate."""
    match = _ISO_DATE.match(value.strip()) if value else None
    return "-".join(match.groups()) if match else None


def _first(meta: dict[str, list[str]], key: str) -> str | None:
    values = meta.get(key)
    return values[0] if values else None


_ORGANIZATION_TYPES = frozenset({"organization", "newsmediaorganization", "corporation"})


def _author_values(value: Any, s: _Sources) -> Iterator[str | Credit]:
    """Names from a schema.org author value, an Organization typed as one."""
    value = s.dereference(value)
    if isinstance(value, list):
        for entry in value:
            yield from _author_values(entry, s)
    elif isinstance(value, dict):
        kind = ORGANIZATION if _types(value) & _ORGANIZATION_TYPES else PERSON
        name = value.get("name")
        names = [name] if isinstance(name, str) else name if isinstance(name, list) else []
        yield from ({"name": str(n), "type": kind} for n in names)
    elif isinstance(value, str):
        yield value


def _author_candidates(s: _Sources, own: list[str]) -> Iterator[tuple[str, Sequence[str | Credit]]]:
    for item in _articles(s.items):
        yield item["_syntax"], list(_author_values(item.get("author") or item.get("creator"), s))
    for key in _AUTHOR_META:
        yield "meta", s.meta.get(key, [])
    trafilatura_author = getattr(s.trafilatura, "author", None)
    yield "byline", trafilatura_author.split(";") if trafilatura_author else []
    yield "byline", _byline_elements(s.tree)
    yield "byline", _bold_bylines(s.tree)
    text = _main_text(s.trafilatura)
    if text:
        head = "\n".join(text.splitlines()[:HEAD_LINES])
        yield "text", split_credits(head).authors
        yield "footer", _closing_sources(text.splitlines()[-1], own)


def _choose_authors(result: PageMetadata, s: _Sources) -> None:
    """Credits from the first source that names someone other than the outlet itself (a
    schema.org author that is only the publisher often hides the visible byline), else the
    outlet's own credit; a lone first name ('Nils') takes the full name another source gives
    ('Nils Pickert')."""
    own = [name for name in (result.site_name, _first(s.meta, "og:site_name")) if name]
    # The footer's credits come out of _closing_sources already clean.
    found = [
        (
            source,
            cast(list[Credit], values) if source == "footer" else clean_authors(values, own, s.url),
        )
        for source, values in _author_candidates(s, own)
    ]
    found = [(source, _trusted(source, credits)) for source, credits in found]
    found = [(source, credits) for source, credits in found if credits]
    own_keys = {fold(name) for name in own}
    chosen = next(
        ((source, c) for source, c in found if not all(_is_own(x, own_keys, s.url) for x in c)),
        found[0] if found else None,
    )
    if chosen is None:
        return
    others = [c["name"] for _, credits in found for c in credits if c["type"] == PERSON]
    result.authors = [
        {**credit, "name": _fuller_name(credit["name"], [o for o in others if " " in o])}
        if credit["type"] == PERSON
        else credit
        for credit in chosen[1]
    ]
    result.provenance["authors"] = chosen[0]


# Where a page states its credits explicitly: structured data, and a closing source line.
_EXPLICIT = frozenset({"json-ld", "microdata", "footer"})


def _trusted(source: str, credits: list[Credit]) -> list[Credit]:
    """Organisation credits where the page states them explicitly (structured data, a closing
    source line); from meta tags and byline elements only a wire agency beside a person
    ('Jane Doe, AP'): there a lone site or desk name is usually the CMS's default."""
    if source in _EXPLICIT or any(c["type"] == PERSON for c in credits):
        return [c for c in credits if source in _EXPLICIT or _person_or_agency(c)]
    return []


def _person_or_agency(credit: Credit) -> bool:
    return credit["type"] == PERSON or is_agency(credit["name"])


def _is_own(credit: Credit, own_keys: set[str], url: str | None) -> bool:
    """Is this organisation credit the page's own outlet (its site name or domain)?"""
    if credit["type"] != ORGANIZATION:
        return False
    key = fold(credit["name"])
    domain = (outlet_from_url(url) or {}).get("domain") if url else None
    return key in own_keys or bool(domain and key.split(".")[0] in fold(domain))


def _fuller_name(name: str, others: list[str]) -> str:
    """'Nils' -> 'Nils Pickert' when exactly one other name starts with it."""
    if " " in name:
        return name
    matches = {other for other in others if fold(other.split()[0]) == fold(name)}
    return matches.pop() if len(matches) == 1 else name


def _byline_elements(tree: HtmlElement) -> list[str]:
    """Short texts of elements marked as bylines (rel/itemprop/class/id), outside comments."""
    texts: list[str] = []
    for element in tree.iter("*"):
        if not isinstance(element.tag, str) or not _is_byline_element(element):
            continue
        text = " ".join(element.text_content().split())
        if 2 < len(text) <= MAX_BYLINE_CHARS and not _in_comments(element):
            texts.append(text)
        if len(texts) >= MAX_BYLINES:
            break
    return texts


def _closing_sources(line: str, own: list[str]) -> list[Credit]:
    """The sources of a story credited on its last line beside the outlet ('Wochenblatt /
    dpa', 'Harbour Gazette / Reuters'): each other part is an organisation credit."""
    parts = [part.strip() for part in line.split("/")]
    own_keys = {fold(name) for name in own}
    if len(parts) < 2 or fold(parts[0]) not in own_keys:
        return []
    sources = parts[1:]
    if any(not part or len(part.split()) > MAX_SOURCE_WORDS for part in sources):
        return []
    return [{"name": part, "type": ORGANIZATION} for part in sources]


def _bold_bylines(tree: HtmlElement) -> list[str]:
    """Short paragraphs set wholly in bold inside the article before its story starts
    ('<p><strong>Jane Doe</strong></p>'): how many small newsrooms print the byline."""
    texts: list[str] = []
    for paragraph in tree.iter("p"):
        text = " ".join(paragraph.text_content().split())
        if len(text) > MIN_STORY_PARAGRAPH:
            break
        bold = [child for child in paragraph if child.tag in {"strong", "b"}]
        wholly_bold = len(bold) == 1 and " ".join(bold[0].text_content().split()) == text
        if wholly_bold and 2 < len(text) <= MAX_BYLINE_CHARS and _in_article(paragraph):
            texts.append(text)
    return texts[:MAX_BYLINES]


def _in_article(element: HtmlElement) -> bool:
    """Inside an article or content container, and not in page chrome on the way there."""
    return _nearest_part(element.iterancestors()) == "content"


def _is_byline_element(element: HtmlElement) -> bool:
    if element.get("rel") == "author" or element.get("itemprop") == "author":
        return True
    marks = f"{element.get('class', '')} {element.get('id', '')}".lower()
    tokens = re.split(r"[\s_]+", marks)
    return any(_BYLINE_MARK.search(t) for t in tokens) and not any(
        _BYLINE_NOISE.search(t) for t in tokens
    )


def _in_comments(element: HtmlElement) -> bool:
    for ancestor in element.iterancestors():
        marks = f"{ancestor.get('class', '')} {ancestor.get('id', '')}".lower()
        if "comment" in marks or "sidebar" in marks or "footer" in marks:
            return True
    return False
