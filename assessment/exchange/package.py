"""The ``.dtsx`` file: write it, and read it back without trusting a byte of it.

No Flask and no database here: this module turns member contents (plain JSON data) into a
signed ZIP and back. A package holds:

``manifest.json``
    ``format`` ("dts-exchange"), ``format_version``, ``app_version``, ``created_at``, ``counts``
    and ``members``: the SHA-256 of every other member.
``signature``
    JSON: ``algorithm`` ("ed25519"), ``public_key`` (as ``assessment exchange key`` prints it)
    and ``signature`` (base64) over the exact bytes of ``manifest.json``.
``round.json``, ``questionnaire.json``, ``units.json``, ``targets.json``, ``assessments.json``
    the content (see ``assessment.exchange.services``).

Reading refuses, each with one line that names the reason: a file larger than the upload
limit, a file that is no ZIP or is cut off, a member name that is not one of ours (``../x``),
members that unpack to more than ``MAX_UNPACKED_BYTES`` or more than ``MAX_RATIO`` times
their packed size (a ZIP bomb), hashes that do not match, a signature that does not verify and
a format version this release does not know.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

FORMAT = "dts-exchange"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SIGNATURE = "signature"
CONTENT_MEMBERS = ("round.json", "questionnaire.json", "units.json", "targets.json", "assessments.json")
KEY_PREFIX = "ed25519:"

MAX_PACKAGE_BYTES = 20 * 1024 * 1024  # the file itself: the upload limit
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # all members together, unpacked
MAX_RATIO = 200  # unpacked size / packed size of one member (JSON packs about 10 to 30 times)
_CHUNK = 64 * 1024


class PackageError(ValueError):
    """The package cannot be used; the message says why, in one Dutch line."""


@dataclass(frozen=True)
class Package:
    """A read package: its manifest, its members (parsed JSON, upgraded to FORMAT_VERSION) and
    who signed it (None when it carries no signature)."""

    manifest: dict[str, Any]
    members: dict[str, Any]
    signer: str | None
    signature_valid: bool
    digest: str  # SHA-256 of the manifest bytes: names the package in the audit trail


# -- keys -----------------------------------------------------------------------------------------


def public_key_text(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """``ed25519:`` and the 32 raw bytes of the public key in base64: one line to pass on."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return KEY_PREFIX + base64.b64encode(raw).decode("ascii")


def parse_public_key(text: str) -> Ed25519PublicKey:
    """The key in ``text`` (as ``public_key_text`` writes it); PackageError when it is none."""
    text = text.strip()
    if not text.startswith(KEY_PREFIX):
        raise PackageError(f"een publieke sleutel begint met '{KEY_PREFIX}'")
    try:
        raw = base64.b64decode(text.removeprefix(KEY_PREFIX), validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError):
        raise PackageError("dit is geen geldige Ed25519-sleutel (32 bytes in base64)") from None


# -- writing --------------------------------------------------------------------------------------


