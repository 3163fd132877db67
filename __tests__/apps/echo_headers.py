"""A Flask backend that logs every request header, for the secrets tests.

PORT: the port. /api/health answers {"status": "ok"}; /api/secure logs the request's headers
("header Name: value"), then refuses with 403 and echoes the Authorization header in its body,
so the value reaches both the backend log and the endpoint's failure text.
"""
import os

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.get("/api/health")
def health():
    return jsonify(status="ok")


@app.get("/api/secure")
def secure():
    for name, value in request.headers.items():
        print(f"header {name}: {value}", flush=True)
    return jsonify(error="forbidden", authorization=request.headers.get("Authorization")), 403


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
