// A backend that takes its time to listen, for the CI-log tests: `node slow_listen.mjs <port> <ms>`.
// Logs "booting", then "still booting N" every second until it listens on 127.0.0.1:<port>
// after <ms> ms ("listening on <port>"). Routes: /health 200 JSON; anything else 404.
import http from 'node:http';

const [port, delayMs = '0'] = process.argv.slice(2).map(Number);
console.log('booting');
let n = 0;
const ticker = setInterval(() => console.log(`still booting ${++n}`), 1000);
setTimeout(() => {
  clearInterval(ticker);
  http
    .createServer((req, res) => {
      if (req.url === '/health') {
        res.setHeader('content-type', 'application/json');
        res.end('{"ok":true}');
      } else {
        res.statusCode = 404;
        res.end('not found');
      }
    })
    .listen(port, '127.0.0.1', () => console.log(`listening on ${port}`));
}, delayMs);
