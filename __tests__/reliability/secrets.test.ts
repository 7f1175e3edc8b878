// Secrets given as inputs (tokens, header values, URL credentials) never reach anything a person or a later
// step can read: the raw log before the runner masks it (only the ::add-mask:: line itself carries it), stderr,
// the job summary, outputs, saved state and env files, reports, and every file the run left in its folders.
// Each action runs twice per secret input: once succeeding, and once failing with debug logging on, since
// error paths and debug lines are where secrets leak.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ActionRun } from '../../src/runner/runner.js';
import { ACTIONS, type ActionCase, type World } from './actions.js';
import { measure } from './record.js';

const worlds: World[] = [];
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.close();
});

function filesUnder(dir: string, found: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== '.git') filesUnder(path, found);
    } else if (entry.isFile() && statSync(path).size < 5_000_000) found.push(path);
  }
  return found;
}

/** Everything a run left that someone could read, by where it was found. */
function everythingCaptured(
  run: ActionRun,
  raw: Record<'stdout' | 'stderr', string>,
  world: World,
): Map<string, string> {
  const places = new Map<string, string>();
  // The raw log, before the runner's masking: the mask command itself is the one line allowed the secret.
  places.set(
    'log',
    raw.stdout
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n'),
  );
  places.set('stderr', raw.stderr);
  places.set('summary', [run.main.summary, run.post?.summary ?? ''].join('\n'));
  places.set('outputs', JSON.stringify(run.outputs));
  places.set('state', JSON.stringify(run.main.state));
  places.set('env file', JSON.stringify(run.main.env));
  places.set('annotations', JSON.stringify(run.annotations));
  for (const dir of [run.workDir, world.workspace]) {
    for (const file of filesUnder(dir)) {
      // The runner's own copy of the inputs is not the action's doing.
      if (file.endsWith('event.json')) continue;
      places.set(file, readFileSync(file, 'utf8'));
    }
  }
  return places;
}

/** The forms a secret travels in: as given, URL-encoded, and as Basic credentials. */
function formsOf(secret: string): string[] {
  return [
    ...new Set([secret, encodeURIComponent(secret), Buffer.from(`deployer:${secret}`).toString('base64')]),
  ];
}

function leaks(places: Map<string, string>, secret: string): string[] {
  const found: string[] = [];
  for (const [where, text] of places) {
    for (const form of formsOf(secret))
      if (text.includes(form)) found.push(`${where} (${form === secret ? 'as given' : 'encoded'})`);
  }
  return found;
}

type Mode = 'succeeding' | 'failing, with debug logging';

async function runWithSecret(action: ActionCase, input: string, mode: Mode) {
  const world = await action.world();
  worlds.push(world);
  const secret = `s3cr3t-${action.name}-${input}-${Math.random().toString(36).slice(2, 10)}`;
  const secretInputs = action.secretInputs[input]!(secret, world);
  if (world.gh && input === 'token') world.gh.addToken(secret);
  const raw = { stdout: '', stderr: '' };
  const failing = mode !== 'succeeding';
  if (failing && world.gh) world.gh.faults.serverError('*', { status: 502, times: Number.POSITIVE_INFINITY });
  if (failing && world.app) world.app.set({ status: 401 });
  const extraInputs: Record<string, string> = {
    // A deploy command that prints its whole environment: the token must not be in it.
    ...(action.shellInputs.includes('command') ? { command: 'env; echo done' } : {}),
    ...(failing && world.app ? { 'wait-timeout': '300ms', 'junit-path': 'junit.xml' } : {}),
  };
  const run = await world.run(
    { ...extraInputs, ...secretInputs },
    {
      env: failing ? { RUNNER_DEBUG: '1' } : {},
      onOutput: (text, stream) => {
        raw[stream] += text;
      },
    },
  );
  return { world, run, raw, secret };
}

const cells = ACTIONS.flatMap((action) =>
  Object.keys(action.secretInputs).flatMap((input) =>
    (['succeeding', 'failing, with debug logging'] as const).map(
      (mode) => [action.name, input, mode, action] as const,
    ),
  ),
);

describe('secrets', () => {
  it.each(cells)('%s %s never leaks, %s', async (_name, input, mode, action) => {
    const { world, run, raw, secret } = await runWithSecret(action, input, mode);
    expect(run.conclusion, run.main.stdout).toBe(mode === 'succeeding' ? 'success' : 'failure');
    // It was masked the moment it was read, so the runner hides it even where the action slips.
    expect(run.masks.some((mask) => mask.includes(secret))).toBe(true);
    const places = everythingCaptured(run, raw, world);
    expect(leaks(places, secret)).toEqual([]);
    measure({
      concern: 'secrets',
      action: action.name,
      what: `${input}, ${mode}`,
      count: places.size,
      survived: places.size,
      runs: 1,
      note: 'places scanned',
    });
  });

  it('the scan finds a secret that is there (so an empty result means something)', () => {
    const places = new Map([
      ['log', 'token is abc-123 here'],
      ['summary', `auth ${Buffer.from('deployer:xyz-9').toString('base64')}`],
    ]);
    expect(leaks(places, 'abc-123')).toEqual(['log (as given)']);
    expect(leaks(places, 'xyz-9')).toEqual(['summary (encoded)']);
  });
});
