"""/cuenta/registro's inline checks say what changed in the page's status region: a field is
swapped after the focus moved on, so its own new message is not read. Each check is sent the
message its field shows (``mostrado``) and says a new one, or that it is gone, once."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient
from lxml import html as lxml_html

HX = {"HX-Request": "true"}
VALID = "PXNE660720HMCXTN06"


def check(client: FlaskClient, campo: str, **form: str) -> tuple[str | None, Any]:
    """What the status region is given (None: left alone) and the field's input."""
    response = client.post(f"/cuenta/registro/revisar/{campo}", data=form, headers=HX)
    doc = lxml_html.fragment_fromstring(
        response.get_data(as_text=True).split("</title>", 1)[1], create_parent=True
    )
    news = doc.xpath("//*[@hx-swap-oob]")
    assert all(n.get("hx-swap-oob") == "innerHTML:#estado-campos" for n in news)
    (field,) = doc.xpath(f"//input[@name='{campo}']")
    return (" ".join(news[0].text_content().split()) if news else None), field


def shown(field: Any) -> str:
    """The message the field sends back with its next check."""
    return str(json.loads(field.get("hx-vals") or "{}").get("mostrado", ""))


def test_the_page_has_its_status_region_from_the_start(client: FlaskClient) -> None:
    doc = lxml_html.fromstring(client.get("/cuenta/registro").get_data(as_text=True))
    (region,) = doc.xpath("//*[@id='estado-campos']")
    assert region.get("role") == "status" and not region.text_content().strip()
    assert all("mostrado" in i.get("hx-params").split(",") for i in doc.xpath("//input[@hx-post]"))


def test_a_new_curp_message_is_said_then_not_again_then_its_end(client: FlaskClient) -> None:
    news, field = check(client, "curp", curp=VALID[:17])
    assert news is not None and news.startswith("Error: ") and "17" in news
    again, field2 = check(client, "curp", curp=VALID[:17], mostrado=shown(field))
    assert again is None and shown(field2) == shown(field)
    other, field3 = check(client, "curp", curp=VALID[:6], mostrado=shown(field2))
    assert other is not None and other != news
    done, field4 = check(client, "curp", curp=VALID, mostrado=shown(field3))
    assert done == "Ya no hay error en la CURP." and shown(field4) == ""
    quiet, _field = check(client, "curp", curp=VALID)
    assert quiet is None


def test_a_password_message_is_said_once_and_its_end_too(client: FlaskClient) -> None:
    news, field = check(client, "password", password="pedro123", nombre="Pedro")
    assert news is not None and news.startswith("Error: ")
    again, _field = check(client, "password", password="pedro123", nombre="Pedro",
                          mostrado=shown(field))  # fmt: skip
    assert again is None
    done, _field = check(
        client, "password", password="una frase para mi cuenta", mostrado=shown(field)
    )
    assert done == "Ya no hay error en la contraseña."


@pytest.mark.parametrize("resumen", [True, False])
def test_the_summary_s_title_rule_is_kept(client: FlaskClient, resumen: bool) -> None:
    extra = {"resumen": "1"} if resumen else {}
    _news, field = check(client, "curp", curp=VALID, **extra)
    assert (json.loads(field.get("hx-vals") or "{}").get("resumen") == "1") is resumen


def test_a_submitted_page_sends_back_the_messages_it_shows(client: FlaskClient) -> None:
    doc = lxml_html.fromstring(client.post("/cuenta/registro", data={}).get_data(as_text=True))
    vals = {i.get("name"): shown(i) for i in doc.xpath("//input[@hx-post]")}
    assert vals == {"curp": "Escribe tu CURP.", "password": "Escribe una contraseña."}
