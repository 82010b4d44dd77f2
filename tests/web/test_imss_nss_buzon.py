"""/imss/nss: one mailbox has one budget however its address is typed (Unicode or punycode
domain, capitals, an accent in the domain composed or not, a subaddress), or one person could
send a directory's worth of NSS lookups to themselves."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from domain import curp as curp_rules
from tests.web.constancias_helpers import imss_form
from tests.web.imss_helpers import NSS_URL, limited_app

VARIANTS = [
    "jose@bücher.example.org",
    "jose+nss@bücher.example.org",
    "jose@xn--bcher-kva.example.org",
    "JOSE@BÜCHER.Example.ORG",
    "jose@" + unicodedata.normalize("NFD", "bücher") + ".example.org",
]


def curps(count: int) -> list[str]:
    """Well-formed CURPs, each its own (the per-CURP budget must not be what refuses)."""
    found = []
    for consonant in "NBCD":
        for digit in "0123456789":
            start = f"PXNE660720HMCXT{consonant}{digit}"
            found.append(curp_rules.validate(start + curp_rules.check_digit(start)))
    return found[:count]


def test_every_way_of_typing_one_mailbox_spends_one_budget(
    tmp_path: Path, database_url: str
) -> None:
    app = limited_app(tmp_path, database_url)
    client = app.test_client()
    todas = curps(10 + len(VARIANTS) + 1)

    def lookup(n: int, email: str) -> int:
        form = imss_form(client, NSS_URL, curp=todas[n], email=email)
        ip = {"REMOTE_ADDR": f"10.0.9.{n}"}
        return client.post(NSS_URL, data=form, environ_base=ip).status_code

    # The mailbox's 10 a day, spent by typing it each way in turn.
    codes = [lookup(n, VARIANTS[n % len(VARIANTS)]) for n in range(10)]
    assert codes == [200] * 10
    refused = [lookup(10 + n, email) for n, email in enumerate(VARIANTS)]
    assert refused == [429] * len(VARIANTS)
    assert lookup(10 + len(VARIANTS), "otra@bücher.example.org") == 200
