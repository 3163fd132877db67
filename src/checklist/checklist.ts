/**
 * The checklist of the README ("The checklist"), in order, for one service. Teardown runs apart,
 * after every service.
 */
import { ATTACH_SKIP, skip, type ChecklistItem } from './item.js';
import { backendStart } from './items/backend-start.js';
import { bytecodeCache } from './items/bytecode-cache.js';
import { endpointItem } from './items/endpoint.js';
import { health } from './items/health.js';
import { listenerOwner } from './items/listener-owner.js';
import { logs } from './items/logs.js';
import { portFree } from './items/port-free.js';
import { ready } from './items/ready.js';
import { singleListener } from './items/single-listener.js';
import type { ServiceConfig } from '../config/types.js';

import { teardown } from './items/teardown.js';

/**
 * Attach mode starts nothing: the items about the run's own backend (freeing the port, clearing
 * its cache, starting it, owning the listener, stopping it) are decided here, once, as skipped.
 */
function forMode(item: ChecklistItem, config: ServiceConfig): ChecklistItem {
  if (!config.attach || !item.startedBackendOnly) return item;
  return { id: item.id, title: item.title, run: async () => skip(ATTACH_SKIP) };
}

/** Teardown's id and title, for a report written while it is pending. */
export const TEARDOWN = { id: teardown.id, title: teardown.title };

/** Teardown, run apart after every service (in reverse order). */
export function teardownFor(config: ServiceConfig): ChecklistItem {
  return forMode(teardown, config);
}

/** The items before the endpoints run one after the other; the endpoint items run concurrently. */
export function checklistFor(config: ServiceConfig): {
  sequential: ChecklistItem[];
  endpoints: ChecklistItem[];
} {
  return {
    sequential: [
      portFree,
      bytecodeCache,
      backendStart,
      ready,
      singleListener,
      listenerOwner,
      logs,
      health,
    ].map((item) => forMode(item, config)),
    endpoints: config.endpoints.map(endpointItem),
  };
}
