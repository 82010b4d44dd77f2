"""Email: ``queue_email`` for every feature, and the delivery right after commit.

``queue_email`` only adds a ``Correo`` row to ``db.session``: the caller commits it together
with the change that causes it. When that commit succeeds a background thread tries to send it
at once (its own session; the response does not wait); if the commit is rolled back there is
nothing to send. Whatever fails is retried by ``flask --app app outbox deliver --watch``.

``init_app`` hooks the delivery to the session's commits. The demo's /dev/correos pages, which
read the file outbox, are ``blueprints.mail_demo``.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterable
from typing import Any

from flask import Flask, current_app, has_request_context, request
from flask_babel import force_locale, get_locale, gettext
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, sessionmaker

from blueprints.extensions import db
from blueprints.observability_logs import REQUEST_ID_KEY, REQUEST_ID_OUTSIDE
from blueprints.templating import current_lang
from domain import mailer, mailer_transport, outbox
from domain.models import Correo
from domain.settings import DEMO_CONTACT, LOOPBACK
from domain.settings_valores import contact_href

log = logging.getLogger(__name__)

PENDING = "correos_por_entregar"  # key in Session.info: (app, Correo) queued in this transaction
NO_ROW = -1  # ids start at 1 on every database we run on
_threads: set[threading.Thread] = set()
_threads_lock = threading.Lock()
# What was done to an account, maybe by someone else: these end with the operator's contact
# (PRIVACY_CONTACT) instead of "ignore this email", and a reply reaches it (email/base.txt).
ALERTAS = frozenset({
    "cuenta_bloqueada", "cuenta_cerrada", "cuenta_contrasena_cambiada", "cuenta_correo_aviso",
    "cuenta_correo_cambiado", "cuenta_registro_reemplazado",
})  # fmt: skip


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def queue_email(
    to: str,
    template: str,
    subject: str,
    attachments: Iterable[mailer.Attachment] = (),
    **context: Any,
) -> Correo:
    """Render ``email/<template>.txt`` and ``.html``, and add the message to ``db.session``.

    The message is written now, in the language of the request that asks for it (pass a
    ``subject`` already translated with ``gettext``); outside a request, in Spanish. No commit:
    the caller commits it with its own change. Delivery is tried right after that commit, in
    the background. In demo mode the subject and the body say the message is a demo's.
    """
    settings = current_app.extensions["settings"]
    alerta = template in ALERTAS
    contacto = settings.privacy_contact if alerta else None
    reply_to = mailer.reply_address(contacto)
    now = utcnow()
    language = _language()
    with force_locale(language):
        if settings.demo_mode:  # on a locked phone too: fictitious data must not pass for real
            subject = gettext("[Demostración] %(asunto)s", asunto=subject)
        context.update(
            asunto=subject,
            public_base_url=settings.public_base_url,
            demo=settings.demo_mode,
            alerta=alerta,
            contacto=contacto,
            contacto_ficticio=contacto == DEMO_CONTACT,
            responder=reply_to is not None,
        )
        text = _render(f"email/{template}.txt", context)
        html = _render(f"email/{template}.html", context)
    message = mailer.build_message(
        sender=settings.mail_default_sender,
        to=to,
        subject=subject,
        text=text,
        html=html,
        message_id=mailer.new_message_id(mailer.domain_of(settings.mail_default_sender), now),
        now=now,
        attachments=attachments,
        language=language,
        reply_to=reply_to,
    )
    session = db.session()
    correo = outbox.queue(session, message, now)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    session.info.setdefault(PENDING, []).append((app, correo))
    return correo


def withdraw_email(correo: Correo) -> None:
    """Take back a message queued in this transaction, at the cost of sending it: its row is
    written and deleted before the caller's commit, so that commit writes as much (and waits on
    the disk as long), and the delivery it starts finds nothing to send. For a limit that must
    not show in how long a response takes."""
    session = db.session()
    session.flush()
    session.delete(correo)


def _language() -> str:
    # The request's, or the one a force_locale around the call chose, from a request or a CLI
    # command (an alert in its account owner's language); with neither, Spanish.
    locale = get_locale()
    return locale.language if locale else "es"


def _render(name: str, context: dict[str, Any]) -> str:
    # Jinja directly, without the page context processors: an email never depends on the
    # request that happened to send it (signed-in user, cookies), only on what it is given.
    return current_app.jinja_env.get_template(name).render(context)


def _after_commit(session: Session) -> None:
    queued = session.info.pop(PENDING, [])
    by_app: dict[Flask, list[int]] = {}
    for app, correo in queued:
        # Rolled back rows are transient again (no identity): nothing was saved, nothing to send.
        state = inspect(correo)
        if state.identity is None:
            continue
        # A withdrawn row still starts a delivery, so the work after the commit is the same,
        # but for an id no row has: SQLite may give the deleted id to the next message, which
        # this delivery would then send, logged under the wrong request.
        by_app.setdefault(app, []).append(NO_ROW if state.was_deleted else state.identity[0])
    for app, ids in by_app.items():
        _start_delivery(app, ids)


def _start_delivery(app: Flask, ids: list[int]) -> None:
    rid = request.environ.get(REQUEST_ID_KEY) if has_request_context() else None
    thread = threading.Thread(target=_deliver, args=(app, ids, rid), name="correo", daemon=True)
    with _threads_lock:
        _threads.add(thread)
    thread.start()


def _deliver(app: Flask, ids: list[int], request_id: str | None = None) -> None:
    REQUEST_ID_OUTSIDE.set(request_id)  # this thread's own context: its lines name the request
    try:
        with app.app_context():
            factory = sessionmaker(db.engine)
            outbox.deliver_ids(factory, transport(app), ids, utcnow())
    except Exception:
        # The row stays pending; the worker retries it. Never let a thread die noisily.
        log.exception("No se pudo intentar la entrega inmediata de %s correos", len(ids))
    finally:
        with _threads_lock:
            _threads.discard(threading.current_thread())


def transport(app: Flask) -> mailer_transport.Transport:
    """The app's transport, made once (an SMTP one keeps its TLS context)."""
    if "mail_transport" not in app.extensions:
        app.extensions["mail_transport"] = mailer_transport.transport_for(
            app.extensions["settings"]
        )
    return app.extensions["mail_transport"]  # type: ignore[no-any-return]


