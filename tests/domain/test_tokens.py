"""domain.tokens: one purpose per salt, expiry per purpose, single use through token_version."""

from __future__ import annotations

import pytest

from domain import tokens
from domain.tokens import Contenido, TokenInvalido, TokenUsado, TokenVencido

SECRET = "una-clave-de-prueba"
T0 = 1_800_000_000.0


def test_round_trip_keeps_the_content() -> None:
    token = tokens.emitir(SECRET, "correo", Contenido(3, 5, "nuevo@example.org"), now=T0)
    assert tokens.leer(SECRET, "correo", token, now=T0 + 60) == Contenido(3, 5, "nuevo@example.org")


@pytest.mark.parametrize(
    ("proposito", "hours"), [("activar", 24), ("recuperar", 1), ("correo", 24)]
)
def test_each_purpose_expires_on_time(proposito: str, hours: int) -> None:
    token = tokens.emitir(SECRET, proposito, Contenido(1, 0), now=T0)
    limit = hours * 3600
    assert tokens.leer(SECRET, proposito, token, now=T0 + limit) == Contenido(1, 0)
    with pytest.raises(TokenVencido) as caught:
        tokens.leer(SECRET, proposito, token, now=T0 + limit + 1)
    assert caught.value.contenido == Contenido(1, 0)  # whose it was, to resend


@pytest.mark.parametrize(
    ("made_for", "used_for"),
    [("activar", "recuperar"), ("recuperar", "activar"), ("activar", "correo")],
)
def test_a_token_fails_under_another_purpose(made_for: str, used_for: str) -> None:
    token = tokens.emitir(SECRET, made_for, Contenido(1, 0), now=T0)
    with pytest.raises(TokenInvalido):
        tokens.leer(SECRET, used_for, token, now=T0)


def test_tampered_tokens_are_invalid() -> None:
    token = tokens.emitir(SECRET, "activar", Contenido(1, 0), now=T0)
    payload, stamp, signature = token.split(".")
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    forged = tokens.emitir("otra-clave", "activar", Contenido(2, 0), now=T0)
    for bad in (
        f"{payload}.{stamp}.{flipped}",
        f"eyJjIjoyLCJ2IjowfQ.{stamp}.{signature}",  # someone else's account id
        forged,
        token[:-3],
        "",
        "x" * 5000,
        "ñ.ñ.ñ",
        "no-es-un-token",
    ):
        with pytest.raises(TokenInvalido):
            tokens.leer(SECRET, "activar", bad, now=T0)


def test_a_token_signed_in_the_future_is_invalid_not_expired() -> None:
    token = tokens.emitir(SECRET, "activar", Contenido(1, 0), now=T0 + 3600)
    with pytest.raises(TokenInvalido):
        tokens.leer(SECRET, "activar", token, now=T0)


def test_rotated_keys_still_read_old_tokens() -> None:
    token = tokens.emitir("clave-vieja", "activar", Contenido(1, 0), now=T0)
    assert tokens.leer(["clave-vieja", "clave-nueva"], "activar", token, now=T0).cuenta_id == 1
    with pytest.raises(TokenInvalido):
        tokens.leer("clave-nueva", "activar", token, now=T0)


def test_comprobar_makes_a_token_work_once() -> None:
    versions = {1: 0}
    token = tokens.emitir(SECRET, "activar", Contenido(1, 0), now=T0)
    assert tokens.comprobar(SECRET, "activar", token, versions.get, now=T0).cuenta_id == 1
    versions[1] = 1  # what using it does
    with pytest.raises(TokenUsado) as caught:
        tokens.comprobar(SECRET, "activar", token, versions.get, now=T0)
    assert caught.value.contenido.cuenta_id == 1
    with pytest.raises(TokenInvalido):  # the account is gone
        tokens.comprobar(SECRET, "activar", token, {}.get, now=T0)


def test_payloads_with_the_wrong_shape_are_invalid() -> None:
    from itsdangerous import URLSafeTimedSerializer

    serializer = URLSafeTimedSerializer(SECRET, salt="cuenta.activar")
    for data in (
        {"c": True, "v": 0},
        {"c": "1", "v": 0},
        [1, 0],
        {"c": 1},
        {"c": 1, "v": 0, "e": 3},
        {"c": 1, "v": 0, "h": 3},
    ):
        with pytest.raises(TokenInvalido):
            tokens.leer(SECRET, "activar", serializer.dumps(data))


def test_unknown_purpose_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="propósito"):
        tokens.emitir(SECRET, "otra-cosa", Contenido(1, 0))
