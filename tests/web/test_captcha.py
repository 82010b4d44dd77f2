"""The captcha in a form: /captcha/reto, the macro, check_captcha, replay across servers."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from blueprints import caducados
from blueprints import captcha as captcha_bp
from blueprints.extensions import db
from domain.models import IntentoSinCuenta, UsoUnico
from tests.captcha_helpers import question_answer, solve_captcha
from tests.web.captcha_form_helpers import form_app, page


def post(client: Any, fields: dict[str, str], nombre: str = "Juana") -> tuple[int, str]:
    response = client.post("/prueba/formulario", data={"nombre": nombre, **fields})
    return response.status_code, response.get_data(as_text=True)


def test_reto_is_a_signed_expiring_challenge(tmp_path: Path, database_url: str) -> None:
    client = form_app(tmp_path, database_url).test_client()
    response = client.get("/captcha/reto")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    body = response.get_json()
    params = body["parameters"]
    assert params["algorithm"] == "PBKDF2/SHA-256" and params["cost"] == 10
    assert params["expiresAt"] > dt.datetime.now(dt.UTC).timestamp()
    assert re.fullmatch(r"[0-9a-f]{64}", body["signature"])
    assert client.get("/captcha/reto").get_json()["parameters"]["nonce"] != params["nonce"]


def test_field_renders_widget_and_fallback_without_inline_code(
    tmp_path: Path, database_url: str
) -> None:
    html = page(form_app(tmp_path, database_url).test_client())
    assert '<altcha-widget name="captcha" challenge="/captcha/reto"' in html
    assert 'data-worker="/static/vendor/altcha-3.2.2-pbkdf2-worker.js"' in html
    assert '<script type="module" src="/static/js/captcha.js"></script>' in html
    assert 'href="/static/vendor/altcha-3.2.2.css"' in html
    assert re.search(r"Verificación: ¿Cuánto es \w+ más \w+\?", html)
    assert 'name="captcha_respuesta"' in html and 'name="captcha_reto"' in html
    assert "style=" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html)


def test_question_answer_passes_once(tmp_path: Path, database_url: str) -> None:
    client = form_app(tmp_path, database_url).test_client()
    fields = solve_captcha(client, page(client))
    assert post(client, fields)[0] == 200
    status, html = post(client, fields)  # the same answer again: a replay
    assert status == 422 and "La verificación caducó, vuelve a intentarlo" in html


def test_answer_in_words_and_wrong_answer(tmp_path: Path, database_url: str) -> None:
    from domain.captcha import NUMEROS

    client = form_app(tmp_path, database_url).test_client()
    token, answer = question_answer(page(client))
    words = {"captcha_reto": token, "captcha_respuesta": NUMEROS[answer].capitalize()}
    assert post(client, words)[0] == 200
    token, answer = question_answer(page(client))
    status, html = post(client, {"captcha_reto": token, "captcha_respuesta": str(answer + 1)})
    assert status == 422 and "La respuesta no es correcta" in html
    assert 'href="#campo-captcha"' in html and 'aria-invalid="true"' in html
    # The wrong answer spent that question: the right one is now refused too.
    status, html = post(client, {"captcha_reto": token, "captcha_respuesta": str(answer)})
    assert status == 422 and "caducó" in html


def test_an_empty_answer_asks_for_one_and_keeps_the_question(
    tmp_path: Path, database_url: str
) -> None:
    client = form_app(tmp_path, database_url).test_client()
    token, answer = question_answer(page(client))
    for blank in ("", "   "):
        status, html = post(client, {"captcha_reto": token, "captcha_respuesta": blank})
        assert status == 422 and "Escribe el resultado de la suma" in html
        assert "La respuesta no es correcta" not in html and 'href="#campo-captcha"' in html
    # Nothing was guessed, so the question was not spent: its answer still passes.
    assert post(client, {"captcha_reto": token, "captcha_respuesta": str(answer)})[0] == 200


def test_english_page_asks_in_english_and_accepts_either_language(
    tmp_path: Path, database_url: str
) -> None:
    from domain.captcha import NUMBERS_EN, NUMEROS

    client = form_app(tmp_path, database_url).test_client()
    client.set_cookie("lang", "en")
    html = page(client)
    assert re.search(r"Check: What is [a-z]+ plus [a-z]+\?", html)
    assert "¿Cuánto es" not in html
    token, answer = question_answer(html)
    assert post(client, {"captcha_reto": token, "captcha_respuesta": NUMBERS_EN[answer]})[0] == 200
    token, answer = question_answer(page(client))  # a Spanish word answers it too
    assert post(client, {"captcha_reto": token, "captcha_respuesta": NUMEROS[answer]})[0] == 200
    token, answer = question_answer(page(client))
    status, html = post(client, {"captcha_reto": token, "captcha_respuesta": str(answer + 1)})
    assert status == 422 and "The answer is not right" in html


def test_the_captcha_s_messages_end_in_a_full_stop_in_both_languages(
    tmp_path: Path, database_url: str
) -> None:
    client = form_app(tmp_path, database_url).test_client()
    token, answer = question_answer(page(client))
    _status, html = post(client, {"captcha_reto": token, "captcha_respuesta": str(answer + 1)})
    assert "escribe el resultado de la suma, por ejemplo 12 o doce." in html
    assert "Resuelve la verificación para continuar." in post(client, {})[1]
    client.set_cookie("lang", "en")
    token, answer = question_answer(page(client))
    _status, html = post(client, {"captcha_reto": token, "captcha_respuesta": str(answer + 1)})
    assert "type the result of the sum, for example 12 or twelve." in html
    assert "Complete the check to continue." in post(client, {})[1]


def test_missing_or_forged_captcha(tmp_path: Path, database_url: str) -> None:
    client = form_app(tmp_path, database_url).test_client()
    status, html = post(client, {})
    assert status == 422 and "Resuelve la verificación para continuar" in html
    assert post(client, {"captcha": "bm8gZXMgdW4gcmV0bw=="})[0] == 422
    assert post(client, {"captcha_reto": "x", "captcha_respuesta": "3"})[0] == 422


def test_proof_of_work_passes_once_on_any_server(tmp_path: Path, database_url: str) -> None:
    app = form_app(tmp_path, database_url)
    client = app.test_client()
    fields = solve_captcha(client, page(client), pow=True)
    assert post(client, fields)[0] == 200
    # Another server: same SECRET_KEY and database, nothing shared in memory.
    other = form_app(tmp_path / "otro", database_url).test_client()
    status, html = post(other, fields)
    assert status == 422 and "caducó" in html


@pytest.mark.parametrize("pow_", [False, True], ids=["question", "proof_of_work"])
@pytest.mark.parametrize("keep_old", [True, False])
def test_a_captcha_shown_before_a_key_rotation_passes_with_the_old_key_kept(
    tmp_path: Path, database_url: str, pow_: bool, keep_old: bool
) -> None:
    before = form_app(tmp_path, database_url).test_client()
    fields = solve_captcha(before, page(before), pow=pow_)
    env = {"SECRET_KEY": "una-clave-nueva"}
    if keep_old:
        env["SECRET_KEY_FALLBACKS"] = "test-secret"
    after = form_app(tmp_path / "rotado", database_url, ENV=env).test_client()
    status, html = post(after, fields)
    assert status == (200 if keep_old else 422)
    if keep_old:  # the newest key still signs: its own captchas pass too
        assert post(after, solve_captcha(after, page(after), pow=pow_))[0] == 200
    else:
        assert "Resuelve la verificación" in html or "La respuesta no es correcta" in html


def test_spent_even_when_the_caller_fails_afterwards(tmp_path: Path, database_url: str) -> None:
    client = form_app(tmp_path, database_url).test_client()
    fields = solve_captcha(client, page(client), pow=True)
    status, html = post(client, fields, nombre="falla")
    assert status == 422 and "No se pudo guardar" in html
    assert "caducó" in post(client, fields)[1]


def test_expired_proof_of_work(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = form_app(tmp_path, database_url).test_client()
    fields = solve_captcha(client, page(client), pow=True)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=21)
    monkeypatch.setattr(captcha_bp, "utcnow", lambda: later)
    status, html = post(client, fields)
    assert status == 422 and "La verificación caducó" in html


def test_expired_rows_are_purged_on_the_way(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = form_app(tmp_path, database_url)
    client = app.test_client()
    long_ago = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    with app.app_context():
        db.session.add(UsoUnico(clave="reto:viejo", expira=long_ago))
        # A sign-in count of a CURP without an account, over long ago: it goes too.
        db.session.add(
            IntentoSinCuenta(clave="x", fallidos=1, primer_fallo=long_ago, vence=long_ago)
        )
        db.session.commit()
    monkeypatch.setattr(caducados, "PURGE_ONE_IN", 1)
    assert post(client, solve_captcha(client, page(client)))[0] == 200
    with app.app_context():
        claves = list(db.session.scalars(sa.select(UsoUnico.clave)))
        assert db.session.scalars(sa.select(IntentoSinCuenta)).all() == []
    assert len(claves) == 1 and claves[0].startswith("pregunta:")


def test_reto_is_rate_limited(tmp_path: Path, database_url: str) -> None:
    client = form_app(tmp_path, database_url, RATELIMIT_ENABLED=True).test_client()
    statuses = [client.get("/captcha/reto").status_code for _ in range(31)]
    assert statuses[:30] == [200] * 30 and statuses[30] == 429
