/** Which process is the backend's server: the shell's exec, its only child, or the shell itself. */
import type { ProcessInfo } from '../../src/platform/types.js';
import { serverProcess } from '../../src/process/server.js';

const proc = (pid: number, ppid: number, name: string, extra: Partial<ProcessInfo> = {}) =>
  ({ pid, ppid, name, command: name, startedAt: null, ...extra }) as ProcessInfo;

test('a shell that exec’d the server: the spawned pid', () => {
  const all = [proc(10, 1, 'python3'), proc(11, 10, 'python3')]; // e.g. a reloader's child
  expect(serverProcess(all, { pid: 10, shell: '/bin/sh' })?.pid).toBe(10);
});

test('a shell with exactly one child: the child', () => {
  const all = [proc(10, 1, 'sh'), proc(11, 10, 'python3'), proc(12, 11, 'python3')];
  expect(serverProcess(all, { pid: 10, shell: '/bin/sh' })?.pid).toBe(11);
});

test('a shell with several children (a & b): the shell', () => {
  const all = [proc(10, 1, 'sh'), proc(11, 10, 'python3'), proc(12, 10, 'sleep')];
  expect(serverProcess(all, { pid: 10, shell: '/bin/sh' })?.pid).toBe(10);
});

test('exited children do not count; a custom shell and cmd.exe are recognised by name', () => {
  const all = [
    proc(10, 1, 'bash'),
    proc(11, 10, 'true', { state: 'exited' }),
    proc(12, 10, 'node'),
  ];
  expect(serverProcess(all, { pid: 10, shell: '/usr/bin/bash' })?.pid).toBe(12);
  const win = [proc(20, 1, 'cmd.exe'), proc(21, 20, 'python.exe')];
  expect(serverProcess(win, { pid: 20, shell: 'C:\\Windows\\system32\\cmd.exe' })?.pid).toBe(21);
});

test('a spawned process that is gone: null', () => {
  expect(serverProcess([proc(10, 1, 'sh', { state: 'exited' })], { pid: 10, shell: 'sh' })).toBe(
    null,
  );
});
