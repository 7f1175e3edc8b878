// Runner-contract tests of the root action (dist/release), one environment's release in one step, on the
// file ledger and on the fake GitHub. The "environment" is real: a loopback router in front of the test app's
// versions, switched by the deploy command itself, so the smoke test probes what the deploy made live.
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FileLedger } from '../../src/ledger/file.js';
import { OPEN_STATES } from '../../src/ledger/types.js';
import { type RunActionOptions, runAction } from '../../src/runner/runner.js';
import { startFakeCacheService } from '../fakes/cache/index.js';
import { assertConformance, type FakeGitHub, startFakeGitHub } from '../fakes/github/index.js';
import { startTestApp, type TestApp } from '../fakes/test-app.js';
import { nodeBinaries, repoRoot } from '../helpers/repo.js';

const node = nodeBinaries().at(-1)!.path;
/** The deploy: the router now sends traffic to $DEPLOY_KIT_VERSION. Values arrive as variables only. */
const DEPLOY =
  'echo "switching to $DEPLOY_KIT_VERSION ($DEPLOY_KIT_TASK)"; printf %s "$DEPLOY_KIT_VERSION" > "$LIVE_FILE"';
const SHA = {
  v1: '1111111111111111111111111111111111111111',
  v2: '2222222222222222222222222222222222222222',
  v3: '3333333333333333333333333333333333333333',
};

interface Router {
  url: string;
  liveFile: string;
  close(): Promise<void>;
}

