"""The factory, its configuration, the health check and the language switch."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from app import create_app
from domain.settings import ConfigError, Settings
from tests.conftest import make_app
from tests.web.cli_helpers import flask_command


def test_refuses_to_start_without_secret_key_outside_demo(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        Settings.from_env({"DEMO_MODE": "0"}, tmp_path)
    with pytest.raises(ConfigError):
        make_app(tmp_path, "sqlite://", ENV={"DEMO_MODE": "0", "SECRET_KEY": ""})


@pytest.mark.parametrize("command", [["freeze", "--help"], ["db", "upgrade"]])
def test_a_command_without_its_secret_says_what_to_set_not_a_traceback(
    tmp_path: Path, command: list[str]
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEMO_MODE"}}
    env.update(INSTANCE_PATH=str(tmp_path), DEMO_MODE="0")
    result = flask_command(*command, env=env)
    assert result.returncode != 0
    assert result.stderr.startswith("Error: Falta SECRET_KEY.")
    assert "Traceback" not in result.stderr


def test_demo_mode_creates_and_keeps_a_random_secret(tmp_path: Path) -> None:
    first = Settings.from_env({"DEMO_MODE": "1"}, tmp_path)
    again = Settings.from_env({"DEMO_MODE": "1"}, tmp_path)
    assert len(first.secret_key) >= 40
    assert first.secret_key == again.secret_key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_embedded_defaults_need_no_configuration(tmp_path: Path) -> None:
    settings = Settings.from_env({"DEMO_MODE": "1"}, tmp_path)
    assert settings.database_url == f"sqlite:///{tmp_path / 'derechohabiencia.sqlite3'}"
    assert settings.redis_url is None
    assert settings.mail_server is None
    assert settings.outbox_dir == tmp_path / "outbox"
    assert settings.public_base_url == "http://127.0.0.1:5000"
    assert (settings.signing_key, settings.signing_old_public_keys) == (None, "")


def test_environment_chooses_the_services(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "SECRET_KEY": "x",
            "DATABASE_URL": "postgresql://db/portal",
            "REDIS_URL": "redis://cache:6379/0",
            "MAIL_SERVER": "smtp.example.org",
            "MAIL_PORT": "587",
            "MAIL_USE_TLS": "1",
            "PUBLIC_BASE_URL": "https://portal.example.org/",
            "EMBED_ALLOWED_ORIGINS": "https://a.example, https://b.example",
            "SIGNING_KEY": " /etc/portal/firma.pem \n",
            "SIGNING_OLD_PUBLIC_KEYS": "AAAA, BBBB",
        },
        tmp_path,
    )
    assert not settings.demo_mode
    assert settings.database_url == "postgresql://db/portal"
    assert (settings.mail_port, settings.mail_use_tls) == (587, True)
    assert settings.public_base_url == "https://portal.example.org"
    assert settings.embed_allowed_origins == ("https://a.example", "https://b.example")
    assert settings.signing_key == "/etc/portal/firma.pem"
    assert settings.signing_old_public_keys == "AAAA, BBBB"
    assert settings.https


def test_settings_never_print_their_secrets(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "SECRET_KEY": "clave-de-sesion",
            "DATABASE_URL": "postgresql://portal:contrasena-bd@db/portal",
            "REDIS_URL": "redis://:contrasena-redis@cache:6379/0",
            "MAIL_PASSWORD": "contrasena-smtp",
            "METRICS_TOKEN": "token-de-las-metricas",
            "SECRET_KEY_FALLBACKS": "clave-anterior",
            "SIGNING_KEY": "-----BEGIN PRIVATE KEY-----\nclave-de-firma\n-----END PRIVATE KEY-----",
        },
        tmp_path,
    )
    shown = repr(settings)
    assert "issuer_name" in shown
    for secret in ("clave-de", "contrasena", "token-de-las-metricas", "clave-anterior"):
        assert secret not in shown


def test_bad_number_in_environment_is_explained(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="MAIL_PORT"):
        Settings.from_env({"DEMO_MODE": "1", "MAIL_PORT": "veinticinco"}, tmp_path)


def test_a_short_metrics_token_is_refused_at_start(tmp_path: Path) -> None:
    # /metrics is not rate limited: a short token could be guessed.
    with pytest.raises(ConfigError, match="METRICS_TOKEN es demasiado corto"):
        Settings.from_env({"DEMO_MODE": "1", "METRICS_TOKEN": "s3creto"}, tmp_path)


def test_an_issuer_name_the_pdf_cannot_print_is_refused_at_start(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"ISSUER_NAME tiene «北» \(U\+5317\)"):
        Settings.from_env({"DEMO_MODE": "1", "ISSUER_NAME": "Instituto 北京"}, tmp_path)
    latin = Settings.from_env({"DEMO_MODE": "1", "ISSUER_NAME": "Instituto Ñandú №2"}, tmp_path)
    assert latin.issuer_name == "Instituto Ñandú №2"


def test_production_without_public_base_url_warns_once_at_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("WARNING", logger="blueprints.mail"):
        make_app(tmp_path, "sqlite://", ENV={"DEMO_MODE": "0", "PUBLIC_BASE_URL": ""})
        make_app(tmp_path, "sqlite://", ENV={"DEMO_MODE": "1", "PUBLIC_BASE_URL": ""})
        make_app(
            tmp_path, "sqlite://", ENV={"DEMO_MODE": "0", "PUBLIC_BASE_URL": "https://p.example"}
        )
    warnings = [r.getMessage() for r in caplog.records if "PUBLIC_BASE_URL" in r.getMessage()]
    assert len(warnings) == 1
    assert "Secure" in warnings[0]


def test_the_start_up_warnings_are_json_lines_like_every_other(tmp_path: Path) -> None:
    """Written once the JSON logging is set up: a line before it would come out as bare text,
    which a log pipeline expecting JSON drops."""
    env = {k: v for k, v in os.environ.items() if k not in {"PUBLIC_BASE_URL", "MAIL_SERVER"}}
    env.update(
        INSTANCE_PATH=str(tmp_path),
        DEMO_MODE="0",
        SECRET_KEY="k" * 40,
        DATABASE_URL=f"sqlite:///{tmp_path}/p.sqlite3",
        ISSUER_ADDRESS="",
    )
    result = flask_command("routes", env=env)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    said = [json.loads(line)["message"] for line in lines]  # each line is JSON
    for variable in ("PUBLIC_BASE_URL", "MAIL_SERVER", "ISSUER_ADDRESS"):
        assert sum(variable in message for message in said) == 1, said


NO_CONTACT = {"ISSUER_ADDRESS": "", "ISSUER_CONTACT": "", "PRIVACY_CONTACT": ""}


def test_demo_footer_contact_is_obviously_fictitious(tmp_path: Path) -> None:
    settings = Settings.from_env({"DEMO_MODE": "1", **NO_CONTACT}, tmp_path)
    assert settings.issuer_address and settings.address_is_fictitious
    assert settings.issuer_contact and settings.issuer_contact.endswith(".example")
    assert settings.privacy_contact == settings.issuer_contact
    assert settings.missing_contact == ()


def test_outside_demo_the_contact_is_the_operators_or_none(tmp_path: Path) -> None:
    unset = Settings.from_env({"SECRET_KEY": "x", **NO_CONTACT}, tmp_path)
    assert (unset.issuer_address, unset.issuer_contact, unset.privacy_contact) == (None,) * 3
    assert unset.missing_contact == ("ISSUER_ADDRESS", "ISSUER_CONTACT")
    settings = Settings.from_env(
        {
            "SECRET_KEY": "x",
            "ISSUER_ADDRESS": " Av. Siempre Viva 742, 06000 Ciudad de México ",
            "ISSUER_CONTACT": "mailto:contacto@inst.example.gob.mx",
        },
        tmp_path,
    )
    assert settings.issuer_address == "Av. Siempre Viva 742, 06000 Ciudad de México"
    assert not settings.address_is_fictitious
    assert settings.issuer_contact == "contacto@inst.example.gob.mx"
    assert settings.privacy_contact == "contacto@inst.example.gob.mx"  # ISSUER_CONTACT's
    own = Settings.from_env(
        {"SECRET_KEY": "x", "PRIVACY_CONTACT": "https://inst.example.gob.mx/arco"}, tmp_path
    )
    assert own.privacy_contact == "https://inst.example.gob.mx/arco"


@pytest.mark.parametrize(
    "value", ["contacto", "http://inst.example/contacto", "tel:5555555555", "a b@inst.example"]
)
def test_a_contact_must_be_an_email_or_an_https_address(tmp_path: Path, value: str) -> None:
    for name in ("ISSUER_CONTACT", "PRIVACY_CONTACT"):
        with pytest.raises(ConfigError, match=name):
            Settings.from_env({"DEMO_MODE": "1", name: value}, tmp_path)


def test_missing_contact_is_one_warning_at_start_outside_demo(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    production = {"DEMO_MODE": "0", **NO_CONTACT}
    with caplog.at_level("WARNING", logger="blueprints.templating"):
        make_app(tmp_path, "sqlite://", ENV=production)
    warnings = [r for r in caplog.records if r.name == "blueprints.templating"]
    assert len(warnings) == 1
    assert "ISSUER_ADDRESS" in warnings[0].getMessage()
    assert "ISSUER_CONTACT" in warnings[0].getMessage()
    caplog.clear()
    with caplog.at_level("WARNING", logger="blueprints.templating"):
        make_app(tmp_path, "sqlite://", ENV={**NO_CONTACT})  # demo: fictitious ones
        configured = {"ISSUER_ADDRESS": "Calle 1", "ISSUER_CONTACT": "a@inst.example"}
        make_app(tmp_path, "sqlite://", ENV={"DEMO_MODE": "0", **configured})
    assert [r for r in caplog.records if r.name == "blueprints.templating"] == []


def test_https_public_url_makes_cookies_secure(tmp_path: Path) -> None:
    app = make_app(tmp_path, "sqlite://", ENV={"PUBLIC_BASE_URL": "https://x.example"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_postgresql_url_uses_psycopg3(tmp_path: Path) -> None:
    app = make_app(tmp_path, "postgresql://postgres@127.0.0.1:5432/test")
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")


def test_create_app_without_test_config_reads_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "inst"))
    monkeypatch.setenv("DEMO_MODE", "1")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app()
    assert app.config["DEMO_MODE"] is True
    assert (tmp_path / "inst" / "secret_key").exists()


def test_healthz_checks_the_database(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_an_unreachable_database(tmp_path: Path) -> None:
    app = make_app(tmp_path, f"sqlite:///{tmp_path}/no/such/dir/db.sqlite3")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_language_switch_keeps_spanish_default_and_offers_english(client) -> None:
    page = client.get("/demo")
    assert '<html lang="es">' in page.get_data(as_text=True)
    switched = client.get("/idioma?lang=en&next=/demo")
    assert switched.status_code == 302
    assert switched.headers["Location"] == "/demo"
    page = client.get("/demo")
    assert '<html lang="en">' in page.get_data(as_text=True)


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/x",
        "javascript:x",
        "/\\evil.example",
        "/\r\nSet-Cookie:x=1",  # a header in the Location would be a 500, or worse
        "/\t/evil.example",  # browsers drop tabs and newlines: "//evil.example", off site
        "/\n/evil.example",
        "/\r/evil.example",
        "/\x0b/evil.example",  # other control characters have no place in a Location either
    ],
)
def test_language_switch_never_redirects_off_site(client, target: str) -> None:
    response = client.get("/idioma", query_string={"lang": "en", "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_unknown_language_is_not_found(client) -> None:
    assert client.get("/idioma?lang=fr").status_code == 404
