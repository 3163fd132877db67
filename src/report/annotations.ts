/**
 * One GitHub error annotation per failed item (README, "Reports"); the action passes each to
 * core.error.
 */
import type { RunResult } from '../checklist/types.js';
import { cleanText } from './text.js';

export interface Annotation {
  title: string;
  message: string;
}

export function failureAnnotations(result: RunResult): Annotation[] {
  return result.services.flatMap((service) =>
    service.items
      .filter((item) => item.status === 'fail')
      .map((item) => ({
        title: cleanText(`${service.name}: ${item.title}`).replace(/\n/g, ' '),
        message: cleanText(item.diagnosis ? `${item.summary}\n${item.diagnosis}` : item.summary),
      })),
  );
}
