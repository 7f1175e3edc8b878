// Every shipped canary example, run with its own canary-promote inputs through the built bundle, against a
// real Prometheus scraping two local services that export a latency histogram and request/error counters,
// behind a real nginx: identical versions are promoted; a canary answering 10% of requests with 500 is
// aborted on its error rate; a canary 3× slower is aborted on latency.
//
// What is the example's own: the steps and their weights, the metric queries, confidence, allowances,
// thresholds, min- and max-samples, and the on-* policies. What is replaced, because it names the
// example's infrastructure: the router (nginx on loopback, also for the kubernetes example, whose router
// is kubectl), prometheus-url and its headers, the control URL, and rollback (no deploy ledger here).
//
// Durations are scaled by TIME_SCALE = 1/20 (a 5 m hold becomes 15 s, a 1 m interval 3 s, a 30 s default
// interval 1.5 s), floored at 1 s, the scrape interval (../helpers/canary-time.ts): the rollouts keep their
// shape (looks per hold, holds per rollout) in about a minute each. A loaded machine serves fewer requests per hold; the examples'
// `on-inconclusive: extend` gives a short step one more hold, and the checks below do not count requests.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RolloutReport } from '../../src/canary/report.js';
import { runAction } from '../../src/runner/runner.js';
import { startTestApp, type TestApp } from '../fakes/test-app.js';
import { loadThrough, scaledDurations } from '../helpers/canary-time.js';
import { NGINX_MISSING, nginxAvailable, type RunningNginx, startNginx } from '../helpers/nginx.js';
import {
  PROMETHEUS_MISSING,
  prometheusAvailable,
  type RunningPrometheus,
  startPrometheus,
} from '../helpers/prometheus.js';
import { nodeBinaries, repoRoot } from '../helpers/repo.js';

/** Inputs that name the example's infrastructure; the test gives its own. */
const REPLACED =
  /^(router|router-command|nginx-.*|prometheus-url|metrics-headers|control-.*|rollback|rollback-command)$/;

const node = nodeBinaries().at(-1)!.path;
const action = join(repoRoot, 'canary-promote');
const present = nginxAvailable() && prometheusAvailable();
if (!present) console.warn(`skipping the canary examples: ${NGINX_MISSING}; ${PROMETHEUS_MISSING}`);

interface Example {
  file: string;
  inputs: Record<string, string>;
}

function workflowFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return workflowFiles(path);
    return /\.ya?ml$/.test(entry.name) ? [path] : [];
  });
}

/** The `with:` of every canary-promote step in the examples. */
function canaryExamples(): Example[] {
  const found: Example[] = [];
  for (const file of workflowFiles(join(repoRoot, 'examples'))) {
    const workflow = parse(readFileSync(file, 'utf8')) as {
      jobs?: Record<string, { steps?: { uses?: string; with?: Record<string, unknown> }[] }>;
    };
    for (const job of Object.values(workflow.jobs ?? {}))
      for (const step of job.steps ?? [])
        if (step.uses?.includes('/canary-promote@'))
          found.push({
            file: relative(repoRoot, file),
            inputs: Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, String(v)])),
          });
  }
  return found;
}

/** The example's inputs with durations scaled and its infrastructure left out. */
function scaleInputs(inputs: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(inputs)) {
    if (REPLACED.test(name) || value.includes('${{')) continue;
    out[name] = value;
  }
  return { ...out, ...scaledDurations(inputs) };
}

const examples = canaryExamples();

describe('the canary examples are found', () => {
  it('reads the canary-promote step of each shipped example and scales its durations', () => {
    expect(examples.map((example) => example.file).sort()).toEqual([
      'examples/kubernetes-canary/workflows/release.yml',
      'examples/workflows/canary.yml',
    ]);
    const vm = scaleInputs(examples.find((e) => e.file === 'examples/workflows/canary.yml')!.inputs);
    expect(vm).toMatchObject({ interval: '3000ms', 'max-duration': '180000ms', 'min-samples': '20' });
    expect(JSON.parse(vm.steps!)).toEqual([
      { weight: 5, hold: '15000ms' },
      { weight: 25, hold: '30000ms' },
      { weight: 50, hold: '30000ms' },
      { weight: 100 },
    ]);
    expect(vm['prometheus-queries']).toContain('latency-histogram:');
    expect(Object.keys(vm).filter((name) => REPLACED.test(name))).toEqual([]);
  });
});

