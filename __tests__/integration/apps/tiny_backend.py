"""A configurable stdlib HTTP backend for the integration tests (no Flask needed).

PORT: the port (HOST: the bind address, default 127.0.0.1).
LINES=N: print N numbered lines ("log line 1 of N" ...) before listening.
HEALTH_DELAY_S: /api/health sleeps that long before answering.
ITEMS_STATUS: the status of /api/items (default 200).
ON_SIGTERM=ignore: SIGTERM is ignored (only SIGKILL stops it).
ON_SIGTERM=daemonize: on SIGTERM, a double-forked grandchild in its own session keeps the
    listening socket (writes its pid to DAEMON_PIDFILE, exits by itself after 120 s) and the
    server exits: a survivor that left the process group.
Routes: /api/health -> {"status": "ok"}, /api/items -> {"items": [1]}, else a 404 HTML page.
"""
import json
import os
import signal
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROUTES = {"/api/health": {"status": "ok"}, "/api/items": {"items": [1]}}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/api/health":
            time.sleep(float(os.environ.get("HEALTH_DELAY_S", "0")))
        body = ROUTES.get(self.path)
        if body is None:
            self.send_response(404)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<h1>Not Found</h1>")
            return
        status = int(os.environ.get("ITEMS_STATUS", "200")) if self.path == "/api/items" else 200
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps(body).encode())


def daemonize_and_exit(_signum, _frame):
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            pidfile = os.environ["DAEMON_PIDFILE"]
            with open(pidfile + ".tmp", "w") as f:
                f.write(str(os.getpid()))
            os.rename(pidfile + ".tmp", pidfile)
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            time.sleep(120)
        os._exit(0)
    os._exit(0)


def main():
    on_sigterm = os.environ.get("ON_SIGTERM")
    if on_sigterm == "ignore":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    elif on_sigterm == "daemonize":
        signal.signal(signal.SIGTERM, daemonize_and_exit)
    lines = int(os.environ.get("LINES", "0"))
    for n in range(1, lines + 1):
        print(f"log line {n} of {lines}")
    host = os.environ.get("HOST", "127.0.0.1")
    server = ThreadingHTTPServer((host, int(os.environ["PORT"])), Handler)
    server.daemon_threads = True
    print(f"listening on {host}:{os.environ['PORT']} (pid {os.getpid()})", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
