"""Configuration read from the environment: none of it is needed for the embedded default.

Pure Python so that the app factory, the CLI and the benchmarks read the same settings the
same way. Secrets have no fallback outside demo mode. How one variable is read and checked is in
``domain.settings_valores``; the files the settings create, in ``domain.archivos_privados``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from domain.archivos_privados import load_or_create_secret
from domain.settings_valores import (
    ConfigError,
    contact_value,
    env_flag,
    env_int,
    issuer_name,
    token,
)

# Obviously fictitious, so that nobody takes a demo portal's footer for a real institution's;
# the footer also says so, in the page's language (Settings.address_is_fictitious).
DEMO_ADDRESS = "Calle Ficticia 123, Colonia Ejemplo, 00000 Ciudad de México"
LOOPBACK = "http://127.0.0.1:5000"  # where `make run` serves; the default PUBLIC_BASE_URL
DEMO_CONTACT = "contacto@derechohabiencia.example"
EMBEDDED_DATABASE = "derechohabiencia.sqlite3"  # under the instance folder
_SQLITE = frozenset({"sqlite", "sqlite+pysqlite"})


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting the portal reads, with the embedded defaults filled in.

    Secrets stay out of the repr, so that printing the settings never leaks them.
    """

    demo_mode: bool
    secret_key: str = field(repr=False)
    database_url: str = field(repr=False)  # may hold a password
    redis_url: str | None = field(repr=False)  # may hold a password
    mail_server: str | None
    mail_port: int
    mail_username: str | None
    mail_password: str | None = field(repr=False)
    mail_use_tls: bool
    mail_default_sender: str
    public_base_url: str
    embed_allowed_origins: tuple[str, ...]
    embed_status_lookup: bool
    issuer_name: str
    # Where the footer says the institution is and how to reach it; the privacy notice and the
    # accessibility statement send people there. None: unset outside demo, and not shown.
    issuer_address: str | None
    issuer_contact: str | None
    privacy_contact: str | None  # for personal data (ARCO rights); ISSUER_CONTACT if unset
    proxy_count: int
    metrics_token: str | None = field(repr=False)
    secret_key_fallbacks: tuple[str, ...] = field(repr=False)
    instance_path: Path
    # PEM text or a PEM file's path; checked where documents are signed (domain/signing_config.py),
    # so a portal without one still serves everything but issuance.
    signing_key: str | None = field(repr=False)
    signing_old_public_keys: str

    @property
    def outbox_dir(self) -> Path:
        return self.instance_path / "outbox"

    @property
    def embedded_database(self) -> Path | None:
        """The SQLite file of the embedded default; None when DATABASE_URL names a database."""
        path = self.instance_path / EMBEDDED_DATABASE
        return path if self.database_url == f"sqlite:///{path}" else None

    @property
    def sqlite_file(self) -> Path | None:
        """The file of an SQLite DATABASE_URL, embedded or not; None for another database or
        one in memory.

        >>> def file(url):
        ...     env = {"SECRET_KEY": "k", "DATABASE_URL": url}
        ...     return Settings.from_env(env, Path("/srv/instance")).sqlite_file
        >>> file("sqlite:////srv/p.db"), file("sqlite:///mi%20base.db"), file("sqlite://")
        (PosixPath('/srv/p.db'), PosixPath('/srv/instance/mi base.db'), None)
        """
        # Read as Flask-SQLAlchemy reads it (its _apply_driver_defaults): the same drivers, the
        # path %-decoded, a relative one in the instance folder. A file: URI is left to SQLite.
        try:
            url = make_url(self.database_url)
        except ArgumentError:
            return None  # the database's own error says what is wrong with it, once opened
        path = url.database
        if url.drivername not in _SQLITE or not path or path == ":memory:" or url.query.get("uri"):
            return None
        return self.instance_path / path

    @property
    def https(self) -> bool:
        return self.public_base_url.startswith("https://")

    @property
    def address_is_fictitious(self) -> bool:
        """True for the demo's made-up address, which the footer marks as such; an address the
        operator sets (ISSUER_ADDRESS) is shown as written."""
        return self.issuer_address == DEMO_ADDRESS

    @property
    def missing_contact(self) -> tuple[str, ...]:
        """The variables whose absence leaves the footer without what the privacy notice promises.

        >>> production = {"SECRET_KEY": "k", "ISSUER_CONTACT": "datos@inst.example"}
        >>> Settings.from_env(production, Path("instance")).missing_contact
        ('ISSUER_ADDRESS',)
        """
        missing = {"ISSUER_ADDRESS": self.issuer_address, "ISSUER_CONTACT": self.issuer_contact}
        return tuple(name for name, value in missing.items() if value is None)

    @classmethod
    def from_env(cls, environ: Mapping[str, str], instance_path: Path) -> Settings:
        demo = env_flag(environ, "DEMO_MODE")
        secret = environ.get("SECRET_KEY", "").strip()
        if not secret:
            if not demo:
                raise ConfigError(
                    "Falta SECRET_KEY. Defínela en el entorno, o usa DEMO_MODE=1 para probar el "
                    "portal con datos de demostración."
                )
            secret = load_or_create_secret(instance_path / "secret_key")
        default_db = f"sqlite:///{instance_path / EMBEDDED_DATABASE}"
        origins = environ.get("EMBED_ALLOWED_ORIGINS", "")
        address = environ.get("ISSUER_ADDRESS", "").strip() or (DEMO_ADDRESS if demo else None)
        contact = contact_value(environ, "ISSUER_CONTACT") or (DEMO_CONTACT if demo else None)
        return cls(
            demo_mode=demo,
            secret_key=secret,
            database_url=environ.get("DATABASE_URL", "").strip() or default_db,
            redis_url=environ.get("REDIS_URL", "").strip() or None,
            mail_server=environ.get("MAIL_SERVER", "").strip() or None,
            mail_port=env_int(environ, "MAIL_PORT", 25),
            mail_username=environ.get("MAIL_USERNAME", "").strip() or None,
            mail_password=environ.get("MAIL_PASSWORD") or None,
            mail_use_tls=env_flag(environ, "MAIL_USE_TLS"),
            mail_default_sender=environ.get("MAIL_DEFAULT_SENDER", "").strip()
            or "Derechohabiencia <no-responder@derechohabiencia.localhost>",
            public_base_url=(environ.get("PUBLIC_BASE_URL", "").strip() or LOOPBACK).rstrip("/"),
            embed_allowed_origins=tuple(o for o in origins.replace(",", " ").split() if o),
            embed_status_lookup=env_flag(environ, "EMBED_STATUS_LOOKUP"),
            issuer_name=issuer_name(environ),
            issuer_address=address,
            issuer_contact=contact,
            privacy_contact=contact_value(environ, "PRIVACY_CONTACT") or contact,
            proxy_count=env_int(environ, "PROXY_COUNT", 0),
            metrics_token=token(environ, "METRICS_TOKEN"),
            secret_key_fallbacks=tuple(
                k.strip() for k in environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k.strip()
            ),
            instance_path=instance_path,
            signing_key=environ.get("SIGNING_KEY", "").strip() or None,
            signing_old_public_keys=environ.get("SIGNING_OLD_PUBLIC_KEYS", ""),
        )
