"""Password hashing with Argon2id (argon2-cffi).

The default cost is argon2-cffi's (RFC 9106 low-memory profile: 64 MiB, 3 passes). Tests lower
it with :func:`set_parameters` (``argon2.profiles.CHEAPEST``); hashes keep their own parameters,
so :func:`needs_rehash` tells the login code to upgrade a hash made with older settings.
"""

from __future__ import annotations

from argon2 import Parameters, PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()
_dummy_hash: str | None = None


def set_parameters(parameters: Parameters | None) -> None:
    """Use other Argon2 parameters for new hashes (``None`` restores the default)."""
    global _hasher, _dummy_hash
    _hasher = PasswordHasher.from_parameters(parameters) if parameters else PasswordHasher()
    _dummy_hash = None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches; False for a mismatch or a hash that is not Argon2."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with parameters other than the current ones."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except (InvalidHashError, ValueError):
        return True


def burn_verify_time(password: str) -> None:
    """Spend as long as a real verification, so an unknown username takes the same time as a
    wrong password (no user enumeration by timing)."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash("gridwatch-no-such-user")
    verify_password(_dummy_hash, password)
