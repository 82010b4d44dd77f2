"""`flask --app app constancias ...`: verify a PDF offline, revoke a folio, make a signing key."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import click
from flask import current_app

from blueprints.cli_conexion import GrupoConBase
from blueprints.cli_esquema import requiere_esquema
from blueprints.constancias_servicio import ahora, servicio
from blueprints.extensions import db
from domain import constancia_tipos, constancias, sello, signing, signing_config, verificacion

constancias_cli = GrupoConBase(
    "constancias", help="Constancias firmadas: verificar, revocar, claves."
)

MAX_FILE = sello.MAX_PDF_BYTES


@constancias_cli.command("verificar")
@click.argument("archivo", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--clave",
    "claves",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Archivo con claves públicas (PEM o base64) además de las publicadas por el portal.",
)
def verificar_command(archivo: Path, claves: tuple[Path, ...]) -> None:
    """Revisa el sello de una constancia en PDF sin conexión; sale con 0 si es auténtica."""
    # pypdf warns about every oddity of a damaged file; the verdict below is what matters here.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    if archivo.stat().st_size > MAX_FILE:
        click.echo("no auténtica: el archivo es demasiado grande para ser una constancia.")
        raise SystemExit(1)
    keyring = _claves(claves)
    result = sello.verificar_pdf(archivo.read_bytes(), keyring)
    if result.clave_desconocida:
        # A key we lack proves nothing either way: saying "no auténtica" would call a genuine
        # document from before a rotation forged.
        carpeta = signing_config.old_keys_folder(servicio().instance)
        click.echo(
            f"no verificada: el sello dice que lo firmó la clave {result.clave_desconocida}, "
            "que no tenemos; sin ella no se puede saber si es auténtica ni si fue alterada.\n"
            "  Si el portal firmó con esa clave antes de cambiarla, agrega su clave pública "
            f"(SIGNING_OLD_PUBLIC_KEYS, {carpeta}/ o --clave) y vuelve a verificar."
        )
        raise SystemExit(1)
    if not result.autentica:
        click.echo(f"no auténtica: {result.motivo}")
        raise SystemExit(1)
    campos = result.campos
    tipo = constancia_tipos.TIPOS.get(campos.get("doc", ""))
    click.echo("auténtica")
    click.echo(f"  documento: {tipo.titulo + ' (' + tipo.institucion + ')' if tipo else '?'}")
    click.echo(f"  folio: {campos.get('folio', '')}")
    click.echo(f"  a nombre de: {campos.get('nombre') or '(sin nombre)'}")
    click.echo(f"  emitida: {campos.get('emitida', '')}")
    if campos.get("valida_hasta"):
        click.echo(f"  válida hasta: {campos['valida_hasta']}")
    click.echo(f"  clave: {campos.get('kid', '')}")
    click.echo("  El sello no dice si fue revocada: consulta /verificar con el folio y el código.")


def _claves(archivos: tuple[Path, ...]) -> signing.KeyRing:
    """The portal's keys and those in ``archivos``; a ClickException, not a traceback, for a
    key that cannot be read."""
    try:
        keyring = servicio().keyring
    except signing_config.SigningKeyInvalid as exc:
        raise click.ClickException(f"No se pueden cargar las claves del portal. {exc}") from exc
    extra: list[signing.RawPublicKey] = []
    for path in archivos:
        try:
            extra.extend(signing_config.parse_public_keys(path.read_text("utf-8")))
        except signing_config.SigningKeyInvalid as exc:
            raise click.ClickException(f"{path}: {exc}") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise click.ClickException(f"No se pudo leer {path} como PEM o base64.") from exc
    return keyring.plus(extra)


@constancias_cli.command("revocar")
@click.argument("folio")
@click.option("--motivo", required=True, help="Por qué deja de ser válida (queda en el registro).")
@requiere_esquema("constancia")
def revocar_command(folio: str, motivo: str) -> None:
    """Marca una constancia como revocada; la verificación lo dirá desde ese momento."""
    try:
        row = verificacion.revocar(db.session, folio, motivo, ahora())
        db.session.commit()
    except constancias.ConstanciaError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Constancia {row.folio} revocada.")


@constancias_cli.command("nueva-clave")
@click.option(
    "--salida",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Archivo PEM a crear (permisos 0600). Sin esta opción, la clave sale por pantalla.",
)
def nueva_clave_command(salida: Path | None) -> None:
    """Genera una clave Ed25519 para SIGNING_KEY y muestra su identificador."""
    signer = signing.Signer.generate()
    if salida is None:
        click.echo(signer.private_pem().decode("ascii"), nl=False)
    else:
        _write_new_key(salida, signer.private_pem())
    click.echo(f"Identificador de la clave: {signer.kid}", err=True)


def _write_new_key(salida: Path, pem: bytes) -> None:
    """Create ``salida`` readable by its owner only; never replace a key that may be in use."""
    try:
        fd = os.open(salida, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise click.ClickException(_no_se_pudo_crear(salida, exc)) from None
    with os.fdopen(fd, "wb") as out:
        out.write(pem)


def _no_se_pudo_crear(salida: Path, exc: OSError) -> str:
    if isinstance(exc, FileExistsError):
        return (
            f"{salida} ya existe y no se sobrescribe (podría ser la clave en uso). "
            "Elige otro nombre de archivo."
        )
    if isinstance(exc, FileNotFoundError) and not salida.parent.is_dir():
        return (
            f"La carpeta {salida.parent} no existe. Créala primero (mkdir -p {salida.parent}) "
            "o elige otra."
        )
    if isinstance(exc, PermissionError):
        return (
            f"No tienes permiso para crear archivos en {salida.parent}. Usa una cuenta que pueda "
            "escribir ahí o elige otra carpeta."
        )
    return f"No se pudo crear {salida}: {exc.strerror or exc}"


@constancias_cli.command("clave-publica")
@click.argument("archivo", required=False, type=click.Path(dir_okay=False, path_type=Path))
def clave_publica_command(archivo: Path | None) -> None:
    """Muestra la clave pública (PEM) de SIGNING_KEY, o la del archivo PEM privado dado.

    Al rotar, guarda esa clave pública como archivo .pem en la carpeta signing_keys_old/ de la
    instancia: con ella se siguen verificando las constancias que firmó, sin conservar la
    privada. También puede ir en SIGNING_OLD_PUBLIC_KEYS, de una sola línea: el PEM con
    sus saltos de línea cambiados por espacios, o el campo public_key de /api/v1/claves.
    """
    app = current_app
    configured = str(archivo) if archivo else app.extensions["settings"].signing_key
    try:
        signer = signing_config.load_signer(configured, Path(app.instance_path), demo=False)
    except (signing_config.SigningKeyMissing, signing_config.SigningKeyInvalid) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(signer.public.pem, nl=False)
    click.echo(f"Identificador de la clave: {signer.kid}", err=True)
