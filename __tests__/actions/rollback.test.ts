// Runner-contract tests: the built rollback bundle on the fake GitHub (and the file ledger), with history
// made by the real deploy-env bundle.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parsePressedAt } from '../../src/actions/rollback/inputs.js';
import { type RunActionOptions, runAction } from '../../src/runner/runner.js';
import { startFakeCacheService } from '../fakes/cache/index.js';
import { assertConformance, type FakeGitHub, startFakeGitHub } from '../fakes/github/index.js';
import { nodeBinaries, repoRoot } from '../helpers/repo.js';

const node = nodeBinaries().at(-1)!.path;

describe('rollback on GitHub Deployments', () => {
  let gh: FakeGitHub;
  let workspace: string;
  const shas: Record<string, string> = {};
  const options = (extra: Partial<RunActionOptions> = {}): Partial<RunActionOptions> => ({
    node,
    workspace,
    env: gh.env(),
    github: {
      token: gh.token,
      repository: 'octo/app',
      sha: shas.v1,
      ref: 'refs/heads/main',
      runId: '9',
      actor: 'carol',
    },
    ...extra,
  });
  const deployEnv = (version: string, inputs: Record<string, string> = {}) =>
    runAction({
      action: join(repoRoot, 'deploy-env'),
      inputs: { environment: 'production', version, ref: shas[version]!, ...inputs },
      ...options(),
    } as RunActionOptions);
  const rollback = (inputs: Record<string, string> = {}, extra: Partial<RunActionOptions> = {}) =>
    runAction({
      action: join(repoRoot, 'rollback'),
      inputs: { environment: 'production', reason: 'smoke test failed', ...inputs },
      ...options(extra),
    } as RunActionOptions);
  const deployments = () => gh.store.repo('octo/app').deployments;

  beforeEach(async () => {
    gh = await startFakeGitHub();
    gh.store.addRepo({ owner: 'octo', name: 'app' });
    for (const version of ['v1', 'v2', 'v3']) {
      shas[version] = gh.store.addCommit('octo/app', { branch: 'main', message: `feat: ${version}` });
    }
    workspace = mkdtempSync(join(tmpdir(), 'rollback-'));
  });
  afterEach(async () => {
    assertConformance(gh.requests);
    await gh.close();
  });

  it('rolls back to the newest earlier release that was live, though it reads inactive now', async () => {
    await deployEnv('v1');
    await deployEnv('v2');
    const bad = await deployEnv('v3');
    expect(deployments().map((d) => d.statuses.at(-1)?.state)).toEqual(['inactive', 'inactive', 'success']);
    const result = await rollback({ command: 'echo "redeploying $DEPLOY_KIT_VERSION at $DEPLOY_KIT_SHA"' });
    expect(result.main.stderr).toBe('');
    expect(result.conclusion).toBe('success');
    expect(result.outputs).toMatchObject({
      'rolled-back-to-version': 'v2',
      'rolled-back-to-sha': shas.v2,
      'rolled-back-from-version': 'v3',
      result: 'success',
    });
    expect(result.main.stdout).toContain(`redeploying v2 at ${shas.v2}`);
    const [, , v3, rb] = deployments();
    expect(rb!.task).toBe('deploy:rollback');
    expect(rb!.statuses.at(-1)?.state).toBe('success');
    expect((rb!.payload as Record<string, Record<string, unknown>>)['deploy-kit']!.rollback).toEqual({
      fromDeploymentId: bad.outputs['deployment-id'],
      fromVersion: 'v3',
      reason: 'smoke test failed',
    });
    expect(v3!.statuses.at(-1)).toMatchObject({ state: 'inactive' });
    expect(v3!.statuses.at(-1)?.description).toContain('rolled back to v2');
    expect(result.summary).toContain('Rollback of production: v3 → v2 (success)');
    expect(result.summary).toContain('Recent deployments');
    expect(result.summary).toContain('smoke test failed');
  });

  it('takes `to` as a deployment id, a version or a commit', async () => {
    const first = await deployEnv('v1');
    await deployEnv('v2');
    await deployEnv('v3');
    const byId = await rollback({ to: first.outputs['deployment-id']!, 'dry-run': 'true' });
    const byVersion = await rollback({ to: 'v1', 'dry-run': 'true' });
    const bySha = await rollback({ to: shas.v1!.slice(0, 9), 'dry-run': 'true' });
    for (const result of [byId, byVersion, bySha]) {
      expect(result.outputs['rolled-back-to-version']).toBe('v1');
      expect(result.outputs.result).toBe('planned');
    }
  });

  it('changes nothing on a dry run and shows the plan', async () => {
    await deployEnv('v1');
    await deployEnv('v2');
    const before = JSON.stringify(deployments());
    const writes = gh.requests.length;
    const result = await rollback({ 'dry-run': 'true' });
    expect(result.conclusion).toBe('success');
    expect(result.summary).toContain('dry run: nothing changed');
    expect(result.summary).toContain(shas.v1);
    expect(JSON.stringify(deployments())).toBe(before);
    expect(gh.requests.slice(writes).every((r) => r.method === 'GET' || r.path.endsWith('graphql'))).toBe(
      true,
    );
  });

  it('skips failed deployments and does not loop back onto a version rolled back from', async () => {
    await deployEnv('v1');
    await deployEnv('v2');
    const failed = await deployEnv('v3', { command: 'exit 1' });
    expect(failed.outputs.result).toBe('failure');
    // v3 never went live: the current deployment is the failed v3, and v2 is the newest good one.
    const first = await rollback();
    expect(first.outputs['rolled-back-to-version']).toBe('v2');
    const second = await rollback({ 'dry-run': 'true' });
    expect(second.outputs['rolled-back-to-version']).toBe('v1');
    // Named, the version live already is what was asked for: nothing to do, and said so.
    const forced = await rollback({ to: 'v2', 'dry-run': 'true' });
    expect(forced.conclusion).toBe('success');
    expect(forced.outputs.result).toBe('no-op');
    expect(forced.summary).toContain('which is live already');
  });

  it('refuses clearly when there is nothing earlier to go back to', async () => {
    await deployEnv('v1');
    const result = await rollback();
    expect(result.conclusion).toBe('failure');
    expect(result.annotations.at(-1)?.message).toMatch(
      /^rollback: no earlier good deployment to roll back to/,
    );
    expect(deployments()).toHaveLength(1);
  });

  it('ends in error, never in_progress, when cancelled mid-command', async () => {
    await deployEnv('v1');
    await deployEnv('v2');
    const result = await rollback(
      { command: 'echo started; sleep 60' },
      { cancel: { when: (out) => out.includes('started'), graceMs: 7500 } },
    );
    expect(result.conclusion).toBe('cancelled');
    expect(deployments().at(-1)?.statuses.at(-1)?.state).toBe('error');
    expect(deployments()[1]?.statuses.at(-1)?.state).toBe('success');
  });

  it('retries through API faults and records the rollback once', async () => {
    await deployEnv('v1');
    await deployEnv('v2');
    gh.faults.serverError('POST /repos/{owner}/{repo}/deployments', { times: 1, status: 502 });
    gh.faults.tooManyRequests('graphql', { retryAfter: 1 });
    const result = await rollback();
    expect(result.outputs.result).toBe('success');
    expect(deployments().filter((d) => d.task === 'deploy:rollback')).toHaveLength(1);
  });

  it('restores the release bundle from the Actions cache, and falls back to the commit when evicted', async () => {
    const cache = await startFakeCacheService();
    try {
      const withCache = { ...gh.env(), ...cache.env() };
      mkdirSync(join(workspace, 'build'));
      for (const version of ['v1', 'v2']) {
        writeFileSync(join(workspace, 'build/app.js'), `release ${version}`);
        await runAction({
          action: join(repoRoot, 'deploy-env'),
          inputs: { environment: 'production', version, ref: shas[version]!, 'artifact-path': 'build' },
          ...options({ env: withCache }),
        } as RunActionOptions);
      }
      writeFileSync(join(workspace, 'build/app.js'), 'broken');
      const restored = await rollback(
        { command: 'cat "$DEPLOY_KIT_ARTIFACT_PATH/app.js"' },
        { env: withCache },
      );
      expect(restored.outputs.result).toBe('success');
      expect(readFileSync(join(workspace, 'build/app.js'), 'utf8')).toBe('release v1');
      expect(restored.main.stdout).toContain('release v1');

      const key = (deployments()[0]!.payload as Record<string, { artifactKey: string }>)['deploy-kit']!
        .artifactKey;
      cache.evict(key);
      await deployEnv('v3', { 'artifact-path': 'build' });
      const evicted = await rollback(
        { to: 'v1', command: 'echo "sha=$DEPLOY_KIT_SHA bundle=[$DEPLOY_KIT_ARTIFACT_PATH]"' },
        { env: withCache },
      );
      expect(evicted.outputs.result).toBe('success');
      expect(evicted.annotations.some((a) => a.level === 'warning' && a.message.includes('evicted'))).toBe(
        true,
      );
      expect(evicted.main.stdout).toContain(`sha=${shas.v1} bundle=[]`);
    } finally {
      await cache.close();
    }
  });
});

