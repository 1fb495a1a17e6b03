"""Score document-level people and places on CoNLL-2003 dev and GermEval 2014 dev.

Reads ../shared/eval/conll2003-dev.jsonl and germeval-dev.jsonl (relative to the repo) and never
copies them. Scoring follows ../shared/eval/README.md: a prediction is the set of names plus
aliases (authors count as people), strings are normalised, then compared strictly (equal strings)
and, for people, leniently (one name a whole-token suffix of the other). Three systems run on the
same documents: plain spaCy (en_core_web_sm, PERSON as people, GPE + LOC as places: the engine
before this one, and the only spaCy model installed), the bare CoreNLP model of the set's
language (PERSON as people, LOCATION as places), and the product pipeline. Also prints docs per
second for each and the gazetteer's build time and memory, then the HTML metadata benchmark.
The NER server must be running (scripts/ner-server start, or NER_URL).

Run: .venv/bin/python bench/extraction.py [--limit N] [--errors PATH] [--skip-html]
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

EVAL_DIR = REPO_ROOT.parent / "shared" / "eval"
# (title, file, language of its documents)
DATASETS = (
    ("CoNLL-2003 dev", EVAL_DIR / "conll2003-dev.jsonl", "en"),
    ("GermEval 2014 dev", EVAL_DIR / "germeval-dev.jsonl", "de"),
)
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})

if TYPE_CHECKING:
    from api.extraction.corenlp import CoreNLPEngine

Predict = Callable[[list[dict]], list[dict[str, set[str]]]]


def normalise(value: str) -> str:
    """README normalisation: NFKC, straight quotes, casefold, no accents, one space, no 'the '."""
    text = unicodedata.normalize("NFKC", value).translate(_QUOTES).casefold()
    text = "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )
    text = re.sub(r"\s+", " ", text).strip()
    return text.removeprefix("the ")


@dataclass
class Score:
    """Micro-averaged counts."""

    tp: float = 0
    fp: float = 0
    fn: float = 0

    def prf(self) -> tuple[float, float, float]:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1


def _suffix_match(a: str, b: str) -> bool:
    short, long_ = sorted((a.split(), b.split()), key=len)
    return long_[len(long_) - len(short) :] == short


@dataclass
class Lenient:
    """Lenient people scoring: precision and recall by suffix matching, not one-to-one."""

    matched_pred: int = 0
    pred: int = 0
    matched_gold: int = 0
    gold: int = 0

    def add(self, predicted: set[str], gold: set[str]) -> None:
        self.pred += len(predicted)
        self.gold += len(gold)
        self.matched_pred += sum(any(_suffix_match(p, g) for g in gold) for p in predicted)
        self.matched_gold += sum(any(_suffix_match(p, g) for p in predicted) for g in gold)

    def prf(self) -> tuple[float, float, float]:
        precision = self.matched_pred / self.pred if self.pred else 0.0
        recall = self.matched_gold / self.gold if self.gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1


def score(docs: list[dict], predictions: list[dict[str, set[str]]]) -> dict[str, tuple]:
    """Strict people and places, lenient people."""
    strict = {"people": Score(), "places": Score(), "places+display": Score()}
    lenient = Lenient()
    for doc, predicted in zip(docs, predictions, strict=True):
        for field_name, total in strict.items():
            if field_name not in predicted:
                continue
            gold = {normalise(s) for s in doc[field_name.split("+")[0]]}
            pred = {normalise(s) for s in predicted[field_name]}
            total.tp += len(gold & pred)
            total.fp += len(pred - gold)
            total.fn += len(gold - pred)
        lenient.add(
            {normalise(s) for s in predicted["people"]}, {normalise(s) for s in doc["people"]}
        )
    scores = {
        "people strict": strict["people"].prf(),
        "people lenient": lenient.prf(),
        "places strict": strict["places"].prf(),
    }
    if predictions and "places+display" in predictions[0]:
        # The scorer of earlier sessions: region display names counted as predicted places.
        scores["places+display"] = strict["places+display"].prf()
    return scores


@cache
def engine() -> CoreNLPEngine:
    from api.config import load_settings
    from api.extraction.corenlp import engine_for

    return engine_for(load_settings())


def predict_pipeline(docs: list[dict]) -> list[dict[str, set[str]]]:
    """Our pipeline: people names + aliases + authors; region names + aliases."""
    from api.extraction import extract_many

    results = extract_many([{"text": d["text"], "title": d.get("title")} for d in docs], engine())
    return [
        {
            "people": {a["name"] for a in r["authors"] if a["type"] == "person"}
            | _names(r["people"]),
            "places": _surfaces(r["regions"]),
            "places+display": _names(r["regions"]),
        }
        for r in results
    ]


def _names(records: Iterable[dict]) -> set[str]:
    return {name for record in records for name in (record["name"], *record["aliases"])}


def _surfaces(records: Iterable[dict]) -> set[str]:
    """A region's mentions as the text spells them: the gold lists surface strings, and the
    gazetteer's display name ("Munich" for "München") is not one."""
    return {alias for record in records for alias in record["aliases"]}


