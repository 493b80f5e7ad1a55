"""Pub/sub with redis-py (Debian's python3-redis): its pubsub() subscribes to a channel and a pattern and receives
what another connection publishes; with a channel, it prints "ready" once subscribed to it, then the first
message another client (node-redis, in RealClientsIT) publishes there. Prints one "ok redis-py <check>" line per check passed; exits non-zero at the first check that fails.

    /usr/bin/python3 redis-py-pubsub.py HOST PORT [CHANNEL]
"""
import sys

import redis


def next_message(pubsub):
    message = pubsub.get_message(ignore_subscribe_messages=True, timeout=30)
    assert message is not None, "no message within 30 s"
    return message


def main(host, port):
    client = redis.Redis(host=host, port=int(port), socket_timeout=30)
    pubsub = client.pubsub()
    pubsub.subscribe("py:news")
    pubsub.psubscribe("py:*")
    for _ in range(2):
        assert pubsub.get_message(timeout=30)["type"] in ("subscribe", "psubscribe")
    assert client.publish("py:news", "hello from python") == 2
    message = next_message(pubsub)
    assert (message["type"], message["channel"], message["data"]) == ("message", b"py:news", b"hello from python")
    message = next_message(pubsub)
    assert (message["type"], message["pattern"], message["data"]) == ("pmessage", b"py:*", b"hello from python")
    assert client.pubsub_numsub("py:news") == [(b"py:news", 1)]
    assert client.pubsub_numpat() == 1
    print("ok redis-py subscribe")

    pubsub.punsubscribe()
    pubsub.unsubscribe()
    assert [pubsub.get_message(timeout=30)["type"] for _ in range(2)] == ["punsubscribe", "unsubscribe"]
    assert client.publish("py:news", "nobody") == 0
    print("ok redis-py unsubscribe")
    pubsub.close()
    client.close()


def receive_one(host, port, channel):
    """Subscribes to channel, prints "ready", then prints the first message another client publishes there."""
    pubsub = redis.Redis(host=host, port=int(port), socket_timeout=30).pubsub()
    pubsub.subscribe(channel)
    assert pubsub.get_message(timeout=30)["type"] == "subscribe"
    print("ready", flush=True)
    print("received " + next_message(pubsub)["data"].decode(), flush=True)
    pubsub.close()


if __name__ == "__main__":
    if len(sys.argv) > 3:
        receive_one(*sys.argv[1:4])
    else:
        main(*sys.argv[1:3])
