"""The CoreNLP client against the real server: packing, offsets, languages."""

from __future__ import annotations

import pytest

from api.extraction.corenlp import CoreNLPEngine, languages


def _spans(engine: CoreNLPEngine, texts: list[str], language: str = "en") -> list[set]:
    return [
        {(text[e.start : e.end], e.label) for e in found}
        for text, found in zip(texts, engine.entities(texts, language), strict=True)
    ]


def test_packed_texts_are_labelled_as_if_sent_alone(ner: CoreNLPEngine) -> None:
    texts = [
        "Angela Merkel visited Paris.",
        "No names here at all.",
        "BERLIN 2024-01-01\nOlaf Scholz met Emmanuel Macron in Berlin.",
    ]
    packed = _spans(ner, texts)
    alone = [_spans(ner, [text])[0] for text in texts]
    assert packed == alone
    assert ("Angela Merkel", "PERSON") in packed[0] and ("Paris", "LOC") in packed[0]
    assert packed[1] == set()


def test_small_packs_give_the_same_answer(ner: CoreNLPEngine) -> None:
    tiny = CoreNLPEngine(ner.url, max_chars=40)  # one text a request
    texts = ["Angela Merkel visited Paris.", "Olaf Scholz stayed in Bonn."]
    assert _spans(tiny, texts) == _spans(ner, texts)


def test_offsets_stay_right_after_characters_outside_the_bmp(ner: CoreNLPEngine) -> None:
    text = "Fans 😀😀 cheered as Lionel Messi landed in Miami."
    assert {"Lionel Messi", "Miami"} <= {s for s, _ in _spans(ner, [text])[0]}


@pytest.mark.parametrize(
    ("language", "text", "person", "place"),
    [
        ("de", "Bundeskanzler Olaf Scholz reiste nach München.", "Olaf Scholz", "München"),
        ("fr", "Le président Emmanuel Macron est arrivé à Lyon.", "Emmanuel Macron", "Lyon"),
        ("es", "El presidente Pedro Sánchez viajó a Sevilla.", "Pedro Sánchez", "Sevilla"),
    ],
)
def test_each_language_has_its_model(ner, language, text, person, place) -> None:
    assert {(person, "PERSON"), (place, "LOC")} <= _spans(ner, [text], language)[0]


def test_an_unknown_language_or_url_is_refused(ner: CoreNLPEngine) -> None:
    assert "it" not in languages()
    with pytest.raises(ValueError, match="no NER model"):
        ner.entities(["Ciao."], "it")
    with pytest.raises(ValueError, match="not an http"):
        CoreNLPEngine("localhost:9000")


def test_a_text_longer_than_one_request_is_cut_at_line_ends(ner: CoreNLPEngine) -> None:
    paragraph = "Angela Merkel visited Paris on Monday and met officials there."
    text = "\n".join([paragraph] * 40)
    small = CoreNLPEngine(ner.url, max_chars=300)
    (found,) = small.entities([text], "en")
    assert found == ner.entities([text], "en")[0]
    assert [text[e.start : e.end] for e in found].count("Angela Merkel") == 40


def test_a_batch_is_spread_over_as_many_requests_as_may_run_at_once(ner: CoreNLPEngine) -> None:
    texts = [f"Angela Merkel visited Paris on day {i}." for i in range(12)]
    spread = CoreNLPEngine(ner.url, concurrency=3)
    packs = []
    spread._annotate = lambda pack, language: packs.append(pack) or [[] for _ in pack]
    spread.entities(texts, "en")
    assert len(packs) == 3 and sorted(t for pack in packs for t in pack) == sorted(texts)
