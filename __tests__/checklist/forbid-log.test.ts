/**
 * The default forbid-log patterns on sample log lines, as the log capture matches them
 * (case-insensitive defaults; user patterns as written). The bind errors of gunicorn, uvicorn,
 * Werkzeug and Node are also captured from the real programs in
 * __tests__/integration/bind-errors.int.test.ts; the lines below that are not real captures
 * say where their text comes from.
 */
import { readFileSync } from 'node:fs';
import { LogCapture, forbidPattern } from '../../src/checklist/log-capture.js';
import { DEFAULT_FORBID_LOG } from '../../src/config/types.js';

/** The first default pattern each line matches (null: none), through a real LogCapture. */
function firstDefaultHit(line: string): string | null {
  // Compiled as the backend-start item compiles the configured patterns: `new RegExp(source)`.
  const capture = new LogCapture({
    logPath: null,
    expect: [],
    forbid: DEFAULT_FORBID_LOG.map((source) => new RegExp(source)),
    redact: (text) => text,
  });
  capture.write(Buffer.from(`${line}\n`));
  const i = capture.forbidHits.findIndex((hit) => hit !== null);
  return i === -1 ? null : DEFAULT_FORBID_LOG[i]!;
}

test.each([
  // Python's traceback header (CPython, every version).
  [
    'Python traceback',
    'Traceback (most recent call last):',
    'Traceback \\(most recent call last\\)',
  ],
  // Werkzeug prints the OSError's strerror, then its hint (werkzeug/serving.py, prepare_socket).
  ['Werkzeug (Flask dev server)', 'Address already in use', 'Address already in use'],
  // uvicorn's server.py logs the OSError in lower case (captured from uvicorn 0.17.6).
  [
    'uvicorn',
    "ERROR:    [Errno 98] error while attempting to bind on address ('127.0.0.1', 8000): address already in use",
    'Address already in use',
  ],
  // gunicorn's sock.py: log.error("Connection in use: %s", addr) (captured from gunicorn 20.1.0).
  [
    'gunicorn',
    "[2026-12-02 23:12:45 +0000] [20057] [ERROR] Connection in use: ('127.0.0.1', 54477)",
    'Connection in use',
  ],
  // Node's net module: the uncaught 'error' event of server.listen() (Node 20 format).
  [
    'Node',
    'Error: listen EADDRINUSE: address already in use 127.0.0.1:3000',
    'Address already in use',
  ],
  ['Node error code alone', "  code: 'EADDRINUSE',", 'EADDRINUSE'],
  // Go's net.Listen error (net.OpError wrapping syscall.EADDRINUSE): "listen tcp :8080: bind: ...".
  ['Go', 'listen tcp :8080: bind: address already in use', 'Address already in use'],
  // Ruby/Puma: Errno::EADDRINUSE's message, "Address already in use - bind(2) for ...".
  [
    'Ruby/Puma',
    'Errno::EADDRINUSE: Address already in use - bind(2) for "0.0.0.0" port 3000',
    'Address already in use',
  ],
  // Java: java.net.BindException thrown by ServerSocket.bind (OpenJDK message "Address already in use").
  ['Java', 'Caused by: java.net.BindException: Address already in use', 'Address already in use'],
  // Java: a BindException for another bind failure (OpenJDK, EADDRNOTAVAIL's message).
  [
    'Java, another bind failure',
    'Exception in thread "main" java.net.BindException: Cannot assign requested address',
    'BindException',
  ],
  // .NET on Windows: SocketException for WSAEADDRINUSE, "SocketException (10048): <FormatMessage text>".
  [
    '.NET on Windows',
    'System.Net.Sockets.SocketException (10048): Only one usage of each socket address (protocol/network address/port) is normally permitted.',
    'Only one usage of each socket address',
  ],
  // Python on Windows: OSError "[WinError 10048]" — Windows localizes the message that
  // follows, so the code alone must match.
  [
    'Python on Windows, localized message',
    'OSError: [WinError 10048] Normalerweise darf jede Socketadresse nur jeweils einmal verwendet werden',
    '(?:WinError|SocketException|errno|error)\\W{0,3}10048\\b',
  ],
  // A bare Winsock error code as C programs print it (WSAGetLastError).
  [
    'Winsock error code',
    'bind failed with error: 10048',
    '(?:WinError|SocketException|errno|error)\\W{0,3}10048\\b',
  ],
])('%s: matched by a default pattern', (_name, line, pattern) => {
  expect(firstDefaultHit(line)).toBe(pattern);
});

test.each([
  [
    'a normal start line',
    'INFO:     Uvicorn running on http://127.0.0.1:8000 (Press CTRL+C to quit)',
  ],
  ['a port that happens to be 10048', 'Listening on http://0.0.0.0:10048'],
  ['a response size of 10048 bytes', '127.0.0.1 - - "GET /api/items HTTP/1.1" 200 10048'],
  ['a word that contains "traceback"', 'tracebacks are disabled in production'],
])('%s: matched by no default pattern', (_name, line) => {
  expect(firstDefaultHit(line)).toBeNull();
});

test('defaults ignore case; patterns the user writes are matched as written', () => {
  const user = new RegExp('Connection refused');
  expect(forbidPattern(user)).toBe(user);
  expect(forbidPattern(user).test('connection refused')).toBe(false);
  const fromDefault = forbidPattern(new RegExp('Address already in use'));
  expect(fromDefault.flags).toContain('i');
  expect(fromDefault.test('ADDRESS ALREADY IN USE')).toBe(true);
  // Already case-insensitive: kept as given.
  const given = /EADDRINUSE/i;
  expect(forbidPattern(given)).toBe(given);
});

test('docs/configuration.md lists exactly the default patterns, in order', () => {
  const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('\n## Log patterns\n'));
  const rows = section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => /^\| `(.*?)`\s+\|/.exec(line)![1]!.replaceAll('\\|', '|'));
  expect(rows).toEqual(DEFAULT_FORBID_LOG);
});
