"""The one place that reads htmx's request headers, and the rules for fragments that other
origins (the static export's pages) ask for."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import render_template, request
from flask_cors import cross_origin

from blueprints.extensions import htmx

# htmx reads these on every response; unexposed, each read logs a console error cross-origin.
HTMX_RESPONSE_HEADERS = [
    "HX-Location",
    "HX-Push",
    "HX-Push-Url",
    "HX-Redirect",
    "HX-Refresh",
    "HX-Replace-Url",
    "HX-Reselect",
    "HX-Reswap",
    "HX-Retarget",
    "HX-Trigger",
    "HX-Trigger-After-Settle",
    "HX-Trigger-After-Swap",
]


def wants_fragment() -> bool:
    """True for an htmx swap; a boosted request or a history restore needs the full page."""
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def trigger_name() -> str | None:
    return htmx.trigger_name if htmx else None


def swap_target() -> str | None:
    """The id of the element an htmx swap will replace (HX-Target); None outside a swap."""
    return htmx.target if wants_fragment() else None


def page_or_fragment(page: str, fragment: str, **context: Any) -> str:
    """Render the fragment for an htmx swap and the whole page otherwise (same context)."""
    return render_template(fragment if wants_fragment() else page, **context)


def for_other_origins(view: Callable[..., Any]) -> Callable[..., Any]:
    """A fragment endpoint of the static export: any origin may GET it, never with cookies.

    The exported pages send no htmx headers (so the browser needs no CORS preflight), so such an
    endpoint cannot recognise htmx by ``HX-Request``: it answers only fragments.
    """
    allow: Callable[[Callable[..., Any]], Callable[..., Any]] = cross_origin(
        origins="*",
        send_wildcard=True,
        methods=["GET"],
        supports_credentials=False,
        expose_headers=HTMX_RESPONSE_HEADERS,
    )
    return allow(view)


def opened_as_page() -> bool:
    """True when such a fragment endpoint was opened in the address bar, not fetched."""
    return request.headers.get("Sec-Fetch-Dest") == "document"
