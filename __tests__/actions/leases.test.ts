// Crash safety of the deploying bundles (issue 15, cases 2, 3 and 4), black-box through dist/ as the runner
// runs them: a killed step's deploy command is ended by post before the environment is freed; a lease whose
// holder is gone (dead process, completed workflow run) is closed as abandoned by the next deploy or
// rollback, which waits for a command group still running first; previous-version is read after the wait.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { groupAlive } from '../../src/deploy/lease.js';
import { FileLedger } from '../../src/ledger/file.js';
import { type RunActionOptions, runAction } from '../../src/runner/runner.js';
import { assertConformance, type FakeGitHub, startFakeGitHub } from '../fakes/github/index.js';
import { nodeBinaries, repoRoot } from '../helpers/repo.js';

const node24 = nodeBinaries().at(-1)!.path;
const SHA = 'c'.repeat(40);
const REPO = 'octo/app';
/** Writes its process group (bash -c leads its own group) and holds the step in its command. */
const HELD = (seconds: number) =>
  `echo $$ > pgid; echo started; sleep ${seconds}; echo held-done >> order.log`;
const killOnStarted = { when: (out: string) => out.includes('started'), kill: true };

const pgidIn = (workspace: string) => Number(readFileSync(join(workspace, 'pgid'), 'utf8').trim());
const orderIn = (workspace: string) =>
  existsSync(join(workspace, 'order.log'))
    ? readFileSync(join(workspace, 'order.log'), 'utf8').trim().split('\n')
    : [];

const groups: number[] = [];
afterEach(() => {
  for (const pgid of groups.splice(0)) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // gone, as it should be
    }
  }
});

describe('deploy leases on the file ledger', () => {
  const workspace = () => mkdtempSync(join(tmpdir(), 'leases-file-'));
  const run = (
    dir: string,
    action: 'deploy-env' | 'rollback',
    inputs: Record<string, string>,
    extra: Partial<RunActionOptions> = {},
  ) =>
    runAction({
      action: join(repoRoot, action),
      node: node24,
      workspace: dir,
      inputs: {
        environment: 'production',
        ledger: 'file:ledger.json',
        'concurrent-timeout': '40s',
        ...inputs,
      },
      github: { sha: SHA, repository: REPO },
      ...extra,
    });

  it('closes a crashed deploy as abandoned once its command has ended, and never runs beside it', async () => {
    const dir = workspace();
    expect((await run(dir, 'deploy-env', { version: 'v1', command: 'true' })).conclusion).toBe('success');
    // A runner that lost the machine: main SIGKILLed and no post step.
    const crashed = await run(
      dir,
      'deploy-env',
      { version: 'v2', command: HELD(3) },
      { cancel: killOnStarted, skipPost: true },
    );
    expect(crashed.main.signal).toBe('SIGKILL');
    const pgid = pgidIn(dir);
    groups.push(pgid);
    expect(groupAlive(pgid)).toBe(true);

    const next = await run(dir, 'deploy-env', { version: 'v3', command: 'echo next >> order.log' });
    expect(next.conclusion, next.main.stdout).toBe('success');
    // It waited for the orphaned command, then went on: the two never ran at once.
    expect(orderIn(dir)).toEqual(['held-done', 'next']);
    expect(next.main.stdout).toMatch(
      /so far\); its deploy command \(process group \d+\) still runs on this host/,
    );
    expect(next.main.stdout).toMatch(
      /deployment 2 \(v2\) was abandoned: holder \S+ pid \d+ gone since \S+ \(its process is dead on this host\)/,
    );
    expect(next.summary).toContain('Abandoned leases closed');
    const history = await new FileLedger(join(dir, 'ledger.json')).history('production');
    expect(history.map((d) => [d.record?.version, d.state])).toEqual([
      ['v3', 'success'],
      ['v2', 'error'],
      ['v1', 'inactive'],
    ]);
    expect(history[1]?.statuses[0]?.description).toMatch(/^abandoned: holder \S+ pid \d+ gone since /);
    // What v3 replaced is what was live: v1, the crashed v2 never was.
    expect(next.outputs['previous-version']).toBe('v1');
  });

  it('refuses, saying so, while the command of a crashed deploy still runs (on-concurrent: fail)', async () => {
    const dir = workspace();
    const crashed = await run(
      dir,
      'deploy-env',
      { version: 'v1', command: HELD(20) },
      { cancel: killOnStarted, skipPost: true },
    );
    expect(crashed.main.signal).toBe('SIGKILL');
    const pgid = pgidIn(dir);
    groups.push(pgid);
    const refused = await run(dir, 'deploy-env', {
      version: 'v2',
      command: 'touch ran',
      'on-concurrent': 'fail',
    });
    expect(refused.outputs.result).toBe('blocked');
    expect(refused.annotations.at(-1)?.message).toContain(
      `deployment 1 (v1, in_progress) is still in progress in production (on-concurrent: fail); its deploy command (process group ${pgid}) still runs on this host; if its holder is gone for good, clear it with \`deploy-kit unlock --environment production --deployment 1 --ledger file:${join(dir, 'ledger.json')}\``,
    );
    expect(existsSync(join(dir, 'ran'))).toBe(false);
  });

  it('rolls back after a crashed rollback: the stale lease does not hide the earlier good release', async () => {
    const dir = workspace();
    for (const version of ['v1', 'v2'])
      expect((await run(dir, 'deploy-env', { version, command: 'true' })).conclusion).toBe('success');
    const crashed = await run(
      dir,
      'rollback',
      { command: HELD(0.2) },
      { cancel: killOnStarted, skipPost: true },
    );
    expect(crashed.main.signal).toBe('SIGKILL');
    groups.push(pgidIn(dir));

    const again = await run(dir, 'rollback', { command: 'echo "to $DEPLOY_KIT_VERSION" >> order.log' });
    expect(again.conclusion, again.main.stdout).toBe('success');
    expect(again.outputs['rolled-back-to-version']).toBe('v1');
    expect(again.main.stdout).toMatch(/was abandoned: holder .* closed as error before planning/);
    expect(again.summary).toContain('Abandoned leases closed');
    const history = await new FileLedger(join(dir, 'ledger.json')).history('production');
    expect(history.filter((d) => d.state === 'success').map((d) => d.record?.version)).toEqual(['v1']);
    expect(history.some((d) => ['pending', 'queued', 'in_progress'].includes(d.state))).toBe(false);
  });
});

