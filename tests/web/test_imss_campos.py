"""The CURP and NSS fields of the IMSS forms: what their messages say, and where."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from lxml import html as lxml_html

from tests.web.constancias_helpers import ADDRESS, UNKNOWN, body
from tests.web.imss_helpers import NSS_URL, VIGENCIA, post, summary_and_fields


def test_the_nss_lookup_summary_names_the_curp(client: FlaskClient) -> None:
    response = post(client, NSS_URL, curp="PXNE660720HMCXTN07", email=ADDRESS)
    assert response.status_code == 422
    summary, inline = summary_and_fields(response)
    assert inline["curp"].startswith("El dígito verificador debería ser 6")
    assert summary["curp"] == f"CURP: {inline['curp']}"


def nss_field(response: Any) -> Any:
    """The NSS field's group, parsed: its message, its list of other problems, its input."""
    return lxml_html.fromstring(body(response)).get_element_by_id("grupo-nss")


def test_a_single_nss_problem_is_said_once_beside_the_field(client: FlaskClient) -> None:
    response = post(client, VIGENCIA, curp=UNKNOWN, nss="12345678904", email=ADDRESS)
    assert response.status_code == 422
    group = nss_field(response)
    text = " ".join(group.text_content().split())
    assert text.count("El dígito verificador debería ser 3") == 1
    assert group.xpath('.//*[@id="error-nss"]')[0].text_content().strip() == (
        "Error: El dígito verificador debería ser 3: revisa los números anteriores."
    )
    assert not group.xpath('.//ul[@class="nss-problemas"]')
    [described] = group.xpath(".//input/@aria-describedby")
    assert described == "ayuda-nss error-nss"


def test_several_nss_problems_each_said_once(client: FlaskClient) -> None:
    # The message says the first and counts the rest; the list below explains the rest, and
    # is read with the field.
    response = post(client, VIGENCIA, curp=UNKNOWN, nss="12a4", email=ADDRESS)
    group = nss_field(response)
    message = group.get_element_by_id("error-nss").text_content()
    assert "El NSS tiene 11 números y escribiste 4." in message
    assert "Tu NSS tiene 1 problema más: lo explicamos junto al campo." in message
    [rest] = group.xpath('.//ul[@class="nss-problemas"]/li')
    assert rest.get("data-codigo") == "format"
    assert rest.text_content() == "El NSS solo lleva números: revisa la posición 3."
    text = " ".join(group.text_content().split())
    assert text.count("El NSS tiene 11 números") == 1 and text.count("solo lleva números") == 1
    [described] = group.xpath(".//input/@aria-describedby")
    assert described == "ayuda-nss error-nss problemas-nss"
    assert group.get_element_by_id("problemas-nss").tag == "ul"
