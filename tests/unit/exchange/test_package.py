"""The .dtsx file on its own: what is written is read back, and what cannot be trusted is refused
before it is unpacked or used."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from assessment.exchange import package
from assessment.exchange.package import PackageError, public_key_text, read_package, write_package

MEMBERS: dict[str, Any] = {
    "round.json": {"code": "R-1"},
    "questionnaire.json": {"key": "q", "version": 1},
    "units.json": [{"code": "A"}],
    "targets.json": [],
    "assessments.json": [{"unit": "A", "answers": [{"question": "v", "comment": "één"}]}],
}


def packed(key: Ed25519PrivateKey | None = None) -> bytes:
    return write_package(
        MEMBERS,
        key=key or Ed25519PrivateKey.generate(),
        app_version="0.1.0",
        created_at="t",
        counts={"units": 1},
    )


def test_what_is_written_is_read_back_with_the_signers_key():
    key = Ed25519PrivateKey.generate()
    read = read_package(packed(key))
    assert read.members == MEMBERS
    assert read.signer == public_key_text(key)
    assert read.signature_valid
    assert read.manifest["counts"] == {"units": 1}


def test_the_same_content_gives_the_same_members_byte_for_byte():
    def contents(data: bytes) -> dict[str, bytes]:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {n: archive.read(n) for n in archive.namelist() if n not in ("manifest.json", "signature")}

    assert contents(packed()) == contents(packed())


def test_a_package_without_a_signature_is_read_as_unsigned():
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(packed())) as source, zipfile.ZipFile(buffer, "w") as target:
        for name in source.namelist():
            if name != "signature":
                target.writestr(name, source.read(name))
    read = read_package(buffer.getvalue())
    assert read.signer is None
    assert not read.signature_valid


def test_members_that_unpack_past_the_total_limit_are_refused(monkeypatch):
    monkeypatch.setattr(package, "MAX_UNPACKED_BYTES", 500)
    with pytest.raises(PackageError, match="pakt uit tot meer dan 500 bytes samen"):
        read_package(packed())


def test_a_file_past_the_upload_limit_is_refused_before_it_is_opened():
    with pytest.raises(PackageError, match="de grens is 100 bytes"):
        read_package(packed(), max_bytes=100)


def test_a_member_twice_is_refused():
    data = io.BytesIO(packed())
    with zipfile.ZipFile(data, "a") as archive, pytest.warns(UserWarning, match="Duplicate name"):
        archive.writestr("units.json", b"[]")
    with pytest.raises(PackageError, match="twee keer"):
        read_package(data.getvalue())


def test_an_older_format_is_read_through_the_chain_of_upgraders(monkeypatch):
    """As a version 2 would add it: one function from 1 to 2, registered in UPGRADERS."""

    def upgrade_1_to_2(members: dict[str, Any]) -> dict[str, Any]:
        return {**members, "round.json": {**members["round.json"], "scope": None}}

    old = packed()  # format version 1
    monkeypatch.setattr(package, "FORMAT_VERSION", 2)
    monkeypatch.setitem(package.UPGRADERS, 1, upgrade_1_to_2)
    assert read_package(old).members["round.json"] == {"code": "R-1", "scope": None}
    assert read_package(packed()).members["round.json"] == {"code": "R-1"}, "a version 2 file is not upgraded"
