"""Password hashes: Argon2id (argon2-cffi) for every new hash; the scrypt and pbkdf2 hashes that
Werkzeug made before are still checked, and replaced by an Argon2id hash at the next login."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from werkzeug.security import check_password_hash

# argon2-cffi's defaults: RFC 9106's "low memory" profile (t=3, 64 MiB, 4 lanes). A change of
# these parameters is picked up by ``check_needs_rehash`` at each user's next login.
_hasher = PasswordHasher()

# The longest password anyone may choose, and the longest the login form takes: the same number
# everywhere, so no account can get a password with which it cannot log in.
MAX_PASSWORD_LENGTH = 128


def hash_password(password: str) -> str:
    """Return an Argon2id hash of ``password`` (salted, memory-hard)."""
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> tuple[bool, bool]:
    """Return (whether ``password`` matches the ``stored`` hash, whether the hash should be made
    again): a Werkzeug hash of before Argon2, or an Argon2 hash with other parameters."""
    if stored.startswith("$argon2"):
        try:
            _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False, False
        return True, _hasher.check_needs_rehash(stored)
    try:
        matches = check_password_hash(stored, password)
    except ValueError:  # not a hash Werkzeug knows: nobody can log in with it
        return False, False
    return matches, matches


@cache
def dummy_hash() -> str:
    """Checked when the e-mail address is unknown, so a wrong address costs as much time as a
    wrong password and the answer time does not tell which accounts exist."""
    return hash_password("not-a-real-password")
