"""What /metrics' figures mean: the mail backlog is what delivery still tries, and a 429 is
counted as a rate limit only when a limit gave it (the sign-in pause has its own counter)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from blueprints.extensions import db
from blueprints.observability_metricas import REGISTRY
from domain import outbox
from domain.models import Correo
from tests.conftest import make_app
from tests.web.carnet_helpers import URL as CARNET
from tests.web.cuenta_helpers import crear_cuenta, seed, signed_in

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
TOKEN = {"Authorization": "Bearer s3creto-de-metricas"}


def scrape(app: Flask) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = app.test_client().get("/metrics", headers=TOKEN)
    assert response.status_code == 200
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.get_data(as_text=True))
        for sample in family.samples
    }


def correo(n: int, intentos: int, enviado: bool = False) -> Correo:
    return Correo(
        message_id=f"<{n}@portal.example>",
        destinatario="juana@example.org",
        asunto="Aviso",
        mensaje=b"",
        creado=NOW,
        enviado=enviado,
        intentos=intentos,
        siguiente_intento=NOW,
    )


def test_the_mail_backlog_is_what_delivery_still_tries(tmp_path: Path, database_url: str) -> None:
    app = make_app(tmp_path, database_url, ENV={"METRICS_TOKEN": "s3creto-de-metricas"})
    with app.app_context():
        db.session.add_all(
            [
                correo(1, 0),
                correo(2, 3),  # failed three times, tried again later
                correo(3, outbox.MAX_ATTEMPTS),  # attempts ran out: given up
                correo(4, outbox.REFUSED),  # refused for good
                correo(5, 1, enviado=True),
            ]
        )
        db.session.commit()
        assert outbox.backlog(db.session) == outbox.Backlog(waiting=2, exhausted=1, refused=1)
    figures = scrape(app)
    # A backlog alert clears once delivery gives up; what it gave up on is still seen.
    assert figures[("portal_correo_pendiente", ())] == 2
    assert figures[("portal_correo_abandonado", (("motivo", "intentos_agotados"),))] == 1
    assert figures[("portal_correo_abandonado", (("motivo", "rechazado"),))] == 1


def entrar(client: FlaskClient, curp: str, password: str, ip: str) -> int:
    data = {"curp": curp, "password": password}
    return client.post("/cuenta/entrar", data=data, environ_base={"REMOTE_ADDR": ip}).status_code


def counted(name: str, endpoint: str) -> float:
    return REGISTRY.get_sample_value(name, {"endpoint": endpoint}) or 0.0


class Counts:
    """How much the two 429 counters of ``endpoint`` rose since this was made."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self.before = self._now()

    def _now(self) -> tuple[float, float]:
        return (
            counted("portal_rate_limit_hits_total", self.endpoint),
            counted("portal_entrada_bloqueada_total", self.endpoint),
        )

    def rose(self) -> tuple[float, float]:
        now = self._now()
        return (now[0] - self.before[0], now[1] - self.before[1])


def test_the_sign_in_pause_is_not_counted_as_a_rate_limit(
    tmp_path: Path, database_url: str
) -> None:
    app = make_app(tmp_path, database_url, RATELIMIT_ENABLED=True)
    curps = list(dict.fromkeys(c for group in seed(app).values() for c in group))
    crear_cuenta(app, curps[0], "real@example.org")
    client = app.test_client()
    counts = Counts("cuenta.entrar")
    # An account, then a CURP without one: five wrong passwords pause each (the fifth is a
    # 429, and so is the next try), from addresses of their own so no limit is reached.
    for curp, ip in ((curps[0], "10.0.0.1"), (curps[1], "10.0.0.2")):
        answers = [entrar(client, curp, f"mala-{i}", ip) for i in range(6)]
        assert answers == [422] * 4 + [429] * 2
    assert counts.rose() == (0, 4)
    # The per-address limit on sign-in (10 a minute) is a rate limit.
    counts = Counts("cuenta.entrar")
    answers = [entrar(client, curp, "mala", "10.0.0.3") for curp in curps[2:13]]
    assert answers == [422] * 10 + [429]
    assert counts.rose() == (1, 0)


def test_a_per_account_limit_is_a_rate_limit(tmp_path: Path, database_url: str) -> None:
    # Counted by the view itself (limiter.hit), not by a decorator: still a limit's 429.
    app = make_app(tmp_path, database_url, RATELIMIT_ENABLED=True)
    curp, other = seed(app)["issste_titular"][:2]
    client = signed_in(app, curp)
    counts = Counts("carnet.descargar")
    answers = [client.post(CARNET, data={"curp": other}).status_code for _ in range(21)]
    assert answers == [403] * 20 + [429]
    assert counts.rose() == (1, 0)


def test_a_429_neither_a_limit_nor_the_pause_gave_counts_as_neither(
    tmp_path: Path, database_url: str
) -> None:
    # Each counter is raised by what answered marking the request, never by the status alone:
    # a 429 of another kind (a proxy's, a view added later) must not pass for a locked sign-in.
    app = make_app(tmp_path, database_url, RATELIMIT_ENABLED=True)
    app.add_url_rule("/prueba-429", "prueba_429", lambda: ("Espera un poco.", 429))
    counts = Counts("prueba_429")
    assert app.test_client().get("/prueba-429").status_code == 429
    assert counts.rose() == (0, 0)
