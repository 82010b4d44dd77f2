"""The signing key's rotation across servers, as docs/despliegue.md (section 5) tells it: first
every server learns the new public key, then each in turn signs with it. In between, whatever
one server signs, every other verifies."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from domain import signing, signing_config
from tests.conftest import make_app
from tests.web.constancias_helpers import body, download


def servidor(
    tmp_path: Path, database_url: str, name: str, firma: signing.Signer, *publicas: signing.Signer
) -> Flask:
    """A server signing with ``firma`` and knowing ``publicas`` from its signing_keys_old/."""
    folder = tmp_path / name / "instance" / signing_config.OLD_KEYS_DIR
    folder.mkdir(parents=True)
    for n, key in enumerate(publicas):
        (folder / f"{n}.pub.pem").write_text(key.public.pem)
    return make_app(
        tmp_path / name, database_url, ENV={"SIGNING_KEY": firma.private_pem().decode()}
    )


def test_a_new_key_published_before_it_signs_verifies_on_every_server(
    tmp_path: Path, database_url: str
) -> None:
    old, new = signing.Signer.generate(), signing.Signer.generate()
    # Phase one done everywhere (the new public key beside the old one); phase two under way:
    # one server restarted with the new key, the other not yet.
    pendiente = servidor(tmp_path, database_url, "pendiente", old, new, old)
    cambiado = servidor(tmp_path, database_url, "cambiado", new, new, old)
    for firma, verifica in ((cambiado, pendiente), (pendiente, cambiado)):
        _, path = download(firma.test_client())
        folio, code = path.removeprefix("/verificar/").split("?c=")
        client = verifica.test_client()
        page = client.get(path)
        assert page.status_code == 200 and "Documento auténtico y vigente" in body(page)
        api = client.get(f"/api/v1/constancias/{folio}?c={code}")
        assert api.status_code == 200
    # Each server publishes both keys once, and says which one it signs with.
    for server, firma in ((pendiente, old), (cambiado, new)):
        keys = server.test_client().get("/api/v1/claves").get_json()
        assert sorted(k["kid"] for k in keys) == sorted([old.kid, new.kid])
        assert [k["kid"] for k in keys if k["active"]] == [firma.kid]
