import { failureAnnotations } from '../../src/report/annotations.js';
import { failingRun, passingRun, SINGLE_LISTENER_DIAGNOSIS } from '../fixtures/report/results.js';

describe('failureAnnotations', () => {
  test('one per failed item, titled by service and item, with summary and diagnosis', () => {
    const annotations = failureAnnotations(failingRun());
    expect(annotations.map((a) => a.title)).toEqual([
      'api: Exactly one listener',
      'api: GET /api/local-llm/status',
      'web-前端: Port free before start',
    ]);
    expect(annotations[0]!.message).toBe(
      `2 sockets listen on port 5000; at most 1 allowed\n${SINGLE_LISTENER_DIAGNOSIS}`,
    );
    expect(annotations[1]!.message).toBe('flapping: 2 of 3 probes passed, probes disagree');
  });

  test('none for a passing run; warnings and skips are not errors', () => {
    expect(failureAnnotations(passingRun())).toEqual([]);
  });
});
