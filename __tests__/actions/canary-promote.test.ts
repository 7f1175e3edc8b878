// Runner-contract tests: the built canary-promote bundle, run as the GitHub runner runs it, against two real
// test apps on loopback — behind a real nginx (router nginx) or moved by a command (router command) —
// judged with the built-in probe. Aborts, promotion, dry run, bad inputs, cancellation (main and post) and
// rollback: true on the fake GitHub and on the file ledger.

import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RolloutReport } from '../../src/canary/report.js';
import { type RunActionOptions, runAction } from '../../src/runner/runner.js';
import { startFakeCacheService } from '../fakes/cache/index.js';
import { assertConformance, type FakeGitHub, startFakeGitHub } from '../fakes/github/index.js';
import { startTestApp, type TestApp } from '../fakes/test-app.js';
import { NGINX_MISSING, nginxAvailable, type RunningNginx, startNginx } from '../helpers/nginx.js';
import {
  PROMETHEUS_MISSING,
  prometheusAvailable,
  type RunningPrometheus,
  startPrometheus,
} from '../helpers/prometheus.js';
import { nodeBinaries, repoRoot } from '../helpers/repo.js';

const node = nodeBinaries().at(-1)!.path;
const action = join(repoRoot, 'canary-promote');
const nginxPresent = nginxAvailable();
if (!nginxPresent) console.warn(`skipping the canary-promote tests behind nginx: ${NGINX_MISSING}`);
const prometheusPresent = prometheusAvailable();
if (!prometheusPresent)
  console.warn(`skipping the canary-promote tests judged by Prometheus: ${PROMETHEUS_MISSING}`);

/** Short steps and small samples: each rollout takes a second or two. */
const FAST = {
  environment: 'production',
  'baseline-version': 'v1',
  'canary-version': 'v2',
  steps: '25,50,100',
  hold: '300ms',
  interval: '100ms',
  'max-duration': '30s',
  'probe-requests': '20',
  'min-samples': '10',
  'max-samples': '60',
};

function hostOf(app: TestApp): string {
  return new URL(app.url).host;
}

/** Sends `n` GETs through `url` and counts the versions that answered. */
async function served(url: string, n: number): Promise<Map<string, number>> {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const counts = new Map<string, number>();
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const req = request(`${url}/`, { agent }, (res) => {
        res.resume();
        res.on('end', () => {
          const version = String(res.headers['x-app-version']);
          counts.set(version, (counts.get(version) ?? 0) + 1);
          resolve();
        });
      });
      req.on('error', reject);
      req.end();
    });
  try {
    for (let i = 0; i < n; i++) await one();
  } finally {
    agent.destroy();
  }
  return counts;
}

function reportOf(outputs: Record<string, string>): RolloutReport {
  return JSON.parse(outputs.report!) as RolloutReport;
}

function savedState(workspace: string): Record<string, { status: string; weight: number; steps: unknown[] }> {
  const file = JSON.parse(readFileSync(join(workspace, '.deploy-kit/canary-state.json'), 'utf8'));
  return file.rollouts;
}

/** The weights the command router was given, in order. */
function weights(workspace: string): number[] {
  const file = join(workspace, 'weights.txt');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map(Number);
}

const RECORD_WEIGHT = 'echo "$DEPLOY_KIT_CANARY_WEIGHT" >> weights.txt';

let baseline: TestApp;
let canary: TestApp;

beforeAll(async () => {
  baseline = await startTestApp({ version: 'v1', delayMs: 5 });
  canary = await startTestApp({ version: 'v2', delayMs: 5 });
});
afterAll(async () => {
  await baseline?.close();
  await canary?.close();
});
beforeEach(() => {
  baseline.set({ delayMs: 5, failRate: 0 });
  canary.set({ delayMs: 5, failRate: 0 });
});

