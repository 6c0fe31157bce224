#!/usr/bin/env python3
"""A TCP server on 127.0.0.1 that accepts connections and never answers.

    slow_server.py <dir> [lifetime_seconds]

Writes its port to <dir>/port, its pid to <dir>/pid, and one line per
accepted connection to <dir>/connections. It holds every connection open
without reading or writing, so a client waits for its own timeout. It exits
by itself after `lifetime_seconds` (default 120), so a test that dies
without stopping it leaves nothing behind for long.
"""
import os
import select
import socket
import sys
import time


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: slow_server.py <dir> [lifetime_seconds]")
    directory = sys.argv[1]
    lifetime = float(sys.argv[2]) if len(sys.argv) > 2 else 120.0
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    with open(os.path.join(directory, "pid"), "w") as f:
        f.write(f"{os.getpid()}\n")
    # The port file appears last: once it exists, the server is accepting.
    port_tmp = os.path.join(directory, "port.tmp")
    with open(port_tmp, "w") as f:
        f.write(f"{listener.getsockname()[1]}\n")
    os.rename(port_tmp, os.path.join(directory, "port"))

    held = []  # open connections, kept so they are neither answered nor closed
    deadline = time.monotonic() + lifetime
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        ready, _, _ = select.select([listener], [], [], min(left, 1.0))
        if ready:
            conn, _ = listener.accept()
            held.append(conn)
            with open(os.path.join(directory, "connections"), "a") as f:
                f.write("accepted\n")
    for conn in held:
        conn.close()
    listener.close()


if __name__ == "__main__":
    main()
