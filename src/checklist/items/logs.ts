/** `logs`: every expect-log pattern matched at least once, no forbid-log pattern matched. */
import { fail, pass, skip, type ChecklistItem } from '../item.js';

export const logs: ChecklistItem = {
  id: 'logs',
  title: 'Backend logs',
  // A backend that crashed before it was ready left its traceback in the log: judge it.
  runsAfterFatal: (service) => service.log !== null,
  async run(service) {
    const log = service.log;
    if (!log) return skip('no backend log (attach mode)');
    service.backend?.readLog(); // catch up with what the backend wrote since the last poll
    const { expectLog, forbidLog } = service.config;
    const missing = expectLog.filter((_, i) => log.expectCounts[i] === 0);
    const forbidden = forbidLog.flatMap((re, i) =>
      log.forbidHits[i] !== null ? [`/${re}/ matched: ${log.forbidHits[i]}`] : [],
    );
    const problems = [...missing.map((re) => `/${re}/ never matched`), ...forbidden];
    if (problems.length > 0) {
      // The details list them all; one problem is said by the summary alone.
      return fail(problems[0]! + (problems.length > 1 ? ` (+${problems.length - 1} more)` : ''), {
        details: problems.length > 1 ? problems : [],
      });
    }
    return pass(
      // "0 expected pattern(s) found" would read like a failure when none were asked for.
      `${expectLog.length > 0 ? `all ${expectLog.length} expected pattern(s) found, ` : ''}none of ${forbidLog.length} forbidden pattern(s) matched`,
    );
  },
};