describe.skipIf(!nginxPresent)('canary-promote behind a real nginx, judged by the probe', () => {
  let nginx: RunningNginx;
  let workspace: string;
  const run = (inputs: Record<string, string> = {}, extra: Partial<RunActionOptions> = {}) =>
    runAction({
      action,
      node,
      workspace,
      inputs: {
        ...FAST,
        router: 'nginx',
        'nginx-config': nginx.upstreamFile,
        'nginx-upstream': nginx.upstreamName,
        'nginx-baseline': hostOf(baseline),
        'nginx-canary': hostOf(canary),
        'nginx-args': nginx.nginxArgs.join(' '),
        'nginx-pid-file': nginx.pidFile,
        'baseline-url': baseline.url,
        'canary-url': canary.url,
        ...inputs,
      },
      ...extra,
    });

  beforeEach(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'canary-nginx-'));
    nginx = await startNginx({ servers: [baseline.url] });
  });
  afterEach(async () => {
    await nginx.close();
  });

  it('promotes a good canary to 100%: nginx then sends everything to it', async () => {
    const result = await run();
    expect(result.main.stderr).toBe('');
    expect(result.outputs).toMatchObject({
      promoted: 'true',
      aborted: 'false',
      'final-weight': '100',
      verdict: 'pass',
    });
    expect(result.conclusion).toBe('success');
    const report = reportOf(result.outputs);
    expect(report.steps.map((step) => [step.weight, step.outcome])).toEqual([
      [25, 'passed'],
      [50, 'passed'],
      [100, 'passed'],
    ]);
    for (const step of report.steps.slice(0, 2)) {
      expect(step.metrics.map((metric) => metric.metric).sort()).toEqual(['error-rate', 'latency']);
      for (const metric of step.metrics) expect(metric.samples.canary).toBeGreaterThanOrEqual(10);
    }
    const upstream = readFileSync(nginx.upstreamFile, 'utf8');
    expect(upstream).toContain(`server ${hostOf(canary)} weight=100;`);
    expect(upstream).not.toContain(hostOf(baseline));
    expect(await served(nginx.url, 10)).toEqual(new Map([['v2', 10]]));
    expect(result.summary).toContain('Canary promoted: v2 in production');
    expect(result.summary).toContain('xychart-beta');
    expect(result.main.log.groups).toEqual([
      'Step 1 of 3: 25% for at least 300 ms',
      'Step 2 of 3: 50% for at least 300 ms',
      'Step 3 of 3: 100% (promotion)',
    ]);
    // main finished with traffic where it belongs: post has nothing to clean up.
    expect(result.post?.stdout ?? '').not.toContain('weight was set back to 0');
  });

  it('aborts a slow canary: its weight goes back to 0 and nginx serves only the baseline', async () => {
    canary.set({ delayMs: 60 });
    const result = await run();
    expect(result.outputs).toMatchObject({
      promoted: 'false',
      aborted: 'true',
      'final-weight': '0',
      verdict: 'fail',
    });
    expect(result.conclusion).toBe('failure');
    const report = reportOf(result.outputs);
    expect(report.steps).toHaveLength(1);
    const latency = report.steps[0]!.metrics.find((metric) => metric.metric === 'latency')!;
    expect(latency.verdict).toBe('fail');
    expect(latency.canary!).toBeGreaterThan(latency.baseline! * 2);
    const upstream = readFileSync(nginx.upstreamFile, 'utf8');
    expect(upstream).toContain(`server ${hostOf(baseline)} weight=100;`);
    expect(upstream).not.toContain(hostOf(canary));
    expect(await served(nginx.url, 10)).toEqual(new Map([['v1', 10]]));
    const error = result.annotations.find((annotation) => annotation.level === 'error');
    expect(error?.message).toMatch(/^canary-promote: v2 aborted at step 1 \(25%\)/);
    expect(savedState(workspace)['canary-production-v2']).toMatchObject({ status: 'aborted', weight: 0 });
    expect(result.summary).toContain('Canary aborted');
  });

  it('aborts a failing canary on its error rate', async () => {
    canary.set({ failRate: 0.5 });
    const result = await run();
    expect(result.outputs).toMatchObject({ aborted: 'true', 'final-weight': '0', verdict: 'fail' });
    const errors = reportOf(result.outputs).steps[0]!.metrics.find(
      (metric) => metric.metric === 'error-rate',
    )!;
    expect(errors.verdict).toBe('fail');
    expect(errors.canary!).toBeGreaterThan(0.3);
    expect(errors.baseline).toBe(0);
    expect(await served(nginx.url, 6)).toEqual(new Map([['v1', 6]]));
  });

  it('reloads through nginx-reload-command, which finds the files from DEPLOY_KIT_NGINX_CONFIG', async () => {
    const result = await run({
      steps: '50,100',
      'nginx-test': 'false',
      'nginx-reload-command': [
        'prefix=$(dirname "$DEPLOY_KIT_NGINX_CONFIG")',
        'echo "$DEPLOY_KIT_CANARY_WEIGHT" >> "$prefix/reloads"',
        'nginx -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/error.log" -t -q',
        'nginx -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/error.log" -s reload',
      ].join('\n'),
    });
    expect(result.outputs.promoted).toBe('true');
    expect(await served(nginx.url, 6)).toEqual(new Map([['v2', 6]]));
    expect(readFileSync(join(nginx.prefix, 'reloads'), 'utf8')).toBe('50\n100\n');
  });

  it('refuses a bad nginx setting before touching the upstream file', async () => {
    const before = readFileSync(nginx.upstreamFile, 'utf8');
    const result = await run({ 'nginx-canary': 'evil; include /etc/passwd' });
    expect(result.conclusion).toBe('failure');
    expect(result.annotations.at(-1)?.message).toMatch(
      /^canary-promote: 'nginx-canary' \(router: nginx\): canary address must be/,
    );
    expect(readFileSync(nginx.upstreamFile, 'utf8')).toBe(before);
  });
});

