"""/imss/nss: the NSS sent by email, never shown, the same answer for everyone, and its limits."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import html as lxml_html

from domain import curp as curp_rules
from tests.conftest import make_app
from tests.smtp import SmtpServer, text_part
from tests.web.constancias_helpers import ADDRESS, UNKNOWN, body, imss_form, seed
from tests.web.imss_helpers import NSS_URL, limited_app, normalise, nss_of, outbox, post


def test_nss_form(client: FlaskClient) -> None:
    page = body(client.get(NSS_URL))
    assert 'name="curp"' in page and 'name="email"' in page and 'name="captcha_respuesta"' in page
    assert 'name="nss"' not in page and f'hx-post="{NSS_URL}"' in page


def test_nss_without_token_comes_back_filled_in_and_nothing_is_sent(
    tmp_path: Path, database_url: str
) -> None:
    # The form left open over the token's hour: what was typed comes back to confirm; no
    # lookup, no email, no limit counted. An htmx post still hears that the form expired.
    app = make_app(tmp_path, database_url, WTF_CSRF_ENABLED=True)
    curp = seed(app)["imss_vigente"]
    client = app.test_client()
    captcha = imss_form(client, NSS_URL)
    data = {"curp": curp, "email": ADDRESS, **captcha}
    response = client.post(NSS_URL, data=data, headers={"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 400
    doc = lxml_html.fromstring(body(response))
    assert "Confirma tus datos" in doc.get_element_by_id("aviso").text_content()
    for name, sent in (("curp", curp), ("email", ADDRESS)):
        assert doc.xpath(f'//form[@method="post"]//input[@name="{name}"]/@value') == [sent]
    [token] = doc.xpath('//form[@method="post"]//input[@name="csrf_token"]/@value')
    assert token  # a fresh one: the form sends
    assert not doc.xpath('//input[@name="captcha_respuesta"]/@value')  # a new question
    assert "Revisa tu correo" not in body(response) and outbox(app) == 0
    htmx = client.post(NSS_URL, data={"curp": curp}, headers={"HX-Request": "true"})
    assert htmx.status_code == 400 and htmx.headers["HX-Retarget"] == "#aviso"
    assert "El formulario caducó" in body(htmx) and curp not in body(htmx)


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "https://parecido.example"},
        {"Origin": "https://parecido.example", "Sec-Fetch-Site": "same-site"},
    ],
    ids=["cross-site", "other-origin", "same-site"],
)
def test_a_post_from_another_site_gets_our_empty_form_and_a_word_on_it(
    tmp_path: Path, database_url: str, headers: dict[str, str]
) -> None:
    # Someone sent here by another site never had our form, so "it expired, go back" means
    # nothing to them; nor is the form filled in, or another site could put its own address
    # in it and have the NSS sent there.
    app = make_app(tmp_path, database_url, WTF_CSRF_ENABLED=True)
    sent = {"curp": UNKNOWN, "email": "ladron@parecido.example"}
    response = app.test_client().post(NSS_URL, data=sent, headers=headers)
    html = body(response)
    assert response.status_code == 400
    doc = lxml_html.fromstring(html)
    aviso = doc.get_element_by_id("aviso").text_content()
    assert "Para consultar tu NSS, llena el formulario de esta página." in aviso
    assert "caducó" not in html and "Confirma tus datos" not in aviso
    for name in ("curp", "email"):
        assert doc.xpath(f'//form[@method="post"]//input[@name="{name}"]/@value') in ([], [""])
    assert sent["email"] not in html and UNKNOWN not in html
    [token] = doc.xpath('//form[@method="post"]//input[@name="csrf_token"]/@value')
    assert token  # a fresh one: the form sends
    assert "<title>Error" not in html and outbox(app) == 0


def test_a_post_that_says_nothing_of_where_it_came_from_is_an_expired_form(
    tmp_path: Path, database_url: str
) -> None:
    # Maybe our own page in an old browser: today's answer, neither refilled nor "from elsewhere".
    app = make_app(tmp_path, database_url, WTF_CSRF_ENABLED=True)
    response = app.test_client().post(NSS_URL, data={"curp": UNKNOWN, "email": ADDRESS})
    assert response.status_code == 400 and "El formulario caducó" in body(response)
    assert "llena el formulario de esta página" not in body(response)


def test_nss_is_emailed_never_shown(mail: tuple[Flask, SmtpServer]) -> None:
    app, smtp = mail
    curp = seed(app)["imss_vigente"]
    numero = nss_of(app, curp)
    response = post(app.test_client(), NSS_URL, curp=curp, email=ADDRESS)
    page = body(response)
    assert response.status_code == 200 and "Si la CURP tiene NSS, te lo enviamos" in page
    assert numero not in page and "p***@example.org" in page and ADDRESS not in page
    [message] = smtp.wait_for(1)
    assert message["To"] == ADDRESS and f"Tu NSS es: {numero}" in text_part(message)


@pytest.mark.parametrize("case", ["sin_afiliacion", "issste_titular", "desconocida"])
def test_no_nss_email_says_what_to_do(mail: tuple[Flask, SmtpServer], case: str) -> None:
    app, smtp = mail
    curp = seed(app).get(case, UNKNOWN)
    response = post(app.test_client(), NSS_URL, curp=curp, email=ADDRESS)
    assert response.status_code == 200 and "Si la CURP tiene NSS, te lo enviamos" in body(response)
    [message] = smtp.wait_for(1)
    text = text_part(message)
    assert "no encontramos ningún NSS" in text and "/guias/nss-imss" in text


def test_nss_page_cannot_tell_who_is_affiliated(app: Flask, client: FlaskClient) -> None:
    curps = seed(app)
    answers = [
        post(client, NSS_URL, curp=curp, email=ADDRESS)
        for curp in (curps["imss_vigente"], curps["imss_baja"], curps["sin_afiliacion"], UNKNOWN)
    ]
    assert {r.status_code for r in answers} == {200}
    assert len({normalise(body(r)) for r in answers}) == 1
    htmx = [
        client.post(NSS_URL, data=imss_form(client, NSS_URL, curp=c, email=ADDRESS),
                    headers={"HX-Request": "true"})
        for c in (curps["imss_vigente"], UNKNOWN)
    ]  # fmt: skip
    assert len({(r.status_code, normalise(body(r))) for r in htmx}) == 1
    assert outbox(app) == 6


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"email": ADDRESS}, "curp", "Escribe tu CURP"),
        ({"curp": "PXNE660720HMCXTN07", "email": ADDRESS}, "curp", "debería ser 6"),
        ({"curp": UNKNOWN}, "email", "Escribe tu correo electrónico"),
    ],
)
def test_nss_bad_input_is_a_spanish_422(
    app: Flask, client: FlaskClient, fields: dict[str, str], field: str, message: str
) -> None:
    response = post(client, NSS_URL, **fields)
    assert response.status_code == 422
    assert message in body(response) and f'href="#campo-{field}"' in body(response)
    bad_captcha = client.post(NSS_URL, data={"curp": UNKNOWN, "email": ADDRESS})
    assert bad_captcha.status_code == 422 and 'href="#campo-captcha"' in body(bad_captcha)
    assert outbox(app) == 0


def sent(client: FlaskClient, ip: str, **fields: str) -> int:
    """A post from ``ip`` with its captcha solved: a lookup the limits may count."""
    form = imss_form(client, NSS_URL, **fields)
    return int(client.post(NSS_URL, data=form, environ_base={"REMOTE_ADDR": ip}).status_code)


def test_nss_is_limited_per_curp_whatever_the_address(tmp_path: Path, database_url: str) -> None:
    app = limited_app(tmp_path, database_url)
    client = app.test_client()
    codes = [
        sent(client, f"10.0.1.{n}", curp=f" {UNKNOWN.lower()} " if n % 2 else UNKNOWN,
             email=f"persona{n}@example.org")
        for n in range(4)
    ]  # fmt: skip
    assert codes == [200, 200, 200, 429]
    assert sent(client, "10.0.1.9", curp="PXNE660720HMCXTN06", email="otra@example.org") == 200
    form = imss_form(client, NSS_URL, curp=UNKNOWN, email="ultima@example.org")
    last = client.post(NSS_URL, data=form, environ_base={"REMOTE_ADDR": "10.0.2.1"})
    assert last.status_code == 429 and last.headers["Retry-After"]
    assert "Hiciste muchas solicitudes en poco tiempo." in body(last)  # the form, filled in


def test_a_wrong_captcha_does_not_spend_someone_else_s_curp(
    tmp_path: Path, database_url: str
) -> None:
    # Posts with a stranger's CURP and a wrong answer, from many addresses: none of them may
    # use up that CURP's budget (3 an hour), or anyone could stop its owner's lookup.
    app = limited_app(tmp_path, database_url)
    client = app.test_client()
    wrong = {"curp": UNKNOWN, "email": ADDRESS, "captcha_reto": "x", "captcha_respuesta": "1"}
    codes = [
        client.post(NSS_URL, data=wrong, environ_base={"REMOTE_ADDR": f"10.0.6.{n}"}).status_code
        for n in range(5)
    ]
    assert codes == [422] * 5
    assert sent(client, "10.0.6.99", curp=UNKNOWN, email=ADDRESS) == 200


def test_nss_is_limited_per_address(tmp_path: Path, database_url: str) -> None:
    # Each post brings a captcha answer to check, so each counts (5 a minute), even with the
    # address left blank.
    app = limited_app(tmp_path, database_url)
    client = app.test_client()
    curps = [curp_rules.validate(c) for c in _valid_curps(6)]
    codes = [sent(client, "10.0.3.1", curp=c) for c in curps]
    assert codes == [422] * 5 + [429]


def test_blank_and_mistyped_forms_are_not_counted(tmp_path: Path, database_url: str) -> None:
    # Someone who needs several tries must not meet a 429 for them: only an answer to the
    # captcha is counted.
    app = limited_app(tmp_path, database_url)
    client = app.test_client()
    tries = [{}, {"curp": "PXNE660720"}, {"curp": UNKNOWN, "email": "sin arroba"}] * 4
    codes = [client.post(NSS_URL, data=t, environ_base={"REMOTE_ADDR": "10.0.7.1"}).status_code
             for t in tries]  # fmt: skip
    assert codes == [422] * 12
    assert sent(client, "10.0.7.1", curp=UNKNOWN, email=ADDRESS) == 200


def test_nss_is_limited_per_destination_mailbox(tmp_path: Path, database_url: str) -> None:
    # Many CURPs from many client addresses, all to one mailbox (one subaddress each): a
    # directory in the making.
    app = limited_app(tmp_path, database_url)
    client = app.test_client()
    curps = [curp_rules.validate(c) for c in _valid_curps(10)] + [UNKNOWN]
    mailbox = [f"Recolector+{n}@Example.org{' ' * (n % 2)}" for n in range(len(curps))]
    codes = [sent(client, f"10.0.4.{n}", curp=c, email=mailbox[n]) for n, c in enumerate(curps)]
    assert codes == [200] * 10 + [429]
    assert sent(client, "10.0.4.99", curp=UNKNOWN, email="otra@example.org") == 200


def _valid_curps(count: int) -> list[str]:
    prefix = "PXNE660720HMCXTN"
    out = []
    for d in "0123456789":
        candidate = prefix[:-1] + "N" + d
        out.append(candidate + curp_rules.check_digit(candidate))
    return out[:count]


def test_limiter_keys_never_hold_the_curp(tmp_path: Path, database_url: str) -> None:
    app = limited_app(tmp_path, database_url)
    assert sent(app.test_client(), "10.0.8.1", curp=UNKNOWN, email=ADDRESS) == 200
    keys = " ".join(app.extensions["ratelimit"].primary.keys())
    assert "nss-curp:" in keys and UNKNOWN not in keys and UNKNOWN.lower() not in keys
