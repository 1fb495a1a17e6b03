"""Texts for story tests: news-like articles on a few topics and their syndicated copies."""

from __future__ import annotations

import random

TOPICS = [
    ("harbour", "Port Ellis", "Mayor Ana Lima", "ferries", "dredging"),
    ("power", "Karsby", "Minister Olu Bede", "turbines", "the grid"),
    ("school", "Vesterholm", "Principal Ida Moen", "classrooms", "the budget"),
    ("water", "Dunmore", "Engineer Raj Patel", "pipes", "the reservoir"),
    ("rail", "Alcorra", "Director Lucia Ferro", "carriages", "the timetable"),
]
VERBS = ["opened", "inspected", "funded", "delayed", "expanded", "repaired", "reviewed", "closed"]
THINGS = ["a depot", "two bridges", "the north quay", "a new office", "the old warehouse"]
DAYS = ["on Monday", "on Tuesday", "last week", "in March", "after a long dispute"]
WORDS = [
    "costs",
    "unions",
    "weather",
    "tenders",
    "audits",
    "loans",
    "lawyers",
    "drivers",
    "tourists",
    "tenants",
    "fishermen",
    "pensions",
    "fines",
    "permits",
    "protests",
    "licences",
    "subsidies",
    "repairs",
    "exports",
    "surveys",
    "councils",
    "contracts",
    "shipments",
    "engineers",
    "nurses",
    "farmers",
    "shops",
    "hotels",
    "lorries",
    "cranes",
    "pumps",
    "cables",
    "meters",
    "roofs",
    "tunnels",
    "ramps",
    "gates",
    "signals",
    "ticket",
    "offices",
    "volunteers",
]


def story_text(topic: int, seed: int = 0, sentences: int = 12) -> str:
    """A plain news text about one topic; another seed gives another story on the same topic,
    with the same people and places (a hard negative)."""
    kind, place, person, plural, object_ = TOPICS[topic]
    rng = random.Random(f"{topic}-{seed}")
    lines = [f"{place} {kind} plan moves ahead"]
    for number in range(sentences):
        lines.append(
            f"{person} {rng.choice(VERBS)} {rng.choice(THINGS)} in {place} {rng.choice(DAYS)}, "
            f"and {rng.randint(2, 90)} {plural} were {rng.choice(VERBS)} "
            f"before {object_} {rng.choice(['rose', 'fell', 'changed', 'held'])} "
            f"by {rng.randint(3, 70)} percent in step {number}, citing "
            f"{' '.join(rng.sample(WORDS, 3))} and {' '.join(rng.sample(WORDS, 2))}."
        )
    return "\n".join(lines)


def copy_of(text: str, number: int) -> str:
    """A syndicated copy: new headline and byline, a sentence dropped, one moved, a typo and a
    boilerplate line."""
    lines = text.split("\n")
    body = lines[1:]
    del body[number % len(body)]
    body.insert(0, body.pop(-1))
    body[2] = body[2].replace("percent", "precent", 1)
    return "\n".join(
        [
            f"WIRE {number}: {lines[0].upper()}",
            f"By Reporter Number{number}",
            *body,
            f"Copyright 2026 Outlet {number}. All rights reserved.",
        ]
    )
