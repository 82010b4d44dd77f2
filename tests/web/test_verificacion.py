"""/verificar and its JSON twin, the published keys, and the `constancias` CLI."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader, PdfWriter

from blueprints.constancias_servicio import servicio
from blueprints.extensions import db
from domain import (
    constancias,
    constancias_sin_derecho,
    constancias_vigencia,
    demo,
    registry,
    sello,
    signing,
    verificacion,
)
from domain.models import Afiliacion, Constancia
from tests.conftest import make_app

UNKNOWN = "XEXX010101HNEXXXA4"


def download(client: FlaskClient, curp: str = UNKNOWN) -> tuple[bytes, str]:
    """A fresh no-afiliación PDF and the verification path printed on it."""
    response = client.post("/constancias/no-afiliacion/descargar", data={"curp": curp})
    assert response.status_code == 200
    match = re.search(r"https?://[^/\s]+(/verificar/\S+)", sello.texto(response.data))
    assert match
    return response.data, match.group(1)


def stored(app: Flask, folio: str) -> Constancia:
    with app.app_context():
        row = db.session.get(Constancia, folio)
        assert row is not None
        db.session.expunge(row)
        return row


def result_panel(html: str) -> str:
    match = re.search(r'<div class="panel[^"]*">.*?</div>', html, re.S)
    assert match
    return match.group()


# --- the page -------------------------------------------------------------------------------


def test_page_asks_for_folio_and_code(client: FlaskClient) -> None:
    page = client.get("/verificar").get_data(as_text=True)
    assert 'name="folio"' in page and 'name="c"' in page and "panel" not in page


def test_a_page_with_errors_says_so_first_in_its_title(client: FlaskClient) -> None:
    wrong = client.get("/verificar", query_string={"folio": "x", "c": ""})
    html = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and "<title>Error: Verificar un documento" in html
    assert "<title>Verificar un documento" in client.get("/verificar").get_data(as_text=True)


def test_qr_link_shows_an_authentic_current_document(app: Flask, client: FlaskClient) -> None:
    seeded = app.test_cli_runner().invoke(args=["demo", "seed", "--count", "40", "--seed", "7"])
    assert seeded.exit_code == 0
    with app.app_context():
        curp = next(e.curps[0] for e in demo.examples(db.session) if e.key == "sin_afiliacion")
    _, path = download(client, curp)
    response = client.get(path)
    page = response.get_data(as_text=True)
    folio = path.split("/")[2].split("?")[0]
    row = stored(app, folio)
    assert response.status_code == 200 and "Documento auténtico y vigente" in page
    assert "Constancia de No Afiliación (ISSSTE)" in page and folio in page
    assert verificacion.enmascarar_nombre(row.titular_nombre) in page
    assert row.titular_nombre not in page and curp not in page
    assert "no-store" in response.headers["Cache-Control"]


def test_typed_folio_and_code_work_like_the_qr(app: Flask, client: FlaskClient) -> None:
    _, path = download(client)
    folio = path.split("/")[2].split("?")[0]
    code = stored(app, folio).codigo
    typed = client.get("/verificar", query_string={"folio": folio.lower(), "c": code.lower()})
    assert "Documento auténtico" in typed.get_data(as_text=True)
    assert "Sin nombre: la CURP no tenía registro" in typed.get_data(as_text=True)


def test_a_folio_typed_without_hyphens_is_found(app: Flask, client: FlaskClient) -> None:
    _, path = download(client)
    folio = path.split("/")[2].split("?")[0]
    code = stored(app, folio).codigo
    for typed in (folio.replace("-", ""), folio.replace("-", " ").lower()):
        response = client.get("/verificar", query_string={"folio": typed, "c": code})
        page = response.get_data(as_text=True)
        assert response.status_code == 200 and "Documento auténtico" in page, typed
        assert f'value="{folio}"' in page


def test_wrong_code_and_unknown_folio_say_the_same(app: Flask, client: FlaskClient) -> None:
    _, path = download(client)
    folio = path.split("/")[2].split("?")[0]
    wrong = client.get(f"/verificar/{folio}?c=AAAAAAAAAAAA")
    unknown = client.get("/verificar/NA-2026-999999?c=AAAAAAAAAAAA")
    assert wrong.status_code == unknown.status_code == 200
    assert result_panel(wrong.get_data(as_text=True)) == result_panel(
        unknown.get_data(as_text=True)
    )
    assert "No auténtica" in result_panel(wrong.get_data(as_text=True))


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/verificar?folio=&c=", "Escribe el folio"),
        ("/verificar?folio=NA-2026-000001", "Escribe el código"),
        ("/verificar?folio=hola&c=AAAAAAAAAAAA", "dos letras, el año"),
        ("/verificar/NA-2026-000001?c=abc", "12 letras"),
        ("/verificar/NA-2026-000001?c=AAAAAAAAAAAAA", "12 letras"),  # one too many
        ("/verificar/%3Cscript%3E?c=AAAAAAAAAAAA", "dos letras, el año"),
    ],
)
def test_bad_input_is_a_spanish_422(client: FlaskClient, path: str, message: str) -> None:
    response = client.get(path)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert "<script>" not in response.get_data(as_text=True)


def test_bad_input_is_english_in_the_english_interface_but_not_in_the_api(
    client: FlaskClient,
) -> None:
    client.set_cookie("lang", "en")
    page = client.get("/verificar/NA-2026-000001?c=abc").get_data(as_text=True)
    assert "The code has 12 letters and digits." in page and "12 letras" not in page
    api = client.get("/api/v1/constancias/NA-2026-000001?c=abc").get_json()
    assert api["errors"]["c"] == "El código tiene 12 letras y números."  # the API is Spanish


def test_folio_without_code_asks_for_the_code(client: FlaskClient) -> None:
    response = client.get("/verificar/na-2026-000001")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'value="NA-2026-000001"' in page
    assert "No auténtica" not in page


def test_expired_and_revoked_documents(app: Flask, client: FlaskClient) -> None:
    _, path = download(client)
    folio = path.split("/")[2].split("?")[0]
    with app.app_context():
        row = db.session.get(Constancia, folio)
        row.valida_hasta = row.emitida  # the day passed (only the IMSS document expires)
        db.session.commit()
    assert "auténtico, pero vencido" in client.get(path).get_data(as_text=True)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["constancias", "revocar", folio, "--motivo", "Error de captura"])
    assert result.exit_code == 0 and f"{folio} revocada" in result.output
    page = client.get(path).get_data(as_text=True)
    assert "auténtico, pero cancelado" in page and "Error de captura" not in page
    again = runner.invoke(args=["constancias", "revocar", folio, "--motivo", "otra"])
    assert again.exit_code == 1 and "ya estaba revocada" in again.output
    unknown = runner.invoke(args=["constancias", "revocar", "NA-2026-999999", "--motivo", "x"])
    assert unknown.exit_code == 1 and "No hay ninguna constancia" in unknown.output


def test_carnet_shows_whether_rights_hold_today(app: Flask, client: FlaskClient) -> None:
    app.test_cli_runner().invoke(args=["demo", "seed", "--count", "40", "--seed", "7"])
    now = dt.datetime.now(dt.UTC)
    with app.app_context():
        curp = next(e.curps[0] for e in demo.examples(db.session) if e.key == "issste_titular")
        afiliacion = registry.situacion(db.session, curp, now.date()).issste_vigente
        assert afiliacion is not None
        service = servicio()
        row = constancias_vigencia.emitir_carnet(
            db.session, service.signer, afiliacion, now, emisor=service.emisor
        )
        db.session.commit()
        folio, code = row.folio, row.codigo
        path = f"/verificar/{folio}?c={code}"
        assert "Siguen vigentes en el registro del ISSSTE" in client.get(path).get_data(
            as_text=True
        )
        afiliacion.vigente = False
        db.session.commit()
    page = client.get(path).get_data(as_text=True)
    assert "Documento auténtico y vigente" in page
    assert "Ya no están vigentes en el registro del ISSSTE" in page
    data = client.get(f"/api/v1/constancias/{folio}?c={code}").get_json()
    assert data["vigente_hoy"] is False and data["tipo"]["clave"] == "vigencia_issste"


def test_imss_vigencia_shows_whether_medical_rights_hold_today(
    app: Flask, client: FlaskClient
) -> None:
    # The VI document tells its holder to ask for a new one if things changed; the verifier
    # learns from the registry whether they did, as for the carnet.
    app.test_cli_runner().invoke(args=["demo", "seed", "--count", "40", "--seed", "7"])
    now = dt.datetime.now(dt.UTC)
    with app.app_context():
        curp = next(e.curps[0] for e in demo.examples(db.session) if e.key == "imss_vigente")
        afiliacion = registry.situacion(db.session, curp, now.date()).imss_vigente
        assert afiliacion is not None
        service = servicio()
        row = constancias_vigencia.emitir_vigencia_imss(
            db.session, service.signer, curp, afiliacion.numero_afiliacion, now,
            emisor=service.emisor,
        )  # fmt: skip
        db.session.commit()
        folio, code, afiliacion_id = row.folio, row.codigo, afiliacion.id
    path, api = f"/verificar/{folio}?c={code}", f"/api/v1/constancias/{folio}?c={code}"
    assert folio.startswith("VI-") and client.get(api).get_json()["vigente_hoy"] is True
    page = client.get(path).get_data(as_text=True)
    assert "Derechos hoy" in page
    assert "Con derecho a servicio médico con el NSS del documento" in page
    with app.app_context():
        ended = db.session.get(Afiliacion, afiliacion_id)
        assert ended is not None
        # The job ended yesterday, in Mexico City: the registry's dates are local ones.
        ended.vigente_hasta = constancias.local(now).date() - dt.timedelta(days=1)
        db.session.commit()
    page = client.get(path).get_data(as_text=True)
    assert "Documento auténtico y vigente" in page  # the document itself is still genuine
    assert "Sin derecho a servicio médico con el NSS del documento" in page
    data = client.get(api).get_json()
    assert data["vigente_hoy"] is False and data["tipo"]["clave"] == "vigencia_imss"


def test_no_afiliacion_and_no_derechohabiencia_say_nothing_of_today(
    app: Flask, client: FlaskClient
) -> None:
    now = dt.datetime.now(dt.UTC)
    with app.app_context():
        service = servicio()
        rows = [
            emitir(db.session, service.signer, UNKNOWN, now, emisor=service.emisor)
            for emitir in (
                constancias_sin_derecho.emitir_no_afiliacion,
                constancias_sin_derecho.emitir_no_derechohabiencia,
            )
        ]
        db.session.commit()
        links = [(row.folio, row.codigo) for row in rows]
    for folio, code in links:
        assert client.get(f"/api/v1/constancias/{folio}?c={code}").get_json()["vigente_hoy"] is None
        assert "Derechos hoy" not in client.get(f"/verificar/{folio}?c={code}").get_data(
            as_text=True
        )


def test_pages_are_rate_limited(tmp_path: Path, database_url: str) -> None:
    client = make_app(tmp_path, database_url, RATELIMIT_ENABLED=True).test_client()
    codes = [client.get("/verificar/NA-2026-000001?c=AAAAAAAAAAAA").status_code for _ in range(61)]
    assert codes[-1] == 429 and set(codes[:60]) == {200}


# --- JSON -------------------------------------------------------------------------------------


def test_json_twin(app: Flask, client: FlaskClient) -> None:
    _, path = download(client)
    folio, code = path.split("/")[2].split("?c=")
    response = client.get(f"/api/v1/constancias/{folio}?c={code}")
    data = response.get_json()
    assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == "*"
    assert data["autentica"] is True and data["folio"] == folio and data["estado"] == "vigente"
    assert data["tipo"] == {
        "clave": "no_afiliacion_issste",
        "titulo": "Constancia de No Afiliación",
        "institucion": "ISSSTE",
    }
    assert data["titular"] == "" and data["valida_hasta"] is None and data["vigente_hoy"] is None
    assert dt.datetime.fromisoformat(data["emitida"]).utcoffset() == dt.timedelta(hours=-6)
    assert "no-store" in response.headers["Cache-Control"]  # nor kept by a cache on the way


def test_json_not_authentic_is_one_problem_for_both_cases(client: FlaskClient) -> None:
    _, path = download(client)
    folio = path.split("/")[2].split("?")[0]
    wrong = client.get(f"/api/v1/constancias/{folio}?c=AAAAAAAAAAAA")
    unknown = client.get("/api/v1/constancias/NA-2026-999999?c=AAAAAAAAAAAA")
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.mimetype == "application/problem+json"
    assert wrong.get_data() == unknown.get_data()
    assert wrong.get_json()["title"] == "No auténtica"
    assert "no-store" in wrong.headers["Cache-Control"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/constancias/NA-2026-000001",
        "/api/v1/constancias/x?c=1",
        "/api/v1/constancias/NA-2026-000001?c=AAAAAAAAAAAAA",
    ],
)
def test_json_bad_input_is_a_422_problem(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert response.get_json()["errors"]


def test_json_is_rate_limited(tmp_path: Path, database_url: str) -> None:
    client = make_app(tmp_path, database_url, RATELIMIT_ENABLED=True).test_client()
    for _ in range(60):
        client.get("/api/v1/constancias/NA-2026-000001?c=AAAAAAAAAAAA")
    response = client.get("/api/v1/constancias/NA-2026-000001?c=AAAAAAAAAAAA")
    assert response.status_code == 429 and response.mimetype == "application/problem+json"


def test_published_keys_include_retired_ones(tmp_path: Path, database_url: str) -> None:
    old = signing.Signer.generate()
    folder = tmp_path / "instance" / signing.OLD_KEYS_DIR
    folder.mkdir(parents=True)
    (folder / "2025.pem").write_text(old.public.pem)
    app = make_app(tmp_path, database_url)
    client = app.test_client()
    response = client.get("/api/v1/claves")
    keys = response.get_json()
    assert [k["active"] for k in keys] == [True, False]
    # Caches may keep the list an hour and ask again cheaply.
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    again = client.get("/api/v1/claves", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert keys[1]["kid"] == old.kid and keys[1]["public_key"] == old.public.raw_base64
    assert all(
        k["algorithm"] == "Ed25519" and "BEGIN PUBLIC KEY" in k["public_key_pem"] for k in keys
    )


def test_api_paths_are_described(client: FlaskClient) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/constancias/{folio}" in paths and "/api/v1/claves" in paths


# --- offline verification ------------------------------------------------------------------------


def tampered(data: bytes) -> bytes:
    """The same PDF with one byte of the sealed text changed."""
    reader = PdfReader(io.BytesIO(data))
    payload = json.loads(reader.attachments[sello.ATTACHMENT][0])
    payload["datos"] = payload["datos"].replace("||v=1", "||v=2")
    writer = PdfWriter()
    writer.add_page(reader.pages[0])
    writer.add_attachment(sello.ATTACHMENT, json.dumps(payload).encode())
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_cli_verifies_a_file_offline(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    data, link = download(client)
    folio = link.removeprefix("/verificar/").partition("?")[0]
    good, bad, junk = tmp_path / "buena.pdf", tmp_path / "alterada.pdf", tmp_path / "basura.pdf"
    good.write_bytes(data)
    bad.write_bytes(tampered(data))
    junk.write_bytes(b"%PDF-1.4 nada")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["constancias", "verificar", str(good)])
    assert result.exit_code == 0 and result.output.startswith("auténtica")
    # The seal's own fields, not the page's: this CURP is unknown to the registry, so no name.
    assert f"\n  folio: {folio}\n" in result.output
    assert "\n  a nombre de: (sin nombre)\n" in result.output
    for path in (bad, junk):
        result = runner.invoke(args=["constancias", "verificar", str(path)])
        assert result.exit_code == 1 and result.output.startswith("no auténtica")


def test_cli_accepts_keys_from_a_file(tmp_path: Path, database_url: str) -> None:
    first = make_app(tmp_path / "a", database_url)
    data, _ = download(first.test_client())
    key = tmp_path / "clave.pub"
    key.write_text(servicio_key_pem(first))
    second = make_app(tmp_path / "b", database_url)  # another instance, another key
    document = tmp_path / "doc.pdf"
    document.write_bytes(data)
    runner = second.test_cli_runner()
    assert runner.invoke(args=["constancias", "verificar", str(document)]).exit_code == 1
    with_key = runner.invoke(args=["constancias", "verificar", str(document), "--clave", str(key)])
    assert with_key.exit_code == 0, with_key.output


def servicio_key_pem(app: Flask) -> str:
    with app.app_context():
        return servicio().signer.public.pem


def test_cli_makes_a_new_key(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "nueva.pem"
    result = runner.invoke(args=["constancias", "nueva-clave", "--salida", str(path)])
    assert result.exit_code == 0 and path.stat().st_mode & 0o077 == 0
    kid = signing.load_signer(str(path), tmp_path, False).kid
    assert kid in result.output


def test_rotating_the_key_with_the_cli_keeps_old_documents_verifiable(
    tmp_path: Path, database_url: str
) -> None:
    # docs/despliegue.md, section 5, step by step: the current key's public half is kept, a
    # new key signs from now on, and what the old one signed still verifies.
    old_key, new_key = tmp_path / "actual.pem", tmp_path / "nueva.pem"
    runner = make_app(tmp_path / "a", database_url).test_cli_runner()
    nueva = ["constancias", "nueva-clave", "--salida", str(old_key)]
    assert runner.invoke(args=nueva).exit_code == 0
    before = make_app(tmp_path / "b", database_url, ENV={"SIGNING_KEY": str(old_key)})
    data, _ = download(before.test_client())
    public = before.test_cli_runner().invoke(args=["constancias", "clave-publica"])
    assert public.exit_code == 0 and public.stdout.startswith("-----BEGIN PUBLIC KEY-----")
    assert "PRIVATE" not in public.stdout
    nueva = ["constancias", "nueva-clave", "--salida", str(new_key)]
    assert runner.invoke(args=nueva).exit_code == 0
    after = make_app(
        tmp_path / "c",
        database_url,
        ENV={"SIGNING_KEY": str(new_key), "SIGNING_OLD_PUBLIC_KEYS": public.stdout},
    )
    document = tmp_path / "doc.pdf"
    document.write_bytes(data)
    checked = after.test_cli_runner().invoke(args=["constancias", "verificar", str(document)])
    assert checked.exit_code == 0 and checked.output.startswith("auténtica"), checked.output
    same = runner.invoke(args=["constancias", "clave-publica", str(old_key)])
    assert same.stdout == public.stdout
    missing = runner.invoke(args=["constancias", "clave-publica", str(tmp_path / "no.pem")])
    assert missing.exit_code == 1 and "No se pudo leer la clave de firma" in missing.output
