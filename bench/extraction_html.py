"""Score HTML page metadata (authors, date, title) on the html-dev set, beside trafilatura.

Reads ../shared/eval/html-dev (relative to the repo) and never copies it. Scoring follows
../shared/eval/README.md: authors as a normalised set (exact-set accuracy, per-name precision and
recall, and how often an author is invented on pages whose gold says there is none), published date
equal on the day, title equal after normalisation or one containing the other.

Run: .venv/bin/python bench/extraction_html.py [--limit N]
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

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

EVAL_DIR = REPO_ROOT.parent / "shared" / "eval"
PAGES_DIR = EVAL_DIR / "html-dev"
_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.IGNORECASE)
_PUNCT = str.maketrans({ch: " " for ch in string.punctuation + "«»„“”‘’–—·•|"})


@dataclass
class Prediction:
    """What a system says about one page."""

    authors: list[str]
    published: str | None
    title: str | None


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


def ours(html: str, url: str | None) -> Prediction:
    """This project's parse_html."""
    from api.extraction.html import parse_html

    meta = parse_html(html, url)
    return Prediction(meta.authors, meta.published, meta.title)


def trafilatura_baseline(html: str, url: str | None) -> Prediction:
    """trafilatura's own extract_metadata, authors split on ';' as it joins them."""
    from trafilatura.metadata import extract_metadata

    doc = extract_metadata(html, default_url=url)
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    return Prediction(authors, doc.date, doc.title)


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
        ],
        0,
    )
    for gold, html in pages:
        pred = system(html, gold.get("url"))
        _count_authors(counts, gold.get("authors"), pred.authors)
        if gold.get("published"):
            counts["date_pages"] += 1
            counts["date_ok"] += (pred.published or "")[:10] == gold["published"]
        if gold.get("title"):
            counts["title_pages"] += 1
            counts["title_ok"] += title_match(gold["title"], pred.title)
    return _summarise(counts, _timed(pages, system))


def _fresh_caches() -> None:
    """Empty htmldate's per-string cache so that no system reuses another's parsing work."""
    from htmldate import extractors

    extractors.try_date_expr.cache_clear()


def _timed(pages: list[tuple[dict[str, Any], str]], system: System) -> float:
    """Documents per second in a second, timed pass (the scoring pass warmed the process up):
    dateparser loads each language's data once per process, which would otherwise be charged to
    whichever system meets that language first."""
    _fresh_caches()
    start = time.perf_counter()
    for gold, html in pages:
        system(html, gold.get("url"))
    elapsed = time.perf_counter() - start
    return len(pages) / elapsed if elapsed else 0.0


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


def _summarise(c: dict[str, int], docs_per_second: float) -> dict[str, float]:
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
        "pages": float(c["auth_pages"]),
        "docs_per_second": docs_per_second,
    }


def score(pages_dir: Path = PAGES_DIR, limit: int | None = None) -> dict[str, dict[str, float]]:
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
    parser.add_argument("--pages", type=Path, default=PAGES_DIR)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args(argv)
    if not (args.pages / "gold.jsonl").is_file():
        print(f"notice: evaluation pages not found at {args.pages}; nothing to score.")
        return 0
    print_table(score(args.pages, args.limit))
    return 0


if __name__ == "__main__":
    sys.exit(main())
