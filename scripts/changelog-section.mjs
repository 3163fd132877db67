#!/usr/bin/env node
// Prints the CHANGELOG.md section of one version, without its heading: the release notes the
// release workflow (.github/workflows/release.yml) gives the GitHub release.
//
//   node scripts/changelog-section.mjs VERSION [CHANGELOG]
//
// VERSION is `1.2.3` or `v1.2.3`; the section is the one whose `## ` heading starts with that
// version (`## 1.2.3`, `## 1.2.3 — 2027-01-15`, `## [1.2.3](link) - …`) and ends at the next
// `## ` heading. Exits 1 with one line on stderr when there is no such section, when it is empty
// or when its heading still says "unreleased" (the CHANGELOG was not updated for the release),
// 2 on bad usage.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `{ heading, body }` of the version's section (body trimmed), or null when there is none. */
export function changelogSection(text, version) {
  const plain = version.replace(/^v/, '');
  // The version, bare or as a markdown link, then the end of the line or a non-version character.
  const pattern = new RegExp(`^## \\[?v?${escape(plain)}(?![\\w.+-])`);
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((line) => pattern.test(line));
  if (start < 0) return null;
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((line) => line.startsWith('## '));
  return {
    heading: lines[start],
    body: (end < 0 ? rest : rest.slice(0, end)).join('\n').trim(),
  };
}

function main(argv) {
  const [version, file = 'CHANGELOG.md', ...extra] = argv;
  if (
    version === undefined ||
    extra.length > 0 ||
    !/^v?\d+\.\d+\.\d+(?:[-+][\w.+-]*)?$/.test(version)
  ) {
    process.stderr.write(
      'usage: changelog-section.mjs VERSION [CHANGELOG] (VERSION: 1.2.3 or v1.2.3)\n',
    );
    return 2;
  }
  const plain = version.replace(/^v/, '');
  const section = changelogSection(readFileSync(file, 'utf8'), plain);
  const problem =
    section === null
      ? `has no "## ${plain}" section`
      : section.body === ''
        ? `has an empty "## ${plain}" section`
        : /unreleased/i.test(section.heading)
          ? `still marks ${plain} unreleased ("${section.heading}"): date it`
          : null;
  if (problem !== null) {
    process.stderr.write(`changelog-section: ${file} ${problem} before tagging v${plain}\n`);
    return 1;
  }
  process.stdout.write(`${section.body}\n`);
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
