"""A form posted without a good CSRF token: which forms come back filled in (or empty) to
confirm here, and the answer that brings them back. blueprints/errors.py answers the rest."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Response, current_app, flash, g, make_response, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.htmx_util import wants_fragment

# A form posted without a good token (another site's form, a form left open over the token's
# hour, a session lost) gets its own page back, filled in with what came, to confirm here:
# nothing is done with it, and nothing typed is lost. The constancias flows take posts from
# other sites (their CURP field is named curp for that: ``otros_sitios``); the account, NSS and
# CURP forms are refilled only for a post from our own pages (the expired case), since a
# look-alike site could otherwise hand a person our registration form with its own address in
# it. For the same reason a post from elsewhere to a constancias flow gets back only what the
# person can judge at a glance (the CURP): never a field that decides where the document goes
# or whose it is (``enviado(..., destino=True)``: the email, the NSS). A password, a captcha
# answer or a consent is never written back: the page asks for them again
# (``confirmar_contrasena``). A form may also register its empty page for a post
# that plainly came from another site (``desde_otro_sitio``): "the form expired, go back" means
# nothing to someone who never had ours. An htmx post, or any other post, is told only that the
# form expired (its page is still on screen, with what was typed).
# A signed-in person's form (``con_sesion``) can come back only while the session lives: sent
# after it ended, it lost its token with it, and what was typed could only be kept in that
# session. The answer then is the sign-in page, back to the same page afterwards.
# Each registered view takes, as keywords for its template, why the form is back: here
# ``confirmar=True`` (base.html's panel); after a rate limit, ``limite_superado`` (its error
# summary: blueprints/formulario_al_limite.py, which draws the same forms again).
Render = Callable[..., ResponseReturnValue]
_CONFIRMAR: dict[str, tuple[Render, bool, bool]] = {}
_DESDE_FUERA: dict[str, Callable[[], ResponseReturnValue]] = {}


def confirmar_sin_token(
    *endpoints: str, otros_sitios: bool = False, con_sesion: bool = False
) -> Callable[[Render], Render]:
    """Register the view that renders ``endpoints``' form, filled in, for a post without token
    (from any site when ``otros_sitios``, else only from this site's own pages); with
    ``con_sesion``, a post without a signed-in session goes to the sign-in page instead. It
    passes its keywords (why the form is back) on to the page's template."""

    def register(render: Render) -> Render:
        _CONFIRMAR.update(dict.fromkeys(endpoints, (render, otros_sitios, con_sesion)))
        return render

    return register


def desde_otro_sitio(
    *endpoints: str,
) -> Callable[[Callable[[], ResponseReturnValue]], Callable[[], ResponseReturnValue]]:
    """Register the view that renders ``endpoints``' form empty, with a word on where the
    person is, for a post without token that the browser says came from another site."""

    def register(render: Callable[[], ResponseReturnValue]) -> Callable[[], ResponseReturnValue]:
        _DESDE_FUERA.update(dict.fromkeys(endpoints, render))
        return render

    return register


def desde_este_sitio() -> bool:
    """Whether the browser says this post came from one of our own pages.

    Sec-Fetch-Site where the browser sends it (all current ones), else Origin; a post with
    neither (an old browser, a script) is not taken as ours.
    """
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("Origin", "").rstrip("/")
    if not origin:
        return False
    public = urlsplit(current_app.config.get("PUBLIC_BASE_URL") or "")
    ours = {request.host_url.rstrip("/"), f"{public.scheme}://{public.netloc}"}
    return origin in ours


def de_otro_sitio() -> bool:
    """Whether the browser says this post came from another site: not merely "not ours" (a post
    with neither header may be our own page in an old browser)."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site in ("cross-site", "same-site")  # same-site: a neighbour, not our page
    return "Origin" in request.headers and not desde_este_sitio()


def enviado(field: str, *, destino: bool = False) -> str:
    """What a form without token sent in ``field``, fit to show back in our form; empty for a
    ``destino`` field (where a document goes, or whose it is) that another site sent."""
    value = "".join(c for c in request.form.get(field, "")[:254] if c.isprintable()).strip()
    if destino and value and g.get("sin_token_de_fuera", False):
        g.destino_omitido = True  # the page says why the field is empty (templates/base.html)
        return ""
    return value


def responder() -> Response | None:
    """The form of this post, back to confirm (or the sign-in page); None when only the "form
    expired" alert fits."""
    endpoint = request.endpoint or ""
    render, otros_sitios, con_sesion = _CONFIRMAR.get(endpoint, (None, False, False))
    vacio = _DESDE_FUERA.get(endpoint)
    if wants_fragment():
        render = vacio = None
    elif con_sesion and not current_user.is_authenticated:
        return _entrar_otra_vez()
    if render is not None and (otros_sitios or desde_este_sitio()):
        # Read by enviado: a rate limit's refill (rellenar) comes with a good token, so never this.
        g.sin_token_de_fuera = not desde_este_sitio()
        return _sin_hacer(lambda: render(confirmar=True))
    if vacio is not None and de_otro_sitio():
        return _sin_hacer(vacio)
    return None


def rellenar(endpoint: str) -> Render | None:
    """The view registered to render ``endpoint``'s form filled in, for a post that came with a
    good token; None for a form kept in a session (``con_sesion``) that is no longer there."""
    render, _otros_sitios, con_sesion = _CONFIRMAR.get(endpoint, (None, False, False))
    if con_sesion and not current_user.is_authenticated:
        return None
    return render


def _entrar_otra_vez() -> Response:
    if desde_este_sitio():
        flash(
            _(
                "Tu sesión se cerró, así que no hicimos nada con lo que enviaste. Si escribiste "
                "algo, no pudimos guardarlo sin tu sesión: entra otra vez y vuelve a escribirlo."
            ),
            "info",
        )
    else:  # not a page of ours that was left open: only the usual word
        flash(_("Entra a tu cuenta para ver esa página."), "info")
    return redirect(url_for("cuenta.entrar", next=request.path), 303)


def _sin_hacer(render: Callable[[], ResponseReturnValue]) -> Response:
    response = make_response(render())
    response.status_code = 400  # not done: the person confirms on this site
    return response
