"""The Flask extensions, created once and bound to the app in ``create_app``."""

from babel import Locale
from flask import Flask, request
from flask_babel import Babel
from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from domain.models import Base

db = SQLAlchemy(model_class=Base)
csrf = CSRFProtect()
htmx = HTMX()
babel = Babel()
login_manager = LoginManager()
limiter = Limiter(
    key_func=get_remote_address,
    headers_enabled=True,
    # Redis down must not take the site down: limits fall back to per-process memory.
    in_memory_fallback_enabled=True,
)


def init_limiter(app: Flask) -> None:
    limiter.init_app(app)
    # flask-limiter also runs a check before every request, for default, application-wide
    # and meta limits. We set none of those: every limit sits on its view and is checked by
    # the decorator (which also notices a dead or recovered Redis). So that hook only ever
    # resolved an empty list, at a third of a guide page's time with limits on (bench/load.py).
    if not (
        limiter.limit_manager._default_limits
        or limiter.limit_manager._application_limits
        or limiter._meta_limits
    ):
        hooks = app.before_request_funcs.get(None, [])
        if limiter._check_request_limit in hooks:
            hooks.remove(limiter._check_request_limit)


LANGUAGES = ("es", "en")
# Parsed once: flask-babel parses the selector's answer on every request unless it is a Locale.
LOCALES = {code: Locale.parse(code) for code in LANGUAGES}


def select_locale() -> Locale:
    """Spanish unless the person chose English with the language switch."""
    environ = request.environ
    # Most requests name no language: skip parsing the query string and cookies for them.
    chosen = None
    if "lang=" in environ.get("QUERY_STRING", ""):
        chosen = request.args.get("lang")
    if not chosen and "lang=" in environ.get("HTTP_COOKIE", ""):
        chosen = request.cookies.get("lang")
    return LOCALES.get(chosen or "es", LOCALES["es"])
