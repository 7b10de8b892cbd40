"""Django's Redis cache backend, with one Redis client per connection pool.

Django's RedisCacheClient makes a new `redis.Redis` object for every cache
call, and redis-py's constructor fills a table of some 170 response callbacks
each time: on a page served from the cache that cost more than the round trips
to Redis themselves. A `redis.Redis` holds no state of its own beyond its
connection pool and is safe to share between threads, so one per pool serves
every call.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusingClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)
            client = self._clients[index] = self._client(connection_pool=pool)
        return client


class HubRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingClient
