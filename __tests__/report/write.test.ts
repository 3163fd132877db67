import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeFileAtomic, writeReports } from '../../src/report/write.js';
import { failingRun, passingRun } from '../fixtures/report/results.js';
import { parseXml } from './xml-parse.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'slc-report-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writeReports', () => {
  test('creates the directory, writes both files whole, leaves no temp file', () => {
    const reportDir = path.join(dir, 'nested', 'reports');
    const result = failingRun();
    const paths = writeReports(result, reportDir);
    expect(paths).toEqual({
      reportPath: path.join(reportDir, 'report.json'),
      junitPath: path.join(reportDir, 'junit.xml'),
    });
    expect(readdirSync(reportDir).sort()).toEqual(['junit.xml', 'report.json']);
    expect(JSON.parse(readFileSync(paths.reportPath, 'utf8'))).toEqual(result);
    expect(parseXml(readFileSync(paths.junitPath, 'utf8')).children).toHaveLength(2);
  });

  test('replaces earlier reports; a relative directory gives absolute paths', () => {
    writeReports(failingRun(), dir);
    const relative = path.relative(process.cwd(), dir);
    const paths = writeReports(passingRun(), relative);
    expect(path.isAbsolute(paths.reportPath)).toBe(true);
    expect(JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8'))).toEqual(passingRun());
    expect(readdirSync(dir).sort()).toEqual(['junit.xml', 'report.json']);
  });

  test('a write that fails at the rename leaves no temp file behind', () => {
    mkdirSync(path.join(dir, 'report.json'));
    writeFileSync(path.join(dir, 'report.json', 'keep'), 'x');
    expect(() => writeReports(passingRun(), dir)).toThrow(); // a directory is in the way
    expect(readdirSync(dir)).toEqual(['report.json']);
    expect(readdirSync(path.join(dir, 'report.json'))).toEqual(['keep']);
  });

  test('writeFileAtomic replaces the content of a file', () => {
    const target = path.join(dir, 'file.txt');
    writeFileSync(target, 'old');
    writeFileAtomic(target, 'new ✓');
    expect(readFileSync(target, 'utf8')).toBe('new ✓');
    expect(readdirSync(dir)).toEqual(['file.txt']);
  });
});
