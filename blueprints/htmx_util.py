"""The one place that reads htmx's request headers."""

from __future__ import annotations

from typing import Any

from flask import render_template

from blueprints.extensions import htmx


def wants_fragment() -> bool:
    """True for an htmx swap; a boosted request or a history restore needs the full page."""
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def trigger_name() -> str | None:
    return htmx.trigger_name if htmx else None


def page_or_fragment(page: str, fragment: str, **context: Any) -> str:
    """Render the fragment for an htmx swap and the whole page otherwise (same context)."""
    return render_template(fragment if wants_fragment() else page, **context)
