/**
 * GitHub error annotations (README, "Logs in CI"): one per failed item, with its summary, printed
 * as `::error` workflow commands by the shared run for both the action and the CLI. GitHub shows
 * at most MAX_ERROR_ANNOTATIONS error annotations a step and drops the rest without a word, so
 * past that number the last one shown says how many more there are and where they are.
 */
import type { RunResult } from '../checklist/types.js';
import { cleanText } from './text.js';

export interface Annotation {
  title: string;
  message: string;
}

/** GitHub's limit: error annotations per step. */
export const MAX_ERROR_ANNOTATIONS = 10;

export interface CappedAnnotations {
  /** At most `max`: all of them, or the first max - 1 and the one `more` made of the rest. */
  shown: Annotation[];
  /** Those left out (the caller may print them as plain log lines). */
  rest: Annotation[];
}

export function capAnnotations(
  all: Annotation[],
  more: (rest: Annotation[]) => Annotation,
  max = MAX_ERROR_ANNOTATIONS,
): CappedAnnotations {
  if (all.length <= max) return { shown: all, rest: [] };
  const rest = all.slice(max - 1);
  return { shown: [...all.slice(0, max - 1), more(rest)], rest };
}

/**
 * One annotation per failed item, titled `<service>: <crashLine>` (the line that says what went
 * wrong, e.g. a crash's exception) or else `<service>: <item title>`, capped (capAnnotations).
 */
export function failureAnnotations(result: RunResult, max = MAX_ERROR_ANNOTATIONS): Annotation[] {
  const all = result.services.flatMap((service) =>
    service.items
      .filter((item) => item.status === 'fail')
      .map((item) => ({
        title: cleanText(`${service.name}: ${item.crashLine ?? item.title}`).replace(/\n/g, ' '),
        message: cleanText(item.diagnosis ? `${item.summary}\n${item.diagnosis}` : item.summary),
      })),
  );
  return capAnnotations(
    all,
    (rest) => ({
      title: `single-listener-check: ${rest.length} more failed items`,
      message:
        `${rest.length} more items failed; GitHub shows at most ${max} annotations a step, so ` +
        `these are in the job summary and the log only: ${rest.map((a) => a.title).join('; ')}`,
    }),
    max,
  ).shown;
}

/**
 * The `::error` workflow command for one annotation, as @actions/core's core.error prints it:
 * `%`, CR and LF escaped everywhere, and `:` and `,` in the title too (they end a property).
 */
export function errorCommand({ title, message }: Annotation): string {
  const data = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const property = (s: string) => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
  return `::error title=${property(title)}::${data(message)}\n`;
}
