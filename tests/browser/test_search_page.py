"""The search page in a real browser: Debian's chromium, driven by Playwright, against the real app.

The app runs in a background thread (werkzeug's make_server on a free loopback port) with the
seeds loaded through `flask --app api ingest`, exactly as `make run` loads them. Chromium comes
from `scripts/install-browser`; when it is missing these tests fail, they never skip.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit
from urllib.request import urlopen

import pytest
from elasticsearch import Elasticsearch
from flask import Flask
from playwright.sync_api import Page, expect

from api.services.search_parser import decode_cursor
from tests.support.services import build_app, isolated_prefix
from tests.support.serving import serving

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
ARTIFACTS = ROOT / "tests" / "artifacts"
PER_PAGE = 10  # the page's default (data-per-page in api/static/index.html)


@pytest.fixture(scope="module")
def base_url(es: Elasticsearch) -> Iterator[str]:
    """The real app with the seeds loaded through the ingest command, served over HTTP."""
    with isolated_prefix(es) as prefix:
        app = build_app(prefix, log_level="WARNING")
        loaded = app.test_cli_runner().invoke(args=["ingest", str(SEEDS)])
        assert loaded.exit_code == 0, loaded.output
        with serving(app) as url:
            yield url


def api_search(base_url: str, **params: Any) -> dict[str, Any]:
    """What the public API answers for a search, for comparison with what the page shows."""
    query = urlencode({"per_page": PER_PAGE, "collapse": "story", **params}, doseq=True)
    with urlopen(f"{base_url}/articles?{query}", timeout=30) as response:
        return json.load(response)


def same_place(cursor: str, other: str) -> bool:
    """Two cursors continue the same query from the same place (their PITs may differ)."""
    first, second = decode_cursor(cursor), decode_cursor(other)
    return (first["q"], first["a"]) == (second["q"], second["a"])


def shown_titles(page: Page) -> list[str]:
    return page.locator(".as-result .as-title").all_inner_texts()


def titles_of(answer: dict[str, Any]) -> list[str]:
    return [item["title"] for item in answer["items"]]


def status(page: Page):  # noqa: ANN201 - a Playwright locator
    return page.get_by_role("status")


def url_params(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_search_facet_paging_and_a_shared_url(page: Page, base_url: str):
    everything = api_search(base_url)
    total = everything["total"]["value"]
    assert total > PER_PAGE, "the seeds should fill more than one page"

    # First visit: every article, newest first, with facets and a live count.
    page.goto(f"{base_url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Article search")
    expect(status(page)).to_have_text(f"{total} articles found.")
    expect(page.locator(".as-result")).to_have_count(PER_PAGE)
    assert shown_titles(page) == titles_of(everything)
    for facet in ("People", "Regions", "Outlets", "Authors"):
        expect(page.get_by_role("heading", name=facet, exact=True)).to_be_visible()

    # Search from the keyboard; the URL records the query.
    page.get_by_label("Search articles").fill("drought")
    page.get_by_label("Search articles").press("Enter")
    drought = api_search(base_url, q="drought", highlight="true")
    expect(status(page)).to_have_text(re.compile(rf"^{drought['total']['value']} articles? found"))
    assert url_params(page)["q"] == ["drought"]
    assert shown_titles(page) == titles_of(drought)
    expect(page.locator(".as-snippet mark").first).to_have_text(re.compile("drought", re.I))

    # Click a person facet: a removable chip appears and the results narrow to that person.
    facet = page.locator('button.as-facet[data-param="person"]').first
    person = facet.get_attribute("data-value")
    assert person
    facet.click()
    narrowed = api_search(base_url, q="drought", person=person)
    expect(status(page)).to_have_text(re.compile(rf"^{narrowed['total']['value']} articles? found"))
    chip = page.get_by_role("button", name=f"Remove filter Person: {person}")
    expect(chip).to_be_visible()
    assert url_params(page)["person"] == [person]
    assert shown_titles(page) == titles_of(narrowed)
    assert all(person in {p["name"] for p in item["people"]} for item in narrowed["items"]), (
        "the API's person filter should only return articles naming the person"
    )
    expect(page.locator(f'button.as-facet[data-value="{person}"]')).to_have_attribute(
        "aria-pressed", "true"
    )

    # Remove the chip: back to the plain search.
    chip.click()
    expect(status(page)).to_have_text(re.compile(rf"^{drought['total']['value']} articles? found"))
    assert "person" not in url_params(page)

    # Page forward through everything, then back.
    page.goto(f"{base_url}/")
    expect(status(page)).to_have_text(f"{total} articles found.")
    first_page = shown_titles(page)
    page.get_by_role("button", name="Next page").click()
    expect(status(page)).to_have_text(f"{total} articles found, page 2.")
    second = api_search(base_url, cursor=everything["next_cursor"])
    assert shown_titles(page) == titles_of(second)
    assert not set(first_page) & set(shown_titles(page))
    # A walk by story holds its own point in time: the page's cursor continues the same query
    # from the same place as the API's, under another point-in-time id.
    (shown_cursor,) = url_params(page)["cursor"]
    assert same_place(shown_cursor, everything["next_cursor"])
    page.get_by_role("button", name="Previous page").click()
    expect(status(page)).to_have_text(f"{total} articles found.")
    assert shown_titles(page) == first_page
    page.go_back()  # the browser's Back button walks the same history
    expect(status(page)).to_have_text(f"{total} articles found, page 2.")

    # A shared URL reproduces the search: query, filters and dates come back from the URL.
    regions = api_search(base_url, facets="regions")["facets"]["regions"]
    code = next(region["code"] for region in regions if region.get("code"))
    shared = {"q": "said", "region": code, "published_from": "2025-01-01", "sort": "published_at"}
    page.goto(f"{base_url}/?{urlencode(shared)}")
    expected = api_search(base_url, **shared)
    expect(status(page)).to_have_text(re.compile(rf"^{expected['total']['value']} articles? found"))
    expect(page.get_by_label("Search articles")).to_have_value("said")
    expect(page.get_by_label("Published from")).to_have_value("2025-01-01")
    expect(page.get_by_label("Sort")).to_have_value("published_at")
    expect(page.get_by_role("button", name=re.compile(r"^Remove filter Region: "))).to_be_visible()
    assert shown_titles(page) == titles_of(expected)

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{base_url}/?q=drought")
    expect(status(page)).to_have_text(re.compile(r"articles? found"))
    page.screenshot(path=str(ARTIFACTS / "search-page.png"), full_page=True)


def test_api_problems_are_shown_to_the_reader(page: Page, base_url: str):
    page.goto(f"{base_url}/?published_from=2025-06-01&published_to=2025-01-01")
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("HTTP 422")
    expect(status(page)).to_have_text("No results.")


def test_highlights_render_only_marks(page: Page, app: Flask):
    """Article text is data: tags in it must never become markup on the page."""
    text = (
        "Harbour pilots in Valparaiso <img src=x onerror=\"document.title='owned'\"> said the "
        "<b>breakwater</b> & <script>window.owned=1</script> pier would reopen on Monday."
    )
    client = app.test_client()
    created = client.post("/articles", json={"text": text}, query_string={"refresh": "wait_for"})
    assert created.status_code == 201
    with serving(app) as url:
        page.goto(f"{url}/?q=breakwater")
        expect(status(page)).to_have_text("1 article found.")
        snippet = page.locator(".as-snippet")
        expect(snippet.locator("mark")).to_have_text(["breakwater"])
        assert snippet.locator("img, b, script").count() == 0
        expect(snippet).to_contain_text("<b>")
        assert page.evaluate("window.owned") is None
        assert page.title() == "Article search"


def test_keyboard_reaches_every_control_with_visible_focus(page: Page, base_url: str):
    page.goto(f"{base_url}/")
    expect(page.locator(".as-facet").first).to_be_visible()
    seen: set[str] = set()
    for _ in range(12):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement;"
            " return [e.tagName, e.className || e.id || '', getComputedStyle(e).outlineStyle]; }"
        )
        seen.add(focused[0])
        if focused[0] in {"INPUT", "BUTTON", "SELECT"}:
            assert focused[2] != "none", f"no visible focus on {focused}"
    assert {"INPUT", "SELECT", "BUTTON"} <= seen
    expect(page.get_by_role("main")).to_be_visible()
    expect(page.get_by_role("search")).to_be_visible()
    expect(page.get_by_role("region", name="Filters")).to_be_visible()
    expect(page.get_by_role("region", name="Results")).to_be_visible()
    expect(page.get_by_role("navigation", name="Result pages")).to_be_visible()


def test_the_embed_snippet_works_on_another_origin(page: Page, base_url: str):
    """The documented snippet: an element plus the script, on a page the API does not serve."""
    snippet = (
        f'<div id="article-search" data-api="{base_url}" data-history="off" '
        'data-query="q=harvest"></div>'
        f'<script src="{base_url}/static/search.js"></script>'
    )
    host_page = f"<!doctype html><html lang=en><title>Host</title><h1>Host</h1>{snippet}</html>"

    def host(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [host_page.encode()]

    harvest = api_search(base_url, q="harvest")
    with serving(host) as host_base:
        # "localhost" and "127.0.0.1" are different origins, so this exercises CORS.
        host_url = host_base.replace("127.0.0.1", "localhost") + "/?keep=1"
        page.goto(host_url)
        expect(status(page)).to_have_text(re.compile(rf"^{harvest['total']['value']} articles? "))
        assert shown_titles(page) == titles_of(harvest)
        expect(page.locator("link[data-article-search-css]")).to_have_attribute(
            "href", f"{base_url}/static/search.css"
        )
        expect(page.locator(".as-primary")).to_have_css("background-color", "rgb(11, 79, 156)")
        assert page.url == host_url, "data-history=off leaves the host page's URL alone"


def test_the_page_is_served_at_the_root_and_kept_out_of_the_api_description(client):
    with client.get("/") as page:
        assert page.status_code == 200
        assert page.mimetype == "text/html"
        assert "/static/search.js" in page.get_data(as_text=True)
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    for asset in ("search.js", "search.css"):
        with client.get(f"/static/{asset}") as response:
            assert response.status_code == 200, asset
    spec = client.get("/openapi.json").get_json()
    assert "/" not in spec["paths"]
    assert "ui" not in {tag["name"] for tag in spec.get("tags", [])}


def test_agency_credits_are_shown_apart_from_persons(page: Page, base_url: str):
    """A wire story's agency (an organisation credit) is a badge, in results and facets."""
    wire = api_search(base_url, author="Reuters")
    assert [a["type"] for a in wire["items"][0]["authors"]] == ["person", "organization"]
    page.goto(f"{base_url}/?author=Reuters")
    expect(status(page)).to_have_text(f"{wire['total']['value']} article found.")
    byline = page.locator(".as-result .as-authors").first
    expect(byline).to_contain_text("By Mariana Ospina, Reuters")
    expect(byline.locator(".as-agency")).to_have_text("Reuters (agency)")
    expect(byline.locator(".as-agency")).to_have_count(1)
    authors = page.get_by_role("heading", name="Authors", exact=True).locator("xpath=..")
    expect(authors.locator(".as-agency")).to_have_text(["Reuters (agency)"])


def test_syndicated_copies_are_one_result_also_in_other_outlets(page: Page, base_url: str):
    """The Lublin seed and its two copies (seeds/lublin-grain-border-*.json) are one story."""
    answer = api_search(base_url, q="Dorohusk")
    assert answer["total"]["value"] == 3
    assert answer["stories"] == 1
    page.goto(f"{base_url}/?q=Dorohusk")
    expect(page.locator(".as-result")).to_have_count(1)
    story = page.locator(".as-result .as-story")
    expect(story).to_have_text("also in 2 outlets")
    assert story.get_attribute("href").endswith(f"/stories/{answer['items'][0]['story']['id']}")