/** A reverse proxy on loopback that forwards to the app of the version named in liveFile. */
async function startRouter(apps: Record<string, TestApp>, liveFile: string): Promise<Router> {
  const server: Server = createServer((req, res) => {
    const version = existsSync(liveFile) ? readFileSync(liveFile, 'utf8').trim() : '';
    const app = apps[version];
    if (!app) {
      res.writeHead(502).end(`no app for '${version}'`);
      return;
    }
    const upstream = request(
      `${app.url}${req.url}`,
      { method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    liveFile,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function served(router: Router): Promise<string> {
  const answer = await fetch(`${router.url}/version`);
  return ((await answer.json()) as { version: string }).version;
}

let apps: Record<string, TestApp>;
beforeAll(async () => {
  apps = {
    v1: await startTestApp({ version: 'v1' }),
    v2: await startTestApp({ version: 'v2', delayMs: 2 }),
    // Broken: every other request answers 500.
    v3: await startTestApp({ version: 'v3', failRate: 0.5 }),
  };
});
afterAll(async () => {
  await Promise.all(Object.values(apps).map((app) => app.close()));
});

describe('the root action on a file ledger', () => {
  let workspace: string;
  let router: Router;
  let ledgerPath: string;
  const release = (
    version: keyof typeof SHA,
    inputs: Record<string, string> = {},
    extra: Partial<RunActionOptions> = {},
  ) =>
    runAction({
      action: repoRoot,
      inputs: {
        environment: 'production',
        version,
        ref: SHA[version],
        command: DEPLOY,
        'smoke-url': `${router.url}/health\n${router.url}/version`,
        'smoke-samples': '20',
        'smoke-wait-timeout': '2s',
        'smoke-latency-p95': '500ms',
        ledger: `file:${ledgerPath}`,
        token: '',
        ...inputs,
      },
      node,
      workspace,
      env: { LIVE_FILE: router.liveFile },
      github: { actor: 'frank', runId: '5' },
      ...extra,
    } as RunActionOptions);
  const deployments = () => new FileLedger(ledgerPath).history('production', { limit: 100 });

  beforeEach(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'release-'));
    ledgerPath = join(workspace, 'ledger.json');
    router = await startRouter(apps, join(workspace, 'live'));
  });
  afterEach(() => router.close());

  it('releases a good version: deploys it, smoke-tests it, and it stays live', async () => {
    const first = await release('v1');
    expect(first.main.stderr).toBe('');
    expect(first.conclusion).toBe('success');
    expect(first.outputs).toMatchObject({ result: 'released', version: 'v1', 'previous-version': '' });
    const second = await release('v2');
    expect(second.conclusion).toBe('success');
    expect(second.outputs).toMatchObject({
      result: 'released',
      version: 'v2',
      sha: SHA.v2,
      'previous-version': 'v1',
      'smoke-passed': 'true',
    });
    expect(second.outputs['rolled-back-to-version']).toBeUndefined();
    expect(Number(second.outputs['p95-ms'])).toBeLessThan(500);
    expect(await served(router)).toBe('v2');
    expect(second.main.stdout).toContain('switching to v2 (deploy)');
    const [v2, v1] = await deployments();
    expect([v2!.state, v1!.state]).toEqual(['success', 'inactive']);
    expect(v2!.record).toMatchObject({ version: 'v2', actor: 'frank', previous: { version: 'v1' } });
    expect(second.summary).toContain('### ✅ released: v2 to production');
    expect(second.summary).toContain('```mermaid');
    expect(second.summary).toMatch(/\| deploy \| ✅ success \| [\d.]+ m?s \|/);
    expect(second.summary).toMatch(/\| smoke test \| ✅ success \|/);
    expect(second.summary).toContain(`GET ${router.url}/health`);
    expect(second.post?.exitCode).toBe(0);
  });

  it('rolls back to the previous release when the smoke test fails', async () => {
    await release('v1');
    await release('v2');
    const bad = await release('v3');
    expect(bad.conclusion).toBe('failure');
    expect(bad.outputs).toMatchObject({
      result: 'rolled-back',
      'smoke-passed': 'false',
      'previous-version': 'v2',
      'rolled-back-to-version': 'v2',
    });
    expect(await served(router)).toBe('v2');
    expect(bad.main.stdout).toContain('switching to v2 (deploy:rollback)');
    const errors = bad.annotations.filter((a) => a.level === 'error').map((a) => a.message);
    expect(errors.some((m) => m.includes(`GET ${router.url}/health`) && m.includes('error rate'))).toBe(true);
    expect(errors.at(-1)).toBe('release: v3 was rolled back in production: the smoke test of v3 failed');
    const [rollback, v3] = await deployments();
    expect(rollback!.state).toBe('success');
    expect(rollback!.task).toBe('deploy:rollback');
    expect(rollback!.record?.rollback).toMatchObject({
      fromVersion: 'v3',
      reason: 'the smoke test of v3 failed',
    });
    expect(rollback!.id).toBe(bad.outputs['rollback-deployment-id']);
    expect(v3!.state).toBe('inactive');
    expect(bad.summary).toContain('### ↩️ rolled back: v3 to production');
    expect(bad.summary).toMatch(/\| rollback \| ✅ success \| .* \| v2 is live again/);
    expect(bad.summary).toContain('#### Rollback');
  });

  it('rolls back when the deploy command fails half-way, with the rollback command', async () => {
    await release('v1');
    const failed = await release('v2', {
      command: 'printf %s v3 > "$LIVE_FILE"; echo "migration failed" >&2; exit 4',
      'rollback-command':
        'printf %s "$DEPLOY_KIT_VERSION" > "$LIVE_FILE"; echo "restored $DEPLOY_KIT_VERSION"',
    });
    expect(failed.outputs).toMatchObject({ result: 'rolled-back', 'rolled-back-to-version': 'v1' });
    expect(failed.outputs['smoke-passed']).toBeUndefined();
    expect(await served(router)).toBe('v1');
    expect(failed.main.stdout).toContain('restored v1');
    expect(failed.summary).toContain('migration failed');
    expect(failed.summary).toContain(
      '**Why:** the deploy of v2 failed (the deploy command failed (exit code 4))',
    );
  });

  it('says so when there is nothing to roll back to, and leaves auto-rollback off alone', async () => {
    const first = await release('v3');
    expect(first.outputs.result).toBe('failed');
    expect(first.summary).toContain('**Rollback:** no rollback: no earlier good deployment to roll back to');
    const kept = await release('v3', { 'auto-rollback': 'false' });
    expect(kept.outputs.result).toBe('failed');
    expect(kept.summary).not.toContain('rollback |');
    expect((await deployments()).every((d) => d.task === 'deploy')).toBe(true);
  });

  it('leaves nothing in_progress when cancelled mid-deploy, also when killed outright', async () => {
    await release('v1');
    const cancelled = await release(
      'v2',
      { command: 'echo started; sleep 60' },
      { cancel: { when: (out) => out.includes('started'), graceMs: 7500 } },
    );
    expect(cancelled.conclusion).toBe('cancelled');
    expect(cancelled.outputs.result).toBe('cancelled');
    const killed = await release(
      'v2',
      { command: 'echo started; sleep 60' },
      { cancel: { when: (out) => out.includes('started'), kill: true } },
    );
    expect(killed.conclusion).toBe('cancelled');
    expect(killed.post?.exitCode).toBe(0);
    const all = await deployments();
    expect(all.filter((d) => OPEN_STATES.includes(d.state))).toEqual([]);
    expect(all.map((d) => d.state)).toEqual(['error', 'error', 'success']);
    expect(await served(router)).toBe('v1');
  }, 30_000);

  it('leaves nothing in_progress when the job is killed during the rollback', async () => {
    await release('v1');
    const killed = await release(
      'v3',
      { 'rollback-command': 'echo rolling back; sleep 60' },
      { cancel: { when: (out) => out.includes('rolling back'), kill: true } },
    );
    expect(killed.conclusion).toBe('cancelled');
    const [rollback] = await deployments();
    expect(rollback!.task).toBe('deploy:rollback');
    expect(rollback!.state).toBe('error');
    expect(rollback!.statuses[0]?.description).toContain('the release step ended before it finished');
    expect(killed.annotations.some((a) => a.message.includes('marked error by the post step'))).toBe(true);
  }, 30_000);

  it('is blocked, changing nothing, while another deploy holds the environment (on-concurrent: fail)', async () => {
    await release('v1');
    // A deploy whose runner died: its deployment stays in_progress, since no post step ran.
    const stuck = await release(
      'v2',
      { command: 'echo started; sleep 60' },
      { cancel: { when: (out) => out.includes('started'), kill: true }, skipPost: true },
    );
    expect(stuck.post).toBeUndefined();
    const blocked = await release('v3', { 'on-concurrent': 'fail' });
    expect(blocked.outputs.result).toBe('blocked');
    expect(blocked.annotations.at(-1)?.message).toMatch(
      /^release: v3 did not deploy: deployment \d+ \(v2, in_progress\) is still in progress/,
    );
    expect(blocked.main.stdout).not.toContain('switching to v3');
    expect(await served(router)).toBe('v1');
    const [v3, v2] = await deployments();
    expect([v3!.state, v2!.state]).toEqual(['error', 'in_progress']);
  }, 30_000);

  it('stops at the gates, before anything is recorded', async () => {
    const stopped = await release('v1', { gates: 'env: { secrets: [DEPLOY_KEY] }' });
    expect(stopped.conclusion).toBe('failure');
    expect(stopped.outputs).toMatchObject({ result: 'gates-failed' });
    expect(stopped.outputs['deployment-id']).toBeUndefined();
    expect(stopped.summary).toContain('⛔ stopped by the gates');
    expect(stopped.summary).toMatch(/\| env \| ❌ fail \|/);
    // One log group per gate, as preflight-gates has it: none around them (GitHub does not nest groups).
    expect(stopped.main.stdout).toMatch(/^▸ env gate$/m);
    expect(stopped.main.stdout).not.toMatch(/^▸ gates$/m);
    expect(existsSync(ledgerPath)).toBe(false);
    const passed = await release(
      'v1',
      { gates: 'env: { secrets: [DEPLOY_KEY] }' },
      {
        env: { LIVE_FILE: router.liveFile, DEPLOY_KEY: 'k3y' },
      },
    );
    expect(passed.outputs.result).toBe('released');
    expect(passed.summary).toMatch(/\| gates \| ✅ success \|/);
  });

  it('refuses bad input before anything happens, naming the input', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ 'smoke-latency-p95': 'fast' }, /'smoke-latency-p95' must be a duration/],
      [{ 'smoke-url': 'not a url' }, /'smoke-url' must be/],
      [{ 'auto-rollback': 'maybe' }, /'auto-rollback' must be/],
      [{ gates: 'nonsense: 1' }, /gates/],
      [{ command: '' }, /'command' is required/],
      // The token is checked with the inputs, before a gate runs a command.
      [
        { ledger: 'github', gates: 'command: [{ name: touch, run: touch gate-ran }]' },
        /'token' is needed for ledger: github/,
      ],
    ];
    for (const [inputs, message] of cases) {
      const result = await release('v1', inputs);
      expect(result.conclusion).toBe('failure');
      expect(result.annotations.at(-1)?.message).toMatch(/^release: /);
      expect(result.annotations.at(-1)?.message).toMatch(message);
    }
    expect(existsSync(ledgerPath)).toBe(false);
    expect(existsSync(router.liveFile)).toBe(false);
    expect(existsSync(join(workspace, 'gate-ran'))).toBe(false);
  });
});

