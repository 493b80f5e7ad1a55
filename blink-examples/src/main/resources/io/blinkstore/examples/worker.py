# A Python worker of SidecarExample, standard library only: the Blink Store text protocol over TCP.
# Usage: python3 worker.py PORT NAME INDEX WORKERS   (prints one summary line)
import base64
import socket
import sys
import time

COUNT = 300

def row(i):
    return "id=%d;name=product-%d;price=%d;desc=%s" % (i, i, i * 37 % 1000, "x" * (200 + i % 100))

port, name, index, workers = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
with socket.create_connection(("127.0.0.1", port)) as sock:
    stream = sock.makefile("rwb")

    def request(line):
        stream.write((line + "\n").encode())
        stream.flush()
        return stream.readline().decode().rstrip("\n")

    def get(key):
        reply = request("GET " + key)
        return None if reply == "NOT_FOUND" else base64.b64decode(reply[len("VALUE "):]).decode()

    db_calls = verified = 0
    for n in range(COUNT):
        i = (n + index * COUNT // workers) % COUNT
        value = get("product:%d" % i)
        if value is None:
            db_calls += 1
            request("SET product:%d %s" % (i, row(i)))
        elif value == row(i):
            verified += 1
    # The writer is another process, which may still be starting: wait for its notice, up to a generous deadline.
    notice = get("notice")
    deadline = time.monotonic() + 30
    while notice is None and time.monotonic() < deadline:
        time.sleep(0.01)
        notice = get("notice")
    print("worker=%s lookups=%d db_calls=%d verified=%d notice=%s" % (name, COUNT, db_calls, verified, notice))
