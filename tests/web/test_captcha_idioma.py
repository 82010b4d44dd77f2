"""The proof-of-work widget speaks the page's language: its own words (ALTCHA's i18n keys)
come translated from the template, not from a Spanish list in static/js/captcha.js."""

from __future__ import annotations

import json
from pathlib import Path

from lxml import html as lxml_html

from blueprints.captcha import WIDGET_TEXTOS
from tests.web.captcha_form_helpers import form_app, page

# Every key ALTCHA 3.2.2 reads from its strings: a missing one would show "undefined".
ALTCHA_KEYS = {
    "ariaLinkLabel", "cancel", "enterCode", "enterCodeAria", "enterCodeFromImage", "error",
    "expired", "footer", "getAudioChallenge", "label", "loading", "reload", "verify",
    "verificationRequired", "verified", "verifying", "waitAlert",
}  # fmt: skip


def widget(html: str) -> tuple[str, dict[str, str]]:
    [element] = lxml_html.fromstring(html).xpath("//altcha-widget")
    return element.get("language"), json.loads(element.get("data-textos"))


def test_a_spanish_page_gives_the_widget_spanish_words(tmp_path: Path, database_url: str) -> None:
    language, words = widget(page(form_app(tmp_path, database_url).test_client()))
    assert language == "es"
    assert set(words) == ALTCHA_KEYS
    assert words["label"] == "No soy un programa automático"
    assert words["verified"] == "Verificación completa"


def test_an_english_page_gives_the_widget_english_words(tmp_path: Path, database_url: str) -> None:
    client = form_app(tmp_path, database_url).test_client()
    client.set_cookie("lang", "en")
    language, words = widget(page(client))
    assert language == "en"
    assert set(words) == ALTCHA_KEYS
    assert words["label"] == "I am not an automated program"
    assert words["verified"] == "Check complete"
    spanish = {key: str(texto) for key, texto in WIDGET_TEXTOS.items()}
    assert not [key for key in words if words[key] == spanish[key]]  # every one translated