def canonical_json(data: Any) -> bytes:
    """The same data always gives the same bytes (sorted keys, no spaces, UTF-8)."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, indent=None, separators=(",", ":")).encode(
        "utf-8"
    )


def write_package(
    members: dict[str, Any],
    *,
    key: Ed25519PrivateKey,
    app_version: str,
    created_at: str,
    counts: dict[str, int],
) -> bytes:
    """Return the signed ZIP of ``members`` (name → JSON data, the names of CONTENT_MEMBERS)."""
    encoded = {name: canonical_json(members[name]) for name in CONTENT_MEMBERS}
    manifest = canonical_json(
        {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "app_version": app_version,
            "created_at": created_at,
            "counts": counts,
            "members": {name: hashlib.sha256(data).hexdigest() for name, data in encoded.items()},
        }
    )
    signature = canonical_json(
        {
            "algorithm": "ed25519",
            "public_key": public_key_text(key),
            "signature": base64.b64encode(key.sign(manifest)).decode("ascii"),
        }
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in [(MANIFEST, manifest), (SIGNATURE, signature), *encoded.items()]:
            # A fixed date: the same content gives the same bytes apart from manifest and signature.
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


# -- reading --------------------------------------------------------------------------------------


def read_package(data: bytes, *, max_bytes: int = MAX_PACKAGE_BYTES) -> Package:
    """Return the package in ``data``, checked and upgraded; PackageError when it cannot be used.

    The signature is checked here against the key the package names; whether that key is
    trusted is for the importer to decide (``Package.signer``).
    """
    if len(data) > max_bytes:
        raise PackageError(
            f"het pakket is {_megabytes(len(data))} groot; de grens is {_megabytes(max_bytes)}"
        )
    raw = _unpack(data)
    manifest_bytes = raw.get(MANIFEST)
    if manifest_bytes is None:
        raise PackageError("het pakket heeft geen manifest.json")
    manifest = _json(MANIFEST, manifest_bytes)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise PackageError("manifest.json is geen manifest van een DTS-uitwisselpakket")
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= FORMAT_VERSION:
        raise PackageError(
            f"onbekende formaatversie {version!r}: deze versie van de applicatie leest formaat "
            f"1 tot en met {FORMAT_VERSION}; werk de applicatie bij"
        )
    hashes = manifest.get("members")
    if not isinstance(hashes, dict):
        raise PackageError("manifest.json noemt de onderdelen van het pakket niet")
    extra = sorted(set(raw) - {MANIFEST, SIGNATURE} - set(hashes))
    if extra:
        raise PackageError(f"onderdeel {extra[0]} staat niet in het manifest")
    members: dict[str, Any] = {}
    for name, expected in sorted(hashes.items()):
        if name not in raw:
            raise PackageError(f"onderdeel {name} ontbreekt in het pakket")
        if hashlib.sha256(raw[name]).hexdigest() != expected:
            raise PackageError(
                f"de controlesom van {name} klopt niet met het manifest: het pakket is gewijzigd"
            )
        members[name] = _json(name, raw[name])
    signer, valid = _check_signature(raw.get(SIGNATURE), manifest_bytes)
    members = upgrade(members, version)
    missing = [name for name in CONTENT_MEMBERS if name not in members]
    if missing:
        raise PackageError(f"onderdeel {missing[0]} ontbreekt in het pakket")
    return Package(
        manifest=manifest,
        members=members,
        signer=signer,
        signature_valid=valid,
        digest=hashlib.sha256(manifest_bytes).hexdigest(),
    )


def _unpack(data: bytes) -> dict[str, bytes]:
    allowed = {MANIFEST, SIGNATURE, *CONTENT_MEMBERS}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            for info in infos:
                name = info.filename
                if name.startswith(("/", "\\")) or ".." in name or "/" in name or "\\" in name:
                    raise PackageError(f"onveilige naam in het pakket: {name!r}")
                if name not in allowed:
                    raise PackageError(f"onbekend onderdeel in het pakket: {name!r}")
            if len({info.filename for info in infos}) != len(infos):
                raise PackageError("een onderdeel staat twee keer in het pakket")
            total = 0
            members: dict[str, bytes] = {}
            for info in infos:
                limit = min(MAX_UNPACKED_BYTES - total, max(info.compress_size, 1) * MAX_RATIO)
                members[info.filename] = _read_bounded(archive, info, limit)
                total += len(members[info.filename])
            return members
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError):
        raise PackageError("dit is geen geldig pakket: het ZIP-bestand is afgekapt of beschadigd") from None


def _read_bounded(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """Read one member, stopping as soon as it unpacks past ``limit`` (the header's sizes are
    the sender's word, not a fact)."""
    bomb = PackageError(
        f"onderdeel {info.filename} pakt uit tot meer dan {_megabytes(MAX_UNPACKED_BYTES)} samen of "
        f"meer dan {MAX_RATIO} keer zijn gepakte grootte: geweigerd (mogelijk een ZIP-bom)"
    )
    if info.file_size > limit:
        raise bomb
    chunks: list[bytes] = []
    size = 0
    with archive.open(info) as member:
        while chunk := member.read(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise bomb
            chunks.append(chunk)
    return b"".join(chunks)


def _json(name: str, data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise PackageError(f"onderdeel {name} is geen geldige JSON") from None


def _check_signature(data: bytes | None, manifest: bytes) -> tuple[str | None, bool]:
    """(the signer's key, whether the signature verifies); (None, False) when there is none."""
    if data is None:
        return None, False
    document = _json(SIGNATURE, data)
    if not isinstance(document, dict) or document.get("algorithm") != "ed25519":
        raise PackageError("de handtekening van het pakket heeft een onbekende vorm")
    signer = str(document.get("public_key", ""))
    try:
        key = parse_public_key(signer)
        key.verify(base64.b64decode(str(document.get("signature", "")), validate=True), manifest)
    except (PackageError, InvalidSignature, binascii.Error, ValueError):
        return signer, False
    return signer, True


def _megabytes(size: int) -> str:
    if size < 100 * 1024:
        return f"{size} bytes"
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",").replace(",0 MB", " MB")


# -- format versions ------------------------------------------------------------------------------

Upgrader = Callable[[dict[str, Any]], dict[str, Any]]

# UPGRADERS[n] turns the members of format version n into those of version n + 1.
#
# How a version 2 is added: raise FORMAT_VERSION to 2, write ``_upgrade_1_to_2(members)`` that
# returns the members as version 2 has them (for example a new field with the value that
# version 1 implied), register it here as ``UPGRADERS[1] = _upgrade_1_to_2``, keep
# ``tests/data/exchange-v1.dtsx`` and add ``tests/data/exchange-v2.dtsx`` made by the new
# exporter. The importer only ever sees the newest form; every older package is read through
# the chain, one step at a time, so a package made today opens in every later release.
UPGRADERS: dict[int, Upgrader] = {}


def upgrade(members: dict[str, Any], version: int) -> dict[str, Any]:
    """Return ``members`` of format ``version`` as FORMAT_VERSION has them (one step per
    version through UPGRADERS)."""
    while version < FORMAT_VERSION:
        members = UPGRADERS[version](members)
        version += 1
    return members
