// Hostile values, generated with fast-check, in every input of every action (read from action.yml): shell
// metacharacters, `$(…)` and backticks, git option look-alikes, newlines with workflow commands and output
// lines, huge and unicode values. Nothing may run (a canary file must never appear), nothing may forge an
// output or a workflow command, a refusal must be a clear error naming the input, and no stack trace may
// reach the user. The bulk goes through each action's own parser in-process; a sample of every input goes
// through the built bundle as the runner runs it. (NUL is left out: no environment variable can carry it,
// so no runner can hand one to an action.)
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFailure } from '../../src/actions/kit/run.js';
import { InputError } from '../../src/common/input-error.js';
import { evaluateDefault } from '../../src/runner/manifest.js';
import type { ActionRun } from '../../src/runner/runner.js';
import { ACTIONS, type ActionCase, everythingShown, STACK_LINE, type World } from './actions.js';
import { measure } from './record.js';

const scratch = mkdtempSync(join(tmpdir(), 'reliability-hostile-'));
const canary = join(scratch, 'canary');
const NONCE = 'FORGED7f3a';

/** What an attacker puts in a value to run something: each must stay data. */
const SHELL_ATTACKS = [
  `$(touch ${canary})`,
  `\`touch ${canary}\``,
  `; touch ${canary}`,
  `&& touch ${canary} #`,
  `| touch ${canary}`,
  `\ntouch ${canary}`,
  `' ; touch ${canary} ; '`,
  `" ; touch ${canary} ; "`,
  `--output=${canary}`,
  `-o${canary}`,
];
/** …and to forge an output, a state, an annotation or a mask: each must stay text. */
const FORGE_ATTACKS = [
  `\n::error::${NONCE} error`,
  `\n::warning::${NONCE} warning`,
  `\n::add-mask::${NONCE}`,
  `\n::set-output name=result::${NONCE}`,
  `\n::save-state name=deployment-id::${NONCE}`,
  `\nresult=${NONCE}`,
  `\nresult<<EOF\n${NONCE}\nEOF`,
  `\n::stop-commands::${NONCE}`,
  '%0A::error::%0A',
  '${{ github.token }}',
];
const HUGE = 'x'.repeat(100_000);

function hostileValue(attacks: string[], sizes: string[]) {
  return fc
    .record({
      lead: fc.constantFrom('', 'v1', 'production', 'https://example.com/a', '1.0.0', '200'),
      attack: fc.constantFrom(...attacks),
      tail: fc.string({ unit: 'grapheme', maxLength: 6 }),
      size: fc.constantFrom(...sizes),
    })
    .map(({ lead, attack, tail, size }) =>
      size === 'huge'
        ? `${lead}${attack}${HUGE}`
        : size === 'unicode'
          ? `${lead}🚀\u202e\u001b[31m${attack}\u0007${tail}`
          : `${lead}${attack}${tail}`,
    );
}
const ALL_SIZES = ['small', 'small', 'small', 'huge', 'unicode'];
const hostile = hostileValue([...SHELL_ATTACKS, ...FORGE_ATTACKS], ALL_SIZES);
/** Every attack of a kind in one value, shuffled, so one bundle run tries them all. */
function allOf(attacks: string[]) {
  return fc
    .record({
      lead: fc.constantFrom('', 'v1', 'production', '1.0.0'),
      order: fc.shuffledSubarray(attacks, { minLength: attacks.length }),
      tail: fc.string({ unit: 'grapheme', maxLength: 6 }),
    })
    .map(({ lead, order, tail }) => `${lead}${order.join(' ')}${tail}`);
}
const shellValue = allOf(SHELL_ATTACKS);
const forgeValue = allOf(FORGE_ATTACKS);

/** The bound a refusal's message keeps to: a huge value is named, not echoed. */
const MAX_MESSAGE = 2000;

function defaultsOf(action: ActionCase, token: string): Record<string, string> {
  const context = { 'github.token': token };
  return Object.fromEntries(
    Object.entries(action.defaults).map(([k, v]) => [k, evaluateDefault(v, context)]),
  );
}

