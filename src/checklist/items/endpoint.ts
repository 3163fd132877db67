/**
 * `endpoint:<METHOD> <path>`: one item per critical endpoint; every probe, each on a fresh
 * connection, meets the expectations, and probes that disagree fail as flapping (SPEC §3, §5).
 */
import type { EndpointSpec } from '../../config/types.js';
import { probeEndpoint } from '../../http/probe.js';
import { fail, logTail, pass, type ChecklistItem } from '../item.js';

export function endpointItem(endpoint: EndpointSpec): ChecklistItem {
  return {
    id: `endpoint:${endpoint.name}`,
    title: endpoint.name,
    async run(service) {
      const result = await probeEndpoint(service.baseUrl!, endpoint, service.config.probes);
      const outcome = { probes: result.probes };
      if (result.verdict === 'pass') return pass(result.summary, outcome);
      const exited = await service.exitedDuringChecks();
      if (exited) {
        return fail(exited, { ...outcome, details: [result.summary, ...logTail(service)] });
      }
      // Two servers show as different HTTP answers; a refused or reset probe alone does not.
      const answers = new Set(result.probes.flatMap((p) => (p.status === null ? [] : [p.status])));
      return fail(result.summary, {
        ...outcome,
        diagnosis:
          result.verdict === 'flapping' && answers.size > 1
            ? 'Probes on fresh connections got different answers: more than one server answers on this port (see single-listener).'
            : undefined,
      });
    },
  };
}
