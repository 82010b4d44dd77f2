"""Which mailbox an address reaches, whatever way it was typed: the key of a per-mailbox
budget (the NSS lookup's).

An address can be typed many ways that all land in one mailbox: the domain in Unicode or in
punycode (``münchen.de``, ``xn--mnchen-3ya.de``), in any case, an accent composed or as a
separate mark (NFC or NFD), a subaddress (``ana+1@``). Counted as typed, each way would be a
budget of its own. The local part is lower-cased too, as accounts compare addresses
(``accounts.email_problem``).
"""

from __future__ import annotations

import unicodedata

import idna


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
