/**
 * One validated Config from every source (docs/configuration.md): the config file, then action
 * inputs, then CLI flags — later wins. All problems are collected and thrown as one UsageError, one
 * line each, naming the field as the user wrote it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { readConfigFile } from './file.js';
import { readFileSettings, type FileSettings } from './file-settings.js';
import {
  interpolate,
  requestHeaderValues,
  secretReferences,
  substitutedSecrets,
} from './interpolate.js';
import { formatProblem, type Problem } from './problems.js';

import { resolveServices } from './services.js';
import { mergeSettings, SETTINGS, settingName, type ServiceSettings } from './settings.js';
import {
  readActionInputs,
  readTextSettings,
  type SettingTexts,
  type TextSettings,
} from './text-settings.js';
import type { Config, SecretReference } from './types.js';

export interface LoadOptions {
  /** The `run` command's flags, each one's text keyed by its setting (cli/run-flags.ts). */
  flags?: { settings: SettingTexts };
  /** The environment holding `INPUT_*` (the action passes process.env). */
  inputs?: Record<string, string | undefined>;
  /** For `${VAR}` and RUNNER_TEMP. */
  env: Record<string, string | undefined>;
  /** The process's working directory: flags' relative paths start here. */
  cwd: string;
}

export function loadConfig(options: LoadOptions): Config {
  const processCwd = path.resolve(options.cwd);
  const fronts = readFrontEnds(options, processCwd);
  const problems: Problem[] = fronts.flatMap((front) => front.problems);
  const override = fronts.reduce<ServiceSettings>(
    (acc, front) => mergeSettings(acc, front.service),
    {},
  );
  // A missing port is named as the front end that speaks last would name it.
  const vocabulary = fronts[fronts.length - 1]?.vocabulary ?? 'input';

  const configPath = locateConfigFile(fronts, override, processCwd, problems);
  const file = configPath === null ? null : loadFile(configPath, options.env, problems);

  const plan = resolveServices({
    fileServices: file?.settings.services ?? null,
    fileUnreadable: configPath !== null && file === null,
    override,
    given: new Map(fronts.flatMap((front) => [...front.given])),
    vocabulary,
    processCwd,
    env: options.env,
  });
  problems.push(...plan.problems);

  const reportDir =
    [...fronts].reverse().find((front) => front.run.reportDir !== undefined)?.run.reportDir ??
    file?.settings.reportDir ??
    SETTINGS.reportDir.default({ cwd: processCwd, env: options.env });
  const secrets = [...new Set(file?.secrets ?? [])].filter((secret) => secret !== '');

  if (problems.length > 0)
    throw new UsageError([...new Set(problems.map((problem) => formatProblem(problem, secrets)))]);
  const references = file?.references ?? [];
  return {
    services: plan.services,
    reportDir,
    secrets,
    configPath,
    ...(references.length > 0 ? { references } : {}),
  };
}

/** Inputs, then flags: the order in which they override. */
function readFrontEnds(options: LoadOptions, processCwd: string): TextSettings[] {
  const fronts: TextSettings[] = [];
  if (options.inputs !== undefined)
    fronts.push(readTextSettings(readActionInputs(options.inputs), 'input', processCwd));
  if (options.flags !== undefined)
    fronts.push(readTextSettings(options.flags.settings, 'flag', processCwd));
  return fronts;
}

/**
 * The named file (relative to the process cwd), else `.single-listener.yml` in the working
 * directory when present. A named file that does not exist is a problem.
 */
function locateConfigFile(
  fronts: TextSettings[],
  override: ServiceSettings,
  processCwd: string,
  problems: Problem[],
): string | null {
  const naming = [...fronts].reverse().find((front) => front.run.config !== undefined);
  if (naming?.run.config === undefined) {
    const usual = SETTINGS.config.default();
    const candidate = path.join(override.cwd ?? processCwd, usual);
    return existsSync(candidate) ? candidate : null;
  }
  const file = naming.run.config;
  if (!existsSync(file)) {
    problems.push({
      field: settingName('config', naming.vocabulary),
      reason: 'config file not found',
      value: file,
    });
    return null;
  }
  return file;
}

/** Read, interpolate and validate the file; null when it cannot be read or parsed at all. */
function loadFile(
  configPath: string,
  env: Record<string, string | undefined>,
  problems: Problem[],
): { settings: FileSettings; secrets: string[]; references: SecretReference[] } | null {
  const read = readConfigFile(configPath);
  if (!read.ok) {
    problems.push(...read.problems);
    return null;
  }
  const interpolated = interpolate(read.data, env);
  const settings = readFileSettings(interpolated.value, path.dirname(configPath));
  // A field whose variable is missing is reported once, for the variable, not again for the
  // `${VAR}` text left in its place.
  const unresolved = new Set(interpolated.problems.map((problem) => problem.field));
  problems.push(
    ...interpolated.problems,
    ...settings.problems.filter((problem) => !unresolved.has(problem.field)),
  );
  return {
    settings,
    secrets: [
      ...substitutedSecrets(interpolated.substitutions),
      ...requestHeaderValues(interpolated.value),
    ],
    references: secretReferences(interpolated.substitutions),
  };
}
