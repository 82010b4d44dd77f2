"""Access lines of requests whose query holds another URL (the language switch's `next`,
/cuenta/entrar's), percent-encoded: masked as that URL would be."""

from __future__ import annotations

import html
import io
import json
import logging
import re

CURP = "DEEP560706HCMMND02"
CODE = "SGGJ3JH23XF5"


def _access(stream: io.StringIO) -> list[str]:
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    return [e["message"] for e in lines if e["logger"] == "portal.access"]


def test_the_language_switch_logs_no_curp(client, logs) -> None:
    with logs() as stream:
        response = client.get(f"/idioma?lang=en&next=/curp?curp%3D{CURP}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/curp?curp={CURP}"
    assert CURP not in stream.getvalue()
    assert _access(stream)[0].startswith("GET /idioma?lang=en&next=/curp?curp%3D*** 302 ")


def test_the_language_link_of_a_page_still_brings_its_query_back(client, logs) -> None:
    with logs() as stream:
        page = client.get(f"/curp?curp={CURP}").get_data(as_text=True)
        link = html.unescape(re.search(r'href="(/idioma\?lang=en[^"]*)"', page).group(1))
        response = client.get(link)
    assert response.headers["Location"] == f"/curp?curp={CURP}"
    assert CURP not in stream.getvalue() and CURP[4:] not in stream.getvalue()
    assert len(_access(stream)) == 2


def test_verification_codes_searches_and_login_targets_stay_out(client, logs) -> None:
    with logs() as stream:
        client.get(f"/idioma?lang=en&next=/verificar/VI-2026-000001?c%3D{CODE}")
        client.get("/idioma?lang=es&next=/preguntas-frecuentes/buscar?q%3Dmaria%2Blopez")
        # flask-login sends to /cuenta/entrar?next=%2Foficina%3Fcurp%3D...
        client.get(f"/oficina?curp={CURP}", follow_redirects=True)
        client.get(
            f"/idioma?lang=en&next=%2Fcuenta%2Fentrar%3Fnext%3D%252Fcurp%253Fcurp%253D{CURP}"
        )
    text = stream.getvalue()
    for secret in (CODE, "maria", CURP, CURP[4:]):
        assert secret not in text
    assert any(
        m.startswith("GET /cuenta/entrar?next=/oficina?curp%3D*** ") for m in _access(stream)
    )


def test_development_server_lines_with_an_encoded_query_are_masked(app) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    werkzeug_log = logging.getLogger("werkzeug")
    werkzeug_log.addHandler(handler)
    werkzeug_log.setLevel(logging.INFO)
    try:
        # werkzeug keeps "%3D" encoded in the path it logs, and decodes "%40".
        werkzeug_log.info(
            '127.0.0.1 - - "%s" 302 -', f"GET /idioma?lang=en&next=/curp?curp%3D{CURP} HTTP/1.1"
        )
        werkzeug_log.info(
            '127.0.0.1 - - "%s" 200 -', "GET /x?correo=ana.lopez@example.org HTTP/1.1"
        )
    finally:
        werkzeug_log.removeHandler(handler)
    assert CURP not in stream.getvalue()
    assert "lopez" not in stream.getvalue()
