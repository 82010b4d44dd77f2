"""What a refused request costs: nothing from the budgets that still had room (the other windows
of its limit, the other limits on its route), in memory, in Redis and in the memory that stands
in while Redis is down; and how long it is told to wait, rounded up so that waiting exactly that
long is enough."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import redis
from flask import Flask
from limits import parse

from blueprints.extensions import limiter
from tests.conftest import make_app, sqlite_database
from tests.web.embed_helpers import VALID

STATUS = f"/api/v1/estatus/{VALID}"


@pytest.fixture(params=["memory", "redis", "redis-caido"])
def storage(request: pytest.FixtureRequest) -> dict[str, str]:
    """The limits' storage, as REDIS_URL names it."""
    if request.param == "memory":
        return {}
    if request.param == "redis-caido":  # nothing listens there: the limits move to memory
        return {"REDIS_URL": "redis://127.0.0.1:1/0"}
    url = request.getfixturevalue("redis_url")
    redis.Redis.from_url(url).flushdb()
    return {"REDIS_URL": url}


def status_app(tmp_path: Path, storage: dict[str, str]) -> Flask:
    url = sqlite_database(tmp_path / "estatus.sqlite3")  # the limits are the same on PostgreSQL
    return make_app(
        tmp_path,
        url,
        RATELIMIT_ENABLED=True,
        EMBED_STATUS_LIMIT_IP="2 per minute;4 per day",
        EMBED_STATUS_LIMIT_ORIGIN="3 per hour",
        ENV={"EMBED_STATUS_LOOKUP": "1", **storage},
    )


def ask(app: Flask, address: str, site: str = "https://a.example") -> int:
    client = app.test_client()
    environ = {"REMOTE_ADDR": address}
    return client.get(STATUS, environ_base=environ, headers={"Origin": site}).status_code


def test_the_minutes_refusals_leave_the_days_budget(
    tmp_path: Path, storage: dict[str, str]
) -> None:
    app = status_app(tmp_path, storage)
    assert [ask(app, "10.0.0.1", f"https://{n}.example") for n in range(5)] == [
        *(200, 200),
        *(429, 429, 429),
    ]
    # Only the two answers came out of the day: 2 of 4, not 5 (locked out until tomorrow).
    state = app.extensions["ratelimit"]
    assert state.peek(parse("4 per day").key_for("estatus-ip", "10.0.0.1")) == 2
    assert state.peek(parse("2 per minute").key_for("estatus-ip", "10.0.0.1")) == 5


def test_one_address_refused_spends_nothing_of_its_sites_budget(
    tmp_path: Path, storage: dict[str, str]
) -> None:
    app = status_app(tmp_path, storage)
    # One person asking too fast on a site: refused by their own minute...
    assert [ask(app, "10.0.0.1") for _ in range(5)] == [200, 200, 429, 429, 429]
    # ... leaves the site's budget (3 an hour) to the next person: two were spent, not five.
    assert ask(app, "10.0.0.2") == 200
    assert ask(app, "10.0.0.3") == 429  # now the site's own limit refuses
    # Refused by the site's budget, that person's own is untouched: two on another site.
    assert [ask(app, "10.0.0.3", "https://b.example") for _ in range(3)] == [200, 200, 429]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The limiter's windows (in memory), moved by hand; not on a whole second."""
    now = [1_000_000.5]
    monkeypatch.setattr(time, "time", lambda: now[0])
    return now


def test_a_client_that_kept_asking_is_answered_again_the_next_minute(
    tmp_path: Path, clock: list[float]
) -> None:
    app = status_app(tmp_path, {})
    # "2 per minute;4 per day", and 5 quick requests: 2 answers, 3 refusals...
    assert [ask(app, "10.0.0.1", f"https://{n}.example") for n in range(5)] == [
        *(200, 200),
        *(429, 429, 429),
    ]
    # ... and the next minute two more answers, not a day's lockout.
    clock[0] += 60
    assert [ask(app, "10.0.0.1", f"https://{n}.example") for n in range(5, 8)] == [200, 200, 429]
    clock[0] += 60
    client = app.test_client()
    spent = client.get(STATUS, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert spent.status_code == 429  # now the day's 4 are spent
    assert spent.headers["Retry-After"] == str(86400 - 120)


def test_waiting_exactly_retry_after_is_enough(tmp_path: Path, clock: list[float]) -> None:
    app = make_app(tmp_path, f"sqlite:///{tmp_path}/x.sqlite3", RATELIMIT_ENABLED=True)
    app.add_url_rule(
        "/_limitado", view_func=limiter.limit("2 per minute")(lambda: "ok"), endpoint="lim"
    )
    client = app.test_client()
    first = client.get("/_limitado")
    assert first.headers["RateLimit-Reset"] == "60"
    client.get("/_limitado")
    clock[0] += 23.7  # 36.3 s of the window left: 37 to wait, not 36
    refused = client.get("/_limitado")
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "37" and refused.headers["RateLimit-Reset"] == "37"
    clock[0] += int(refused.headers["Retry-After"])
    assert client.get("/_limitado").status_code == 200


def test_when_two_windows_refuse_retry_after_is_the_longer_wait(
    tmp_path: Path, clock: list[float]
) -> None:
    app = make_app(tmp_path, f"sqlite:///{tmp_path}/x.sqlite3", RATELIMIT_ENABLED=True)
    view = limiter.limit("2 per minute;3 per day")(lambda: "ok")
    app.add_url_rule("/_limitado", view_func=view, endpoint="lim")
    client = app.test_client()
    assert client.get("/_limitado").status_code == 200
    clock[0] += 61
    assert [client.get("/_limitado").status_code for _ in range(2)] == [200, 200]
    # The request that passes both limits at once: the day's wait, not the minute's.
    refused = client.get("/_limitado")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) == 86400 - 61
    clock[0] += 60
    assert client.get("/_limitado").status_code == 429
