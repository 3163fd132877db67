"""A server that shares its port with SO_REUSEPORT, answering every GET with one status.

Usage: python3 http-reuseport-server.py PORT STATUS. Two of these on one port with different
statuses are the "two servers on one port" signature: the kernel spreads connections.
Prints READY once bound and listening.
"""
import json
import socket
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

PORT, STATUS = int(sys.argv[1]), int(sys.argv[2])


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"status": STATUS}).encode()
        self.send_response(STATUS)
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
server.serve_forever()
