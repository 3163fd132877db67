/**
 * Property-based tests for the parsers the existing suites do not fuzz (issue 7 item 2).
 * Already covered elsewhere: durations, status specs, endpoint lines, ${VAR} interpolation and
 * flags + config-file merging (__tests__/config/properties.test.ts); lsof, ps, PowerShell JSON,
 * netstat and tasklist (__tests__/platform/darwin-windows-parsers.fuzz.test.ts). Added here:
 * the Linux /proc rows (net/tcp, net/tcp6, <pid>/stat, cmdline, status, /proc/stat), action
 * inputs merged with a config file (with "later wins"), and wait-on resources.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import fc from 'fast-check';
import { inputEnvName } from '../../src/config/text-settings.js';
import { loadConfig } from '../../src/config/load.js';
import { SETTING_ROWS } from '../../src/config/settings.js';
import { UsageError } from '../../src/errors.js';
import { parseWaitOnResource } from '../../src/config/wait-on.js';
import { decodeIPv6, parseListenRows } from '../../src/platform/linux/proc-net-tcp.js';
import {
  parseBootTime,
  parseCmdline,
  parseStat,
  parseStatusUid,
} from '../../src/platform/linux/proc-stat.js';
import { removeScratch, scratchDir } from './helpers.js';

afterAll(removeScratch);

const RUNS = { numRuns: 500 };
const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/linux/${name}`, import.meta.url), 'utf8');

/** Random text, random bytes, and `valid` cut short or with random text spliced in. */
function malformed(valid: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ unit: 'binary', maxLength: 500 }),
    fc.uint8Array({ maxLength: 500 }).map((b) => Buffer.from(b).toString('latin1')),
    fc.nat({ max: valid.length }).map((end) => valid.slice(0, end)),
    fc
      .tuple(fc.nat(), fc.nat({ max: 30 }), fc.string({ unit: 'binary', maxLength: 40 }))
      .map(([at, cut, insert]) => {
        const start = at % (valid.length + 1);
        return valid.slice(0, start) + insert + valid.slice(start + cut);
      }),
  );
}

const hex = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, '0');
/** How the kernel prints bytes: each 32-bit word as a host-order %08X (little-endian here). */
const kernelHex = (bytes: number[]) =>
  [0, 4, 8, 12]
    .slice(0, bytes.length / 4)
    .map((w) => hex(Buffer.from(bytes.slice(w, w + 4)).readUInt32LE(0), 8))
    .join('');
/** The canonical text of an IPv6 address, by the WHATWG URL serializer. */
const canonicalV6 = (text: string) => new URL(`http://[${text}]/`).hostname.slice(1, -1);

describe('/proc/net/tcp and tcp6 rows', () => {
  test('any text: an array of rows with a valid address, a port and a decimal inode', () => {
    const tables = [fixture('proc-net-tcp.txt'), fixture('proc-net-tcp6.txt')];
    fc.assert(
      fc.property(
        fc.constantFrom(0, 1).chain((i) => malformed(tables[i]!).map((t) => [i, t] as const)),
        ([i, text]) => {
          const family = i === 0 ? 'IPv4' : 'IPv6';
          for (const row of parseListenRows(text, family)) {
            expect(net.isIP(row.address)).toBe(family === 'IPv4' ? 4 : 6);
            expect(row.port >= 0 && row.port <= 65535).toBe(true);
            expect(row.inode).toMatch(/^\d+$/);
            expect(row.family).toBe(family);
          }
        },
      ),
      RUNS,
    );
  });

  test('a LISTEN row built from any address, port and inode reads back as written; other states are skipped', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 16, maxLength: 16 }),
        fc.integer({ min: 0, max: 65535 }),
        fc.bigInt({ min: 1n, max: 2n ** 63n }),
        fc.constantFrom('0A', '01', '06', '08'),
        (v6, bytes, port, inode, state) => {
          const address = v6 ? bytes : bytes.slice(0, 4);
          const row = `  0: ${kernelHex(address)}:${hex(port, 4)} ${'0'.repeat(v6 ? 32 : 8)}:0000 ${state} 00000000:00000000 00:00000000 00000000  1000        0 ${inode} 1 0000000000000000 100 0 0 10 0`;
          const rows = parseListenRows(`header line\n${row}\n`, v6 ? 'IPv6' : 'IPv4');
          if (state !== '0A') return rows.length === 0;
          const groups = [0, 2, 4, 6, 8, 10, 12, 14].map((i) =>
            hex(bytes[i]! * 256 + bytes[i + 1]!, 4),
          );
          const expected = v6 ? canonicalV6(groups.join(':')) : address.join('.');
          expect(rows).toHaveLength(1);
          expect(v6 ? canonicalV6(rows[0]!.address) : rows[0]!.address).toBe(expected);
          expect(rows[0]).toMatchObject({ port, inode: String(inode) });
          return true;
        },
      ),
      RUNS,
    );
  });

  test('decodeIPv6 gives RFC 5952 text: what the URL serializer gives, IPv4-mapped kept dotted', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(0, 0, 0, 1, 0xff, 0xab), { minLength: 16, maxLength: 16 }),
        (bytes) => {
          const text = decodeIPv6(kernelHex(bytes), true);
          expect(net.isIPv6(text)).toBe(true);
          if (text.startsWith('::ffff:') && text.includes('.')) return true;
          return text === canonicalV6(text);
        },
      ),
      RUNS,
    );
  });
});

