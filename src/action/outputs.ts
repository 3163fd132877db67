/** The action's outputs (README, "Outputs"), derived from the run; action.yml maps each of them. */
import { numberListeners } from '../checklist/listener-count.js';
import type { RunOutcome } from '../run-and-report.js';

export const OUTPUT_NAMES = [
  'result',
  'failed-items',
  'listeners',
  'backend-pid',
  'report-path',
  'junit-path',
  'log-path',
] as const;

export type OutputName = (typeof OUTPUT_NAMES)[number];

/**
 * With one service, ids, pids and paths are plain values; with several, failed items are
 * `<service>/<id>`, pids and log paths are comma-separated in service order, and `listeners`
 * is an object keyed by service name. Each socket of `listeners` carries `listener`, the number
 * of the listener (server) it belongs to, as in `listeners --json`.
 */
export function actionOutputs({
  result,
  reportPath,
  junitPath,
}: RunOutcome): Record<OutputName, string> {
  const several = result.services.length > 1;
  const failed = result.services.flatMap((s) =>
    s.items.filter((i) => i.status === 'fail').map((i) => (several ? `${s.name}/${i.id}` : i.id)),
  );
  const listeners = several
    ? Object.fromEntries(result.services.map((s) => [s.name, numberListeners(s.listeners)]))
    : numberListeners(result.services[0]?.listeners ?? []);
  return {
    result: result.result,
    'failed-items': failed.join(','),
    listeners: JSON.stringify(listeners),
    // The server rather than its `/bin/sh -c` wrapper, when the run could tell (types.ts).
    'backend-pid': result.services.map((s) => s.serverPid ?? s.backendPid ?? '').join(','),
    'report-path': reportPath,
    'junit-path': junitPath,
    'log-path': result.services.map((s) => s.logPath ?? '').join(','),
  };
}
