/**
 * Start times with the precision the system gives (README, "Platforms"): /proc/stat's btime
 * says only the second of the boot; /proc/uptime, read between two reads of the clock, places it
 * within ~10 ms. The time shown is the latest the process can have started, so a process is
 * never shown starting before it did — before the run that started it.
 */
import { spawn } from 'node:child_process';
import fc from 'fast-check';
import { linuxPlatform } from '../../src/platform/linux/index.js';
import {
  CLOCK_TICKS_PER_SECOND,
  latestBootTimeMs,
  startTimeIso,
  type UptimeReading,
} from '../../src/platform/linux/proc-stat.js';
import { cleanupProcesses, trackPid } from '../helpers/procs.js';

afterEach(cleanupProcesses);

const TICK_MS = 1000 / CLOCK_TICKS_PER_SECOND;
/** The boot: 2023-11-14T22:13:20.437Z. btime says 22:13:20, the .437 is what uptime recovers. */
const BTIME = 1_700_000_000;
const BOOT_MS = BTIME * 1000 + 437;

/** What /proc/uptime prints `uptimeMs` after the boot: hundredths of a second, cut. */
const printedUptime = (uptimeMs: number) => Math.floor(uptimeMs / 10) / 100;

/** A reading taken `wallMs` (real, sub-ms), with Date.now's whole ms `waitBefore`/`waitAfter` ms around it. */
function reading(wallMs: number, waitBefore = 0, waitAfter = 0): UptimeReading {
  return {
    beforeMs: Math.floor(wallMs - waitBefore),
    uptimeSeconds: printedUptime(wallMs - BOOT_MS),
    afterMs: Math.floor(wallMs + waitAfter),
  };
}

describe('latestBootTimeMs', () => {
  test('btime alone: the end of its second, the latest the boot can have been', () => {
    expect(latestBootTimeMs(BTIME, [])).toBe(BTIME * 1000 + 1000);
  });

  test('an uptime reading places the boot within its second, at most ~11 ms late, never early', () => {
    const latest = latestBootTimeMs(BTIME, [reading(BOOT_MS + 351_735_474.6)]);
    expect(latest).toBeGreaterThanOrEqual(BOOT_MS);
    expect(latest - BOOT_MS).toBeLessThanOrEqual(11);
  });

  test('a slow read loosens only its own bound; the tightest bound of several readings is kept', () => {
    const slow = reading(BOOT_MS + 5_000_000.2, 0, 400); // 400 ms lost after reading uptime
    expect(latestBootTimeMs(BTIME, [slow]) - BOOT_MS).toBeGreaterThan(300);
    const latest = latestBootTimeMs(BTIME, [slow, reading(BOOT_MS + 5_000_003.9)]);
    expect(latest - BOOT_MS).toBeLessThanOrEqual(11);
  });

  test('a reading that disagrees with btime (the clock was stepped) is not used', () => {
    // The wall clock jumped 3 s ahead since the boot; the uptime did not.
    const good = reading(BOOT_MS + 5_000_000);
    const stepped = { ...good, beforeMs: good.beforeMs + 3000, afterMs: good.afterMs + 3000 };
    expect(latestBootTimeMs(BTIME, [stepped])).toBe(BTIME * 1000 + 1000);
  });

  test('any boot, uptime, start tick and read delays: the start shown is never before the real one, and late by at most the bounds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 999_999 }), // µs into btime's second
        fc.integer({ min: 1_000, max: 10 ** 9 }), // uptime at the reading, ms
        fc.integer({ min: 0, max: 10 ** 7 }), // the process's start, in µs after the boot
        fc.array(fc.tuple(fc.nat(5), fc.nat(5)), { minLength: 1, maxLength: 5 }),
        (bootUs, uptimeMs, startUs, waits) => {
          const boot = BTIME * 1000 + bootUs / 1000;
          const readings = waits.map(([before, after], i) => {
            const wall = boot + uptimeMs + i * 0.37;
            return {
              beforeMs: Math.floor(wall - before),
              uptimeSeconds: printedUptime(wall - boot),
              afterMs: Math.floor(wall + after),
            };
          });
          const realStart = boot + startUs / 1000;
          const ticks = Math.floor(startUs / 1000 / TICK_MS);
          const latest = latestBootTimeMs(BTIME, readings);
          const shown = Date.parse(startTimeIso(latest, ticks));
          const tightestWait = Math.min(...waits.map(([before, after]) => before + after));
          expect(shown).toBeGreaterThanOrEqual(realStart);
          // The uptime's hundredth, a ms of Date.now on each side, the tightest read's wait, a tick, ceil.
          expect(shown - realStart).toBeLessThanOrEqual(10 + 2 + tightestWait + TICK_MS + 1);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

test('a real process is never shown starting before it was started', async () => {
  for (let i = 0; i < 5; i++) {
    const before = Date.now();
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    trackPid(child.pid!);
    const proc = await linuxPlatform.getProcess(child.pid!);
    expect(proc).not.toBeNull();
    expect(Date.parse(proc!.startedAt!)).toBeGreaterThanOrEqual(before);
    child.kill('SIGKILL');
  }
});
