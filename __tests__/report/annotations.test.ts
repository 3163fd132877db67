import { jest } from '@jest/globals';
import * as core from '@actions/core';
import {
  capAnnotations,
  errorCommand,
  failureAnnotations,
  MAX_ERROR_ANNOTATIONS,
} from '../../src/report/annotations.js';
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

  test("an item's crashLine (a crash's exception line) is the title, else its title", () => {
    const result = failingRun();
    const [api] = result.services;
    const failed = api!.items.find((item) => item.status === 'fail')!;
    failed.crashLine =
      "FileNotFoundError: [Errno 2] No such file or directory: 'config/settings.json'";
    expect(failureAnnotations(result).map((a) => a.title)).toEqual([
      "api: FileNotFoundError: [Errno 2] No such file or directory: 'config/settings.json'",
      'api: GET /api/local-llm/status',
      'web-前端: Port free before start',
    ]);
  });

  test('none for a passing run; warnings and skips are not errors', () => {
    expect(failureAnnotations(passingRun())).toEqual([]);
  });
});

describe('the cap: GitHub shows at most 10 error annotations a step', () => {
  /** A failing run with `n` failed items, `ep-1` … `ep-n`. */
  function failures(n: number) {
    const result = failingRun();
    const [api] = result.services;
    const template = api!.items.find((item) => item.status === 'fail')!;
    return {
      ...result,
      services: [
        {
          ...api!,
          items: Array.from({ length: n }, (_, i) => ({
            ...template,
            id: `ep-${i + 1}`,
            title: `Endpoint ${i + 1}`,
            diagnosis: undefined,
          })),
        },
      ],
    };
  }

  test('ten failures: ten annotations, one each', () => {
    const annotations = failureAnnotations(failures(10));
    expect(annotations.map((a) => a.title)).toEqual(
      Array.from({ length: 10 }, (_, i) => `api: Endpoint ${i + 1}`),
    );
  });

  test('eleven or more: nine, then one that counts and names the rest', () => {
    for (const n of [11, 25]) {
      const annotations = failureAnnotations(failures(n));
      expect(annotations).toHaveLength(MAX_ERROR_ANNOTATIONS);
      expect(annotations.slice(0, 9).map((a) => a.title)).toEqual(
        Array.from({ length: 9 }, (_, i) => `api: Endpoint ${i + 1}`),
      );
      const more = annotations[9]!;
      expect(more.title).toBe(`single-listener-check: ${n - 9} more failed items`);
      expect(more.message).toMatch(
        new RegExp(`^${n - 9} more items failed; GitHub shows at most 10 annotations a step`),
      );
      expect(more.message).toContain('in the job summary');
      expect(more.message).toContain(`api: Endpoint 10; `);
      expect(more.message).toMatch(new RegExp(`api: Endpoint ${n}$`));
    }
  });

  test('capAnnotations keeps what it leaves out', () => {
    const all = Array.from({ length: 4 }, (_, i) => ({ title: 't', message: `m${i}` }));
    const { shown, rest } = capAnnotations(
      all,
      (r) => ({ title: 'more', message: `${r.length}` }),
      3,
    );
    expect(shown.map((a) => a.message)).toEqual(['m0', 'm1', '2']);
    expect(rest.map((a) => a.message)).toEqual(['m2', 'm3']);
    expect(capAnnotations(all.slice(0, 3), () => ({ title: '', message: '' }), 3)).toEqual({
      shown: all.slice(0, 3),
      rest: [],
    });
  });
});

describe('errorCommand', () => {
  test("prints what @actions/core's core.error prints, escapes included", () => {
    const annotations = [
      { title: 'api: Exactly one listener', message: '2 sockets listen on port 5000' },
      { title: 'a, b: 100% :: c\r\nd', message: 'line 1\nline 2: 50%, done\r\n::error::x' },
    ];
    const printed: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
      printed.push(String(chunk));
      return true;
    });
    try {
      for (const { title, message } of annotations) core.error(message, { title });
    } finally {
      spy.mockRestore();
    }
    expect(annotations.map(errorCommand)).toEqual(printed);
    // One line each: a message cannot start a second workflow command.
    for (const line of annotations.map(errorCommand)) expect(line.split('\n')).toHaveLength(2);
  });
});
