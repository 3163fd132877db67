/**
 * The backend does not inherit the action's inputs (`INPUT_*`, how the runner passes `with:`),
 * through the action as the runner runs it; a variable the user names in `env` is given to it
 * whatever its name (docs/configuration.md, "env").
 */
import { readFileSync } from 'node:fs';
import { bundledActionPath } from '../helpers/bundled-cli.js';
import { cleanupProcesses, freePort, PYTHON, trackPid } from '../helpers/procs.js';
import { Job } from './harness.js';

/** Bundled from the sources as they are now (the committed dist/ may be older): slow once. */
let actionPath: string;
beforeAll(() => {
  actionPath = bundledActionPath();
}, 180_000);

afterEach(cleanupProcesses);

test('a backend printing its environment shows no INPUT_ variable but the one env names', async () => {
  const port = await freePort();
  const job = await Job.create();
  try {
    const run = await job.run('action.yml', {
      with: {
        start: `env; exec ${PYTHON} -m http.server ${port} --bind 127.0.0.1`,
        port: String(port),
        env: 'INPUT_ASKED_FOR=yes\nPLAIN=1',
        'ready-timeout': '20s',
      },
      actionPath,
      timeoutMs: 60_000,
    });
    for (const pid of (run.actionOutputs['backend-pid'] ?? '').split(',').filter(Boolean))
      trackPid(Number(pid));
    expect(run.exitCode).toBe(0);
    const log = readFileSync(run.actionOutputs['log-path']!, 'utf8');
    const names = log.split('\n').map((line) => line.split('=')[0]);
    expect(names).toContain('PLAIN');
    expect(names.filter((name) => /^INPUT_/i.test(name!))).toEqual(['INPUT_ASKED_FOR']);
  } finally {
    await job.dispose();
  }
});
