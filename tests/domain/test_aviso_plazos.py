"""The privacy notice's promises about how long data is kept are the code's own figures."""

from __future__ import annotations

from pathlib import Path

from domain import cuentas_purga, outbox_purga, tokens
from domain.guides import load_library
from tests.domain.content_helpers import blocks

ROOT = Path(__file__).resolve().parents[2]


def aviso() -> list[str]:
    return [
        text for text, _hrefs in blocks(load_library(ROOT / "content").pages["aviso-de-privacidad"])
    ]


def one(words: str) -> str:
    [found] = [text for text in aviso() if words in text]
    return found


def test_the_retention_periods_are_the_purge_commands_defaults() -> None:
    assert f"la borramos {cuentas_purga.DIAS} días después del último" in one("no la activas")
    assert f"La borramos {outbox_purga.DIAS} días después" in one("copia de cada correo")
    horas = int(tokens.VIGENCIA["correo"].total_seconds() // 3600)
    assert f"a las {horas} horas" in one("no lo confirmas")


def test_the_nss_goes_to_the_address_typed_not_only_to_the_owner() -> None:
    assert not [text for text in aviso() if "solo enviamos a tu correo" in text]
    assert "al correo que se escriba" in one("tu NSS, que nunca mostramos")


def test_the_phone_is_said_to_be_only_shown_in_the_oficina() -> None:
    assert "solo lo usamos para mostrártelo en tu Oficina Virtual" in one("Tu número de teléfono")
