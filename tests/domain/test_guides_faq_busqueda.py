"""The FAQ search's letters: accents fold away, ñ does not (in Spanish it is its own letter)."""

from __future__ import annotations

import pytest

from domain.guides_faq import FaqEntry, search_entries

ENTRIES = (
    FaqEntry("anio", "¿Cuándo vence?", "", "Cada año, en enero."),
    FaqEntry("nino", "¿Y mi niño?", "", "Tu hija o tu hijo lo saca contigo."),
    FaqEntry("credito", "¿Qué es el crédito?", "", "Un préstamo del INFONAVIT."),
    FaqEntry("mano", "¿La entrego en mano?", "", "No, por correo."),
)


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        # A typed ñ finds only ñ: neither "ano" inside "mano" nor any other n.
        ("ñ", ["anio", "nino"]),
        ("Ñ", ["anio", "nino"]),
        ("año", ["anio"]),
        ("niño", ["nino"]),
        ("n\u0303", ["anio", "nino"]),  # ñ typed as n and a combining tilde
        ("ni\u0303no", ["nino"]),  # not a ñ: "i" with a tilde folds to "i"
        # A typed n finds n and ñ: on many phones ñ is a long press away.
        ("nino", ["nino"]),
        ("ano", ["anio", "mano"]),
        # Accents still fold, both ways.
        ("credito", ["credito"]),
        ("CRÉDITO", ["credito"]),
        ("préstamo infonavit", ["credito"]),
    ],
)
def test_search_folds_accents_but_keeps_enie(query: str, ids: list[str]) -> None:
    assert [e.id for e in search_entries(ENTRIES, query)] == ids
