// 1. Readiness latency: the backend's own listen() callback → the tool's verdict "ready".
// The backend listens after a delay spread evenly over 300–550 ms, so every tool is in its
// steady polling state and the phase of its poll interval is sampled evenly.
import { summarize } from '../lib/stats.mjs';
import { reportTimes, runOurs, runStartServerAndTest, runWaitOn } from '../lib/tools.mjs';
import { freePort } from '../lib/procs.mjs';

/** Delays that sample the phase of a 250 ms poll evenly across the runs. */
export function phaseDelays(runs) {
  return Array.from({ length: runs }, (_, i) => Math.round(300 + (250 * (i + 0.5)) / runs));
}

export async function readiness({ cli, runs }) {
  const samples = { observed: [], internal: [], tcp: [], http: [], ssat: [] };
  for (const delayMs of phaseDelays(runs)) {
    const backend = { delayMs };
    const ours = await runOurs(cli, { port: await freePort(), backend });
    samples.observed.push(ours.readyLineAt - ours.backendAt);
    samples.internal.push(reportTimes(ours.report).event('ready') - ours.backendAt);

    let port = await freePort();
    const tcp = await runWaitOn(`tcp:127.0.0.1:${port}`, { port, backend });
    samples.tcp.push(tcp.exitAt - tcp.backendAt);
    port = await freePort();
    const http = await runWaitOn(`http://127.0.0.1:${port}`, { port, backend });
    samples.http.push(http.exitAt - http.backendAt);
    const ssat = await runStartServerAndTest({ port: await freePort(), backend });
    samples.ssat.push(ssat.testAt - ssat.backendAt);
  }
  const ours = summarize(samples.observed);
  return {
    id: 'readiness',
    title: 'Readiness latency: backend\'s listen() → verdict "ready"',
    rows: [
      { tool: 'single-listener-check run (ready line on stdout)', stats: ours, role: 'ours' },
      {
        tool: 'single-listener-check (report.json `ready` mark)',
        stats: summarize(samples.internal),
        role: 'detail',
      },
      { tool: 'wait-on tcp:127.0.0.1:P (exit)', stats: summarize(samples.tcp), role: 'peer' },
      { tool: 'wait-on http://127.0.0.1:P (exit)', stats: summarize(samples.http), role: 'peer' },
      {
        tool: 'start-server-and-test (test command runs)',
        stats: summarize(samples.ssat),
        role: 'peer',
      },
    ],
    target: {
      text: '≤ 30 ms median, p90 ≤ 50 ms',
      met: ours.median <= 30 && ours.p90 <= 50,
    },
    notes: [
      'Backend listens 300–550 ms after it starts (evenly spread): every poll phase is sampled.',
      'Peers run with their defaults: wait-on polls every 250 ms; start-server-and-test every 2 s with a 1 s stability window.',
    ],
  };
}
