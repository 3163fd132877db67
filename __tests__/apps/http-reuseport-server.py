"""A server that shares its port with SO_REUSEPORT, answering every GET with one status.

Usage: python3 http-reuseport-server.py PORT STATUS [NAME]. Two of these on one port with
different statuses are the "two servers on one port" signature: the kernel spreads connections.
With NAME, the body also says which server answered: {"status": 200, "server": "old"}.
Prints READY once bound and listening.

For the whole-run watch tests, from the environment:
GO_FILE: on the first /api/health request, create this file (a start command waits on it to
    start a second server), then answer after HEALTH_DELAY_S seconds.
FLAKY=1: every second request answers 500 instead (one server that answers inconsistently).
READY_FILE: create this file once listening (a start command that starts two servers waits on it).
"""
import json
import os
import socket
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

PORT, STATUS = int(sys.argv[1]), int(sys.argv[2])
NAME = sys.argv[3] if len(sys.argv) > 3 else None
COUNT = {"requests": 0}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        go = os.environ.get("GO_FILE")
        if self.path == "/api/health" and go and not os.path.exists(go):
            open(go, "w").close()
            time.sleep(float(os.environ.get("HEALTH_DELAY_S", "0")))
        COUNT["requests"] += 1
        flaky = os.environ.get("FLAKY") == "1" and COUNT["requests"] % 2 == 0
        status = 500 if flaky else STATUS
        answer = {"status": status} if NAME is None else {"status": status, "server": NAME}
        body = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class ReusePortServer(HTTPServer):
    def server_bind(self):
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        super().server_bind()


server = ReusePortServer(("127.0.0.1", PORT), Handler)
print("READY", flush=True)
if os.environ.get("READY_FILE"):
    open(os.environ["READY_FILE"], "w").close()
server.serve_forever()
