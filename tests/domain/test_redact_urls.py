"""domain.redact: a URL inside a query value (the language switch's `next`), percent-encoded once
or twice, is masked as its decoded form would be."""

from __future__ import annotations

from urllib.parse import quote, unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.redact import redact, redact_request

CURP = "DEEP560706HCMMND02"
CODE = "SGGJ3JH23XF5"  # a constancia's verification code

# What base.html's language links and flask-login's redirect to /cuenta/entrar put in the log.
LINES = [
    (f"GET /idioma?lang=en&next=/curp?curp%3D{CURP} 302 0.8ms", CURP),
    (f"GET /idioma?lang=en&next=/verificar/VI-2026-000001?c%3D{CODE} 302 0.8ms", CODE),
    ("GET /idioma?lang=es&next=/preguntas-frecuentes/buscar?q%3Dmaria%2Blopez 302", "maria"),
    # A space, a quote or a "#" encoded inside a value is part of it, not its end.
    ("GET /idioma?lang=es&next=/preguntas-frecuentes?q%3Dmaria%20lopez 302", "lopez"),
    ("GET /cuenta/entrar?next=%2Foficina%3Fq%3D%22juan%22%20perez%20%23 200", "perez"),
    ("GET /idioma?lang=es&next=/x?nombre%3DMaria%0Alopez 302", "lopez"),
    (f"GET /cuenta/entrar?next=%2Foficina%3Fcurp%3D{CURP} 200 4.1ms", CURP),
    ("GET /cuenta/entrar?next=%2Foficina%3Femail%3Dana%2540example.org 200", "ana"),
    # Twice: a `next` holding a `next`.
    (f"GET /idioma?lang=en&next=/cuenta/entrar?next%3D%252Fcurp%253Fcurp%253D{CURP} 302", CURP),
    # werkzeug's development server keeps %3D and %26 encoded in its request lines.
    (f'127.0.0.1 - - "GET /idioma?lang=en&next=/curp?curp%3D{CURP} HTTP/1.1" 302 -', CURP),
    (f"GET /x/nada%3D{CURP}", CURP),
    ("GET /x?destino=ana.lopez%40example.org 200", "lopez"),
    ("GET /x?nss_titular=%2012345678903 200", "12345678903"),
    # An encoded "?" or "&" before a raw "=".
    (f"GET /idioma?lang=en&next=%2Fverificar%2FVI-2026-000001%3Fc={CODE} 302", CODE),
    (f"GET /idioma?lang=en&next=/curp?lang=es%26curp={CURP} 302", CURP),
]


@pytest.mark.parametrize(("line", "secret"), LINES)
def test_an_encoded_value_is_masked_as_its_decoded_form(line: str, secret: str) -> None:
    masked = redact(line)
    assert secret not in unquote(unquote(masked))
    assert redact(masked) == masked


def test_the_masked_value_keeps_its_place_in_the_line() -> None:
    line = f"GET /idioma?lang=en&next=/curp?curp%3D{CURP}%26otra%3D1 302 0.8ms"
    assert redact(line) == "GET /idioma?lang=en&next=/curp?curp%3D***%26otra%3D1 302 0.8ms"
    twice = f"GET /idioma?lang=en&next=%2Fcurp%3Fcurp%253D{CURP} 302"
    assert redact(twice) == "GET /idioma?lang=en&next=/curp?curp%3D*** 302"
    line = "GET /x?destino=ana.lopez%40example.org 200"
    assert redact(line) == "GET /x?destino=a***%40example.org 200"
    # Decoded, a space or a line break would split the line: they stay encoded.
    line = f"GET /x?v=%0A{CURP}%20fin 200"
    assert redact(line) == "GET /x?v=%0ADEEP**************%20fin 200"


def test_encodings_with_nothing_to_mask_are_left_as_they_are() -> None:
    for text in (
        "GET /guias/%C3%B1and%C3%BA 404 0.3ms",
        "GET /idioma?lang=en&next=/preguntas-frecuentes%3Fx%3D1 302",
        "GET /idioma?lang=en&next=%2Fguias%2Fcarnet%3Fver%3D2 302",
        "100% listo, 50%ZZ y %",
    ):
        assert redact(text) == text


def test_the_access_line_masks_a_query_the_client_encoded() -> None:
    query = f"lang=en&next=%2Fcurp%3Fcurp%3D{CURP.lower()}"
    assert redact_request("GET", "/idioma", query) == "GET /idioma?lang=en&next=/curp?curp%3D***"


PERSONAL = st.sampled_from(
    [
        ("curp", CURP),
        ("c", CODE),
        ("q", "juana"),
        ("email", "ana@example.org"),
        ("nss", "12345678903"),
        ("token", "abc.def"),
        ("x", CURP),
        ("x", "12345678903"),
        ("x", "juana.perez@example.org"),
    ]
)


@given(PERSONAL, st.integers(1, 3), st.sampled_from(["", "/?=", "/"]), st.booleans())
def test_a_url_encoded_once_or_more_in_a_query_value_is_masked(
    personal: tuple[str, str], times: int, safe: str, query_first: bool
) -> None:
    name, secret = personal
    value = f"/curp?{name}={secret}&lang=es" if query_first else f"/curp?lang=es&{name}={secret}"
    for _ in range(times):
        value = quote(value, safe=safe)
    masked = redact(f"GET /idioma?lang=en&next={value} 302 1.0ms")
    decoded = masked
    for _ in range(times):
        decoded = unquote(decoded)
    assert secret not in decoded
    assert masked.startswith("GET /idioma?lang=en&next=") and masked.endswith(" 302 1.0ms")
