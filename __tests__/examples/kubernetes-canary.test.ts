// examples/kubernetes-canary run end to end: release.yml's build and staging jobs (the root action
// deploying with k8s/set-image.sh through the kubectl stand-in) and rollback.yml; then the whole release
// with production's canary: preflight gates, the canary deployed, canary-promote judging it against the
// stable version on a real Prometheus while a real nginx (ingress-nginx's part) splits the users' traffic
// as `kubectl annotate ingress web-canary …canary-weight=N` asks, then promoted (or aborted and rolled
// back), and tagged.
//
// Time is scaled as in the canary example test (../helpers/canary-time.ts): canary-promote's hold,
// interval and max-duration in the copied release.yml become 1/20 of the example's (5 m → 15 s, the
// 30 s default interval → 1.5 s, the 1 h default bound → 3 min) — the only change to the text besides
// the sites' addresses. The freeze gate's clock is pinned to a Wednesday for preflight-gates alone:
// canary-promote asks Prometheus about now.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RolloutReport } from '../../src/canary/report.js';
import { loadThrough, scaledDurations } from '../helpers/canary-time.js';
import { NGINX_MISSING, nginxAvailable } from '../helpers/nginx.js';
import {
  PROMETHEUS_MISSING,
  prometheusAvailable,
  type RunningPrometheus,
  startPrometheus,
} from '../helpers/prometheus.js';
import type { JobRun } from '../workflow-runner/runner.js';
import { type Stack, startStack } from '../workflow-runner/stack.js';

const secrets = { KUBECONFIG_B64: Buffer.from('apiVersion: v1\nkind: Config\n').toString('base64') };
const tagOf = (sha: string) => sha.slice(0, 7);
const releaseOf = (job: JobRun | undefined) => job?.steps.find((s) => s.uses === 'acme/deploy-kit@v1');

describe('examples/kubernetes-canary (build, staging, manual rollback)', () => {
  let stack: Stack;
  let good: string;
  beforeAll(async () => {
    stack = await startStack('kubernetes-canary', {
      environments: ['staging', 'production'],
      sites: { 'https://staging.example.com': 'staging', 'https://example.com': 'production' },
    });
  });
  afterAll(() => stack.close());

  it('builds and releases a good version to staging', async () => {
    good = stack.commit('feat: first release', 'v1');
    const runs = await stack.run('release.yml', good, { secrets, jobs: ['build', 'staging'] });
    expect(runs.build?.errors).toEqual([]);
    expect(runs.staging?.errors).toEqual([]);
    expect(releaseOf(runs.staging)?.outputs).toMatchObject({ result: 'released', version: tagOf(good) });
    expect(await stack.fleet.served('staging')).toBe(tagOf(good));
    expect(stack.fleet.calls('kubectl').map((c) => c.args.slice(2, 4).join(' '))).toEqual([
      'set image',
      `label deployment/web`,
      'rollout status',
    ]);
    expect(stack.deployments('staging').at(-1)?.statuses.at(-1)?.state).toBe('success');
  });

  it('rolls a version answering 5xx back in staging', async () => {
    const bad = stack.commit('feat: broken', 'v2');
    stack.fleet.behave(tagOf(bad), { failRate: 0.5 });
    const runs = await stack.run('release.yml', bad, { secrets, jobs: ['build', 'staging'] });
    expect(releaseOf(runs.staging)?.outputs).toMatchObject({
      result: 'rolled-back',
      'rolled-back-to-version': tagOf(good),
    });
    expect(await stack.fleet.served('staging')).toBe(tagOf(good));
  });

  it('rollback.yml, dispatched by hand, brings back the last good version of staging', async () => {
    const next = stack.commit('fix: repaired', 'v3');
    const released = await stack.run('release.yml', next, { secrets, jobs: ['build', 'staging'] });
    expect(releaseOf(released.staging)?.outputs.result).toBe('released');
    const runs = await stack.run('rollback.yml', next, {
      event: 'workflow_dispatch',
      inputs: { environment: 'staging', reason: 'bad release' },
      secrets,
    });
    expect(runs.rollback?.errors).toEqual([]);
    expect(await stack.fleet.served('staging')).toBe(tagOf(good));
    expect(stack.fleet.calls('kubectl').at(-1)?.args).toContain('--replicas=0');
  });
});