describe('deploy leases on GitHub Deployments', () => {
  let gh: FakeGitHub;
  let sha: string;
  let dir: string;
  const run = (inputs: Record<string, string>, extra: Partial<RunActionOptions> = {}) =>
    runAction({
      action: join(repoRoot, 'deploy-env'),
      node: node24,
      workspace: dir,
      env: gh.env(),
      inputs: { environment: 'production', ref: sha, 'concurrent-timeout': '3s', ...inputs },
      github: {
        token: gh.token,
        repository: REPO,
        sha,
        ref: 'refs/heads/main',
        eventName: 'push',
        runId: '42',
      },
      ...extra,
    });

  const start = async () => {
    gh = await startFakeGitHub();
    gh.store.addRepo({ owner: 'octo', name: 'app' });
    sha = gh.store.addCommit(REPO, { branch: 'main', message: 'feat: first' });
    dir = mkdtempSync(join(tmpdir(), 'leases-gh-'));
  };
  afterEach(async () => {
    assertConformance(gh.requests);
    await gh.close();
  });

  /** An open deployment held by workflow run 900 on another runner. */
  const heldElsewhere = (status: 'in_progress' | 'completed') => {
    gh.store.addWorkflowRun(REPO, { id: 900 });
    if (status === 'completed') gh.store.completeWorkflowRun(REPO, 900, 1, 'cancelled');
    const url = 'https://github.com/octo/app/actions/runs/900/attempts/1';
    const deployment = gh.store.addDeployment(REPO, {
      environment: 'production',
      sha,
      payload: {
        'deploy-kit': {
          version: 'v0',
          sha,
          ref: 'main',
          actor: 'dave',
          run: { id: '900', attempt: '1', url, workflow: 'deploy' },
          holder: { host: 'runner-9', key: 'another-machine', pid: 4242, via: 'github' },
        },
      },
    });
    gh.store.addDeploymentStatus(REPO, deployment.id, { state: 'in_progress', description: 'deploying v0' });
    return deployment.id;
  };

  it('closes a lease whose workflow run has completed, asking the Actions runs API', async () => {
    await start();
    const stale = heldElsewhere('completed');
    const result = await run({ version: 'v1', command: 'true' });
    expect(result.conclusion, result.main.stdout).toBe('success');
    expect(result.main.stdout).toMatch(
      /was abandoned: holder run https:\/\/github.com\/octo\/app\/actions\/runs\/900\/attempts\/1 gone since \S+ \(its workflow run has completed\)/,
    );
    const closed = gh.store.repo(REPO).deployments.find((d) => d.id === stale)!;
    expect(closed.statuses.at(-1)).toMatchObject({ state: 'error' });
    expect(closed.statuses.at(-1)?.description).toMatch(/^abandoned: holder run /);
    expect(gh.requests.some((r) => r.path.includes('/actions/runs/900/attempts/1'))).toBe(true);
  });

  it('waits for a lease still held, then stands down naming the command that clears it by hand', async () => {
    await start();
    const held = heldElsewhere('in_progress');
    const result = await run({ version: 'v1', command: 'true' });
    expect(result.conclusion).toBe('failure');
    expect(result.outputs.result).toBe('blocked');
    expect(result.annotations.at(-1)?.message).toContain(
      `deploy-kit unlock --environment production --deployment ${held} --ledger github`,
    );
  });

  it('ends the command of a killed step in post, before it frees the environment', async () => {
    await start();
    const killed = await run({ version: 'v1', command: HELD(60) }, { cancel: killOnStarted });
    expect(killed.main.signal).toBe('SIGKILL');
    const pgid = pgidIn(dir);
    groups.push(pgid);
    expect(groupAlive(pgid)).toBe(false);
    expect(killed.post?.stdout).toMatch(
      /the deploy command \(process group \d+\) was still running; ended it with SIGTERM/,
    );
    expect(killed.post?.stdout).toContain('marked error by the post step');
    // The group was recorded with the lease, where any later deploy on this host can see it.
    const first = gh.store.repo(REPO).deployments[0]!;
    expect(first.statuses.map((s) => s.description)).toContain(`deploying v1 [pgid ${pgid}]`);

    const next = await run({ version: 'v2', command: 'echo next >> order.log' });
    expect(next.conclusion, next.main.stdout).toBe('success');
    expect(orderIn(dir)).toEqual(['next']);
  });

  it('reports as previous-version, for each of five deploys started at once, the one before it', async () => {
    await start();
    expect((await run({ version: 'v0', command: 'true' })).conclusion).toBe('success');
    const runs = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => run({ version: `v${n}`, command: 'sleep 0.2', 'concurrent-timeout': '2m' })),
    );
    for (const r of runs) expect(r.conclusion, r.main.stdout).toBe('success');
    const inOrder = [...runs].sort(
      (a, b) => Number(a.outputs['deployment-id']) - Number(b.outputs['deployment-id']),
    );
    const versions = inOrder.map((r) => r.outputs.version);
    expect(inOrder.map((r) => r.outputs['previous-version'])).toEqual(['v0', ...versions.slice(0, -1)]);
  }, 180_000);
});

