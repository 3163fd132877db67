/**
 * The runner on a server started by the test (attach mode): endpoint items are probed with
 * bounded concurrency and reported in the listed order, whatever order they finish in.
 */
import { runChecklist } from '../../src/checklist/runner.js';
import type { Config, EndpointSpec, ServiceConfig } from '../../src/config/types.js';
import { currentPlatform } from '../../src/platform/index.js';
import { freePort } from '../helpers/procs.js';
import { serviceConfig } from '../helpers/service-config.js';
import { serve, type InProcessServer } from '../helpers/http-servers.js';

let server: InProcessServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Runs the checklist in attach mode (nothing started, no report written). */
function attachRun(
  service: Partial<ServiceConfig> & { port: number },
  progress: (text: string) => void = () => undefined,
) {
  const config: Config = {
    services: [serviceConfig({ start: '', attach: true, cwd: process.cwd(), ...service })],
    reportDir: '/nonexistent-never-written',
    secrets: [],
    configPath: null,
  };
  const noop = () => undefined;
  return runChecklist(config, {
    platform: currentPlatform(),
    redact: (text) => text,
    signal: new AbortController().signal,
    endpointConcurrency: 3,
    hooks: {
      serviceStarted: noop,
      itemStarted: noop,
      itemFinished: noop,
      progress,
      logLine: noop,
    },
  });
}

function endpoint(path: string): EndpointSpec {
  return {
    name: `GET ${path}`,
    method: 'GET',
    path,
    headers: {},
    expect: { status: ['2xx'], json: false },
  };
}

test('endpoint items: at most endpointConcurrency at once, reported in the listed order', async () => {
  let active = 0;
  let peak = 0;
  server = await serve((req, res) => {
    active++;
    peak = Math.max(peak, active);
    const i = Number(req.url?.slice(2));
    // Later endpoints answer sooner, so completion order differs from the listed order.
    setTimeout(
      () => {
        active--;
        res.writeHead(200 + i).end();
      },
      120 - i * 10,
    );
  });
  const endpoints = Array.from({ length: 12 }, (_, i) => endpoint(`/e${i}`));
  const result = await attachRun({ port: server.port, baseUrl: server.url, endpoints, probes: 2 });

  const items = result.services[0]!.items.filter((i) => i.id.startsWith('endpoint:'));
  expect(items.map((i) => i.id)).toEqual(endpoints.map((e) => `endpoint:${e.name}`));
  expect(items.map((i) => i.probes?.[0]?.status)).toEqual(endpoints.map((_, i) => 200 + i));
  expect(items.every((i) => i.status === 'pass' && i.probes?.length === 2)).toBe(true);
  expect(peak).toBeLessThanOrEqual(3);
  expect(peak).toBeGreaterThan(1);
});

test('attach mode, nothing listens: ready times out saying so, with no backend log to blame', async () => {
  const port = await freePort();
  const result = await attachRun({ port, readyTimeoutMs: 300 });
  const ready = result.services[0]!.items.find((i) => i.id === 'ready')!;
  expect(ready.status).toBe('fail');
  expect(ready.summary).toBe(`not ready after 0.3 s: still waiting for a listener on port ${port}`);
  expect(ready.details).toEqual([`nothing listens on port ${port}`]);
});

test('attach mode with nothing listening: readiness sleeps between polls (no busy loop) and times out', async () => {
  const port = await freePort();
  let polls = 0;
  const result = await attachRun({ port, readyTimeoutMs: 1000 }, () => polls++);
  const ready = result.services[0]!.items.find((i) => i.id === 'ready')!;
  expect(ready.status).toBe('fail');
  expect(ready.summary).toMatch(/^not ready after 1 s: still waiting for a listener on port \d+$/);
  // One poll per 10 ms pause at most (plus the watch's changes); a busy loop made tens of thousands.
  expect(polls).toBeGreaterThan(0);
  expect(polls).toBeLessThanOrEqual(110);
});
