"""The CURP and NSS fields of the IMSS forms: what their messages say, and where."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.web.test_constancias import ADDRESS
from tests.web.test_imss import NSS_URL, post, summary_and_fields


def test_the_nss_lookup_summary_names_the_curp(client: FlaskClient) -> None:
    response = post(client, NSS_URL, curp="PXNE660720HMCXTN07", email=ADDRESS)
    assert response.status_code == 422
    summary, inline = summary_and_fields(response)
    assert inline["curp"].startswith("El dígito verificador debería ser 6")
    assert summary["curp"] == f"CURP: {inline['curp']}"