def predict_spacy(docs: list[dict]) -> list[dict[str, set[str]]]:
    """Plain spaCy: PERSON as people, GPE and LOC as places."""
    predictions = []
    for doc in _spacy().pipe((d["text"] for d in docs), batch_size=32):
        people = {e.text for e in doc.ents if e.label_ == "PERSON"}
        places = {e.text for e in doc.ents if e.label_ in ("GPE", "LOC")}
        predictions.append({"people": people, "places": places})
    return predictions


def bare_engine(language: str) -> Predict:
    """The CoreNLP model alone: PERSON spans as people, LOCATION spans as places."""

    def predict(docs: list[dict]) -> list[dict[str, set[str]]]:
        labelled = engine().entities([d["text"] for d in docs], language)
        return [
            {
                "people": {d["text"][e.start : e.end] for e in found if e.label == "PERSON"},
                "places": {d["text"][e.start : e.end] for e in found if e.label == "LOC"},
            }
            for d, found in zip(docs, labelled, strict=True)
        ]

    return predict


@cache
def _spacy() -> Any:
    from bench.common import plain_spacy

    return plain_spacy()


def timed(predict: Predict, docs: list[dict]) -> tuple[list[dict[str, set[str]]], float]:
    start = time.perf_counter()
    predictions = predict(docs)
    return predictions, len(docs) / (time.perf_counter() - start)


def gazetteer_cost() -> tuple[float, float]:
    """Seconds and MB of resident memory the gazetteer build takes in this process."""
    from api.extraction.gazetteer import gazetteer

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    gazetteer()
    seconds = time.perf_counter() - start
    return seconds, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024


def write_errors(path: Path, docs: list[dict], predictions: list[dict[str, set[str]]]) -> None:
    """Per-document false positives and negatives, for error analysis outside the repo."""
    with path.open("w", encoding="utf-8") as out:
        for doc, predicted in zip(docs, predictions, strict=True):
            row: dict[str, object] = {"id": doc["id"]}
            for field_name in ("people", "places"):
                gold = {normalise(s) for s in doc[field_name]}
                pred = {normalise(s) for s in predicted[field_name]}
                row[f"{field_name}_fp"] = sorted(pred - gold)
                row[f"{field_name}_fn"] = sorted(gold - pred)
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def print_table(results: dict[str, dict[str, tuple]], speed: dict[str, float]) -> None:
    systems = list(results)
    print(f"{'metric':<16}" + "".join(f"{name:>28}" for name in systems))
    for metric in results[systems[-1]]:
        cells = "".join(
            "{:>28}".format("P {:.3f} R {:.3f} F1 {:.3f}".format(*results[name][metric]))
            if metric in results[name]
            else f"{'-':>28}"
            for name in systems
        )
        print(f"{metric:<16}{cells}")
    print(f"{'docs/second':<16}" + "".join(f"{speed[name]:>28.1f}" for name in systems))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--errors", type=Path, default=None, help="write per-doc FP/FN here")
    parser.add_argument("--skip-html", action="store_true", help="skip the HTML benchmark")
    args = parser.parse_args(argv)
    build_seconds, build_mb = gazetteer_cost()
    print(f"gazetteer build: {build_seconds:.2f} s, +{build_mb:.0f} MB resident")
    for title, path, language in DATASETS:
        if not path.is_file():
            print(f"notice: {path} not found; {title} not scored.")
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        docs = [json.loads(line) for line in lines[: args.limit]]
        systems: dict[str, Predict] = {
            "plain spaCy": predict_spacy,
            f"CoreNLP {language} alone": bare_engine(language),
            "pipeline": predict_pipeline,
        }
        scores, speed = {}, {}
        for name, predict in systems.items():
            predict(docs[:2])  # load models and open connections outside the timed runs
            predictions, speed[name] = timed(predict, docs)
            scores[name] = score(docs, predictions)
        if args.errors:
            write_errors(args.errors.with_suffix(f".{language}.jsonl"), docs, predictions)
        print(f"\n{title}, {len(docs)} documents")
        print_table(scores, speed)
    html_bench = REPO_ROOT / "bench" / "extraction_html.py"
    if html_bench.is_file() and not args.skip_html:
        from bench import extraction_html

        print()
        return extraction_html.main([])
    return 0


if __name__ == "__main__":
    sys.exit(main())