describe('one rollback per press (issue 15, case 1)', () => {
  let gh: FakeGitHub;
  let workspace: string;
  const shas: Record<string, string> = {};
  const github = (runId: string) => ({
    token: gh.token,
    repository: 'octo/app',
    sha: shas.v3!,
    ref: 'refs/heads/main',
    runId,
    actor: `person-${runId}`,
  });
  const deployEnv = (version: string) =>
    runAction({
      action: join(repoRoot, 'deploy-env'),
      inputs: { environment: 'production', version, ref: shas[version]! },
      node,
      workspace,
      env: gh.env(),
      github: github('1'),
    });
  /** A press: GitHub creates the workflow run now, and its job starts the rollback bundle. */
  const press = (runId: number, inputs: Record<string, string> = {}) => {
    gh.store.addWorkflowRun('octo/app', { id: runId });
    return runAction({
      action: join(repoRoot, 'rollback'),
      // Long enough that the first rollback is still redeploying when the last press comes.
      inputs: { environment: 'production', command: 'sleep 3', 'concurrent-timeout': '60s', ...inputs },
      node,
      workspace,
      env: gh.env(),
      github: github(String(runId)),
    });
  };
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const rollbacks = () => gh.store.repo('octo/app').deployments.filter((d) => d.task === 'deploy:rollback');
  const live = () =>
    gh.store
      .repo('octo/app')
      .deployments.filter((d) => d.statuses.at(-1)?.state === 'success')
      .map((d) => (d.payload as { 'deploy-kit': { version: string } })['deploy-kit'].version);

  beforeEach(async () => {
    gh = await startFakeGitHub();
    gh.store.addRepo({ owner: 'octo', name: 'app' });
    for (const version of ['v1', 'v2', 'v3']) {
      shas[version] = gh.store.addCommit('octo/app', { branch: 'main', message: `feat: ${version}` });
    }
    workspace = mkdtempSync(join(tmpdir(), 'rollback-press-'));
    for (const version of ['v1', 'v2', 'v3']) expect((await deployEnv(version)).conclusion).toBe('success');
    // A press comes at least a second after v3 went live (GitHub's times are whole seconds).
    await sleep(1100);
  });
  afterEach(async () => {
    assertConformance(gh.requests);
    await gh.close();
  });

  /** After the presses: v2 is live, one rollback went live, every other run a no-op naming it. */
  function steppedBackOnce(runs: Awaited<ReturnType<typeof press>>[]): void {
    const shown = runs.map((r) => r.main.stdout).join('\n---\n');
    expect(live(), shown).toEqual(['v2']);
    const done = runs.filter((r) => r.outputs.result === 'success');
    expect(done, shown).toHaveLength(1);
    const winner = rollbacks().find((d) => d.statuses.some((s) => s.state === 'success'))!;
    expect(rollbacks().filter((d) => d.statuses.some((s) => s.state === 'success'))).toHaveLength(1);
    for (const run of runs.filter((r) => r !== done[0])) {
      expect(run.conclusion, run.main.stdout).toBe('success');
      expect(run.outputs).toMatchObject({
        result: 'no-op',
        'rolled-back-to-version': 'v2',
        'rolled-back-from-version': 'v3',
      });
      expect(run.summary).toContain('Rollback of production: nothing to do');
      expect(run.summary).toContain(`by deployment ${winner.id}`);
      expect(run.main.stdout).toMatch(
        /already rolled back from v3 \(deployment \d+, live when this rollback was asked for/,
      );
      expect(run.main.stdout).not.toContain('::group::deploy v2 to production');
    }
    // Nothing left open; the no-ops' own deployments, if they made one, closed inactive.
    for (const d of rollbacks()) expect(['success', 'inactive']).toContain(d.statuses.at(-1)?.state);
  }

  it('two presses 1.5 s apart step back once: the second is a no-op naming the first run', async () => {
    const first = press(501);
    await sleep(1500);
    const second = press(502);
    const runs = await Promise.all([first, second]);
    steppedBackOnce(runs);
    expect(runs[0]!.outputs.result).toBe('success');
    expect(runs[1]!.summary).toContain('/actions/runs/501');
    expect(runs[1]!.main.stdout).toContain('asked for at');
    expect(runs[1]!.main.stdout).toContain('the start of workflow run 502');
    expect(gh.requestsFor('GET /repos/{owner}/{repo}/actions/runs/{run_id}')).toHaveLength(2);
  }, 60_000);

  it('five presses at once step back once', async () => {
    const together = await Promise.all([601, 602, 603, 604, 605].map((id) => press(id)));
    steppedBackOnce(together);
  }, 90_000);

  it('five presses staggered by up to 2 s step back once', async () => {
    const delays = [0, 350, 900, 1400, 2000];
    const runs = await Promise.all(
      delays.map(async (delay, i) => {
        await sleep(delay);
        return press(700 + i);
      }),
    );
    steppedBackOnce(runs);
  }, 90_000);

  it('a press after the first rollback went live is a deliberate second step back', async () => {
    const first = await press(801, { command: 'true' });
    expect(first.outputs.result).toBe('success');
    await sleep(1100);
    const second = await press(802, { command: 'true' });
    expect(second.outputs).toMatchObject({
      result: 'success',
      'rolled-back-from-version': 'v2',
      'rolled-back-to-version': 'v1',
    });
    expect(live()).toEqual(['v1']);
  }, 60_000);

  it('a `to` naming what is live already is a no-op, and so is the later of two presses with the same `to`', async () => {
    const runs = await Promise.all([
      press(901, { to: 'v1' }),
      sleep(300).then(() => press(902, { to: 'v1' })),
    ]);
    expect(live()).toEqual(['v1']);
    expect(runs.map((r) => r.outputs.result).sort()).toEqual(['no-op', 'success']);
    const again = await press(903, { to: 'v1', command: 'true' });
    expect(again.conclusion).toBe('success');
    expect(again.outputs).toMatchObject({
      result: 'no-op',
      'deployment-id': '',
      'rolled-back-to-version': 'v1',
    });
    expect(again.main.stdout).toContain("'to' v1 names v1, which is live already");
  }, 60_000);

  it('falls back to the step start when the workflow run cannot be read, saying so', async () => {
    const result = await runAction({
      action: join(repoRoot, 'rollback'),
      inputs: { environment: 'production', 'dry-run': 'true' },
      node,
      workspace,
      env: gh.env(),
      github: github('4040'),
    });
    expect(result.outputs.result).toBe('planned');
    expect(result.main.stdout).toContain('could not read when workflow run 4040 started');
    expect(result.main.stdout).toContain('(the start of this step)');
  });

  it("takes the press time from 'pressed-at', and refuses one that is not a time", async () => {
    const before = new Date(Date.now() - 60_000).toISOString();
    const early = await press(1001, { 'pressed-at': before, 'dry-run': 'true' });
    expect(early.main.stdout).toContain(`asked for at ${before} (the 'pressed-at' input)`);
    const bad = await press(1002, { 'pressed-at': 'yesterday' });
    expect(bad.conclusion).toBe('failure');
    expect(bad.annotations.at(-1)?.message).toContain("'pressed-at' must be a time in ISO 8601");
    expect(rollbacks()).toHaveLength(0);
  });
});

describe('rollback reaches past the newest 100 deployments (issue 15, case 8)', () => {
  let gh: FakeGitHub;
  let workspace: string;
  let sha: string;
  const record = (version: string) => ({ 'deploy-kit': { version, sha, ref: sha, actor: 'alice' } });
  const rollback = (inputs: Record<string, string>) =>
    runAction({
      action: join(repoRoot, 'rollback'),
      inputs: { environment: 'production', ...inputs },
      node,
      workspace,
      env: gh.env(),
      github: { token: gh.token, repository: 'octo/app', sha, runId: '5' },
    });
  const graphqlCalls = () => gh.requestsFor('graphql').length;

  beforeEach(async () => {
    gh = await startFakeGitHub();
    gh.store.addRepo({ owner: 'octo', name: 'app' });
    sha = gh.store.addCommit('octo/app', { branch: 'main', message: 'feat: app' });
    // v1 went live, then 150 releases that all failed, then v3 live: the last good one before v3 is v1,
    // 152 deployments back.
    gh.store.addDeployment('octo/app', { sha, payload: record('v1'), statuses: [{ state: 'success' }] });
    for (let i = 0; i < 150; i++)
      gh.store.addDeployment('octo/app', {
        sha,
        payload: record(`v2.${i}`),
        statuses: [{ state: 'failure' }],
      });
    gh.store.addDeployment('octo/app', { sha, payload: record('v3'), statuses: [{ state: 'success' }] });
    workspace = mkdtempSync(join(tmpdir(), 'rollback-deep-'));
  });
  afterEach(async () => {
    assertConformance(gh.requests);
    await gh.close();
  });

  it('reads a second page only when the first holds no target: one GraphQL call per 100', async () => {
    const result = await rollback({ 'dry-run': 'true' });
    expect(result.outputs, result.main.stdout).toMatchObject({
      result: 'planned',
      'rolled-back-to-version': 'v1',
      'rolled-back-from-version': 'v3',
    });
    expect(graphqlCalls()).toBe(2);
    expect(result.main.stdout).toContain('read 152 deployment(s) of production in 2 page(s)');
  });

  it('reads one page for a `to` among the newest 100, and redeploys one 150 back', async () => {
    // v2.140 went live once (for a while, beside v3 on another region, say).
    const v2140 = gh.store
      .repo('octo/app')
      .deployments.find((d) => (d.payload as ReturnType<typeof record>)['deploy-kit'].version === 'v2.140')!;
    gh.store.addDeploymentStatus('octo/app', v2140.id, { state: 'success', autoInactive: false });
    const near = await rollback({ to: 'v2.140', 'dry-run': 'true' });
    expect(near.conclusion, near.main.stdout).toBe('success');
    expect(graphqlCalls()).toBe(1);
    const before = graphqlCalls();
    const far = await rollback({ to: 'v1', command: 'echo "redeploying $DEPLOY_KIT_VERSION"' });
    expect(far.outputs, far.main.stdout).toMatchObject({ result: 'success', 'rolled-back-to-version': 'v1' });
    expect(far.main.stdout).toContain('redeploying v1');
    // Two pages to plan, one read while taking the environment's turn.
    expect(graphqlCalls() - before).toBe(3);
  });

  it('refuses a target beyond history-limit, naming the limit, having read no further', async () => {
    const result = await rollback({ to: 'v1', 'history-limit': '100' });
    expect(result.conclusion).toBe('failure');
    expect(result.annotations.at(-1)?.message).toContain(
      'the search stopped at the newest 100 deployments of production (history-limit): raise history-limit to look further back',
    );
    expect(graphqlCalls()).toBe(1);
    expect(gh.store.repo('octo/app').deployments).toHaveLength(152);
    const bad = await rollback({ 'history-limit': 'all' });
    expect(bad.annotations.at(-1)?.message).toContain(
      "'history-limit' must be a whole number from 1 to 100000",
    );
  });
});

describe('rollback on the file ledger', () => {
  it('works on a laptop with deploy-kit rollback', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'rollback-file-'));
    const ledger = 'file:ledger.json';
    const github = { sha: 'a'.repeat(40), repository: 'octo/app' };
    for (const [version, sha] of [
      ['v1', 'a'.repeat(40)],
      ['v2', 'b'.repeat(40)],
    ] as const) {
      await runAction({
        action: join(repoRoot, 'deploy-env'),
        node,
        workspace,
        inputs: { environment: 'production', version, ref: sha, ledger },
        github,
      });
    }
    const result = await runAction({
      action: join(repoRoot, 'rollback'),
      node,
      workspace,
      inputs: { environment: 'production', ledger, reason: 'bad release' },
      github,
    });
    expect(result.outputs).toMatchObject({
      'rolled-back-to-version': 'v1',
      'rolled-back-from-version': 'v2',
      result: 'success',
    });
    const file = JSON.parse(readFileSync(join(workspace, 'ledger.json'), 'utf8'));
    expect(file.deployments.map((d: { task: string }) => d.task)).toEqual([
      'deploy',
      'deploy',
      'deploy:rollback',
    ]);
  });

  it('refuses a bundle path read back from the record that leads out of the workspace, before it records anything', async () => {
    const root = realpathSync(mkdtempSync(join(tmpdir(), 'rollback-record-path-')));
    const workspace = join(root, 'ws');
    mkdirSync(workspace);
    mkdirSync(join(root, 'outside'));
    writeFileSync(join(workspace, 'release.txt'), 'v1 bytes');
    const ledger = 'file:ledger.json';
    const github = { sha: 'a'.repeat(40), repository: 'octo/app' };
    for (const version of ['v1', 'v2']) {
      const deployed = await runAction({
        action: join(repoRoot, 'deploy-env'),
        node,
        workspace,
        inputs: {
          environment: 'production',
          version,
          ref: 'a'.repeat(40),
          ledger,
          'artifact-path': 'release.txt',
        },
        github,
      });
      expect(deployed.conclusion, deployed.main.stdout).toBe('success');
    }
    // Someone with write access to the ledger points v1's bundle outside.
    const path = join(workspace, 'ledger.json');
    const file = JSON.parse(readFileSync(path, 'utf8'));
    file.deployments[0].payload['deploy-kit'].artifactPath = '../outside/secret.txt';
    writeFileSync(path, JSON.stringify(file, null, 2));
    const marker = join(root, 'command-ran');
    const result = await runAction({
      action: join(repoRoot, 'rollback'),
      node,
      workspace,
      inputs: { environment: 'production', ledger, command: `touch ${marker}` },
      github,
    });
    expect(result.conclusion).toBe('failure');
    expect(result.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
      expect.stringContaining(
        `the release bundle path recorded by deployment 1 must be a path inside the workspace (${workspace}) or RUNNER_TEMP (${join(result.workDir, 'temp')}), got '../outside/secret.txt', which resolves to '${join(root, 'outside/secret.txt')}'`,
      ),
    ]);
    expect(existsSync(join(root, 'outside/secret.txt'))).toBe(false);
    expect(existsSync(marker)).toBe(false);
    expect(JSON.parse(readFileSync(path, 'utf8')).deployments).toHaveLength(2);
  });

  it("never copies secrets from an older record's environment URL into the rollback's record", async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'rollback-url-'));
    const ledger = 'file:ledger.json';
    const github = { sha: 'a'.repeat(40), repository: 'octo/app' };
    for (const version of ['v1', 'v2']) {
      await runAction({
        action: join(repoRoot, 'deploy-env'),
        node,
        workspace,
        inputs: {
          environment: 'production',
          version,
          ref: 'a'.repeat(40),
          ledger,
          url: 'https://app.example.com/',
        },
        github,
      });
    }
    // A record written before URLs were stored without their secrets.
    const path = join(workspace, 'ledger.json');
    const file = JSON.parse(readFileSync(path, 'utf8'));
    const old = 'https://deployer:pa55-old@app.example.com/?token=t0ken-old';
    for (const status of file.deployments[0].statuses) if (status.environmentUrl) status.environmentUrl = old;
    writeFileSync(path, JSON.stringify(file, null, 2));
    const result = await runAction({
      action: join(repoRoot, 'rollback'),
      node,
      workspace,
      inputs: { environment: 'production', ledger, command: 'echo "url is $DEPLOY_KIT_URL"' },
      github,
    });
    expect(result.conclusion, result.main.stdout).toBe('success');
    expect(result.main.stdout).toContain('url is https://app.example.com/?token=***');
    const after = JSON.parse(readFileSync(path, 'utf8'));
    const rollbackUrls = after.deployments[2].statuses.map(
      (s: { environmentUrl?: string }) => s.environmentUrl,
    );
    expect(rollbackUrls).toContain('https://app.example.com/?token=***');
    for (const place of [JSON.stringify(after.deployments[2]), result.summary, result.main.stdout]) {
      expect(place).not.toContain('pa55-old');
      expect(place).not.toContain('t0ken-old');
    }
  });

  it('refuses a ledger that does not exist (a misspelt path) instead of finding no history', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'rollback-missing-'));
    const result = await runAction({
      action: join(repoRoot, 'rollback'),
      node,
      workspace,
      inputs: { environment: 'production', ledger: 'file:ledgr.json' },
      github: { sha: 'a'.repeat(40), repository: 'octo/app' },
    });
    expect(result.conclusion).toBe('failure');
    expect(result.annotations.find((a) => a.level === 'error')?.message).toContain(
      `file ledger ${join(workspace, 'ledgr.json')}: does not exist: check the path`,
    );
    expect(existsSync(join(workspace, 'ledgr.json'))).toBe(false);
  });
});

