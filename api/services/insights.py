"""Trends and related articles (issue #26): answers built on search's filters and facets.

Trends are an honest count comparison, not Elasticsearch's significant_terms: each entity's
articles in the window against those in the period of the same length right before it, scaled
by the two periods' totals (api.store.insights.trend_score). The answer shows both counts, the
facet's own buckets name the entities (so trends agree with facets), and a corpus where nothing
changes trends nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

from api.errors import NotFound, TooManyBuckets
from api.services import search_parser
from api.store import insights
from api.store.index import ArticleIndex
from api.store.queries import SearchSpec, parse_hit

# A zero-filled timeline holds at most this many buckets.
MAX_FILLED_BUCKETS = 10_000

# GET /trends?window=: hours or days.
WINDOW_UNITS = {"h": dt.timedelta(hours=1), "d": dt.timedelta(days=1)}


def window_length(window: str) -> dt.timedelta:
    """ "24h" -> 24 hours, "7d" -> 7 days (the schema checked the syntax)."""
    return int(window[:-1]) * WINDOW_UNITS[window[-1]]


class InsightService:
    def __init__(
        self,
        index: ArticleIndex,
        with_story_sizes: Callable[[list[dict[str, Any]]], list[dict[str, Any]]],
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self.index = index
        self.with_story_sizes = with_story_sizes
        self.now = now

    # --- GET /trends -------------------------------------------------------------------------

    def window(self, args: dict[str, Any]) -> insights.Period:
        """The trend window: explicit `from`/`to` (TrendsQueryArgsSchema made them instants and
        checked their order), or `window` back from now."""
        if args.get("from_") is not None:
            return insights.Period(args["from_"], args["to"])
        end = self.now()
        return insights.Period(end - window_length(args["window"]), end)

    def trends(self, kind: str, args: dict[str, Any]) -> dict[str, Any]:
        """The entities of `kind` named unusually often in the window compared with the
        period before it, most surprising first."""
        window = self.window(args)
        identity = search_parser.query_identity(args)
        filters = search_parser.filters_for(identity)
        body = insights.trends_body(kind, identity.get("q"), filters, window)
        aggregations = self.index.search(body)["aggregations"]
        window_total, before_total, counts = insights.parse_trend_counts(kind, aggregations)
        trending = []
        for entity in counts:
            score = insights.trend_score(
                entity.in_window, entity.before, window_total, before_total
            )
            if entity.in_window >= insights.TREND_MIN_COUNT and score >= insights.TREND_MIN_SCORE:
                trending.append(
                    {
                        **entity.entity,
                        "count": entity.in_window,
                        "before": entity.before,
                        "score": round(score, 3),
                    }
                )
        trending.sort(key=lambda item: (-item["score"], -item["count"], item["value"]))
        before = window.before()
        return {
            "kind": kind,
            "window": {
                "from": _iso(window.start),
                "to": _iso(window.end),
                "articles": window_total,
            },
            "before": {
                "from": _iso(before.start),
                "to": _iso(before.end),
                "articles": before_total,
            },
            "items": trending[: args["size"]],
        }

    # --- GET /articles/{id}/related ----------------------------------------------------------

    def related(self, article_id: str, size: int) -> dict[str, Any]:
        """Other stories like this article, each naming the people and regions it shares with
        it; and, apart, the copies of the article's own story."""
        stored = self.index.get(article_id)
        if stored is None:
            raise NotFound(f"No article with id {article_id!r}.")
        article = stored.article
        hits = self.index.search(insights.related_body(article, size))["hits"]["hits"]
        items = []
        for hit in hits:
            item = parse_hit(hit)
            item["score"] = round(hit["_score"], 4)
            item["shared"] = insights.shared_entities(article, item)
            items.append(item)
        copies: list[dict[str, Any]] = []
        story_id = (article.get("story") or {}).get("id")
        if story_id:
            _, members = self.index.story_members([story_id], insights.RELATED_MAX_COPIES)
            copies = [member for member in members if member["id"] != article_id]
        return {
            "id": article_id,
            "title": article.get("title"),
            "items": self.with_story_sizes(items),
            "copies": copies,
        }


def _iso(instant: dt.datetime) -> str:
    return instant.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def timeline_spec(index: ArticleIndex, spec: SearchSpec) -> SearchSpec:
    """The published_at facet's interval (interval=auto resolved) and, with zero_fill, the
    bounds its empty buckets run between: the dates asked, or else those of the matching
    articles (one more request, only when a bound is missing)."""
    if spec.interval != "auto" and not spec.zero_fill:
        return spec
    first, last = _day_start(spec.filters.published_from), _day_end(spec.filters.published_to)
    if first is None or last is None:
        answer = index.search(insights.date_bounds_body(spec.q, spec.filters))
        found = insights.parse_date_bounds(answer["aggregations"])
        if found is None:  # nothing dated matches: no buckets at all
            return dataclasses.replace(spec, interval=_fixed(spec.interval, "day"))
        first, last = first or found[0], last or found[1]
    interval = insights.auto_interval(first, last) if spec.interval == "auto" else spec.interval
    if not spec.zero_fill:
        return dataclasses.replace(spec, interval=interval)
    buckets = insights.bucket_count(first, last, interval)
    if buckets > MAX_FILLED_BUCKETS:
        raise TooManyBuckets(
            f"zero_fill would answer {buckets:,} {interval} buckets (at most "
            f"{MAX_FILLED_BUCKETS:,}); narrow the dates or choose a coarser interval.",
            errors={"zero_fill": [f"At most {MAX_FILLED_BUCKETS:,} buckets."]},
        )
    bounds = (_millis(first), _millis(last))
    return dataclasses.replace(spec, interval=interval, timeline_bounds=bounds)


def _fixed(interval: str, fallback: str) -> str:
    return fallback if interval == "auto" else interval


def _day_start(day: dt.date | None) -> dt.datetime | None:
    return dt.datetime.combine(day, dt.time(), dt.UTC) if day else None


def _day_end(day: dt.date | None) -> dt.datetime | None:
    """The last instant of the day (the published_to filter includes its whole day)."""
    if not day:
        return None
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), dt.UTC) - dt.timedelta(
        milliseconds=1
    )


def _millis(instant: dt.datetime) -> int:
    return int(instant.timestamp() * 1000)
