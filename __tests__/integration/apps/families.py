"""Listening sockets by family, for the single-listener counting rule.

FAMILIES=both: one process on 0.0.0.0 and on [::] with IPV6_V6ONLY (one listener).
FAMILIES=v4 or v6: only that socket (run two of them for two listeners).
"""
import os
import signal
import socket
import sys

port = int(os.environ["PORT"])
families = os.environ.get("FAMILIES", "both")
sockets = []
if families in ("both", "v4"):
    v4 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    v4.bind(("0.0.0.0", port))
    sockets.append(v4)
if families in ("both", "v6"):
    v6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    v6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    v6.bind(("::", port))
    sockets.append(v6)
for s in sockets:
    s.listen(16)
print(f"listening ({families}) on port {port}", flush=True)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
signal.pause()
