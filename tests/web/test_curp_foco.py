"""Where /curp puts the focus when htmx redraws its form whole (after an error): on the error
summary when the field is empty; otherwise where it was (htmx keeps it in the field, site.js
gives "Revisar" back its own), since the answer goes into the live region beside the form, which
stays in the page and says it (tests/browser/test_curp_browser.py drives both)."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from lxml import html as lxml_html

VALID = "PXNE660720HMCXTN06"
HX = {"HX-Request": "true"}


def answer(client: FlaskClient, curp: str, **headers: str) -> Any:
    response = client.get("/curp", query_string={"curp": curp}, headers={**HX, **headers})
    return lxml_html.fromstring(f"<div>{response.get_data(as_text=True)}</div>")


def focus_marks(client: FlaskClient, curp: str, **headers: str) -> list[str]:
    """The ids (or classes) of what the answer asks to focus after the swap."""
    doc = answer(client, curp, **headers)
    return [e.get("id") or e.get("class") for e in doc.xpath("//*[@data-focus-on-swap]")]


def test_revisar_redrawing_the_form_leaves_the_answer_to_its_live_region(
    client: FlaskClient,
) -> None:
    for curp in (VALID, "PXNE661320HMCXTN07", "PXNE66"):
        doc = answer(client, curp, **{"HX-Target": "revision"})
        assert focus_marks(client, curp, **{"HX-Target": "revision"}) == []
        # Out of band, into the region already in the page (innerHTML: the node stays).
        (region,) = doc.xpath("//*[@id='resultado']")
        assert region.get("hx-swap-oob") == "innerHTML" and region.text_content().strip()
        assert not doc.xpath("//*[@id='revision']")  # the swap's own content is the form
    assert focus_marks(client, "", **{"HX-Target": "revision"}) == ["error-summary"]


def test_an_error_empties_the_answer_beside_the_form(client: FlaskClient) -> None:
    doc = answer(client, "", **{"HX-Target": "resultado"})
    (region,) = doc.xpath("//*[@id='resultado']")
    assert region.get("hx-swap-oob") == "innerHTML" and not region.text_content().strip()


def test_typing_or_an_answer_alone_leaves_the_focus_where_it_is(client: FlaskClient) -> None:
    typing = {"HX-Target": "revision", "HX-Trigger-Name": "curp"}
    assert focus_marks(client, VALID, **typing) == []  # htmx keeps it in the field
    assert focus_marks(client, VALID, **{"HX-Target": "resultado"}) == []  # the button stays


def test_the_live_region_is_outside_the_form_s_region(client: FlaskClient) -> None:
    for query in ({}, {"curp": ""}, {"curp": VALID}):
        page = client.get("/curp", query_string=query).get_data(as_text=True)
        doc = lxml_html.fromstring(page)
        (region,) = doc.xpath("//*[@id='resultado']")
        assert region.get("aria-live") == "polite"
        assert not region.xpath("ancestor::*[@id='revision']")
        assert region.get("hx-swap-oob") is None
