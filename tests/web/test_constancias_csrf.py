"""The public constancia forms posted without this site's token: shown back, nothing done."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html as lxml_html

from blueprints.extensions import db
from domain.models import Correo
from tests.conftest import make_app
from tests.web.constancias_helpers import ADDRESS, UNKNOWN, body, ledger


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/constancias/no-afiliacion", ("curp",)),
        ("/constancias/no-afiliacion/descargar", ("curp",)),
        ("/constancias/no-derechohabiencia", ("curp", "email")),
        ("/constancias/sin-seguridad-social", ("curp", "email")),
        ("/constancias/vigencia-imss", ("curp", "nss", "email")),
    ],
)
def test_another_site_s_form_lands_on_ours_filled_in_and_nothing_is_done(
    tmp_path: Path, database_url: str, path: str, fields: tuple[str, ...]
) -> None:
    # The fields are named curp and email so that other sites can post to these flows; without
    # this site's token the post is only shown back, to be confirmed here.
    app = make_app(tmp_path, database_url, WTF_CSRF_ENABLED=True)
    sent = {"curp": UNKNOWN.lower(), "nss": "1234 5678 901", "email": ADDRESS}
    response = app.test_client().post(path, data={k: sent[k] for k in fields})
    assert response.status_code == 400
    doc = lxml_html.fromstring(body(response))
    assert "Confirma tus datos" in doc.get_element_by_id("aviso").text_content()
    for name in fields:
        [field] = doc.xpath(f'//form[@method="post"]//input[@name="{name}"]')
        assert field.get("value") == sent[name]
    assert doc.xpath('//form[@method="post"]//input[@name="csrf_token"]/@value') != [""]
    assert ledger(app) == []
    with app.app_context():
        assert db.session.scalars(db.select(Correo)).all() == []


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
