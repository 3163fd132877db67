/**
 * What actionlint does not check in action metadata: the inputs and outputs are exactly the
 * program's, each input reaches the step as INPUT_<NAME>, no expression sits inside a `run:`
 * script, every run step names its shell, and every output comes from an existing step.
 */
import { OUTPUT_NAMES } from '../../src/action/outputs.js';
import { ACTION_INPUT_NAMES, inputEnvName } from '../../src/config/text-settings.js';
import { assertRunnable, readAction } from './harness.js';

const ACTIONS = ['action.yml', 'stop/action.yml'];

describe.each(ACTIONS)('%s', (file) => {
  const action = readAction(file);

  test('is a composite action with a name, a description and branding', () => {
    expect(action.runs.using).toBe('composite');
    expect(action.name).toMatch(/^single-listener-check/);
    expect(action.description.length).toBeGreaterThan(20);
    expect(action.branding).toEqual({ icon: expect.any(String), color: expect.any(String) });
  });

  test('no ${{ }} inside run:, a shell on every run step (the harness refuses otherwise)', () => {
    expect(() => assertRunnable(action, file)).not.toThrow();
    for (const step of action.runs.steps) {
      expect(step.run).not.toContain('${{');
      expect(step.shell).toBe('bash');
    }
  });

  test('inputs have a description saying their default, and no default: that would override the config file', () => {
    for (const [name, input] of Object.entries(action.inputs ?? {})) {
      expect([name, input.default]).toEqual([name, undefined]);
      expect([name, input.description]).toEqual([name, expect.stringMatching(/\. Default: \S/)]);
    }
  });

  test('every output value is one output of an existing step', () => {
    const ids = new Set(action.runs.steps.map((step) => step.id));
    for (const [name, output] of Object.entries(action.outputs ?? {})) {
      const match = /^\$\{\{ steps\.([\w-]+)\.outputs\.([\w-]+) \}\}$/.exec(output.value);
      expect([name, match?.[1] !== undefined && ids.has(match[1])]).toEqual([name, true]);
    }
  });
});

describe('action.yml', () => {
  const action = readAction('action.yml');
  const [step] = action.runs.steps;

  test("declares exactly the program's inputs, in the same order", () => {
    expect(Object.keys(action.inputs ?? {})).toEqual(ACTION_INPUT_NAMES);
  });

  test('passes every input to its one step as INPUT_<NAME>, and nothing else', () => {
    expect(action.runs.steps).toHaveLength(1);
    expect(step!.env).toEqual(
      Object.fromEntries(
        ACTION_INPUT_NAMES.map((name) => [inputEnvName(name), `\${{ inputs.${name} }}`]),
      ),
    );
  });

  test("declares exactly the program's outputs, each the step's output of the same name", () => {
    expect(Object.keys(action.outputs ?? {})).toEqual([...OUTPUT_NAMES]);
    for (const [name, output] of Object.entries(action.outputs ?? {}))
      expect(output.value).toBe(`\${{ steps.${step!.id}.outputs.${name} }}`);
  });

  test('runs the bundled program from the action folder', () => {
    expect(step!.run).toMatch(/\nexec node "\$GITHUB_ACTION_PATH\/dist\/index\.js"\n$/);
  });
});

describe('stop/action.yml', () => {
  const action = readAction('stop/action.yml');

  test('takes report-dir, passed through env, to the bundled CLI stop command', () => {
    expect(Object.keys(action.inputs ?? {})).toEqual(['report-dir']);
    const [step] = action.runs.steps;
    expect(step!.env).toEqual({ REPORT_DIR: '${{ inputs.report-dir }}' });
    expect(step!.run).toContain(
      'node "$GITHUB_ACTION_PATH/../dist/cli.js" stop --report-dir "$REPORT_DIR"',
    );
  });
});