describe('/proc/<pid> files', () => {
  test('stat: any text gives null or integer fields', () => {
    fc.assert(
      fc.property(malformed(fixture('stat-weird-name.txt')), (text) => {
        const stat = parseStat(text);
        if (stat === null) return true;
        return [stat.pid, stat.ppid, stat.pgrp, stat.startTicks].every(Number.isInteger);
      }),
      RUNS,
    );
  });

  test('stat: any process name — spaces, parentheses, ") S 1 2" — cannot shift the fields', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'ab ()S129)\t'.split('')), maxLength: 15 }),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        fc.constantFrom('R', 'S', 'D', 'Z', 'T'),
        (name, ppid, pgrp, ticks, state) => {
          const text = `4242 (${name}) ${state} ${ppid} ${pgrp} ${pgrp} 0 -1 4194560 1 0 5 0 12 3 0 0 20 0 1 0 ${ticks} 3133440 349\n`;
          expect(parseStat(text)).toEqual({
            pid: 4242,
            name,
            state,
            ppid,
            pgrp,
            startTicks: ticks,
          });
        },
      ),
      RUNS,
    );
  });

  test('cmdline: arguments without NUL come back joined by spaces, whatever NUL padding follows', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ unit: 'binary' }).filter((a) => !a.includes('\0') && a !== ''),
          {
            minLength: 1,
            maxLength: 6,
          },
        ),
        fc.nat({ max: 40 }),
        (args, padding) =>
          parseCmdline(`${args.join('\0')}\0${'\0'.repeat(padding)}`) === args.join(' '),
      ),
      RUNS,
    );
  });

  test('status and /proc/stat: any text gives a number or nothing; embedded values read back', () => {
    fc.assert(
      fc.property(
        malformed(fixture('status.txt')),
        fc.nat({ max: 2 ** 31 }),
        fc.nat({ max: 2 ** 40 }),
        (text, uid, btime) => {
          const parsedUid = parseStatusUid(text);
          expect(parsedUid === undefined || Number.isInteger(parsedUid)).toBe(true);
          const boot = parseBootTime(text);
          expect(boot === null || Number.isInteger(boot)).toBe(true);
          expect(parseStatusUid(`Name:\tx\nUid:\t${uid}\t0\t0\t0\n`)).toBe(uid);
          expect(parseBootTime(`cpu 1 2 3\nbtime ${btime}\nprocesses 9\n`)).toBe(btime);
        },
      ),
      RUNS,
    );
  });
});

describe('action inputs merged with a config file', () => {
  const inputNames = SETTING_ROWS.filter((s) => s.key !== 'config').map((s) => s.input);
  const anyText = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom('5000', '3', '30s', 'GET /x 200 json', 'A=1\nB=2', 'kill', '/health', '.', ' '),
  );

  test('any inputs and any config file give a Config or one-line problems naming a field', () => {
    const seen = { accepted: 0, refused: 0 };
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...inputNames), anyText, { maxKeys: 5 }),
        fc.option(
          fc.oneof(
            anyText,
            fc.constantFrom(
              'port: 5000\n',
              'attach: true\nport: 5000\n',
              'services:\n  - {name: a, port: 1, start: a}\n',
              'probes: 2\n',
            ),
          ),
          { nil: undefined },
        ),
        (inputs, file) => {
          const cwd = scratchDir();
          if (file !== undefined) writeFileSync(path.join(cwd, '.single-listener.yml'), file);
          const env = Object.fromEntries(
            Object.entries(inputs).map(([name, value]) => [inputEnvName(name), value]),
          );
          try {
            const config = loadConfig({ inputs: env, env: {}, cwd });
            seen.accepted++;
            return config.services.every((s) => s.port >= 1 && s.port <= 65535);
          } catch (error) {
            if (!(error instanceof UsageError)) throw error;
            seen.refused++;
            return error.problems.every((p) => /^\S.*: /.test(p) && !p.includes('\n'));
          }
        },
      ),
      { numRuns: 300 },
    );
    expect(seen.accepted).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
  });

  test('later wins: an input overrides the file; a setting the inputs leave out keeps the file value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 65535 }),
        fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
        fc.integer({ min: 1, max: 100 }),
        fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
        (filePort, inputPort, fileProbes, inputProbes) => {
          const cwd = scratchDir();
          writeFileSync(
            path.join(cwd, '.single-listener.yml'),
            `attach: true\nport: ${filePort}\nprobes: ${fileProbes}\n`,
          );
          const env: Record<string, string> = {};
          if (inputPort !== undefined) env[inputEnvName('port')] = ` ${inputPort} `;
          if (inputProbes !== undefined) env[inputEnvName('probes')] = String(inputProbes);
          const [service] = loadConfig({ inputs: env, env: {}, cwd }).services;
          expect(service!.port).toBe(inputPort ?? filePort);
          expect(service!.probes).toBe(inputProbes ?? fileProbes);
        },
      ),
      { numRuns: 200 },
    );
  });
});

test('wait-on resources: any text is a tcp, http or file resource, or one line naming wait-on', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ unit: 'binary', maxLength: 60 }),
        fc
          .tuple(
            fc.constantFrom('tcp:', 'http://', 'https-get://', 'file:', 'ftp://', ''),
            fc.string({ unit: fc.constantFrom(...'[]:.1a/-0x9 '.split('')), maxLength: 20 }),
          )
          .map(([scheme, rest]) => scheme + rest),
      ),
      (text) => {
        try {
          const resource = parseWaitOnResource(text, '/tmp');
          if (resource.kind === 'tcp') return resource.port >= 1 && resource.port <= 65535;
          if (resource.kind === 'http') return /^https?:\/\//.test(resource.url);
          return path.isAbsolute(resource.path);
        } catch (error) {
          if (!(error instanceof UsageError)) throw error;
          return (
            error.problems.length === 1 &&
            error.problems[0]!.startsWith('wait-on: ') &&
            !error.problems[0]!.includes('\n')
          );
        }
      },
    ),
    RUNS,
  );
});
