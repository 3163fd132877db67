/**
 * junit.xml (README, "Reports"): one <testsuite> per service, one <testcase> per item, named by the
 * item's stable id. fail → <failure>, skip → <skipped>, warn passes with the warning in
 * <system-out>. An internal error or interrupt adds a "run" testcase with <error>, so a
 * test-report viewer never shows a broken run as green.
 */
import type { ItemResult, RunResult, ServiceResult } from '../checklist/types.js';
import { cleanText, countStatuses } from './text.js';

const TOOL = 'single-listener-check';

export function renderJunit(result: RunResult): string {
  const counts = countStatuses(result.services.flatMap((s) => s.items));
  const runProblem = runProblemCase(result);
  const tests = result.services.reduce((n, s) => n + s.items.length, 0) + (runProblem ? 1 : 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${TOOL}" tests="${tests}" failures="${counts.fail}" errors="${runProblem ? 1 : 0}"` +
      ` skipped="${counts.skip}" time="${seconds(result.durationMs)}" timestamp="${attr(result.startedAt)}">`,
    ...result.services.map(suite),
    ...(runProblem ? [runProblem] : []),
    '</testsuites>',
    '',
  ].join('\n');
}

function suite(service: ServiceResult): string {
  const counts = countStatuses(service.items);
  const time = service.items.reduce((ms, item) => ms + item.durationMs, 0);
  return [
    `  <testsuite name="${attr(service.name)}" tests="${service.items.length}" failures="${counts.fail}"` +
      ` errors="0" skipped="${counts.skip}" time="${seconds(time)}">`,
    '    <properties>',
    `      <property name="port" value="${service.port}"/>`,
    ...(service.backendPid !== null
      ? [`      <property name="backend-pid" value="${service.backendPid}"/>`]
      : []),
    ...(service.logPath
      ? [`      <property name="log-path" value="${attr(service.logPath)}"/>`]
      : []),
    '    </properties>',
    ...service.items.map((item) => testcase(service.name, item)),
    '  </testsuite>',
  ].join('\n');
}

function testcase(service: string, item: ItemResult): string {
  const open = `    <testcase classname="${attr(`${TOOL}.${service}`)}" name="${attr(item.id)}" time="${seconds(item.durationMs)}"`;
  const body = [...item.details, ...(item.diagnosis ? [`Diagnosis: ${item.diagnosis}`] : [])].join(
    '\n',
  );
  switch (item.status) {
    case 'pass':
      return `${open}/>`;
    case 'skip':
      return `${open}>\n      <skipped message="${attr(item.summary)}"/>\n    </testcase>`;
    case 'warn':
      return `${open}>\n      <system-out>${text(`warning: ${item.summary}${body ? `\n${body}` : ''}`)}</system-out>\n    </testcase>`;
    case 'fail':
      return `${open}>\n      <failure message="${attr(item.summary)}" type="${attr(item.id)}">${text(body)}</failure>\n    </testcase>`;
  }
}

function runProblemCase(result: RunResult): string | null {
  const problem = result.error
    ? `internal error: ${result.error}`
    : result.interrupted
      ? `interrupted: ${result.interrupted}`
      : null;
  if (problem === null) return null;
  return [
    `  <testsuite name="${TOOL}" tests="1" failures="0" errors="1" skipped="0" time="0">`,
    `    <testcase classname="${TOOL}" name="run" time="0">`,
    `      <error message="${attr(problem)}"/>`,
    '    </testcase>',
    '  </testsuite>',
  ].join('\n');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

// Characters XML 1.0 forbids anywhere (other controls, lone surrogates, U+FFFE/U+FFFF).
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Character data: control characters and escape sequences cleaned, markup escaped. */
function text(s: string): string {
  return cleanText(s)
    .replace(NOT_XML_CHAR, '\uFFFD')
    .replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

/** An attribute value: as text, plus quotes, and line breaks kept as references (parsers fold raw ones to spaces). */
function attr(s: string): string {
  return text(s).replace(/["\n\t]/g, (c) => (c === '"' ? '&quot;' : c === '\n' ? '&#10;' : '&#9;'));
}
