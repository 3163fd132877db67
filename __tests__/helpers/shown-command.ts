/**
 * How the details name a process — `pid 123 (COMMAND)` — matched without depending on where the
 * repository is cloned. The details cut long command lines (`…/integration/apps/tiny_b…`, see
 * src/process/describe.ts), and a test app started by its absolute path has a command line as long
 * as the clone's path: under GitHub's `/home/runner/work/<repo>/<repo>` it is cut, under a short
 * path it is not. A test that wrote `.*tiny_backend\.py` passed in one place and failed in the
 * other; a test that matches through `shownCommand` passes in both.
 */

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A RegExp source (no anchors, no capturing groups) matching COMMAND as the details show it: the
 * whole command line, or a non-empty start of it cut with "…". Where the cut falls is the
 * product's business (describe.test.ts checks it); here only "this is that command" matters.
 */
export function shownCommand(command: string): string {
  // Any non-empty prefix of the characters c1…cn: c1(?:c2(?:…(?:cn)?…)?)?
  const prefix = [...command].reduceRight(
    (rest, char) => (rest ? `${escape(char)}(?:${rest})?` : escape(char)),
    '',
  );
  return `(?:${escape(command)}|${prefix}…)`;
}
