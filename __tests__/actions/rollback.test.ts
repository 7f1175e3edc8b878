// Runner-contract tests: the built rollback bundle on the fake GitHub (and the file ledger), with history
// made by the real deploy-env bundle.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
    const forced = await rollback({ to: 'v2', 'dry-run': 'true' });
    expect(forced.conclusion).toBe('failure');
    expect(forced.annotations.at(-1)?.message).toContain('nothing to roll back');
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
