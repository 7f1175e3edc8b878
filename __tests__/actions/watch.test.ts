// Runner-contract tests: the built watch bundle over a file ledger whose history the real deploy-env bundle
// made, reading each release's request and error counts as JSON from a server on loopback (metrics:
// http-json, templated by version), and rolling back through the rollback engine with a real command.
import { mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DeploymentEntry } from '../../src/ledger/types.js';
import { type ActionRun, type RunActionOptions, runAction } from '../../src/runner/runner.js';
import { assertConformance, type FakeGitHub, startFakeGitHub } from '../fakes/github/index.js';
import { startTestApp, type TestApp } from '../fakes/test-app.js';
import {
  PROMETHEUS_MISSING,
  prometheusAvailable,
  type RunningPrometheus,
  startPrometheus,
} from '../helpers/prometheus.js';
import { nodeBinaries, repoRoot } from '../helpers/repo.js';

const node = nodeBinaries().at(-1)!.path;
const SHA = 'c'.repeat(40);

/** Each release's counts, served at /stats/<version>: what a metrics endpoint split by version answers. */
const counts = new Map<string, { requests: number; errors: number }>();
let server: Server;
let statsUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const version = decodeURIComponent(req.url?.split('/stats/')[1] ?? '');
    const answer = counts.get(version);
    res.writeHead(answer ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer ?? { error: 'unknown version' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  statsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/stats/{{version}}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('watch (built bundle, file ledger, http-json)', () => {
  let workspace: string;
  const ledgerFile = () => join(workspace, 'ledger.json');
  const deployments = (): DeploymentEntry[] =>
    (JSON.parse(readFileSync(ledgerFile(), 'utf8')) as { deployments: DeploymentEntry[] }).deployments;
  const stateOf = (d: DeploymentEntry) => (d.statuses as { state: string }[]).at(-1)?.state;
  const rollbacks = () => deployments().filter((d) => d.task === 'deploy:rollback');

  const deployEnv = (version: string) =>
    runAction({
      action: join(repoRoot, 'deploy-env'),
      node,
      workspace,
      inputs: { environment: 'production', version, ledger: 'file:ledger.json', command: 'true' },
      github: { sha: SHA, repository: 'octo/app' },
    });
  const watch = (inputs: Record<string, string> = {}, extra: Partial<RunActionOptions> = {}) =>
    runAction({
      action: join(repoRoot, 'watch'),
      node,
      workspace,
      inputs: {
        environment: 'production',
        ledger: 'file:ledger.json',
        metrics: 'http-json',
        'json-url': statsUrl,
        'json-fields': 'requests: requests\nerrors: errors',
        window: '24h',
        every: '15m',
        'rollback-command': 'echo "redeploying $DEPLOY_KIT_VERSION"',
        'concurrent-timeout': '60s',
        ...inputs,
      },
      github: { sha: SHA, repository: 'octo/app', runId: '77', actor: 'scheduler' },
      ...extra,
    });

  beforeEach(async () => {
    workspace = realpathSync(mkdtempSync(join(tmpdir(), 'watch-')));
    counts.clear();
    counts.set('v1', { requests: 5000, errors: 10 });
    for (const version of ['v1', 'v2']) expect((await deployEnv(version)).conclusion).toBe('success');
  });

  it('rolls back a release whose error rate breaches inside its window, and records why', async () => {
    counts.set('v2', { requests: 5000, errors: 300 });
    const run = await watch();
    expect(run.main.stderr).toBe('');
    expect(run.conclusion).toBe('success');
    expect(run.outputs).toMatchObject({
      status: 'rolled-back',
      verdict: 'fail',
      version: 'v2',
      'previous-version': 'v1',
      'rolled-back': 'true',
      'deployment-id': '2',
      'rollback-deployment-id': '3',
    });
    expect(run.main.stdout).toContain('redeploying v1');
    const [rollback] = rollbacks();
    expect(stateOf(rollback!)).toBe('success');
    const record = (rollback!.payload as { 'deploy-kit': { rollback: { reason: string } } })['deploy-kit'];
    expect(record.rollback.reason).toMatch(/^watch: v2 breached inside its window: error rate fails/);
    // The release rolled back says why, on its own deployment.
    const v2 = deployments().find((d) => d.id === '2')!;
    expect(stateOf(v2)).toBe('inactive');
    expect((v2.statuses as { description?: string }[]).at(-1)?.description).toContain('watch: v2 breached');
    expect(run.summary).toContain('Breach: rolled back: production');
    expect(run.summary).toContain('Window start (went live)');
    expect(run.summary).toContain('v2 against v1, at 99.9896% per look (96 looks in the window)');
    expect(run.summary).toContain('```mermaid');
    expect(
      run.annotations.some(
        (a) => a.level === 'warning' && a.message.startsWith('watch: production rolled back from v2 to v1'),
      ),
    ).toBe(true);

    // The next look finds the rollback live: nothing to watch, nothing changed.
    const after = await watch();
    expect(after.outputs.status).toBe('nothing-to-watch');
    expect(after.outputs.reason).toContain('is a rollback from v2 (deployment 2)');
    expect(rollbacks()).toHaveLength(1);
  });

  it('leaves a healthy release alone and says so', async () => {
    counts.set('v2', { requests: 5000, errors: 11 });
    const before = readFileSync(ledgerFile(), 'utf8');
    const run = await watch();
    expect(run.conclusion).toBe('success');
    expect(run.outputs).toMatchObject({ status: 'healthy', verdict: 'pass', 'rolled-back': 'false' });
    expect(run.summary).toContain('Healthy so far: production');
    expect(run.summary).toContain('Verdict so far');
    expect(readFileSync(ledgerFile(), 'utf8')).toBe(before);
  });

  it('does nothing outside the window, without asking for metrics', async () => {
    counts.set('v2', { requests: 5000, errors: 300 });
    // The releases went live two hours ago (the ledger's times moved back), and the window is one hour.
    const stored = JSON.parse(readFileSync(ledgerFile(), 'utf8'));
    const shift = (iso: string) => new Date(Date.parse(iso) - 2 * 3_600_000).toISOString();
    for (const deployment of stored.deployments) {
      deployment.createdAt = shift(deployment.createdAt);
      for (const status of deployment.statuses) status.createdAt = shift(status.createdAt);
    }
    writeFileSync(ledgerFile(), JSON.stringify(stored));
    const before = readFileSync(ledgerFile(), 'utf8');
    const run = await watch({ window: '1h' });
    expect(run.conclusion).toBe('success');
    expect(run.outputs.status).toBe('outside-window');
    expect(run.outputs.reason).toMatch(/its window closed at .*: nothing to do$/);
    expect(Number(run.outputs['elapsed-seconds'])).toBeGreaterThanOrEqual(7200);
    expect(run.summary).toContain('(window closed)');
    expect(readFileSync(ledgerFile(), 'utf8')).toBe(before);
  });

  it('rolls back once when two watches overlap (two processes at once)', async () => {
    counts.set('v2', { requests: 5000, errors: 300 });
    const slow = { 'rollback-command': 'echo "redeploying $DEPLOY_KIT_VERSION"; sleep 2' };
    const [a, b] = await Promise.all([watch(slow), watch(slow)]);
    for (const run of [a, b]) {
      expect(run.conclusion, run.main.stdout).toBe('success');
      expect(run.outputs.status).toBe('rolled-back');
    }
    // One rollback went live; the run that lost the race stood down once its turn came (a deployment it
    // had already opened is closed inactive, never live).
    const live = rollbacks().filter((d) =>
      (d.statuses as { state: string }[]).some((s) => s.state === 'success'),
    );
    expect(live).toHaveLength(1);
    for (const d of rollbacks()) expect(['success', 'inactive']).toContain(stateOf(d));
    // One redeployed; the other found the rollback from the same release and said so.
    const redeployed = [a, b].filter((run) => run.main.stdout.includes('redeploying v1'));
    expect(redeployed).toHaveLength(1);
    expect(new Set([a.outputs['rollback-deployment-id'], b.outputs['rollback-deployment-id']])).toEqual(
      new Set([live[0]!.id]),
    );
    const standDown = [a, b].find((run) => !run.main.stdout.includes('redeploying v1'))!;
    expect(standDown.outputs.reason).toContain('was already rolled back from v2');
    expect(stateOf(deployments().at(-1)!)).not.toBe('in_progress');
    expect(deployments().filter((d) => ['in_progress', 'queued', 'pending'].includes(stateOf(d)!))).toEqual(
      [],
    );
  });

  const midRollback = (stdout: string) => stdout.includes('rolling-back-now');
  const slowRollback = { 'rollback-command': 'echo rolling-back-now; sleep 30' };

  it.each([
    ['cancelled', { when: midRollback, graceMs: 7500 }],
    ['SIGKILLed', { when: midRollback, kill: true }],
  ] as const)(
    'leaves a clean state when %s mid-rollback, and the next look rolls back',
    async (_, cancel) => {
      counts.set('v2', { requests: 5000, errors: 300 });
      const cut: ActionRun = await watch(slowRollback, { cancel });
      expect(cut.conclusion).not.toBe('success');
      // Nothing left open: the rollback's deployment ended (error), and v2 is still what is live.
      const open = deployments().filter((d) => ['in_progress', 'queued', 'pending'].includes(stateOf(d)!));
      expect(open).toEqual([]);
      expect(rollbacks().map(stateOf)).toEqual(['error']);
      // The next scheduled look, without a hand edit, finds v2 live and breaching, and rolls it back.
      const next = await watch();
      expect(next.outputs.status).toBe('rolled-back');
      expect(rollbacks().map(stateOf)).toEqual(['error', 'success']);
    },
  );

  it('refuses bad input before reading anything, naming the input', async () => {
    const bad = await watch({ window: 'forever' });
    expect(bad.conclusion).toBe('failure');
    expect(bad.annotations.at(-1)?.message).toMatch(/^watch: 'window' must be a duration/);
    const probe = await watch({ metrics: 'probe', 'canary-url': 'http://127.0.0.1:9/' });
    expect(probe.annotations.at(-1)?.message).toBe(
      "watch: 'compare' must be limits with metrics: probe: the probe reaches the live release only, the previous one is gone",
    );
    const every = await watch({ window: '10m', every: '15m' });
    expect(every.annotations.at(-1)?.message).toContain(
      "'every' (15 m) must not be longer than 'window' (10 m)",
    );
  });
});

describe('watch on GitHub Deployments (fake GitHub)', () => {
  let gh: FakeGitHub;
  let workspace: string;
  const shas: Record<string, string> = {};
  const github = (runId: string) => ({
    token: gh.token,
    repository: 'octo/app',
    sha: shas.v2!,
    ref: 'refs/heads/main',
    runId,
    actor: 'scheduler',
  });

  beforeEach(async () => {
    gh = await startFakeGitHub();
    gh.store.addRepo({ owner: 'octo', name: 'app' });
    for (const version of ['v1', 'v2'])
      shas[version] = gh.store.addCommit('octo/app', { branch: 'main', message: `feat: ${version}` });
    workspace = mkdtempSync(join(tmpdir(), 'watch-gh-'));
    counts.clear();
    counts.set('v1', { requests: 5000, errors: 10 });
    for (const version of ['v1', 'v2']) {
      const deployed = await runAction({
        action: join(repoRoot, 'deploy-env'),
        node,
        workspace,
        env: gh.env(),
        inputs: { environment: 'production', version, ref: shas[version]!, command: 'true' },
        github: github('1'),
      });
      expect(deployed.conclusion).toBe('success');
    }
  });
  afterEach(async () => {
    assertConformance(gh.requests);
    await gh.close();
  });

  const watch = (runId: number) => {
    gh.store.addWorkflowRun('octo/app', { id: runId });
    return runAction({
      action: join(repoRoot, 'watch'),
      node,
      workspace,
      env: gh.env(),
      inputs: {
        environment: 'production',
        metrics: 'http-json',
        'json-url': statsUrl,
        'json-fields': 'requests: requests\nerrors: errors',
        'rollback-command': 'echo "redeploying $DEPLOY_KIT_VERSION"; sleep 2',
        'concurrent-timeout': '60s',
      },
      github: github(String(runId)),
    });
  };

  it('rolls a breaching release back once, with two scheduled runs overlapping, and records why', async () => {
    counts.set('v2', { requests: 5000, errors: 300 });
    const [a, b] = await Promise.all([watch(901), watch(902)]);
    for (const run of [a, b]) {
      expect(run.conclusion, run.main.stdout).toBe('success');
      expect(run.outputs.status).toBe('rolled-back');
    }
    const deployments = gh.store.repo('octo/app').deployments;
    const rollbacks = deployments.filter((d) => d.task === 'deploy:rollback');
    const live = rollbacks.filter((d) => d.statuses.some((s) => s.state === 'success'));
    expect(live).toHaveLength(1);
    for (const d of rollbacks) expect(['success', 'inactive']).toContain(d.statuses.at(-1)?.state);
    expect([a, b].filter((run) => run.main.stdout.includes('redeploying v1'))).toHaveLength(1);
    const v2 = deployments[1]!;
    expect(v2.statuses.at(-1)).toMatchObject({ state: 'inactive' });
    expect(v2.statuses.at(-1)?.description).toContain('watch: v2 breached inside its window');

    const healthyNow = await watch(903);
    expect(healthyNow.outputs.status).toBe('nothing-to-watch');
  });
});

const prometheusPresent = prometheusAvailable();
if (!prometheusPresent) console.warn(`skipping the watch test judged by Prometheus: ${PROMETHEUS_MISSING}`);

/** Sends GETs to `url` (4 at a time) for `ms`. */
async function loadFor(url: string, ms: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const until = Date.now() + ms;
  let sent = 0;
  const worker = async () => {
    while (Date.now() < until) {
      await new Promise<void>((resolve) => {
        const req = request(`${url}/`, { agent }, (res) => {
          res.resume();
          res.on('end', resolve);
        });
        req.on('error', () => resolve());
        req.end();
      });
      sent += 1;
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  agent.destroy();
  return sent;
}

describe.skipIf(!prometheusPresent)('watch judged by a real Prometheus scraping both releases', () => {
  let v1: TestApp;
  let v2: TestApp;
  let prometheus: RunningPrometheus;
  beforeAll(async () => {
    v1 = await startTestApp({ version: 'v1' });
    v2 = await startTestApp({ version: 'v2', failRate: 0.2 });
    prometheus = await startPrometheus({ targets: [v1.url, v2.url] });
  });
  afterAll(async () => {
    await prometheus?.close();
    await Promise.all([v1?.close(), v2?.close()]);
  });

  it('sees the new release fail more often than the one before it did while live, and rolls it back', async () => {
    const workspace = realpathSync(mkdtempSync(join(tmpdir(), 'watch-prometheus-')));
    const deploy = (version: string) =>
      runAction({
        action: join(repoRoot, 'deploy-env'),
        node,
        workspace,
        inputs: { environment: 'production', version, ledger: 'file:ledger.json', command: 'true' },
        github: { sha: SHA, repository: 'octo/app' },
      });
    // v1 serves for a while, then v2 replaces it and serves as long.
    expect((await deploy('v1')).conclusion).toBe('success');
    expect(await loadFor(v1.url, 4000)).toBeGreaterThan(100);
    expect((await deploy('v2')).conclusion).toBe('success');
    expect(await loadFor(v2.url, 4000)).toBeGreaterThan(100);
    await new Promise((resolve) => setTimeout(resolve, 2500)); // two scrapes past the last request
    const run = await runAction({
      action: join(repoRoot, 'watch'),
      node,
      workspace,
      inputs: {
        environment: 'production',
        ledger: 'file:ledger.json',
        metrics: 'prometheus',
        'prometheus-url': prometheus.url,
        'prometheus-queries': [
          'requests: sum(increase(http_requests_total{version="{{version}}"}[{{window}}]))',
          'errors: sum(increase(http_requests_total{version="{{version}}",code=~"5.."}[{{window}}]))',
        ].join('\n'),
        window: '1h',
        every: '5m',
        'rollback-command': 'echo "redeploying $DEPLOY_KIT_VERSION"',
      },
      github: { sha: SHA, repository: 'octo/app' },
    });
    expect(run.main.stderr).toBe('');
    expect(run.outputs).toMatchObject({ status: 'rolled-back', verdict: 'fail', 'previous-version': 'v1' });
    expect(run.outputs.reason).toContain('error rate fails');
    expect(run.main.stdout).toContain('redeploying v1');
  }, 60_000);
});
