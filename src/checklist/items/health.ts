/** `health`: the health path answers the expected status with a JSON body, not a 404 HTML page. */
import { checkHealth } from '../judge/expect.js';
import { httpRequest } from '../../http/request.js';
import { fail, logTail, pass, skip, type ChecklistItem } from '../item.js';

export const health: ChecklistItem = {
  id: 'health',
  title: 'Health endpoint',
  async run(service) {
    const spec = service.config.health;
    if (!spec) return skip('no health path set');
    const url = `${service.baseUrl}${spec.path}`;
    const res = await httpRequest(url);
    if (!res.ok) {
      const exited = await service.exitedDuringChecks();
      return exited
        ? fail(exited, { details: [`GET ${spec.path}: ${res.error}`, ...logTail(service)] })
        : fail(`GET ${spec.path}: ${res.error}`);
    }
    const failures = checkHealth(res, spec);
    if (failures.length > 0) return fail(`GET ${spec.path} ${failures[0]}`, { details: failures });
    return pass(`GET ${spec.path} answered ${res.status} in ${Math.round(res.durationMs)} ms`);
  },
};
