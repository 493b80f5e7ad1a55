"""Drives redis-py (Debian's python3-redis) through an app's own ACL user, from its URL alone
(redis://user:pass@host:port/db; the user reaches keys matching `app:*` only): a transaction, a SCAN iteration, a
2 MiB value and a key outside `app:*` refused. Prints one "ok redis-py <check>" line per check passed; exits non-zero
with the reason at the first check that fails.

    /usr/bin/python3 redis-py-app-user.py URL
"""
import os
import sys

import redis

SCAN_KEYS = 1000
BIG = 2 * 1024 * 1024


def main(url):
    client = redis.Redis.from_url(url, socket_timeout=30)
    prefix = "app:redis-py:"
    # pipeline() is transactional by default: MULTI ... EXEC.
    with client.pipeline() as tx:
        assert tx.set(prefix + "tx", "1").incr(prefix + "ctr").execute() == [True, 1]
    print("ok redis-py transaction")

    wanted = {f"{prefix}scan:{i}".encode() for i in range(SCAN_KEYS)}
    client.mset({key: b"v" for key in wanted})
    seen = set(client.scan_iter(match=prefix + "scan:*", count=100))
    assert seen == wanted, f"SCAN returned {len(seen)} of {len(wanted)} keys"
    print("ok redis-py scan")

    big = os.urandom(BIG)
    assert client.set(prefix + "big", big) is True
    assert client.get(prefix + "big") == big, "2 MiB value differs"
    print("ok redis-py big-value")

    try:
        client.get("other:redis-py")
        raise AssertionError("a key outside app:* was read")
    except redis.exceptions.NoPermissionError:
        print("ok redis-py other-key-refused")
    client.close()


if __name__ == "__main__":
    main(sys.argv[1])
