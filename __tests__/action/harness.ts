/**
 * Runs a composite action the way the GitHub runner does, without a runner: it reads the
 * action's metadata, resolves `${{ inputs.x }}` (from `with:`, else the input's `default:`) in
 * each step's `env:` only, gives each step fresh GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files,
 * RUNNER_TEMP and GITHUB_ACTION_PATH, writes the `run:` script to a file and runs it with the
 * step's `shell` template, then maps the action's outputs from the steps' outputs files.
 * It refuses what the action must never contain (`${{` inside a `run:` script) and what it does
 * not imitate (other expressions, `uses:` and `if:` steps, other shells), so a test never
 * passes on something the runner would do differently.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { accessSync, constants, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ActionInput {
  description?: string;
  required?: boolean;
  default?: string;
}

export interface CompositeStep {
  id?: string;
  name?: string;
  shell?: string;
  run?: string;
  uses?: string;
  if?: string;
  env?: Record<string, string>;
  'working-directory'?: string;
}

export interface ActionMetadata {
  name: string;
  description: string;
  branding?: { icon?: string; color?: string };
  inputs?: Record<string, ActionInput>;
  outputs?: Record<string, { description?: string; value: string }>;
  runs: { using: string; steps: CompositeStep[] };
}

/** `action.yml` or `stop/action.yml`, relative to the repository root. */
export function readAction(file: string): ActionMetadata {
  return parse(readFileSync(path.join(REPO_ROOT, file), 'utf8')) as ActionMetadata;
}

/** The runner's templates for `shell:` (docs: "Using a specific shell"); `{0}` is the script file. */
const SHELLS: Record<string, { command: string; args: string[]; ext: string }> = {
  bash: { command: 'bash', args: ['--noprofile', '--norc', '-eo', 'pipefail', '{0}'], ext: '.sh' },
  sh: { command: 'sh', args: ['-e', '{0}'], ext: '.sh' },
};

/**
 * The shell's path, looked up on this process's PATH: the runner finds it before the step's own
 * PATH applies, so a test can give the step a PATH without node (and without bash).
 */
function which(command: string): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new Error(`harness: ${command} not found on PATH`);
}

const EXPRESSION = /\$\{\{\s*(.*?)\s*\}\}/g;

/** Replaces each `${{ <ref> }}` through `lookup`; any expression it does not know is an error. */
function evaluate(text: string, lookup: (ref: string) => string | null): string {
  return text.replace(EXPRESSION, (whole, ref: string) => {
    const value = lookup(ref);
    if (value === null) throw new Error(`harness: unsupported expression ${whole}`);
    return value;
  });
}

/**
 * The runner's parser for GITHUB_OUTPUT: `name=value` lines, and `name<<DELIMITER` followed by
 * the value's lines and the delimiter alone on a line (what @actions/core writes). Whichever of
 * `=` and `<<` comes first in a line decides its form.
 */
export function parseOutputsFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const equals = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (equals > 0 && (heredoc < 0 || equals < heredoc)) {
      outputs[line.slice(0, equals)] = line.slice(equals + 1);
    } else if (heredoc > 0) {
      const delimiter = line.slice(heredoc + 2);
      const end = lines.indexOf(delimiter, i + 1);
      if (delimiter === '' || end < 0)
        throw new Error(`harness: unterminated ${line} in GITHUB_OUTPUT`);
      outputs[line.slice(0, heredoc)] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else {
      throw new Error(`harness: invalid GITHUB_OUTPUT line ${JSON.stringify(line)}`);
    }
  }
  return outputs;
}

/** Throws when an action could be injected into or uses what the harness does not imitate. */
export function assertRunnable(action: ActionMetadata, file: string): void {
  if (action.runs.using !== 'composite') throw new Error(`harness: ${file} is not composite`);
  for (const step of action.runs.steps) {
    const label = `${file}: step ${step.id ?? step.name ?? '(unnamed)'}`;
    if (step.run === undefined || step.uses !== undefined || step.if !== undefined)
      throw new Error(`harness: ${label}: only run steps without if: are supported`);
    if (step.run.includes('${{'))
      throw new Error(`harness: ${label}: \${{ inside run: (script injection)`);
    if (step.shell === undefined || SHELLS[step.shell] === undefined)
      throw new Error(`harness: ${label}: unsupported shell ${String(step.shell)}`);
  }
}

/** The runner's own variables and the test runner's are not part of a job's environment. */
function jobBaseEnv(): Record<string, string> {
  const skip = /^(INPUT_|GITHUB_|RUNNER_|ACT$|NODE_OPTIONS$|JEST_WORKER_ID$)/;
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && !skip.test(entry[0]),
    ),
  );
}

export interface StepResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

export interface ActionRun extends StepResult {
  /** The action's outputs, mapped from the steps' outputs by its metadata. */
  actionOutputs: Record<string, string>;
  steps: StepResult[];
}

