/**
 * `backend-pid` names the server, not the `/bin/sh -c` wrapper (README, "Outputs"), with real
 * processes: a shell that execs, a shell with exactly one child, and one with two (`a & b`).
 */
import { actionOutputs } from '../../src/action/outputs.js';
import type { RunResult } from '../../src/checklist/types.js';
import { freePort } from '../helpers/procs.js';
import { checkAndCleanUpAfterEach, item, listenerPids, PY, runCheck } from './run-helpers.js';

checkAndCleanUpAfterEach();

const server = (port: number) => `${PY} -m http.server ${port} --bind 127.0.0.1`;

async function check(start: string, port: number) {
  const run = await runCheck([`--port=${port}`, `--start=${start}`, '--ready-timeout=20s']);
  expect(run.code).toBe(0);
  const report = run.report as RunResult;
  const service = report.services[0]!;
  const output = actionOutputs({ result: report, exitCode: 0, reportPath: '', junitPath: '' })[
    'backend-pid'
  ];
  return { service, output, holders: listenerPids(item(report, 'single-listener')) };
}

test('the shell execs the server: backend-pid is the spawned pid, which holds the port', async () => {
  const port = await freePort();
  const { service, output, holders } = await check(`exec ${server(port)}`, port);
  expect(service.serverPid).toBe(service.backendPid);
  expect(holders).toEqual([service.backendPid]);
  expect(output).toBe(String(service.backendPid));
});

test('the shell has exactly one child: backend-pid is the child, the server holding the port', async () => {
  const port = await freePort();
  const { service, output, holders } = await check(`${server(port)} ; true`, port);
  expect(service.serverPid).not.toBe(service.backendPid);
  expect(holders).toEqual([service.serverPid]);
  expect(output).toBe(String(service.serverPid));
});

test('the shell has two children (a & b): backend-pid is the shell, as the output says', async () => {
  const port = await freePort();
  const { service, output, holders } = await check(
    `${server(port)} & ${PY} -c 'import time; time.sleep(60)' & wait`,
    port,
  );
  expect(service.serverPid).toBe(service.backendPid);
  expect(holders).not.toContain(service.backendPid);
  expect(output).toBe(String(service.backendPid));
});
