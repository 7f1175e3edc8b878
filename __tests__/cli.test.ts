// The command line: the package's bin runs the bundled CLI, which runs the bundled action through the runner.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionHelp, parseArgs } from '../src/cli.js';
import { readManifest } from '../src/runner/manifest.js';
import { startTestApp, type TestApp } from './fakes/test-app.js';
import { repoRoot } from './helpers/repo.js';

const exec = promisify(execFile);
const bin = join(repoRoot, 'bin/deploy-kit.js');

async function cli(
  args: string[],
  cwd = repoRoot,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [bin, ...args], { cwd, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('parseArgs', () => {
  it('reads --name value and --name=value, and joins a repeated input into lines', () => {
    expect(parseArgs(['smoke-test', '--url', 'a', '--url=b', '--samples', '5', '--json'])).toEqual({
      action: 'smoke-test',
      inputs: { url: 'a\nb', samples: '5' },
      help: false,
      json: true,
      quiet: false,
    });
  });

  it('refuses a flag without a value', () => {
    expect(() => parseArgs(['smoke-test', '--url'])).toThrow('--url needs a value');
  });
});

describe('actionHelp', () => {
  it('is generated from action.yml', () => {
    const help = actionHelp(readManifest(join(repoRoot, 'smoke-test')), 'smoke-test');
    expect(help).toContain('--latency-p95 <value>');
    expect(help).toContain('(default: 2xx)');
    expect(help).toContain('failed-checks: JSON array');
  });
});

describe('deploy-kit (the bin)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ version: 'v7' });
  });
  afterAll(() => app.close());

  it('lists the actions', async () => {
    const result = await cli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Actions: ');
    expect(result.stdout).toContain('smoke-test');
  });

  it('refuses an unknown action and an unknown input with exit code 2', async () => {
    expect((await cli(['smoke-tset'])).stderr).toContain("unknown action 'smoke-tset'");
    const unknown = await cli(['smoke-test', '--ulr', 'x']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown input --ulr');
  });

  it('runs smoke-test, prints the log, the summary and the outputs, and exits 0', async () => {
    const result = await cli(['smoke-test', '--url', `${app.url}/health`, '--samples', '5']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`▸ GET ${app.url}/health`);
    expect(result.stdout).toContain('Smoke test passed');
    expect(result.stdout).toContain('  passed: true');
  });

  it('refuses a zero or negative duration with the accepted range, before any request', async () => {
    const before = app.requests;
    for (const [value, why] of [
      ['0s', "'request-timeout' must be a duration from 1 ms to 1 h, got '0s'"],
      [
        '-5s',
        "'request-timeout' must be a duration like 200ms or 1.5s, got '-5s' (a duration cannot be negative)",
      ],
    ] as const) {
      const result = await cli(['smoke-test', '--url', `${app.url}/health`, '--request-timeout', value]);
      expect(result.code, value).toBe(1);
      expect(result.stdout).toContain(`smoke-test: ${why}`);
    }
    const wait = await cli(['smoke-test', '--url', `${app.url}/health`, '--wait-timeout', '0ms']);
    expect(wait.code).toBe(1);
    expect(wait.stdout).toContain("'wait-timeout' must be a duration from 1 ms to 24 h, got '0ms'");
    expect(app.requests).toBe(before);
  });

  it('leaves no deploy-kit-run-* folder behind, whether the action passes or fails', async () => {
    const temp = mkdtempSync(join(tmpdir(), 'cli-tmpdir-'));
    const env = { ...process.env, TMPDIR: temp };
    expect((await cli(['smoke-test', '--url', `${app.url}/health`], repoRoot, env)).code).toBe(0);
    expect(
      (await cli(['smoke-test', '--url', `${app.url}/status/503`, '--wait-timeout', '200ms'], repoRoot, env))
        .code,
    ).toBe(1);
    expect(readdirSync(temp).filter((name) => name.startsWith('deploy-kit-run-'))).toEqual([]);
  });

  it('prints outputs as JSON with --json and exits with the action code on failure', async () => {
    const result = await cli([
      'smoke-test',
      '--url',
      `${app.url}/status/503`,
      '--wait-timeout',
      '1s',
      '--json',
    ]);
    expect(result.code).toBe(1);
    const parsed = JSON.parse(result.stdout);
    expect(parsed.conclusion).toBe('failure');
    expect(parsed.outputs.passed).toBe('false');
  });

  it('runs the root action as `deploy-kit release`, and `deploy-kit status` then shows it live', async () => {
    const help = await cli(['release', '--help']);
    expect(help.stdout).toContain('--smoke-latency-p95 <value>');
    const workspace = mkdtempSync(join(tmpdir(), 'cli-release-'));
    const ledger = `file:${join(workspace, 'ledger.json')}`;
    const release = await cli(
      [
        'release',
        '--environment',
        'staging',
        '--version',
        'v7',
        '--ref',
        'a'.repeat(40),
        '--command',
        'echo "deploying $DEPLOY_KIT_VERSION"',
        '--smoke-url',
        `${app.url}/health`,
        '--smoke-samples',
        '5',
        '--ledger',
        ledger,
        '--json',
      ],
      workspace,
    );
    expect(release.code).toBe(0);
    expect(JSON.parse(release.stdout).outputs).toMatchObject({ result: 'released', version: 'v7' });
    const status = await cli(['status', '--ledger', ledger], workspace);
    expect(status.stdout).toMatch(/^staging\n {2}live: v7 \(aaaaaaa\)/m);
  });

  it('runs `deploy-kit watch`: the live release probed against limits, healthy, nothing changed', async () => {
    const help = await cli(['watch', '--help']);
    expect(help.stdout).toContain('--window <value> (default: 24h)');
    const workspace = mkdtempSync(join(tmpdir(), 'cli-watch-'));
    const ledger = `file:${join(workspace, 'ledger.json')}`;
    for (const version of ['v6', 'v7']) {
      const deployed = await cli(
        [
          'deploy-env',
          '--environment',
          'production',
          '--version',
          version,
          '--ref',
          'a'.repeat(40),
          '--command',
          'true',
          '--ledger',
          ledger,
        ],
        workspace,
      );
      expect(deployed.code).toBe(0);
    }
    const before = readFileSync(join(workspace, 'ledger.json'), 'utf8');
    const watched = await cli(
      [
        'watch',
        '--environment',
        'production',
        '--ledger',
        ledger,
        '--metrics',
        'probe',
        '--canary-url',
        `${app.url}/health`,
        '--compare',
        'limits',
        '--max-error-rate',
        '1%',
        '--latency-p95',
        '2s',
        '--json',
      ],
      workspace,
    );
    expect(watched.code).toBe(0);
    expect(JSON.parse(watched.stdout).outputs).toMatchObject({
      status: 'healthy',
      verdict: 'pass',
      version: 'v7',
      'previous-version': 'v6',
      'rolled-back': 'false',
    });
    expect(readFileSync(join(workspace, 'ledger.json'), 'utf8')).toBe(before);
  });

  it('cancels on Ctrl-C as GitHub cancels a job: the canary goes back to 0 and the rollout is recorded cancelled', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'cli-cancel-'));
    const weightsFile = join(workspace, 'weights.txt');
    const child = spawn(
      process.execPath,
      [
        bin,
        'canary-promote',
        ...['--environment', 'staging', '--baseline-version', 'v1', '--canary-version', 'v2'],
        ...['--router', 'command', '--router-command', 'echo "$DEPLOY_KIT_CANARY_WEIGHT" >> weights.txt'],
        ...['--baseline-url', `${app.url}/health`, '--canary-url', `${app.url}/health`],
        ...['--steps', '10,50,100', '--hold', '1m', '--interval', '200ms', '--probe-requests', '5'],
      ],
      { cwd: workspace, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    child.stdout.resume();
    const exited = once(child, 'exit');
    // Ctrl-C once the canary holds traffic.
    for (let i = 0; i < 200 && !existsSync(weightsFile); i++) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const [code] = await exited;
    expect(code).toBe(130);
    expect(stderr).toContain('deploy-kit: SIGINT: cancelling canary-promote as GitHub cancels a job');
    expect(readFileSync(weightsFile, 'utf8').trim().split('\n')).toEqual(['10', '0']);
    const state = JSON.parse(readFileSync(join(workspace, '.deploy-kit/canary-state.json'), 'utf8'));
    expect(state.rollouts['canary-staging-v2']).toMatchObject({ status: 'cancelled', weight: 0 });
  });
});
