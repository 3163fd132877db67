/**
 * How long teardown waits between SIGTERM and SIGKILL, fitted to how GitHub cancels a step
 * (README, "Cancellation"): SIGINT, SIGTERM about 7.5 s later, SIGKILL about 2.5 s after that.
 *
 * After an interrupt the grace is at most 5 s, counted from the interrupt (the run's escalation
 * signal fires then, whichever service is being stopped). The rest of teardown after SIGKILL —
 * the killed processes disappearing and the port read back free — takes milliseconds, and at
 * most 2 s each when something lingers; then the reports are rewritten. So an interrupted run
 * normally ends about 5 s after the signal, before GitHub's SIGTERM, and even the worst case
 * (5 + 2 + 2 s) ends before its SIGKILL at 10 s. A second signal skips the rest of the grace.
 */

/** The longest SIGTERM grace after an interrupt, counted from the interrupt. */
export const INTERRUPTED_GRACE_MS = 5000;

/** The SIGTERM → SIGKILL grace for teardown: `stop-timeout`, capped after an interrupt. */
export function teardownGrace(stopTimeoutMs: number, interrupted: boolean): number {
  return interrupted ? Math.min(stopTimeoutMs, INTERRUPTED_GRACE_MS) : stopTimeoutMs;
}
