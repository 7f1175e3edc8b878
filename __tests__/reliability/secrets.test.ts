// Secrets given as inputs (tokens, header values, URL credentials) never reach anything a person or a later
// step can read: the raw log before the runner masks it (only the ::add-mask:: line itself carries it), stderr,
// the job summary, outputs, saved state and env files, reports, and every file the run left in its folders.
// Each action runs twice per secret input: once succeeding, and once failing with debug logging on, since
// error paths and debug lines are where secrets leak. Then tokens are planted where URLs and headers carry
// them (URL userinfo, sensitive query parameters, request headers) in every action that takes a URL, and the
// scan adds the records: the file ledger (a workspace file) and the fake GitHub's stored deployments and
// statuses.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ActionRun } from '../../src/runner/runner.js';
import { FAKE_PROJECT, startFakeGoogleMonitoring } from '../fakes/google-monitoring/index.js';
import { side } from '../fakes/metrics-service.js';
import { ACTIONS, type ActionCase, type World } from './actions.js';
import { measure } from './record.js';

/** The repository every GitHub world of actions.ts records to. */
const GITHUB_REPOSITORY = 'octo/app';

const worlds: World[] = [];
const workDirs: string[] = [];
afterEach(async () => {
  for (const world of worlds.splice(0)) await world.close();
  for (const dir of workDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
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
  // What the fake GitHub keeps: deployments with their payloads and statuses (environment and log URLs).
  if (world.gh)
    places.set(
      'GitHub deployments and statuses',
      JSON.stringify(world.gh.store.repo(GITHUB_REPOSITORY).deployments),
    );
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

type Plant = (secret: string, world: World) => Record<string, string>;

async function runWithSecret(action: ActionCase, input: string, mode: Mode, plant?: Plant) {
  const world = await action.world();
  worlds.push(world);
  const secret = `s3cr3t-${action.name}-${input}-${Math.random().toString(36).slice(2, 10)}`.replace(
    /[^\w-]/g,
    '-',
  );
  const secretInputs = (plant ?? action.secretInputs[input]!)(secret, world);
  if (world.gh && input === 'token') world.gh.addToken(secret);
  const raw = { stdout: '', stderr: '' };
  const failing = mode !== 'succeeding';
  if (failing && world.gh) world.gh.faults.serverError('*', { status: 502, times: Number.POSITIVE_INFINITY });
  if (failing && world.app) world.app.set({ status: 401 });
  const extraInputs: Record<string, string> = {
    // A deploy command that prints its whole environment: the token must not be in it. Failing, it exits 3,
    // so a run on the file ledger (no API to fault) fails too.
    ...(action.shellInputs.includes('command')
      ? { command: failing ? 'env; exit 3' : 'env; echo done' }
      : {}),
    ...(failing && world.app ? { 'wait-timeout': '300ms', 'junit-path': 'junit.xml' } : {}),
  };
  const run = await world.run(
    { ...extraInputs, ...secretInputs },
    {
      env: failing ? { RUNNER_DEBUG: '1' } : {},
      // The run's folder (RUNNER_TEMP, command files) is scanned afterwards; it is removed in afterEach.
      keepWorkDir: true,
      onOutput: (text, stream) => {
        raw[stream] += text;
      },
    },
  );
  workDirs.push(run.workDir);
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

/** A URL on the world's test app (or an address nothing listens on), with a path and query. */
function appUrl(world: World, path: string): string {
  return world.app ? `${world.app.url}${path}` : `http://127.0.0.1:9${path}`;
}

/** Tokens planted where URLs and headers carry them, per action: userinfo, query strings, headers. */
const PLANTED: Record<string, Record<string, Plant>> = {
  'smoke-test': {
    'url userinfo': (secret, world) => ({
      url: appUrl(world, '/health').replace('://', `://deployer:${secret}@`),
    }),
    'url query (access_token, X-Amz-Signature)': (secret, world) => ({
      url: appUrl(world, `/health?page=1&access_token=${secret}&X-Amz-Signature=${secret}`),
    }),
    'url query (sig), several URLs': (secret, world) => ({
      url: `${appUrl(world, '/health')}\n${appUrl(world, `/version?sig=${secret}&sv=2024`)}`,
    }),
    headers: (secret) => ({ headers: `Authorization: Bearer ${secret}\nX-Api-Key: ${secret}` }),
  },
  'deploy-env': {
    'url userinfo': (secret) => ({ url: `https://deployer:${secret}@app.example.com/` }),
    'url query (token)': (secret) => ({ url: `https://app.example.com/?lang=en&token=${secret}` }),
    'url userinfo and query, file ledger': (secret) => ({
      url: `https://deployer:${secret}@app.example.com/?password=${secret}`,
      ledger: 'file:.deploy-kit/ledger.json',
    }),
  },
  rollback: {
    'url userinfo': (secret) => ({ url: `https://deployer:${secret}@app.example.com/` }),
    'url query (api_key)': (secret) => ({ url: `https://app.example.com/?api_key=${secret}` }),
  },
  'canary-promote': {
    'canary-url query (sig)': (secret, world) => ({ 'canary-url': appUrl(world, `/?sig=${secret}`) }),
    'control-url query (access_token)': (secret, world) => ({
      'control-url': appUrl(world, `/health?access_token=${secret}`),
    }),
  },
  watch: {
    'json-url query (access_token)': (secret, world) => ({
      'json-url': `${world.inputs['json-url']}?access_token=${secret}`,
    }),
  },
  release: {
    'url userinfo and query': (secret) => ({
      url: `https://deployer:${secret}@app.example.com/?code=${secret}`,
    }),
    'smoke-url query (token)': (secret, world) => ({
      'smoke-url': `${world.inputs['smoke-url']}?token=${secret}`,
    }),
  },
};

const plantedCells = ACTIONS.flatMap((action) =>
  Object.entries(PLANTED[action.name] ?? {}).flatMap(([where, plant]) =>
    (['succeeding', 'failing, with debug logging'] as const).map(
      (mode) => [action.name, where, mode, action, plant] as const,
    ),
  ),
);

describe('secrets planted in URLs and headers', () => {
  it('covers every action that takes a URL', () => {
    expect(Object.keys(PLANTED).every((name) => ACTIONS.some((action) => action.name === name))).toBe(true);
  });

  it.each(plantedCells)(
    '%s: a token in the %s never reaches a log, output, report or record, %s',
    async (_name, where, mode, action, plant) => {
      const { world, run, raw, secret } = await runWithSecret(action, where, mode, plant);
      const expected = mode === 'succeeding' ? 'success' : 'failure';
      expect(run.conclusion, run.main.stdout).toBe(expected);
      // Registered with the runner's masking the moment the input was read.
      expect(run.masks.some((mask) => mask.includes(secret))).toBe(true);
      const places = everythingCaptured(run, raw, world);
      expect(leaks(places, secret)).toEqual([]);
      measure({
        concern: 'secrets',
        action: action.name,
        what: `planted in ${where}, ${mode}`,
        count: places.size,
        survived: places.size,
        runs: 1,
        note: 'places scanned',
      });
    },
  );
});

// A secret no input carries: the access token google-auth-library issues at run time from a credentials file
// (as google-github-actions/auth leaves it). The source masks it the moment it has it, through the mask the
// action injects (core.setSecret); it must reach no log, output, summary or record, with debug logging on.
describe('secrets a metric source obtains at run time', () => {
  it('watch: the access token issued for Google Cloud Monitoring is masked and never leaks', async () => {
    const fake = await startFakeGoogleMonitoring();
    try {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const email = 'watcher@shop-prod-4711.iam.gserviceaccount.com';
      fake.trustServiceAccount(email, publicKey.export({ type: 'spki', format: 'pem' }).toString());
      const credentials = join(mkdtempSync(join(tmpdir(), 'gcp-creds-')), 'credentials.json');
      writeFileSync(
        credentials,
        JSON.stringify({
          type: 'service_account',
          project_id: FAKE_PROJECT,
          private_key_id: 'k1',
          private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
          client_email: email,
          client_id: '1',
          token_uri: 'https://oauth2.googleapis.com/token',
        }),
      );
      fake.traffic = { baseline: side(3000, 5, 20, 200), canary: side(3000, 240, 20, 200) };
      const world = await ACTIONS.find((a) => a.name === 'watch')!.world();
      worlds.push(world);
      const count = `metric.type="loadbalancing.googleapis.com/https/request_count" AND resource.labels.backend_name="shop-{{side}}"`;
      const raw = { stdout: '', stderr: '' };
      const run = await world.run(
        {
          metrics: 'google-monitoring',
          'google-monitoring-config': [
            `project: ${FAKE_PROJECT}`,
            `endpoint: ${fake.url}`,
            'delay: 0s',
            `requests: '${count}'`,
            `errors: '${count} AND metric.labels.response_code_class=500'`,
          ].join('\n'),
        },
        {
          env: { GOOGLE_APPLICATION_CREDENTIALS: credentials, RUNNER_DEBUG: '1' },
          keepWorkDir: true,
          onOutput: (text, stream) => {
            raw[stream] += text;
          },
        },
      );
      workDirs.push(run.workDir);
      expect(run.conclusion, run.main.stdout).toBe('success');
      expect(run.outputs.status, run.main.stdout).toBe('rolled-back');
      const tokens = [
        ...new Set(fake.calls.map((call) => String(call.headers.authorization).replace(/^Bearer /, ''))),
      ];
      expect(tokens.length).toBeGreaterThan(0);
      const places = everythingCaptured(run, raw, world);
      for (const token of tokens) {
        expect(token.length).toBeGreaterThan(100);
        expect(run.masks).toContain(token);
        expect(leaks(places, token)).toEqual([]);
      }
      expect(fake.mismatches).toEqual([]);
      measure({
        concern: 'secrets',
        action: 'watch',
        what: 'a Google access token issued at run time, with debug logging',
        count: places.size,
        survived: places.size,
        runs: 1,
        note: 'places scanned',
      });
    } finally {
      await fake.close();
    }
  });
});
