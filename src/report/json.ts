/**
 * report.json: the whole RunResult, pretty-printed (README, "Reports"). Its `version` field (1) is
 * the schema version.
 */
import type { RunResult } from '../checklist/types.js';

export function renderJson(result: RunResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
