"""Security headers on every page, and Spanish error pages instead of tracebacks."""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from blueprints.extensions import limiter
from domain import curp
from tests.conftest import make_app
from tests.web.cuenta_helpers import PASSWORD, crear_cuenta, entrar, seed


def simple_get_routes(app: Flask) -> list[str]:
    rules = []
    for rule in app.url_map.iter_rules():
        if "GET" in (rule.methods or set()) and not rule.arguments:
            rules.append(rule.rule)
    return sorted(rules)


def test_every_page_sends_the_security_headers(client, app: Flask) -> None:
    routes = simple_get_routes(app)
    assert "/healthz" in routes
    for route in routes:
        response = client.get(route)
        csp = response.headers.get("Content-Security-Policy", "")
        assert response.headers["X-Content-Type-Options"] == "nosniff", route
        if route.startswith("/api/v1/"):  # JSON: OWASP's set for APIs, a CSP allowing nothing
            assert csp == "default-src 'none'; frame-ancestors 'none'", route
            assert response.headers["X-Frame-Options"] == "DENY", route
            assert response.headers["Referrer-Policy"] == "no-referrer", route
            continue
        assert "default-src 'self'" in csp, route
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp, route
        assert response.headers["X-Content-Type-Options"] == "nosniff", route
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin", route
        assert "camera=()" in response.headers["Permissions-Policy"], route
        if "frame-ancestors 'none'" in csp:
            assert response.headers["X-Frame-Options"] == "DENY", route
        assert "Strict-Transport-Security" not in response.headers  # plain http here


def test_hsts_behind_https(client) -> None:
    response = client.get("/healthz", base_url="https://portal.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_not_found_page_is_spanish_html(client) -> None:
    response = client.get("/no-existe")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "No encontramos esta página" in html
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_api_errors_are_problem_json(client) -> None:
    response = client.get("/api/v1/no-existe")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 404


def test_method_not_allowed(client) -> None:
    response = client.delete("/healthz")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


@pytest.fixture
def error_app(tmp_path: Path) -> Flask:
    app = make_app(
        tmp_path, f"sqlite:///{tmp_path}/e.sqlite3", WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=True
    )

    def explode() -> str:
        raise RuntimeError("boom: PUFA850312MDFRCN02")

    def form() -> str:
        return "ok"

    app.add_url_rule("/_explota", view_func=explode)
    app.add_url_rule("/api/v1/_explota", view_func=explode, endpoint="api_explota")
    app.add_url_rule("/_form", view_func=form, methods=["POST"])
    app.add_url_rule("/_limitado", view_func=limiter.limit("2 per minute")(form), endpoint="lim")
    app.add_url_rule("/_por_hora", view_func=limiter.limit("1 per hour")(form), endpoint="hora")
    app.add_url_rule("/_por_dia", view_func=limiter.limit("1 per day")(form), endpoint="dia")
    return app


def test_unexpected_error_is_a_spanish_500_without_traceback(error_app: Flask, caplog) -> None:
    response = error_app.test_client().get("/_explota")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Algo falló de nuestro lado" in html
    assert "Traceback" not in html and "boom" not in html
    # The log names the route, never a path that could hold a CURP.
    assert "/_explota" in caplog.text


def test_expired_form_gets_a_friendly_page(error_app: Flask) -> None:
    response = error_app.test_client().post("/_form", data={"x": "1"})
    assert response.status_code == 400
    assert "El formulario caducó" in response.get_data(as_text=True)


def test_an_unexpected_api_error_is_spanish_problem_json(error_app: Flask) -> None:
    response = error_app.test_client().get("/api/v1/_explota", headers={"Accept-Language": "en"})
    assert response.status_code == 500 and response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["title"] == "Algo falló de nuestro lado"
    assert problem["detail"].startswith("Algo falló de nuestro lado. Vuelve a intentarlo")
    assert "boom" not in response.get_data(as_text=True)


HX = {"HX-Request": "true"}


def test_an_htmx_request_that_fails_gets_an_alert_for_the_page_not_a_page(
    error_app: Flask,
) -> None:
    # htmx would leave a 4xx/5xx answer unswapped; this one names where it goes (site.js).
    client = error_app.test_client()
    for path, method, status, words in [
        ("/_form", "post", 400, "El formulario caducó"),
        ("/_explota", "get", 500, "No es tu culpa"),
    ]:
        response = getattr(client, method)(path, headers=HX)
        html = response.get_data(as_text=True)
        assert response.status_code == status
        assert response.headers["HX-Retarget"] == "#aviso"
        assert response.headers["HX-Reswap"] == "innerHTML"
        assert words in html and "<html" not in html and "data-focus-on-swap" in html
    plain = client.post("/_form")
    assert plain.status_code == 400 and "HX-Retarget" not in plain.headers
    assert "<html" in plain.get_data(as_text=True)


def test_every_page_has_the_alert_region_htmx_errors_go_to(client) -> None:
    html = client.get("/curp").get_data(as_text=True)
    assert '<div id="aviso" aria-live="assertive"' in html and "data-texto-sin-conexion=" in html


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/_limitado", "Espera un minuto y vuelve a intentarlo."),
        ("/_por_hora", "Espera 60 minutos y vuelve a intentarlo."),
        ("/_por_dia", "horas y vuelve a intentarlo."),
    ],
)
def test_a_limit_says_how_long_to_wait(error_app: Flask, path: str, words: str) -> None:
    client = error_app.test_client()
    responses = [client.get(path) for _ in range(3)]
    last = responses[-1]
    assert last.status_code == 429 and words in last.get_data(as_text=True)
    fragment = client.get(path, headers=HX)
    assert fragment.status_code == 429 and words in fragment.get_data(as_text=True)
    assert fragment.headers["HX-Retarget"] == "#aviso" and fragment.headers["Retry-After"]


