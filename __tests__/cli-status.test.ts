// `deploy-kit status` through the package's bin (the built CLI bundle), on ledgers written by the real
// deploy-env and rollback bundles: a file ledger, and GitHub Deployments on the fake GitHub.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunActionOptions, runAction } from '../src/runner/runner.js';
import { assertConformance, type FakeGitHub, startFakeGitHub } from './fakes/github/index.js';
import { nodeBinaries, repoRoot } from './helpers/repo.js';

const exec = promisify(execFile);
const bin = join(repoRoot, 'bin/deploy-kit.js');
const node = nodeBinaries().at(-1)!.path;
const SHA = {
  v1: '1111111111111111111111111111111111111111',
  v2: '2222222222222222222222222222222222222222',
  v3: '3333333333333333333333333333333333333333',
};

/** The environment of a terminal with no GitHub in it: nothing of the test runner's GITHUB_* leaks in. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(GITHUB_|INPUT_|RUNNER_)/.test(name)),
  );
  return { ...env, ...extra };
}

async function status(
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(node, [bin, 'status', ...args], {
      cwd: options.cwd,
      env: cleanEnv(options.env),
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('deploy-kit status on a file ledger written by deploy-env and rollback', () => {
  let workspace: string;
  const ledger = () => join(workspace, 'ledger.json');
  const run = (action: string, inputs: Record<string, string>) =>
    runAction({
      action: join(repoRoot, action),
      inputs: { ledger: `file:${ledger()}`, token: '', ...inputs },
      node,
      workspace,
      github: { actor: 'dana', runId: '77' },
    } as RunActionOptions);

  beforeAll(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'cli-status-file-'));
    const deploys: [string, keyof typeof SHA, Record<string, string>][] = [
      ['staging', 'v1', {}],
      ['production', 'v1', { url: 'https://app.example.com' }],
      ['staging', 'v2', {}],
      ['production', 'v2', { url: 'https://app.example.com' }],
      ['production', 'v3', { command: 'echo migrating; exit 3' }],
    ];
    for (const [environment, version, extra] of deploys) {
      const result = await run('deploy-env', { environment, version, ref: SHA[version], ...extra });
      expect(result.outputs.result).toBe(version === 'v3' ? 'failure' : 'success');
    }
    const back = await run('rollback', { environment: 'staging', reason: 'error rate 3%' });
    expect(back.outputs.result).toBe('success');
  }, 60_000);

  it('shows what is live in each environment and its history, as a table', async () => {
    const result = await status(['--ledger', `file:${ledger()}`], { cwd: workspace });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Ledger: file ledger ${ledger()}`);
    const [production, staging] = result.stdout.split(/\n(?=staging\n)/);
    expect(production).toMatch(/^production\n {2}live: v2 \(2222222\), since \d{4}-\d\d-\d\d \d\d:\d\d UTC/m);
    expect(production).toContain(', by dana');
    expect(production).toContain('https://app.example.com');
    expect(production).toMatch(/ID +WHAT +VERSION +COMMIT +STATE/);
    expect(production).toMatch(
      /\n {4}5 +deploy +v3 +3333333 +failure .*deploy command failed \(exit code 3\)/,
    );
    expect(production).toMatch(/\n {4}4 +deploy +v2 +2222222 +success/);
    expect(staging).toMatch(/^staging\n {2}live: v1 \(1111111\) \(a rollback from v2\)/);
    expect(staging).toMatch(/rollback +v1 +1111111 +success .*from v2: error rate 3%/);
  });

  it('answers in JSON, for one environment, with a history limit', async () => {
    const result = await status(
      ['--ledger', `file:${ledger()}`, '--environment', 'production', '--limit', '2', '--json'],
      { cwd: workspace },
    );
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout);
    expect(parsed.source).toEqual({ kind: 'file', path: ledger() });
    expect(parsed.environments.map((e: { environment: string }) => e.environment)).toEqual(['production']);
    const [production] = parsed.environments;
    expect(production.live).toMatchObject({ version: 'v2', sha: SHA.v2, kind: 'deploy', actor: 'dana' });
    expect(production.history.map((h: { version: string }) => h.version)).toEqual(['v3', 'v2']);
    expect(production.read).toBe(3);
    expect(production.inProgress).toEqual([]);
  });

  it('reads the default ledger file in the working folder, and says when nothing was recorded', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'cli-status-empty-'));
    mkdirSync(join(empty, '.deploy-kit'));
    writeFileSync(join(empty, '.deploy-kit/ledger.json'), '{"version": 1, "nextId": 1, "deployments": []}');
    const result = await status([], { cwd: empty });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`file ledger ${join(empty, '.deploy-kit/ledger.json')}`);
    expect(result.stdout).toContain('No deployments recorded yet.');
    const unknown = await status(['--ledger', `file:${ledger()}`, '--environment', 'qa'], { cwd: workspace });
    expect(unknown.stdout).toMatch(/^qa\n {2}no deployments recorded$/m);
  });

  it('refuses a missing ledger (a misspelt path) and an empty or truncated one, exiting 1 and saying why', async () => {
    const misspelt = join(workspace, 'ledgr.json');
    const missing = await status(['--ledger', `file:${misspelt}`], { cwd: workspace });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain(`file ledger ${misspelt}: does not exist: check the path`);
    expect(existsSync(misspelt)).toBe(false);
    const nothing = mkdtempSync(join(tmpdir(), 'cli-status-nothing-'));
    expect((await status([], { cwd: nothing })).code).toBe(1);

    const broken = join(workspace, 'broken.json');
    for (const [text, problem] of [
      ['', 'is empty (0 bytes), not a ledger'],
      [readFileSync(ledger(), 'utf8').slice(0, 40), 'is not valid JSON'],
    ] as const) {
      writeFileSync(broken, text);
      const result = await status(['--ledger', `file:${broken}`], { cwd: workspace });
      expect(result.code, text).toBe(1);
      expect(result.stderr).toContain(`file ledger ${broken}: ${problem}`);
      expect(result.stderr).toContain('move it away to start a new ledger (the next deploy creates one)');
      expect(readFileSync(broken, 'utf8')).toBe(text);
    }
  });

  it('refuses bad flags with exit code 2, naming the flag and the expected form', async () => {
    const cases: [string[], string][] = [
      [['--ledger', 'sqlite'], "'--ledger' must be github or file:<path>, got 'sqlite'"],
      [['--limit', '0'], '--limit'],
      [['--environment', ' production'], "'--environment' must be an environment name"],
      [['--enviroment', 'production'], 'status: unknown option --enviroment'],
      [['--ledger', 'github'], "'--repository' is needed for the github ledger"],
      [['--ledger', 'github', '--repository', 'acme'], "'--repository' must be owner/name"],
      [['--quiet'], 'status: --summary and --quiet are for actions'],
    ];
    for (const [args, message] of cases) {
      const result = await status(args, { cwd: workspace });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toContain(message);
      expect(result.stdout).toBe('');
    }
  });

  it('shows a deploy still in progress beside what is live', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-status-open-'));
    const inputs = { ledger: `file:${join(dir, 'ledger.json')}`, token: '', environment: 'qa' };
    await runAction({
      action: join(repoRoot, 'deploy-env'),
      inputs: { ...inputs, version: 'v1', ref: SHA.v1 },
      node,
      workspace: dir,
    });
    // The runner lost the machine mid-deploy: no post step, so the deployment stays in_progress.
    await runAction({
      action: join(repoRoot, 'deploy-env'),
      inputs: { ...inputs, version: 'v2', ref: SHA.v2, command: 'echo started; sleep 60' },
      node,
      workspace: dir,
      cancel: { when: (out) => out.includes('started'), kill: true },
      skipPost: true,
    });
    const result = await status(['--ledger', inputs.ledger], { cwd: dir });
    expect(result.stdout).toMatch(/^qa\n {2}live: v1 \(1111111\)/m);
    expect(result.stdout).toContain('  in progress: v2 (deployment 2, in_progress)');
  }, 30_000);

  it('names the file when the ledger cannot be read', async () => {
    const result = await status(['--ledger', `file:${join(repoRoot, 'package.json')}`], { cwd: workspace });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`file ledger ${join(repoRoot, 'package.json')}`);
  });
});

describe('deploy-kit status on GitHub Deployments (the fake GitHub)', () => {
  let gh: FakeGitHub;
  let workspace: string;
  const shas: Record<string, string> = {};
  const run = (action: string, inputs: Record<string, string>) =>
    runAction({
      action: join(repoRoot, action),
      inputs,
      node,
      workspace,
      env: gh.env(),
      github: { token: gh.token, repository: 'octo/app', sha: shas.v1, runId: '31', actor: 'erin' },
    } as RunActionOptions);

  beforeAll(async () => {
    gh = await startFakeGitHub();
    gh.store.addRepo({ owner: 'octo', name: 'app' });
    for (const version of ['v1', 'v2']) {
      shas[version] = gh.store.addCommit('octo/app', { branch: 'main', message: `feat: ${version}` });
    }
    workspace = mkdtempSync(join(tmpdir(), 'cli-status-gh-'));
    for (const version of ['v1', 'v2']) {
      const result = await run('deploy-env', { environment: 'production', version, ref: shas[version]! });
      expect(result.outputs.result).toBe('success');
    }
    const result = await run('deploy-env', { environment: 'staging', version: 'v2', ref: shas.v2! });
    expect(result.outputs.result).toBe('success');
  }, 60_000);
  afterAll(async () => {
    assertConformance(gh.requests);
    await gh.close();
  });

  it('reads every environment with the token from GITHUB_TOKEN, and never prints the token', async () => {
    const before = gh.requests.length;
    const result = await status(['--repository', 'octo/app'], {
      cwd: workspace,
      env: { GITHUB_TOKEN: gh.token, ...gh.env() },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Ledger: GitHub Deployments of octo/app');
    expect(result.stdout).toMatch(/^production\n {2}live: v2 /m);
    expect(result.stdout).toMatch(/^staging\n {2}live: v2 /m);
    expect(result.stdout).toMatch(/inactive/);
    expect(result.stdout).toContain('by erin');
    expect(result.stdout).not.toContain(gh.token);
    // One read to list the environments, one per environment: the cost status.ts promises.
    const calls = gh.requests.slice(before);
    expect(calls.length).toBeLessThanOrEqual(3);
    expect(calls.every((call) => call.method === 'GET' || call.path.endsWith('graphql'))).toBe(true);
  });

  it('answers in JSON with the source, from GITHUB_REPOSITORY', async () => {
    const result = await status(['--environment', 'production', '--json'], {
      cwd: workspace,
      env: { GITHUB_TOKEN: gh.token, GITHUB_REPOSITORY: 'octo/app', ...gh.env() },
    });
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout);
    expect(parsed.source).toMatchObject({ kind: 'github', repository: 'octo/app' });
    expect(parsed.environments[0].live).toMatchObject({ version: 'v2', sha: shas.v2 });
    expect(parsed.environments[0].history.map((h: { state: string }) => h.state)).toEqual([
      'success',
      'inactive',
    ]);
  });

  it('rides out a 502 and a rate limit from GitHub', async () => {
    gh.faults.serverError('graphql', { times: 1, status: 502 });
    gh.faults.tooManyRequests('graphql', { retryAfter: 1 });
    const result = await status(['--repository', 'octo/app', '--environment', 'production', '--json'], {
      cwd: workspace,
      env: { GITHUB_TOKEN: gh.token, ...gh.env() },
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).environments[0].live.version).toBe('v2');
    const answered = gh.requestsFor('graphql').map((request) => request.status);
    expect(answered).toEqual(expect.arrayContaining([502, 429, 200]));
  });

  it('fails clearly, without the token, when GitHub refuses it', async () => {
    const result = await status(['--repository', 'octo/app', '--token', 'ghp_wrong_token_1234'], {
      cwd: workspace,
      env: gh.env(),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^deploy-kit: /);
    expect(result.stderr + result.stdout).not.toContain('ghp_wrong_token_1234');
  });
});
