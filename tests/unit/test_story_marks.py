"""What lets a lone writer's batch skip the second look at the stories, and the refresh before
the first (api.services.stories): the count of operations, and the writes it keeps."""

from api.services.stories import OwnWrites, as_written, operations_between
from api.store.index import ShardMark, Version


def testoperations_between_counts_every_operation_numbered_after_the_applied_checkpoint():
    before = {"articles-v3/0": ShardMark(applied=9, issued=11), "articles-v3/1": ShardMark(4, 4)}
    after = {"articles-v3/0": ShardMark(14, 14), "articles-v3/1": ShardMark(6, 6)}
    # 10..14 on shard 0 (two of them in flight at the first mark) and 5..6 on shard 1.
    assert operations_between(before, after) == 7


def testoperations_between_is_unknown_when_the_alias_moved_to_other_shards():
    before = {"articles-v3/0": ShardMark(9, 9)}
    assert operations_between(before, {"articles-v4/0": ShardMark(0, 0)}) is None


def _source(key: str, seq_no: int, story: str = "s", bands: tuple[str, ...] = ("0:aa",)) -> dict:
    return {
        "id": key,
        "story": {"id": story},
        "story_bands": list(bands),
        "version": Version(seq_no=seq_no, primary_term=1),
    }


MARK = {"articles-v3/0": ShardMark(5, 5)}
LATER = {"articles-v3/0": ShardMark(7, 7)}


def test_a_writer_follows_on_from_its_last_recorded_batch_only_at_the_same_mark():
    own = OwnWrites()
    assert own.follow({}) is None  # nothing recorded yet: refresh first
    epoch = own.restart()
    own.record(epoch, MARK, [_source("a", 4)])
    assert own.follow(MARK) == (epoch, {"a": _source("a", 4)})
    # Another operation reached the shards since: the batch must refresh.
    assert own.follow(LATER) is None


def test_a_batch_planned_before_a_restart_records_nothing():
    own = OwnWrites()
    planned_in = own.restart()
    restarted = own.restart()  # another batch saw a foreign write and refreshes
    own.record(planned_in, MARK, [_source("a", 4)])
    assert own.follow(MARK) is None
    own.record(restarted, LATER, [_source("b", 6)])
    assert own.follow(LATER) == (restarted, {"b": _source("b", 6)})


def test_the_later_version_of_an_article_wins_whatever_the_order_of_the_records():
    own = OwnWrites()
    epoch = own.restart()
    own.record(epoch, MARK, [_source("a", 6, story="moved")])
    own.record(epoch, LATER, [_source("a", 4, story="first")])
    assert own.follow(LATER) == (epoch, {"a": _source("a", 6, story="moved")})


def test_past_the_limit_a_writer_refreshes_instead_of_keeping_more():
    own = OwnWrites(limit=2)
    epoch = own.restart()
    own.record(epoch, MARK, [_source("a", 3), _source("b", 4)])
    assert own.follow(MARK) is None


def test_a_kept_write_stands_in_for_the_older_version_search_found():
    kept = {"a": _source("a", 6, story="t"), "c": _source("c", 7, story="t")}
    hits = [_source("a", 2, story="s"), _source("b", 3, story="s")]
    in_story_s = as_written(hits, kept, lambda source: source["story"]["id"] == "s")
    assert [source["id"] for source in in_story_s] == ["b"]  # a has moved to t since
    # Search sees nothing in story t yet: the kept writes are all there is.
    in_story_t = as_written([], kept, lambda source: source["story"]["id"] == "t")
    assert [(s["id"], s["version"].seq_no) for s in in_story_t] == [("a", 6), ("c", 7)]
