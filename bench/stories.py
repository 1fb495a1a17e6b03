"""Stories benchmark: are syndicated copies found, and what do stories cost at ingest?

Reads the CoNLL-2003 development documents from ../shared/eval/conll2003-dev.jsonl (relative to
the repository; never copied into it) and builds a syndication set: every document is published
by its origin outlet and copied COPIES times by other outlets, each copy with a new headline and
byline, an added boilerplate line, 10-25 % of its sentences dropped or moved, and a few typos.
Distinct documents that share people or places stay in the set as hard negatives.

The set is ingested through the service's own batch path (extraction with the real NER server,
Elasticsearch at ES_URL) twice, into two fresh index prefixes: once without stories and once
with them. It prints:
- pairwise precision and recall of "same story" (targets >= 0.98 and >= 0.95); two documents
  whose bodies are identical are one story in the truth too (CoNLL holds one such pair);
- how many hard-negative pairs ended up in one story;
- ingest seconds per article with and without stories and their ratio (target <= 1.10), best
  run against best run and median against median; and, beside them, the CPU per article of
  this process (the service's Python) and of the local Elasticsearch node, since part of what
  stories ask of the node (the refresh) runs while the NER server tags and so hides from the
  wall clock, not from the CPU.

Run: ES_URL=... NER_URL=... .venv/bin/python bench/stories.py [--copies 4] [--seed 15]
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import random
import statistics
import sys
import time
import uuid
from collections import defaultdict
from typing import Any

from common import REPO_ROOT, cpu_seconds, delete_indices, local_es_pid, print_machine, verdict

EVAL = REPO_ROOT.parent / "shared" / "eval" / "conll2003-dev.jsonl"
OUTLETS = [
    ("Harbour Gazette", "harbourgazette.example"),
    ("Valley Courier", "valleycourier.example"),
    ("Metro Daily", "metrodaily.example"),
    ("Northern Ledger", "northernledger.example"),
    ("Coastal Times", "coastaltimes.example"),
    ("Prairie Post", "prairiepost.example"),
    ("Capital Wire", "capitalwire.example"),
    ("Island Herald", "islandherald.example"),
]
BYLINES = ["Maria Keller", "John Okafor", "Lena Svensson", "Omar Haddad", "Priya Nair", "Tom Reyes"]
BOILERPLATE = [
    "Copyright {year} {outlet}. All rights reserved.",
    "Follow {outlet} on social media for the latest updates.",
    "Additional reporting by staff writers; this story was distributed by a news agency.",
    "Sign up for the {outlet} morning newsletter to get stories like this in your inbox.",
]
HEADLINE_FORMS = [
    "{title}",
    "UPDATE 1-{title}",
    "{outlet} report: {title}",
    "{title} (wire)",
    "WIRE: {title}",
]
BATCH = 32


def load_documents() -> list[dict[str, Any]]:
    with EVAL.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def typo(word: str, rng: random.Random) -> str:
    """Swap two neighbouring letters, or drop one: the usual slips of a sub-editor."""
    if len(word) < 4 or not word.isalpha():
        return word
    at = rng.randrange(1, len(word) - 2)
    if rng.random() < 0.5:
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    return word[:at] + word[at + 1 :]


def with_typos(line: str, count: int, rng: random.Random) -> str:
    words = line.split(" ")
    for _ in range(count):
        at = rng.randrange(len(words))
        words[at] = typo(words[at], rng)
    return " ".join(words)


def new_headline(title: str, outlet: str, rng: random.Random) -> str:
    """A different headline: a new form, and the title in sentence case or trimmed."""
    words = title.rstrip(".").split()
    if rng.random() < 0.5 and len(words) > 4:
        words = words[: max(4, len(words) - rng.randint(1, 3))]
    text = " ".join(words)
    text = text.capitalize() if text.isupper() or rng.random() < 0.5 else text
    return rng.choice(HEADLINE_FORMS[1:]).format(title=text, outlet=outlet)


def edited_body(sentences: list[str], rng: random.Random) -> list[str]:
    """10-25 % of the sentences dropped or moved, and a few typos (about one in 150 words)."""
    body = list(sentences)
    edits = round(len(body) * rng.uniform(0.10, 0.25))
    for _ in range(edits):
        if len(body) < 2:
            break
        at = rng.randrange(len(body))
        if rng.random() < 0.6:
            del body[at]
        else:
            moved = body.pop(at)
            body.insert(rng.randrange(len(body) + 1), moved)
    words = sum(len(sentence.split()) for sentence in body)
    for _ in range(min(4, 1 + words // 150)):
        at = rng.randrange(len(body))
        body[at] = with_typos(body[at], 1, rng)
    return body


def syndication_set(docs: list[dict[str, Any]], copies: int, seed: int) -> list[dict[str, Any]]:
    """Every document as published by its origin and by `copies` other outlets; `story` is the
    truth (the source document), never sent to the service."""
    rng = random.Random(seed)
    base = dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)
    articles: list[dict[str, Any]] = []
    for number, doc in enumerate(docs):
        lines = doc["text"].split("\n")
        title, sentences = lines[0], lines[1:]
        published = base + dt.timedelta(minutes=7 * number)
        outlets = rng.sample(OUTLETS, copies + 1)
        origin_name, origin_domain = outlets[0]
        articles.append(
            {
                "story": doc["id"],
                "payload": {
                    "url": f"https://{origin_domain}/news/{doc['id']}",
                    "title": title,
                    "text": "\n".join([title, *sentences]),
                    "published_at": published.isoformat(),
                },
            }
        )
        for copy_number, (name, domain) in enumerate(outlets[1:], start=1):
            headline = new_headline(title, name, rng)
            body = edited_body(sentences, rng)
            boilerplate = rng.choice(BOILERPLATE).format(year=2026, outlet=name)
            text = "\n".join([headline, f"By {rng.choice(BYLINES)}", *body, boilerplate])
            articles.append(
                {
                    "story": doc["id"],
                    "payload": {
                        "url": f"https://{domain}/{doc['id']}-copy-{copy_number}",
                        "title": headline,
                        "text": text,
                        "published_at": (
                            published + dt.timedelta(minutes=rng.randint(5, 600))
                        ).isoformat(),
                    },
                }
            )
    rng.shuffle(articles)  # copies arrive before and after their originals
    return articles


def true_stories(docs: list[dict[str, Any]]) -> dict[str, str]:
    """Source document -> its story: documents with identical bodies are one story."""
    by_body: dict[str, str] = {}
    story: dict[str, str] = {}
    for doc in docs:
        body = "\n".join(doc["text"].split("\n")[1:])
        story[doc["id"]] = by_body.setdefault(body, doc["id"])
    return story


def hard_negatives(docs: list[dict[str, Any]], story: dict[str, str]) -> set[frozenset[str]]:
    """Pairs of distinct stories that share a person or a place."""
    holders: dict[str, set[str]] = defaultdict(set)
    for doc in docs:
        for name in [*doc.get("people", []), *doc.get("places", [])]:
            holders[name.casefold()].add(story[doc["id"]])
    return {
        frozenset(pair)
        for ids in holders.values()
        for pair in itertools.combinations(sorted(ids), 2)
    }


def pairwise(truth: list[str], found: list[str]) -> tuple[float, float, int, int]:
    """Precision and recall over all pairs of articles of "these two are one story"."""

    def pairs(labels: list[str]) -> set[tuple[int, int]]:
        groups: dict[str, list[int]] = defaultdict(list)
        for position, label in enumerate(labels):
            groups[label].append(position)
        return {pair for group in groups.values() for pair in itertools.combinations(group, 2)}

    true_pairs, found_pairs = pairs(truth), pairs(found)
    hits = len(true_pairs & found_pairs)
    precision = hits / len(found_pairs) if found_pairs else 1.0
    recall = hits / len(true_pairs) if true_pairs else 1.0
    return precision, recall, len(true_pairs), len(found_pairs)


def ingest(
    articles: list[dict[str, Any]], with_stories: bool
) -> tuple[float, tuple[float, float], list[str], str]:
    """Ingest through the service's batch path; seconds, CPU seconds (this process, the local
    Elasticsearch node), each article's story id, the prefix."""
    import os

    from api import create_app
    from api.web.context import article_service

    prefix = f"bench-stories-{uuid.uuid4().hex[:8]}-"
    app = create_app(
        es_url=os.environ.get("ES_URL", "http://127.0.0.1:9200"),
        es_index_prefix=prefix,
        log_level="WARNING",
    )
    with app.app_context():
        service = article_service(stories=with_stories)
        service.index.ensure()
        payloads = [article["payload"] for article in articles]
        es_pid = local_es_pid()
        es_cpu = cpu_seconds(es_pid) if es_pid else 0.0
        own_cpu = time.process_time()
        started = time.perf_counter()
        ids: list[str] = []
        for start in range(0, len(payloads), BATCH):
            result = service.save_batch(payloads[start : start + BATCH], "false")
            failed = [item for item in result["items"] if item["status"] >= 400]
            if failed:
                raise SystemExit(f"ingest failed: {failed[:3]}")
            ids.extend(item["id"] for item in result["items"])
        seconds = time.perf_counter() - started
        cpu = (time.process_time() - own_cpu, (cpu_seconds(es_pid) - es_cpu) if es_pid else 0.0)
        service.index.refresh()
        stories: list[str] = []
        if with_stories:
            stored = service.index.get_many(list(dict.fromkeys(ids)))
            stories = [stored[key].article["story"]["id"] for key in ids]
    return seconds, cpu, stories, prefix


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, default=4, help="copies of every document")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument(
        "--rounds", type=int, default=4, help="ingest runs of each kind, alternating"
    )
    parser.add_argument(
        "--arrival",
        choices=("shuffled", "published"),
        default="shuffled",
        help="copies arrive in random order (the target's set), or in order of publication "
        "(no copy before its original, so no story is renamed: what the moves cost)",
    )
    args = parser.parse_args()
    if not EVAL.exists():
        sys.exit(f"{EVAL} is absent: this benchmark needs the shared eval data (see its README)")
    print_machine()
    docs = load_documents()
    story = true_stories(docs)
    articles = syndication_set(docs, args.copies, args.seed)
    if args.arrival == "published":
        articles.sort(key=lambda article: article["payload"]["published_at"])
    negatives = hard_negatives(docs, story)
    print(
        f"syndication set: {len(docs)} documents ({len(set(story.values()))} stories), "
        f"{len(articles)} articles, {len(negatives)} hard-negative story pairs "
        "(distinct stories sharing a person or place)"
    )
    plain_runs: list[float] = []
    story_runs: list[float] = []
    cpu_runs: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
    found: list[str] = []
    # Warm up both kinds untimed first (models and gazetteer load on a process's first
    # extraction, the fingerprint code and the node's story queries on the first batch with
    # stories).
    for with_stories in (False, True):
        delete_indices(ingest(articles[: BATCH * 2], with_stories)[3])
    # Alternate the two kinds, and which goes first in a round, so that a neighbour's load on
    # this shared machine and the node's drift over a run hit both alike.
    for round_number in range(args.rounds):
        for with_stories in (False, True) if round_number % 2 == 0 else (True, False):
            seconds, cpu, stories, prefix = ingest(articles, with_stories)
            delete_indices(prefix)
            (story_runs if with_stories else plain_runs).append(seconds)
            cpu_runs[with_stories].append(cpu)
            found = stories or found
            kind = "with stories   " if with_stories else "without stories"
            print(
                f"  run {kind}: {seconds / len(articles) * 1000:.2f} ms per article; CPU "
                f"{cpu[0] / len(articles) * 1000:.2f} ms service, "
                f"{cpu[1] / len(articles) * 1000:.2f} ms Elasticsearch"
            )
    truth = [story[article["story"]] for article in articles]
    precision, recall, true_pairs, found_pairs = pairwise(truth, found)
    joined = defaultdict(set)
    for label, found_story in zip(truth, found, strict=True):
        joined[found_story].add(label)
    wrongly_joined = {
        pair
        for labels in joined.values()
        for pair in itertools.combinations(sorted(labels), 2)
        if frozenset(pair) in negatives
    }
    print(f"pairs: {true_pairs} true, {found_pairs} found")
    print(f"precision {precision:.4f} {verdict(precision, 0.98, True)}")
    print(f"recall    {recall:.4f} {verdict(recall, 0.95, True)}")
    print(f"hard-negative story pairs joined: {len(wrongly_joined)} of {len(negatives)}")
    short = {doc["id"] for doc in docs if len(doc["text"].split()) < 100}
    for label, keep in (("under 100 words", True), ("100 words or more", False)):
        chosen = [n for n, a in enumerate(articles) if (a["story"] in short) == keep]
        part_p, part_r, part_true, _ = pairwise(
            [truth[n] for n in chosen], [found[n] for n in chosen]
        )
        print(
            f"  sources {label}: {len({articles[n]['story'] for n in chosen})} documents, "
            f"{part_true} true pairs, precision {part_p:.4f}, recall {part_r:.4f}"
        )
    per_plain = min(plain_runs) / len(articles) * 1000
    per_story = min(story_runs) / len(articles) * 1000
    cost = per_story / per_plain
    print(
        f"ingest per article (best run): {per_plain:.2f} ms without stories, "
        f"{per_story:.2f} ms with them; "
        f"ratio {cost:.3f} {verdict(cost, 1.10, False)}"
    )
    median_cost = statistics.median(story_runs) / statistics.median(plain_runs)
    print(f"ingest per article (median run): ratio {median_cost:.3f}")
    for label, position in (("service", 0), ("Elasticsearch", 1)):
        plain_cpu = statistics.median(run[position] for run in cpu_runs[False])
        story_cpu = statistics.median(run[position] for run in cpu_runs[True])
        print(
            f"CPU per article, {label} (median run): {plain_cpu / len(articles) * 1000:.2f} ms "
            f"without stories, {story_cpu / len(articles) * 1000:.2f} ms with them"
        )


if __name__ == "__main__":
    main()
