/** report.json: the whole RunResult, pretty-printed (SPEC §6). Its `version` field (1) is the schema version. */
import type { RunResult } from '../checklist/types.js';

export function renderJson(result: RunResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
