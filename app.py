"""The application factory: configuration, extensions, blueprints and CLI. Nothing else."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask.cli import NoAppException
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from blueprints import (
    api,
    captcha,
    carnet,
    cli,
    constancias,
    # constancias.bp's emailed documents: importing the module is what adds their routes to it.
    constancias_correo,  # noqa: F401
    core,
    cuenta,
    # cuenta.bp's other views: importing these modules is what adds their routes to it.
    cuenta_activar,  # noqa: F401
    cuenta_correo,  # noqa: F401
    cuenta_entrar,  # noqa: F401
    cuenta_recuperar,  # noqa: F401
    cuenta_reenviar,  # noqa: F401
    cuenta_registro,  # noqa: F401
    curp,
    edge,
    embed,
    errors,
    guides,
    imss,
    # imss.bp's NSS lookup, added the same way.
    imss_nss,  # noqa: F401
    integracion,
    mail,
    mail_demo,
    observability,
    oficina,
    # oficina.bp's closing of an account, added the same way.
    oficina_cerrar,  # noqa: F401
    sesiones,
    templating,
    verificacion,
)
from blueprints.extensions import (
    babel,
    db,
    htmx,
    init_csrf,
    limiter,
    login_manager,
    select_locale,
)
from domain.archivos_privados import create_private_file
from domain.settings import ConfigError, Settings

ROOT = Path(__file__).resolve().parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_path=os.environ.get("INSTANCE_PATH") or str(ROOT / "instance"))
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    environ = dict(os.environ)
    if test_config:
        environ.update({k: str(v) for k, v in test_config.get("ENV", {}).items()})
    try:
        settings = Settings.from_env(environ, instance)
    except ConfigError as exc:
        if click.get_current_context(silent=True) is not None:
            # Under `flask …` (a command, or its --help) the operator gets the sentence that
            # says what to set, as Flask prints an app it cannot load, not a traceback.
            raise NoAppException(str(exc)) from exc
        raise
    if settings.sqlite_file:
        create_private_file(settings.sqlite_file)  # before SQLite makes it 0644
    app.config.from_mapping(_flask_config(settings))
    if test_config:
        app.config.update({k: v for k, v in test_config.items() if k != "ENV"})
    app.extensions["settings"] = settings

    # Inside ProxyFix, so that it sees the scheme the client used (HSTS only over https).
    edge.install(app, settings)
    if settings.proxy_count:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app,
            x_for=settings.proxy_count,
            x_proto=settings.proxy_count,
            x_host=settings.proxy_count,
        )
    db.init_app(app)
    # Before the blueprints: embed.bp wraps whatever session interface is installed by then.
    app.session_interface = sesiones.SesionesFirmadas()
    init_csrf(app)
    htmx.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(ROOT / "translations"),
    )
    limiter.init_app(app)
    # No template reads current_user: skip the context processor that loads it for every page.
    login_manager.init_app(app, add_context_processor=False)
    # Nor do we ever set a remember-me cookie (a session ends after 30 idle minutes), so the
    # hook that would renew one only touches every session, adding "Vary: Cookie" to pages
    # that do not depend on it.
    app.after_request_funcs[None].remove(login_manager._update_remember_cookie)

    observability.init_app(app)
    templating.init_app(app)
    errors.init_app(app)
    mail.init_app(app)
    for blueprint in (
        core.bp,
        curp.bp,
        api.bp,
        guides.bp,
        mail_demo.bp,
        captcha.bp,
        embed.bp,
        integracion.bp,
        imss.bp,
        constancias.bp,
        verificacion.bp,
        cuenta.bp,
        oficina.bp,
        carnet.bp,
    ):
        app.register_blueprint(blueprint)
    cli.init_app(app)
    return app


def _flask_config(settings: Settings) -> dict[str, Any]:
    url = settings.database_url
    # hide_parameters: SQL errors would otherwise print CURPs and addresses into the logs.
    engine_options: dict[str, Any] = {"pool_pre_ping": True, "hide_parameters": True}
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        engine_options = {"connect_args": {"timeout": 30}, "hide_parameters": True}
    return {
        "SECRET_KEY": settings.secret_key,
        "SECRET_KEY_FALLBACKS": list(settings.secret_key_fallbacks),
        "DEMO_MODE": settings.demo_mode,
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options,
        "RATELIMIT_STORAGE_URI": settings.redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "SESSION_COOKIE_SECURE": settings.https,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PREFERRED_URL_SCHEME": "https" if settings.https else "http",
        "WTF_CSRF_TIME_LIMIT": 3600,
        # Signed-in sessions end after 30 idle minutes: sign-in marks the session permanent and
        # Flask renews the cookie on every request (SESSION_REFRESH_EACH_REQUEST). Anonymous
        # sessions (a form's CSRF secret) last WTF_CSRF_TIME_LIMIT instead: blueprints/sesiones.py.
        "PERMANENT_SESSION_LIFETIME": dt.timedelta(minutes=30),
        # How long before that end a signed-in page warns and offers to stay (WCAG 2.2.1).
        "SESSION_WARNING_BEFORE": dt.timedelta(minutes=3),
        "SESSION_REFRESH_EACH_REQUEST": True,
        "BABEL_DEFAULT_LOCALE": "es",
        "MAX_CONTENT_LENGTH": 64 * 1024,
        "PUBLIC_BASE_URL": settings.public_base_url,
        "METRICS_TOKEN": settings.metrics_token,
    }


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers run beside the single writer; busy_timeout makes writers queue instead
    # of failing; SQLite leaves foreign keys off unless asked on every connection.
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
