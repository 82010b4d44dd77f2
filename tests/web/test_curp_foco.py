"""Where /curp puts the focus when htmx redraws its form whole (after an error): on the answer
when "Revisar" did it, left in the field when typing did (tests/browser/test_curp_browser.py
drives both)."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from lxml import html as lxml_html

VALID = "PXNE660720HMCXTN06"
HX = {"HX-Request": "true"}


def focus_marks(client: FlaskClient, curp: str, **headers: str) -> list[str]:
    """The ids (or classes) of what the answer asks to focus after the swap."""
    response = client.get("/curp", query_string={"curp": curp}, headers={**HX, **headers})
    doc: Any = lxml_html.fromstring(response.get_data(as_text=True))
    return [e.get("id") or e.get("class") for e in doc.xpath("//*[@data-focus-on-swap]")]


def test_revisar_redrawing_the_form_gives_the_answer_the_focus(client: FlaskClient) -> None:
    # The button pressed is gone and the answer's live region is new: the answer is focused.
    for curp in (VALID, "PXNE661320HMCXTN07", "PXNE66"):
        assert focus_marks(client, curp, **{"HX-Target": "revision"}) == ["resultado"]
    assert focus_marks(client, "", **{"HX-Target": "revision"}) == ["error-summary"]


def test_typing_or_an_answer_alone_leaves_the_focus_where_it_is(client: FlaskClient) -> None:
    typing = {"HX-Target": "revision", "HX-Trigger-Name": "curp"}
    assert focus_marks(client, VALID, **typing) == []  # htmx keeps it in the field
    assert focus_marks(client, VALID, **{"HX-Target": "resultado"}) == []  # the button stays
