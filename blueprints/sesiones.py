"""Signed-cookie sessions whose lifetime depends on who holds them.

Flask checks every session cookie against PERMANENT_SESSION_LIFETIME, permanent or not. Our 30
minutes there are meant for signed-in sessions: sign-in marks the session permanent and Flask
re-signs its cookie on every request, so they end after 30 idle minutes. An anonymous session
holds flask-wtf's CSRF secret, and its cookie is re-signed only when the session changes: Flask
threw it away at 30 minutes while the form's token was good for WTF_CSRF_TIME_LIMIT (an hour), so
a public form filled slowly came back as "El formulario caducó".

The hour counts from when the cookie was signed, not from when the form was shown: a person who
read guides for 50 minutes and then opened a form would have had 10 minutes left. So a response
that renders a CSRF token re-signs an anonymous cookie older than ``RESIGN_AFTER``: a form shown
is good for at least 55 minutes, and only form pages pay for the new Set-Cookie.

A signed-in page says how long the session lasts idle and warns before it ends (WCAG 2.2.1):
``limite`` is what those pages render, from the same config the cookie check reads.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from typing import NamedTuple

from flask import Flask, Request, Response, current_app, g
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from itsdangerous import BadSignature

RESIGN_AFTER = 5 * 60  # seconds


class Limite(NamedTuple):
    """A signed-in session's idle limit and how long before it the page warns, in seconds."""

    segundos: int
    aviso: int

    @property
    def minutos(self) -> int:
        return max(1, math.ceil(self.segundos / 60))

    @property
    def minutos_aviso(self) -> int:
        return max(1, math.ceil(self.aviso / 60))


def limite() -> Limite:
    """The app's idle limit; the warning never takes more than half of it."""
    segundos = int(current_app.permanent_session_lifetime.total_seconds())
    antes: dt.timedelta = current_app.config["SESSION_WARNING_BEFORE"]
    return Limite(segundos, min(int(antes.total_seconds()), segundos // 2))


class SesionFirmada(SecureCookieSession):
    """A session that remembers when its cookie was signed (0: no cookie came)."""

    firmada: int = 0


class SesionesFirmadas(SecureCookieSessionInterface):
    """Anonymous sessions last as long as a CSRF token; signed-in ones, 30 idle minutes."""

    session_class = SesionFirmada

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        serializer = self.get_signing_serializer(app)  # SECRET_KEY, then SECRET_KEY_FALLBACKS
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        signed_in = int(app.permanent_session_lifetime.total_seconds())
        anonymous = app.config.get("WTF_CSRF_TIME_LIMIT", 3600)  # None: tokens never expire
        try:
            data, signed = serializer.loads(
                value,
                max_age=None if anonymous is None else max(int(anonymous), signed_in),
                return_timestamp=True,
            )
        except BadSignature:
            return self.session_class()
        # A session with a user in it gets the shorter limit even if it somehow lost the
        # permanent mark: signing in must never last longer than it did before. The age is in
        # whole seconds, as itsdangerous counts it.
        holds_user = data.get("_permanent") or "_user_id" in data
        if holds_user and int(time.time()) - int(signed.timestamp()) > signed_in:
            return self.session_class()
        session = self.session_class(data)
        session.firmada = int(signed.timestamp())
        return session

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        field = app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        if (
            isinstance(session, SesionFirmada)
            and session.firmada
            and not session.modified
            and field in g  # this response shows a form with a token
            and int(time.time()) - session.firmada > RESIGN_AFTER
        ):
            session.modified = True  # Flask signs it again with the time of now
        super().save_session(app, session, response)
