/* eslint-disable no-control-regex -- these tests look for control characters */
import { renderJunit } from '../../src/report/junit.js';
import { failingRun, HOSTILE, hostileRun, passingRun } from '../fixtures/report/results.js';
import { parseXml, type XmlElement } from './xml-parse.js';

const child = (e: XmlElement, tag: string) => e.children.find((c) => c.tag === tag);

describe('renderJunit', () => {
  test('the strict parser used here rejects what the renderer must avoid', () => {
    expect(() => parseXml('<a>1 < 2</a>')).toThrow(/not well-formed/);
    expect(() => parseXml('<a>bell \u0007</a>')).toThrow(/not well-formed/);
    expect(() => parseXml('<a b="x"y"/>')).toThrow(/not well-formed/);
  });

  test('one testsuite per service, one testcase per item, with fail, skip and warn mapped', () => {
    const result = failingRun();
    const root = parseXml(renderJunit(result));
    expect(root.tag).toBe('testsuites');
    expect(root.attrs).toMatchObject({
      tests: '15',
      failures: '3',
      errors: '0',
      skipped: '6',
      time: '2.410',
    });

    const suites = root.children.filter((c) => c.tag === 'testsuite');
    expect(suites.map((s) => s.attrs)).toEqual([
      { name: 'api', tests: '10', failures: '2', errors: '0', skipped: '2', time: '2.102' },
      { name: 'web-前端', tests: '5', failures: '1', errors: '0', skipped: '4', time: '0.025' },
    ]);
    const api = suites[0]!;
    expect(child(api, 'properties')!.children.map((p) => p.attrs)).toEqual([
      { name: 'port', value: '5000' },
      { name: 'backend-pid', value: '4101' },
      { name: 'log-path', value: '/tmp/report/api/backend.log' },
    ]);

    const cases = api.children.filter((c) => c.tag === 'testcase');
    expect(cases.map((c) => c.attrs.name)).toEqual(result.services[0]!.items.map((i) => i.id));
    expect(new Set(cases.map((c) => c.attrs.classname))).toEqual(
      new Set(['single-listener-check.api']),
    );
    const byName = (name: string) => cases.find((c) => c.attrs.name === name)!;

    const single = child(byName('single-listener'), 'failure')!;
    expect(single.attrs.message).toBe('2 sockets listen on port 5000; at most 1 allowed');
    expect(single.text).toContain(
      '0.0.0.0:5000 IPv4 pid 4101\n0.0.0.0:5000 IPv4 pid 5202\nDiagnosis: Several sockets',
    );
    expect(child(byName('health'), 'skipped')!.attrs.message).toBe('no health path set');
    const warn = byName('port-free');
    expect(child(warn, 'failure')).toBeUndefined();
    expect(child(warn, 'system-out')!.text).toBe(
      'warning: stopped 1 holder of port 5000 (on-conflict: kill)\nstopped pid 3604 (python main.py)',
    );
    expect(byName('backend-start').children).toEqual([]);
    expect(byName('teardown').attrs.time).toBe('1.250');

    const web = suites[1]!;
    expect(child(web, 'properties')!.children.map((p) => p.attrs.name)).toEqual(['port']); // no pid, no log
  });

  test('a passing run has no failure elements', () => {
    const xml = renderJunit(passingRun());
    const root = parseXml(xml);
    expect(root.attrs.failures).toBe('0');
    expect(xml).not.toContain('<failure');
    expect(root.children.filter((c) => c.tag === 'testsuite')).toHaveLength(1);
  });

  test('untrusted text is escaped, control characters removed, and an internal error is an <error>', () => {
    const result = hostileRun();
    result.services[0]!.items[4]!.summary = `quote " apostrophe ' amp & lt < line\nbreak \uD800 lone surrogate \uFFFF`;
    const xml = renderJunit(result);
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    const root = parseXml(xml);

    const api = root.children[0]!;
    const endpoint = api.children.find((c) => c.attrs.name === 'endpoint:GET /x')!;
    const failure = child(endpoint, 'failure')!;
    expect(failure.attrs.message).toContain(`${HOSTILE.html} ${HOSTILE.row} ${HOSTILE.image}`);
    expect(failure.attrs.message).toContain('bell\uFFFD escred nul\uFFFD vt\uFFFD del\uFFFD');
    expect(failure.text).toContain(
      '```\n# not a heading\nDiagnosis: ![x](http://evil) </details><script>',
    );

    const single = api.children.find((c) => c.attrs.name === 'single-listener')!;
    expect(child(single, 'failure')!.attrs.message).toBe(
      `quote " apostrophe ' amp & lt < line\nbreak \uFFFD lone surrogate \uFFFD`,
    );

    const run = root.children.at(-1)!;
    expect(run.attrs).toMatchObject({ name: 'single-listener-check', errors: '1' });
    expect(child(run.children[0]!, 'error')!.attrs.message).toBe(
      `internal error: ${HOSTILE.html} ${HOSTILE.row}`,
    );
    expect(root.attrs.errors).toBe('1');
    expect(root.attrs.tests).toBe('16');
  });
});
