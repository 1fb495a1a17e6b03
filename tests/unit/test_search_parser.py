"""The parse step of a search: arguments to a SearchSpec, with no node to ask."""

import pytest

from api.errors import InvalidCursor, PageTooDeep
from api.services.search_parser import encode_cursor, parse_search
from api.store.queries import Highlighting

DEFAULTS = {"per_page": 20, "facet_size": 10, "interval": "month"}
TAGS = Highlighting()


def test_a_region_name_is_expanded_to_its_codes_and_the_sort_follows_the_query():
    parsed = parse_search({**DEFAULTS, "q": "port", "region": ["Ukraine"]}, TAGS)
    ((kind, keys),) = parsed.spec.filters.entities
    assert kind == "regions" and "ua" in keys
    assert parsed.spec.sort == "relevance" and parsed.needs_pit


def test_a_date_sorted_first_page_needs_no_point_in_time_and_a_count_none_at_all():
    assert not parse_search(DEFAULTS, TAGS).needs_pit
    counting = parse_search({**DEFAULTS, "q": "port", "per_page": 0}, TAGS)
    assert counting.counting and not counting.needs_pit


def test_a_cursor_continues_its_walk_after_its_last_hit_in_its_point_in_time():
    identity = {"q": "port", "sort": "relevance"}
    token = encode_cursor(identity, [1.5, "2025-01-01", "abc"], "PIT")
    parsed = parse_search({**DEFAULTS, "cursor": token}, TAGS)
    assert parsed.spec.search_after == [1.5, "2025-01-01", "abc"]
    assert parsed.pit_id == "PIT" and not parsed.needs_pit
    assert parsed.spec.q == "port"


def test_a_collapsed_walk_pages_by_offset_and_refuses_a_cursor_of_another_shape():
    identity = {"q": "port", "sort": "relevance", "collapse": "story"}
    parsed = parse_search({**DEFAULTS, "cursor": encode_cursor(identity, [40], "P")}, TAGS)
    assert parsed.spec.offset == 40 and parsed.spec.search_after is None
    with pytest.raises(InvalidCursor):
        parse_search({**DEFAULTS, "cursor": encode_cursor(identity, ["x"], "P")}, TAGS)


def test_shallow_paging_stops_at_the_window():
    with pytest.raises(PageTooDeep):
        parse_search({**DEFAULTS, "per_page": 100, "page": 101}, TAGS)
