"""Password hashes: Argon2id for new ones; Werkzeug's older ones still open the door once, and are
then replaced."""

from __future__ import annotations

import pytest
from werkzeug.security import generate_password_hash

from assessment.auth.passwords import hash_password, verify_password

PASSWORD = "een zin van vier woorden"


def test_a_new_hash_is_argon2id_salted_and_needs_no_rehash():
    stored = hash_password(PASSWORD)
    assert stored.startswith("$argon2id$")
    assert stored != hash_password(PASSWORD)
    assert verify_password(stored, PASSWORD) == (True, False)
    assert verify_password(stored, PASSWORD + "!") == (False, False)


@pytest.mark.parametrize("method", ["scrypt", "pbkdf2:sha256"])
def test_a_werkzeug_hash_matches_and_asks_to_be_made_again(method):
    stored = generate_password_hash(PASSWORD, method=method)
    assert verify_password(stored, PASSWORD) == (True, True)
    assert verify_password(stored, "iets anders helemaal") == (False, False)


@pytest.mark.parametrize("stored", ["", "plain text", "$argon2id$broken", "md5$abc$def"])
def test_a_hash_nobody_knows_lets_nobody_in(stored):
    assert verify_password(stored, PASSWORD)[0] is False
