/* eslint-disable no-control-regex -- these tests look for control characters */
import { renderJson } from '../../src/report/json.js';
import { failingRun, hostileRun } from '../fixtures/report/results.js';

describe('renderJson', () => {
  test('round-trips the whole result, pretty-printed, with schema version 1', () => {
    const result = failingRun();
    const text = renderJson(result);
    expect(JSON.parse(text)).toEqual(result);
    expect(text.startsWith('{\n  "version": 1,\n  "tool": {')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
  });

  test('control characters and markup survive as data, escaped by JSON', () => {
    const result = hostileRun();
    const text = renderJson(result);
    expect(text).not.toMatch(/[\u0000-\u001f](?<!\n)/);
    expect(JSON.parse(text)).toEqual(result);
  });
});
