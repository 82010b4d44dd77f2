"""Reading a content page as the checks of its facts do."""

from __future__ import annotations

from lxml import html as lxml_html

from domain.guides import Page


def blocks(page: Page) -> list[tuple[str, list[str]]]:
    """Each paragraph and list item of the page: its text and the hrefs of its links."""
    doc = lxml_html.fragment_fromstring(page.html, create_parent="div")
    return [
        (" ".join(el.text_content().split()), [str(h) for h in el.xpath(".//a/@href")])
        for el in doc.iter("p", "li")
    ]
