"""Export and import of stored articles, without extraction.

A dump is NDJSON: one stored article a line, with every field it is kept with (its content
hash included, so that re-posting the original input after a restore is still recognised as
unchanged), keys sorted, in id order. Import validates each line against
`schemas.articles.StoredArticleSchema` and bulk-writes the valid ones as they are; a line that
is not JSON, fails validation or is refused by the node is reported with its line number and
sinks nothing else. Importing what is stored already writes nothing, so an import can be
repeated or resumed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson
from marshmallow import ValidationError

from api.store.index import ArticleIndex, StoredRecord
from schemas.articles import StoredArticleSchema

IMPORT_CHUNK = 500
_RECORD_SCHEMA = StoredArticleSchema()


def dump_line(record: StoredRecord) -> bytes:
    """One line of a dump: the same record always gives the same bytes."""
    line = {**record.article, "content_hash": record.content_hash}
    return orjson.dumps(line, option=orjson.OPT_SORT_KEYS) + b"\n"


def export_lines(index: ArticleIndex, query: dict[str, Any] | None = None) -> Iterator[bytes]:
    for record in index.walk(query):
        yield dump_line(record)


@dataclass
class ImportReport:
    read: int = 0
    written: int = 0
    unchanged: int = 0
    # (line number, what was wrong), in line order
    errors: list[tuple[int, str]] = field(default_factory=list)


def parse_line(raw: bytes | str) -> StoredRecord:
    """A dump line as a validated record; ValueError says what is wrong with it."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise ValueError(f"not JSON ({error})") from None
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    try:
        loaded = _RECORD_SCHEMA.load(data)
    except ValidationError as error:
        messages = orjson.dumps(error.messages, option=orjson.OPT_SORT_KEYS).decode()
        raise ValueError(messages) from None
    content_hash = loaded.pop("content_hash")
    return StoredRecord(article=loaded, content_hash=content_hash)


def import_lines(
    index: ArticleIndex, lines: Iterable[bytes | str], report: ImportReport | None = None
) -> ImportReport:
    """Validate and write dump lines (numbered from 1); blank lines are skipped."""
    report = report or ImportReport()
    pending: list[tuple[int, StoredRecord]] = []
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        report.read += 1
        try:
            pending.append((number, parse_line(raw)))
        except ValueError as error:
            report.errors.append((number, str(error)))
        if len(pending) >= IMPORT_CHUNK:
            _write(index, pending, report)
            pending = []
    if pending:
        _write(index, pending, report)
    report.errors.sort()
    return report


def _write(
    index: ArticleIndex, chunk: list[tuple[int, StoredRecord]], report: ImportReport
) -> None:
    """Write the records of one chunk that differ from what is stored (the last of one id wins)."""
    latest = {record.article["id"]: (number, record) for number, record in chunk}
    stored = index.get_many(list(latest))
    changed = []
    for article_id, (number, record) in latest.items():
        kept = stored.get(article_id)
        if kept and kept.article == record.article and kept.content_hash == record.content_hash:
            report.unchanged += 1
        else:
            changed.append((number, record))
    report.unchanged += len(chunk) - len(latest)  # earlier lines of an id the chunk repeats
    if not changed:
        return
    actions = [
        {"op": "index", "article": record.article, "content_hash": record.content_hash}
        for _, record in changed
    ]
    numbers = {record.article["id"]: number for number, record in changed}
    for outcome in index.bulk_write(actions, refresh=False):
        if outcome.ok:
            report.written += 1
        else:
            report.errors.append(
                (numbers[outcome.id], f"refused by Elasticsearch: {outcome.error}")
            )
