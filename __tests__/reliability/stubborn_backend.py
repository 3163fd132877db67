"""A backend that ignores SIGTERM, like one that drains requests for longer than a cancelled CI
step allows: `python3 stubborn_backend.py <port> <pid-file>`. Once listening it writes its pid
to <pid-file> (whole, by rename); each SIGTERM it ignores adds a line to <pid-file>.sigterm.
GET /hang never answers; anything else answers 200 JSON."""
import os
import signal
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, pid_file = int(sys.argv[1]), sys.argv[2]


def ignore_sigterm(_signum, _frame):
    with open(pid_file + ".sigterm", "a") as f:
        f.write("SIGTERM ignored\n")


signal.signal(signal.SIGTERM, ignore_sigterm)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/hang":
            time.sleep(3600)
            return
        body = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
with open(pid_file + ".tmp", "w") as f:
    f.write(str(os.getpid()))
os.rename(pid_file + ".tmp", pid_file)
print(f"listening on {port}, ignoring SIGTERM", flush=True)
server.serve_forever()
