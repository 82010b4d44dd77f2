"""The `constancias` CLI: verifying a PDF offline by its seal, making a key, rotating keys.

Revocation by CLI is checked from the page it changes, in test_verificacion.py."""

from __future__ import annotations

import io
import json
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from pypdf import PdfReader, PdfWriter

from blueprints.constancias_servicio import servicio
from domain import sello, signing_config
from tests.conftest import make_app
from tests.web.constancias_helpers import download


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
    # A key this portal lacks proves nothing either way: not "no auténtica", and what to do.
    lacking = runner.invoke(args=["constancias", "verificar", str(document)])
    assert lacking.exit_code == 1 and lacking.output.startswith("no verificada"), lacking.output
    assert "no auténtica" not in lacking.output and "--clave" in lacking.output
    with_key = runner.invoke(args=["constancias", "verificar", str(document), "--clave", str(key)])
    assert with_key.exit_code == 0, with_key.output


def test_cli_says_which_key_it_lacks(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    data, _ = download(client)
    document = tmp_path / "doc.pdf"
    document.write_bytes(data)
    kid = kid_of(app)
    other = make_app(
        tmp_path / "otra", f"sqlite:///{tmp_path}/otra.sqlite3", ENV={"DEMO_MODE": "0"}
    )
    result = other.test_cli_runner().invoke(args=["constancias", "verificar", str(document)])
    assert result.exit_code == 1 and kid in result.output.splitlines()[0], result.output
    # Where to put the missing key: this instance's folder, wherever INSTANCE_PATH put it.
    folder = signing_config.old_keys_folder(Path(other.instance_path))
    assert f"{folder}/" in result.output, result.output


def test_cli_refuses_unreadable_keys_plainly(
    app: Flask, client: FlaskClient, tmp_path: Path, database_url: str
) -> None:
    data, _ = download(client)
    document = tmp_path / "doc.pdf"
    document.write_bytes(data)
    env = {"SIGNING_OLD_PUBLIC_KEYS": "garbage"}
    broken = make_app(tmp_path / "rota", database_url, ENV=env).test_cli_runner()
    result = broken.invoke(args=["constancias", "verificar", str(document)])
    assert isinstance(result.exception, SystemExit) and result.exit_code == 1, result.exception
    assert "Error: No se pueden cargar las claves del portal." in result.output
    assert "SIGNING_OLD_PUBLIC_KEYS" in result.output
    binary, junk = tmp_path / "clave.bin", tmp_path / "clave.txt"
    binary.write_bytes(b"\xff\xfe\x00")
    junk.write_text("no es una clave")
    runner = app.test_cli_runner()
    for path in (binary, junk):
        args = ["constancias", "verificar", str(document), "--clave", str(path)]
        result = runner.invoke(args=args)
        assert isinstance(result.exception, SystemExit) and result.exit_code == 1, result.exception
        assert result.output.startswith("Error: ") and str(path) in result.output


def kid_of(app: Flask) -> str:
    with app.app_context():
        return servicio().signer.kid


def servicio_key_pem(app: Flask) -> str:
    with app.app_context():
        return servicio().signer.public.pem


def test_cli_makes_a_new_key(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "nueva.pem"
    result = runner.invoke(args=["constancias", "nueva-clave", "--salida", str(path)])
    assert result.exit_code == 0 and path.stat().st_mode & 0o077 == 0
    kid = signing_config.load_signer(str(path), tmp_path, False).kid
    assert kid in result.output


def test_new_key_refuses_an_existing_file_and_a_missing_folder_in_spanish(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    existing = tmp_path / "en-uso.pem"
    existing.write_bytes(b"la clave en uso")
    result = runner.invoke(args=["constancias", "nueva-clave", "--salida", str(existing)])
    assert isinstance(result.exception, SystemExit) and result.exit_code == 1
    assert f"{existing} ya existe y no se sobrescribe" in result.output
    assert existing.read_bytes() == b"la clave en uso"
    # The docs' own example, /etc/portal/, on a server where no one made that folder yet.
    missing = tmp_path / "portal" / "signing_key.pem"
    result = runner.invoke(args=["constancias", "nueva-clave", "--salida", str(missing)])
    assert isinstance(result.exception, SystemExit) and result.exit_code == 1
    assert f"La carpeta {missing.parent} no existe" in result.output
    assert not missing.parent.exists()


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
    # The old public key in the instance's signing_keys_old/, or in SIGNING_OLD_PUBLIC_KEYS.
    retired = tmp_path / "c" / "instance" / signing_config.OLD_KEYS_DIR
    retired.mkdir(parents=True)
    (retired / "clave-2026.pub.pem").write_text(public.stdout)
    in_folder = make_app(tmp_path / "c", database_url, ENV={"SIGNING_KEY": str(new_key)})
    in_env = make_app(
        tmp_path / "d",
        database_url,
        ENV={"SIGNING_KEY": str(new_key), "SIGNING_OLD_PUBLIC_KEYS": public.stdout},
    )
    document = tmp_path / "doc.pdf"
    document.write_bytes(data)
    for after in (in_folder, in_env):
        checked = after.test_cli_runner().invoke(args=["constancias", "verificar", str(document)])
        assert checked.exit_code == 0 and checked.output.startswith("auténtica"), checked.output
    same = runner.invoke(args=["constancias", "clave-publica", str(old_key)])
    assert same.stdout == public.stdout
    missing = runner.invoke(args=["constancias", "clave-publica", str(tmp_path / "no.pem")])
    assert missing.exit_code == 1 and "No se pudo leer la clave de firma" in missing.output
