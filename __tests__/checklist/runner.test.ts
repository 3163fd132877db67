/**
 * The runner on a server started by the test (attach mode): endpoint items are probed with
 * bounded concurrency and reported in the listed order, whatever order they finish in.
 */
import { runChecklist } from '../../src/checklist/runner.js';
import { DEFAULT_FORBID_LOG, type Config, type EndpointSpec } from '../../src/config/types.js';
import { currentPlatform } from '../../src/platform/index.js';
import { serve, type InProcessServer } from '../http/servers.js';

let server: InProcessServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

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
  const config: Config = {
    services: [
      {
        name: 'backend',
        start: '',
        cwd: process.cwd(),
        port: server.port,
        env: {},
        readyTimeoutMs: 10_000,
        waitOn: [],
        health: null,
        baseUrl: server.url,
        endpoints,
        probes: 2,
        maxListeners: 1,
        onConflict: 'fail',
        clearBytecode: false,
        expectLog: [],
        forbidLog: DEFAULT_FORBID_LOG,
        stopTimeoutMs: 10_000,
        keepRunning: false,
      },
    ],
    reportDir: '/nonexistent-never-written',
    secrets: [],
    configPath: null,
  };
  const noop = () => undefined;
  const result = await runChecklist(config, {
    platform: currentPlatform(),
    redact: (text) => text,
    signal: new AbortController().signal,
    endpointConcurrency: 3,
    hooks: {
      serviceStarted: noop,
      itemStarted: noop,
      itemFinished: noop,
      progress: noop,
      logLine: noop,
    },
  });

  const items = result.services[0]!.items.filter((i) => i.id.startsWith('endpoint:'));
  expect(items.map((i) => i.id)).toEqual(endpoints.map((e) => `endpoint:${e.name}`));
  expect(items.map((i) => i.probes?.[0]?.status)).toEqual(endpoints.map((_, i) => 200 + i));
  expect(items.every((i) => i.status === 'pass' && i.probes?.length === 2)).toBe(true);
  expect(peak).toBeLessThanOrEqual(3);
  expect(peak).toBeGreaterThan(1);
});