export interface RunOptions {
  with?: Record<string, string>;
  /** Job-level variables, over this process's environment (PATH here replaces it). */
  env?: Record<string, string>;
  /** Per step; the step is killed (its process group) and the run throws after it. */
  timeoutMs?: number;
  /**
   * GITHUB_ACTION_PATH, the folder the steps run the program from; default: the action file's
   * own folder (the committed dist/). Tests of unreleased changes give a fresh bundle's folder.
   */
  actionPath?: string;
}

function runScript(
  shell: { command: string; args: string[] },
  script: string,
  cwd: string,
  env: Record<string, string>,
  timeoutMs: number,
): Promise<{
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}> {
  return new Promise((resolve, reject) => {
    const args = shell.args.map((arg) => (arg === '{0}' ? script : arg));
    const child = spawn(which(shell.command), args, {
      cwd,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      reject(
        new Error(
          `harness: step still running after ${timeoutMs} ms\n--- stdout\n${stdout}\n--- stderr\n${stderr}`,
        ),
      );
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ exitCode, signal, stdout, stderr });
    });
  });
}

/**
 * One job: a workspace (the steps' working directory) and a RUNNER_TEMP shared by the actions it
 * runs, as steps of one job share them.
 */
export class Job {
  private constructor(
    readonly workspace: string,
    readonly runnerTemp: string,
  ) {}

  static async create(workspace = REPO_ROOT): Promise<Job> {
    return new Job(workspace, await mkdtemp(path.join(tmpdir(), 'slc-runner-temp-')));
  }

  async dispose(): Promise<void> {
    await rm(this.runnerTemp, { recursive: true, force: true });
  }

  /** Runs the action's steps in order until one fails, then maps its outputs. */
  async run(file: string, options: RunOptions = {}): Promise<ActionRun> {
    const action = readAction(file);
    assertRunnable(action, file);
    const given = options.with ?? {};
    for (const name of Object.keys(given)) {
      if (action.inputs?.[name] === undefined)
        throw new Error(`harness: ${file} has no input ${name}`);
    }
    const inputs = (ref: string) => {
      const name = /^inputs\.([\w-]+)$/.exec(ref)?.[1];
      const input = name === undefined ? undefined : action.inputs?.[name];
      return input === undefined ? null : (given[name!] ?? input.default ?? '');
    };
    const actionPath = options.actionPath ?? path.dirname(path.join(REPO_ROOT, file));
    const scratch = path.join(this.runnerTemp, '_runner_file_commands');
    await mkdir(scratch, { recursive: true });

    const steps: StepResult[] = [];
    const byId: Record<string, Record<string, string>> = {};
    for (const step of action.runs.steps) {
      const shell = SHELLS[step.shell!]!;
      const files = {
        script: path.join(this.runnerTemp, `${randomUUID()}${shell.ext}`),
        output: path.join(scratch, `set_output_${randomUUID()}`),
        summary: path.join(scratch, `step_summary_${randomUUID()}`),
      };
      await writeFile(files.script, step.run!);
      await writeFile(files.output, '');
      await writeFile(files.summary, '');
      const stepEnv = Object.fromEntries(
        Object.entries(step.env ?? {}).map(([key, value]) => [
          key,
          evaluate(String(value), inputs),
        ]),
      );
      const env = {
        ...jobBaseEnv(),
        ...options.env,
        GITHUB_ACTIONS: 'true',
        GITHUB_WORKSPACE: this.workspace,
        GITHUB_ACTION_PATH: actionPath,
        GITHUB_OUTPUT: files.output,
        GITHUB_STEP_SUMMARY: files.summary,
        RUNNER_TEMP: this.runnerTemp,
        ...stepEnv,
      };
      const cwd = path.resolve(this.workspace, step['working-directory'] ?? '.');
      const ran = await runScript(shell, files.script, cwd, env, options.timeoutMs ?? 60_000);
      const result: StepResult = {
        ...ran,
        outputs: parseOutputsFile(await readFile(files.output, 'utf8')),
        summary: await readFile(files.summary, 'utf8'),
      };
      steps.push(result);
      if (step.id !== undefined) byId[step.id] = result.outputs;
      if (result.exitCode !== 0) break;
    }

    const stepOutput = (ref: string) => {
      const match = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(ref);
      if (match === null) return null;
      return byId[match[1]!]?.[match[2]!] ?? '';
    };
    const actionOutputs = Object.fromEntries(
      Object.entries(action.outputs ?? {}).map(([name, output]) => [
        name,
        evaluate(output.value, stepOutput),
      ]),
    );
    const last = steps[steps.length - 1]!;
    return {
      exitCode: last.exitCode,
      signal: last.signal,
      stdout: steps.map((s) => s.stdout).join(''),
      stderr: steps.map((s) => s.stderr).join(''),
      outputs: Object.assign({}, ...steps.map((s) => s.outputs)) as Record<string, string>,
      summary: steps.map((s) => s.summary).join(''),
      actionOutputs,
      steps,
    };
  }
}
