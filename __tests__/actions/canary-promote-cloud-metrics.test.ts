// Runner-contract tests of the hosted metric sources: the built canary-promote bundle, run as the GitHub
// runner runs it, judged by New Relic (the fake NerdGraph) while a command records the weights; and the
// settings and credentials of each hosted source refused, naming the input or variable, before anything moves.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RolloutReport } from '../../src/canary/report.js';
import { runAction } from '../../src/runner/runner.js';
import { side } from '../fakes/metrics-service.js';
import {
  FAKE_ACCOUNT,
  FAKE_NEW_RELIC_KEY,
  type FakeNewRelic,
  startFakeNewRelic,
} from '../fakes/newrelic/index.js';
import { nodeBinaries, repoRoot } from '../helpers/repo.js';

const node = nodeBinaries().at(-1)!.path;
const action = join(repoRoot, 'canary-promote');
const RECORD_WEIGHT = 'echo "$DEPLOY_KIT_CANARY_WEIGHT" >> weights.txt';
const WHERE = "FROM Transaction WHERE appName = 'shop' AND tags.version = '{{version}}'";

function weights(workspace: string): number[] {
  const file = join(workspace, 'weights.txt');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map(Number);
}

let fake: FakeNewRelic;
let workspace: string;
beforeEach(async () => {
  fake = await startFakeNewRelic();
  fake.versions = { v1: 'baseline', v2: 'canary' };
  workspace = mkdtempSync(join(tmpdir(), 'canary-newrelic-'));
});
afterEach(async () => {
  expect(fake.mismatches).toEqual([]);
  await fake.close();
});

const run = (inputs: Record<string, string> = {}, env: Record<string, string | undefined> = {}) =>
  runAction({
    action,
    node,
    workspace,
    inputs: {
      environment: 'production',
      'baseline-version': 'v1',
      'canary-version': 'v2',
      steps: '50,100',
      hold: '300ms',
      interval: '100ms',
      'max-duration': '30s',
      'min-samples': '20',
      'max-samples': '200',
      router: 'command',
      'router-command': RECORD_WEIGHT,
      metrics: 'newrelic',
      'newrelic-config': [
        `account: ${FAKE_ACCOUNT}`,
        `endpoint: ${fake.url}/graphql`,
        'delay: 0s',
        `requests: SELECT count(*) ${WHERE}`,
        `errors: SELECT count(*) ${WHERE} AND error IS true`,
        `latency-histogram: SELECT histogram(duration, 1, 20) ${WHERE}`,
      ].join('\n'),
      ...inputs,
    },
    env: { NEW_RELIC_API_KEY: FAKE_NEW_RELIC_KEY, ...env },
  });

