"""The per-process cache of served blobs: bounded, least recently used out, and only ever
holding bytes that match their hash."""

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from qms.db import read_session, write_session
from qms.errors import IntegrityProblem, NotFound
from qms.services import blobs
from qms.services.blobs import _ByteCache


def test_cache_keeps_only_bytes_that_match_their_key() -> None:
    cache = _ByteCache(1024)
    cache.add(blobs.sha256(b"forged"), b"real bytes")
    assert cache.get(blobs.sha256(b"forged")) is None
    cache.add(blobs.sha256(b"real bytes"), b"real bytes")
    assert cache.get(blobs.sha256(b"real bytes")) == b"real bytes"


def test_cache_drops_the_least_recently_used_beyond_its_limit() -> None:
    cache = _ByteCache(800)  # entries of up to 100 bytes
    keys = [blobs.sha256(bytes([n]) * 100) for n in range(9)]
    for n, key in enumerate(keys[:8]):
        cache.add(key, bytes([n]) * 100)
    assert cache.get(keys[0]) is not None  # now the most recently used
    cache.add(keys[8], bytes([8]) * 100)
    assert cache.get(keys[1]) is None
    assert cache.get(keys[0]) is not None
    assert cache.get(keys[8]) is not None
    assert cache.size <= 800


def test_data_of_serves_the_stored_bytes(engine: Engine) -> None:
    data = b"%PDF-1.7 stored copy"
    with write_session(engine) as session:
        key = blobs.put(session, data=data, media_type="application/pdf").sha256
        session.commit()
    with read_session(engine) as session:
        assert blobs.data_of(session, key) == data
        assert blobs.data_of(session, key) == data  # second time from the cache


def test_data_of_many_serves_each_blob_checked(engine: Engine) -> None:
    parts = [b"%PDF-1.7 first", b"%PDF-1.7 second", b"%PDF-1.7 third"]
    with write_session(engine) as session:
        keys = [blobs.put(session, data=d, media_type="application/pdf").sha256 for d in parts]
        session.commit()
    blobs.forget_cached()
    with read_session(engine) as session:
        assert blobs.data_of_many(session, [keys[2], keys[0], keys[2]]) == {
            keys[2]: parts[2],
            keys[0]: parts[0],
        }
        missing = blobs.sha256(b"never stored")
        with pytest.raises(NotFound, match=missing):
            blobs.data_of_many(session, [keys[1], missing])
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE blob SET data = :d WHERE sha256 = :k"), {"d": b"altered", "k": keys[1]}
        )
    blobs.forget_cached()
    with read_session(engine) as session, pytest.raises(IntegrityProblem, match=keys[1][:12]):
        blobs.data_of_many(session, keys)
