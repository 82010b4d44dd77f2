"""Configuration read from the environment: none of it is needed for the embedded default.

Pure Python so that the app factory, the CLI and the benchmarks read the same settings the
same way. Secrets have no fallback outside demo mode.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from domain.pdf_glifos import sin_glifo

TRUE_WORDS = frozenset({"1", "true", "yes", "on", "si", "sí"})


class ConfigError(RuntimeError):
    """The environment asks for something impossible (for example production without a key)."""


def env_flag(environ: Mapping[str, str], name: str, default: bool = False) -> bool:
    """Read a yes/no variable.

    >>> env_flag({"DEMO_MODE": "1"}, "DEMO_MODE"), env_flag({}, "DEMO_MODE")
    (True, False)
    """
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in TRUE_WORDS


def _env_int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} debe ser un número entero, no {raw!r}") from exc


def issuer_name(environ: Mapping[str, str]) -> str:
    """ISSUER_NAME, which every constancia prints in its heading and its cadena original.

    Refused at start-up when the PDF's font can't draw it: it would print blank on every
    document, and the cadena on the page would no longer read as the signed one.

    >>> issuer_name({}), issuer_name({"ISSUER_NAME": " Instituto Ñandú "})
    ('Portal Derechohabiencia', 'Instituto Ñandú')
    """
    name = environ.get("ISSUER_NAME", "").strip() or "Portal Derechohabiencia"
    if (char := sin_glifo(name)) is not None:
        raise ConfigError(
            f"ISSUER_NAME tiene «{char}» (U+{ord(char):04X}), que las constancias imprimirían "
            "en blanco; escríbelo con letras latinas."
        )
    return name


# Obviously fictitious, so that nobody takes a demo portal's footer for a real institution's;
# the footer also says so, in the page's language (Settings.address_is_fictitious).
DEMO_ADDRESS = "Calle Ficticia 123, Colonia Ejemplo, 00000 Ciudad de México"
LOOPBACK = "http://127.0.0.1:5000"  # where `make run` serves; the default PUBLIC_BASE_URL
DEMO_CONTACT = "contacto@derechohabiencia.example"
_EMAIL = re.compile(r"[^@\s/:]+@[^@\s/:]+\.[^@\s/:]+")


def contact_value(environ: Mapping[str, str], name: str) -> str | None:
    """An email address or an https URL where people can write; None when unset.

    >>> contact_value({"C": " mailto:datos@inst.example "}, "C"), contact_value({}, "C")
    ('datos@inst.example', None)
    >>> contact_value({"C": "https://inst.example/contacto"}, "C")
    'https://inst.example/contacto'
    """
    raw = environ.get(name, "").strip()
    if not raw:
        return None
    value = raw.removeprefix("mailto:")
    if _EMAIL.fullmatch(value) or (value.startswith("https://") and " " not in value):
        return value
    raise ConfigError(
        f"{name} debe ser un correo (datos@institucion.gob.mx) o una dirección https://, no {raw!r}"
    )


def contact_href(value: str) -> str:
    """The link for a contact setting: mailto: for an email, the URL itself otherwise.

    >>> contact_href("datos@inst.example"), contact_href("https://inst.example/arco")
    ('mailto:datos@inst.example', 'https://inst.example/arco')
    """
    return value if value.startswith("https://") else f"mailto:{value}"


def load_or_create_secret(path: Path) -> str:
    """Return the secret kept in ``path``, creating it (mode 0600) on first use."""
    if path.exists():
        value = path.read_text(encoding="utf-8").strip()
        if value:
            return value
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    path.touch(mode=0o600, exist_ok=True)
    path.write_text(value + "\n", encoding="utf-8")
    return value


EMBEDDED_DATABASE = "derechohabiencia.sqlite3"  # under the instance folder


def create_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 unless it exists; an existing file is left alone.

    For an SQLite database: SQLite would create it 0644 (readable by every local user) while it
    holds CURPs, addresses and password hashes; an empty file is an empty database to it, and
    its -wal and -shm files take the database file's mode. A missing folder is not made: in a
    DATABASE_URL it is more likely a mistake, which SQLite then reports (/healthz included).
    """
    with contextlib.suppress(FileExistsError, FileNotFoundError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


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

        >>> def file(url): return Settings.from_env({"DEMO_MODE": "1", "DATABASE_URL": url},
        ...                                         Path("/srv/instance")).sqlite_file
        >>> file("sqlite:////srv/p.db"), file("sqlite:///p.db"), file("sqlite://")
        (PosixPath('/srv/p.db'), PosixPath('/srv/instance/p.db'), None)
        """
        head, _, path = self.database_url.partition(":///")
        path = path.partition("?")[0]
        if not head.startswith("sqlite") or path in ("", ":memory:") or path.startswith("file:"):
            return None
        # A relative path is the instance folder's, as Flask-SQLAlchemy reads it.
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
            mail_port=_env_int(environ, "MAIL_PORT", 25),
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
            proxy_count=_env_int(environ, "PROXY_COUNT", 0),
            metrics_token=environ.get("METRICS_TOKEN", "").strip() or None,
            secret_key_fallbacks=tuple(
                k.strip() for k in environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k.strip()
            ),
            instance_path=instance_path,
            signing_key=environ.get("SIGNING_KEY", "").strip() or None,
            signing_old_public_keys=environ.get("SIGNING_OLD_PUBLIC_KEYS", ""),
        )
