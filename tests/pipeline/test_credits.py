"""Credits through the whole pipeline: who is an author, and who is among the people."""

from api.extraction import extract
from api.extraction.corenlp import CoreNLPEngine

PAGE = """<html lang="en"><head><title>Ferry resumes</title></head><body><article>
<h1>Ferry to Oslo resumes after the storm</h1>
<p class="byline">By Marta Lindqvist and Jonas Berg, AFP</p>
<p>The ferry between Kiel and Oslo resumed on Monday after three days in port, as the storm
that had closed the Baltic crossings moved east towards Finland and the wind dropped.</p>
<p>Captain Erik Dahl said the crossing was calm and that every cabin was booked for the week,
with freight lorries queuing at the terminal since dawn. {extra}</p>
<p>The operator said timetables would be back to normal by the weekend, and that passengers
whose crossings were cancelled could rebook free of charge until the end of the month.</p>
</article></body></html>"""


def names(items: list[dict]) -> set[str]:
    return {item["name"] for item in items}


def test_byline_credits_are_authors_but_not_people_unless_the_text_mentions_them(
    ner: CoreNLPEngine,
) -> None:
    result = extract({"html": PAGE.format(extra=""), "url": "https://ferries.example/oslo"}, ner)
    assert result["authors"] == [
        {"name": "Marta Lindqvist", "type": "person"},
        {"name": "Jonas Berg", "type": "person"},
        {"name": "AFP", "type": "organization"},
    ]
    assert "Erik Dahl" in names(result["people"])
    assert not names(result["people"]) & {"Marta Lindqvist", "Jonas Berg", "AFP"}

    mentioned = PAGE.format(extra="Jonas Berg, who was on board, agreed with Dahl.")
    result = extract({"html": mentioned, "url": "https://ferries.example/oslo"}, ner)
    assert "Jonas Berg" in names(result["people"])
    assert "Marta Lindqvist" not in names(result["people"])


def test_a_page_crediting_only_its_outlet_has_the_outlet_as_author(ner: CoreNLPEngine) -> None:
    page = """<html lang="en"><head><meta property="og:site_name" content="Ferry Times">
    <script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
    "headline": "Ferry to Oslo resumes", "author": {"@type": "Organization", "name": "Ferry Times"},
    "publisher": {"@type": "Organization", "name": "Ferry Times"}}</script></head>
    <body><article><h1>Ferry to Oslo resumes</h1>
    <p>The ferry between Kiel and Oslo resumed on Monday after three days in port.</p>
    </article></body></html>"""
    result = extract({"html": page, "url": "https://ferrytimes.example/oslo"}, ner)
    assert result["authors"] == [{"name": "Ferry Times", "type": "organization"}]
    assert result["outlet"]["name"] == "Ferry Times"
