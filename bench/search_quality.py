"""Search quality on other inflections: known-item success@10, through the API and direct.

Reads ../shared/eval/search-dev/ (queries) and the documents they were made from
(../shared/eval/conll2003-dev.jsonl, English; germeval-dev.jsonl, German); see that folder's
README in ../shared/eval/README.md. Nothing of it is copied into the project.

For each language and query kind (exact: the document's own two words; mixed: one of them in
another inflection; variant: both), the share of queries whose document is among the first 10:
  api:       the documents ingested through the service (POST /articles/batch, language given,
             one outlet for the run), each query asked as GET /articles?q=...&outlet=...
             &per_page=10 against an app of its own index prefix;
  standard:  the documents in a scratch index with the `standard` analyzer, asked directly
             with simple_query_string, AND, top 10 (what search did before mapping v4);
  builtin:   the same with Elasticsearch's built-in language analyzer (`english`, `german`):
             the anchor of issue #24.
With --options, more direct rows: each option for German (and English) that docs/search.md
weighs (Lucene stemmers, the lemmatizer, both).

Run:   .venv/bin/python bench/search_quality.py [--options] [--eval-dir ../shared/eval]
Needs ES_URL (a node with the analysis plugin or a full distribution) and, for the api rows,
NER_URL (the extraction runs on ingest).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ES_URL, REPO_ROOT, delete_indices, es, print_machine, table, verdict  # noqa: E402

PREFIX = "bench-quality-"
KINDS = ("exact", "mixed", "variant")
TOP = 10
CORPORA = {"en": "conll2003-dev", "de": "germeval-dev"}
TARGETS = {
    "en": {"exact": 0.99, "mixed": 0.97, "variant": 0.95},
    "de": {"exact": 0.99, "mixed": 0.90, "variant": 0.80},
}


def load(eval_dir: Path) -> dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """Per language: the documents and the queries made from them."""
    data = {}
    for lang, corpus in CORPORA.items():
        documents = [json.loads(line) for line in (eval_dir / f"{corpus}.jsonl").open()]
        queries_path = eval_dir / "search-dev" / f"{corpus}-queries.jsonl"
        found = [json.loads(line) for line in queries_path.open()]
        data[lang] = (documents, found)
    return data


def success(found: list[dict[str, Any]], hits: list[list[str]]) -> dict[str, float]:
    """success@10 per kind, from the ids each query returned."""
    rates = {}
    for kind in KINDS:
        asked = [(q, ids) for q, ids in zip(found, hits, strict=True) if q["kind"] == kind]
        rates[kind] = sum(q["doc"] in ids for q, ids in asked) / len(asked) if asked else 0.0
    return rates


# --- direct: a scratch index per analysis, asked with simple_query_string ----------------------


def direct_index(
    name: str,
    documents: list[dict[str, Any]],
    analysis: dict[str, Any],
    analyzer: str,
    prepare: Callable[[str], str] = lambda text: text,
) -> str:
    index = f"{PREFIX}{name}"
    es("DELETE", f"/{index}")
    field = {"type": "text", "analyzer": analyzer}
    status, answer = es(
        "PUT",
        f"/{index}",
        {
            "settings": {"number_of_shards": 1, "number_of_replicas": 0, "analysis": analysis},
            "mappings": {"properties": {"title": field, "text": field}},
        },
    )
    assert status == 200, answer
    lines = []
    for document in documents:
        lines.append(json.dumps({"index": {"_index": index, "_id": document["id"]}}))
        lines.append(
            json.dumps(
                {
                    "title": prepare(document.get("title") or ""),
                    "text": prepare(document["text"]),
                }
            )
        )
    import urllib.request

    request = urllib.request.Request(
        f"{ES_URL}/_bulk?refresh=true",
        data=("\n".join(lines) + "\n").encode(),
        headers={"Content-Type": "application/x-ndjson"},
    )
    with urllib.request.urlopen(request, timeout=300) as response:
        assert not json.loads(response.read())["errors"]
    return index


def direct_hits(
    index: str, found: list[dict[str, Any]], prepare: Callable[[str], str] = lambda q: q
) -> list[list[str]]:
    hits = []
    for query in found:
        body = {
            "size": TOP,
            "_source": False,
            "query": {
                "simple_query_string": {
                    "query": prepare(query["q"]),
                    "fields": ["title", "text"],
                    "default_operator": "and",
                }
            },
        }
        status, answer = es("POST", f"/{index}/_search", body)
        assert status == 200, answer
        hits.append([hit["_id"] for hit in answer["hits"]["hits"]])
    return hits


def _custom(filters: list[str]) -> dict[str, Any]:
    return {"type": "custom", "tokenizer": "standard", "filter": filters}


def direct_configs(
    lang: str, with_options: bool
) -> list[tuple[str, dict[str, Any], Callable[[str], str]]]:
    """(row name, analysis settings with an analyzer named `a`, text preparation)."""
    builtin = {"en": "english", "de": "german"}[lang]
    rows: list[tuple[str, dict[str, Any], Callable[[str], str]]] = [
        ("standard", {"analyzer": {"a": {"type": "standard"}}}, lambda text: text),
        (f"builtin ({builtin})", {"analyzer": {"a": {"type": builtin}}}, lambda text: text),
    ]
    if not with_options:
        return rows
    from api.store.mapping import ANALYSIS
    from api.textanalysis import lemmatize

    ours = {**ANALYSIS, "analyzer": {**ANALYSIS["analyzer"], "a": {"type": "custom"}}}
    ours["analyzer"]["a"] = ANALYSIS["analyzer"][f"article_{lang}"]

    def lemmas(text: str) -> str:
        return lemmatize(text, lang)

    if lang == "de":
        for stemmer in ("light_german", "minimal_german", "german"):
            analysis = {
                "filter": {
                    "s": {"type": "stemmer", "language": stemmer},
                    "stop_de": {"type": "stop", "stopwords": "_german_"},
                },
                "analyzer": {"a": _custom(["lowercase", "stop_de", "german_normalization", "s"])},
            }
            rows.append((f"stemmer {stemmer}", analysis, lambda text: text))
        rows.append(("lemmas, standard", {"analyzer": {"a": {"type": "standard"}}}, lemmas))
    else:
        for stemmer in ("porter2", "light_english", "minimal_english"):
            analysis = {
                "filter": {
                    "s": {"type": "stemmer", "language": stemmer},
                    "stop_en": {"type": "stop", "stopwords": "_english_"},
                },
                "analyzer": {"a": _custom(["lowercase", "stop_en", "s"])},
            }
            rows.append((f"stemmer {stemmer}", analysis, lambda text: text))
        rows.append(("lemmas, standard", {"analyzer": {"a": {"type": "standard"}}}, lemmas))
    rows.append((f"article_{lang}, as written", ours, lambda text: text))
    rows.append((f"article_{lang} over lemmas (ours)", ours, lemmas))
    return rows


# --- api: ingest through the service, ask GET /articles ----------------------------------------


def api_hits(data: dict[str, Any]) -> dict[str, list[list[str]]]:
    """Ingest every document through the app (its own index prefix), then ask every query."""
    os.environ["ES_INDEX_PREFIX"] = PREFIX + "api-"
    from api import create_app

    app = create_app()
    client = app.test_client()
    outlet = "Search Quality Bench"
    answers = {}
    for lang, (documents, found) in data.items():
        urls = {}
        started = time.perf_counter()
        for start in range(0, len(documents), 50):
            batch = [
                {
                    "url": f"https://quality.bench.example/{document['id']}",
                    "title": document.get("title") or document["text"].split("\n", 1)[0][:300],
                    "text": document["text"],
                    "language": lang,
                    "outlet": outlet,
                }
                for document in documents[start : start + 50]
            ]
            reply = client.post("/articles/batch?refresh=wait_for", json={"articles": batch})
            assert reply.status_code in (200, 207), reply.get_data(as_text=True)[:500]
            for document, item in zip(
                documents[start : start + 50], reply.json["items"], strict=True
            ):
                assert item.get("status") in (200, 201), item
                urls[item["id"]] = document["id"]
        took = time.perf_counter() - started
        print(f"api: {len(documents)} {lang} documents ingested in {took:.0f} s")
        hits = []
        for query in found:
            reply = client.get(
                "/articles", query_string={"q": query["q"], "outlet": outlet, "per_page": TOP}
            )
            assert reply.status_code == 200, reply.get_data(as_text=True)[:500]
            hits.append([urls.get(item["id"], "") for item in reply.json["items"]])
        answers[lang] = hits
    return answers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=REPO_ROOT.parent / "shared" / "eval")
    parser.add_argument("--options", action="store_true", help="also the analysis options")
    parser.add_argument("--no-api", action="store_true", help="direct rows only")
    args = parser.parse_args()
    if not (args.eval_dir / "search-dev").is_dir():
        print(f"no evaluation data at {args.eval_dir / 'search-dev'}: nothing to measure")
        sys.exit(2)
    print_machine()
    print(f"node: {ES_URL}")
    data = load(args.eval_dir)
    delete_indices(PREFIX)
    rows = []
    try:
        through_api = {} if args.no_api else api_hits(data)
        for lang, (documents, found) in data.items():
            if lang in through_api:
                rates = success(found, through_api[lang])
                rows.append([lang, "api (ours)", *(f"{rates[k]:.3f}" for k in KINDS)])
                rows.append(
                    [lang, "  target", *(verdict(rates[k], TARGETS[lang][k], True) for k in KINDS)]
                )
            for name, analysis, prepare in direct_configs(lang, args.options):
                index = direct_index(f"{lang}-{len(rows)}", documents, analysis, "a", prepare)
                rates = success(found, direct_hits(index, found, prepare))
                rows.append([lang, f"direct {name}", *(f"{rates[k]:.3f}" for k in KINDS)])
    finally:
        delete_indices(PREFIX)
    counts = {lang: len(found) for lang, (_, found) in data.items()}
    print(f"queries: {counts} (a third of each kind); success@{TOP}")
    print(table(rows, ["lang", "how", *KINDS]))


if __name__ == "__main__":
    main()
