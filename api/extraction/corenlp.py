"""The named-entity engine: a Stanford CoreNLP server, asked for entity spans over HTTP.

CoreNLP annotates one document per request, so a batch is packed into few requests: texts are
joined with blank lines, every newline ends a sentence (``ssplit.newlineIsSentenceBreak``), and
the CRF labels each sentence on its own, so a packed text is labelled exactly like its parts
alone. For the same reason a text longer than ``max_chars`` is cut at line ends into pieces.
Packed requests of up to about ``max_chars`` (and at least ``concurrency`` of them, so that one
batch keeps every server thread busy) go out together over one pool of keep-alive connections,
each with a timeout. The server counts offsets in UTF-16 code units (Java
strings); they are turned back into Python string offsets here.

Anything but a well-formed answer in time (a refused connection, a timeout, an HTTP error, a
body that is not CoreNLP's JSON) raises :class:`NerUnavailable`: extraction never goes on with
some texts unlabelled.
"""

from __future__ import annotations

import json
import os
from bisect import bisect_right
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

import urllib3

from api.errors import Unavailable

if TYPE_CHECKING:
    from api.config import Settings

_TABLE = Path(__file__).with_name("data") / "corenlp.json"
_SEPARATOR = "\n\n"


class NerUnavailable(Unavailable):
    """The NER server is down, too slow, or answered something that is not an annotation."""


@dataclass(frozen=True, slots=True)
class Entity:
    """A labelled span of one text: PERSON, LOC, ORG or MISC, offsets into that text."""

    start: int
    end: int
    label: str


@cache
def _table() -> dict[str, Any]:
    table: dict[str, Any] = json.loads(_TABLE.read_text(encoding="utf-8"))
    return table


def languages() -> frozenset[str]:
    """The languages the engine has a model for (two-letter codes)."""
    return frozenset(_table()["languages"])


@cache
def _query(language: str) -> str:
    table = _table()
    return quote(json.dumps({**table["common"], **table["languages"][language]}))


def _python_offsets(text: str) -> list[int] | None:
    """Python offset of each UTF-16 offset, or None when the two agree (no astral chars)."""
    if text.isascii() or all(ord(ch) < 0x10000 for ch in text):
        return None
    offsets: list[int] = []
    for index, ch in enumerate(text):
        offsets.extend([index] * (2 if ord(ch) >= 0x10000 else 1))
    offsets.append(len(text))
    return offsets


def _pieces(text: str, max_chars: int) -> list[tuple[int, str]]:
    """A text cut into pieces of at most max_chars, at line ends where it can be (a line end
    is a sentence end for the server), with the offset of each piece."""
    pieces: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > max_chars:
        cut = text.rfind("\n", start + 1, start + max_chars)
        if cut <= start:
            cut = text.rfind(" ", start + 1, start + max_chars)
        if cut <= start:
            cut = start + max_chars
        pieces.append((start, text[start:cut]))
        start = cut
    pieces.append((start, text[start:]))
    return pieces


def _packs(lengths: Sequence[int], count: int) -> list[list[int]]:
    """Indexes of the texts, in order, grouped into `count` runs of about equal size (fewer
    when there are fewer texts)."""
    total = sum(lengths)
    packs: list[list[int]] = [[]]
    filled = 0
    for index, length in enumerate(lengths):
        packs[-1].append(index)
        filled += length
        if len(packs) < count and filled >= total * len(packs) / count:
            packs.append([])
    return [pack for pack in packs if pack]


