"""Drives redis-py's scripts (Debian's python3-redis) against one server, for ScriptClientsIT. Prints one
"ok redis-py <check>" line per check passed; exits non-zero with the reason at the first check that fails.

    /usr/bin/python3 redis-py-scripts.py HOST PORT lock-worker COUNT   # COUNT increments of a shared counter,
                                                                      # each under redis-py's Lock
    /usr/bin/python3 redis-py-scripts.py HOST PORT lock-holder         # holds a Lock until a line on stdin, then
                                                                      # extends, reacquires and releases it
    /usr/bin/python3 redis-py-scripts.py HOST PORT lock-intruder       # cannot take, extend or release that Lock
    /usr/bin/python3 redis-py-scripts.py HOST PORT rate-limiter        # a token bucket through register_script
"""
import random
import sys
import threading
from pathlib import Path

import redis
from redis.exceptions import LockNotOwnedError

COUNTER = "redis-py:counter"
COUNTER_LOCK = "redis-py:counter-lock"
HELD_LOCK = "redis-py:held-lock"
BUCKET = (Path(__file__).parent.parent / "lua" / "token-bucket.lua").read_text()


def lock_worker(client, count):
    for _ in range(int(count)):
        # GET then SET: two processes doing this without the lock lose increments.
        with client.lock(COUNTER_LOCK, timeout=30, blocking_timeout=60):
            value = int(client.get(COUNTER) or 0)
            client.set(COUNTER, value + 1)
    print("ok redis-py lock-worker", flush=True)


def lock_holder(client):
    lock = client.lock(HELD_LOCK, timeout=30)
    assert lock.acquire(blocking=False), "the lock was taken before the holder"
    print("held", flush=True)
    sys.stdin.readline()
    assert lock.owned(), "the holder lost its lock to the intruder"
    assert lock.extend(20), "extend"
    assert client.pttl(HELD_LOCK) > 30_000, f"extended by 20 s: {client.pttl(HELD_LOCK)} ms left"
    assert lock.extend(5, replace_ttl=True), "extend, replacing the ttl"
    assert client.pttl(HELD_LOCK) <= 5_000, f"5 s ttl: {client.pttl(HELD_LOCK)} ms left"
    assert lock.reacquire(), "reacquire"
    assert client.pttl(HELD_LOCK) > 5_000, f"reacquired for 30 s: {client.pttl(HELD_LOCK)} ms left"
    lock.release()
    assert client.exists(HELD_LOCK) == 0, "released, the key is gone"
    print("ok redis-py lock-holder", flush=True)


def lock_intruder(client):
    lock = client.lock(HELD_LOCK, timeout=30)
    assert not lock.acquire(blocking=False), "took a lock the other process holds"
    token = client.get(HELD_LOCK)
    assert token is not None, "the holder's lock is not there"
    for attempt in (lock.release, lambda: lock.extend(10), lock.reacquire):
        lock.local.token = b"the intruder's token"  # release() clears it
        try:
            attempt()
            raise AssertionError("the intruder changed a lock it does not own")
        except LockNotOwnedError:
            pass
    assert client.get(HELD_LOCK) == token, "the holder's lock was changed"
    assert client.pttl(HELD_LOCK) <= 30_000, "the holder's lock was extended"
    print("ok redis-py lock-intruder", flush=True)


def bucket_model(state, capacity, rate, now, cost):
    """The token bucket of token-bucket.lua, in Python: returns [allowed, milli-tokens left]."""
    tokens, ts = state.get("tokens", capacity * 1000), state.get("ts", now)
    tokens = min(capacity * 1000, tokens + max(0, now - ts) * rate)
    allowed = 0
    if tokens >= cost * 1000:
        tokens -= cost * 1000
        allowed = 1
    state.update(tokens=tokens, ts=now)
    return [allowed, tokens]


def rate_limiter(client):
    bucket = client.register_script(BUCKET)
    key = "redis-py:bucket"
    client.delete(key)
    rng = random.Random(24)
    state, now, allowed = {}, 1_000_000, 0
    for i in range(500):
        now += rng.randrange(0, 400)
        cost = rng.randrange(1, 4)
        expected = bucket_model(state, 10, 5, now, cost)
        got = bucket(keys=[key], args=[10, 5, now, cost])
        assert got == expected, f"request {i} at {now} ms costing {cost}: {got}, the model {expected}"
        allowed += got[0]
    assert 0 < allowed < 500, f"{allowed} of 500 allowed: the bucket never limited"
    client.script_flush()
    assert bucket(keys=[key], args=[10, 5, now, 0])[0] == 1, "after SCRIPT FLUSH"

    # Atomic: 4 connections, 50 requests each, no refill (one instant): exactly the capacity is allowed.
    client.delete(key)
    results = []

    def burst():
        own = redis.Redis(host=client.connection_pool.connection_kwargs["host"],
                          port=client.connection_pool.connection_kwargs["port"], socket_timeout=30)
        script = own.register_script(BUCKET)
        results.extend(script(keys=[key], args=[37, 0, now, 1])[0] for _ in range(50))
        own.close()

    threads = [threading.Thread(target=burst) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 200 and sum(results) == 37, f"{sum(results)} of {len(results)} allowed, capacity 37"
    print("ok redis-py rate-limiter", flush=True)


def main(host, port, mode, *args):
    client = redis.Redis(host=host, port=int(port), socket_timeout=60)
    {"lock-worker": lambda: lock_worker(client, *args),
     "lock-holder": lambda: lock_holder(client),
     "lock-intruder": lambda: lock_intruder(client),
     "rate-limiter": lambda: rate_limiter(client)}[mode]()
    client.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
