"""How each environment variable is read and checked: a wrong value stops the start with a
sentence that says which variable and what it should be (``ConfigError``)."""

from __future__ import annotations

import re
from collections.abc import Mapping

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


def env_int(environ: Mapping[str, str], name: str, default: int) -> int:
    """Read a whole number, ``default`` when unset."""
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


def token(environ: Mapping[str, str], name: str, minimo: int = 16) -> str | None:
    """A bearer token the operator sets (METRICS_TOKEN); None when unset.

    Its endpoint is not rate limited (Prometheus scrapes it every few seconds), so only the
    token's length stands between it and guessing.

    >>> token({"T": " 0123456789abcdef "}, "T"), token({}, "T")
    ('0123456789abcdef', None)
    """
    value = environ.get(name, "").strip()
    if value and len(value) < minimo:
        raise ConfigError(
            f"{name} es demasiado corto: usa al menos {minimo} caracteres al azar, por ejemplo "
            "los de python3 -c 'import secrets; print(secrets.token_urlsafe(32))'."
        )
    return value or None
