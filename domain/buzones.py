"""Email addresses as people type them: whether our mail can reach one, in what normal form
(``email_problem``, the rule of every form that asks for an address), and which mailbox it
reaches (``buzon``, the key of a per-mailbox budget: the NSS lookup's).

``email_problem`` refuses an accent or ñ before the @: few providers give out such addresses
and few servers take mail for them (SMTPUTF8), so one is nearly always a slip (``josé@`` for
``jose@``), and a constancia or an activation link sent there would be lost. Every form says
so in the same words.

An address can be typed many ways that all land in one mailbox: the domain in Unicode or in
punycode (``münchen.de``, ``xn--mnchen-3ya.de``), in any case, an accent composed or as a
separate mark (NFC or NFD), a subaddress (``ana+1@``). Counted as typed, each way would be a
budget of its own. The local part is lower-cased too, as ``email_problem`` leaves it.
"""

from __future__ import annotations

import unicodedata

import idna
from email_validator import EmailNotValidError, validate_email

from domain.mensajes import N_

MAX_LENGTH = 254  # RFC 5321's limit on a path, less its angle brackets


def email_problem(value: str) -> tuple[str, str | None]:
    """The address in lower case, its domain in ASCII, and, when it cannot receive our mail,
    why.

    >>> email_problem(" Ana@München.DE ")
    ('ana@xn--mnchen-3ya.de', None)
    >>> email_problem("josé@example.org")[1]
    'Antes de la @ tu correo no puede llevar acentos ni ñ: revísalo.'
    """
    value = value.strip()
    if not value:
        return "", N_("Escribe tu correo electrónico.")
    if len(value) > MAX_LENGTH:
        return "", N_("Tu correo es demasiado largo: revisa que esté bien escrito.")
    try:
        checked = validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        if "@" not in value:
            return value, N_("Escribe tu correo completo, con @: por ejemplo, nombre@ejemplo.com.")
        if not value.split("@", 1)[0].isascii():
            return value, N_("Antes de la @ tu correo no puede llevar acentos ni ñ: revísalo.")
        return value, N_("Escribe un correo válido, como nombre@ejemplo.com.")
    return (checked.ascii_email or checked.normalized).lower(), None


def buzon(address: str) -> str:
    """One name per mailbox: NFC, lower case, no subaddress, the domain in ASCII (IDNA).

    >>> buzon(" Ana+nss@Example.ORG ")
    'ana@example.org'
    >>> buzon("José@MÜNCHEN.de"), buzon("jose\\u0301@xn--mnchen-3ya.de") == buzon("josé@münchen.de")
    ('josé@xn--mnchen-3ya.de', True)
    """
    local, _arroba, dominio = _nfc(address.strip()).rpartition("@")
    return f"{_nfc(local.lower()).split('+', 1)[0]}@{_ascii(dominio)}"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _ascii(dominio: str) -> str:
    dominio = _nfc(dominio.lower())
    try:
        return idna.encode(dominio, uts46=True).decode("ascii")
    except idna.IDNAError:
        # Not a name IDNA accepts (the address was checked before, so rare): as typed, folded.
        return dominio
