import { failureAnnotations } from '../../src/report/annotations.js';
import { renderJson } from '../../src/report/json.js';
import { renderJunit } from '../../src/report/junit.js';
import { mdInline } from '../../src/report/markdown.js';
import { createRedactor } from '../../src/format/redact.js';
import { renderSummary } from '../../src/report/summary.js';
import { createTerminalReporter } from '../../src/report/terminal.js';
import { failingRun } from '../fixtures/report/results.js';

const TOKEN = 'tok3nVALUE9xq';
/** Markdown and XML would escape this one: the rendered form must be gone too, not only the raw. */
const SPECIAL = 'p4ss_w|rd*&<x>';

function runWithSecrets() {
  const result = failingRun();
  const api = result.services[0]!;
  const endpoint = api.items[8]!;
  endpoint.summary = `flapping; request sent Authorization: Bearer ${TOKEN}`;
  endpoint.details = [`header X-Key: ${SPECIAL}`, `echoed body {"token":"${TOKEN}"}`];
  endpoint.diagnosis = `the token ${TOKEN} was rejected`;
  endpoint.probes![1]!.failures = [`body contained ${SPECIAL}`];
  api.items[4]!.listeners![0]!.processes[0]!.command = `gunicorn --env API_KEY=${TOKEN} app:app`;
  api.logTail.push(`loaded key ${TOKEN}`, `password=${SPECIAL}`);
  api.timeline.push({ event: `checks with ${TOKEN}`, atMs: 1 });
  result.reproduce = `API_KEY=${TOKEN} npx single-listener-check run --env 'PASS=${SPECIAL}'`;
  result.error = `request to http://user:${SPECIAL}@localhost failed`;
  return result;
}

describe('createRedactor', () => {
  const redactor = createRedactor([TOKEN, SPECIAL, '']);

  test('every rendered format is free of the secrets when the result goes through deep first', () => {
    const raw = runWithSecrets();
    const result = redactor.deep(raw);
    expect(raw.reproduce).toContain(TOKEN); // the original is left as it was

    const written: string[] = [];
    const terminal = createTerminalReporter(
      { write: (s) => written.push(s), isTTY: false },
      { color: false },
    );
    for (const item of result.services[0]!.items) terminal.itemFinished(item);
    terminal.finished(result);

    const outputs = {
      summary: renderSummary(result),
      json: renderJson(result),
      junit: renderJunit(result),
      terminal: written.join(''),
      annotations: JSON.stringify(failureAnnotations(result)),
    };
    for (const [name, text] of Object.entries(outputs)) {
      for (const form of [TOKEN, SPECIAL, mdInline(SPECIAL), 'p4ss_w', 'p4ss\\_w', 'p4ss&#95;w']) {
        expect({ name, found: text.includes(form) }).toEqual({ name, found: false });
      }
      expect(text).toContain('***');
    }
    // Without redaction the same renderers would have leaked (the test can fail).
    expect(renderSummary(raw)).toContain(TOKEN);
    expect(renderSummary(raw)).toContain(mdInline(SPECIAL));
  });

  test('text: every occurrence, overlapping secrets masked as one run, longest first', () => {
    const r = createRedactor(['abc', 'abcdef', 'cdx']);
    expect(r.text('x abcdef y abc z')).toBe('x *** y *** z');
    expect(r.text('abcdx')).toBe('***'); // abc and cdx overlap: no piece survives
    expect(r.text('nothing here')).toBe('nothing here');
    expect(createRedactor([]).text('abc')).toBe('abc');
  });

  test('deep: a new value with strings (and keys) redacted, other values kept, cycles survive', () => {
    const value = {
      [`k-${TOKEN}`]: [TOKEN, 5000, true, null, { nested: `a${TOKEN}b` }],
      n: 1,
    } as Record<string, unknown>;
    value.self = value;
    const out = redactor.deep(value);
    expect(out).not.toBe(value);
    expect(out['k-***']).toEqual(['***', 5000, true, null, { nested: 'a***b' }]);
    expect(out.n).toBe(1);
    expect(out.self).toBe(out);
    expect(value[`k-${TOKEN}`]).toBeDefined();
  });
});
