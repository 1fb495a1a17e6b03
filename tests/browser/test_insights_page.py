"""The search page's drawings in a real browser (issue #26): the timeline, the trending panel,
person and region pages, related articles, a phone's width, and the embed on another origin
with CORS honoured. Debian's chromium, driven by Playwright, against the real app with the
seeds loaded through `flask --app api ingest` and a few recent articles written directly (the
seeds are from 2025; something must be new this week for the trending panel to show it).

Screenshots go to tests/artifacts/ (docs/ holds copies of them).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit
from urllib.request import urlopen

import pytest
from elasticsearch import Elasticsearch
from playwright.sync_api import Browser, Page, expect

from tests.browser.test_search_page import ARTIFACTS, SEEDS
from tests.search_corpus import resource
from tests.support.services import build_app, isolated_prefix, store_directly
from tests.support.serving import serving

# This week's articles: a person and a country of the seeds suddenly in the news again.
RECENT_PERSON = "Ewa Sadowska"
RECENT_REGION = "Poland"


def recent_articles() -> list[dict[str, Any]]:
    now = dt.datetime.now(dt.UTC)
    articles = []
    for number, hours in enumerate((2, 9, 20, 30, 44), start=1):
        row = (
            f"Grain convoy update {number}: border crossing reopens",
            f"{RECENT_PERSON} said the grain convoy crossed the border near Dorohusk. "
            "Farmers lifted the blockade for the night.",
            (now - dt.timedelta(hours=hours)).isoformat(),
            "Nord Post",
            ["Ivo Petrov"],
            {RECENT_PERSON: [RECENT_PERSON, "Sadowska"]},
            [],
            [],
            [],
        )
        article = resource(900 + number, row) | {"id": f"{900 + number:032x}"}
        article["regions"] = [
            {
                "name": RECENT_REGION,
                "code": "PL",
                "type": "country",
                "parent": None,
                "country": "PL",
                "aliases": [RECENT_REGION],
                "mentions": 1,
                "focus": True,
            }
        ]
        articles.append(article)
    return articles


@pytest.fixture(scope="module")
def site(es: Elasticsearch) -> Iterator[tuple[str, str]]:
    """The real app with the seeds and this week's articles; yields (its URL, its index prefix)."""
    with isolated_prefix(es) as prefix:
        app = build_app(prefix, log_level="WARNING")
        loaded = app.test_cli_runner().invoke(args=["ingest", str(SEEDS)])
        assert loaded.exit_code == 0, loaded.output
        store_directly(app, recent_articles())
        with serving(app) as url:
            yield url, prefix


@pytest.fixture(scope="module")
def base_url(site: tuple[str, str]) -> str:
    return site[0]


def get(base_url: str, path: str, **params: Any) -> Any:
    query = urlencode(params, doseq=True)
    with urlopen(f"{base_url}{path}{'?' + query if query else ''}", timeout=30) as response:
        return json.load(response)


def page_search(base_url: str, **params: Any) -> dict[str, Any]:
    """What the page asks GET /articles for its results and its timeline."""
    fixed = {
        "per_page": 10,
        "collapse": "story",
        "facets": "published_at",
        "interval": "auto",
        "zero_fill": "true",
    }
    return get(base_url, "/articles", **{**fixed, **params})


def status(page: Page):  # noqa: ANN201 - a Playwright locator
    return page.get_by_role("status")


def url_params(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def found(total: int) -> re.Pattern[str]:
    return re.compile(rf"^{total} articles? found")


def test_the_timeline_draws_the_query_and_a_bar_narrows_the_dates(page: Page, base_url: str):
    answer = page_search(base_url, q="said")
    buckets = answer["facets"]["published_at"]
    page.goto(f"{base_url}/?q=said")
    expect(status(page)).to_have_text(found(answer["total"]["value"]))
    bars = page.locator(".as-timeline .as-bar")
    expect(bars).to_have_count(len(buckets))
    assert [
        (bar.get_attribute("data-value"), int(bar.get_attribute("data-count") or -1))
        for bar in bars.all()
    ] == [(b["value"], b["count"]) for b in buckets]
    expect(page.locator(".as-chart-title")).to_have_text(
        f"Articles over time, by {answer['interval']}"
    )

    # Choose the busiest bar from the keyboard: the dates narrow to it.
    busiest = max(range(len(buckets)), key=lambda i: buckets[i]["count"])
    bars.nth(busiest).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name=re.compile("^Remove filter Published "))).to_be_visible()
    params = url_params(page)
    start, end = params["published_from"][0], params["published_to"][0]
    assert start <= buckets[busiest]["value"][:10] <= end
    narrowed = page_search(base_url, q="said", published_from=start, published_to=end)
    expect(status(page)).to_have_text(found(narrowed["total"]["value"]))
    assert sum(b["count"] for b in narrowed["facets"]["published_at"]) == buckets[busiest]["count"]
    expect(page.get_by_label("Published from")).to_have_value(start)


