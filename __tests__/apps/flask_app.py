"""A Flask backend for the checklist tests.

PORT: the port. RELOADER=1: run under the Werkzeug reloader (two processes, one socket).
OLD=1: an old build without /api/local-llm/status. HEALTH_HTML=1: /api/health is missing.
BROKEN=1: /api/items answers 500.
"""
import os

from flask import Flask, jsonify

app = Flask(__name__)
OLD = os.environ.get("OLD") == "1"


if os.environ.get("HEALTH_HTML") != "1":

    @app.get("/api/health")
    def health():
        return jsonify(status="ok")


@app.get("/api/items")
def items():
    if os.environ.get("BROKEN") == "1":
        return jsonify(error="boom"), 500
    return jsonify(items=[{"id": 1}])


if not OLD:

    @app.get("/api/local-llm/status")
    def llm_status():
        return jsonify(ready=True, model="tiny")


if __name__ == "__main__":
    for rule in app.url_map.iter_rules():
        print(f"route registered: {rule.rule}", flush=True)
    reloader = os.environ.get("RELOADER") == "1"
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]), debug=reloader, use_reloader=reloader)
