// Node (node:http) backend for the HTTP assertion tests. Usage: node http-node-app.mjs PORT
// Same route contract as http-flask-app.py, including an HTML 404 page for unknown routes.
// Prints READY once listening on 127.0.0.1.
import http from 'node:http';

const port = Number(process.argv[2]);

const STATUS = {
  data: {
    items: [
      { id: 7, name: 'llama' },
      { id: 8, name: 'qwen' },
    ],
    model: { ctx: 4096, name: 'llama' },
    ready: true,
  },
  version: '2.1.0',
};

function send(res, status, type, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': type, ...headers });
  res.end(body);
}

const json = (res, value, status = 200, headers = {}) =>
  send(res, status, 'application/json', JSON.stringify(value), headers);

const routes = {
  'GET /api/health': (req, res) => json(res, { status: 'ok' }),
  'GET /api/local-llm/status': (req, res) =>
    json(res, STATUS, 200, { 'X-Backend-Version': '2.1.0' }),
  'GET /api/json-as-text': (req, res) => send(res, 200, 'text/plain; charset=utf-8', '{"a":1}'),
  'GET /api/problem': (req, res) =>
    send(res, 200, 'application/problem+json', '{"title":"out of stock"}'),
  'GET /api/boom': (req, res) =>
    send(res, 500, 'text/plain; charset=utf-8', 'Internal Server Error: boom'),
  'GET /api/created': (req, res) => json(res, { created: true }, 201),
  'GET /api/slow': (req, res) => setTimeout(() => json(res, { slow: true }), 1000),
  'POST /api/echo': (req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () =>
      json(res, {
        auth: req.headers.authorization ?? null,
        body,
        connection: req.headers.connection ?? null,
        method: req.method,
      }),
    );
  },
  'GET /api/redirect': (req, res) => send(res, 302, 'text/plain', '', { Location: '/api/health' }),
};

const NOT_FOUND =
  '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n';

http
  .createServer((req, res) => {
    const route = routes[`${req.method} ${new URL(req.url, 'http://x').pathname}`];
    if (route) route(req, res);
    else send(res, 404, 'text/html; charset=utf-8', NOT_FOUND);
  })
  .listen(port, '127.0.0.1', () => console.log('READY'));
