/**
 * scripts/changelog-section.mjs, run as the release workflow runs it: the notes of one version
 * from a CHANGELOG, and exit 1 (nothing on stdout) when the CHANGELOG was not updated for it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../action/harness.js';

const SCRIPT = path.join(REPO_ROOT, 'scripts/changelog-section.mjs');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'slc-changelog-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function section(changelog: string, ...args: string[]) {
  const file = path.join(dir, `CHANGELOG-${Math.random().toString(36).slice(2)}.md`);
  writeFileSync(file, changelog);
  const run = spawnSync(process.execPath, [SCRIPT, ...args, file], { encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const CHANGELOG = `# Changelog

Intro text.

## Unreleased

- Not yet.

## 1.10.0 — 2027-02-01

### Added

- Ten.

## [1.2.3](https://example.com/compare/v1.2.2...v1.2.3) - 2027-01-15

### Fixed

- A fix.
  Continued.

## 1.2.3-rc.1 — 2027-01-10

- A candidate.

## 1.2.30 — 2027-01-01

- Thirty.

## 1.0.0 — unreleased

- Draft.

## 0.9.0 — 2026-12-01
`;

test('prints the section of the version, without its heading, up to the next ## heading', () => {
  expect(section(CHANGELOG, '1.10.0')).toEqual({
    code: 0,
    stdout: '### Added\n\n- Ten.\n',
    stderr: '',
  });
  // v-prefixed as the tag is, a linked heading, and neither 1.2.3-rc.1 nor 1.2.30.
  expect(section(CHANGELOG, 'v1.2.3')).toEqual({
    code: 0,
    stdout: '### Fixed\n\n- A fix.\n  Continued.\n',
    stderr: '',
  });
  expect(section(CHANGELOG, '1.2.3-rc.1').stdout).toBe('- A candidate.\n');
  expect(section(CHANGELOG, '1.2.30').stdout).toBe('- Thirty.\n');
  expect(section(CHANGELOG.replace(/\n/g, '\r\n'), '1.10.0').stdout).toBe('### Added\n\n- Ten.\n');
});

test.each([
  ['2.0.0', 'has no "## 2.0.0" section'],
  ['1.2', 'usage'],
  ['1.0.0', 'still marks 1.0.0 unreleased ("## 1.0.0 — unreleased"): date it'],
  ['0.9.0', 'has an empty "## 0.9.0" section'],
])('%s: refused, nothing on stdout (%s)', (version, message) => {
  const run = section(CHANGELOG, version);
  expect(run.code).toBe(message === 'usage' ? 2 : 1);
  expect(run.stdout).toBe('');
  expect(run.stderr).toContain(message);
  expect(run.stderr.split('\n')).toHaveLength(2); // one line
});

test("this repository's CHANGELOG has the next version's section, ready once dated", () => {
  const changelog = readFileSync(path.join(REPO_ROOT, 'CHANGELOG.md'), 'utf8');
  const next = /^## (\d+\.\d+\.\d+) — unreleased$/m.exec(changelog)?.[1];
  expect(next).toBe('1.0.0'); // the first release: it makes `@v1` real
  // Until the maintainer dates it, a tag for it is refused; dated, its notes come out.
  expect(section(changelog, next!).stderr).toContain(`still marks ${next} unreleased`);
  const dated = changelog.replace(`## ${next} — unreleased`, `## ${next} — 2027-01-01`);
  expect(section(dated, next!)).toMatchObject({
    code: 0,
    stdout: expect.stringMatching(/^The first release\.[^]*\n### Added\n\n- [^]*\n### Fixed\n\n- /),
  });
});
