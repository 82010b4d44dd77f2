"""The Flask extensions, created once and bound to the app in ``create_app``."""

from babel import Locale
from flask import Flask, current_app, has_request_context, request
from flask_babel import Babel
from flask_htmx import HTMX
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from blueprints.ratelimit import Limiter
from blueprints.secretos import claves
from domain.models import Base

db = SQLAlchemy(model_class=Base)
csrf = CSRFProtect()
htmx = HTMX()
babel = Babel()
login_manager = LoginManager()
# Redis down must not take the site down: limits fall back to per-process memory.
limiter = Limiter()


def init_csrf(app: Flask) -> None:
    """CSRF on every unsafe request, checked by method first.

    flask-wtf's own hook looks up the view's exemptions before it reads the method, so every
    GET paid for two lookups it never needed (~6 % of a guide page, bench/load.py). Its
    documented switch WTF_CSRF_CHECK_DEFAULT hands the check to us; ``protect`` still applies
    the exemptions and raises the same CSRFError.
    """
    # A form opened before a SECRET_KEY rotation still submits: tokens are signed with the new
    # key and checked against the old ones too (flask-wtf hands this to itsdangerous as is).
    app.config.setdefault("WTF_CSRF_SECRET_KEY", claves(app.config))
    checks = app.config.get("WTF_CSRF_CHECK_DEFAULT", True)
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf.init_app(app)
    hooks = app.before_request_funcs.setdefault(None, [])
    # Its own hook now only reads that switch and returns: one call less per request.
    hooks[:] = [h for h in hooks if h.__qualname__ != "CSRFProtect.init_app.<locals>.csrf_protect"]
    if not checks:
        return
    methods = frozenset(app.config["WTF_CSRF_METHODS"])

    def csrf_protect() -> None:
        if request.method in methods and current_app.config["WTF_CSRF_ENABLED"]:
            csrf.protect(apply_exemptions=True)

    app.before_request(csrf_protect)


LANGUAGES = ("es", "en")
# Parsed once: flask-babel parses the selector's answer on every request unless it is a Locale.
LOCALES = {code: Locale.parse(code) for code in LANGUAGES}


def select_locale() -> Locale:
    """Spanish unless the person chose English with the language switch."""
    if not has_request_context():
        return LOCALES["es"]  # a CLI command: Spanish, unless it forces another (force_locale)
    environ = request.environ
    # Most requests name no language: skip parsing the query string and cookies for them.
    chosen = None
    if "lang=" in environ.get("QUERY_STRING", ""):
        chosen = request.args.get("lang")
    if not chosen and "lang=" in environ.get("HTTP_COOKIE", ""):
        chosen = request.cookies.get("lang")
    return LOCALES.get(chosen or "es", LOCALES["es"])
