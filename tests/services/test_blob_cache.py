"""The per-process cache of served blobs: bounded, least recently used out, and only ever
holding bytes that match their hash."""

from sqlalchemy.engine import Engine

from qms.db import read_session, write_session
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
