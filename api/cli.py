"""Command line: `flask --app api ingest [--async] PATH...`, `reindex`, `restory`,
`identities`, `export` and `import FILE`."""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask.cli import with_appcontext
from marshmallow import ValidationError
from tqdm import tqdm

from api.services import transfer
from api.store.mapping import MAPPING_VERSION, STORIES_SINCE
from api.web.context import (
    article_index,
    article_service,
    job_service,
    search_service,
    story_keeper,
)

SUFFIXES = (".txt", ".html", ".htm", ".json", ".jsonl", ".ndjson")
# A directory of articles may carry a manifest of what they should yield (seeds/ does).
MANIFEST_NAME = "expected.json"
CHUNK = 32
POLL_SECONDS = 1.0
FINAL_STATUSES = frozenset({"done", "failed", "cancelled"})
BULK_LOAD_THRESHOLD = 200


def _files(paths: tuple[str, ...]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.suffix.lower() in SUFFIXES and p.name != MANIFEST_NAME
            )
        elif path.is_file():
            found.append(path)
        else:
            raise click.BadParameter(f"{raw} does not exist", param_hint="PATH")
    return found


def read_articles(path: Path) -> Iterator[Any]:
    """Articles in a file: .txt is text, .html a page, .json one or many, .jsonl one a line."""
    suffix = path.suffix.lower()
    content = path.read_text(encoding="utf-8", errors="replace")
    if suffix == ".txt":
        yield {"text": content}
    elif suffix in {".html", ".htm"}:
        yield {"html": content}
    elif suffix == ".json":
        data = json.loads(content)
        if isinstance(data, dict) and "articles" in data:
            yield from data["articles"]
        elif isinstance(data, list):
            yield from data
        else:
            yield data
    else:
        for line in content.splitlines():
            if line.strip():
                yield json.loads(line)


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@click.command("ingest")
@with_appcontext
@click.argument("paths", nargs=-1, required=True)
@click.option("--refresh/--no-refresh", default=True, help="Make the articles searchable at once.")
@click.option(
    "--async",
    "run_async",
    is_flag=True,
    help="Queue one job for the workers (BROKER_URL) and follow it, instead of storing here.",
)
def ingest_command(paths: tuple[str, ...], refresh: bool, run_async: bool) -> None:
    """Load .txt, .html, .json and .jsonl articles from files and directories (idempotent)."""
    if run_async:
        _ingest_async(_files(paths))
        return
    items: list[tuple[str, Any]] = []
    for path in _files(paths):
        try:
            items.extend((str(path), article) for article in read_articles(path))
        except (ValueError, UnicodeDecodeError) as error:
            raise click.ClickException(f"{path}: not readable as articles ({error})") from None
    index = article_index()
    index.ensure()
    totals = {"created": 0, "updated": 0, "failed": 0}
    # A large load runs with refreshes paused and makes everything searchable once at the end.
    bulk = len(items) > BULK_LOAD_THRESHOLD
    pausing = index.bulk_loading() if bulk else contextlib.nullcontext()
    item_refresh = "false" if bulk or not refresh else "wait_for"
    with pausing, tqdm(total=len(items), unit="article", disable=None) as progress:
        for chunk in _chunks(items, CHUNK):
            result = article_service().save_batch([article for _, article in chunk], item_refresh)
            for key in totals:
                totals[key] += result[key]
            for item in result["items"]:
                if item["status"] >= 400:
                    source = chunk[item["index"]][0]
                    click.echo(f"failed: {source}: {json.dumps(item.get('errors'))}", err=True)
            progress.update(len(chunk))
    click.echo(
        f"{len(items)} articles: {totals['created']} created, {totals['updated']} unchanged or "
        f"updated, {totals['failed']} failed"
    )
    if totals["failed"]:
        raise SystemExit(1)


def _stream_articles(files: list[Path]) -> Iterator[Any]:
    for path in files:
        try:
            yield from read_articles(path)
        except (ValueError, UnicodeDecodeError) as error:
            raise click.ClickException(f"{path}: not readable as articles ({error})") from None


