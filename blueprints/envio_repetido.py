"""A form with a captcha sent twice (a double tap, a reload): the second gets the first's answer.

The browser drops the answer to the first post when the second goes out, but the server has
done the work (an account made, a document emailed), and the second found the captcha spent:
the person read "La verificación caducó" for something that worked, and trying again did it
twice. So the transaction that spends a captcha also claims it (``domain.repeticiones``) with
an HMAC of the route and every field sent but the CSRF token, and the view's outcome is
recorded there (``responder``). Within ``VENTANA``, a post with that captcha and the same
fields to the same route waits for the first to end and gets its outcome (nothing is done
again, nothing shown that the first did not show); with other fields, to another route, or
after a first that left nothing to repeat, the expired message.

In the view, instead of ``check_captcha``::

    envio = revisar(request.form)
    if envio.repetido:
        return <the answer the first gave, from envio.repetido>
    if envio.error:
        errors["captcha"] = envio.error
    ...  # the work, committed
    responder(envio, "<outcome>")
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from flask import request
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from blueprints import repeticion
from blueprints.captcha import revisar_captcha, utcnow
from blueprints.secretos import secretos
from domain import repeticiones

VENTANA = dt.timedelta(minutes=2)
SIN_HUELLA = frozenset({"csrf_token"})  # the same form shown twice brings two tokens


@dataclass(frozen=True, slots=True)
class Envio:
    error: str | None  # the captcha's message, as check_captcha gives it
    repetido: str | None = None  # what the first post of these same fields did
    turno: repeticion.Turno | None = None  # the claim this post holds, for responder


def revisar(form: MultiDict[str, str], al_revisar: Callable[[], None] | None = None) -> Envio:
    """``check_captcha`` that knows a form sent again; call it before the view's own writes."""
    secreto = secretos()[-1]
    campos = repeticiones.firmar(
        secreto, [(k, v) for k, v in form.items(multi=True) if k not in SIN_HUELLA]
    )
    # The route too: two forms with the same fields (the IMSS ones) must not share a captcha.
    # The fields apart, as one value: a field may have any name, "ruta" too.
    huella = repeticiones.firmar(secreto, [("ruta", str(request.endpoint)), ("campos", campos)])

    def reclamar(session: Session, clave: str) -> None:
        repeticiones.preparar(session, "envio:" + clave, huella, utcnow(), VENTANA)

    revision = revisar_captcha(form, al_revisar, reclamar)
    if revision.clave is None or (revision.error and not revision.gastada):
        return Envio(revision.error)
    clave = "envio:" + revision.clave
    if not revision.gastada:
        return Envio(None, turno=repeticion.al_terminar(clave))
    resultado = repeticion.esperar(clave, huella)
    return Envio(None, resultado) if resultado else Envio(revision.error)


def responder(envio: Envio, resultado: str) -> None:
    """What this post did, for its repeats: call it once the work is committed."""
    if envio.turno:
        envio.turno.resultado = resultado
