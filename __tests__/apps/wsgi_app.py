"""A plain WSGI app for gunicorn tests. OLD=1: without /api/local-llm/status (a stale build)."""
import json
import os

OLD = os.environ.get("OLD") == "1"
ROUTES = {"/api/health": {"status": "ok"}, "/api/items": {"items": [1]}}
if not OLD:
    ROUTES["/api/local-llm/status"] = {"ready": True}


def app(environ, start_response):
    body = ROUTES.get(environ["PATH_INFO"])
    if body is None:
        start_response("404 Not Found", [("Content-Type", "text/html")])
        return [b"<h1>Not Found</h1>"]
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps(body).encode()]