class CoreNLPEngine:
    """Entity spans from a CoreNLP server at ``url``; safe to share between threads."""

    def __init__(
        self, url: str, *, timeout: float = 30.0, concurrency: int = 2, max_chars: int = 50_000
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"NER_URL={url!r} is not an http(s) URL")
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.concurrency = concurrency
        self.max_chars = max_chars
        self._pid = -1
        self._pool: urllib3.PoolManager
        self._executor: ThreadPoolExecutor

    def _connections(self) -> tuple[urllib3.PoolManager, ThreadPoolExecutor]:
        """The pool and threads of this process: gunicorn forks after the app is built, and a
        child must not share its parent's sockets."""
        if self._pid != os.getpid():
            self._pool = urllib3.PoolManager(
                maxsize=self.concurrency,
                retries=False,
                timeout=urllib3.Timeout(connect=min(self.timeout, 3.0), read=self.timeout),
            )
            self._executor = ThreadPoolExecutor(self.concurrency, thread_name_prefix="ner")
            self._pid = os.getpid()
        return self._pool, self._executor

    def _request(self, method: str, path: str, body: bytes | None = None) -> bytes:
        pool, _ = self._connections()
        try:
            response = pool.request(method, self.url + path, body=body)
        except urllib3.exceptions.HTTPError as error:
            raise NerUnavailable(f"the NER server did not answer: {error}") from error
        if response.status != 200:
            raise NerUnavailable(f"the NER server answered HTTP {response.status}")
        return response.data

    def ready(self) -> bool:
        """Whether the server answers its readiness probe."""
        try:
            self._request("GET", "/ready")
        except NerUnavailable:
            return False
        return True

    def entities(self, texts: Sequence[str], language: str) -> list[list[Entity]]:
        """Entity spans of each text, in the model of ``language`` (one of :func:`languages`)."""
        if language not in languages():
            raise ValueError(f"no NER model for language {language!r}")
        _, executor = self._connections()
        pieces = [
            (index, offset, piece)
            for index, text in enumerate(texts)
            for offset, piece in _pieces(text, self.max_chars)
        ]
        # The server labels each request on one of its threads: a batch is packed into at
        # least `concurrency` requests, so that one batch keeps every thread busy.
        lengths = [len(piece) + len(_SEPARATOR) for _, _, piece in pieces]
        count = max(self.concurrency, -(-sum(lengths) // self.max_chars))
        packs = _packs(lengths, count)
        results: list[list[Entity]] = [[] for _ in texts]
        answers = executor.map(
            lambda pack: self._annotate([pieces[i][2] for i in pack], language), packs
        )
        for pack, pack_entities in zip(packs, answers, strict=True):
            for piece_index, found in zip(pack, pack_entities, strict=True):
                index, offset, _ = pieces[piece_index]
                results[index] += [Entity(e.start + offset, e.end + offset, e.label) for e in found]
        return results

    def _annotate(self, texts: list[str], language: str) -> list[list[Entity]]:
        """One request for a pack of texts; spans mapped back to each text."""
        joined = _SEPARATOR.join(texts)
        body = self._request("POST", f"/?properties={_query(language)}", joined.encode("utf-8"))
        starts = [0, *accumulate(len(text) + len(_SEPARATOR) for text in texts[:-1])]
        to_python = _python_offsets(joined)
        labels = _table()["labels"]
        found: list[list[Entity]] = [[] for _ in texts]
        try:
            sentences = json.loads(body)["sentences"]
            for sentence in sentences:
                for mention in sentence.get("entitymentions", ()):
                    start = mention["characterOffsetBegin"]
                    end = mention["characterOffsetEnd"]
                    if to_python is not None:
                        start, end = to_python[start], to_python[end]
                    index = bisect_right(starts, start) - 1
                    label = labels.get(mention["ner"], "MISC")
                    offset = starts[index]
                    found[index].append(Entity(start - offset, end - offset, label))
        except (ValueError, KeyError, TypeError, IndexError) as error:
            raise NerUnavailable("the NER server's answer is not an annotation") from error
        return found


def engine_for(settings: Settings) -> CoreNLPEngine:
    """The engine the settings describe (NER_URL, NER_TIMEOUT, NER_CONCURRENCY, NER_MAX_CHARS)."""
    return CoreNLPEngine(
        settings.ner_url,
        timeout=settings.ner_timeout,
        concurrency=settings.ner_concurrency,
        max_chars=settings.ner_max_chars,
    )
