"""The one rule for rights today: a titular or pensionado by their own row, a beneficiary only
while their titular's rights in the same institution hold too."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from domain.derechos import Fila, con_derecho, tiene_derecho, vigente
from domain.models import Afiliacion

TODAY = dt.date(2026, 11, 26)
DAY = dt.timedelta(days=1)
TITULAR = "TITU800101HDFXXX01"
OTRO = "OTRO800101HDFXXX02"
HIJA = "HIJA100101MDFXXX03"


def fila(
    curp: str = TITULAR,
    institucion: str = "IMSS",
    tipo: str = "titular",
    vigente: bool = True,
    vigente_desde: dt.date | None = None,
    vigente_hasta: dt.date | None = None,
) -> Fila:
    return Fila(curp, institucion, tipo, vigente, vigente_desde, vigente_hasta, None)


def hija(institucion: str = "IMSS", **campos: Any) -> Fila:
    return fila(HIJA, institucion, "beneficiario", **campos)._replace(titular_curp=TITULAR)


@pytest.mark.parametrize(
    ("campos", "expected"),
    [
        ({}, True),
        ({"vigente": False}, False),
        ({"vigente_hasta": TODAY}, True),
        ({"vigente_hasta": TODAY - DAY}, False),
        ({"vigente_desde": TODAY}, True),
        ({"vigente_desde": TODAY + DAY}, False),
    ],
)
def test_a_titular_or_pensionado_counts_by_their_own_row(
    campos: dict[str, Any], expected: bool
) -> None:
    for tipo in ("titular", "pensionado"):
        row = fila(tipo=tipo, **campos)
        assert vigente(row, TODAY) is expected
        assert tiene_derecho(row, TODAY, ()) is expected


@pytest.mark.parametrize(
    ("titulares", "expected"),
    [
        ([fila()], True),
        ([fila(tipo="pensionado")], True),
        ([fila(vigente=False)], False),  # the titular left: the family's rights go with them
        ([fila(vigente_hasta=TODAY - DAY)], False),
        ([fila(vigente_desde=TODAY + DAY)], False),
        ([fila(vigente=False), fila(vigente_desde=TODAY)], True),  # one current row is enough
        ([], False),  # a titular the registry does not know gives no rights
        ([fila(institucion="ISSSTE")], False),  # current, but in the other institution
        ([fila(OTRO)], False),  # someone else's rights
        ([fila(tipo="beneficiario")._replace(titular_curp=OTRO)], False),  # no rights of their own
    ],
)
def test_a_beneficiary_counts_only_while_their_titular_does(
    titulares: list[Fila], expected: bool
) -> None:
    assert vigente(hija(), TODAY)
    assert tiene_derecho(hija(), TODAY, titulares) is expected


def test_a_beneficiary_whose_own_row_lapsed_has_none_whatever_the_titular() -> None:
    assert not tiene_derecho(hija(vigente=False), TODAY, [fila()])
    assert not tiene_derecho(hija(vigente_hasta=TODAY - DAY), TODAY, [fila()])
    assert not tiene_derecho(hija()._replace(titular_curp=None), TODAY, [fila()])


def test_con_derecho_picks_the_row_that_gives_rights_in_that_institution() -> None:
    own_issste = fila(HIJA, "ISSSTE")
    rows = [hija(), hija("ISSSTE"), own_issste]
    lapsed = [fila(vigente=False), fila(institucion="ISSSTE", vigente=False)]
    assert con_derecho(rows, "IMSS", TODAY, lapsed) is None
    assert con_derecho(rows, "ISSSTE", TODAY, lapsed) is own_issste  # their own job counts
    assert con_derecho(rows, "IMSS", TODAY, [fila()]) is rows[0]
    assert con_derecho(rows[:2], "ISSSTE", TODAY, [fila()]) is None
    assert con_derecho([], "IMSS", TODAY, [fila()]) is None


def test_registry_rows_and_plain_values_give_the_same_answer() -> None:
    titular = Afiliacion(
        curp=TITULAR, institucion="ISSSTE", numero_afiliacion="1", tipo="titular",
        vigente=False, vigente_hasta=TODAY - DAY,
    )  # fmt: skip
    familiar = Afiliacion(
        curp=HIJA, institucion="ISSSTE", numero_afiliacion="1", tipo="beneficiario",
        vigente=True, titular_curp=TITULAR, parentesco="hija",
    )  # fmt: skip
    assert not tiene_derecho(familiar, TODAY, [titular])
    titular.vigente, titular.vigente_hasta = True, None
    assert tiene_derecho(familiar, TODAY, [titular])
    assert tiene_derecho(hija("ISSSTE"), TODAY, [titular])