describe('the root action on GitHub Deployments (the fake GitHub)', () => {
  let gh: FakeGitHub;
  let workspace: string;
  let router: Router;
  const shas: Record<string, string> = {};
  const release = (
    version: string,
    inputs: Record<string, string> = {},
    extra: Partial<RunActionOptions> = {},
  ) =>
    runAction({
      action: repoRoot,
      inputs: {
        environment: 'production',
        version,
        ref: shas[version]!,
        command: DEPLOY,
        'smoke-url': `${router.url}/health`,
        'smoke-wait-timeout': '2s',
        url: 'https://app.example.com',
        ...inputs,
      },
      node,
      workspace,
      env: { ...gh.env(), LIVE_FILE: router.liveFile },
      github: { token: gh.token, repository: 'octo/app', sha: shas.v1, runId: '12', actor: 'gina' },
      ...extra,
    } as RunActionOptions);
  const deployments = () => gh.store.repo('octo/app').deployments;

  beforeEach(async () => {
    gh = await startFakeGitHub();
    gh.store.addRepo({ owner: 'octo', name: 'app' });
    for (const version of ['v1', 'v2', 'v3']) {
      shas[version] = gh.store.addCommit('octo/app', { branch: 'main', message: `feat: ${version}` });
    }
    workspace = mkdtempSync(join(tmpdir(), 'release-gh-'));
    router = await startRouter(apps, join(workspace, 'live'));
  });
  afterEach(async () => {
    await router.close();
    assertConformance(gh.requests);
    await gh.close();
  });

  it('releases, then rolls a bad release back to the previous one', async () => {
    const good = await release('v1');
    expect(good.main.stderr).toBe('');
    expect(good.outputs.result).toBe('released');
    const bad = await release('v3');
    expect(bad.outputs).toMatchObject({ result: 'rolled-back', 'rolled-back-to-version': 'v1' });
    expect(await served(router)).toBe('v1');
    const [v1, v3, rollback] = deployments();
    expect(v1!.statuses.at(-1)?.state).toBe('inactive');
    expect(v3!.statuses.at(-1)?.state).toBe('inactive');
    expect(rollback!.task).toBe('deploy:rollback');
    // The second in_progress records the redeploy command's process group with the lease (issue 15).
    expect(rollback!.statuses.map((s) => s.state)).toEqual(['in_progress', 'in_progress', 'success']);
    expect(rollback!.statuses.at(-1)?.environmentUrl).toBe('https://app.example.com/');
    expect(bad.summary).toMatch(/\d+ API calls/);
  });

  it("asks GitHub for the commit's checks at the gates: a failed check stops the release before a deployment", async () => {
    const gates =
      'checks: { names: [lint, test], grace: 1s, interval: 100ms, max-interval: 200ms, timeout: 10s }';
    gh.store.addCheckRun('octo/app', { headSha: shas.v2!, name: 'lint', conclusion: 'success' });
    gh.store.addCheckRun('octo/app', { headSha: shas.v2!, name: 'test', conclusion: 'failure' });
    const stopped = await release('v2', { gates });
    expect(stopped.outputs.result).toBe('gates-failed');
    expect(
      stopped.annotations.some(
        (a) => a.properties.title === 'gate checks: fail' && a.message.includes('test'),
      ),
    ).toBe(true);
    expect(deployments()).toEqual([]);
    gh.store.addCheckRun('octo/app', { headSha: shas.v1!, name: 'lint', conclusion: 'success' });
    gh.store.addCheckRun('octo/app', { headSha: shas.v1!, name: 'test', conclusion: 'success' });
    const passed = await release('v1', { gates });
    expect(passed.outputs.result).toBe('released');
    expect(deployments()).toHaveLength(1);
  });

  it('rolls back to the same release bundle, restored from the Actions cache', async () => {
    const cache = await startFakeCacheService();
    try {
      const env = { ...gh.env(), ...cache.env(), LIVE_FILE: router.liveFile };
      mkdirSync(join(workspace, 'build'));
      // The bundle names the version the router sends traffic to; the deploy ships the bundle.
      const ship =
        'cat "$DEPLOY_KIT_ARTIFACT_PATH/release" > "$LIVE_FILE"; echo "shipped $(cat "$DEPLOY_KIT_ARTIFACT_PATH/release")"';
      writeFileSync(join(workspace, 'build/release'), 'v1');
      const first = await release('v1', { command: ship, 'artifact-path': 'build' }, { env });
      expect(first.outputs.result).toBe('released');
      writeFileSync(join(workspace, 'build/release'), 'v3');
      const bad = await release('v3', { command: ship, 'artifact-path': 'build' }, { env });
      expect(bad.outputs).toMatchObject({ result: 'rolled-back', 'rolled-back-to-version': 'v1' });
      expect(bad.main.stdout).toContain('shipped v1');
      expect(readFileSync(join(workspace, 'build/release'), 'utf8')).toBe('v1');
      expect(await served(router)).toBe('v1');
    } finally {
      await cache.close();
    }
  });

  it('leaves nothing in_progress when cancelled, through API faults', async () => {
    await release('v1');
    gh.faults.serverError('POST /repos/{owner}/{repo}/deployments', { times: 1, status: 502 });
    const cancelled = await release(
      'v2',
      { command: 'echo started; sleep 60' },
      { cancel: { when: (out) => out.includes('started'), kill: true } },
    );
    expect(cancelled.conclusion).toBe('cancelled');
    expect(deployments()).toHaveLength(2);
    expect(deployments().map((d) => d.statuses.at(-1)?.state)).toEqual(['success', 'error']);
  }, 30_000);
});
