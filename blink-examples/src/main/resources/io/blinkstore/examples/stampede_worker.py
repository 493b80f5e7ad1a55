# A Python worker of StampedeExample, standard library only: the Blink Store text protocol over one TCP socket.
# Usage: python3 stampede_worker.py PORT QUERY_MS LEASE_MS
# Connects, prints "ready", then for each line "MODE KEY VALUE" on stdin (the go signal; VALUE is the database's
# row for KEY) reads KEY and prints "queries=N value=V". MODE "lease": GETL, and on LEASE query and FILL, on WAIT
# ask again after the hinted ms; "plain": GET, and on a miss query and SET. Exits when stdin ends.
import base64
import socket
import sys
import time

port, query_ms, lease_ms = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
with socket.create_connection(("127.0.0.1", port)) as sock:
    stream = sock.makefile("rwb")

    def request(line):
        stream.write((line + "\n").encode())
        stream.flush()
        reply = stream.readline().decode().rstrip("\n")
        if not reply or reply.startswith("ERROR"):
            sys.exit("%s: %s" % (line, reply or "the server closed the connection"))
        return reply

    def decode(reply):
        return base64.b64decode(reply[len("VALUE "):]).decode()

    def query(row):
        time.sleep(query_ms / 1000)
        return row

    def read_plain(key, row):
        reply = request("GET " + key)
        if reply.startswith("VALUE "):
            return 0, decode(reply)
        request("SET %s %s" % (key, query(row)))
        return 1, row

    def read_leased(key, row):
        while True:
            reply = request("GETL %s %d" % (key, lease_ms))
            if reply.startswith("VALUE "):
                return 0, decode(reply)
            if reply.startswith("LEASE "):
                value = base64.b64encode(query(row).encode()).decode()
                request("FILL %s %s 0 %s" % (key, reply[len("LEASE "):], value))
                return 1, row
            time.sleep(int(reply[len("WAIT "):]) / 1000)

    request("PING")
    print("ready", flush=True)
    for go in sys.stdin:
        mode, key, row = go.split()
        queries, value = (read_leased if mode == "lease" else read_plain)(key, row)
        print("queries=%d value=%s" % (queries, value), flush=True)
    stream.write(b"QUIT\n")
    stream.flush()
