"""parse_html on small pages written for these tests (tests/data/html)."""

from pathlib import Path

from api.extraction.html import parse_html

PAGES = Path(__file__).resolve().parents[1] / "data" / "html"


def names(credits):
    """The credited names (authors are {"name", "type"} objects)."""
    return [credit["name"] for credit in credits]


def _page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def test_meta_tags_give_title_authors_date_and_site() -> None:
    meta = parse_html(_page("meta_tags.html"), "https://coastline.example/ferry")
    assert meta.title == "Harbour ferry returns after winter repairs"
    assert names(meta.authors) == ["Maren Lindqvist", "Tobias Okafor"]
    assert meta.published == "2024-03-14"
    assert meta.site_name == "Coastline Courier"
    assert meta.language == "en"
    assert meta.provenance["authors"] == "meta"
    assert meta.provenance["site_name"] == "meta"


def test_logo_heading_is_not_the_title() -> None:
    meta = parse_html(_page("meta_tags.html"), None)
    assert meta.title == "Harbour ferry returns after winter repairs"


def test_json_ld_authors_follow_id_references_and_skip_organisations() -> None:
    meta = parse_html(_page("json_ld.html"), "https://stadtblatt.example/a")
    assert names(meta.authors) == ["Ilse Brandauer"]
    assert meta.provenance["authors"] == "json-ld"
    assert meta.published == "2023-06-02"
    assert meta.provenance["published"] == "json-ld"


def test_json_ld_headline_entities_are_decoded() -> None:
    meta = parse_html(_page("json_ld.html"), None)
    assert meta.title == "Bibliothek verlängert „Lesesommer“ bis September"


def test_byline_element_is_split_and_cleaned_of_outlet() -> None:
    meta = parse_html(_page("byline_only.html"), "https://valleyweekly.example/orchards")
    assert names(meta.authors) == ["Rosa Delgado", "Kwame Mensah"]
    assert meta.provenance["authors"] == "byline"
    assert meta.title == "Valley orchard growers expect a late harvest"
    assert meta.published == "2022-09-12"


def test_main_text_has_no_script_or_style_content() -> None:
    meta = parse_html(_page("script_style.html"), None)
    assert "Sleeper cars will run three nights a week" in meta.text
    assert "SCRIPT_MARKER" not in meta.text
    assert "STYLE_MARKER" not in meta.text
    assert "color:" not in meta.text


def test_site_name_as_author_is_not_an_author() -> None:
    meta = parse_html(_page("no_author.html"), "https://riverside-pool.example/hours")
    assert names(meta.authors) == []
    assert "authors" not in meta.provenance


def test_unparseable_input_gives_empty_metadata() -> None:
    meta = parse_html("", None)
    assert meta.title is None
    assert meta.text == ""
    assert names(meta.authors) == []


BODY = "<p>" + "The school board met on a rainy evening to discuss new bus routes. " * 5 + "</p>"


def _article(lang: str, date_text: str) -> str:
    return (
        f'<html lang="{lang}"><head><title>Bus routes</title></head><body><article>'
        f'<h1>Bus routes change for autumn</h1><span class="post-date">{date_text}</span>'
        f"{BODY}</article></body></html>"
    )


def test_numeric_visible_date_follows_page_locale() -> None:
    assert parse_html(_article("en-US", "04/03/2021"), None).published == "2021-04-03"
    assert parse_html(_article("de", "04/03/2021"), None).published == "2021-03-04"


def test_headline_inside_article_wins_over_page_wrapper_named_header() -> None:
    page = (
        '<html><body><div id="header"><div class="logo"><h1>Town Crier Daily</h1></div>'
        f'<div class="post hentry"><h1>Bridge reopens after repairs</h1>{BODY}</div>'
        "</div></body></html>"
    )
    meta = parse_html(page, None)
    assert meta.title == "Bridge reopens after repairs"
    assert meta.provenance["title"] == "page"


def test_skip_link_heading_is_not_the_title() -> None:
    page = (
        '<html><body><h1 class="navSkip">Navigation and service</h1>'
        f"<main><h1>Mayor opens the new library</h1>{BODY}</main></body></html>"
    )
    assert parse_html(page, None).title == "Mayor opens the new library"


def test_headline_equal_to_site_name_is_skipped() -> None:
    page = (
        '<html><head><meta property="og:site_name" content="Hill Town News">'
        '<meta property="og:title" content="Snow closes the pass"></head>'
        f"<body><h1>Hill Town News</h1>{BODY}</body></html>"
    )
    assert parse_html(page, None).title == "Snow closes the pass"


def test_site_name_falls_back_to_the_url_outlet() -> None:
    page = f"<html><body><h1>Snow closes the pass</h1>{BODY}</body></html>"
    meta = parse_html(page, "https://www.hill-town-news.co.uk/snow")
    assert meta.site_name == "Hill Town News"
    assert meta.provenance["site_name"] == "url"


def test_www_prefix_is_dropped_from_a_declared_site_name() -> None:
    page = (
        '<html><head><meta property="og:site_name" content="www.hilltown.example"></head>'
        f"<body><h1>Snow closes the pass</h1>{BODY}</body></html>"
    )
    assert parse_html(page, None).site_name == "hilltown.example"


