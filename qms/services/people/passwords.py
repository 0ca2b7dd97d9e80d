"""Password hashing, bounded per process.

Every argon2 hash and verification takes 64 MiB for its duration (the library's default
parameters, kept on purpose). A burst of sign-ins would otherwise take that much per
request at once, so at most :data:`DEFAULT_BOUND` of them (``QMS_MAX_CONCURRENT_HASHES``)
run together in one process; the others queue. A worker's peak memory is then about its
base plus bound x 64 MiB, whatever the burst.
"""

import secrets
import threading
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

DEFAULT_BOUND = 2

_hasher = PasswordHasher()
_gate = threading.BoundedSemaphore(DEFAULT_BOUND)


def limit_concurrent_hashes(bound: int) -> None:
    """Allow ``bound`` hashes at once in this process (set once, when the app starts)."""
    global _gate
    if bound < 1:
        raise ValueError("at least one hash must be allowed at a time")
    _gate = threading.BoundedSemaphore(bound)


def hash_password(password: str) -> str:
    """A new argon2id hash of ``password`` (length rules are the caller's)."""
    with _gate:
        return _hasher.hash(password)


def verify(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``; a malformed hash matches nothing."""
    with _gate:
        try:
            return _hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


@cache
def dummy_hash() -> str:
    """A hash of a random password with the real parameters, made once per process:
    checking a password against it costs what checking a real one does."""
    return hash_password(secrets.token_urlsafe(32))