describe('one rollback per press on the file ledger (the CLI: the step start is the press)', () => {
  it('two presses 1.5 s apart step back once, to the millisecond; a later press steps back again', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'rollback-file-press-'));
    const ledger = 'file:ledger.json';
    const github = { sha: 'a'.repeat(40), repository: 'octo/app' };
    const shaOf = { v1: 'a'.repeat(40), v2: 'b'.repeat(40), v3: 'c'.repeat(40) } as const;
    for (const [version, sha] of Object.entries(shaOf)) {
      const deployed = await runAction({
        action: join(repoRoot, 'deploy-env'),
        node,
        workspace,
        inputs: { environment: 'production', version, ref: sha, ledger },
        github,
      });
      expect(deployed.conclusion).toBe('success');
    }
    const press = (command: string) =>
      runAction({
        action: join(repoRoot, 'rollback'),
        node,
        workspace,
        inputs: { environment: 'production', ledger, command, 'concurrent-timeout': '60s' },
        github,
      });
    const first = press('sleep 3');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const [a, b] = await Promise.all([first, press('sleep 3')]);
    expect(a.outputs, a.main.stdout).toMatchObject({ result: 'success', 'rolled-back-to-version': 'v2' });
    expect(b.outputs, b.main.stdout).toMatchObject({ result: 'no-op', 'rolled-back-to-version': 'v2' });
    expect(b.main.stdout).toContain('(the start of this step)');
    expect(b.main.stdout).toMatch(
      /already rolled back from v3 \(deployment \d+, live when this rollback was asked for/,
    );
    const deliberate = await press('true');
    expect(deliberate.outputs).toMatchObject({ result: 'success', 'rolled-back-to-version': 'v1' });
    const file = JSON.parse(readFileSync(join(workspace, 'ledger.json'), 'utf8')) as {
      deployments: { task: string; statuses: { state: string }[] }[];
    };
    const rollbacks = file.deployments.filter((d) => d.task === 'deploy:rollback');
    expect(rollbacks.map((d) => d.statuses.at(-1)?.state)).toEqual(['inactive', 'inactive', 'success']);
  }, 60_000);
});

describe('parsePressedAt', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');
  it('takes an ISO 8601 time with its zone, to the second or finer, as UTC', () => {
    expect(parsePressedAt('2026-03-01T10:15:00Z', now)).toBe('2026-03-01T10:15:00.000Z');
    expect(parsePressedAt('2026-03-01T11:15:30.250+01:00', now)).toBe('2026-03-01T10:15:30.250Z');
    expect(parsePressedAt('2026-03-01T12:04:00Z', now)).toBe('2026-03-01T12:04:00.000Z');
  });

  it('refuses a time without a zone, not a time, or one in the future, naming the input', () => {
    for (const text of ['2026-03-01 10:15', '2026-03-01T10:15:00', 'now', `${'9'.repeat(5000)}`]) {
      expect(() => parsePressedAt(text, now)).toThrow(/^'pressed-at' must be a time in ISO 8601/);
    }
    expect(() => parsePressedAt('9'.repeat(5000), now)).toThrow(/got '9{77}\.\.\.'$/);
    expect(() => parsePressedAt('2026-03-01T12:06:00Z', now)).toThrow(
      "'pressed-at' must not be in the future, got '2026-03-01T12:06:00Z' (it is 2026-03-01T12:00:00.000Z here)",
    );
  });
});