def _ingest_async(files: list[Path]) -> None:
    """Stream the files' articles into one job, then follow it with a progress bar."""
    service = job_service()
    job = service.submit(_stream_articles(files))
    click.echo(f"job {job['id']}: {job['total']} articles queued", err=True)
    with tqdm(total=job["total"], unit="article", disable=None) as progress:
        while job["status"] not in FINAL_STATUSES:
            time.sleep(POLL_SECONDS)
            job = service.describe(job["id"], per_page=1000)
            counts = job["counts"]
            progress.n = sum(counts.values())
            progress.set_postfix(status=job["status"], failed=counts["failed"], refresh=False)
            progress.refresh()
    job = service.describe(job["id"], per_page=1000)
    page = 1
    while job["failures"]["items"]:
        for failure in job["failures"]["items"]:
            problem = failure["problem"]
            detail = json.dumps(problem.get("errors") or problem["detail"])
            click.echo(f"failed: item {failure['index']}: {detail}", err=True)
        page += 1
        job = service.describe(job["id"], page=page, per_page=1000)
    counts = job["counts"]
    click.echo(
        f"job {job['id']} {job['status']}: {job['total']} articles: {counts['created']} created, "
        f"{counts['updated']} updated, {counts['unchanged']} unchanged, {counts['failed']} failed"
        + (f", {counts['cancelled']} cancelled" if counts["cancelled"] else "")
    )
    if counts["failed"] or job["status"] != "done":
        raise SystemExit(1)


@click.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Move every article into the index of the current mapping version, then swap the alias."""
    index = article_index()
    current = index.concrete_indices()
    target = index.concrete_name(MAPPING_VERSION)
    if current == [target]:
        click.echo(f"{index.alias} already points at {target}; nothing to do")
        return
    copied = index.reindex_into(MAPPING_VERSION)
    click.echo(f"copied {copied} articles from {', '.join(current)} into {target}")
    if MAPPING_VERSION == STORIES_SINCE and any(name.endswith("-v2") for name in current):
        click.echo("articles from before stories are stories of their own: run `restory`")
    click.echo("people carry their own spelling as canonical name until `identities` runs")


@click.command("identities")
@with_appcontext
def identities_command() -> None:
    """Recompute every article's person and organisation identities from the stored names
    (after a change of the identity rules, or after `reindex` from mapping v3); no extraction."""
    recount = article_index().recompute_identities()
    click.echo(
        f"{recount.rewritten} articles rewritten; {recount.skipped} left as they were "
        "(written meanwhile, which computed their identities already)"
    )


@click.command("restory")
@with_appcontext
def restory_command() -> None:
    """Recompute every story (after a STORY_SIMILARITY change, or a reindex from mapping v2)."""
    articles, moved = story_keeper().restory()
    click.echo(f"{articles} articles: {moved} moved to another story")


@click.command("export")
@with_appcontext
@click.option(
    "--query",
    default="",
    metavar="PARAMS",
    help="Only articles GET /articles would find with these parameters, e.g. "
    "'region=UA&published_from=2025-01-01'.",
)
def export_command(query: str) -> None:
    """Write every stored article (or those matching --query) to stdout as NDJSON, in id order."""
    try:
        clause = search_service().query_for(query)
    except ValidationError as error:
        raise click.BadParameter(json.dumps(error.messages), param_hint="--query") from None
    index = article_index()
    out = sys.stdout.buffer
    with tqdm(total=index.count(clause), unit="article", file=sys.stderr, disable=None) as progress:
        for line in transfer.export_lines(index, clause):
            out.write(line)
            progress.update()
    out.flush()


@click.command("import")
@with_appcontext
@click.argument("file", type=click.File("rb"))
def import_command(file: Any) -> None:
    """Store the articles of an export (NDJSON; `-` reads stdin) as they are, without
    extraction; idempotent."""
    index = article_index()
    index.ensure()
    report = transfer.ImportReport()
    with index.bulk_loading(), tqdm(unit="line", disable=None) as progress:
        transfer.import_lines(index, _counted(file, progress), report)
    for number, error in report.errors:
        click.echo(f"line {number}: {error}", err=True)
    click.echo(
        f"{report.read} records: {report.written} written, {report.unchanged} unchanged, "
        f"{len(report.errors)} failed"
    )
    if report.errors:
        raise SystemExit(1)


def _counted(lines: Iterator[bytes], progress: tqdm[Any]) -> Iterator[bytes]:
    for line in lines:
        progress.update()
        yield line


def init_app(app: Flask) -> None:
    app.cli.add_command(ingest_command)
    app.cli.add_command(reindex_command)
    app.cli.add_command(restory_command)
    app.cli.add_command(identities_command)
    app.cli.add_command(export_command)
    app.cli.add_command(import_command)
