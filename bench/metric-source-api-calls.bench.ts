// API calls per look of each hosted metric source, against its fake on loopback (the fakes the tests use,
// each held to the service's published description): 10 looks of a canary step, both sides, counted by
// the fake. Two configurations each: counts with a latency distribution (requests, errors and the latency
// binned), and counts with a latency aggregate (one percentile). The fake answers every look with data.

import { FAKE_AWS, startFakeCloudWatch } from '../__tests__/fakes/cloudwatch/index.js';
import {
  FAKE_GOOGLE_TOKEN,
  FAKE_PROJECT,
  startFakeGoogleMonitoring,
} from '../__tests__/fakes/google-monitoring/index.js';
import { type FakeService, side } from '../__tests__/fakes/metrics-service.js';
import { FAKE_ACCOUNT, FAKE_NEW_RELIC_KEY, startFakeNewRelic } from '../__tests__/fakes/newrelic/index.js';
import { FAKE_SENTRY_ORG, FAKE_SENTRY_TOKEN, startFakeSentry } from '../__tests__/fakes/sentry/index.js';
import { createMetricSource, type MetricSource } from '../src/metrics/index.js';
import { type BenchResult, fixed, table } from './lib.js';

const LOOKS = 10;
const TRAFFIC = { baseline: side(200, 1, 20, 400), canary: side(200, 1, 20, 400) };

interface Case {
  source: string;
  config: string;
  /** The most calls per look the design allows. */
  budget: number;
  start: () => Promise<FakeService>;
  open: (fake: FakeService, now: () => number) => MetricSource;
}

const ALB = 'AWS/ApplicationELB';
const TG = { TargetGroup: 'targetgroup/shop-{{side}}/73e2d6bc24d8a067' };
const BACKEND = 'resource.labels.backend_name="shop-{{side}}"';
const WHERE = "FROM Transaction WHERE appName = 'shop' AND tags.version = '{{version}}'";

function cloudwatch(latency: 'histogram' | 'p95'): Case {
  return {
    source: 'cloudwatch',
    config:
      latency === 'histogram'
        ? 'requests, errors, latency-histogram (8 bounds: 9 TC bins)'
        : 'requests, errors, latency p95',
    budget: 1,
    start: startFakeCloudWatch,
    open: (fake, now) =>
      createMetricSource(
        'cloudwatch',
        {
          region: FAKE_AWS.region,
          credentials: { accessKeyId: FAKE_AWS.accessKeyId, secretAccessKey: FAKE_AWS.secretAccessKey },
          endpoint: `${fake.url}/`,
          delayMs: 0,
          queries: {
            requests: { namespace: ALB, metric: 'RequestCount', dimensions: TG },
            errors: { namespace: ALB, metric: 'HTTPCode_Target_5XX_Count', dimensions: TG },
            ...(latency === 'histogram'
              ? {
                  latencyHistogram: {
                    namespace: ALB,
                    metric: 'TargetResponseTime',
                    dimensions: TG,
                    buckets: [0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1],
                  },
                }
              : { latency: { namespace: ALB, metric: 'TargetResponseTime', dimensions: TG, stat: 'p95' } }),
          },
        },
        { now },
      ),
  };
}

function google(latency: 'histogram' | 'p95'): Case {
  return {
    source: 'google-monitoring',
    config:
      latency === 'histogram'
        ? 'requests, errors, latency-histogram (a distribution)'
        : 'requests, errors, latency ALIGN_PERCENTILE_95',
    budget: 6,
    start: startFakeGoogleMonitoring,
    open: (fake, now) =>
      createMetricSource(
        'google-monitoring',
        {
          project: FAKE_PROJECT,
          credentials: { kind: 'token', token: FAKE_GOOGLE_TOKEN, from: 'CLOUDSDK_AUTH_ACCESS_TOKEN' },
          endpoint: fake.url,
          delayMs: 0,
          queries: {
            requests: `metric.type="loadbalancing.googleapis.com/https/request_count" AND ${BACKEND}`,
            errors: `metric.type="loadbalancing.googleapis.com/https/request_count" AND metric.labels.response_code_class=500 AND ${BACKEND}`,
            [latency === 'histogram' ? 'latencyHistogram' : 'latency']:
              `metric.type="loadbalancing.googleapis.com/https/backend_latencies" AND ${BACKEND}`,
          },
        },
        { now },
      ),
  };
}

