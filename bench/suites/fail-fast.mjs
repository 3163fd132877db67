// 2. Fail-fast latency: the backend exits with code 3 before it listens (it records the time just
// before exiting) → the tool's verdict. wait-on does not watch the backend, so it waits out its
// whole timeout: its runs go concurrently, with the timeout capped at WAIT_ON_TIMEOUT_MS.
import { summarize } from '../lib/stats.mjs';
import { freePort } from '../lib/procs.mjs';
import { reportTimes, runOurs, runStartServerAndTest, runWaitOn } from '../lib/tools.mjs';
import { phaseDelays } from './readiness.mjs';

const WAIT_ON_TIMEOUT_MS = 5000;

export async function failFast({ cli, runs }) {
  const samples = { observed: [], internal: [], ssat: [], tcp: [], http: [] };
  let oursNamesCode = true; // the exit code in the summary, the backend's last line in the details
  let ssatNamesCode = true;
  const waitOnRuns = [];
  for (const delayMs of phaseDelays(runs)) {
    const backend = { delayMs, exitCode: 3 };
    // wait-on runs in the background meanwhile: it only waits for its timeout.
    for (const kind of ['tcp', 'http']) {
      const port = await freePort();
      const resource = kind === 'tcp' ? `tcp:127.0.0.1:${port}` : `http://127.0.0.1:${port}`;
      waitOnRuns.push(
        runWaitOn(resource, { port, backend, timeoutMs: WAIT_ON_TIMEOUT_MS }).then((r) =>
          samples[kind].push(r.exitAt - r.backendAt),
        ),
      );
    }
    const ours = await runOurs(cli, { port: await freePort(), backend });
    const times = reportTimes(ours.report);
    samples.internal.push(times.itemEnd('ready') - ours.backendAt);
    samples.observed.push(ours.exitAt - ours.backendAt);
    const item = times.item('ready');
    oursNamesCode &&=
      /\bcode 3\b/.test(item?.summary ?? '') &&
      (item?.details ?? []).some((line) => line.includes('giving up before listening'));

    const ssat = await runStartServerAndTest({ port: await freePort(), backend });
    samples.ssat.push(ssat.exitAt - ssat.backendAt);
    ssatNamesCode &&= /code:? 3\b|exit code 3|exited with 3/i.test(ssat.output);
  }
  await Promise.all(waitOnRuns);
  const ours = summarize(samples.internal);
  return {
    id: 'fail-fast',
    title: 'Fail-fast latency: backend exits (code 3) before listening → verdict',
    rows: [
      {
        tool: 'single-listener-check (`ready` fails, report.json)',
        stats: ours,
        role: 'ours',
        note: oursNamesCode
          ? 'exit code 3 + log tail reported'
          : 'exit code or log tail NOT reported',
      },
      {
        tool: 'single-listener-check (whole run exits, teardown and reports included)',
        stats: summarize(samples.observed),
        role: 'detail',
      },
      {
        tool: 'start-server-and-test (exits)',
        stats: summarize(samples.ssat),
        role: 'peer',
        note: ssatNamesCode ? 'names exit code 3' : 'exit code 3 not reported',
      },
      {
        tool: `wait-on tcp (exits at its timeout, ${WAIT_ON_TIMEOUT_MS / 1000} s here)`,
        stats: summarize(samples.tcp),
        role: 'peer',
        note: '≥ timeout: never notices the exit',
      },
      {
        tool: `wait-on http (exits at its timeout, ${WAIT_ON_TIMEOUT_MS / 1000} s here)`,
        stats: summarize(samples.http),
        role: 'peer',
        note: '≥ timeout: never notices the exit',
      },
    ],
    target: {
      text: '≤ 100 ms (p90), with the exit code and log tail',
      met: ours.p90 <= 100 && oursNamesCode,
    },
    notes: [
      `wait-on's timeout is capped at ${WAIT_ON_TIMEOUT_MS / 1000} s here (users often leave it at minutes); its runs went concurrently in the background.`,
    ],
  };
}
