/**
 * The macOS and Windows parsers never throw on malformed output: random text, random bytes read
 * as latin1, truncated and spliced fixtures, random field streams and random JSON all give arrays
 * (or null, for JSON that is not ours) of well-formed entries.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parseLsofFields, readLsofFields } from '../../src/platform/darwin/lsof.js';
import { parseNetstatListeners as parseDarwinNetstat } from '../../src/platform/darwin/netstat.js';
import { parsePsNames, parsePsRows } from '../../src/platform/darwin/ps.js';
import type { ProcessInfo } from '../../src/platform/types.js';
import { parseNetstatListeners, parseNetstatTable } from '../../src/platform/windows/netstat.js';
import {
  parseListenerReport,
  parsePowerShellDate,
  parseWin32ProcessJson,
} from '../../src/platform/windows/powershell-json.js';
import { parseTasklistCsv } from '../../src/platform/windows/tasklist.js';
import { identifySockets, type WindowsTcpRow } from '../../src/platform/windows/tcp-rows.js';

const fixtures = (platform: 'darwin' | 'windows') => {
  const dir = new URL(`../fixtures/${platform}/`, import.meta.url);
  return readdirSync(dir).map((name) => readFileSync(new URL(name, dir), 'latin1'));
};

/** Random text, random bytes, and every fixture cut short or with random text spliced in. */
function malformed(valid: string[]): fc.Arbitrary<string> {
  const fixture = fc.constantFrom(...valid);
  return fc.oneof(
    fc.string({ unit: 'binary', maxLength: 2000 }),
    fc.uint8Array({ maxLength: 2000 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
    fixture.chain((text) => fc.nat({ max: text.length }).map((end) => text.slice(0, end))),
    fc
      .tuple(fixture, fc.nat(), fc.nat(), fc.string({ unit: 'binary', maxLength: 40 }))
      .map(([text, at, cut, insert]) => {
        const start = at % (text.length + 1);
        return text.slice(0, start) + insert + text.slice(start + (cut % 20));
      }),
  );
}

const RUNS = { numRuns: 500 };
const isCount = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0;
const isPort = (n: unknown) => isCount(n) && (n as number) <= 65535;
const isIsoOrNull = (s: unknown) =>
  s === null || (typeof s === 'string' && new Date(s).toISOString() === s);

function expectWellFormedProcess(p: ProcessInfo): void {
  expect(isCount(p.pid)).toBe(true);
  expect(p.ppid === null || isCount(p.ppid)).toBe(true);
  expect(typeof p.name).toBe('string');
  expect(typeof p.command).toBe('string');
  expect(isIsoOrNull(p.startedAt)).toBe(true);
}

function expectWellFormedRow(row: WindowsTcpRow): void {
  expect(typeof row.address === 'string' && row.address.length > 0).toBe(true);
  expect(isPort(row.port)).toBe(true);
  expect(isCount(row.pid)).toBe(true);
}

describe('macOS parsers', () => {
  const darwin = malformed(fixtures('darwin'));
  /** Streams of the fields lsof prints, with random values, joined by NUL or newline. */
  const lsofStream = fc
    .array(
      fc.tuple(
        fc.constantFrom('p', 'R', 'c', 'f', 't', 'd', 'n', 'T', 'x', ''),
        fc.string({ maxLength: 12 }),
      ),
      {
        maxLength: 60,
      },
    )
    .chain((fields) =>
      fc.constantFrom('\0', '\n', '\0\n').map((sep) => fields.map(([id, v]) => id + v).join(sep)),
    );

  test('lsof fields: every entry has a known family, an address and a port; pids are positive or null', () => {
    fc.assert(
      fc.property(fc.oneof(darwin, lsofStream), (text) => {
        const entries = parseLsofFields(text);
        expect(Array.isArray(entries)).toBe(true);
        for (const e of entries) {
          expect(e.pid === null || (isCount(e.pid) && e.pid > 0)).toBe(true);
          expect(e.ppid === null || isCount(e.ppid)).toBe(true);
          expect(['IPv4', 'IPv6']).toContain(e.family);
          expect(e.address.length).toBeGreaterThan(0);
          expect(isPort(e.port)).toBe(true);
          expect(e.device === null || e.device.length > 0).toBe(true);
        }
      }),
      RUNS,
    );
  });

  test('lsof skipped rows: each names lsof, a reason, and at most 200 characters of text', () => {
    fc.assert(
      fc.property(fc.oneof(darwin, lsofStream), (text) => {
        for (const row of readLsofFields(text).skipped) {
          expect(row.source).toBe('lsof');
          expect(row.reason.length).toBeGreaterThan(0);
          expect(row.text.length).toBeLessThanOrEqual(200);
        }
      }),
      RUNS,
    );
  });

  test('netstat -anv: listeners only on the port asked for, with known families and positive pids or null', () => {
    fc.assert(
      fc.property(darwin, fc.constantFrom(80, 443, 8000, 62981), (text, port) => {
        const { listeners, skipped } = parseDarwinNetstat(text, port);
        for (const l of listeners) {
          expect(l.port).toBe(port);
          expect(['IPv4', 'IPv6']).toContain(l.family);
          expect(l.address.length).toBeGreaterThan(0);
          expect(l.pid === null || (isCount(l.pid) && l.pid > 0)).toBe(true);
        }
        for (const row of skipped) expect(row.text.length).toBeLessThanOrEqual(200);
      }),
      RUNS,
    );
  });

  test('ps rows and names: well-formed processes with positive pids', () => {
    fc.assert(
      fc.property(darwin, (text) => {
        const names = parsePsNames(text);
        for (const [pid, name] of names) {
          expect(isCount(pid)).toBe(true);
          expect(typeof name).toBe('string');
        }
        for (const p of parsePsRows(text, names)) {
          expectWellFormedProcess(p);
          expect(p.pid).toBeGreaterThan(0);
        }
      }),
      RUNS,
    );
  });
});

describe('Windows parsers', () => {
  const windows = malformed(fixtures('windows'));
  /** JSON in the shapes our scripts print, with anything at all in the fields. */
  const anyValue = fc.oneof(fc.jsonValue(), fc.string({ maxLength: 30 }), fc.integer());
  const tcpRow = fc.record(
    { LocalAddress: anyValue, LocalPort: anyValue, OwningProcess: anyValue },
    { requiredKeys: [] },
  );
  const processRow = fc.record(
    {
      ProcessId: anyValue,
      ParentProcessId: anyValue,
      Name: anyValue,
      CommandLine: anyValue,
      CreationDate: anyValue,
    },
    { requiredKeys: [] },
  );
  const oneOrMany = <T>(row: fc.Arbitrary<T>) =>
    fc.oneof(row, fc.array(row, { maxLength: 5 }), fc.jsonValue());
  const shapedJson = fc.oneof(
    fc.record(
      { Listeners: oneOrMany(tcpRow), Processes: oneOrMany(processRow) },
      { requiredKeys: [] },
    ),
    oneOrMany(processRow),
    fc.jsonValue(),
  );
  const jsonText = shapedJson.map((value) => JSON.stringify(value, null, 2) ?? '');

  test('PowerShell JSON: null, or arrays of well-formed rows and processes', () => {
    fc.assert(
      fc.property(fc.oneof(windows, jsonText), (text) => {
        const report = parseListenerReport(text);
        if (report !== null) {
          report.listeners.forEach(expectWellFormedRow);
          for (const row of report.unowned) expectWellFormedRow({ ...row, pid: 0 });
          for (const row of report.skipped) expect(row.text.length).toBeLessThanOrEqual(200);
          report.processes.forEach(expectWellFormedProcess);
        }
        const processes = parseWin32ProcessJson(text);
        expect(processes === null || Array.isArray(processes)).toBe(true);
        processes?.forEach(expectWellFormedProcess);
      }),
      RUNS,
    );
  });

  test('PowerShell dates: ISO or null for any value', () => {
    const dateLike = fc.oneof(
      fc.jsonValue(),
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.bigInt({ min: -(10n ** 16n), max: 10n ** 16n }).map((ms) => `/Date(${ms})/`),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString().replace('Z', '+05:30')),
    );
    fc.assert(
      fc.property(dateLike, (value) => {
        expect(isIsoOrNull(parsePowerShellDate(value))).toBe(true);
      }),
      RUNS,
    );
  });

  test('netstat and tasklist: well-formed rows; socket ids unique', () => {
    fc.assert(
      fc.property(windows, (text) => {
        const rows = parseNetstatListeners(text);
        rows.forEach(expectWellFormedRow);
        // Rows that do not fit are kept, never dropped: unowned rows have an endpoint, skipped
        // rows their text (at most 200 characters) and a reason.
        const table = parseNetstatTable(text);
        expect(table.rows).toEqual(rows);
        for (const row of table.unowned) expectWellFormedRow({ ...row, pid: 0 });
        for (const row of table.skipped) {
          expect(row.source).toBe('netstat');
          expect(row.text.length).toBeLessThanOrEqual(200);
          expect(row.reason.length).toBeGreaterThan(0);
        }
        const ids = identifySockets(rows).map((s) => s.socketId);
        expect(new Set(ids).size).toBe(ids.length);
        parseTasklistCsv(text).forEach(expectWellFormedProcess);
      }),
      RUNS,
    );
  });
});