const present = nginxAvailable() && prometheusAvailable();
if (!present)
  console.warn(`skipping the kubernetes production canary: ${NGINX_MISSING}; ${PROMETHEUS_MISSING}`);
const WEDNESDAY = '2026-12-09T10:00:00Z';
/** Lognormal latencies around 8 ms, as the canary example test's apps. */
const LATENCY = { delayMs: 8, delaySigma: 0.5 };
const CANARY_STEP = 'uses: acme/deploy-kit/canary-promote@v1';
const byId = (job: JobRun | undefined, id: string) => job?.steps.find((s) => s.id === id);

/** canary-promote's durations in release.yml scaled down (hold given; interval and max-duration its defaults). */
function scaleCanary(file: string, text: string): string {
  if (file !== 'release.yml') return text;
  const start = text.indexOf(CANARY_STEP);
  const hold = /\n(\s+)hold: (\S+)\n/.exec(text.slice(start));
  if (start < 0 || !hold) throw new Error('release.yml: no canary-promote step with a hold');
  if (/\n\s+(interval|max-duration):/.test(text.slice(start)))
    throw new Error('release.yml: rescale interval');
  const scaled = scaledDurations({ hold: hold[2]! });
  const indent = hold[1]!;
  const lines = ['hold', 'interval', 'max-duration'].map((name) => `${indent}${name}: ${scaled[name]}`);
  return text.slice(0, start) + text.slice(start).replace(hold[0], `\n${lines.join('\n')}\n`);
}

