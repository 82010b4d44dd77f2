"""The public constancia forms posted without this site's token: shown back, nothing done."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from lxml import html as lxml_html

from blueprints.extensions import db
from domain.models import Correo
from tests.conftest import make_app
from tests.web.constancias_helpers import UNKNOWN, body, ledger

FORMS = [
    ("/constancias/no-afiliacion", ("curp",)),
    ("/constancias/no-afiliacion/descargar", ("curp",)),
    ("/constancias/no-derechohabiencia", ("curp", "email")),
    ("/constancias/sin-seguridad-social", ("curp", "email")),
    ("/constancias/vigencia-imss", ("curp", "nss", "email")),
]
SENT = {"curp": UNKNOWN.lower(), "nss": "1234 5678 901", "email": "ladron@parecido.example"}
WHY_EMPTY = "Escribe tú los datos que faltan: no tomamos el correo ni el NSS"
FROM_ELSEWHERE = {"Sec-Fetch-Site": "cross-site", "Origin": "https://parecido.example"}


def _shown_back(app: Flask, path: str, fields: tuple[str, ...], headers: dict[str, str]) -> Any:
    """The page a post without token gets, after checking that nothing was done with it."""
    sent = {k: SENT[k] for k in fields}
    response = app.test_client().post(path, data=sent, headers=headers)
    assert response.status_code == 400
    doc = lxml_html.fromstring(body(response))
    assert "Confirma tus datos" in doc.get_element_by_id("aviso").text_content()
    assert doc.xpath('//form[@method="post"]//input[@name="csrf_token"]/@value') != [""]
    assert ledger(app) == []
    with app.app_context():
        assert db.session.scalars(db.select(Correo)).all() == []
    return doc


def _value(doc: Any, name: str) -> str:
    [field] = doc.xpath(f'//form[@method="post"]//input[@name="{name}"]')
    return str(field.get("value") or "")


@pytest.mark.parametrize(("path", "fields"), FORMS)
def test_our_own_form_posted_without_token_comes_back_as_it_was_sent(
    tmp_path: Path, database_url: str, path: str, fields: tuple[str, ...]
) -> None:
    # Our page left open over the token's hour: nothing typed is lost.
    app = make_app(tmp_path, database_url, WTF_CSRF_ENABLED=True)
    doc = _shown_back(app, path, fields, {"Sec-Fetch-Site": "same-origin"})
    assert {name: _value(doc, name) for name in fields} == {k: SENT[k] for k in fields}
    assert WHY_EMPTY not in lxml_html.tostring(doc, encoding="unicode")


@pytest.mark.parametrize(("path", "fields"), FORMS)
def test_another_site_s_form_lands_on_ours_with_only_the_curp_kept(
    tmp_path: Path, database_url: str, path: str, fields: tuple[str, ...]
) -> None:
    # Other sites may send a person here with a CURP (the field is named curp for that), which
    # the person sees and only narrows the lookup; an address or an NSS would decide where the
    # document goes, or whose it is, so the person writes them here.
    app = make_app(tmp_path, database_url, WTF_CSRF_ENABLED=True)
    doc = _shown_back(app, path, fields, FROM_ELSEWHERE)
    assert _value(doc, "curp") == SENT["curp"]
    assert {name: _value(doc, name) for name in fields if name != "curp"} == dict.fromkeys(
        set(fields) - {"curp"}, ""
    )
    page = lxml_html.tostring(doc, encoding="unicode")
    assert SENT["email"] not in page
    # Why a field the person may have seen filled on the other page is empty here.
    assert (WHY_EMPTY in page) == bool({"email", "nss"} & set(fields))


@pytest.mark.parametrize(
    ("headers", "ours"),
    [
        ({"Origin": "http://localhost"}, True),
        ({"Sec-Fetch-Site": "same-site"}, False),
        ({"Origin": "https://parecido.example"}, False),
        ({}, False),
    ],
    ids=["our-origin", "same-site", "other-origin", "neither"],
)
def test_only_a_post_the_browser_says_is_ours_gets_its_address_back(
    tmp_path: Path, database_url: str, headers: dict[str, str], ours: bool
) -> None:
    # A post that says nothing of where it came from (a script, an old browser) is not taken as
    # ours, as on the account and NSS forms: its address is typed again.
    app = make_app(tmp_path, database_url, WTF_CSRF_ENABLED=True)
    fields = ("curp", "nss", "email")
    doc = _shown_back(app, "/constancias/vigencia-imss", fields, headers)
    assert _value(doc, "curp") == SENT["curp"]
    kept = {name: _value(doc, name) for name in ("nss", "email")}
    assert kept == (
        {"nss": SENT["nss"], "email": SENT["email"]} if ours else dict.fromkeys(kept, "")
    )


def test_a_post_without_token_elsewhere_is_still_an_expired_form(
    tmp_path: Path, database_url: str
) -> None:
    app = make_app(tmp_path, database_url, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    resend = client.post("/constancias/reenviar", data={"token": "x"})
    assert resend.status_code == 400 and "caducó" in body(resend)
    htmx = client.post(
        "/constancias/no-afiliacion", data={"curp": UNKNOWN}, headers={"HX-Request": "true"}
    )
    assert htmx.status_code == 400 and htmx.headers["HX-Retarget"] == "#aviso"
    assert "El formulario caducó" in body(htmx) and UNKNOWN not in body(htmx)
