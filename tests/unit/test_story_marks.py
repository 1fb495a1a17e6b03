"""The count that lets a batch skip its second look at the stories (api.services.stories)."""

from api.services.stories import operations_between
from api.store.index import ShardMark


def testoperations_between_counts_every_operation_numbered_after_the_applied_checkpoint():
    before = {"articles-v3/0": ShardMark(applied=9, issued=11), "articles-v3/1": ShardMark(4, 4)}
    after = {"articles-v3/0": ShardMark(14, 14), "articles-v3/1": ShardMark(6, 6)}
    # 10..14 on shard 0 (two of them in flight at the first mark) and 5..6 on shard 1.
    assert operations_between(before, after) == 7


def testoperations_between_is_unknown_when_the_alias_moved_to_other_shards():
    before = {"articles-v3/0": ShardMark(9, 9)}
    assert operations_between(before, {"articles-v4/0": ShardMark(0, 0)}) is None
