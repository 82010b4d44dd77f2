"""Database tables, as SQLAlchemy 2 declarative models shared by the web app and the CLI.

Plain SQLAlchemy (no Flask): the domain functions receive a ``Session`` and never reach for a
global, so they run the same under the web app, the CLI, the benchmarks and the tests.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Explicit constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

INSTITUCIONES = ("IMSS", "ISSSTE")
TIPOS = ("titular", "pensionado", "beneficiario")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Persona(Base):
    """A person in the institution's registry, keyed by CURP."""

    __tablename__ = "persona"

    curp: Mapped[str] = mapped_column(String(18), primary_key=True)
    nombre: Mapped[str] = mapped_column(String(120))
    primer_apellido: Mapped[str] = mapped_column(String(120))
    segundo_apellido: Mapped[str | None] = mapped_column(String(120))
    fecha_nacimiento: Mapped[dt.date] = mapped_column(Date)
    sexo: Mapped[str] = mapped_column(String(1))
    entidad: Mapped[str] = mapped_column(String(2))

    afiliaciones: Mapped[list[Afiliacion]] = relationship(
        back_populates="persona", order_by="Afiliacion.id", cascade="all, delete-orphan"
    )

    @property
    def nombre_completo(self) -> str:
        parts = (self.nombre, self.primer_apellido, self.segundo_apellido)
        return " ".join(p for p in parts if p)


