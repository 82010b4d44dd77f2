"""The cadena original without a ledger: it reads back as written, and junk is refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import cadena_original


@given(
    st.dictionaries(
        st.from_regex(r"[a-z_]{1,12}", fullmatch=True), st.text(max_size=40), min_size=1
    )
)
def test_canonical_text_reads_back_with_whitespace_collapsed(campos: dict[str, str]) -> None:
    text = cadena_original.cadena(campos)
    assert cadena_original.leer_cadena(text) == {k: " ".join(v.split()) for k, v in campos.items()}
    assert "\n" not in text


@pytest.mark.parametrize("junk", ["", "||", "|a=1|", "||a=1|a=2||", "||sin igual||", "||1=x||"])
def test_canonical_text_rejects_junk(junk: str) -> None:
    with pytest.raises(ValueError):
        cadena_original.leer_cadena(junk)
