"""One person, every spelling: does `person=<a spelling>` find the person's articles in every
language, and never another person's?

Reads `../shared/eval/people-variants-dev.json` and `people-articles-dev.jsonl` (see the README
there; nothing of them is copied into the project), ingests the articles through the API
(POST /articles/batch, `language` given, one outlet for the run, a fresh index prefix on ES_URL,
the NER server on NER_URL), then asks GET /articles?person=... and prints, in one run:

- recall across spellings: for every person and every spelling of theirs (full and short, any
  language), the share of the person's articles the spelling finds, averaged;
- the baseline, measured in the same run: the same recall with the filter as it was before
  identities (the folded name as written, asked of the node directly);
- the same spelling: the share of the articles written with that very spelling;
- the articles that no spelling of their person finds;
- false merges: for every pair of people who must stay apart, the articles of one that
  `person=<full name>` of the other returns (must be 0);
- and /people: how many entries the dev people make (one each is the target).

Run:   ES_URL=http://127.0.0.1:9202 NER_URL=http://127.0.0.1:9000 \
         .venv/bin/python bench/people_identity.py
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import REPO_ROOT, delete_indices, print_machine, verdict  # noqa: E402

EVAL = REPO_ROOT.parent / "shared" / "eval"
TARGET_RECALL = 0.95
OUTLET = "People identity bench"


def load(eval_dir: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    variants = eval_dir / "people-variants-dev.json"
    articles = eval_dir / "people-articles-dev.jsonl"
    if not variants.exists() or not articles.exists():
        raise SystemExit(f"The people eval data is absent: {variants} and {articles} are needed.")
    lines = articles.read_text(encoding="utf-8").splitlines()
    return json.loads(variants.read_text(encoding="utf-8")), [json.loads(x) for x in lines if x]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--eval", type=Path, default=EVAL, help="the shared eval directory")
    parser.add_argument("--keep", action="store_true", help="keep the index afterwards")
    args = parser.parse_args()
    variants, articles = load(args.eval)
    print_machine()

    from api import create_app

    prefix = f"bench-people-{uuid.uuid4().hex[:8]}-"
    app = create_app(
        es_url=os.environ.get("ES_URL", "http://127.0.0.1:9200"),
        ner_url=os.environ.get("NER_URL", "http://127.0.0.1:9000"),
        es_index_prefix=prefix,
        log_level="WARNING",
    )
    client = app.test_client()
    try:
        run(client, app.extensions["article_index"], variants, articles)
    finally:
        if not args.keep:
            delete_indices(prefix)


def run(client: Any, index: Any, variants: dict[str, Any], articles: list[dict[str, Any]]) -> None:
    from api.textnorm import fold

    payloads = [
        {
            "url": f"https://bench.example/{a['id']}",
            "text": a["text"],
            "language": a["lang"],
            "outlet": OUTLET,
        }
        for a in articles
    ]
    answer = client.post("/articles/batch?refresh=wait_for", json={"articles": payloads})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    items = answer.get_json()["items"]
    failed = [item for item in items if item["status"] >= 400]
    assert not failed, failed[:3]
    stored = {item["id"]: a for item, a in zip(items, articles, strict=True)}

    def found(spelling: str) -> set[str]:
        page = client.get(
            "/articles", query_string={"person": spelling, "outlet": OUTLET, "per_page": 100}
        )
        assert page.status_code == 200, page.get_data(as_text=True)
        return {stored[hit["id"]]["id"] for hit in page.get_json()["items"] if hit["id"] in stored}

    def found_as_written(spelling: str) -> set[str]:
        """The baseline: the filter before identities, the folded name as written."""
        body = {
            "size": 100,
            "_source": ["id"],
            "query": {"bool": {"filter": [{"term": {"person_keys": fold(spelling)}}]}},
        }
        hits = index.search(body)["hits"]["hits"]
        return {stored[h["_source"]["id"]]["id"] for h in hits if h["_source"]["id"] in stored}

    by_person: dict[str, list[dict[str, Any]]] = {}
    for article in articles:
        by_person.setdefault(article["person"], []).append(article)

    recalls: list[float] = []
    baseline: list[float] = []
    same: list[float] = []
    found_any: set[str] = set()
    rows = []
    for number, person in enumerate(variants["people"]):
        key = f"p{number:02d}"
        own = by_person.get(key, [])
        own_ids = {a["id"] for a in own}
        spellings = {(name, lang) for lang, names in person.items() for name in names}
        person_recalls = []
        for name in sorted({name for name, _ in spellings}):
            hits = found(name) & own_ids
            found_any |= hits
            written = {a["id"] for a in own if name in a["text"]}
            recall = len(hits) / len(own_ids) if own_ids else 0.0
            recalls.append(recall)
            person_recalls.append(recall)
            if own_ids:
                baseline.append(len(found_as_written(name) & own_ids) / len(own_ids))
            if written:
                same.append(len(hits & written) / len(written))
        rows.append(
            (person["en"][0], min(person_recalls), sum(person_recalls) / len(person_recalls))
        )
    missed = sorted(
        a["id"]
        for key, own in by_person.items()
        if key.startswith("p")
        for a in own
        if a["id"] not in found_any
    )

    merges = 0
    merge_rows = []
    for number, pair in enumerate(variants["apart"]):
        keys = (f"a{2 * number:03d}", f"a{2 * number + 1:03d}")
        for side in (0, 1):
            this, other_key = pair[side], keys[1 - side]
            other_ids = {a["id"] for a in by_person.get(other_key, [])}
            for names in this.values():
                wrong = found(names[0]) & other_ids
                merges += len(wrong)
                if wrong:
                    merge_rows.append((names[0], sorted(wrong)))

    people = client.get("/people", query_string={"limit": 100}).get_json()
    entries = {}
    for person in variants["people"]:
        full = {names[0] for names in person.values()}
        entries[person["en"][0]] = sum(
            1
            for entry in people
            if full & ({s["name"] for s in entry.get("spellings", [])} | {entry["name"]})
        )

    recall = sum(recalls) / len(recalls)
    baseline_recall = sum(baseline) / len(baseline)
    same_recall = sum(same) / len(same)
    print(f"articles ingested: {len(articles)}; spellings asked: {len(recalls)}")
    print(
        f"recall across spellings: {recall:.3f} (target >= {TARGET_RECALL}) "
        f"{verdict(recall, TARGET_RECALL, True)}"
    )
    print(
        f"baseline, the name as written (the filter before identities): {baseline_recall:.3f}; "
        f"ratio {recall / baseline_recall:.2f}x"
    )
    print(f"recall, same spelling (articles written with the spelling asked): {same_recall:.3f}")
    print(f"articles no spelling finds: {len(missed)} {missed}")
    print(f"false merges: {merges} (target 0) {'OK' if merges == 0 else 'MISSED'} {merge_rows}")
    split = {name: n for name, n in entries.items() if n != 1}
    print(
        f"/people entries per dev person: one each for {len(entries) - len(split)} of "
        f"{len(entries)}; others {split}"
    )
    for name, worst, mean in rows:
        print(f"  {name:28} worst spelling {worst:.2f}  mean {mean:.2f}")


if __name__ == "__main__":
    main()