def test_the_trending_panel_shows_what_is_new_this_week(page: Page, base_url: str):
    people = get(base_url, "/trends", kind="people", window="7d", size=5)["items"]
    assert [(p["value"], p["count"], p["before"]) for p in people] == [(RECENT_PERSON, 5, 0)]
    page.goto(f"{base_url}/")
    panel = page.get_by_role("region", name="Trending now")
    expect(panel.locator(".as-trend")).to_have_count(2)  # the person, and the country
    trend = panel.get_by_role(
        "button", name=re.compile(f"^{RECENT_PERSON}: 5 articles this week, 0")
    )
    expect(trend).to_contain_text("0 → 5")
    expect(panel.get_by_role("button", name=re.compile(f"^{RECENT_REGION}: "))).to_be_visible()

    # The panel follows the filters: nothing of this week's is about drought.
    page.goto(f"{base_url}/?q=drought")
    expect(panel).to_contain_text("Nothing stands out this week.")

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{base_url}/?q=grain")
    expect(page.locator(".as-timeline .as-bar").first).to_be_attached()
    expect(panel.locator(".as-trend").first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "search-page-timeline.png"), full_page=True)

    # A trend opens the person's page.
    page.goto(f"{base_url}/")
    panel.get_by_role("button", name=re.compile(f"^{RECENT_PERSON}: ")).click()
    expect(page.get_by_role("heading", level=2, name=RECENT_PERSON)).to_be_focused()


def test_a_person_page_from_a_name_in_the_results(page: Page, base_url: str):
    detail = get(base_url, f"/people/{quote(RECENT_PERSON)}")
    timeline = page_search(base_url, person=RECENT_PERSON, per_page=0)
    page.goto(f"{base_url}/?q=grain+convoy")
    name = page.locator(".as-result .as-name", has_text=RECENT_PERSON).first
    name.focus()
    page.keyboard.press("Enter")
    heading = page.get_by_role("heading", level=2, name=detail["name"])
    expect(heading).to_be_focused()
    assert url_params(page)["entity"] == [f"people:{RECENT_PERSON}"]
    view = page.locator(".as-entity")
    expect(view.locator(".as-entity-facts")).to_have_text(f"{detail['articles']} articles")
    spellings = [s["name"] for s in detail.get("spellings", [])] or detail["aliases"]
    expect(view.locator(".as-spellings li")).to_have_text(spellings)
    bars = view.locator(".as-bar")
    expect(bars).to_have_count(len(timeline["facets"]["published_at"]))
    counts = [int(bar.get_attribute("data-count") or -1) for bar in bars.all()]
    assert sum(counts) == timeline["total"]["value"] == detail["articles"]
    co_people = [p["name"] for p in detail["co_mentioned"]["people"]]
    co_regions = [r["name"] for r in detail["co_mentioned"]["regions"]]
    assert co_regions, "the seeds name regions with this person"
    parts = view.locator(".as-entity-part")
    expect(parts.filter(has_text="Appears with: people").locator(".as-name")).to_have_text(
        co_people
    )
    expect(parts.filter(has_text="Appears with: regions").locator(".as-name")).to_have_text(
        co_regions
    )
    expect(view.locator(".as-result .as-title")).to_have_text(
        [a["title"] for a in detail["latest"]]
    )
    page.screenshot(path=str(ARTIFACTS / "person-page.png"), full_page=True)

    # A co-mentioned region opens its page; Back returns to the person, then to the search.
    region = detail["co_mentioned"]["regions"][0]
    parts.filter(has_text="Appears with: regions").locator(".as-name").first.click()
    expect(page.get_by_role("heading", level=2, name=region["name"])).to_be_focused()
    region_detail = get(base_url, f"/regions/{quote(region['code'] or region['name'])}")
    expect(page.locator(".as-entity .as-entity-facts")).to_contain_text(
        f"{region_detail['articles']} article"
    )
    page.go_back()
    expect(page.get_by_role("heading", level=2, name=detail["name"])).to_be_visible()
    page.get_by_role("button", name="← Back to the search").click()
    expect(status(page)).to_have_text(re.compile("articles? found"))
    assert "entity" not in url_params(page)
    assert url_params(page)["q"] == ["grain convoy"]


