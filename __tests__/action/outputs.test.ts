/** The action's outputs from a finished run: `listeners` numbers each socket with its listener. */
import { actionOutputs } from '../../src/action/outputs.js';
import type { NumberedSocket } from '../../src/checklist/listener-count.js';
import { failingRun, gunicornSocket, passingRun, proc } from '../fixtures/report/results.js';

const outcome = (result = passingRun()) => ({
  result,
  exitCode: 0,
  reportPath: '/tmp/report/report.json',
  junitPath: '/tmp/report/junit.xml',
});

test('one service: the socket list, each socket numbered with its listener', () => {
  const result = passingRun();
  const v6 = { ...gunicornSocket, address: '::1', family: 'IPv6' as const, socketId: '81235' };
  const other = {
    ...gunicornSocket,
    socketId: '90001',
    processes: [proc(5202, 'gunicorn --reuse-port old:app')],
  };
  result.services[0]!.listeners = [gunicornSocket, other, v6];
  const listeners = JSON.parse(actionOutputs(outcome(result)).listeners) as NumberedSocket[];
  // The master and workers on 127.0.0.1 and [::1] are one listener; the other server is a second.
  expect(listeners.map((s) => [s.socketId, s.listener])).toEqual([
    ['81234', 1],
    ['90001', 2],
    ['81235', 1],
  ]);
  expect(listeners[0]!.processes).toEqual(gunicornSocket.processes);
});

test('several services: an object keyed by service name, numbered per service', () => {
  const out = JSON.parse(actionOutputs(outcome(failingRun())).listeners) as Record<
    string,
    NumberedSocket[]
  >;
  expect(Object.keys(out)).toEqual(['api', 'web-前端']);
  expect(out.api!.map((s) => s.listener)).toEqual([1]);
  expect(out['web-前端']).toEqual([]);
});
