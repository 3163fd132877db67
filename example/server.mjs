// The bundled example backend: plain Node, no dependencies. PORT sets the port (default 5123).
// STALE=1 plays "an old build": the newest route is missing, as on a stale dev server.
import http from 'node:http';

const port = Number(process.env.PORT ?? 5123);
const stale = process.env.STALE === '1';

const routes = {
  'GET /api/health': () => ({ status: 'ok', version: stale ? '1.0.0' : '1.1.0' }),
  'GET /api/items': () => ({ items: [{ id: 1, name: 'first' }] }),
  ...(stale ? {} : { 'GET /api/local-llm/status': () => ({ ready: true, model: 'tiny' }) }),
};

const server = http.createServer((req, res) => {
  const route = routes[`${req.method} ${new URL(req.url, 'http://x').pathname}`];
  if (!route) {
    res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>404 Not Found</h1>');
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(route()));
});

for (const name of Object.keys(routes)) console.log(`route registered: ${name}`);
server.listen(port, () => console.log(`listening on port ${port} (pid ${process.pid})`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
