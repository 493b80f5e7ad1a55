# A Python worker of SidecarExample, standard library only: the Blink Store text protocol over TCP.
# Usage: python3 worker.py PORT NAME INDEX WORKERS   (prints one summary line, then obeys its standard input:
# "write TEXT" stores TEXT under the key notice and prints "wrote"; "read" prints "notice=" and that key's value)
import base64
import socket
import sys

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
    print("worker=%s lookups=%d db_calls=%d verified=%d" % (name, COUNT, db_calls, verified), flush=True)
    # Then the example's orders, one a line: "write TEXT" stores the notice, "read" reads it once.
    for command in sys.stdin:
        command = command.rstrip("\n")
        if command.startswith("write "):
            request("SET notice " + command[len("write "):])
            print("wrote", flush=True)
        elif command == "read":
            notice = get("notice")
            print("notice=%s" % ("NOT_FOUND" if notice is None else notice), flush=True)
        else:
            sys.exit("unknown command: " + command)
