// A misbehaving backend for the reliability tests: `node backend.mjs <port> [behaviour...]`.
// Behaviours (any order): log-mb=N (N MB of numbered 100-byte lines before listening),
// raw-bytes (ANSI colours, control characters, invalid UTF-8 and CRLF before listening),
// hostile (markdown and HTML lines in the log), exit=N (exit with code N instead of listening),
// crash-on-request (exit 3 on the first request). Other words are ignored: they only show up in
// the command line.
// Routes: /health JSON 200; /hang never answers; /stream an endless JSON-typed body;
// /slow?ms=N answers after N ms; /hostile 500 with an HTML body; anything else 200 "ok".
import { writeSync } from 'node:fs';
import http from 'node:http';

const [portText, ...behaviours] = process.argv.slice(2);
const port = Number(portText);
const has = (name) => behaviours.includes(name);
const out = (text) => writeSync(1, text);

/** Line i of the big log: `line <i, 10 digits> xxx…`, 100 bytes with its newline. */
const bigLogLine = (i) => `line ${String(i).padStart(10, '0')} `.padEnd(99, 'x') + '\n';

const logMb = Number(behaviours.find((b) => b.startsWith('log-mb='))?.slice(7) ?? 0);
if (logMb > 0) {
  const linesPerChunk = 10_000;
  const totalLines = logMb * 10_000;
  for (let first = 0; first < totalLines; first += linesPerChunk) {
    let chunk = '';
    for (let i = first; i < first + linesPerChunk; i++) chunk += bigLogLine(i);
    out(chunk);
  }
}
if (has('raw-bytes')) {
  writeSync(
    1,
    Buffer.concat([
      Buffer.from('\x1b[31mred text\x1b[0m \x1b]0;window title\x07 bell\x07 nul\x00 end\n'),
      Buffer.from([0x62, 0x61, 0x64, 0x20, 0xff, 0xfe, 0xc3, 0x0a]), // "bad " + invalid UTF-8
      Buffer.from('crlf line\r\n'),
    ]),
  );
}
if (has('hostile')) {
  out('</details><script>alert(1)</script>\n| x | y |\n|---|---|\n<img src=x onerror=alert(1)>\n');
}
const exitCode = behaviours.find((b) => b.startsWith('exit='))?.slice(5);
if (exitCode !== undefined) process.exit(Number(exitCode));

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (has('crash-on-request')) {
    out(`crashing on ${url.pathname}\n`);
    process.exit(3);
  }
  switch (url.pathname) {
    case '/health':
      res.setHeader('content-type', 'application/json');
      res.end('{"ok":true}');
      return;
    case '/hang':
      return; // never answers
    case '/stream': {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, '[');
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
      };
      res.on('drain', pump);
      pump();
      return;
    }
    case '/slow':
      setTimeout(() => res.end('slow ok'), Number(url.searchParams.get('ms') ?? 1000));
      return;
    case '/hostile':
      res.writeHead(500, { 'content-type': 'text/html' });
      res.end('<img src=x onerror=alert(1)> | a | b | </pre></details><script>alert(2)</script>');
      return;
    default:
      res.end('ok');
  }
});
server.listen(port, '127.0.0.1', () => out(`READY on ${port}\n`));
