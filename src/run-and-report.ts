/**
 * The run shared by both front ends: the checklist with live terminal output, then every report
 * (report.json, junit.xml, the job summary), written whatever happened — a failed check, an
 * internal error or an interrupt — and the exit code (README, "Command line"). On an interrupt the
 * reports are also written before teardown, marked `interrupted` (README, "Cancellation").
 */
import { appendFileSync, existsSync, statSync, truncateSync } from 'node:fs';
import type { Config } from './config/types.js';
import { EXIT } from './errors.js';
import { currentPlatform } from './platform/index.js';
import type { RunResult } from './checklist/types.js';
import { reproduceFile } from './checklist/reproduce.js';
import { runChecklist } from './checklist/runner.js';
import { INTERRUPTED_GRACE_MS } from './checklist/teardown-grace.js';
import { errorCommand, failureAnnotations } from './report/annotations.js';
import { createRedactor } from './format/redact.js';
import { renderSummary } from './report/summary.js';
import { createTerminalReporter, terminalColor } from './report/terminal.js';
import { writeReports } from './report/write.js';

export interface Terminal {
  write(text: string): void;
  isTTY: boolean;
  /** The terminal's width, when known (a TTY): the output wraps to it. */
  columns?: number;
}

export interface RunOptions {
  /**
   * Print an `::error` annotation per failed item after the verdict (README, "Logs in CI");
   * default: when GITHUB_ACTIONS is `true`. The action always does.
   */
  annotate?: boolean;
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
  { annotate = env.GITHUB_ACTIONS === 'true' }: RunOptions = {},
): Promise<RunOutcome> {
  const redactor = createRedactor(config.secrets);
  const terminal = createTerminalReporter(out, {
    color: terminalColor(out.isTTY, env),
    groups: env.GITHUB_ACTIONS === 'true',
  });
  const cancel = listenForCancel();
  const summary = stepSummary(env.GITHUB_STEP_SUMMARY);
  // Written with the reports: the run's settings, to rerun it (README, "Reproduce locally").
  const settings = redactor.text(reproduceFile(config, config.reportDir));
  /** Every report of a result: report.json and junit.xml replaced, the job summary rewritten. */
  const report = (result: RunResult) => {
    const redacted = redactor.deep(result);
    const paths = writeReports(redacted, config.reportDir, settings);
    const text = renderSummary(redacted);
    summary.write(text);
    return { redacted, paths, text };
  };

  try {
    const result = await runChecklist(config, {
      platform: currentPlatform(),
      redact: redactor.text,
      signal: cancel.interrupt,
      escalate: cancel.escalate,
      onInterrupt: (partial) => void report(partial),
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

    const { redacted, paths, text } = report(result);
    // act discards job summaries: print it where its user can read it.
    if (env.ACT === 'true') terminal.print(`\n${text}\n`);
    terminal.finished(redacted, paths);
    const annotations = annotate ? failureAnnotations(redacted) : [];
    if (annotations.length > 0) terminal.print(annotations.map(errorCommand).join(''));

    const interruptCode = result.interrupted ? INTERRUPT_EXIT[result.interrupted] : undefined;
    const exitCode = result.error
      ? EXIT.internal
      : (interruptCode ?? (result.result === 'pass' ? EXIT.pass : EXIT.fail));
    return { result: redacted, exitCode, ...paths };
  } finally {
    // Only now: a signal while the final reports are written must not kill the program mid-write.
    cancel.dispose();
  }
}

/**
 * SIGINT/SIGTERM as GitHub sends them on cancel (SIGINT, SIGTERM ~7.5 s later, SIGKILL ~2.5 s
 * after): the first signal interrupts the run (`interrupt` aborts with the signal's name, which
 * sets the exit code); `escalate` aborts on a second signal, or INTERRUPTED_GRACE_MS after the
 * first, so teardown SIGKILLs what ignored SIGTERM before the runner kills this program.
 */
function listenForCancel() {
  const interrupt = new AbortController();
  const escalate = new AbortController();
  let deadline: NodeJS.Timeout | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupt.signal.aborted) {
      escalate.abort(signal);
      return;
    }
    interrupt.abort(signal);
    deadline = setTimeout(() => escalate.abort('interrupted grace over'), INTERRUPTED_GRACE_MS);
    deadline.unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    interrupt: interrupt.signal,
    escalate: escalate.signal,
    dispose() {
      clearTimeout(deadline);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/**
 * The job summary file (GITHUB_STEP_SUMMARY), which other steps append to as well: each write
 * replaces what this run wrote before (the file is cut back to its size before the first write),
 * so an interrupted run's early summary and its final one appear once.
 */
function stepSummary(file: string | undefined) {
  let before: number | undefined;
  return {
    write(text: string): void {
      if (!file) return;
      before ??= existsSync(file) ? statSync(file).size : 0;
      if (existsSync(file)) truncateSync(file, before);
      appendFileSync(file, text + '\n');
    },
  };
}