def test_first_name_only_author_takes_the_full_byline_name() -> None:
    page = (
        '<html><head><script type="application/ld+json">'
        '{"@type": "BlogPosting", "headline": "Winter walks", "author": {"name": "Nils"}}'
        "</script></head><body><article><h1>Winter walks by the lake</h1>"
        f'<span class="author-name">Nils Petersen</span>{BODY}</article></body></html>'
    )
    meta = parse_html(page, None)
    assert names(meta.authors) == ["Nils Petersen"]
    assert meta.provenance["authors"] == "json-ld"


def _dated_page(published: str, page_date: str) -> str:
    return f"""<html lang="de"><head><meta name="date" content="{page_date}">
    <script type="application/ld+json">{{"@context": "https://schema.org", "@type": "NewsArticle",
    "headline": "Hafen wieder offen", "datePublished": "{published}"}}</script></head>
    <body><article><h1>Hafen wieder offen</h1><p>{"Der Hafen ist wieder offen. " * 30}</p>
    </article></body></html>"""


def test_the_articles_own_local_timestamp_beats_a_page_wide_date() -> None:
    """An evening paper dates its web page with the next print edition's day."""
    meta = parse_html(_dated_page("2024-04-25T19:30:04+02:00", "2024-04-26"), None)
    assert meta.published == "2024-04-25"
    assert meta.provenance["published"] == "json-ld"


def test_a_utc_timestamp_near_midnight_does_not_decide_the_local_day() -> None:
    page = _dated_page("2020-02-25T02:25:54Z", "2020-02-24")
    assert parse_html(page, "https://paper.example/2020/02/24/port").published == "2020-02-24"
    midday = _dated_page("2020-02-25T12:00:00Z", "2020-02-24")
    assert parse_html(midday, "https://paper.example/port").published == "2020-02-25"


def test_a_known_news_domain_names_its_outlet_over_a_section_site_name() -> None:
    page = (
        '<html><head><meta property="og:site_name" content="Sport"></head><body><article>'
        f"<h1>Cup final tonight</h1><p>{'The final is tonight. ' * 30}</p></article></body></html>"
    )
    known = parse_html(page, "https://www.bbc.co.uk/sport/football/1")
    assert (known.site_name, known.provenance["site_name"]) == ("BBC", "url")
    assert parse_html(page, "https://harbour.example/sport/1").site_name == "Sport"


def _titled_page(h1: str) -> str:
    return f"""<html><head><title>Port news: ferries and freight | Harbour Gazette</title>
    <script type="application/ld+json">{{"@context": "https://schema.org", "@type": "NewsArticle",
    "headline": "Port news: ferries and freight"}}</script></head>
    <body><article><h1>{h1}</h1><p>{"The ferries run again. " * 30}</p></article></body></html>"""


def test_an_h1_that_no_metadata_title_repeats_yields_to_the_structured_headline() -> None:
    """On a news ticker the <h1> is often the latest entry, not the page's headline."""
    ticker = parse_html(_titled_page("Night ferry to Oslo cancelled"), None)
    assert (ticker.title, ticker.provenance["title"]) == (
        "Port news: ferries and freight",
        "json-ld",
    )
    story = parse_html(_titled_page("Port news: ferries and freight"), None)
    assert (story.title, story.provenance["title"]) == ("Port news: ferries and freight", "page")


def _small_newsroom_page(body: str) -> str:
    return f"""<html lang="en"><head><meta property="og:site_name" content="Valley Times">
    <script type="application/ld+json">{{"@context": "https://schema.org", "@type": "BlogPosting",
    "headline": "Quarry blasts crack homes", "author": {{"@type": "Person",
    "name": "Valley Times"}}}}</script></head><body><div class="entry-content">
    <h1>Quarry blasts crack homes</h1>{body}</div></body></html>"""


STORY_PARAGRAPH = (
    f"<p>{'Residents say the blasts at the quarry have cracked their walls. ' * 5}</p>"
)


def test_a_bold_byline_before_the_story_beats_a_site_name_posing_as_author() -> None:
    body = f"<p><strong>Mpho Sello/Lerato Dube</strong></p>{STORY_PARAGRAPH}"
    meta = parse_html(_small_newsroom_page(body), "https://valleytimes.example/quarry")
    assert meta.authors == [
        {"name": "Mpho Sello", "type": "person"},
        {"name": "Lerato Dube", "type": "person"},
    ]
    later = f"{STORY_PARAGRAPH}<p><strong>Read More Stories</strong></p>"
    alone = parse_html(_small_newsroom_page(later), "https://valleytimes.example/quarry")
    assert alone.authors == [{"name": "Valley Times", "type": "organization"}]


def test_a_closing_source_line_credits_the_outlets_source() -> None:
    body = f"{STORY_PARAGRAPH}<p>Valley Times / Harbour Post</p>"
    meta = parse_html(_small_newsroom_page(body), "https://valleytimes.example/quarry")
    assert meta.authors == [{"name": "Harbour Post", "type": "organization"}]
    assert meta.provenance["authors"] == "footer"
