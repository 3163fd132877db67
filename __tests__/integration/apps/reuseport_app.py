"""An HTTP server that binds its port with SO_REUSEPORT, for the whole-run watch tests.

PORT: the port (127.0.0.1). ROUTE_STATUS: the status of /api/route (default 200).
GO_FILE: on the first /api/health request, create this file (a start command waits on it to
    start a second server), then answer after HEALTH_DELAY_S seconds.
FLAKY=1: /api/route alternates 200 and 500 (one server that answers inconsistently).
"""
import json
import os
import socket
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

PORT = int(os.environ["PORT"])
COUNT = {"route": 0}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        status = 200
        if self.path == "/api/health":
            go = os.environ.get("GO_FILE")
            if go and not os.path.exists(go):
                open(go, "w").close()
                time.sleep(float(os.environ.get("HEALTH_DELAY_S", "0")))
        elif self.path == "/api/route":
            COUNT["route"] += 1
            status = int(os.environ.get("ROUTE_STATUS", "200"))
            if os.environ.get("FLAKY") == "1" and COUNT["route"] % 2 == 0:
                status = 500
        body = json.dumps({"status": status}).encode()
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


ReusePortServer(("127.0.0.1", PORT), Handler).serve_forever()
