"""The one place that reads htmx's request headers, and the rules for fragments that other
origins (the static export's pages) ask for."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import (
    Flask,
    before_render_template,
    current_app,
    render_template,
    request,
    template_rendered,
)
from flask_babel import gettext
from markupsafe import Markup

from blueprints.extensions import htmx
from blueprints.security import OTHER_ORIGINS_KEY
from blueprints.templating import titulo_completo


def wants_fragment() -> bool:
    """True for an htmx swap; a boosted request or a history restore needs the full page."""
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def trigger_name() -> str | None:
    return htmx.trigger_name if htmx else None


def swap_target() -> str | None:
    """The id of the element an htmx swap will replace (HX-Target); None outside a swap."""
    return htmx.target if wants_fragment() else None


def page_or_fragment(page: str, fragment: str, /, **context: Any) -> str:
    """Render the fragment for an htmx swap and the whole page otherwise (same context)."""
    if wants_fragment():
        return fragment_for(page, fragment, **context)
    return render_template(page, **context)


def fragment_for(page: str, fragment: str, /, **context: Any) -> str:
    """The fragment an htmx swap puts into ``page``, led by the <title> that page would have now.

    htmx takes a <title> at a fragment's top level out of the swap and makes it the document's
    title, so "Error: " comes with the errors a swap draws and goes with them, as on a full page
    (GOV.UK). The title is the page's own block, so it is written once, in the page. Both are
    rendered from one context: the context processors run once per swap, not once per render.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    app.update_template_context(context)
    return str(_title(app, page, context)) + _render(app, fragment, context)


def _title(app: Flask, page: str, context: dict[str, Any], error: bool = False) -> Markup:
    """``page``'s <title> from a context the processors already filled; ``error`` puts GOV.UK's
    "Error: " first, for an alert drawn over the page (its block knows only its own errors).

    Only the page's own title block is rendered: it may use the context and the globals, but
    not names the page imports for its body. A page without a title block of its own gets no
    <title>, so the swap leaves the document's as it is."""
    template = app.jinja_env.get_template(page)
    block = template.blocks.get("title")
    if block is None:
        return Markup("")
    title = Markup("".join(block(template.new_context(context))))  # noqa: S704 - rendered by Jinja
    if error:
        title = Markup("{} {}").format(gettext("Error:"), title)
    return Markup("<title>{}</title>\n").format(titulo_completo(title))


def _render(app: Flask, name: str, context: dict[str, Any]) -> str:
    """flask.render_template for a context the processors already filled: the same template
    signals (what tests and instrumentation listen to), without filling it again."""
    template = app.jinja_env.get_template(name)
    before_render_template.send(
        app, _async_wrapper=app.ensure_sync, template=template, context=context
    )
    html = template.render(context)
    template_rendered.send(app, _async_wrapper=app.ensure_sync, template=template, context=context)
    return html


# Where each htmx endpoint's swaps land: page, what its title block needs, and the page's own
# HX-Targets (None: all). An alert drawn over the page (a limit, an expired form, a failure:
# blueprints/errors.py) is not the endpoint's answer, so it learns the page from here.
_SWAP_PAGES: dict[str, tuple[str, Callable[[], dict[str, Any]], frozenset[str] | None]] = {}


def swaps_land_on(
    page: str,
    *endpoints: str,
    context: Callable[[], dict[str, Any]] = dict,
    targets: frozenset[str] | None = None,
) -> None:
    """Register ``page`` as the one ``endpoints``' htmx swaps land on. ``targets``: for an
    endpoint that also answers swaps into other pages (the CURP check inside a guide), the
    regions that are this page's."""
    _SWAP_PAGES.update(dict.fromkeys(endpoints, (page, context, targets)))


def alert_title() -> Markup:
    """The <title> of an alert answering this htmx request: its page's with "Error: " first,
    which the page's next swap takes away again. Nothing for a page not known here: the document
    keeps its title, and no later swap is left to clear one."""
    found = _SWAP_PAGES.get(request.endpoint or "")
    if found is None or (found[2] is not None and swap_target() not in found[2]):
        return Markup("")
    page, title_context, _targets = found
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    context = title_context()
    app.update_template_context(context)
    return _title(app, page, context, error=True)


def for_other_origins(view: Callable[..., Any]) -> Callable[..., Any]:
    """A fragment endpoint of the static export: any origin may GET it, never with cookies.

    The exported pages send no htmx headers (so the browser needs no CORS preflight), so such an
    endpoint cannot recognise htmx by ``HX-Request``: it answers only fragments, its errors too
    (``answering_other_origins``). The mark set here is what ``security.HeaderPolicy`` reads to
    add the CORS headers at the edge, to every answer, a limit's 429 and a failure included.
    """

    @wraps(view)
    def answered(*args: Any, **kwargs: Any) -> Any:
        request.environ[OTHER_ORIGINS_KEY] = True
        return view(*args, **kwargs)

    return answered


def answering_other_origins() -> bool:
    """True for a fetch from the static export's pages to one of its fragment endpoints."""
    return bool(request.environ.get(OTHER_ORIGINS_KEY)) and not opened_as_page()


def opened_as_page() -> bool:
    """True when such a fragment endpoint was opened in the address bar, not fetched."""
    return request.headers.get("Sec-Fetch-Dest") == "document"