describe('deploy leases from the command line', () => {
  const exec = promisify(execFile);
  const bin = join(repoRoot, 'bin/deploy-kit.js');
  const cli = async (dir: string, args: string[]) => {
    try {
      const { stdout } = await exec(process.execPath, [bin, ...args], { cwd: dir });
      return { code: 0, stdout };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: `${failed.stdout}\n${failed.stderr}` };
    }
  };
  const deployArgs = (version: string, command: string) => [
    'deploy-env',
    '--environment',
    'production',
    '--version',
    version,
    '--ref',
    SHA,
    '--ledger',
    'file:ledger.json',
    '--concurrent-timeout',
    '40s',
    '--command',
    command,
  ];

  it('recovers from kill -9 of the CLI and its bundle: the next deploy goes on, no hand edit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leases-cli-'));
    const child = spawn(process.execPath, [bin, ...deployArgs('v1', HELD(1))], { cwd: dir, stdio: 'ignore' });
    const ledgerPath = join(dir, 'ledger.json');
    for (let i = 0; i < 200 && !existsSync(join(dir, 'pgid')); i++)
      await new Promise((r) => setTimeout(r, 50));
    const [held] = await new FileLedger(ledgerPath).history('production');
    const bundle = held?.record?.holder?.pid;
    expect(bundle).toBeGreaterThan(0);
    child.kill('SIGKILL');
    process.kill(bundle!, 'SIGKILL');
    groups.push(pgidIn(dir));

    const next = await cli(dir, deployArgs('v2', 'echo next >> order.log'));
    expect(next.code, next.stdout).toBe(0);
    expect(next.stdout).toMatch(/deployment 1 \(v1\) was abandoned: holder \S+ pid \d+ gone since/);
    expect(orderIn(dir)).toEqual(['held-done', 'next']);
    const history = await new FileLedger(ledgerPath).history('production');
    expect(history.map((d) => [d.record?.version, d.state])).toEqual([
      ['v2', 'success'],
      ['v1', 'error'],
    ]);
  });
});
