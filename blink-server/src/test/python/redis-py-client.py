"""Drives redis-py (Debian's python3-redis) against one server: a transaction, a SCAN iteration, a pipeline of
10,000 commands and a 2 MiB value. Prints one "ok redis-py <check>" line per check passed; exits non-zero with the
reason at the first check that fails.

    /usr/bin/python3 redis-py-client.py HOST PORT
"""
import os
import sys

import redis

SCAN_KEYS = 1000
PIPELINE = 10_000
BIG = 2 * 1024 * 1024


def main(host, port):
    client = redis.Redis(host=host, port=int(port), socket_timeout=30)
    prefix = "redis-py:"
    client.delete(prefix + "tx", prefix + "ctr")
    # pipeline() is transactional by default: MULTI ... EXEC.
    with client.pipeline() as tx:
        assert tx.set(prefix + "tx", "1").incr(prefix + "ctr").execute() == [True, 1]
    print("ok redis-py transaction")

    wanted = {f"{prefix}scan:{i}".encode() for i in range(SCAN_KEYS)}
    client.mset({key: b"v" for key in wanted})
    seen = set(client.scan_iter(match=prefix + "scan:*", count=100))
    assert seen == wanted, f"SCAN returned {len(seen)} of {len(wanted)} keys"
    print("ok redis-py scan")

    with client.pipeline(transaction=False) as pipe:
        for i in range(PIPELINE):
            if i % 2 == 0:
                pipe.set(f"{prefix}p:{i}", i)
            else:
                pipe.get(f"{prefix}p:{i - 1}")
        replies = pipe.execute()
    assert len(replies) == PIPELINE
    for i, reply in enumerate(replies):
        assert reply == (True if i % 2 == 0 else str(i - 1).encode()), f"reply {i}: {reply!r}"
    print("ok redis-py pipeline")

    big = os.urandom(BIG)
    assert client.set(prefix + "big", big) is True
    assert client.get(prefix + "big") == big, "2 MiB value differs"
    print("ok redis-py big-value")
    client.close()


if __name__ == "__main__":
    main(*sys.argv[1:3])
