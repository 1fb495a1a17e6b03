"""What a request leaves behind in a worker: spaCy's vocabulary must not grow with every story."""

from __future__ import annotations

import random

from api.extraction import extract, extract_many
from api.extraction.nlp import load


def test_extraction_leaves_no_new_strings_in_spacys_vocabulary():
    extract({"text": "Mayor Rui Costa opened a school in Braga."})
    strings = load().vocab.strings
    before = len(strings)
    rng = random.Random()
    syllables = ["ka", "lo", "mi", "ra", "te", "su", "vi", "no", "da", "re", "ko", "pa"]
    novel = ["".join(rng.choices(syllables, k=5)).capitalize() for _ in range(20)]
    novel = [word for word in novel if word not in strings]
    stories = [
        {"text": f"Mayor Ana {word} opened a school in Braga. {word} said it cost {n}1,3{n} euros."}
        for n, word in enumerate(novel)
    ]
    results = extract_many(stories)
    found = {person["name"] for result in results for person in result["people"]}
    assert any(name.removeprefix("Ana ") in novel for name in found), found
    assert len(strings) == before
    assert not any(word in strings for word in novel)
