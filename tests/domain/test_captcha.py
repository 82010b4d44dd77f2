"""Captcha rules without Flask: signed challenges and questions, expiry, replay keys."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

import altcha
import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from domain import captcha
from domain.captcha import Resultado
from domain.models import UsoUnico

SECRET = "test-secret"
NOW = dt.datetime.now(dt.UTC)  # altcha checks expiry against the real clock too


def solved(challenge: dict[str, Any], **solution_changes: Any) -> str:
    solution = altcha.solve_challenge(altcha.Challenge.from_dict(challenge))
    assert solution is not None
    body = {"challenge": challenge, "solution": {**solution.to_dict(), **solution_changes}}
    return base64.b64encode(json.dumps(body).encode()).decode()


def cheap_challenge(secret: str = SECRET, now: dt.datetime = NOW) -> dict[str, Any]:
    return captcha.new_challenge(secret, now, cost=10, counter=30)


def test_keys_differ_per_purpose_and_secret() -> None:
    keys = {captcha.derive_key(s, p) for s in ("a", "b") for p in ("reto", "clave", "pregunta")}
    assert len(keys) == 6
    assert SECRET not in "".join(keys)


def test_challenge_format_is_altcha_v2() -> None:
    challenge = cheap_challenge()
    params = challenge["parameters"]
    assert params["algorithm"] == "PBKDF2/SHA-256" and params["cost"] == 10
    assert params["expiresAt"] == int((NOW + captcha.POW_TTL).timestamp())
    assert params["keySignature"] and challenge["signature"]


def test_a_solved_challenge_is_resuelto_with_a_replay_key() -> None:
    payload = solved(cheap_challenge())
    verdict = captcha.verify_solution(payload, SECRET, NOW)
    assert verdict.resultado is Resultado.RESUELTO
    assert verdict.clave and verdict.clave.startswith("reto:") and len(verdict.clave) <= 128
    assert verdict.expira == dt.datetime.fromtimestamp(
        int((NOW + captcha.POW_TTL).timestamp()), dt.UTC
    )
    assert captcha.verify_solution(payload, SECRET, NOW).clave == verdict.clave  # same key


def test_another_secret_or_a_tampered_challenge_is_invalid() -> None:
    assert captcha.verify_solution(solved(cheap_challenge("otro")), SECRET, NOW).resultado is (
        Resultado.INVALIDO
    )
    challenge = cheap_challenge()
    payload = solved(challenge)
    body = json.loads(base64.b64decode(payload))
    body["challenge"]["parameters"]["cost"] = 1
    forged = base64.b64encode(json.dumps(body).encode()).decode()
    assert captcha.verify_solution(forged, SECRET, NOW).resultado is Resultado.INVALIDO
    wrong = solved(challenge, derivedKey="00" * 32)
    assert captcha.verify_solution(wrong, SECRET, NOW).resultado is Resultado.INVALIDO


def test_an_expired_challenge_is_caducado() -> None:
    payload = solved(cheap_challenge())
    later = NOW + captcha.POW_TTL + dt.timedelta(seconds=1)
    assert captcha.verify_solution(payload, SECRET, later).resultado is Resultado.CADUCADO
    old = solved(cheap_challenge(now=NOW - captcha.POW_TTL - dt.timedelta(minutes=1)))
    assert captcha.verify_solution(old, SECRET, NOW).resultado is Resultado.CADUCADO


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "x",
        "a" * 5000,
        base64.b64encode(b"[]").decode(),
        base64.b64encode(b'{"challenge": 1}').decode(),
    ],
)
def test_junk_payloads_are_invalid(payload: str) -> None:
    assert captcha.verify_solution(payload, SECRET, NOW).resultado is Resultado.INVALIDO


@given(st.text(max_size=300))
def test_verify_never_raises(text: str) -> None:
    assert captcha.verify_solution(text, SECRET, NOW).resultado is not Resultado.RESUELTO
    assert captcha.check_answer(SECRET, text, text, NOW).resultado is not Resultado.RESUELTO


def answer_of(question: captcha.Pregunta) -> int:
    words = question.texto.removeprefix("¿Cuánto es ").removesuffix("?").split(" más ")
    return sum(captcha.NUMEROS.index(word) for word in words)


def test_question_is_words_and_its_token_hides_the_answer() -> None:
    questions = [captcha.new_question(SECRET, NOW) for _ in range(50)]
    assert all(q.texto.startswith("¿Cuánto es ") and q.texto.endswith("?") for q in questions)
    assert all(2 <= answer_of(q) <= 18 for q in questions)
    assert len({q.token for q in questions}) == 50
    assert not any(q.texto[-8:] in q.token for q in questions)


def test_english_question_is_in_english_words() -> None:
    questions = [captcha.new_question(SECRET, NOW, "en") for _ in range(20)]
    for question in questions:
        words = question.texto.removeprefix("What is ").removesuffix("?").split(" plus ")
        assert question.texto.startswith("What is ") and len(words) == 2
        answer = sum(captcha.NUMBERS_EN.index(word) for word in words)
        for typed in (str(answer), captcha.NUMBERS_EN[answer].title(), captcha.NUMEROS[answer]):
            verdict = captcha.check_answer(SECRET, question.token, typed, NOW)
            assert verdict.resultado is Resultado.RESUELTO, typed
    assert captcha.new_question(SECRET, NOW, "fr").texto.startswith("¿Cuánto es ")


@pytest.mark.parametrize("as_words", [False, True])
def test_right_answer_in_digits_or_words(as_words: bool) -> None:
    question = captcha.new_question(SECRET, NOW)
    answer = answer_of(question)
    typed = captcha.NUMEROS[answer].upper() if as_words else f" {answer} "
    verdict = captcha.check_answer(SECRET, question.token, typed, NOW)
    assert verdict.resultado is Resultado.RESUELTO
    assert verdict.clave and verdict.clave.startswith("pregunta:")
    assert verdict.expira == dt.datetime.fromtimestamp(
        int((NOW + captcha.QUESTION_TTL).timestamp()), dt.UTC
    )


def test_wrong_answer_spends_the_question_and_expiry_and_forgery() -> None:
    question = captcha.new_question(SECRET, NOW)
    right = str(answer_of(question))
    wrong = captcha.check_answer(SECRET, question.token, str(answer_of(question) + 1), NOW)
    assert wrong.resultado is Resultado.INCORRECTO and wrong.clave  # spent all the same
    later = NOW + captcha.QUESTION_TTL + dt.timedelta(seconds=1)
    assert captcha.check_answer(SECRET, question.token, right, later).resultado is (
        Resultado.CADUCADO
    )
    assert captcha.check_answer("otro", question.token, right, NOW).resultado is (
        Resultado.INCORRECTO
    )
    assert captcha.check_answer(SECRET, "1.2.3", right, NOW).resultado is Resultado.INVALIDO


@pytest.mark.parametrize("value", range(21))
def test_parse_number_digits_and_words(value: int) -> None:
    assert captcha.parse_number(str(value)) == value
    assert captcha.parse_number(captcha.NUMEROS[value]) == value
    assert captcha.parse_number(captcha.NUMEROS[value].capitalize() + ".") == value
    assert captcha.parse_number(captcha.NUMBERS_EN[value].upper()) == value


@pytest.fixture
def session(sesion_vacia: Session) -> Session:
    return sesion_vacia  # no registry seeded (tests/domain/conftest.py seeds one for `session`)


def test_spend_once_then_refuse_and_purge(session: Session) -> None:
    expira = NOW + dt.timedelta(minutes=5)
    assert captcha.spend(session, "reto:abc", expira)
    assert not captcha.spend(session, "reto:abc", expira)
    assert captcha.spend(session, "pregunta:old", NOW - dt.timedelta(seconds=1))
    assert captcha.purge_expired(session, NOW) == 1
    assert list(session.scalars(sa.select(UsoUnico.clave))) == ["reto:abc"]