/** Users' traffic through nginx until stopped: 4 clients, a request each every few ms. */
function loadThrough(url: string): { stop(): Promise<number> } {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  let running = true;
  let sent = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const req = request(`${url}/`, { agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', () => resolve());
      req.end();
    });
  const worker = async () => {
    while (running) {
      await one();
      sent += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  const workers = Promise.all(Array.from({ length: 4 }, worker));
  return {
    async stop() {
      running = false;
      await workers;
      agent.destroy();
      return sent;
    },
  };
}

describe.skipIf(!nginxPresent || !prometheusPresent)(
  'canary-promote behind a real nginx, judged by a real Prometheus scraping both versions',
  () => {
    let v1: TestApp;
    let v2: TestApp;
    let prometheus: RunningPrometheus;
    let nginx: RunningNginx;
    beforeAll(async () => {
      v1 = await startTestApp({ version: 'v1', delayMs: 2 });
      v2 = await startTestApp({ version: 'v2', delayMs: 2 });
      prometheus = await startPrometheus({ targets: [v1.url, v2.url] });
    });
    afterAll(async () => {
      await prometheus?.close();
      await v1?.close();
      await v2?.close();
    });
    beforeEach(async () => {
      nginx = await startNginx({ servers: [v1.url] });
    });
    afterEach(async () => {
      await nginx.close();
    });
    const run = async (canaryVersion: string) => {
      v2.set({ version: canaryVersion });
      const load = loadThrough(nginx.url);
      try {
        return await runAction({
          action,
          node,
          workspace: mkdtempSync(join(tmpdir(), 'canary-prometheus-')),
          inputs: {
            ...FAST,
            'canary-version': canaryVersion,
            steps: '25,100',
            hold: '5s',
            interval: '2500ms',
            'max-samples': '150',
            router: 'nginx',
            'nginx-config': nginx.upstreamFile,
            'nginx-upstream': nginx.upstreamName,
            'nginx-baseline': hostOf(v1),
            'nginx-canary': hostOf(v2),
            'nginx-args': nginx.nginxArgs.join(' '),
            'nginx-pid-file': nginx.pidFile,
            metrics: 'prometheus',
            'prometheus-url': prometheus.url,
            'prometheus-queries': [
              'requests: sum(increase(http_requests_total{version="{{version}}"}[{{window}}]))',
              'errors: sum(increase(http_requests_total{version="{{version}}",code=~"5.."}[{{window}}]))',
            ].join('\n'),
          },
        });
      } finally {
        await load.stop();
      }
    };

    it('promotes a good canary and sees it take the share of traffic it was given', async () => {
      v2.set({ failRate: 0 });
      const result = await run('v2');
      expect(result.outputs).toMatchObject({ promoted: 'true', verdict: 'pass', 'final-weight': '100' });
      const [first] = reportOf(result.outputs).steps;
      const errors = first!.metrics.find((metric) => metric.metric === 'error-rate')!;
      expect(errors.samples.canary).toBeGreaterThan(50);
      expect(first!.traffic?.observed).toBeGreaterThan(0.1);
      expect(first!.traffic?.observed).toBeLessThan(0.4);
      expect(first!.traffic?.far).toBe(false);
    });

    it('aborts a canary whose error rate Prometheus sees rise', async () => {
      v2.set({ failRate: 0.3 });
      const result = await run('v3');
      expect(result.outputs).toMatchObject({ aborted: 'true', verdict: 'fail', 'final-weight': '0' });
      const errors = reportOf(result.outputs).steps[0]!.metrics.find(
        (metric) => metric.metric === 'error-rate',
      )!;
      expect(errors.verdict).toBe('fail');
      expect(errors.canary!).toBeGreaterThan(0.15);
      expect(await served(nginx.url, 6)).toEqual(new Map([['v1', 6]]));
    });
  },
);

describe('canary-promote with router command', () => {
  let workspace: string;
  const run = (inputs: Record<string, string> = {}, extra: Partial<RunActionOptions> = {}) =>
    runAction({
      action,
      node,
      workspace,
      inputs: {
        ...FAST,
        router: 'command',
        'router-command': RECORD_WEIGHT,
        'baseline-url': baseline.url,
        'canary-url': canary.url,
        ...inputs,
      },
      ...extra,
    });
  beforeEach(() => {
    workspace = mkdtempSync(join(tmpdir(), 'canary-command-'));
  });

  it('gives the command each weight in DEPLOY_KIT_CANARY_WEIGHT, and 0 on an abort', async () => {
    const good = await run();
    expect(good.outputs.promoted).toBe('true');
    expect(weights(workspace)).toEqual([25, 50, 100]);

    const again = mkdtempSync(join(tmpdir(), 'canary-command-'));
    workspace = again;
    canary.set({ failRate: 0.5 });
    const bad = await run({ 'canary-version': 'v3' });
    expect(bad.outputs.aborted).toBe('true');
    expect(weights(workspace)).toEqual([25, 0]);
  });

  it('takes steps as a YAML list with a hold per step', async () => {
    const result = await run({
      steps: '- {weight: 30, hold: 200ms}\n- {weight: 60, hold: 400ms}\n- weight: 100',
    });
    expect(result.outputs.promoted).toBe('true');
    expect(weights(workspace)).toEqual([30, 60, 100]);
    expect(reportOf(result.outputs).settings.steps).toEqual([
      { weight: 30, holdMs: 200 },
      { weight: 60, holdMs: 400 },
      { weight: 100, holdMs: 0 },
    ]);
  });

  it('aborts by hand when control-file says abort: traffic back at once, verdict manual, the reason in the summary', async () => {
    writeFileSync(join(workspace, 'control.txt'), 'abort error budget burning\n');
    const result = await run({ 'control-file': 'control.txt' });
    expect(result.outputs).toMatchObject({ aborted: 'true', verdict: 'manual', 'final-weight': '0' });
    expect(weights(workspace)).toEqual([25, 0]);
    const report = reportOf(result.outputs);
    expect(report.reason).toBe(
      'aborted by hand through control-file control.txt at step 1 (25%): error budget burning',
    );
    expect(result.summary).toContain('control-file control.txt said abort (error budget burning)');
  });

  it('promotes by hand when control-file says promote: the steps left are skipped', async () => {
    writeFileSync(join(workspace, 'control.txt'), 'promote');
    const result = await run({ 'control-file': 'control.txt' });
    expect(result.outputs).toMatchObject({ promoted: 'true', verdict: 'manual', 'final-weight': '100' });
    expect(weights(workspace)).toEqual([25, 100]);
  });

  it('pauses while a GitHub variable read through control-url says pause, then carries on; its token never reaches the log', async () => {
    const gh = await startFakeGitHub();
    try {
      gh.store.addRepo({ owner: 'octo', name: 'app' });
      gh.addToken('github_pat_c0ntrolT0ken', { login: 'oncall', permissions: { variables: 'read' } });
      gh.store.setVariable('octo/app', 'CANARY_CONTROL', 'pause change freeze');
      // Someone sets it back to continue after six looks (100 ms apart).
      gh.store.onVariableRead('octo/app', 'CANARY_CONTROL', 7, () =>
        gh.store.setVariable('octo/app', 'CANARY_CONTROL', 'continue'),
      );
      const result = await run({
        'control-url': `${gh.url}/repos/octo/app/actions/variables/CANARY_CONTROL`,
        'control-headers': 'Authorization: Bearer github_pat_c0ntrolT0ken',
      });
      expect(result.outputs).toMatchObject({ promoted: 'true', verdict: 'pass' });
      expect(weights(workspace)).toEqual([25, 50, 100]);
      const [first] = reportOf(result.outputs).steps;
      expect(first!.controls?.map((c) => [c.command, c.reason])).toEqual([
        ['pause', 'change freeze'],
        ['continue', undefined],
      ]);
      // Held past its 300 ms while paused.
      expect(first!.durationMs).toBeGreaterThanOrEqual(600);
      expect(result.main.stdout).toContain('says pause (change freeze)');
      expect(result.main.stdout).not.toContain('github_pat_c0ntrolT0ken');
      assertConformance(gh.requests);
    } finally {
      await gh.close();
    }
  });

  it('carries on when the control cannot be read (GitHub answering 502), saying so once', async () => {
    const gh = await startFakeGitHub();
    try {
      gh.store.addRepo({ owner: 'octo', name: 'app' });
      gh.faults.serverError('GET /repos/{owner}/{repo}/actions/variables/{name}', {
        times: Infinity,
        status: 502,
      });
      const result = await run({
        'control-url': `${gh.url}/repos/octo/app/actions/variables/CANARY_CONTROL`,
        'control-headers': `Authorization: Bearer ${gh.token}`,
      });
      expect(result.outputs).toMatchObject({ promoted: 'true', verdict: 'pass' });
      expect(weights(workspace)).toEqual([25, 50, 100]);
      const warnings = result.annotations.filter(
        (a) => a.level === 'warning' && a.message.includes('answered HTTP 502'),
      );
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.message).toContain('; ignored');
      // Read before every judgment (a step passes at its hold, so the looks are what the holds allow), but
      // warned about once.
      const looks = reportOf(result.outputs).steps.reduce((sum, step) => sum + step.looks, 0);
      expect(looks).toBeGreaterThanOrEqual(2);
      expect(gh.requests.filter((r) => r.path.includes('/actions/variables/')).length).toBeGreaterThanOrEqual(
        looks,
      );
    } finally {
      await gh.close();
    }
  });

  it('judges on a dry run without moving any traffic', async () => {
    canary.set({ delayMs: 60 });
    const result = await run({ 'dry-run': 'true' });
    expect(weights(workspace)).toEqual([]);
    expect(result.outputs).toMatchObject({ aborted: 'true', verdict: 'fail', 'final-weight': '0' });
    expect(reportOf(result.outputs).dryRun).toBe(true);
    expect(result.summary).toContain('dry run: no traffic moved');
    expect(result.main.stdout).toContain("dry run: the canary's weight would be set to 25%");
  });

  it.each([
    [{ steps: '5,50,25' }, "'steps' must increase step by step"],
    [{ router: '' }, "'router' is required"],
    [{ router: 'haproxy' }, "'router' must be one of nginx, command, http, got 'haproxy'"],
    [{ 'router-command': '' }, "'router-command' is required with router: command"],
    [{ interval: 'fast' }, "'interval' must be a duration like 200ms or 1.5s, got 'fast'"],
    [{ confidence: '101%' }, "'confidence' must be a percentage"],
    [{ 'on-error': 'retry' }, "'on-error' must be one of hold, extend, abort, promote, got 'retry'"],
    [{ 'canary-url': 'not a url' }, "'canary-url' must be"],
    [{ 'max-duration': '500ms' }, "'max-duration' (500 ms) is shorter than the steps' holds together"],
    [{ 'canary-version': 'v1' }, "'canary-version' must differ from baseline-version"],
    [
      { 'control-file': 'control.txt', 'control-url': 'http://127.0.0.1:1/' },
      "'control-file' and 'control-url' are both given: give one of them",
    ],
    [{ 'control-url': 'ops:8080/control' }, "'control-url' must be an http(s) URL, got 'ops:8080/control'"],
    [
      { metrics: 'prometheus', 'prometheus-url': 'http://127.0.0.1:1' },
      "'prometheus-queries' is required with metrics: prometheus",
    ],
    // A router's or metric source's own checks name the input behind the setting at fault.
    [
      {
        router: 'nginx',
        'nginx-config': 'upstream.conf',
        'nginx-upstream': 'app',
        'nginx-baseline': '127.0.0.1:8081',
        'nginx-canary': '127.0.0.1:8082 backup',
      },
      "'nginx-canary' (router: nginx): canary address must be host:port",
    ],
    [
      {
        router: 'nginx',
        'nginx-config': 'u.conf',
        'nginx-upstream': 'app;',
        'nginx-baseline': 'a',
        'nginx-canary': 'b',
      },
      "'nginx-upstream' (router: nginx): upstream name must be",
    ],
    [
      { metrics: 'prometheus', 'prometheus-url': 'http://127.0.0.1:1', 'prometheus-queries': 'errors: up' },
      "'prometheus-queries' (metrics: prometheus): an errors or error rate query needs a requests query",
    ],
    [
      {
        metrics: 'prometheus',
        'prometheus-url': 'http://127.0.0.1:1',
        'prometheus-queries': 'latency-histogram: sum by (le) (x_bucket)\nlatency: q',
      },
      "'prometheus-queries' (metrics: prometheus): give a latency histogram query (every request a sample) or a latency query (an aggregate), not both",
    ],
    [
      {
        metrics: 'prometheus',
        'prometheus-url': 'http://127.0.0.1:1',
        'prometheus-queries': 'requests: sum(r)',
        'prometheus-step': '0s',
      },
      "'prometheus-step' must be a duration from 1 s to 24 h, got '0s'",
    ],
    [
      { metrics: 'http-json', 'json-url': 'http://127.0.0.1:1/{{nope}}', 'json-fields': 'requests: n' },
      "'json-url' (metrics: http-json): the baseline URL uses unknown placeholder(s) {{nope}}",
    ],
  ])('refuses %o before anything changes', async (inputs, message) => {
    const result = await run(inputs as Record<string, string>);
    expect(result.conclusion).toBe('failure');
    expect(result.annotations.at(-1)?.message).toContain(`canary-promote: ${message}`);
    expect(weights(workspace)).toEqual([]);
    expect(existsSync(join(workspace, '.deploy-kit/canary-state.json'))).toBe(false);
  });

  it('aborts on an absolute threshold the canary breaks, though it is no slower than the baseline', async () => {
    const result = await run({ 'latency-p95': '1ms' });
    expect(result.outputs).toMatchObject({ aborted: 'true', verdict: 'fail' });
    const latency = reportOf(result.outputs).steps[0]!.metrics.find((metric) => metric.metric === 'latency')!;
    expect(latency.threshold).toContain('p95 ≤ 1 ms');
    expect(latency.reason).toMatch(/p95 .* > 1 ms/);
    expect(weights(workspace)).toEqual([25, 0]);
  });

  it('applies on-inconclusive when a step ends with too few samples', async () => {
    const result = await run({
      'probe-requests': '3',
      'min-samples': '50',
      'max-samples': '100',
      'on-inconclusive': 'abort',
    });
    expect(result.outputs).toMatchObject({ aborted: 'true', verdict: 'inconclusive' });
    const [step] = reportOf(result.outputs).steps;
    expect(step!.policies.map((policy) => [policy.input, policy.policy])).toEqual([
      ['on-inconclusive', 'abort'],
    ]);
    expect(result.summary).toContain('on-inconclusive: abort');
  });

  it.each([
    ['abort', { aborted: 'true', verdict: 'error' }, [25, 0]],
    ['promote', { promoted: 'true', verdict: 'pass' }, [25, 50, 100]],
  ])('applies on-error: %s when the metric source cannot answer', async (policy, outputs, moved) => {
    const result = await run({
      metrics: 'http-json',
      'json-url': `${canary.url}/status/503?side={{side}}`,
      'json-fields': 'requests: requests',
      'on-error': policy,
    });
    expect(result.outputs).toMatchObject(outputs);
    expect(weights(workspace)).toEqual(moved);
    expect(reportOf(result.outputs).steps[0]!.notes.join(' ')).toContain('answered HTTP 503');
  });

  it('does not judge an aborted canary again on a re-run: its weight is set to 0 again', async () => {
    canary.set({ delayMs: 60 });
    const first = await run();
    expect(first.outputs.aborted).toBe('true');
    canary.set({ delayMs: 5 });
    const again = await run();
    expect(again.outputs).toMatchObject({ aborted: 'true', verdict: 'fail', 'final-weight': '0' });
    expect(reportOf(again.outputs).reason).toMatch(/^aborted in an earlier run: /);
    expect(again.summary).toContain('Resumed');
    expect(weights(workspace)).toEqual([25, 0, 0]);
  });

  it('aborts with verdict router when the command cannot set a weight', async () => {
    const result = await run({ 'router-command': `${RECORD_WEIGHT}; [ "$DEPLOY_KIT_CANARY_WEIGHT" != 50 ]` });
    expect(result.outputs).toMatchObject({ aborted: 'true', verdict: 'router', 'final-weight': '0' });
    expect(weights(workspace)).toEqual([25, 50, 0]);
    expect(result.annotations.at(-1)?.message).toContain("could not set the canary's weight to 50%");
  });

  it('returns traffic to the baseline when the job is cancelled mid-rollout', async () => {
    const result = await run(
      { steps: '25,100', hold: '30s' },
      { cancel: { when: (out) => out.includes('weight is now 25%'), graceMs: 7500 } },
    );
    expect(result.conclusion).toBe('cancelled');
    expect(weights(workspace)).toEqual([25, 0]);
    expect(savedState(workspace)['canary-production-v2']).toMatchObject({ status: 'cancelled', weight: 0 });
    expect(result.outputs).toMatchObject({ verdict: 'cancelled', 'final-weight': '0' });
  });

  it('returns traffic from the post step when main was killed mid-rollout', async () => {
    const result = await run(
      { steps: '25,100', hold: '30s' },
      { cancel: { when: (out) => out.includes('weight is now 25%'), kill: true } },
    );
    expect(result.main.signal).toBe('SIGKILL');
    expect(result.post?.exitCode).toBe(0);
    expect(weights(workspace)).toEqual([25, 0]);
    expect(savedState(workspace)['canary-production-v2']).toMatchObject({ status: 'cancelled', weight: 0 });
    expect(result.post?.summary).toContain('cleaned up after the step did not finish');
  });

  it('resumes on a re-run on a fresh runner from the state the Actions cache kept', async () => {
    const cache = await startFakeCacheService();
    try {
      const first = await run(
        { steps: '25,100', hold: '30s' },
        {
          env: cache.env(),
          github: { runId: '5', runAttempt: '1' },
          cancel: { when: (out) => out.includes('weight is now 25%'), kill: true },
        },
      );
      expect(first.post?.exitCode).toBe(0);
      expect(weights(workspace)).toEqual([25, 0]);

      workspace = mkdtempSync(join(tmpdir(), 'canary-rerun-'));
      const rerun = await run(
        { steps: '25,100' },
        { env: cache.env(), github: { runId: '5', runAttempt: '2' } },
      );
      expect(rerun.main.stdout).toContain('state of attempt 1 restored from the Actions cache');
      expect(rerun.main.stdout).toContain('was cancelled in run 5.1');
      // The cancelled rollout's weight is set to 0 again, then it starts over from the first step.
      expect(weights(workspace)).toEqual([0, 25, 100]);
      expect(rerun.outputs.promoted).toBe('true');
      expect(reportOf(rerun.outputs).resumed?.previousStatus).toBe('cancelled');
    } finally {
      await cache.close();
    }
  });

  it('warns, and changes nothing more, when rollback: true finds nothing to roll back to', async () => {
    canary.set({ failRate: 0.5 });
    const result = await run({ rollback: 'true', ledger: 'file:ledger.json' });
    expect(result.outputs.aborted).toBe('true');
    expect(weights(workspace)).toEqual([25, 0]);
    const warning = result.annotations.find((a) => a.message.startsWith('canary-promote: no rollback:'));
    expect(warning?.level).toBe('warning');
    expect(result.summary).toContain('No rollback:');
    expect(existsSync(join(workspace, 'ledger.json'))).toBe(false);
  });

  it('rolls the file ledger back to the baseline after an abort with rollback: true', async () => {
    const ledger = 'file:ledger.json';
    const github = { sha: 'a'.repeat(40), repository: 'octo/app' };
    for (const [version, sha] of [
      ['v1', 'a'.repeat(40)],
      ['v2', 'b'.repeat(40)],
    ] as const) {
      const deployed = await runAction({
        action: join(repoRoot, 'deploy-env'),
        node,
        workspace,
        inputs: { environment: 'production', version, ref: sha, ledger },
        github,
      });
      expect(deployed.outputs.result).toBe('success');
    }
    canary.set({ failRate: 0.5 });
    const result = await run(
      {
        rollback: 'true',
        ledger,
        'rollback-command': 'echo "redeploying $DEPLOY_KIT_VERSION at $DEPLOY_KIT_SHA"',
      },
      { github },
    );
    expect(result.outputs.aborted).toBe('true');
    expect(result.main.stdout).toContain(`redeploying v1 at ${'a'.repeat(40)}`);
    const file = JSON.parse(readFileSync(join(workspace, 'ledger.json'), 'utf8'));
    const last = file.deployments.at(-1);
    expect(last.task).toBe('deploy:rollback');
    expect(last.sha).toBe('a'.repeat(40));
    expect(result.summary).toContain('Rollback of production: v2 → v1 (success)');
  });
});

describe('canary-promote with router http', () => {
  it('sends each weight as JSON with the headers, which never reach the log', async () => {
    const received: { weight: number; authorization?: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        received.push({ ...JSON.parse(body), authorization: req.headers.authorization });
        res.writeHead(204).end();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      const workspace = mkdtempSync(join(tmpdir(), 'canary-http-'));
      const result = await runAction({
        action,
        node,
        workspace,
        inputs: {
          ...FAST,
          router: 'http',
          'router-url': `http://127.0.0.1:${port}/weights`,
          'router-headers': 'Authorization: Bearer s3cret-token',
          'baseline-url': baseline.url,
          'canary-url': canary.url,
        },
      });
      expect(result.outputs.promoted).toBe('true');
      expect(received.map((r) => r.weight)).toEqual([25, 50, 100]);
      expect(received.every((r) => r.authorization === 'Bearer s3cret-token')).toBe(true);
      expect(result.masks).toContain('Bearer s3cret-token');
      expect(result.main.stdout).not.toContain('s3cret');
    } finally {
      server.close();
    }
  });
});

describe('canary-promote rollback on GitHub Deployments', () => {
  let gh: FakeGitHub;
  let workspace: string;
  const shas: Record<string, string> = {};
  beforeEach(async () => {
    gh = await startFakeGitHub();
    gh.store.addRepo({ owner: 'octo', name: 'app' });
    for (const version of ['v1', 'v2']) {
      shas[version] = gh.store.addCommit('octo/app', { branch: 'main', message: `feat: ${version}` });
    }
    workspace = mkdtempSync(join(tmpdir(), 'canary-github-'));
  });
  afterEach(async () => {
    assertConformance(gh.requests);
    await gh.close();
  });

  it('redeploys the baseline and records the rollback after an abort', async () => {
    const github = {
      token: gh.token,
      repository: 'octo/app',
      sha: shas.v2,
      ref: 'refs/heads/main',
      runId: '7',
    };
    for (const version of ['v1', 'v2']) {
      const deployed = await runAction({
        action: join(repoRoot, 'deploy-env'),
        node,
        workspace,
        env: gh.env(),
        github,
        inputs: { environment: 'production', version, ref: shas[version]! },
      });
      expect(deployed.outputs.result).toBe('success');
    }
    canary.set({ delayMs: 60 });
    const result = await runAction({
      action,
      node,
      workspace,
      env: gh.env(),
      github,
      inputs: {
        ...FAST,
        router: 'command',
        'router-command': RECORD_WEIGHT,
        'baseline-url': baseline.url,
        'canary-url': canary.url,
        rollback: 'true',
        'rollback-command': 'echo "redeploying $DEPLOY_KIT_VERSION"',
      },
    });
    expect(result.outputs).toMatchObject({ aborted: 'true', verdict: 'fail' });
    expect(weights(workspace)).toEqual([25, 0]);
    expect(result.main.stdout).toContain('redeploying v1');
    const deployments = gh.store.repo('octo/app').deployments;
    const rollback = deployments.at(-1)!;
    expect(rollback.task).toBe('deploy:rollback');
    expect(rollback.sha).toBe(shas.v1);
    expect(rollback.statuses.at(-1)?.state).toBe('success');
    expect(deployments[1]!.statuses.at(-1)?.state).toBe('inactive');
  });
});

describe.skipIf(!nginxPresent)('canary-promote strategy: blue-green behind a real nginx', () => {
  let nginx: RunningNginx;
  let workspace: string;
  const run = (inputs: Record<string, string> = {}, extra: Partial<RunActionOptions> = {}) =>
    runAction({
      action,
      node,
      workspace,
      inputs: {
        environment: 'production',
        'baseline-version': 'v1',
        'canary-version': 'v2',
        strategy: 'blue-green',
        router: 'nginx',
        'nginx-config': nginx.upstreamFile,
        'nginx-upstream': nginx.upstreamName,
        'nginx-baseline': hostOf(baseline),
        'nginx-canary': hostOf(canary),
        'nginx-args': nginx.nginxArgs.join(' '),
        'nginx-pid-file': nginx.pidFile,
        'canary-url': canary.url,
        'smoke-url': nginx.url,
        ...inputs,
      },
      ...extra,
    });

  beforeEach(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'blue-green-'));
    nginx = await startNginx({ servers: [baseline.url] });
  });
  afterEach(async () => {
    await nginx.close();
  });

  it('switches all traffic at once after the idle colour passes, the old colour on standby', async () => {
    const result = await run();
    expect(result.main.stderr).toBe('');
    expect(result.conclusion).toBe('success');
    expect(result.outputs).toMatchObject({
      promoted: 'true',
      aborted: 'false',
      'final-weight': '100',
      verdict: 'pass',
    });
    expect(JSON.parse(result.outputs.report!)).toMatchObject({
      strategy: 'blue-green',
      status: 'switched',
      standby: 'v1',
    });
    expect(await served(nginx.url, 20)).toEqual(new Map([['v2', 20]]));
    expect(await served(baseline.url, 3)).toEqual(new Map([['v1', 3]]));
    expect(result.summary).toContain('Blue-green: switched: v2');
    expect(result.summary).toContain('v2 (v1 on standby)');
    expect(result.post?.summary ?? '').not.toContain('cleaned up');
  });

  it('never moves traffic when the idle colour fails its smoke test', async () => {
    // Up, but half its answers are 500s: ready at once, then failing samples.
    canary.set({ failRate: 0.5 });
    const result = await run();
    expect(result.conclusion).toBe('failure');
    expect(result.outputs).toMatchObject({ promoted: 'false', aborted: 'true', 'final-weight': '0' });
    expect(result.annotations.at(-1)?.message).toMatch(
      /^canary-promote: blue-green: v2 failed its smoke test before the switch, so traffic stayed on v1/,
    );
    expect(await served(nginx.url, 10)).toEqual(new Map([['v1', 10]]));
  });

  it('switches straight back when the front door fails after the switch', async () => {
    // nginx is pointed at a port nothing listens on for the new colour: the switch lands, the front door fails.
    const result = await run({ 'nginx-canary': '127.0.0.1:9' });
    expect(result.conclusion).toBe('failure');
    expect(JSON.parse(result.outputs.report!)).toMatchObject({ status: 'switched-back', finalWeight: 0 });
    expect(result.summary).toContain('Blue-green: switched back');
    expect(await served(nginx.url, 10)).toEqual(new Map([['v1', 10]]));
  });

  it('goes back to the old colour when killed right after the switch (post)', async () => {
    const result = await run(
      { 'nginx-canary': '127.0.0.1:9' },
      { cancel: { when: (out) => out.includes('all traffic of production on v2'), kill: true } },
    );
    expect(result.conclusion).not.toBe('success');
    expect(result.post?.summary).toContain('cleaned up after the step did not finish');
    expect(await served(nginx.url, 10)).toEqual(new Map([['v1', 10]]));
  });

  it('needs canary-url, and smoke-url only with blue-green', async () => {
    const missing = await run({ 'canary-url': '' });
    expect(missing.annotations.at(-1)?.message).toBe(
      "canary-promote: 'canary-url' is required with strategy: blue-green (the idle colour is smoke-tested there before the switch)",
    );
    const stray = await run({ strategy: 'canary', 'baseline-url': baseline.url });
    expect(stray.annotations.at(-1)?.message).toBe(
      "canary-promote: 'smoke-url' is for strategy: blue-green (the front door after the switch)",
    );
  });
});