def wait_for_deliveries(timeout: float = 10.0) -> bool:
    """Wait for the background delivery attempts under way (tests, orderly shutdown)."""
    with _threads_lock:
        running = list(_threads)
    for thread in running:
        thread.join(timeout)
    return not any(thread.is_alive() for thread in running)


def url_publica(endpoint: str, **values: Any) -> str:
    """An absolute link for an email: ``PUBLIC_BASE_URL`` plus the route, no request needed."""
    base: str = current_app.extensions["settings"].public_base_url
    adapter = current_app.url_map.bind("localhost")
    return base + str(adapter.build(endpoint, values, force_external=False))


def en_el_idioma(url: str) -> str:
    """A link of an email to this portal that opens in the email's language, on any browser.

    A Spanish email's links stay as they are. In another language the link goes through the
    language switch, as the widget's links do: the address may be opened on a phone that never
    chose a language, and a ``?lang=`` would last one page (an activation link's form would
    answer in Spanish). The path, a token included, travels whole in ``next``, which the access
    log masks as it masks the path itself (domain/redact.py).
    """
    lang = current_lang()
    base: str = current_app.extensions["settings"].public_base_url
    if lang == "es" or not (url == base or url.startswith(base + "/")):
        return url
    return url_publica("core.idioma", lang=lang, next=url[len(base) :] or "/")


def init_app(app: Flask) -> None:
    """Start delivering what each commit queued; give templates ``url_publica`` and the email
    links' filters ``en_el_idioma`` and ``contacto_href``."""
    if not event.contains(db.session, "after_commit", _after_commit):
        event.listen(db.session, "after_commit", _after_commit)
    app.jinja_env.globals["url_publica"] = url_publica
    app.jinja_env.filters["en_el_idioma"] = en_el_idioma
    app.jinja_env.filters["contacto_href"] = contact_href
    settings = app.extensions["settings"]
    if not settings.mail_server and not settings.demo_mode:
        log.warning("Sin MAIL_SERVER: los correos se guardan en %s y no salen", settings.outbox_dir)
    if settings.public_base_url == LOOPBACK and not settings.demo_mode:
        log.warning(
            "Falta definir PUBLIC_BASE_URL: los enlaces de los correos y los códigos QR de las "
            "constancias apuntan a %s, y la cookie de sesión no lleva Secure (docs/despliegue.md).",
            LOOPBACK,
        )
