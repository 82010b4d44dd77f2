"""A PDF download tapped twice: the same requester asking for the same document within moments
gets the same folio, drawn again from the ledger, and spends no limit; after the window, or
from another session, a new one."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from blueprints import carnet, constancias, constancias_servicio, descarga_repetida, repeticion
from domain import sello
from tests.conftest import make_app
from tests.web.carnet_helpers import family
from tests.web.constancias_helpers import UNKNOWN, ledger
from tests.web.cuenta_helpers import seed, signed_in
from tests.web.repeticion_helpers import a_la_vez

NO_AFILIACION = "/constancias/no-afiliacion"
DESCARGAR = NO_AFILIACION + "/descargar"
CARNET = "/oficina/constancia-vigencia"
FOLIO = re.compile(r"filename=\S+-([A-Z]{2}-\d{4}-\d{6})\.pdf$")


def folio(response: Any) -> str:
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    match = FOLIO.search(response.headers["Content-Disposition"])
    assert match
    return match.group(1)


def visitante(app: Flask) -> FlaskClient:
    """A browser that opened the form page, which put the session cookie's CSRF secret."""
    client = app.test_client()
    assert client.get(NO_AFILIACION).status_code == 200
    return client


def bajar(client: FlaskClient, curp: str = UNKNOWN) -> Any:
    return client.post(DESCARGAR, data={"curp": curp})


@pytest.fixture
def reloj_parado(monkeypatch: pytest.MonkeyPatch) -> None:
    """One instant for every request, for the tests that ask for a dozen downloads or more and
    count on them all being repeats: a loaded machine took longer than ``VENTANA`` (10 s) over
    31 of them, and the last ones were issued anew. The limits' windows keep the real clock."""
    instante = constancias_servicio.ahora()
    for vista in (constancias, carnet):
        monkeypatch.setattr(vista, "ahora", lambda: instante)
    monkeypatch.setattr(repeticion, "utcnow", lambda: instante)  # how a repeat reads the claim


# --- the public no afiliación --------------------------------------------------------------


def test_a_download_tapped_twice_gives_one_folio_and_the_same_pdf(app: Flask) -> None:
    client = visitante(app)
    first, second = bajar(client), bajar(client, UNKNOWN.lower())
    [row] = ledger(app)
    assert folio(first) == folio(second) == row.folio
    assert sello.extraer(first.data) == sello.extraer(second.data)  # the same signed document


def test_after_the_window_the_same_request_issues_a_new_folio(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = visitante(app)
    first = folio(bajar(client))
    assert folio(bajar(client)) == first  # within the window
    later = constancias_servicio.ahora() + descarga_repetida.VENTANA + dt.timedelta(seconds=1)
    monkeypatch.setattr(constancias, "ahora", lambda: later)
    second = folio(bajar(client))
    assert first != second and [r.folio for r in ledger(app)] == [first, second]


def test_another_session_or_another_curp_gets_its_own_folio(app: Flask) -> None:
    client = visitante(app)
    mine = folio(bajar(client))
    assert folio(bajar(client)) == mine
    theirs = folio(bajar(visitante(app)))
    other = folio(bajar(client, "XEXX020202MNEXXXA1"))
    assert len({mine, theirs, other}) == 3 and len(ledger(app)) == 3


@pytest.mark.usefixtures("reloj_parado")
def test_repeats_do_not_spend_the_issue_limit(tmp_path: Path, database_url: str) -> None:
    app = make_app(tmp_path, database_url, RATELIMIT_ENABLED=True)
    client = visitante(app)
    folios = {folio(bajar(client)) for _ in range(12)}  # ISSUE_LIMIT: 10 per minute
    assert len(folios) == 1 and len(ledger(app)) == 1


def test_a_download_sent_again_while_the_first_is_at_work(app: Flask) -> None:
    client = visitante(app)
    answers = a_la_vez(app, lambda: bajar(client), lambda: bajar(client), "INSERT INTO folio_")
    [row] = ledger(app)
    assert folio(answers[0]) == folio(answers[1]) == row.folio


# --- the carnet in the Oficina Virtual ---------------------------------------------------------


def test_a_carnet_tapped_twice_gives_one_folio_for_the_titular_and_each_beneficiary(
    app: Flask,
) -> None:
    curp = seed(app)["issste_titular"][0]
    client = signed_in(app, curp)
    client.get(CARNET)
    for persona in [curp, *(b.curp for b in family(app, curp))]:
        first = client.post(CARNET, data={"curp": persona})
        second = client.post(CARNET, data={"curp": persona})
        assert folio(first) == folio(second) == ledger(app)[-1].folio
        assert sello.extraer(first.data) == sello.extraer(second.data)  # the same signed document
    assert len(ledger(app)) == 1 + len(family(app, curp))


@pytest.mark.usefixtures("reloj_parado")
def test_carnet_repeats_do_not_spend_the_account_limit(tmp_path: Path, database_url: str) -> None:
    app = make_app(tmp_path, database_url, RATELIMIT_ENABLED=True)
    curp = seed(app)["issste_titular"][0]
    client = signed_in(app, curp)
    client.get(CARNET)
    folios = {folio(client.post(CARNET, data={"curp": curp})) for _ in range(22)}  # 20 an hour
    assert len(folios) == 1 and len(ledger(app)) == 1


@pytest.mark.usefixtures("reloj_parado")
def test_repeats_have_a_budget_of_their_own_per_address(tmp_path: Path, database_url: str) -> None:
    # Each repeat draws its PDF again: without a budget, one session could have it drawn
    # without end, never spending the issue limit.
    app = make_app(tmp_path, database_url, RATELIMIT_ENABLED=True)
    client = visitante(app)
    answers = [bajar(client) for _ in range(31)]  # REPETICIONES: 30 per minute
    assert len({folio(a) for a in answers[:30]}) == 1 and answers[30].status_code == 429
    assert len(ledger(app)) == 1
    # Another session from the same address: the same budget, spent.
    assert bajar(visitante(app)).status_code == 429 and len(ledger(app)) == 1


@pytest.mark.usefixtures("reloj_parado")
def test_carnet_repeats_have_a_budget_of_their_own(tmp_path: Path, database_url: str) -> None:
    app = make_app(tmp_path, database_url, RATELIMIT_ENABLED=True)
    curp = seed(app)["issste_titular"][0]
    client = signed_in(app, curp)
    client.get(CARNET)
    answers = [client.post(CARNET, data={"curp": curp}) for _ in range(31)]
    assert len({folio(a) for a in answers[:30]}) == 1 and answers[30].status_code == 429
    assert len(ledger(app)) == 1


@pytest.mark.usefixtures("reloj_parado")
def test_signed_in_accounts_behind_one_address_do_not_share_the_repeat_budget(
    tmp_path: Path, database_url: str
) -> None:
    # A clinic's or a carrier's people share one address: one account's repeats spent, the
    # next account's carnet is still issued.
    app = make_app(tmp_path, database_url, RATELIMIT_ENABLED=True)
    first, second = seed(app)["issste_titular"][:2]
    client = signed_in(app, first)
    client.get(CARNET)  # the form page: its session is what tells a repeat
    answers = [client.post(CARNET, data={"curp": first}) for _ in range(31)]
    assert len({folio(a) for a in answers[:30]}) == 1 and answers[30].status_code == 429
    other = signed_in(app, second, "segunda@example.org")
    other.get(CARNET)
    assert other.post(CARNET, data={"curp": second}).status_code == 200
    assert len(ledger(app)) == 2
