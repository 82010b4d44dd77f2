"""domain.redact: a CURP however it is written, the API's segment whatever it holds, records."""

from __future__ import annotations

import logging
import re
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import tokens
from domain.palabras_comunes import PALABRAS
from domain.redact import redact, redact_record, redact_request

GAPS = [" ", "-", "_", "+", "%20", "%2D", "%2d"]
_GAPS = re.compile(r"[\s_+-]|%2[0Dd]")
_SHAPE = r"[A-Z]{4}[0-9]{6}[HMX][A-Z]{5}[A-Z0-9][0-9]"

curps = st.from_regex(_SHAPE, fullmatch=True)
# The characters a log line may hold around a CURP, none of them part of a word.
edges = st.text(st.sampled_from(" /=?&:,;()'\"\n"), min_size=1, max_size=3)
words = st.sampled_from(
    [w for w in PALABRAS.read_text().split() if not w.startswith("#") and w.isalpha()]
)


@st.composite
def written(draw: st.DrawFn, curp: str) -> str:
    """``curp`` as a person or a URL may write it: any case, a gap between any two characters."""
    chars = [c.lower() if draw(st.booleans()) else c for c in curp]
    gaps = draw(st.lists(st.sampled_from(["", "", *GAPS]), min_size=17, max_size=17))
    return chars[0] + "".join(gap + char for gap, char in zip(gaps, chars[1:], strict=True))


@given(curps.flatmap(lambda c: st.tuples(st.just(c), written(c))), edges, edges, words)
def test_a_curp_is_masked_however_it_is_written(
    parts: tuple[str, str], before: str, after: str, word: str
) -> None:
    curp, text = parts
    masked = redact(f"{word}{before}{text}{after}{word}")
    # With every gap taken out and in capitals, nothing past its first four letters is left.
    assert curp[4:] not in _GAPS.sub("", masked).upper()
    assert masked.startswith(f"{word}{before}") and masked.endswith(f"{after}{word}")


def test_the_issues_examples() -> None:
    assert redact("LOOA-531113-HTCPBN07") == "LOOA**************"
    assert redact("de LOOA 531113 HTCPBN07.") == "de LOOA**************."
    assert redact("GET /api/v1/curp/loo a531113-htcpbn07 200") == "GET /api/v1/curp/*** 200"
    assert redact("/x/loo%20a531113%2Dhtcpbn07?y=1") == "/x/LOOA**************?y=1"


@given(st.lists(words, min_size=1, max_size=12), st.sampled_from([" ", "-", "_", ", "]))
def test_ordinary_words_are_left_alone(chosen: list[str], gap: str) -> None:
    text = gap.join(chosen)
    assert redact(text) == text


def test_a_curp_inside_a_longer_word_or_number_is_not_one() -> None:
    for text in ("XLOOA531113HTCPBN07", "LOOA531113HTCPBN071", "folio NA-2026-000123"):
        assert redact(text) == text


@given(st.sampled_from(["curp", "estatus"]), st.text(min_size=1), st.sampled_from(["", "x=1"]))
def test_the_api_segment_is_masked_whole_whatever_it_holds(
    route: str, segment: str, query: str
) -> None:
    masked = redact_request("GET", f"/api/v1/{route}/{segment}", query)
    assert masked == f"GET /api/v1/{route}/***" + (f"?{query}" if query else "")


def test_other_paths_keep_what_they_show() -> None:
    assert redact_request("GET", "/guias/ñandú", "") == "GET /guias/ñandú"
    query = "curp=LOOA531113HTCPBN07&x=2"
    assert redact_request("POST", "/curp", query) == "POST /curp?curp=***&x=2"
    assert redact_request("GET", "/api/v1/curp/", "") == "GET /api/v1/curp/"


# Written out, not read from the pattern: a name dropped from it must fail here.
QUERY_NAMES = [
    "curp",
    "email",
    "c",
    "token",
    "nss",
    "password",
    "q",
    "nombre",
    "primer_apellido",
    "segundo_apellido",
    "fecha_nacimiento",
]


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_every_personal_query_value_is_masked(name: str) -> None:
    # A value that no other pattern would catch (not a CURP, an email or a token).
    assert redact(f"GET /x?{name}=valor1&y=2") == f"GET /x?{name}=***&y=2"
    assert redact(f"GET /x?y=2&{name.upper()}=valor1") == f"GET /x?y=2&{name.upper()}=***"


@pytest.mark.parametrize("email", ["ana@example.org", "rodrigo.rodriguez@rodriguez.mx"])
@pytest.mark.parametrize("proposito", ["activar", "recuperar", "correo"])
def test_every_link_token_is_masked_compressed_or_not(proposito: str, email: str) -> None:
    token = tokens.emitir("clave", proposito, tokens.Contenido(7, 3, email))
    if "rodriguez" in email:
        assert token.startswith(".")  # itsdangerous compressed the content: the case at stake
    line = redact_request("GET", f"/cuenta/{proposito}/{token}", "")
    assert line == f"GET /cuenta/{proposito}/***"


def _record(msg: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("portal", logging.INFO, __file__, 1, msg, args, None)


def test_a_record_is_masked_with_its_arguments_exception_and_stack() -> None:
    record = _record("alta de %s con %s", "LOOA531113HTCPBN07", "ana@example.org")
    try:
        raise ValueError("CURP LOOA-531113-HTCPBN07")
    except ValueError:
        record.exc_info = sys.exc_info()
    record.stack_info = "Stack (most recent call last):\n  curp = 'LOOA531113HTCPBN07'"
    redact_record(record)
    assert (record.msg, record.args) == ("alta de LOOA************** con a***@example.org", ())
    assert record.exc_text and "ValueError: CURP LOOA**************" in record.exc_text
    assert "HTCPBN07" not in record.stack_info
    # What any formatter, logging's own included, then writes.
    assert "HTCPBN07" not in logging.Formatter().format(record)


def test_arguments_that_do_not_fit_are_shown_masked() -> None:
    record = _record("alta de %s y %s", "LOOA531113HTCPBN07")
    redact_record(record)
    assert record.getMessage() == "alta de %s y %s ('LOOA**************',)"
