import { writeFileSync } from 'node:fs';
import { checkAndCleanUpAfterEach } from './run-helpers.js';
import * as S from './summary-scenarios.js';
checkAndCleanUpAfterEach();
test.each(['passingRun', 'staleRun', 'twoServersRun', 'lateListenerRun', 'crashRun'] as const)('%s', async (name) => {
  const s = await S[name]();
  writeFileSync(`/tmp/sums/${name}.md`, s.run.summary);
  writeFileSync(`/tmp/sums/${name}.json`, JSON.stringify(s.run.report, null, 1));
  writeFileSync(`/tmp/sums/${name}.norm.md`, S.normalise(s.run.summary, s));
});
