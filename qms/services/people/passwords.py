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

from argon2 import Parameters, PasswordHasher, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.low_level import ARGON2_VERSION

DEFAULT_BOUND = 2

_hasher = PasswordHasher()
_OUR_PARAMETERS = Parameters(
    type=_hasher.type,
    version=ARGON2_VERSION,
    salt_len=_hasher.salt_len,
    hash_len=_hasher.hash_len,
    time_cost=_hasher.time_cost,
    memory_cost=_hasher.memory_cost,
    parallelism=_hasher.parallelism,
)
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


def is_our_hash(password_hash: str) -> bool:
    """Whether ``password_hash`` is an argon2id hash made with exactly our parameters
    (type, version, salt and hash lengths, time, memory, lanes).

    A hash made elsewhere (an organisation file's) is taken only then: weaker parameters
    would make the password cheaper to guess, and larger ones would let the file set the
    memory and time that every sign-in of that person costs."""
    try:
        return extract_parameters(password_hash) == _OUR_PARAMETERS
    except InvalidHashError:
        return False


@cache
def dummy_hash() -> str:
    """A hash of a random password with the real parameters, made once per process:
    checking a password against it costs what checking a real one does."""
    return hash_password(secrets.token_urlsafe(32))
