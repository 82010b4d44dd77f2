"""The HTML part of an email shows each link as its address, as the text part does (the house
rule in templates/email/base.html): people see where a link goes and can copy it. And the NSS
emails say "ignore this email" once, in the footer, not twice."""

from __future__ import annotations

import pytest
from flask import Flask
from lxml import html as lxml_html

from tests.web.correo_helpers import TEMPLATES, parts, pie, queued
from tests.web.cuenta_helpers import BASE

NSS = ["imss_nss", "imss_nss_sin_registro"]


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("template", TEMPLATES)
def test_every_link_shows_the_address_it_opens(app: Flask, template: str, lang: str) -> None:
    text, html = parts(queued(app, template, lang))
    links = lxml_html.fromstring(html).xpath("//a")
    for link in links:
        shown, href = link.text_content(), link.get("href")
        if shown == BASE:  # the footer names the sender's site, and opens it in the language
            continue
        assert shown == href.removeprefix("mailto:"), (template, lang, shown, href)
        # The same address is in the text part, or its footer (the operator's, on alerts).
        assert shown in text, (template, lang, shown)
        # A guide exists only in Spanish: the link says so to the browser, the text to people.
        if "/guias/" in href:
            assert link.get("hreflang") == ("es" if lang == "en" else None)


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("template", NSS)
def test_an_nss_email_says_ignore_it_once_in_its_footer(
    app: Flask, template: str, lang: str
) -> None:
    text, html = parts(queued(app, template, lang))
    for part in (text, " ".join(lxml_html.fromstring(html).text_content().split())):
        assert part.lower().count("ignor") == 1, (template, lang)
    assert "ignor" in pie(text)
    if template == "imss_nss" and lang == "es":
        assert "Guarda tu NSS en un lugar seguro." in text and "Guarda tu NSS" in html