class Afiliacion(Base):
    """One affiliation of a person to IMSS or ISSSTE: titular, pensionado or beneficiario."""

    __tablename__ = "afiliacion"
    __table_args__ = (
        UniqueConstraint("curp", "institucion", "numero_afiliacion", name="uq_afiliacion_clave"),
        Index("ix_afiliacion_institucion_numero", "institucion", "numero_afiliacion"),
        Index("ix_afiliacion_titular_curp", "titular_curp"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    curp: Mapped[str] = mapped_column(ForeignKey("persona.curp", ondelete="CASCADE"))
    institucion: Mapped[str] = mapped_column(String(6))
    numero_afiliacion: Mapped[str] = mapped_column(String(20))
    tipo: Mapped[str] = mapped_column(String(12))
    vigente: Mapped[bool] = mapped_column(Boolean)
    vigente_desde: Mapped[dt.date | None] = mapped_column(Date)
    vigente_hasta: Mapped[dt.date | None] = mapped_column(Date)
    dependencia: Mapped[str | None] = mapped_column(String(200))
    clinica: Mapped[str | None] = mapped_column(String(200))
    titular_curp: Mapped[str | None] = mapped_column(String(18))
    parentesco: Mapped[str | None] = mapped_column(String(40))

    persona: Mapped[Persona] = relationship(back_populates="afiliaciones")


class Cuenta(Base):
    """An Oficina Virtual account of an ISSSTE titular or pensionado, keyed by CURP."""

    __tablename__ = "cuenta"
    # Sessions and emailed links name an account by id: a closed account's id must never name
    # a new one. PostgreSQL's sequence never repeats; SQLite would reuse the largest one freed.
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    curp: Mapped[str] = mapped_column(String(18), unique=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    telefono: Mapped[str] = mapped_column(String(10))
    password_hash: Mapped[str] = mapped_column(String(255))
    activa: Mapped[bool] = mapped_column(Boolean, default=False)
    # The registration, or its newest activation link: a pending account is purged from here.
    creada: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    # Bumped whenever a token must stop working (activation, password change, recovery,
    # email change): tokens carry the value they were issued with, so each works once.
    # Only ever moved in SQL, by domain/enlaces: a link is spent only if it is still the same.
    token_version: Mapped[int] = mapped_column(Integer, default=0)
    # Bumped on sign-out, password change and recovery, and when a new address is confirmed
    # (recovery links go to it: a session taken before must not outlive the move): every other
    # session ends. Only ever moved in SQL, by domain/sesiones.
    session_version: Mapped[int] = mapped_column(Integer, default=0)
    intentos_fallidos: Mapped[int] = mapped_column(Integer, default=0)
    primer_fallo: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    bloqueada_hasta: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    email_pendiente: Mapped[str | None] = mapped_column(String(254))
    # When email_pendiente was asked for: once its link has expired the address is forgotten
    # (domain/cuentas_purga), not kept on the account for good.
    email_pendiente_desde: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # The language its owner uses the portal in (set at registration, sign-in and on switching
    # language signed in): the alerts a stranger can cause (a lock, a registration with its
    # data) are written in it, not in the stranger's.
    idioma: Mapped[str] = mapped_column(String(5), default="es", server_default="es")


class Correo(Base):
    """A message in the outbox, written in the same transaction as the change that causes it."""

    __tablename__ = "correo"
    __table_args__ = (Index("ix_correo_pendiente", "enviado", "siguiente_intento"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    destinatario: Mapped[str] = mapped_column(String(254))
    asunto: Mapped[str] = mapped_column(String(255))
    # The whole RFC 5322 message (text + HTML parts, attachments), ready to hand to SMTP.
    mensaje: Mapped[bytes] = mapped_column(LargeBinary)
    creado: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    enviado: Mapped[bool] = mapped_column(Boolean, default=False)
    enviado_en: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    intentos: Mapped[int] = mapped_column(Integer, default=0)
    siguiente_intento: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    ultimo_error: Mapped[str | None] = mapped_column(String(500))
    # The account it was sent for, whatever the address (an old one, one only asked for): what
    # closing that account deletes (domain/cierre). Not a foreign key: the closing notice
    # outlives its account, and an account's id is never given again (migration 0004).
    # Empty for mail of no account (an NSS, a constancia) and for rows from before 0007.
    cuenta_id: Mapped[int | None] = mapped_column(Integer, index=True)


class Constancia(Base):
    """The ledger of issued documents: append-only, except revocation."""

    __tablename__ = "constancia"
    __table_args__ = (Index("ix_constancia_curp", "curp"),)

    folio: Mapped[str] = mapped_column(String(20), primary_key=True)
    tipo: Mapped[str] = mapped_column(String(40))
    curp: Mapped[str] = mapped_column(String(18))
    titular_nombre: Mapped[str] = mapped_column(String(400))
    datos: Mapped[str] = mapped_column(Text)  # the canonical signed text ("cadena original")
    emitida: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    valida_hasta: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    clave_id: Mapped[str] = mapped_column(String(64))
    firma: Mapped[str] = mapped_column(String(200))
    codigo: Mapped[str] = mapped_column(String(40))  # short verification code printed in the QR
    entrega: Mapped[str | None] = mapped_column(String(254))  # masked delivery address
    revocada: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    motivo_revocacion: Mapped[str | None] = mapped_column(String(500))


class FolioContador(Base):
    """The last folio number handed out per document kind and year."""

    __tablename__ = "folio_contador"

    prefijo: Mapped[str] = mapped_column(String(8), primary_key=True)
    anio: Mapped[int] = mapped_column(Integer, primary_key=True)
    ultimo: Mapped[int] = mapped_column(Integer, default=0)


class UsoUnico(Base):
    """Spent one-time values (solved captchas) kept until they expire, so none is replayed."""

    __tablename__ = "uso_unico"

    clave: Mapped[str] = mapped_column(String(128), primary_key=True)
    expira: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


class Repeticion(Base):
    """What a request did, kept for moments so the same request sent again (a double tap) gets
    the same answer instead of doing it twice (domain/repeticiones). Keyed by HMACs: the table
    never holds what people typed."""

    __tablename__ = "repeticion"

    clave: Mapped[str] = mapped_column(String(128), primary_key=True)
    huella: Mapped[str] = mapped_column(String(64))  # HMAC of the fields sent
    resultado: Mapped[str | None] = mapped_column(String(64))  # a folio, or what the view said
    expira: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


class IntentoSinCuenta(Base):
    """Failed sign-ins with a CURP that has no account, counted as ``Cuenta`` counts its own
    (domain/bloqueo), so the lock does not tell which CURPs have one. Keyed by an HMAC of the
    CURP (domain/intentos_sin_cuenta): the table never holds what people typed."""

    __tablename__ = "intento_sin_cuenta"

    clave: Mapped[str] = mapped_column(String(64), primary_key=True)
    fallidos: Mapped[int] = mapped_column(Integer, default=0)
    primer_fallo: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    bloqueada_hasta: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # When the window and any lock are over: from then on the row says nothing and is purged.
    vence: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
