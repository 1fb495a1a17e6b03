"""MinHash fingerprints of article texts: deterministic, near copies close, others far."""

from __future__ import annotations

import numpy as np

from api.extraction.fingerprint import (
    BANDS,
    decode_signature,
    fingerprint,
    same_subjects,
    shingles,
    story_text,
    subjects,
)
from tests.integration.test_stories import copy_of
from tests.integration.test_stories import story_text as make_story


def test_shingles_are_folded_word_runs():
    assert shingles("Zelenský met Putin in Alaska") == {
        b"zelensky met putin",
        b"met putin in",
        b"putin in alaska",
    }
    assert shingles("Two words") == {b"two words"}
    assert shingles(" -- ") == set()


def test_a_fingerprint_is_the_same_in_every_process_and_survives_storage():
    first, second = fingerprint(make_story(0)), fingerprint(make_story(0))
    assert first is not None and second is not None
    assert np.array_equal(first.signature, second.signature)
    assert first.bands == second.bands and len(first.bands) == BANDS
    assert np.array_equal(decode_signature(first.encoded()), first.signature)


def test_a_copy_is_similar_and_another_story_on_the_same_topic_is_not():
    original = fingerprint(make_story(1))
    copy = fingerprint(copy_of(make_story(1), 3))
    other = fingerprint(make_story(1, seed=7))
    assert original and copy and other
    assert original.similarity(copy.signature) >= 0.6
    assert set(original.bands) & set(copy.bands)
    assert original.similarity(other.signature) < 0.3


def test_the_headline_is_left_out_when_it_is_the_first_line():
    article = {"title": "Port reopens", "text": "PORT REOPENS\nThe port reopened on Monday."}
    assert story_text(article) == "The port reopened on Monday."
    assert story_text({"text": "No title\nhere"}) == "No title\nhere"
    assert fingerprint("") is None


def test_an_outlets_byline_and_boilerplate_are_not_part_of_the_story_text():
    body = "The port reopened on Monday after a two-week strike.\nShips queued outside."
    article = {
        "title": "Port reopens",
        "text": f"Port reopens\nBy Maria Keller\n{body}\nCopyright 2026 Harbour Gazette. "
        "All rights reserved.",
    }
    assert story_text(article) == body


def test_subjects_are_folded_people_and_region_codes():
    article = {
        "people": [{"name": "Volodymyr Zelenský"}],
        "regions": [{"code": "UA"}, {"code": "UA-30"}],
    }
    assert subjects(article) == {"volodymyr zelensky", "UA", "UA-30"}
    assert subjects({"people": [], "regions": []}) == frozenset()


def test_places_without_a_code_are_no_shared_subject():
    """Unresolved places are stored with code null: two articles that each name one have
    nothing in common for it."""
    left = subjects({"regions": [{"code": "UA"}, {"code": None}]})
    right = subjects({"regions": [{"code": "PL"}, {"code": None}]})
    assert left == {"UA"} and right == {"PL"}
    assert not same_subjects(left, right)


def test_copies_share_their_subjects_and_template_reports_of_other_events_do_not():
    original = frozenset({"AT", "GB-SCT", "AT-9", "toni polster"})
    copy_that_dropped_a_sentence = frozenset({"AT", "GB-SCT", "AT-9"})
    another_match = frozenset({"AM", "PT", "AM-ER"})
    assert same_subjects(original, copy_that_dropped_a_sentence)
    assert not same_subjects(original, another_match)
    assert same_subjects(original, frozenset())  # naming nobody proves nothing either way
