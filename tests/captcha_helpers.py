"""Solve the captcha of a page from the Flask test client, for real (it is never turned off).

    page = client.get("/cuenta/crear").get_data(as_text=True)
    data = {"curp": ..., **solve_captcha(client, page)}
    client.post("/cuenta/crear", data=data)

By default this answers the question in words, as a person without JavaScript would (instant).
``solve_captcha(client, page, pow=True)`` fetches a challenge from /captcha/reto and solves the
proof of work in Python instead, as the widget would; make it cheap in the app under test with
``make_app(..., CAPTCHA_POW_COST=10, CAPTCHA_POW_COUNTER=(5, 20))``.
Each result works once: call it again (on a freshly rendered page) for the next post.
"""

from __future__ import annotations

import base64
import json
import re
from html.parser import HTMLParser
from typing import Any

import altcha

from domain.captcha import parse_number

# The question as a Spanish or an English page asks it.
QUESTION_RE = re.compile(r"(?:¿Cuánto es|What is) (\w+) (?:más|plus) (\w+)\?")


class _CaptchaFields(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.token: str | None = None
        self.label: list[str] = []
        self._in_label = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "input" and values.get("name") == "captcha_reto":
            self.token = values.get("value")
        self._in_label = tag == "label" and values.get("for") == "campo-captcha"

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._in_label = False

    def handle_data(self, data: str) -> None:
        if self._in_label:
            self.label.append(data)


def question_answer(page_html: str) -> tuple[str, int]:
    """The fallback question's signed token and its answer, read from the page."""
    fields = _CaptchaFields()
    fields.feed(page_html)
    match = QUESTION_RE.search(" ".join(fields.label))
    assert fields.token and match, "the page has no captcha_field(...)"
    a, b = parse_number(match[1]), parse_number(match[2])
    assert a is not None and b is not None, match[0]
    return fields.token, a + b


def solve_pow(client: Any) -> str:
    """A fresh /captcha/reto challenge, solved: the payload the widget would post."""
    response = client.get("/captcha/reto")
    assert response.status_code == 200, response.status_code
    challenge = response.get_json()
    solution = altcha.solve_challenge(altcha.Challenge.from_dict(challenge), timeout=60)
    assert solution is not None, "proof of work not solved in 60 s: lower CAPTCHA_POW_COST"
    payload = {"challenge": challenge, "solution": solution.to_dict()}
    return base64.b64encode(json.dumps(payload).encode()).decode()


def solve_captcha(client: Any, page_html: str, *, pow: bool = False) -> dict[str, str]:
    """The form fields that answer the captcha rendered in ``page_html``."""
    if pow:
        return {"captcha": solve_pow(client)}
    token, answer = question_answer(page_html)
    return {"captcha_reto": token, "captcha_respuesta": str(answer)}
