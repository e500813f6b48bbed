"""This installation's Ed25519 key pair: made on first use, kept readable by the owner only."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)


class KeyFileError(Exception):
    """The key file cannot be read or made; the message says why, in Dutch."""


def key_path(config: dict[str, object], instance_path: str) -> Path:
    """EXCHANGE_KEY_FILE, else ``exchange_key.pem`` in the instance folder."""
    return Path(str(config.get("EXCHANGE_KEY_FILE") or Path(instance_path) / "exchange_key.pem"))


def installation_key(path: Path) -> Ed25519PrivateKey:
    """Return the private key in ``path``, making it (mode 0600) when the file does not exist."""
    try:
        return _load(path.read_bytes(), path)
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise KeyFileError(f"{path}: kan de sleutel niet lezen ({exc.strerror or exc})") from None
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return _load(path.read_bytes(), path)
    except OSError as exc:
        raise KeyFileError(f"{path}: kan de sleutel niet maken ({exc.strerror})") from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return key


def _load(data: bytes, path: Path) -> Ed25519PrivateKey:
    try:
        key = load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        raise KeyFileError(f"{path}: geen leesbare sleutel") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path}: dit is geen Ed25519-sleutel")
    return key
