"""The "nobody here" emails of /cuenta/recuperar and /cuenta/activar/reenviar share one budget
per address (blueprints/cuenta_sin_cuenta.py), and spending it shows in nothing but the outbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from blueprints import mail
from tests.conftest import make_app
from tests.web.cuenta_helpers import (
    correos,
    crear_cuenta,
    cuenta,
    enlace,
    entrar,
    formulario,
    normalise,
    registrar,
    seed,
    texto,
)

# Both routes, taking turns: for an address without an account the first three send, the
# last three spend only the routes' own budgets (3 each).
POSTS = ["/cuenta/activar/reenviar", "/cuenta/recuperar"] * 3
# Headers that differ between any two requests (or whose seconds may tick over between them).
VARIABLE = {"Date", "Set-Cookie", "X-Request-ID", "RateLimit-Reset"}


@pytest.fixture
def limited(tmp_path: Path, database_url: str) -> Flask:
    return make_app(tmp_path, database_url, RATELIMIT_ENABLED=True)


def cliente(app: Flask, ip: str) -> FlaskClient:
    # One client address each, so the per-client limits' headers start alike.
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    return client


def answer(client: FlaskClient, path: str, email: str) -> tuple[Any, ...]:
    posted = client.post(path, data={"email": email})
    headers = sorted((k, v) for k, v in posted.headers.items() if k not in VARIABLE)
    page = client.get(posted.headers["Location"])
    return posted.status_code, headers, page.status_code, normalise(page.get_data(as_text=True))


def test_nobody_here_emails_share_one_budget_and_the_answers_stay_the_same(
    limited: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    curps = seed(limited)
    curp = curps["issste_titular"][0]
    registrar(cliente(limited, "10.0.0.9"), formulario(limited, curp, "pendiente@example.org"))
    crear_cuenta(limited, curps["issste_titular"][1], "presente@example.org")
    trabajo: list[str] = []
    render, start_delivery = mail._render, mail._start_delivery

    def rendered(name: str, context: dict[str, Any]) -> str:
        trabajo.append(name)
        return render(name, context)

    def started(app: Flask, ids: list[int]) -> None:
        trabajo.append(f"entrega de {len(ids)}")  # only after a commit, for rows it wrote
        start_delivery(app, ids)

    monkeypatch.setattr(mail, "_render", rendered)
    monkeypatch.setattr(mail, "_start_delivery", started)
    answers: dict[str, list[tuple[Any, ...]]] = {}
    # Same mask (p***@example.org), so the pages may be compared whole.
    emails = ("perdida@example.org", "pendiente@example.org", "presente@example.org")
    for i, email in enumerate(emails):
        client, answers[email] = cliente(limited, f"10.0.0.{i + 1}"), []
        for path in POSTS:
            trabajo.clear()
            answers[email].append(answer(client, path, email))
            # Each post: an email's two templates, a commit, a delivery started, sent or not.
            assert [w.rsplit(".", 1)[-1] for w in trabajo] == ["txt", "html", "entrega de 1"]
    assert answers["perdida@example.org"] == answers["pendiente@example.org"]
    assert answers["perdida@example.org"] == answers["presente@example.org"]
    assert [a[0] for a in answers["perdida@example.org"]] == [303] * 6
    # Nobody there: only 3 of the 6, however the routes took turns.
    assert len(correos(limited, "perdida@example.org")) == 3
    # Real links never spend that budget: registration + 3 activation + 3 recovery links;
    # an active account gets word that nothing waits from one route (3), links from the other.
    pendientes = correos(limited, "pendiente@example.org")
    assert len(pendientes) == 7
    assert sum("/cuenta/recuperar/" in texto(m) for m in pendientes) == 3
    presentes = correos(limited, "presente@example.org")
    assert sum("/cuenta/recuperar/" in texto(m) for m in presentes) == 3
    assert len(presentes) == 6


def test_a_spent_budget_stops_no_real_link_and_recovery_activates(limited: Flask) -> None:
    client = cliente(limited, "10.0.0.1")
    for path in ("/cuenta/activar/reenviar", "/cuenta/recuperar", "/cuenta/recuperar"):
        assert client.post(path, data={"email": "tarde@example.org"}).status_code == 303
    client.post("/cuenta/activar/reenviar", data={"email": "tarde@example.org"})
    assert len(correos(limited, "tarde@example.org")) == 3  # the fourth was not sent
    # Within the hour, someone registers that address: its links all arrive.
    curp = seed(limited)["issste_titular"][0]
    assert registrar(client, formulario(limited, curp, "tarde@example.org")).status_code == 303
    for path in ("/cuenta/activar/reenviar", "/cuenta/recuperar"):
        assert client.post(path, data={"email": "tarde@example.org"}).status_code == 303
    registro, reenvio, recuperacion = correos(limited, "tarde@example.org")[3:]
    assert enlace(registro).startswith("/cuenta/activar/")
    assert enlace(reenvio).startswith("/cuenta/activar/")
    path = enlace(recuperacion)
    assert path.startswith("/cuenta/recuperar/")
    # The account was still waiting: a new password by email activates it too.
    assert not cuenta(limited, curp).activa
    assert client.post(path, data={"password": "una frase nueva"}).status_code == 303
    assert cuenta(limited, curp).activa
    assert entrar(client, curp, "una frase nueva").headers["Location"] == "/oficina"
