"""Score HTML page metadata (authors, date, outlet, title) beside trafilatura's extract_metadata.

Reads ../shared/eval/news-dev and ../shared/eval/html-dev (relative to the repo) in place and never
copies them; says so and scores nothing when they are absent. Scoring follows
../shared/eval/README.md: authors as a normalised set of names (the person/organization type is
not scored; exact-set accuracy, per-name precision and recall, and how often an author is invented
on pages whose gold says there is none), published date equal on the calendar day as written,
outlet name equal (or containing one another) to the gold name or to the page's domain, title
equal after normalisation or one containing the other. "refused" counts pages the service would
answer with a 4xx (URL refused by the input schema, or HTML over MAX_HTML_BYTES). "ms_per_mb" is
the service's metadata time per MB of HTML (UTF-8), from a second, timed pass.

Run: .venv/bin/python bench/extraction_html.py [--set news-dev|html-dev] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import re
import string
import sys
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

EVAL_DIR = REPO_ROOT.parent / "shared" / "eval"
SETS = ("news-dev", "html-dev")
_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.IGNORECASE)
_PUNCT = str.maketrans({ch: " " for ch in string.punctuation + "«»„“”‘’–—·•|"})


@dataclass
class Prediction:
    """What a system says about one page."""

    authors: list[str]
    published: str | None
    title: str | None
    outlet: str | None


System = Callable[[str, str | None], Prediction]


def decode_page(raw: bytes) -> str:
    """UTF-8, else the declared charset, else cp1252 (as the eval README says)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    match = _CHARSET.search(raw[:4096])
    if match:
        try:
            return raw.decode(match.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    return raw.decode("cp1252", errors="replace")


def norm(value: str) -> str:
    """Casefold, strip accents and punctuation, collapse whitespace."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", value))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().translate(_PUNCT).split())


def title_match(gold: str, predicted: str | None) -> bool:
    """Equal after normalisation, or one contains the other."""
    if not predicted:
        return False
    g, p = norm(gold), norm(predicted)
    return bool(p) and (g == p or g in p or p in g)


def _domain(url: str | None) -> str | None:
    host = (urlsplit(url).hostname or "") if url else ""
    return host.removeprefix("www.") or None


def outlet_match(gold: str | None, url: str | None, predicted: str | None) -> bool:
    """The predicted outlet name is the gold name or the page's domain (see title_match)."""
    return any(title_match(g, predicted) for g in (gold, _domain(url)) if g)


def refused(html: str, url: str | None) -> bool:
    """Would the service answer this page with a 4xx? (input schema, then the size limit)"""
    from marshmallow import ValidationError

    from api.config import load_settings
    from schemas.articles import ArticleInSchema

    try:
        ArticleInSchema().load({"html": html, "url": url} if url else {"html": html})
    except ValidationError:
        return True
    return len(html.encode()) > load_settings().max_html_bytes


def ours(html: str, url: str | None) -> Prediction:
    """The service's metadata steps (page parsing, credits, outlet), without NER."""
    from api.extraction.pipeline import _prepare as prepare

    prepared = prepare({"html": html, "url": url} if url else {"html": html})
    outlet = prepared.outlet["name"] if prepared.outlet else None
    names = [author["name"] for author in prepared.authors]
    return Prediction(names, prepared.published_at, prepared.title, outlet)


def trafilatura_baseline(html: str, url: str | None) -> Prediction:
    """trafilatura's own extract_metadata, authors split on ';' as it joins them."""
    from trafilatura.metadata import extract_metadata

    doc = extract_metadata(html, default_url=url)
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    return Prediction(authors, doc.date, doc.title, doc.sitename)


def load_pages(pages_dir: Path, limit: int | None = None) -> list[tuple[dict[str, Any], str]]:
    """(gold record, decoded html) pairs."""
    lines = (pages_dir / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()][:limit]
    return [(r, decode_page((pages_dir / f"{r['id']}.html").read_bytes())) for r in records]


def _score_system(pages: list[tuple[dict[str, Any], str]], system: System) -> dict[str, float]:
    """Field scores and speed for one system."""
    counts = dict.fromkeys(
        [
            "auth_pages",
            "auth_exact",
            "tp",
            "fp",
            "fn",
            "none_pages",
            "none_invented",
            "with_pages",
            "with_exact",
            "date_pages",
            "date_ok",
            "title_pages",
            "title_ok",
            "outlet_pages",
            "outlet_ok",
            "refused",
        ],
        0,
    )
    for gold, html in pages:
        url = gold.get("url")
        if system is ours:
            counts["refused"] += refused(html, url)
        pred = system(html, url)
        _count_authors(counts, gold.get("authors"), pred.authors)
        if gold.get("published"):
            counts["date_pages"] += 1
            counts["date_ok"] += (pred.published or "")[:10] == gold["published"][:10]
        if gold.get("title"):
            counts["title_pages"] += 1
            counts["title_ok"] += title_match(gold["title"], pred.title)
        if gold.get("outlet") or url:
            counts["outlet_pages"] += 1
            counts["outlet_ok"] += outlet_match(gold.get("outlet"), url, pred.outlet)
    return _summarise(counts, *_timed(pages, system))


def _fresh_caches() -> None:
    """Empty htmldate's per-string cache so that no system reuses another's parsing work."""
    from htmldate import extractors

    extractors.try_date_expr.cache_clear()


def _timed(pages: list[tuple[dict[str, Any], str]], system: System) -> tuple[float, float]:
    """Documents per second in a second, timed pass (the scoring pass warmed the process up):
    dateparser loads each language's data once per process, which would otherwise be charged to
    whichever system meets that language first."""
    _fresh_caches()
    start = time.perf_counter()
    for gold, html in pages:
        system(html, gold.get("url"))
    elapsed = time.perf_counter() - start
    megabytes = sum(len(html.encode()) for _, html in pages) / 1_000_000
    per_second = len(pages) / elapsed if elapsed else 0.0
    return per_second, 1000 * elapsed / megabytes if megabytes else 0.0


def _count_authors(counts: dict[str, int], gold: list[str] | None, predicted: list[str]) -> None:
    """Accumulate the author counts for one page (gold None = unknown, skipped)."""
    if gold is None:
        return
    g = {norm(a) for a in gold if norm(a)}
    p = {norm(a) for a in predicted if norm(a)}
    counts["auth_pages"] += 1
    counts["auth_exact"] += g == p
    counts["tp"] += len(g & p)
    counts["fp"] += len(p - g)
    counts["fn"] += len(g - p)
    if g:
        counts["with_pages"] += 1
        counts["with_exact"] += g == p
    else:
        counts["none_pages"] += 1
        counts["none_invented"] += bool(p)


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def _summarise(c: dict[str, int], docs_per_second: float, ms_per_mb: float) -> dict[str, float]:
    precision = _ratio(c["tp"], c["tp"] + c["fp"])
    recall = _ratio(c["tp"], c["tp"] + c["fn"])
    return {
        "authors_exact": _ratio(c["auth_exact"], c["auth_pages"]),
        "authors_exact_with": _ratio(c["with_exact"], c["with_pages"]),
        "authors_precision": precision,
        "authors_recall": recall,
        "authors_f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "authors_invented_on_none": _ratio(c["none_invented"], c["none_pages"]),
        "date_accuracy": _ratio(c["date_ok"], c["date_pages"]),
        "title_accuracy": _ratio(c["title_ok"], c["title_pages"]),
        "outlet_accuracy": _ratio(c["outlet_ok"], c["outlet_pages"]),
        "refused": float(c["refused"]),
        "pages": float(c["auth_pages"]),
        "docs_per_second": docs_per_second,
        "ms_per_mb": ms_per_mb,
    }


def score(pages_dir: Path, limit: int | None = None) -> dict[str, dict[str, float]]:
    """Scores for this project ("ours") and trafilatura ("trafilatura") on a pages directory."""
    pages = load_pages(Path(pages_dir), limit)
    return {
        "ours": _score_system(pages, ours),
        "trafilatura": _score_system(pages, trafilatura_baseline),
    }


def print_table(results: dict[str, dict[str, float]]) -> None:
    """Side-by-side table; lower is better only for authors_invented_on_none."""
    systems = list(results)
    print(f"{'metric':<26}" + "".join(f"{s:>14}" for s in systems))
    for metric in results[systems[0]]:
        row = "".join(f"{results[s][metric]:>14.3f}" for s in systems)
        print(f"{metric:<26}{row}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=SETS, action="append", dest="sets")
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args(argv)
    for name in args.sets or SETS:
        pages = EVAL_DIR / name
        if not (pages / "gold.jsonl").is_file():
            print(f"notice: evaluation pages not found at {pages}; nothing to score.")
            continue
        print(f"== {name}")
        print_table(score(pages, args.limit))
    return 0


if __name__ == "__main__":
    sys.exit(main())
