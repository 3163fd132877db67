/** The SIGTERM grace at teardown: stop-timeout as set, capped after an interrupt. */
import { INTERRUPTED_GRACE_MS, teardownGrace } from '../../src/checklist/teardown-grace.js';

test('without an interrupt the grace is stop-timeout, however long', () => {
  expect(teardownGrace(10_000, false)).toBe(10_000);
  expect(teardownGrace(30_000, false)).toBe(30_000);
  expect(teardownGrace(500, false)).toBe(500);
});

test('after an interrupt the grace is capped, and a shorter stop-timeout is kept', () => {
  expect(teardownGrace(30_000, true)).toBe(INTERRUPTED_GRACE_MS);
  expect(teardownGrace(10_000, true)).toBe(INTERRUPTED_GRACE_MS);
  expect(teardownGrace(500, true)).toBe(500);
});

test('the cap leaves room in GitHub’s cancel sequence (SIGTERM at ~7.5 s, SIGKILL at ~10 s)', () => {
  // After SIGKILL, teardown waits at most 2 s for the killed processes and 2 s for the port.
  expect(INTERRUPTED_GRACE_MS).toBeLessThanOrEqual(7500 - 2000);
  expect(INTERRUPTED_GRACE_MS + 2000 + 2000).toBeLessThan(10_000);
});