/** Runs a parser with stdout captured: whatever it writes must not carry a forged command. */
async function parseCapturing(
  action: ActionCase,
  values: Record<string, string>,
  env: NodeJS.ProcessEnv,
): Promise<{ error?: unknown; written: string }> {
  const write = process.stdout.write;
  let written = '';
  process.stdout.write = ((chunk: string | Uint8Array) => {
    written += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    await action.parseInputs((name) => (values[name] ?? '').trim(), env);
    return { written };
  } catch (error) {
    return { error, written };
  } finally {
    process.stdout.write = write;
  }
}

/**
 * Workflow command lines the attacker wrote: forged, unless it is the mask of a whole value given
 * (a hostile token is still a token, and masking it is right).
 */
function forgedLines(text: string, given: string[] = []): string[] {
  const unescapeData = (v: string) => v.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
  const masksOfGiven = new Set(given.map((v) => v.trim()));
  return text.split(/\r?\n/).filter((line) => {
    // The attacks put the marker right after a command's `::name props::`: there, it is a command's data.
    if (!new RegExp(`^::[a-z-]+(?: [^:]*)?::${NONCE}`).test(line)) return false;
    if (line.startsWith('::add-mask::'))
      return !masksOfGiven.has(unescapeData(line.slice('::add-mask::'.length)));
    return true;
  });
}

describe('hostile input through the parsers', () => {
  const env: NodeJS.ProcessEnv = {
    GITHUB_WORKSPACE: scratch,
    GITHUB_REPOSITORY: 'octo/app',
    GITHUB_SHA: 'a'.repeat(40),
    GITHUB_REF: 'refs/heads/main',
    RUNNER_TEMP: scratch,
    PATH: process.env.PATH,
  };
  const RUNS_PER_INPUT = 40;

  it.each(ACTIONS.flatMap((a) => a.inputs.map((input) => [a.name, input, a] as const)))(
    '%s %s',
    async (_name, input, action) => {
      let tried = 0;
      let refused = 0;
      await fc.assert(
        fc.asyncProperty(hostile, async (value) => {
          tried += 1;
          const values = { ...defaultsOf(action, 'ghs_parser_token'), ...action.plainInputs, [input]: value };
          const { error, written } = await parseCapturing(action, values, env);
          expect(existsSync(canary)).toBe(false);
          expect(forgedLines(written, [value])).toEqual([]);
          if (error === undefined) return;
          refused += 1;
          // A refusal is the user's to fix: an InputError naming an input, short, whatever the value.
          expect(error, String(error)).toBeInstanceOf(InputError);
          // What the user sees: the message as the kit's run wrapper presents it.
          const message = describeFailure(action.name, error);
          expect(message.length, message.slice(0, 200)).toBeLessThanOrEqual(MAX_MESSAGE);
          expect(message).toContain((error as InputError).input.replace(/\[.*$/, ''));
        }),
        { numRuns: RUNS_PER_INPUT, seed: 20261201 + input.length },
      );
      measure({
        concern: 'hostile-input',
        action: action.name,
        what: `${input} (parser)`,
        count: tried,
        survived: tried,
        note: `${refused} refused`,
      });
    },
  );
});

/** Runs the bundle with the values, keeping the raw stdout of main and post (before the runner parses it). */
async function runRaw(
  world: World,
  inputs: Record<string, string>,
): Promise<{ run: ActionRun; raw: string }> {
  let raw = '';
  const run = await world.run(inputs, {
    onOutput: (text, stream) => {
      if (stream === 'stdout') raw += text;
    },
  });
  return { run, raw };
}

/** Judges one bundle run of hostile values: nothing ran, nothing forged, a clear message, no stack. */
function expectContained(
  action: ActionCase,
  run: ActionRun,
  inputs: string[],
  raw: string,
  given: string[],
): void {
  expect(existsSync(canary), `canary made by ${inputs.join(', ')}`).toBe(false);
  expect(forgedLines(raw, given)).toEqual([]);
  expect(Object.keys(run.outputs).filter((k) => !action.outputs.includes(k))).toEqual([]);
  expect(Object.values(run.outputs).filter((v) => v === NONCE)).toEqual([]);
  expect(run.annotations.filter((a) => a.message.startsWith(NONCE))).toEqual([]);
  expect(run.masks.filter((m) => m === NONCE)).toEqual([]);
  expect(
    Object.keys(run.main.state).every(
      (k) => ['isPost', 'deployment-id', 'finished'].includes(k) || !k.includes(NONCE),
    ),
  ).toBe(true);
  expect(run.main.state['deployment-id'] ?? '').not.toContain(NONCE);
  expect(Object.keys(run.main.env).filter((k) => k.includes(NONCE))).toEqual([]);
  expect(run.main.path.filter((p) => p.includes(NONCE))).toEqual([]);
  expect(everythingShown(run)).not.toMatch(STACK_LINE);
  if (run.conclusion === 'failure') {
    const last = run.annotations.filter((a) => a.level === 'error').at(-1)?.message ?? '';
    expect(last.startsWith(`${action.name}: `), last.slice(0, 300)).toBe(true);
    expect(last.length, last.slice(0, 300)).toBeLessThanOrEqual(MAX_MESSAGE);
  }
}

// Commands that take values only through the environment, and print none of them: what the command
// prints is the user's own business, so it must not muddy the judgement of what deploy-kit prints.
const QUIET_COMMAND = ': "$DEPLOY_KIT_VERSION" "$DEPLOY_KIT_REF" "$DEPLOY_KIT_URL" "$DEPLOY_KIT_ENVIRONMENT"';

describe.each(ACTIONS.map((a) => [a.name, a] as const))(
  'hostile input through the %s bundle',
  (_name, action) => {
    let world: World;
    const fuzzed = action.inputs.filter((i) => !action.shellInputs.includes(i));
    // Inputs with a known bug fail in their own cell (it.fails); the others are judged together without them.
    const known = (input: string) => action.knownInputBugs?.[input] !== undefined;
    const together = fuzzed.filter((i) => !known(i));
    const quiet: Record<string, string> = action.shellInputs.includes('command')
      ? { command: QUIET_COMMAND }
      : {};
    beforeAll(async () => {
      world = await action.world();
    });
    afterAll(async () => {
      await world.close();
      rmSync(canary, { force: true });
    });

    it('every input at once', async () => {
      const values = fc.sample(hostile, { numRuns: together.length, seed: 7 });
      const inputs = Object.fromEntries(together.map((name, i) => [name, values[i]!]));
      const { run, raw } = await runRaw(world, { ...quiet, ...inputs });
      expectContained(action, run, together, raw, Object.values(inputs));
      expect(run.conclusion).toBe('failure');
      measure({
        concern: 'hostile-input',
        action: action.name,
        what: 'every input at once (bundle)',
        count: together.length,
        survived: together.length,
        runs: 1,
      });
    });

    const cell = async (input: string) => {
      // Two values per input through the bundle, one with every way to run something and one with every way
      // to forge something; the parser test above tries many more shapes.
      const seed = input.length * 31 + action.name.length;
      const values = [
        ...fc.sample(shellValue, { numRuns: 1, seed }),
        ...fc.sample(forgeValue, { numRuns: 1, seed }),
      ];
      const bug = action.knownInputBugs?.[input];
      if (bug) {
        // Counted as not survived up front: the cell is expected to fail below.
        measure({
          concern: 'hostile-input',
          action: action.name,
          what: `${input} (bundle)`,
          count: SHELL_ATTACKS.length + FORGE_ATTACKS.length,
          survived: 0,
          runs: values.length,
          note: bug,
        });
      }
      for (const value of values) {
        const { run, raw } = await runRaw(world, { ...quiet, [input]: value });
        expectContained(action, run, [input], raw, [value]);
      }
      const tried = SHELL_ATTACKS.length + FORGE_ATTACKS.length;
      measure({
        concern: 'hostile-input',
        action: action.name,
        what: `${input} (bundle)`,
        count: tried,
        survived: tried,
        runs: values.length,
      });
    };
    it.each(together)('%s', cell);
    const knownBugs = fuzzed.filter(known);
    if (knownBugs.length > 0) it.fails.each(knownBugs)('%s (known bug, see knownInputBugs)', cell);
  },
);
