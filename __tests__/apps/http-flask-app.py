"""Flask backend for the HTTP assertion tests. Usage: python3 http-flask-app.py PORT

Route contract shared with http-node-app.mjs (the tests run the same cases against both).
Werkzeug prints "Running on http://127.0.0.1:PORT" to stderr once the socket is bound.
"""
import sys
import time

from flask import Flask, jsonify, redirect, request

app = Flask(__name__)

STATUS = {
    "data": {
        "items": [{"id": 7, "name": "llama"}, {"id": 8, "name": "qwen"}],
        "model": {"ctx": 4096, "name": "llama"},
        "ready": True,
    },
    "version": "2.1.0",
}


@app.get("/api/health")
def health():
    return jsonify(status="ok")


@app.get("/api/local-llm/status")
def llm_status():
    res = jsonify(STATUS)
    res.headers["X-Backend-Version"] = "2.1.0"
    return res


@app.get("/api/json-as-text")
def json_as_text():
    return '{"a":1}', 200, {"Content-Type": "text/plain; charset=utf-8"}


@app.get("/api/problem")
def problem():
    return '{"title":"out of stock"}', 200, {"Content-Type": "application/problem+json"}


@app.get("/api/boom")
def boom():
    return "Internal Server Error: boom", 500, {"Content-Type": "text/plain; charset=utf-8"}


@app.get("/api/created")
def created():
    return jsonify(created=True), 201


@app.get("/api/slow")
def slow():
    time.sleep(1.0)
    return jsonify(slow=True)


@app.post("/api/echo")
def echo():
    return jsonify(
        auth=request.headers.get("Authorization"),
        body=request.get_data(as_text=True),
        connection=request.headers.get("Connection"),
        method=request.method,
    )


@app.get("/api/redirect")
def moved():
    return redirect("/api/health", 302)


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(sys.argv[1]))
