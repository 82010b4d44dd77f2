"""Where the signing keys come from: SIGNING_KEY, the instance's key file, retired keys.

The private key comes from ``SIGNING_KEY`` (PEM text, or the path of a PEM file) or from
``instance/signing_key.pem``. Only demo mode may create that file; outside it, issuing without
a key is refused. Retired keys stay published so old documents still verify: public (or
private) PEM files in ``instance/signing_keys_old/`` and ``SIGNING_OLD_PUBLIC_KEYS`` (PEM
blocks, or base64 raw keys separated by commas or spaces). Apart from ``domain.signing``, which
seals and verifies with keys already loaded, because only this side reads files and settings.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import re
import tempfile
from pathlib import Path

from domain.ed25519 import (
    KeyFormatError,
    NotEd25519,
    VerifyingKey,
    load_private_pem,
    load_public_pem,
)
from domain.signing import Signer

KEY_FILE = "signing_key.pem"
OLD_KEYS_DIR = "signing_keys_old"
_PEM_BLOCK = re.compile(r"-----BEGIN [A-Z ]+-----.+?-----END [A-Z ]+-----", re.DOTALL)


class SigningKeyMissing(RuntimeError):
    """No private key is configured, and outside demo mode none is created."""


class SigningKeyInvalid(RuntimeError):
    """A configured key cannot be read, or is not an Ed25519 key in PEM (or base64 raw) form."""


def _load_private(pem: bytes) -> Signer:
    try:
        return Signer(load_private_pem(pem))
    except NotEd25519 as exc:
        raise SigningKeyInvalid("La clave de firma debe ser Ed25519.") from exc
    except KeyFormatError as exc:
        # The detail (damaged, wrong block, a public key that is not its own) helps the operator.
        raise SigningKeyInvalid(
            f"La clave de firma no es una clave privada utilizable. {exc}"
        ) from exc


def parse_public_keys(text: str) -> list[VerifyingKey]:
    """Public keys from PEM blocks (public or private) or base64 raw keys in ``text``."""
    keys: list[VerifyingKey] = []
    blocks = _PEM_BLOCK.findall(text)
    for block in blocks:
        if "PRIVATE KEY" in block:
            keys.append(_load_private(block.encode()).private_key.verifying_key())
            continue
        try:
            keys.append(load_public_pem(block.encode()))
        except NotEd25519 as exc:
            raise SigningKeyInvalid("Las claves públicas deben ser Ed25519.") from exc
        except KeyFormatError as exc:
            raise SigningKeyInvalid("Una clave pública antigua no es un PEM legible.") from exc
    rest = _PEM_BLOCK.sub(" ", text)
    for token in rest.replace(",", " ").split():
        try:
            keys.append(VerifyingKey(base64.b64decode(token, validate=True)))
        except (binascii.Error, ValueError) as exc:
            raise SigningKeyInvalid("Una clave pública antigua no es base64 de 32 bytes.") from exc
    return keys


def _write_new_key(path: Path) -> None:
    """Create ``path`` with a new key, mode 0600; a concurrent creator's key wins untouched."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".signing_key.")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(Signer.generate().private_pem())
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)  # atomic, and fails if another process got there first
    finally:
        os.unlink(tmp)


def load_signer(configured: str | None, instance_path: Path, demo: bool) -> Signer:
    """The key for new documents: SIGNING_KEY, the instance file, or (demo only) a new one.

    ``configured`` is SIGNING_KEY's value: PEM text or the path of a PEM file.
    """
    if configured:
        if "-----BEGIN" in configured:
            return _load_private(configured.encode())
        try:
            pem = Path(configured).read_bytes()
        except OSError as exc:  # a typo in the path, or a file the app's user may not read
            raise SigningKeyInvalid(
                f"No se pudo leer la clave de firma en {_nombrable(configured)}: "
                f"{exc.strerror or type(exc).__name__}"
            ) from exc
        return _load_private(pem)
    path = instance_path / KEY_FILE
    if not path.exists():
        if not demo:
            raise SigningKeyMissing(
                "Falta la clave de firma: define SIGNING_KEY (PEM o ruta de un archivo PEM) "
                f"o coloca {path}."
            )
        _write_new_key(path)
    return _load_private(path.read_bytes())


def _nombrable(configured: str) -> str:
    """SIGNING_KEY as an error may show it: a file's path, but never what may be the key itself
    (a key pasted without its PEM header is read as a path, and errors reach the logs).

    >>> _nombrable("/etc/portal/clave-2027.pem")
    '/etc/portal/clave-2027.pem'
    >>> _nombrable("MC4CAQAwBQYDK2VwBCIEIHx0")
    'la ruta de SIGNING_KEY (su valor no se muestra: no parece un archivo .pem)'
    """
    if len(configured) <= 255 and configured.lower().endswith((".pem", ".key")):
        return configured
    return "la ruta de SIGNING_KEY (su valor no se muestra: no parece un archivo .pem)"


def old_keys_folder(instance_path: Path) -> Path:
    """Where retired keys are read from: ``signing_keys_old/`` in the instance folder, which
    INSTANCE_PATH may move (so messages name this path, not ``instance/``)."""
    return instance_path / OLD_KEYS_DIR


def load_old_keys(old_public_keys: str, instance_path: Path) -> list[VerifyingKey]:
    """Retired public keys from ``instance/signing_keys_old/*.pem`` and SIGNING_OLD_PUBLIC_KEYS."""
    keys: list[VerifyingKey] = []
    folder = old_keys_folder(instance_path)
    # Each error names its source: the operator has a variable and a folder of files to check.
    if folder.is_dir():
        for pem in sorted(folder.glob("*.pem")):
            try:
                text = pem.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise SigningKeyInvalid(f"No se pudo leer {pem} como PEM.") from exc
            keys.extend(_parse_from(str(pem), text))
    keys.extend(_parse_from("SIGNING_OLD_PUBLIC_KEYS", old_public_keys))
    return keys


def _parse_from(source: str, text: str) -> list[VerifyingKey]:
    try:
        return parse_public_keys(text)
    except SigningKeyInvalid as exc:
        raise SigningKeyInvalid(f"{source}: {exc}") from exc
