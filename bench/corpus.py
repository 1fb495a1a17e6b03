"""A benchmark corpus of up to a million news-like articles, built from real extracted ones.

1. Base articles (once; cached in ~/.cache/article-api/bench/base-v{BASE_VERSION}.jsonl): the
   seeds/ and the news documents of the shared eval data (../shared/eval relative to the repo:
   conll2003-dev.jsonl, news-dev/ and html-dev/ pages; germeval-dev is left out, as it is
   encyclopaedia sentences, not news) run once through the real pipeline (CoreNLP at NER_URL),
   exactly as POST /extract does. Missing eval data is said, and the seeds alone are used.
2. Records (once per size and seed; cached as corpus-g{GENERATOR}-s{SEED}-n{N}.ndjson beside
   it): article i is drawn by its own random generator (seeded with SEED and i), so a smaller
   corpus is the head of a bigger one. It takes 4 to 30 sentences from one to three base
   articles of one language, keeps the people, regions (with their hierarchy codes and focus)
   and organisations of those articles that the chosen sentences still mention, gets an outlet
   picked Zipf-like among the real ones with one of that outlet's four credited authors, and a
   date over seven years, more recent more often. Each line is a stored article as
   `flask --app api export` writes it.
3. Load: `flask --app api import` of that file into the index `bench-corpus-...-n{N}-articles`
   on ES_URL (the import path, with its validation); skipped when that index already holds N
   articles. Prints how long each step took and the index's size.

Run:   ES_URL=http://127.0.0.1:9250 .venv/bin/python bench/corpus.py --articles 1000000
       .venv/bin/python bench/corpus.py --articles 50000 --drop   (delete that index and exit)
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import multiprocessing
import os
import random
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ES_URL, REPO_ROOT, VENV_BIN, delete_indices, es  # noqa: E402

BASE_VERSION = 1
GENERATOR_VERSION = 1
SEED = 20261202
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "article-api" / "bench"
EVAL = REPO_ROOT.parent / "shared" / "eval"
DAYS = 7 * 365
END_DATE = dt.date(2026, 11, 30)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'“])|\n+")


def prefix_for(articles: int, seed: int = SEED) -> str:
    return f"bench-corpus-g{GENERATOR_VERSION}-s{seed}-n{articles}-"


def alias_for(articles: int, seed: int = SEED) -> str:
    return f"{prefix_for(articles, seed)}articles"


# --- 1. base articles -----------------------------------------------------------------------


def _inputs() -> Iterator[dict[str, Any]]:
    sys.path.insert(0, str(REPO_ROOT))
    from api.cli import SUFFIXES, read_articles

    for path in sorted((REPO_ROOT / "seeds").iterdir()):
        if path.suffix in SUFFIXES and path.name != "expected.json":
            yield from read_articles(path)
    if not EVAL.is_dir():
        print(f"eval data absent at {EVAL}: base articles are the seeds only", file=sys.stderr)
        return
    conll = EVAL / "conll2003-dev.jsonl"
    if conll.is_file():
        for line in conll.read_text(encoding="utf-8").splitlines():
            yield {"text": json.loads(line)["text"]}
    for folder in ("news-dev", "html-dev"):
        for page in sorted((EVAL / folder).glob("*.html")):
            yield {"html": page.read_text(encoding="utf-8", errors="replace")}


def base_articles() -> list[dict[str, Any]]:
    """The real extracted articles everything is recombined from (extracted once, cached)."""
    path = CACHE / f"base-v{BASE_VERSION}.jsonl"
    if path.is_file():
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    sys.path.insert(0, str(REPO_ROOT))
    from api.config import load_settings
    from api.extraction import extract_many
    from api.extraction.corenlp import engine_for
    from api.services.articles import build_article

    engine = engine_for(load_settings())
    payloads = list(_inputs())
    started = time.perf_counter()
    articles = []
    for start in range(0, len(payloads), 16):
        batch = payloads[start : start + 16]
        for payload, extracted in zip(batch, extract_many(batch, engine), strict=True):
            articles.append(build_article(payload, extracted))
    print(
        f"extracted {len(articles)} base articles in {time.perf_counter() - started:.1f} s "
        f"(NER at {load_settings().ner_url})"
    )
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), "utf-8")
    tmp.replace(path)
    return articles


# --- 2. records -----------------------------------------------------------------------------


class Generator:
    """Recombines base articles into stored-article records, deterministically per index."""

    def __init__(self, bases: list[dict[str, Any]], seed: int) -> None:
        self.seed = seed
        self.bases = [self._prepared(b) for b in bases if b.get("text")]
        self.bases = [b for b in self.bases if len(b["sentences"]) >= 2]
        self.by_language: dict[str, list[dict[str, Any]]] = {}
        for base in self.bases:
            self.by_language.setdefault(base["language"], []).append(base)
        outlets = {}
        for base in bases:
            if base.get("outlet"):
                outlets[base["outlet"]["name"]] = base["outlet"]
        self.outlets = [outlets[name] for name in sorted(outlets)]
        random.Random(seed).shuffle(self.outlets)
        self.outlet_weights = [1 / (rank + 1) for rank in range(len(self.outlets))]
        people = sorted(
            {a["name"] for b in bases for a in b.get("authors", []) if a["type"] == "person"}
            | {p["name"] for b in bases for p in b.get("people", [])}
        )
        pick = random.Random(seed + 1)
        self.outlet_authors = {
            outlet["name"]: pick.sample(people, 4) if len(people) >= 4 else people
            for outlet in self.outlets
        }

    @staticmethod
    def _prepared(base: dict[str, Any]) -> dict[str, Any]:
        sentences = [s.strip() for s in _SENTENCE_END.split(base["text"]) if len(s.strip()) > 20]
        return {
            "language": base.get("language") or "en",
            "title": base.get("title"),
            "sentences": sentences,
            "people": base.get("people", []),
            "regions": base.get("regions", []),
            "organizations": base.get("organizations", []),
            "provenance": base.get("provenance", {}),
        }

    def record(self, number: int) -> dict[str, Any]:
        rng = random.Random(f"{self.seed}:{number}")
        primary = rng.choice(self.bases)
        same_language = self.by_language[primary["language"]]
        donors = [primary, *rng.sample(same_language, min(rng.randint(0, 2), len(same_language)))]
        pool = [s for donor in donors for s in donor["sentences"]]
        chosen = rng.sample(pool, min(len(pool), rng.randint(4, 30)))
        title_source = rng.choice(donors)
        title = title_source["title"] or title_source["sentences"][0]
        text = "\n".join([title, *chosen])
        people = _mentioned(text, (p for d in donors for p in d["people"]))
        regions = _mentioned(text, (r for d in donors for r in d["regions"]))
        organizations = _mentioned(text, (o for d in donors for o in d["organizations"]))
        outlet = rng.choices(self.outlets, weights=self.outlet_weights)[0]
        author = rng.choice(self.outlet_authors[outlet["name"]])
        # Recent days are likelier: the square root of a uniform draw leans towards the end.
        day = END_DATE - dt.timedelta(days=int(DAYS * (1 - rng.random() ** 0.5)))
        stamp = f"{day.isoformat()}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00+00:00"
        article_id = hashlib.sha256(f"bench:{self.seed}:{number}".encode()).hexdigest()[:32]
        return {
            "id": article_id,
            "url": f"https://{outlet.get('domain') or 'news.example'}/{day:%Y/%m}/{article_id}",
            "title": title,
            "text": text,
            "language": primary["language"],
            "published_at": day.isoformat(),
            "authors": [{"name": author, "type": "person"}],
            "outlet": outlet,
            "people": people,
            "regions": regions,
            "organizations": organizations,
            "word_count": len(text.split()),
            "provenance": primary["provenance"],
            "created_at": stamp,
            "updated_at": stamp,
            "content_hash": hashlib.sha256(f"input:{article_id}".encode()).hexdigest(),
        }


def _mentioned(text: str, entities: Iterator[dict[str, Any]]) -> list[dict[str, Any]]:
    """The entities (first of each name) that the text still names by one of its surfaces."""
    kept: dict[str, dict[str, Any]] = {}
    for entity in entities:
        surfaces = entity.get("aliases") or [entity["name"]]
        if entity["name"] not in kept and any(s in text for s in surfaces):
            kept[entity["name"]] = entity
    return list(kept.values())


def _write_part(job: tuple[int, int, int, Path]) -> None:
    import orjson

    seed, first, last, path = job
    generator = Generator(base_articles(), seed)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as out:
        for number in range(first, last):
            out.write(orjson.dumps(generator.record(number), option=orjson.OPT_SORT_KEYS) + b"\n")
    tmp.replace(path)


def corpus_files(articles: int, seed: int, jobs: int) -> list[Path]:
    """The NDJSON parts holding `articles` records in order, written once by `jobs` processes
    (a cached bigger corpus is cut to size instead: record i does not depend on the size)."""
    stem = f"corpus-g{GENERATOR_VERSION}-s{seed}-n{articles}"
    done = CACHE / f"{stem}.parts"
    if done.is_file():
        return [CACHE / name for name in done.read_text().split()]
    started = time.perf_counter()
    bigger = sorted(
        (int(other.stem.rsplit("-n", 1)[1]), other)
        for other in CACHE.glob(f"corpus-g{GENERATOR_VERSION}-s{seed}-n*.parts")
    )
    bigger = [other for size, other in bigger if size > articles]
    if bigger:
        path = CACHE / f"{stem}.part0.ndjson"
        tmp = path.with_suffix(".tmp")
        with tmp.open("wb") as out:
            remaining = articles
            for name in bigger[0].read_text().split():
                with (CACHE / name).open("rb") as source:
                    while remaining and (line := source.readline()):
                        out.write(line)
                        remaining -= 1
        tmp.replace(path)
        done.write_text(path.name)
        print(f"cut {articles:,} records from {bigger[0]} in {time.perf_counter() - started:.1f} s")
        return [path]
    bases = base_articles()  # extracted here once, before the workers read the cache
    bounds = [articles * k // jobs for k in range(jobs + 1)]
    parts = [CACHE / f"{stem}.part{k}.ndjson" for k in range(jobs)]
    work = [(seed, bounds[k], bounds[k + 1], parts[k]) for k in range(jobs)]
    with multiprocessing.Pool(jobs) as pool:
        pool.map(_write_part, work)
    done.write_text("\n".join(part.name for part in parts))
    size = sum(part.stat().st_size for part in parts)
    print(
        f"built {articles:,} records from {len(bases)} base articles in "
        f"{time.perf_counter() - started:.1f} s with {jobs} processes: {size / 1e9:.2f} GB in "
        f"{CACHE}/{stem}.part*.ndjson"
    )
    return parts


# --- 3. load --------------------------------------------------------------------------------


def loaded_count(articles: int, seed: int) -> int:
    status, body = es("GET", f"/{alias_for(articles, seed)}/_count")
    return body["count"] if status == 200 else -1


def index_size(articles: int, seed: int) -> str:
    _, body = es("GET", f"/{alias_for(articles, seed)}/_stats/store,docs")
    total = body["_all"]["primaries"]
    return (
        f"{total['docs']['count']:,} documents, "
        f"{total['store']['size_in_bytes'] / 1e9:.2f} GB on disk (primaries)"
    )


def ensure_corpus(articles: int, seed: int = SEED, jobs: int = 2) -> str:
    """The alias of a loaded corpus of that size and seed, built and imported if need be."""
    alias = alias_for(articles, seed)
    if loaded_count(articles, seed) == articles:
        print(f"reusing {alias} on {ES_URL}: {index_size(articles, seed)}")
        return alias
    delete_indices(prefix_for(articles, seed))
    parts = corpus_files(articles, seed, jobs)
    started = time.perf_counter()
    env = {
        **os.environ,
        "ES_URL": ES_URL,
        "ES_INDEX_PREFIX": prefix_for(articles, seed),
        "ES_TIMEOUT": "120",
        "LOG_LEVEL": "WARNING",
    }
    # One import per part, side by side: each validates and bulk-writes its own lines.
    imports = [
        subprocess.Popen(
            [str(VENV_BIN / "flask"), "--app", "api", "import", str(part)],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        for part in parts
    ]
    outputs = [process.communicate()[0].strip() for process in imports]
    seconds = time.perf_counter() - started
    rate = articles / seconds
    print(f"imported in {seconds:.0f} s ({rate:,.0f} articles/s): " + "; ".join(outputs))
    if any(process.returncode for process in imports):
        raise SystemExit("an import failed")
    es("POST", f"/{alias}/_refresh")
    print(f"index: {index_size(articles, seed)}")
    return alias


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--jobs", type=int, default=2, help="generating and importing processes")
    parser.add_argument("--drop", action="store_true", help="delete this corpus's index and exit")
    args = parser.parse_args()
    if args.drop:
        print("deleted:", delete_indices(prefix_for(args.articles, args.seed)))
        return
    ensure_corpus(args.articles, args.seed, args.jobs)


if __name__ == "__main__":
    main()
