/**
 * The run shared by both front ends: the checklist with live terminal output, then every report
 * (report.json, junit.xml, the job summary), written whatever happened — a failed check, an
 * internal error or an interrupt — and the exit code (SPEC §6).
 */
import { appendFile } from 'node:fs/promises';
import type { Config } from './config/types.js';
import { EXIT } from './errors.js';
import { currentPlatform } from './platform/index.js';
import type { RunResult } from './checklist/types.js';
import { runChecklist } from './checklist/runner.js';
import { createRedactor } from './report/redact.js';
import { renderSummary } from './report/summary.js';
import { createTerminalReporter } from './report/terminal.js';
import { writeReports } from './report/write.js';

export interface Terminal {
  write(text: string): void;
  isTTY: boolean;
}

export interface RunOutcome {
  result: RunResult;
  exitCode: number;
  reportPath: string;
  junitPath: string;
}

/** Conventional shell codes for a run cut short by a signal (128 + signal number). */
const INTERRUPT_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

export async function runAndReport(
  config: Config,
  out: Terminal,
  env: Record<string, string | undefined> = process.env,
): Promise<RunOutcome> {
  const redactor = createRedactor(config.secrets);
  const color = out.isTTY && env.NO_COLOR === undefined;
  const terminal = createTerminalReporter(out, { color });
  const aborter = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => aborter.abort(signal);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let result: RunResult;
  try {
    result = await runChecklist(config, {
      platform: currentPlatform(),
      redact: redactor.text,
      signal: aborter.signal,
      hooks: {
        serviceStarted: (name, port) =>
          terminal.serviceStarted(
            name,
            port,
            config.services.find((s) => s.name === name)?.attach === true,
          ),
        itemStarted: (_service, id, title) => terminal.itemStarted(id, title),
        itemFinished: (_service, item) => terminal.itemFinished(redactor.deep(item)),
        progress: (text) => terminal.progress(text),
        logLine: (service, line) => terminal.logLine(service, line),
      },
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }

  const redacted = redactor.deep(result);
  const paths = await writeReports(redacted, config.reportDir);
  const summary = renderSummary(redacted);
  if (env.GITHUB_STEP_SUMMARY) await appendFile(env.GITHUB_STEP_SUMMARY, summary + '\n');
  // act discards job summaries: print it where its user can read it.
  if (env.ACT === 'true') out.write(`\n${summary}\n`);
  terminal.finished(redacted, paths);

  const interruptCode = result.interrupted ? INTERRUPT_EXIT[result.interrupted] : undefined;
  const exitCode = result.error
    ? EXIT.internal
    : (interruptCode ?? (result.result === 'pass' ? EXIT.pass : EXIT.fail));
  return { result: redacted, exitCode, ...paths };
}
