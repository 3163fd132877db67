/**
 * The action front end: inputs (INPUT_* environment, as the composite step passes them) → one
 * Config → the shared run (which prints the failure annotations) → outputs and the exit code.
 * Exit codes are set directly (not core.setFailed) so the step keeps the CLI's meaning: 1 check
 * failed, 2 bad input, 3 internal.
 */
import * as core from '@actions/core';
import { loadConfig } from '../config/load.js';
import { EXIT, UsageError } from '../errors.js';
import { capAnnotations, MAX_ERROR_ANNOTATIONS } from '../report/annotations.js';
import { runAndReport } from '../run-and-report.js';
import { actionOutputs } from './outputs.js';

export async function run(env: Record<string, string | undefined> = process.env): Promise<number> {
  try {
    const config = loadConfig({ inputs: env, env, cwd: process.cwd() });
    for (const secret of config.secrets) core.setSecret(secret);
    const outcome = await runAndReport(
      config,
      { write: (s) => process.stdout.write(s), isTTY: false },
      env,
      { annotate: true },
    );
    for (const [name, value] of Object.entries(actionOutputs(outcome))) core.setOutput(name, value);
    return outcome.exitCode;
  } catch (err) {
    if (err instanceof UsageError) {
      const title = 'single-listener-check: invalid input';
      const { shown, rest } = capAnnotations(
        err.problems.map((message) => ({ title, message })),
        (left) => ({
          title,
          message: `${left.length} more problems, not annotated (GitHub shows at most ${MAX_ERROR_ANNOTATIONS} annotations a step); they follow in the log`,
        }),
      );
      for (const annotation of shown) core.error(annotation.message, { title: annotation.title });
      for (const { message } of rest) core.info(`${title}: ${message}`);
      return EXIT.usage;
    }
    core.error(`internal error: ${(err as Error).message}`);
    return EXIT.internal;
  }
}