describe.skipIf(!present)('each shipped canary example against a real Prometheus', () => {
  let baseline: TestApp;
  const canaries: Record<'good' | 'errors' | 'slow', TestApp> = {} as never;
  let prometheus: RunningPrometheus;
  const Latency = { delayMs: 8, delaySigma: 0.5 };

  beforeAll(async () => {
    baseline = await startTestApp({ version: 'v1', ...Latency, seed: 1 });
    canaries.good = await startTestApp({ version: 'v2-same', ...Latency, seed: 2 });
    canaries.errors = await startTestApp({ version: 'v3-errors', ...Latency, seed: 3, failRate: 0.1 });
    canaries.slow = await startTestApp({
      version: 'v4-slow',
      ...Latency,
      delayMs: 3 * Latency.delayMs,
      seed: 4,
    });
    prometheus = await startPrometheus({
      targets: [baseline.url, ...Object.values(canaries).map((app) => app.url)],
      // The kubernetes example's queries select its namespace, which Kubernetes discovery would attach.
      labels: { namespace: 'app-production' },
      startTimeoutMs: 60_000,
    });
  }, 90_000);

  afterAll(async () => {
    await prometheus?.close();
    await Promise.all([baseline, ...Object.values(canaries)].map((app) => app?.close()));
  });

  const run = async (example: Example, canary: TestApp, version: string) => {
    const hostOf = (app: TestApp) => new URL(app.url).host;
    const nginx: RunningNginx = await startNginx({ servers: [baseline.url] });
    const load = loadThrough(nginx.url);
    try {
      const result = await runAction({
        action,
        node,
        workspace: mkdtempSync(join(tmpdir(), 'canary-example-')),
        inputs: {
          ...scaleInputs(example.inputs),
          environment: 'production',
          'baseline-version': 'v1',
          'canary-version': version,
          router: 'nginx',
          'nginx-config': nginx.upstreamFile,
          'nginx-upstream': nginx.upstreamName,
          'nginx-baseline': hostOf(baseline),
          'nginx-canary': hostOf(canary),
          'nginx-args': nginx.nginxArgs.join(' '),
          'nginx-pid-file': nginx.pidFile,
          'prometheus-url': prometheus.url,
        },
        timeoutMs: 400_000,
      });
      const report = JSON.parse(result.outputs.report ?? '{}') as RolloutReport;
      return { result, report };
    } finally {
      await load.stop();
      await nginx.close();
    }
  };

  const failed = (report: RolloutReport, metric: 'latency' | 'error-rate') =>
    report.steps.at(-1)!.metrics.find((m) => m.metric === metric)!;

  for (const example of examples) {
    describe(example.file, () => {
      it('promotes an identical canary on its holds', { timeout: 420_000 }, async () => {
        const { result, report } = await run(example, canaries.good, 'v2-same');
        expect(result.outputs, report.reason).toMatchObject({
          promoted: 'true',
          verdict: 'pass',
          'final-weight': '100',
        });
        const judged = report.steps.filter((step) => step.verdict !== 'not-judged');
        // Every request a sample: the latency metric saw the requests, not one aggregate per look.
        for (const step of judged) {
          expect(['hold', 'evidence']).toContain(step.passedBy);
          const latency = step.metrics.find((m) => m.metric === 'latency')!;
          expect(latency.aggregate).toBeUndefined();
          expect(latency.samples.canary).toBeGreaterThanOrEqual(20);
          // Below half the traffic the baseline serves more; at 50% either side may (a coin toss per request).
          if (step.weight < 50) expect(latency.samples.baseline).toBeGreaterThan(latency.samples.canary);
          else expect(latency.samples.baseline).toBeGreaterThanOrEqual(20);
        }
      });

      it('aborts a canary that answers 10% of requests with 500, on its error rate', {
        timeout: 420_000,
      }, async () => {
        const { result, report } = await run(example, canaries.errors, 'v3-errors');
        expect(result.outputs, report.reason).toMatchObject({
          aborted: 'true',
          verdict: 'fail',
          'final-weight': '0',
        });
        expect(failed(report, 'error-rate').verdict).toBe('fail');
        expect(failed(report, 'error-rate').canary!).toBeGreaterThan(0.03);
      });

      it('aborts a canary 3× slower, on latency', { timeout: 420_000 }, async () => {
        const { result, report } = await run(example, canaries.slow, 'v4-slow');
        expect(result.outputs, report.reason).toMatchObject({
          aborted: 'true',
          verdict: 'fail',
          'final-weight': '0',
        });
        const latency = failed(report, 'latency');
        expect(latency.verdict).toBe('fail');
        expect(latency.aggregate).toBeUndefined();
        expect(latency.canary!).toBeGreaterThan(latency.baseline!);
      });
    });
  }
});
