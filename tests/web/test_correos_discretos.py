"""What a locked phone or a shared mailbox shows: the constancia emails' subjects are neutral
(the document's name would say whether the person has IMSS coverage), and the NSS emails carry
the CURP masked, not whole."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from flask import Flask

from blueprints.extensions import db
from domain.mailer import parse_message
from domain.models import Correo
from tests.smtp import text_part
from tests.web.constancias_helpers import ADDRESS, UNKNOWN, body, ledger, seed
from tests.web.imss_helpers import NSS_URL, VIGENCIA, nss_of, post


def queued(app: Flask) -> list[EmailMessage]:
    with app.app_context():
        rows = db.session.scalars(db.select(Correo).order_by(Correo.id))
        return [parse_message(row.mensaje) for row in rows]


def html_part(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())


@pytest.mark.parametrize(
    ("url", "case"),
    [("/constancias/no-derechohabiencia", "imss_baja"), (VIGENCIA, "imss_vigente")],
)
def test_a_constancia_email_s_subject_names_only_its_folio(app: Flask, url: str, case: str) -> None:
    curp = seed(app)[case]
    fields = {"curp": curp, "email": ADDRESS}
    if url == VIGENCIA:
        fields["nss"] = nss_of(app, curp)
    assert "Te enviamos tu constancia" in body(post(app.test_client(), url, **fields))
    [row] = ledger(app)
    [message] = queued(app)
    assert str(message["Subject"]) == f"[Demostración] Tu constancia (folio {row.folio})"
    for word in ("IMSS", "Derechohabiencia", "Vigencia", "Derechos"):
        assert word not in str(message["Subject"])


@pytest.mark.parametrize("case", ["imss_vigente", "sin_afiliacion"])
def test_the_nss_email_masks_the_curp(app: Flask, case: str) -> None:
    curp = seed(app).get(case, UNKNOWN)
    post(app.test_client(), NSS_URL, curp=curp, email=ADDRESS)
    [message] = queued(app)
    for part in (text_part(message), html_part(message)):
        assert curp not in part and curp[4:] not in part
        assert f"de la CURP {curp[:4]}**************" in part
    if case == "imss_vigente":
        assert f"Tu NSS es: {nss_of(app, curp)}" in text_part(message)