def test_a_region_page_names_its_spellings_and_searches_its_articles(page: Page, base_url: str):
    detail = get(base_url, "/regions/UA")
    page.goto(f"{base_url}/?entity=regions:UA")
    expect(page.get_by_role("heading", level=2, name=detail["name"])).to_be_focused()
    expect(page.locator(".as-spellings li")).to_have_text(detail["aliases"] or [detail["name"]])
    page.get_by_role("button", name="Search all its articles").click()
    everything = page_search(base_url, region="UA")
    expect(status(page)).to_have_text(found(everything["total"]["value"]))
    assert url_params(page)["region"] == ["UA"]


def test_related_articles_under_an_opened_result(page: Page, base_url: str):
    page.goto(f"{base_url}/?q=grain")
    first = page.locator(".as-result").first
    title = first.locator(".as-title").inner_text()
    answer = page_search(base_url, q="grain")
    item = answer["items"][0]
    assert item["title"] == title
    related = get(base_url, f"/articles/{item['id']}/related", size=5)
    opener = first.get_by_role("button", name="Related articles")
    expect(opener).to_have_attribute("aria-expanded", "false")
    opener.press("Enter")
    expect(opener).to_have_attribute("aria-expanded", "true")
    listed = first.locator(".as-related-item")
    expect(listed).to_have_count(len(related["items"]))
    assert [i.get_attribute("data-id") for i in listed.all()] == [r["id"] for r in related["items"]]
    assert item["id"] not in [r["id"] for r in related["items"]]
    for shown, expected in zip(listed.all(), related["items"], strict=True):
        names = expected["shared"]["people"] + [r["name"] for r in expected["shared"]["regions"]]
        expect(shown.locator(".as-why .as-name")).to_have_text(names)
    if related["copies"]:
        expect(first.locator(".as-copies")).to_contain_text("Same story also in")
    opener.click()
    expect(first.locator(".as-related")).to_be_hidden()


def test_readable_at_a_phones_width(browser: Browser, base_url: str):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    phone = context.new_page()
    try:
        phone.goto(f"{base_url}/?q=grain")
        expect(status(phone)).to_have_text(re.compile("articles? found"))
        expect(phone.locator(".as-timeline .as-bar").first).to_be_attached()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        # The first screen a phone shows: the form, the trends, the timeline, the first results.
        phone.screenshot(path=str(ARTIFACTS / "search-page-390.png"))
        phone.locator(".as-result .as-name", has_text=RECENT_PERSON).first.click()
        expect(phone.get_by_role("heading", level=2, name=RECENT_PERSON)).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


def test_an_embed_on_another_origin_renders_only_where_cors_allows_it(
    page: Page, site: tuple[str, str]
):
    """A page of a second local origin embeds the script. An API that allows that origin:
    the results, the timeline and the trends render. An API that allows another origin only:
    the browser withholds the answers, and the page says so."""
    _, prefix = site
    snippet: dict[str, str] = {}

    def host(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        body = f"<!doctype html><html lang=en><title>Host</title><h1>Host</h1>{snippet['html']}"
        return [body.encode()]

    with serving(host) as host_base:
        # "localhost" and "127.0.0.1" are different origins, so this exercises CORS.
        origin = host_base.replace("127.0.0.1", "localhost")
        for allowed, renders in ((origin, True), ("http://elsewhere.example", False)):
            app = build_app(prefix, log_level="WARNING", cors_origins=(allowed,))
            with serving(app) as api_url:
                snippet["html"] = (
                    f'<div id="article-search" data-api="{api_url}" data-history="off" '
                    'data-query="q=grain"></div>'
                    f'<script src="{api_url}/static/search.js"></script>'
                )
                page.goto(origin + "/")
                if renders:
                    grain = page_search(api_url, q="grain")
                    expect(status(page)).to_have_text(found(grain["total"]["value"]))
                    expect(page.locator(".as-timeline .as-bar").first).to_be_attached()
                    expect(page.locator(".as-trend").first).to_be_visible()
                else:
                    expect(page.get_by_role("alert")).to_have_text(
                        "The search service could not be reached."
                    )
                    expect(page.locator(".as-result")).to_have_count(0)
