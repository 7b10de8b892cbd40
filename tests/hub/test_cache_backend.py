"""The Redis cache backend (hub/cache_backend.py), against a real Redis on loopback."""

import uuid

import pytest

from hub.cache_backend import HubRedisCache

REDIS_URL = "redis://127.0.0.1:6379/6"


@pytest.fixture
def redis_cache():
    backend = HubRedisCache(REDIS_URL, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    yield backend
    backend.clear()


def test_reads_and_writes_go_through_to_redis(redis_cache):
    redis_cache.set("state", {"update": 7}, timeout=60)
    redis_cache.set("page", (b"<html>", {"content-type": "text/html"}), timeout=60)
    assert redis_cache.get("state") == {"update": 7}
    assert redis_cache.get_many(["state", "page", "missing"]) == {
        "state": {"update": 7},
        "page": (b"<html>", {"content-type": "text/html"}),
    }
    redis_cache.delete("state")
    assert redis_cache.get("state") is None
    # Seen by a second backend on the same server and prefix: it is Redis, not memory.
    other = HubRedisCache(REDIS_URL, {"KEY_PREFIX": redis_cache.key_prefix})
    assert other.get("page") == (b"<html>", {"content-type": "text/html"})


def test_one_redis_client_serves_every_call(redis_cache):
    client = redis_cache._cache
    first = client.get_client(write=False)
    assert client.get_client(write=False) is first
    assert client.get_client(write=True) is first  # one server: reads and writes share a pool
    redis_cache.set("key", 1)
    assert redis_cache.get("key") == 1
    assert client.get_client(write=True) is first