def test_too_many_requests_page(error_app: Flask) -> None:
    client = error_app.test_client()
    assert [client.get("/_limitado").status_code for _ in range(2)] == [200, 200]
    response = client.get("/_limitado")
    assert response.status_code == 429
    assert "Demasiadas solicitudes" in response.get_data(as_text=True)
    assert int(response.headers["Retry-After"]) > 0


def test_limited_responses_report_the_tightest_limit(error_app: Flask) -> None:
    client = error_app.test_client()
    first = client.get("/_limitado")
    assert first.headers["RateLimit-Limit"] == "2" and first.headers["RateLimit-Remaining"] == "1"
    assert 0 < int(first.headers["RateLimit-Reset"]) <= 60  # seconds left, as the draft says
    client.get("/_limitado")
    refused = client.get("/_limitado")
    assert refused.status_code == 429 and refused.headers["RateLimit-Remaining"] == "0"
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    # A view without a limit reports none, and another address has its own budget.
    assert "RateLimit-Limit" not in error_app.test_client().post("/_form").headers
    other = client.get("/_limitado", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200


def test_rate_limits_shared_through_redis(tmp_path: Path, redis_url: str) -> None:
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    apps = [
        make_app(
            tmp_path / str(i),
            f"sqlite:///{tmp_path}/r{i}.sqlite3",
            RATELIMIT_ENABLED=True,
            ENV={"REDIS_URL": redis_url},
        )
        for i in range(2)
    ]
    for app in apps:
        app.add_url_rule(
            "/_limitado", view_func=limiter.limit("2 per minute")(lambda: "ok"), endpoint="lim"
        )
    # Two servers share one budget: the third request is refused by the *other* server.
    responses = [apps[i % 2].test_client().get("/_limitado") for i in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert [r.headers["RateLimit-Remaining"] for r in responses] == ["1", "0", "0"]
    assert all(0 < int(r.headers["RateLimit-Reset"]) <= 60 for r in responses)
    client = redis.Redis.from_url(redis_url)
    [key] = client.keys("LIMITS*")
    assert client.get(key) == b"3" and 0 < client.ttl(key) <= 60
    # A window left without an expiry (a failure between two commands) gets one back.
    client.persist(key)
    apps[0].test_client().get("/_limitado")
    assert client.get(key) == b"4" and 0 < client.ttl(key) <= 60


def test_site_stays_up_when_redis_is_unreachable(tmp_path: Path) -> None:
    app = make_app(
        tmp_path,
        f"sqlite:///{tmp_path}/x.sqlite3",
        RATELIMIT_ENABLED=True,
        ENV={"REDIS_URL": "redis://127.0.0.1:1/0"},
    )
    app.add_url_rule(
        "/_limitado", view_func=limiter.limit("2 per minute")(lambda: "ok"), endpoint="lim"
    )
    client = app.test_client()
    codes = [client.get("/_limitado").status_code for _ in range(3)]
    assert codes == [200, 200, 429]  # the in-memory fallback still limits


def test_site_stays_up_when_redis_takes_connections_but_never_answers(tmp_path: Path) -> None:
    # A hung Redis: the connection opens, no reply ever comes. Without a socket timeout the
    # request would wait until gunicorn killed the worker (30 s) and never fall back.
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []

    def accept() -> None:
        with contextlib.suppress(OSError):
            while True:
                held.append(listener.accept()[0])

    threading.Thread(target=accept, daemon=True).start()
    port = listener.getsockname()[1]
    app = make_app(
        tmp_path,
        f"sqlite:///{tmp_path}/x.sqlite3",
        RATELIMIT_ENABLED=True,
        ENV={"REDIS_URL": f"redis://127.0.0.1:{port}/0"},
    )
    app.add_url_rule(
        "/_limitado", view_func=limiter.limit("2 per minute")(lambda: "ok"), endpoint="lim"
    )
    codes: list[int] = []

    def requests() -> None:
        client = app.test_client()
        codes.extend(client.get("/_limitado").status_code for _ in range(3))

    worker = threading.Thread(target=requests, daemon=True)
    worker.start()
    worker.join(timeout=20)  # a deadline for an answer at all, far above the 0.5 s timeout
    answered = not worker.is_alive()
    listener.close()
    for connection in held:
        connection.close()
    assert answered, "a Redis that never answers held the request"
    assert codes == [200, 200, 429]  # the in-memory fallback still limits


def test_database_outage_is_a_spanish_503(tmp_path: Path) -> None:
    app = make_app(tmp_path, f"sqlite:///{tmp_path}/missing/dir/db.sqlite3")
    client = app.test_client()
    response = client.get("/demo")  # the demo page reads the registry
    assert response.status_code == 503
    assert "no está disponible" in response.get_data(as_text=True)
    assert response.headers["Retry-After"] == "30"


def test_headers_also_on_responses_flask_builds_itself(client) -> None:
    response = client.get("/no-existe/ñandú")
    assert response.status_code == 404
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert len(response.headers["X-Request-ID"]) == 32


def test_htmx_responses_vary_on_the_htmx_header_once(client) -> None:
    response = client.get("/preguntas-frecuentes?q=curp", headers={"HX-Request": "true"})
    assert response.headers.get_all("Vary").count("HX-Request") <= 1
    assert "HX-Request" in response.headers["Vary"]


# --- Every form behind CSRF, every costly form behind a per-address limit ----------------------

# POST routes meant to work without a CSRF token, each with its reason. None today: the API and
# the verification pages are exempt, but they answer only GETs.
TOKEN_FREE: dict[str, str] = {}
# Path parameters of POST routes, filled with plausible values (a new one must be named here).
PATH_VALUES = {"token": "x.y.z", "campo": "curp"}
PARAMETER = re.compile(r"<(?:[^:<>]+:)?(\w+)>")


def test_every_unsafe_route_refuses_a_request_without_a_csrf_token(
    tmp_path: Path, database_url: str
) -> None:
    # Walked from the URL map, so a new form, or a blueprint exempted by mistake, can't escape.
    app = make_app(tmp_path, database_url, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    unsafe = set(app.config["WTF_CSRF_METHODS"])
    rules = list(app.url_map.iter_rules())
    assert set(TOKEN_FREE) <= {r.rule for r in rules}  # no reason left for a route gone
    checked = []
    for rule in rules:
        methods = sorted((rule.methods or set()) & unsafe)
        if not methods or rule.rule in TOKEN_FREE:
            continue
        missing = rule.arguments - PATH_VALUES.keys()
        assert not missing, f"{rule.rule}: give {missing} a value in PATH_VALUES"
        path = PARAMETER.sub(lambda m: PATH_VALUES[m.group(1)], rule.rule)
        for method in methods:
            # As htmx: a plain post to some flows gets its form back to confirm, also a 400,
            # which a bad link or a bad field could answer too; the htmx alert is CSRF's own.
            data = {"curp": "X", "email": "a@example.org"}
            response = client.open(path, method=method, data=data, headers=HX)
            assert response.status_code == 400, (method, path)
            assert "El formulario caducó" in response.get_data(as_text=True), (method, path)
        checked.append(rule.rule)
    assert {"/curp/no-la-conozco", "/imss/nss", "/oficina/correo"} <= set(checked)


LIMITED = [
    # path, method, requests an address may make before a 429, seconds between them
    ("/cuenta/entrar", "POST", 10, 0),  # 10 per minute
    ("/cuenta/entrar", "POST", 60, 7),  # 60 per hour: 7 s apart, never 10 in one minute
    ("/cuenta/recuperar", "POST", 10, 0),  # 10 per hour
    ("/cuenta/activar/reenviar", "POST", 10, 0),  # 10 per hour
    ("/cuenta/registro", "POST", 20, 0),  # 20 per hour
    ("/oficina/contrasena", "POST", 10, 0),  # 10 per hour
    ("/oficina/correo", "POST", 10, 0),  # 10 per hour
]
# The n-th post of each form, filled so that it changes no account and locks none (a locked
# sign-in is a 429 too), with its answer while under the limit. Each is a real attempt: a
# blank form is never counted (test_cuenta_limites.py).


def _otra_curp(n: int) -> str:
    # A valid CURP (an invalid one is explained and never counted), a different date each time.
    first17 = f"PXNE66{1 + n // 28:02d}{1 + n % 28:02d}HMCXTN0"
    return first17 + curp.check_digit(first17)


FORMS: dict[str, tuple[Callable[[int], dict[str, str]], int]] = {
    # A CURP without an account, a new one each time: none of them locks.
    "/cuenta/entrar": (lambda n: {"curp": _otra_curp(n), "password": "no es"}, 422),
    "/cuenta/recuperar": (lambda n: {"email": "nadie@example.org"}, 303),
    # An address of its own each time: its own limit (3 links an hour) never answers first.
    "/cuenta/activar/reenviar": (lambda n: {"email": f"nadie{n}@example.org"}, 303),
    # A captcha answer to check: it is wrong (no such question), the rest blank.
    "/cuenta/registro": (lambda n: {"captcha_reto": "x", "captcha_respuesta": "3"}, 422),
    "/oficina/contrasena": (lambda n: {"actual": PASSWORD, "password": ""}, 422),
    "/oficina/correo": (lambda n: {"email": "", "actual": PASSWORD}, 422),
}


@pytest.mark.parametrize(("path", "method", "allowed", "spacing"), LIMITED)
def test_each_costly_form_is_limited_per_address(
    tmp_path: Path,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    path: str,
    method: str,
    allowed: int,
    spacing: int,
) -> None:
    clock = [time.time()]  # the limiter's windows, moved by hand
    monkeypatch.setattr(time, "time", lambda: clock[0])
    app = make_app(tmp_path, database_url, RATELIMIT_ENABLED=True)
    client = app.test_client()
    if path.startswith("/oficina/"):
        curp = seed(app)["issste_titular"][0]
        crear_cuenta(app, curp, "titular@example.org")
        assert entrar(client, curp).status_code == 303

    data, answer = FORMS[path]
    sent = iter(range(allowed + 2))

    def send(address: str) -> TestResponse:
        environ = {"REMOTE_ADDR": address}
        return client.open(path, method=method, data=data(next(sent)), environ_base=environ)

    for i in range(allowed):
        assert send("10.0.0.1").status_code == answer, i
        clock[0] += spacing
    refused = send("10.0.0.1")
    assert refused.status_code == 429
    assert "Hiciste muchas solicitudes en poco tiempo." in refused.get_data(as_text=True)
    assert send("10.0.0.2").status_code == answer  # another address has its own budget
    # Only posts count: the page itself still opens.
    assert client.get(path, environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code == 200
