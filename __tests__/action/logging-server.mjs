// A backend that logs every request, as Flask and most Express apps do: kept running after the
// action's program exits, it must keep answering (its output must not become a broken pipe).
import http from 'node:http';

const port = Number(process.env.PORT);
http
  .createServer((req, res) => {
    console.log(`${req.method} ${req.url}`);
    console.error(`served ${req.url}`);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  })
  .listen(port, () => console.log(`listening on port ${port} (pid ${process.pid})`));
