/**
 * `endpoint:<METHOD> <path>`: one item per critical endpoint; every probe, each on a fresh
 * connection, meets the expectations, and probes that disagree fail as flapping (SPEC §3, §5).
 */
import type { EndpointSpec } from '../../config/types.js';
import { probeEndpoint } from '../../http/probe.js';
import { fail, pass, type ChecklistItem } from '../item.js';

export function endpointItem(endpoint: EndpointSpec): ChecklistItem {
  return {
    id: `endpoint:${endpoint.name}`,
    title: endpoint.name,
    async run(service) {
      const result = await probeEndpoint(service.baseUrl!, endpoint, service.config.probes);
      const outcome = { probes: result.probes };
      return result.verdict === 'pass'
        ? pass(result.summary, outcome)
        : fail(result.summary, {
            ...outcome,
            diagnosis:
              result.verdict === 'flapping'
                ? 'Probes on fresh connections got different answers: more than one server answers on this port (see single-listener).'
                : undefined,
          });
    },
  };
}
