#!/usr/bin/env python3
"""An HTTP GET/PUT server on 127.0.0.1 whose PUTs wait for the test's word.

    held_put_server.py <dir> [lifetime_seconds]

GET and HEAD answer at once from <dir>/data (404 when absent). A PUT is
logged to <dir>/puts-started, then held until the file <dir>/release exists
(stored, 201) or <dir>/drop exists (the connection is closed unanswered, as
a server that dies mid-request); each finished PUT is logged to
<dir>/puts-done. So a test can see whether a client waited for its upload
without timing anything. Writes its port to <dir>/port (last, atomically)
and its pid to <dir>/pid; exits by itself after `lifetime_seconds`.
"""
import http.server
import os
import sys
import threading
import time

DIR = sys.argv[1] if len(sys.argv) > 1 else sys.exit("usage: held_put_server.py <dir> [lifetime]")
DATA = os.path.join(DIR, "data")


def log(name, line):
    with open(os.path.join(DIR, name), "a") as f:
        f.write(line + "\n")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def path_on_disk(self):
        return os.path.join(DATA, self.path.lstrip("/").replace("..", "_"))

    def do_GET(self, body=True):
        path = self.path_on_disk()
        if not os.path.isfile(path):
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        with open(path, "rb") as f:
            data = f.read()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def do_HEAD(self):
        self.do_GET(body=False)

    def do_PUT(self):
        data = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        log("puts-started", self.path)
        while True:
            if os.path.exists(os.path.join(DIR, "drop")):
                self.close_connection = True
                self.connection.shutdown(2)
                return
            if os.path.exists(os.path.join(DIR, "release")):
                break
            time.sleep(0.02)
        path = self.path_on_disk()
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path + ".tmp", "wb") as f:
            f.write(data)
        os.rename(path + ".tmp", path)
        log("puts-done", self.path)
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()


def main():
    lifetime = float(sys.argv[2]) if len(sys.argv) > 2 else 120.0
    os.makedirs(DATA, exist_ok=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with open(os.path.join(DIR, "pid"), "w") as f:
        f.write(f"{os.getpid()}\n")
    with open(os.path.join(DIR, "port.tmp"), "w") as f:
        f.write(f"{server.server_address[1]}\n")
    os.rename(os.path.join(DIR, "port.tmp"), os.path.join(DIR, "port"))
    threading.Timer(lifetime, lambda: os._exit(0)).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
