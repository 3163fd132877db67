/**
 * Both actions run the job's own `node`: when it is missing or older than 20, the step fails with
 * one annotation saying to add actions/setup-node, instead of a syntax error from the bundle.
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Job } from './harness.js';

const MESSAGE =
  '::error::single-listener-check needs Node.js 20 or newer on PATH; add actions/setup-node before this step';

let job: Job;
let bin: string;

beforeEach(async () => {
  job = await Job.create();
  bin = await mkdtemp(path.join(tmpdir(), 'slc-fake-bin-'));
});

afterEach(async () => {
  await job.dispose();
  await rm(bin, { recursive: true, force: true });
});

/** A `node` that answers --version like Node 18 and would leave a mark if it were run. */
async function fakeNode(version: string): Promise<void> {
  const script = `#!/bin/sh\nif [ "$1" = --version ]; then echo ${version}; exit 0; fi\necho "fake node ran: $*"\n`;
  await writeFile(path.join(bin, 'node'), script);
  await chmod(path.join(bin, 'node'), 0o755);
}

describe.each(['action.yml', 'stop/action.yml'])('%s', (file) => {
  test('no node on PATH: exit 1 with the one-line error', async () => {
    const run = await job.run(file, { env: { PATH: bin } });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe(`${MESSAGE}\n`);
  });

  test('node 18 on PATH: exit 1 with the same error, the program is not run', async () => {
    await fakeNode('v18.0.0');
    const run = await job.run(file, { env: { PATH: bin } });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe(`${MESSAGE}\n`);
  });

  test('node 20 on PATH passes the check and runs the program', async () => {
    await fakeNode('v20.0.0');
    const run = await job.run(file, { env: { PATH: bin } });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^fake node ran: .*\/dist\/(index|cli)\.js/);
  });
});
