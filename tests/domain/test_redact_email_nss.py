"""domain.redact: every legal email local part masked whole (RFC 5322); NSS in free text."""

from __future__ import annotations

import pytest

from domain.redact import redact

LOCAL_PARTS = [
    "maria.lopez#1990",
    "juan&maria",
    "juan.perez=mx",
    "o'brien",
    "a!b$c%d*e/f?g^h`i{j|k}l~m",
    "ñandú.pérez",
    "juan+etiqueta",
]


@pytest.mark.parametrize("local", LOCAL_PARTS)
@pytest.mark.parametrize("domain", ["example.org", "localhost", "[192.0.2.1]"])
def test_the_whole_local_part_is_masked(local: str, domain: str) -> None:
    masked = redact(f"alta de {local}@{domain} hoy")
    assert masked == f"alta de {local[0]}***@{domain} hoy"
    assert redact(masked) == masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ('alta de "juan perez"@example.org', 'alta de "***"@example.org'),
        ('de "juan \\" perez"@example.org.', 'de "***"@example.org.'),
        ('de juan."el de Tepic"@example.org', "de j***@example.org"),
        # Python's reprs quote with an apostrophe: it is not taken for part of the address.
        ("ValueError('ana@example.org')", "ValueError('a***@example.org')"),
        ("<ana.lopez@example.org>, ana@localhost", "<a***@example.org>, a***@localhost"),
    ],
)
def test_quoted_local_parts_and_what_surrounds_an_address(text: str, masked: str) -> None:
    assert redact(text) == masked
    assert redact(masked) == masked


def test_what_is_not_an_address_is_left_alone() -> None:
    for text in ("a las 10 @ la oficina", "@bp.get('/metrics')", "ana@ sin dominio"):
        assert redact(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "NSS 12345678903",
        "nss:12345678903.",
        "(12345678903,)",
        "titular12345678903",
        "a12345678903b",
    ],
)
def test_an_nss_in_free_text_is_masked(text: str) -> None:
    masked = redact(text)
    assert "12345678903" not in masked and "*" * 11 in masked


@pytest.mark.parametrize(
    "text",
    [
        "GET /guias/carnet-digital-issste 200 1.2ms",
        "Constancia emitida: NA-2026-000001",
        "2026-01-15T10:20:30 epoch 1767225600 en ms 1767225600123",
        "Correo 12345 entregado (intento 3) en 12345678.9ms",
        "teléfono 5512345678, 525512345678 y 123456789012",
        "request 3fa85f64-5717-4562-b3fc-2c963f66afa6 puerto 5432",
    ],
)
def test_what_is_not_an_nss_is_left_alone(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # "=" is atext, but here it ends a key: the quoted local part after it is the address's.
        ('correo to="ana lopez"@example.org enviado', 'correo to="***"@example.org enviado'),
        ('email="juan perez"@x.mx', 'email="***"@x.mx'),
        ('to="juan \\" perez".lopez@example.org.', 'to="***"@example.org.'),
        ('GET /x?to="ana lopez"@example.org 302', 'GET /x?to="***"@example.org 302'),
        # A query value that names an email is masked whole, quoted words and all.
        ('GET /x?email="juan perez"@x.mx&y=1', "GET /x?email=***&y=1"),
        ('GET /x?email=juan."el de Tepic"@x.mx&y=1', "GET /x?email=***&y=1"),
        ('GET /x?y=1&EMAIL="juan".perez@x.mx', "GET /x?y=1&EMAIL=***"),
    ],
)
def test_a_quoted_local_part_after_an_equals_sign_is_masked(text: str, masked: str) -> None:
    assert redact(text) == masked
    assert redact(masked) == masked


def test_a_quoted_local_part_after_an_equals_sign_in_an_encoded_url_is_masked() -> None:
    line = "GET /idioma?lang=en&next=/cuenta%3Fto%3D%22ana%20lopez%22%40example.org 302"
    masked = redact(line)
    assert "lopez" not in masked and "%22***%22%40example.org" in masked
    assert redact(masked) == masked


def test_a_quote_after_an_equals_sign_that_is_no_address_is_left_alone() -> None:
    for text in ('a="b" c="d" @ e', 'k="v"@', 'k="v".w'):
        assert redact(text) == text
    # The quote after an empty value is not taken for a local part's: the next key stays.
    assert redact('url="/x?email=" status="200"') == 'url="/x?email=***" status="200"'
