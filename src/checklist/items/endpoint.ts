/**
 * `endpoint:<METHOD> <path>`: one item per critical endpoint; every probe, each on a fresh
 * connection, meets the expectations, and probes that disagree fail as flapping, with the cause the
 * port watch saw: one server answering inconsistently, or several servers (README's checklist;
 * docs/configuration.md, "Endpoints").
 */
import type { EndpointSpec } from '../../config/types.js';
import { attributor } from '../judge/attribution.js';
import { probeEndpoint } from '../judge/probe.js';
import { fail, logTail, pass, type ChecklistItem } from '../item.js';
import { describeListenerGroups } from '../listener-lines.js';

export function endpointItem(endpoint: EndpointSpec): ChecklistItem {
  return {
    id: `endpoint:${endpoint.name}`,
    title: endpoint.name,
    async run(service) {
      const from = service.elapsedMs();
      // Each probe names the process that accepted it, among the holders the port watch knows.
      const result = await probeEndpoint(
        service.baseUrl!,
        endpoint,
        service.config.probes,
        attributor(service.env.platform, () => service.watch.current),
      );
      const to = service.elapsedMs();
      const outcome = { probes: result.probes };
      if (result.verdict === 'pass') return pass(result.summary, outcome);
      const exited = await service.exitedDuringChecks();
      if (exited) {
        return fail(exited, { ...outcome, details: [result.summary, ...logTail(service)] });
      }
      if (result.verdict !== 'flapping') return fail(result.summary, outcome);
      const flapping = { ...outcome, flapping: true };
      // Who answered, from the port watch: one server that answers inconsistently, or several.
      const listeners = service.watch.listenersDuring(from, to);
      if (listeners.length > 1) {
        return fail(
          `${result.summary} — ${listeners.length} servers listened on the port meanwhile`,
          {
            ...flapping,
            details: describeListenerGroups(service, listeners),
            diagnosis: `Probes on fresh connections got different answers while ${listeners.length} servers listened on port ${service.config.port}: the kernel spreads connections between them (see single-listener).`,
          },
        );
      }
      return fail(`${result.summary} — this one server answers inconsistently`, {
        ...flapping,
        details: describeListenerGroups(service, listeners),
        diagnosis:
          'The port watch saw a single listener during the probes, so one server gave these different answers: it is flaky (state, a failing dependency, a worker that errs), not two servers.',
      });
    },
  };
}