describe.skipIf(!present)('examples/kubernetes-canary production: the canary on Prometheus and nginx', () => {
  let stack: Stack;
  let prometheus: RunningPrometheus;
  let load: { stop(): Promise<void> };
  let secrets: Record<string, string>;
  let stable: string;
  const release = (message: string, version: string, behaviour = LATENCY) => {
    const sha = stack.commit(message, version);
    stack.gh.store.addCheckRun('octo/app', { headSha: sha, name: 'test', conclusion: 'success' });
    stack.fleet.behave(tagOf(sha), behaviour);
    return sha;
  };

  beforeAll(async () => {
    const targetsFile = `${process.env.TMPDIR ?? '/tmp'}/k8s-canary-targets-${process.pid}.json`;
    stack = await startStack('kubernetes-canary', {
      environments: ['staging', 'production'],
      sites: { 'https://staging.example.com': 'staging', 'https://example.com': 'production' },
      ingress: ['production'],
      targetsFile,
      edit: scaleCanary,
    });
    stack.setClock(WEDNESDAY, ['preflight-gates']);
    prometheus = await startPrometheus({
      targets: [],
      targetsFile,
      // The example's queries select its namespace, which Kubernetes discovery would attach.
      labels: { namespace: 'app-production' },
      startTimeoutMs: 60_000,
    });
    secrets = {
      KUBECONFIG_B64: Buffer.from('apiVersion: v1\nkind: Config\n').toString('base64'),
      PROMETHEUS_URL: prometheus.url,
      PROMETHEUS_TOKEN: 'prometheus-token',
    };
    load = loadThrough(stack.fleet.site('production'));
  }, 90_000);
  afterAll(async () => {
    await load?.stop();
    await prometheus?.close();
    await stack?.close();
  });

  it('the copied release.yml holds each step 15 s, looks every 1.5 s, gives up after 3 min', () => {
    const text = scaleCanary(
      'release.yml',
      `      - ${CANARY_STEP}\n        with:\n          hold: 5m\n          x: y\n`,
    );
    expect(text).toBe(
      `      - ${CANARY_STEP}\n        with:\n          hold: 15000ms\n          interval: 1500ms\n          max-duration: 180000ms\n          x: y\n`,
    );
  });

  it('the first release, with no stable version to compare with, skips the canary and is promoted', async () => {
    const first = release('feat: first release', 'v1');
    const runs = await stack.run('release.yml', first, { secrets });
    for (const job of ['build', 'staging', 'production', 'tag']) {
      expect({ job, errors: runs[job]?.errors, conclusion: runs[job]?.conclusion }).toEqual({
        job,
        errors: [],
        conclusion: 'success',
      });
    }
    expect(byId(runs.production, 'canary')?.outcome).toBe('skipped');
    expect(await stack.fleet.served('production')).toBe(tagOf(first));
    expect(stack.fleet.canaryWeights('production')).toEqual([0]);
    stable = first;
  });

  it('promotes a healthy canary through 5, 25 and 50% to the stable Deployment, then tags it', {
    timeout: 400_000,
  }, async () => {
    const good = release('feat: a new page', 'v2');
    const runs = await stack.run('release.yml', good, { secrets });
    expect(Object.values(runs).map((job) => [job.id, job.conclusion, job.errors])).toEqual([
      ['build', 'success', []],
      ['staging', 'success', []],
      ['production', 'success', []],
      ['tag', 'success', []],
    ]);
    const canary = byId(runs.production, 'canary');
    const report = JSON.parse(canary?.outputs.report ?? '{}') as RolloutReport;
    expect(runs.production?.errors, report.reason).toEqual([]);
    expect(canary?.outputs).toMatchObject({ promoted: 'true', verdict: 'pass', 'final-weight': '100' });
    expect(report.baselineVersion).toBe(tagOf(stable));
    for (const step of report.steps.filter((s) => s.verdict !== 'not-judged')) {
      const latency = step.metrics.find((m) => m.metric === 'latency')!;
      expect(latency.samples.canary).toBeGreaterThanOrEqual(20);
    }
    expect(stack.fleet.canaryWeights('production')).toEqual([0, 5, 25, 50, 100, 0]);
    expect(await stack.fleet.served('production')).toBe(tagOf(good));
    expect(stack.deployments('production').at(-1)?.statuses.at(-1)?.state).toBe('success');
    expect(runs.tag?.conclusion).toBe('success');
    expect(stack.tags()).toContain('v1.1.0');
    stable = good;
  });

  it('aborts a canary 3x slower, puts all traffic back on the stable version and records the rollback', {
    timeout: 400_000,
  }, async () => {
    const slow = release('feat: a heavier page', 'v3', { ...LATENCY, delayMs: 3 * LATENCY.delayMs });
    const runs = await stack.run('release.yml', slow, { secrets });
    expect(runs.staging?.errors).toEqual([]);
    expect(runs.production?.conclusion).toBe('failure');
    const canary = byId(runs.production, 'canary');
    const report = JSON.parse(canary?.outputs.report ?? '{}') as RolloutReport;
    expect(canary?.outputs, report.reason).toMatchObject({
      aborted: 'true',
      verdict: 'fail',
      'final-weight': '0',
    });
    const latency = report.steps.at(-1)!.metrics.find((m) => m.metric === 'latency')!;
    expect(latency.verdict).toBe('fail');
    expect(stack.fleet.canaryWeights('production').at(-1)).toBe(0);
    expect(stack.fleet.calls('kubectl').at(-1)?.args).toEqual([
      '--namespace',
      'app-production',
      'scale',
      'deployment/web-canary',
      '--replicas=0',
    ]);
    expect(runs.production?.steps.at(-1)?.outcome).toBe('skipped');
    expect(await stack.fleet.served('production')).toBe(tagOf(stable));
    const last = stack.deployments('production').at(-1);
    expect(last?.task).toBe('deploy:rollback');
    expect(last?.statuses.at(-1)?.state).toBe('success');
    expect(runs.tag?.conclusion).toBe('skipped');
    expect(stack.tags()).not.toContain('v1.2.0');
  });
});
