/**
 * The runner's onInterrupt hook (attach mode on an in-process server, so nothing is started):
 * called once when the run is interrupted, before teardown, with the result so far and teardown
 * pending; never called otherwise; a hook that throws does not stop teardown.
 */
import type { RunDeps } from '../../src/checklist/runner.js';
import { runChecklist } from '../../src/checklist/runner.js';
import type { RunResult } from '../../src/checklist/types.js';
import type { Config } from '../../src/config/types.js';
import { currentPlatform } from '../../src/platform/index.js';
import { serviceConfig } from '../helpers/service-config.js';
import { serve, type InProcessServer } from '../helpers/http-servers.js';

let server: InProcessServer;
beforeEach(async () => {
  server = await serve((_req, res) => res.writeHead(200).end());
});
afterEach(() => server.close());

function config(port: number): Config {
  return {
    services: [serviceConfig({ start: '', attach: true, cwd: process.cwd(), probes: 1, port })],
    reportDir: '/nonexistent-never-written',
    secrets: [],
    configPath: null,
  };
}

/** Runs the checklist, aborting with SIGINT when `interruptAt` starts; records the hook calls. */
async function run(interruptAt: string | null, onInterrupt?: RunDeps['onInterrupt']) {
  const aborter = new AbortController();
  const events: string[] = [];
  const partials: RunResult[] = [];
  const noop = () => undefined;
  const result = await runChecklist(config(server.port), {
    platform: currentPlatform(),
    redact: (text) => text,
    signal: aborter.signal,
    onInterrupt: (partial) => {
      events.push('onInterrupt');
      partials.push(partial);
      onInterrupt?.(partial);
    },
    hooks: {
      serviceStarted: noop,
      itemStarted: (_service, id) => {
        events.push(id);
        if (id === interruptAt) aborter.abort('SIGINT');
      },
      itemFinished: noop,
      progress: noop,
      logLine: noop,
    },
  });
  return { result, events, partials };
}

const teardownOf = (r: RunResult) => r.services[0]!.items.find((i) => i.id === 'teardown');

test('not interrupted: the hook is never called', async () => {
  const { result, events } = await run(null);
  expect(events).not.toContain('onInterrupt');
  expect(result.interrupted).toBeUndefined();
});

test('interrupted during the checks: called once, before teardown, with teardown pending', async () => {
  const { result, events, partials } = await run('logs');
  expect(events.slice(-2)).toEqual(['onInterrupt', 'teardown']);
  expect(partials).toHaveLength(1);
  const partial = partials[0]!;
  expect(partial).toMatchObject({ interrupted: 'SIGINT', result: 'fail' });
  const ids = partial.services[0]!.items.map((i) => [i.id, i.status]);
  expect(ids.slice(0, 4)).toEqual([
    ['port-free', 'skip'],
    ['bytecode-cache', 'skip'],
    ['backend-start', 'skip'],
    ['ready', 'pass'],
  ]);
  expect(teardownOf(partial)).toMatchObject({ status: 'skip' });
  // Nothing was started (attach mode): no backend to warn about.
  expect(teardownOf(partial)!.summary).toBe(
    'pending: this report was written before teardown ended and is rewritten when it ends',
  );
  // The final result has teardown's own outcome, not the placeholder.
  expect(result.interrupted).toBe('SIGINT');
  expect(teardownOf(result)!.summary).not.toMatch(/^pending/);
  expect(result.services[0]!.items.filter((i) => i.id === 'teardown')).toHaveLength(1);
});

test('interrupted during teardown: called at once, teardown still pending in it', async () => {
  const { result, events, partials } = await run('teardown');
  expect(events.slice(-2)).toEqual(['teardown', 'onInterrupt']);
  expect(partials).toHaveLength(1);
  expect(teardownOf(partials[0]!)!.summary).toMatch(/^pending: /);
  expect(result.interrupted).toBe('SIGINT');
  expect(teardownOf(result)!.summary).not.toMatch(/^pending/);
});

test('a hook that throws does not stop teardown', async () => {
  const { result, events } = await run('logs', () => {
    throw new Error('disk full');
  });
  expect(events.slice(-2)).toEqual(['onInterrupt', 'teardown']);
  expect(teardownOf(result)).toBeDefined();
  expect(result.error).toBeUndefined();
});
