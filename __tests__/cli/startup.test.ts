/**
 * What each command loads: the bundled CLI is split into chunk files, and a command must run
 * without the chunks it does not need. Checked by running the real bundle from a copy whose
 * unneeded chunks were deleted: a static import that pulls them back in fails these tests.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { VERSION } from '../../src/version.js';
import { bundledCli } from '../helpers/bundled-cli.js';

const run = promisify(execFile);
let bundleDir: string;
const copies: string[] = [];

beforeAll(() => {
  bundleDir = path.dirname(bundledCli());
}, 180_000);
afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

const chunksOf = (dir: string) => readdirSync(dir).filter((f) => /^\d+\.index\.js$/.test(f));

/** A copy of the bundle without the chunks `drop` selects; returns its entry. */
function bundleWithout(drop: (chunk: string, code: string) => boolean): {
  cli: string;
  dropped: string[];
} {
  const dir = mkdtempSync(path.join(tmpdir(), 'slc-startup-'));
  copies.push(dir);
  cpSync(bundleDir, dir, { recursive: true });
  const dropped = chunksOf(dir).filter((f) => drop(f, readFileSync(path.join(dir, f), 'utf8')));
  for (const f of dropped) rmSync(path.join(dir, f));
  return { cli: path.join(dir, 'index.js'), dropped };
}

test('the bundle is split: commands live in chunk files beside the entry', () => {
  expect(chunksOf(bundleDir).length).toBeGreaterThan(1);
});

test.each([['--version'], ['-v'], ['-V']])(
  '%s is answered by the entry alone, every chunk deleted',
  async (flag) => {
    const { cli, dropped } = bundleWithout(() => true);
    expect(dropped.length).toBeGreaterThan(0);
    const { stdout, stderr } = await run(process.execPath, [cli, flag]);
    expect({ stdout, stderr }).toEqual({ stdout: `${VERSION}\n`, stderr: '' });
  },
);

test('without its chunks, a command fails (the deletion above is a real test): one line, exit 3', async () => {
  const { cli } = bundleWithout(() => true);
  const failed = run(process.execPath, [cli, 'listeners', '--port', '1']);
  await expect(failed).rejects.toMatchObject({
    code: 3,
    stderr: expect.stringMatching(/^single-listener-check: internal error: [^\n]*\n$/) as unknown,
  });
});

test('listeners runs without the config schema, YAML parser or HTTP code', async () => {
  // zod's and yaml's module code, and our HTTP probe: none of it is listeners' business.
  const { cli, dropped } = bundleWithout(
    (_f, code) =>
      code.includes('ZodError') || code.includes('YAMLParseError') || code.includes('node:http'),
  );
  expect(dropped.length).toBeGreaterThan(0);
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as net.AddressInfo).port;
    const { stdout } = await run(process.execPath, [
      cli,
      'listeners',
      '--port',
      String(port),
      '--json',
    ]);
    const sockets = JSON.parse(stdout) as Array<{ processes: Array<{ pid: number }> }>;
    expect(sockets.flatMap((s) => s.processes.map((p) => p.pid))).toEqual([process.pid]);
  } finally {
    server.close();
  }
});

test("listeners piped: its output is whole, and neither process.stdout's stream modules nor child_process are loaded", async () => {
  // A preload that lists, at exit, the built-in modules Node loaded (its own included).
  const dir = mkdtempSync(path.join(tmpdir(), 'slc-builtins-'));
  copies.push(dir);
  const preload = path.join(dir, 'builtins.cjs');
  writeFileSync(
    preload,
    `process.on('exit', () => process._rawDebug('builtins: ' + process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13)).join(' ')));`,
  );
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as net.AddressInfo).port;
    const { stdout, stderr } = await run(process.execPath, [
      '--require',
      preload,
      bundledCli(),
      'listeners',
      '--port',
      String(port),
      '--json',
    ]);
    expect((JSON.parse(stdout) as unknown[]).length).toBe(1);
    const builtins = /^builtins: (.*)$/m.exec(stderr)![1]!.split(' ');
    expect(builtins).toContain('fs'); // the list is read
    expect(builtins.filter((b) => ['net', 'tty', 'child_process'].includes(b))).toEqual([]);
  } finally {
    server.close();
  }
});
