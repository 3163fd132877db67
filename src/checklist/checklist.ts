/**
 * The checklist of the README ("The checklist"), in order, for one service. Teardown runs apart,
 * after every service.
 */
import type { ChecklistItem } from './item.js';
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

export { teardown } from './items/teardown.js';

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
    ],
    endpoints: config.endpoints.map(endpointItem),
  };
}