describe('canary-promote judged by New Relic', () => {
  it('promotes a healthy canary, its key masked, one NerdGraph call per look', async () => {
    fake.traffic = { baseline: side(150, 1, 20, 400), canary: side(150, 1, 20, 400) };
    const result = await run();
    expect(result.outputs).toMatchObject({ promoted: 'true', verdict: 'pass', 'final-weight': '100' });
    expect(weights(workspace)).toEqual([50, 100]);
    expect(result.masks).toContain(FAKE_NEW_RELIC_KEY);
    expect(result.main.stdout).not.toContain(FAKE_NEW_RELIC_KEY);
    const report = JSON.parse(result.outputs.report!) as RolloutReport;
    const looks = report.steps.reduce((sum, step) => sum + step.looks, 0);
    expect(fake.calls).toHaveLength(looks);
    expect(result.summary).toContain('newrelic');
    // The verdict's notes say which kind of latency was judged.
    expect(result.summary).toContain('latency as histogram() buckets (a distribution of transactions)');
  });

  it('aborts a canary whose error rate New Relic sees rise, and one that is slower', async () => {
    fake.traffic = { baseline: side(150, 1, 20, 400), canary: side(150, 40, 20, 400) };
    const failing = await run();
    expect(failing.outputs).toMatchObject({ aborted: 'true', verdict: 'fail', 'final-weight': '0' });
    expect(weights(workspace)).toEqual([50, 0]);
    const report = JSON.parse(failing.outputs.report!) as RolloutReport;
    expect(report.steps[0]!.metrics.find((m) => m.metric === 'error-rate')!.verdict).toBe('fail');
    fake.traffic = { baseline: side(150, 1, 20, 400), canary: side(150, 1, 60, 900) };
    workspace = mkdtempSync(join(tmpdir(), 'canary-newrelic-'));
    const slow = await run();
    expect(slow.outputs).toMatchObject({ aborted: 'true', verdict: 'fail' });
    const latency = (JSON.parse(slow.outputs.report!) as RolloutReport).steps[0]!.metrics.find(
      (m) => m.metric === 'latency',
    )!;
    expect(latency.verdict).toBe('fail');
    expect(latency.aggregate).toBeUndefined();
  });

  it('holds on no data rather than promoting', async () => {
    fake.traffic = {};
    const result = await run({ 'on-no-data': 'abort' });
    expect(result.outputs).toMatchObject({ aborted: 'true', verdict: 'no-data' });
    expect(weights(workspace)).toEqual([50, 0]);
  });
});

describe('the hosted sources refuse bad settings and missing credentials before anything moves', () => {
  it.each([
    [
      {},
      { NEW_RELIC_API_KEY: undefined },
      "'newrelic-config': newrelic: no New Relic key: NEW_RELIC_API_KEY is not set",
    ],
    [
      { 'newrelic-config': 'requests: SELECT 1\ncolour: blue' },
      {},
      "'newrelic-config' has 'colour'; the keys are account, region",
    ],
    [
      { 'newrelic-config': `account: ${FAKE_ACCOUNT}\nrequests: SELECT count(*) FROM T SINCE 1 day ago` },
      {},
      "'newrelic-config' (metrics: newrelic): the requests query must not hold SINCE",
    ],
    [
      {
        metrics: 'cloudwatch',
        'cloudwatch-config': 'requests: {namespace: AWS/ApplicationELB, metric: RequestCount}',
      },
      {},
      "'cloudwatch-config': cloudwatch: no AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set",
    ],
    [
      {
        metrics: 'cloudwatch',
        'cloudwatch-config': 'requests: {namespace: AWS/ApplicationELB, metric: RequestCount}',
      },
      { AWS_ACCESS_KEY_ID: 'AKIA1', AWS_SECRET_ACCESS_KEY: 'secret' },
      "'cloudwatch-config' (metrics: cloudwatch): the region must be an AWS region like us-east-1, got ''",
    ],
    [
      { metrics: 'google-monitoring', 'google-monitoring-config': 'requests: metric.type="x"' },
      {},
      "'google-monitoring-config': google-monitoring: no Google credentials: none of GOOGLE_APPLICATION_CREDENTIALS",
    ],
    [
      { metrics: 'sentry', 'sentry-config': 'organization: o' },
      {},
      "'sentry-config': sentry: no Sentry token: SENTRY_AUTH_TOKEN is not set",
    ],
    [
      { metrics: 'sentry', 'sentry-config': 'organization: o\nlatency-buckets: 50ms, fast' },
      { SENTRY_AUTH_TOKEN: 'sntrys_x' },
      "latency-buckets' must be a duration",
    ],
    [
      { metrics: 'sentry' },
      { SENTRY_AUTH_TOKEN: 'sntrys_x' },
      "'sentry-config' is required with metrics: sentry",
    ],
  ])('refuses %o (environment %o)', async (inputs, env, message) => {
    const result = await run(inputs as Record<string, string>, env);
    expect(result.conclusion).toBe('failure');
    expect(result.annotations.at(-1)?.message).toContain(message);
    expect(weights(workspace)).toEqual([]);
    expect(fake.calls).toHaveLength(0);
  });
});
