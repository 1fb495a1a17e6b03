"""The stored document built from an article, and the mapping that must accept it."""

from api.entities import ENTITY_KINDS
from api.store import documents
from api.store.documents import to_document
from api.store.mapping import MAPPING
from api.textanalysis import lemmatize

ARTICLE = {
    "id": "a" * 32,
    "title": "Kyiv talks",
    "text": "Zelensky met Putin in Kyiv.",
    "authors": [{"name": "Ana Ruiz", "type": "person"}, {"name": "dpa", "type": "organization"}],
    "outlet": {"name": "Pravda.Ru", "domain": "www.pravda.ru"},
    "people": [{"name": "Volodymyr Zelensky", "aliases": ["Zelenskiy"], "mentions": 2}],
    "regions": [
        {
            "name": "Kyiv",
            "code": "UA-30",
            "type": "admin1",
            "parent": None,
            "country": "UA",
            "aliases": ["Kiew"],
            "focus": True,
        },
        {"name": "Black Sea", "code": None, "type": "other", "aliases": []},
    ],
    "organizations": [{"name": "NATO|OTAN", "mentions": 1}],
}


def test_lookup_keys_are_folded_and_include_surnames_aliases_domains_and_ancestors():
    document = documents.to_document(ARTICLE)
    # The folded forms, then their spelling keys (api.extraction.identity).
    assert document["person_keys"] == [
        "volodymyr zelensky",
        "zelensky",
        "zelenskiy",
        "~volodimir selenski",
        "~selenski",
    ]
    assert document["author_keys"] == ["ana ruiz", "dpa"]
    assert document["outlet_keys"] == ["pravda.ru", "www.pravda.ru"]
    assert document["region_keys"] == ["ua-30", "ua", "kyiv", "kiew", "black sea"]
    assert document["focus_region_keys"] == ["ua-30", "ua", "kyiv", "kiew"]
    assert document["title_folded"] == "kyiv talks"


def test_entity_strings_carry_the_folded_head_the_extra_fields_and_the_display_name():
    document = documents.to_document(ARTICLE)
    assert document["people_entities"] == ["volodymyr zelensky|Volodymyr Zelensky"]
    assert document["author_entities"] == ["ana ruiz|person|Ana Ruiz", "dpa|organization|dpa"]
    assert document["outlet_entities"] == ["pravda.ru|www.pravda.ru|Pravda.Ru"]
    # The separator inside a name is replaced, so the string still parses.
    assert document["organization_entities"] == ["nato/otan|NATO/OTAN"]
    first, second = (documents.parse_entity(v) for v in document["region_entities"])
    assert documents.region_entity_fields(first) == {
        "name": "Kyiv",
        "code": "UA-30",
        "type": "admin1",
        "parent": None,
        "country": "UA",
    }
    assert documents.region_entity_fields(second)["code"] is None


def test_plain_author_names_of_mapping_v1_become_person_credits():
    document = documents.to_document({**ARTICLE, "authors": ["Ana Ruiz"]})
    assert document["authors"] == [{"name": "Ana Ruiz", "type": "person"}]


def test_the_strict_mapping_has_a_field_for_everything_a_document_holds():
    document = {**documents.to_document(ARTICLE), "content_hash": "h", "word_count": 5}
    assert set(document) <= set(MAPPING["properties"])
    assert set(documents.DERIVED_FIELDS) <= set(MAPPING["properties"])


def test_every_entity_kind_has_its_key_and_entity_fields_in_the_mapping_and_document():
    document = documents.to_document(ARTICLE)
    for kind in ENTITY_KINDS:
        assert MAPPING["properties"][kind.key_field] == {"type": "keyword"}
        assert MAPPING["properties"][kind.entity_field] == {"type": "keyword"}
        assert document[kind.key_field] and document[kind.entity_field], kind.name


def test_a_stored_document_moved_to_another_story_is_the_document_built_in_that_story():
    stored = documents.to_document({**ARTICLE, "title": "Kyïv talks", "text": "Zelénsky…"})
    source = {k: v for k, v in stored.items() if k not in MAPPING["_source"]["excludes"]}
    story = {"id": "b" * 32, "first_published_at": "2026-03-01T00:00:00+00:00"}
    moved = documents.in_story(source, story)
    assert moved == documents.to_document(
        {**ARTICLE, "title": "Kyïv talks", "text": "Zelénsky…", "story": story}
    )


def test_the_fields_of_the_articles_language_hold_its_title_and_text_as_written_and_as_lemmas():
    article = {
        "id": "a",
        "title": "Talks resume",
        "text": "Negotiations resumed.",
        "language": "en",
    }
    document = to_document(article)
    assert document["title_en"] == "Talks resume"
    assert document["text_en"] == "Negotiations resumed."
    assert document["text_en_lemmas"] == lemmatize("Negotiations resumed.", "en")
    assert document["text_en_lemmas"] != document["text_en"].lower()
    assert not {"text_de", "text_fr", "text_es", "text_de_lemmas"} & set(document)


def test_a_stemmed_language_has_no_lemma_fields_and_an_unknown_language_no_language_fields():
    french = to_document({"id": "f", "title": "Grève", "text": "Les grèves.", "language": "fr"})
    assert french["text_fr"] == "Les grèves." and "text_fr_lemmas" not in french
    other = to_document({"id": "n", "title": "Staking", "text": "De stakingen.", "language": "nl"})
    assert not {name for name in other if name.startswith(("text_", "title_"))} - {
        "text_folded",
        "title_folded",
        "text_key",
    }