function sentry(latency: 'histogram' | 'p95'): Case {
  return {
    source: 'sentry',
    config:
      latency === 'histogram' ? 'count, failure_count, 8 count_if buckets' : 'count, failure_count, p95',
    budget: 2,
    start: async () => {
      const fake = await startFakeSentry();
      fake.releases = { 'shop@v1': 'baseline', 'shop@v2': 'canary' };
      return fake;
    },
    open: (fake, now) =>
      createMetricSource(
        'sentry',
        {
          organization: FAKE_SENTRY_ORG,
          token: FAKE_SENTRY_TOKEN,
          release: 'shop@{{version}}',
          url: fake.url,
          delayMs: 0,
          ...(latency === 'histogram'
            ? { latencyBucketsMs: [25, 50, 100, 200, 300, 500, 750, 1000] }
            : { latencyPercentile: 'p95' as const }),
        },
        { now },
      ),
  };
}

function newrelic(latency: 'histogram' | 'p95'): Case {
  return {
    source: 'newrelic',
    config:
      latency === 'histogram'
        ? 'requests, errors, histogram(duration, 1, 20)'
        : 'requests, errors, percentile(duration, 95)',
    budget: 1,
    start: async () => {
      const fake = await startFakeNewRelic();
      fake.versions = { v1: 'baseline', v2: 'canary' };
      return fake;
    },
    open: (fake, now) =>
      createMetricSource(
        'newrelic',
        {
          accountId: FAKE_ACCOUNT,
          apiKey: FAKE_NEW_RELIC_KEY,
          endpoint: `${fake.url}/graphql`,
          delayMs: 0,
          queries: {
            requests: `SELECT count(*) ${WHERE}`,
            errors: `SELECT count(*) ${WHERE} AND error IS true`,
            ...(latency === 'histogram'
              ? { latencyHistogram: `SELECT histogram(duration, 1, 20) ${WHERE}` }
              : { latency: `SELECT percentile(duration, 95) ${WHERE}` }),
          },
        },
        { now },
      ),
  };
}

export async function run(): Promise<BenchResult> {
  const cases = (['histogram', 'p95'] as const).flatMap((latency) => [
    cloudwatch(latency),
    google(latency),
    sentry(latency),
    newrelic(latency),
  ]);
  const rows: string[][] = [];
  let met = true;
  let mismatches = 0;
  for (const one of cases) {
    const fake = await one.start();
    fake.traffic = TRAFFIC;
    let at = Date.UTC(2026, 0, 1);
    const source = one.open(fake, () => {
      at += 60_000;
      return at;
    });
    let samples = 0;
    try {
      for (let i = 0; i < LOOKS; i++) {
        const observation = await source.collect({
          step: 1,
          weight: 50,
          baselineVersion: 'v1',
          canaryVersion: 'v2',
          windowMs: 60_000,
          signal: new AbortController().signal,
        });
        samples += observation.canary.latencyMs.length;
      }
    } finally {
      await source.close();
      await fake.close();
    }
    mismatches += fake.mismatches.length;
    const perLook = fake.calls.length / LOOKS;
    if (perLook > one.budget) met = false;
    rows.push([
      one.source,
      one.config,
      String(fake.calls.length),
      fixed(perLook, 1),
      String(one.budget),
      fixed(samples / LOOKS, 0),
    ]);
  }
  if (mismatches > 0) met = false;
  return {
    title: 'API calls per look of each hosted metric source',
    table: table(
      [
        'Source',
        'Queries',
        `Calls in ${LOOKS} looks`,
        'Calls per look',
        'Allowed',
        'Canary latency samples per look',
      ],
      rows,
      ['left', 'left', 'right', 'right', 'right', 'right'],
    ),
    goal: 'per look, both sides: CloudWatch and New Relic 1 call (batched), Sentry 2 (one per release), Cloud Monitoring one per filter and side (6); no request outside the published description',
    met,
    method: `${LOOKS} looks of one step against each source's fake on loopback (the test fakes, each checking requests against the service's description), calls counted by the fake, a minute between looks; ${mismatches} description mismatches.`,
    notes: [
      'The other sources: prometheus sends one query per PromQL expression and side at each look (plus the start readings of cumulative counters at the first look); http-json one GET per side; probe sends its probe-requests to each side and calls no API.',
      'A latency "sample" of a distribution source is a request at its bin’s upper bound; an aggregate (p95) is one value per look, judged by the aggregate rule.',
      'Throttling adds one call per retry (see the source tests); pagination adds one per page (not reached here).',
    ],
  };
}
