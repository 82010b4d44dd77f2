"""CURPs the browser tests type: a valid one, and the live demo registry's example of a case."""

from __future__ import annotations

from typing import Any

from blueprints.extensions import db
from domain import demo

VALID_CURP = "PXNE660720HMCXTN06"


def example(live_app: Any, case: str) -> str:
    with live_app.app_context():
        return next(e.curps[0] for e in demo.examples(db.session) if e.key == case)
