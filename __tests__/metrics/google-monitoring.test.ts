// The Google Cloud Monitoring metric source against the fake Monitoring API (held to the protos of
// Monitoring v3): a healthy canary passes, a failing or slow one fails, RESOURCE_EXHAUSTED backs off, no
// data is no data, and credential errors name what is missing or refused.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  bucketUpperBounds,
  createGoogleMonitoringMetricSource,
  escapeFilterString,
  type GoogleMonitoringSettings,
  googleCredentialsFromEnv,
} from '../../src/metrics/google-monitoring.js';
import {
  FAKE_GOOGLE_TOKEN,
  FAKE_PROJECT,
  type FakeGoogleMonitoring,
  readListRequest,
  startFakeGoogleMonitoring,
} from '../fakes/google-monitoring/index.js';
import {
  FAILING,
  HEALTHY,
  judgeLooks,
  look,
  metric,
  minuteClock,
  recordingSleep,
  SLOW,
  sourceError,
  thrown,
} from '../helpers/metric-sources.js';

const BACKEND = 'resource.labels.backend_name="shop-{{side}}"';
const QUERIES = {
  requests: `metric.type="loadbalancing.googleapis.com/https/request_count" AND ${BACKEND}`,
  errors: `metric.type="loadbalancing.googleapis.com/https/request_count" AND metric.labels.response_code_class=500 AND ${BACKEND}`,
  latencyHistogram: `metric.type="loadbalancing.googleapis.com/https/backend_latencies" AND ${BACKEND}`,
};

function settings(
  fake: FakeGoogleMonitoring,
  extra: Partial<GoogleMonitoringSettings> = {},
): GoogleMonitoringSettings {
  return {
    project: FAKE_PROJECT,
    credentials: { kind: 'token', token: FAKE_GOOGLE_TOKEN, from: 'CLOUDSDK_AUTH_ACCESS_TOKEN' },
    endpoint: fake.url,
    queries: QUERIES,
    delayMs: 0,
    ...extra,
  };
}

let fake: FakeGoogleMonitoring;
beforeEach(async () => {
  fake = await startFakeGoogleMonitoring();
});
afterEach(async () => {
  expect(fake.mismatches).toEqual([]);
  await fake.close();
});

describe('the google-monitoring metric source', () => {
  it('passes a healthy canary on delta counts and distribution buckets', async () => {
    fake.traffic = HEALTHY;
    const source = createGoogleMonitoringMetricSource(settings(fake), { now: minuteClock() });
    const { judgment, observations } = await judgeLooks(source, 2);
    await source.close();
    // Three filters per side per look.
    expect(fake.calls).toHaveLength(12);
    const first = observations[0]!;
    expect(first.baseline.requests).toBe(300);
    expect(first.canary.errors).toBe(2);
    expect(first.canary.latencyMs).toHaveLength(300);
    expect(first.canary.latencyAggregate).toBeUndefined();
    expect(first.notes.join('\n')).toContain('distribution buckets (a distribution of requests)');
    const query = new URL(fake.calls[0]!.url, 'http://x').searchParams;
    expect(query.get('aggregation.perSeriesAligner')).toBe('ALIGN_DELTA');
    expect(query.get('aggregation.crossSeriesReducer')).toBe('REDUCE_SUM');
    expect(query.get('aggregation.alignmentPeriod')).toBe('60s');
    expect(judgment.verdict).toBe('pass');
  });

  it('fails a canary with more errors, and a slower one', async () => {
    fake.traffic = FAILING;
    const failing = createGoogleMonitoringMetricSource(settings(fake), { now: minuteClock() });
    const errors = await judgeLooks(failing, 2);
    await failing.close();
    expect(metric(errors.judgment, 'error-rate').verdict).toBe('fail');
    fake.traffic = SLOW;
    const slow = createGoogleMonitoringMetricSource(settings(fake), { now: minuteClock() });
    const latency = await judgeLooks(slow, 2);
    await slow.close();
    expect(latency.judgment.verdict).toBe('fail');
    expect(metric(latency.judgment, 'latency').verdict).toBe('fail');
  });

  it('reads ALIGN_PERCENTILE_95 as an aggregate', async () => {
    fake.traffic = SLOW;
    const source = createGoogleMonitoringMetricSource(
      settings(fake, { queries: { requests: QUERIES.requests, latency: QUERIES.latencyHistogram } }),
      { now: minuteClock() },
    );
    const { judgment, observations } = await judgeLooks(source, 3);
    await source.close();
    expect(observations[0]!.canary.latencyAggregate).toBe(true);
    expect(observations[0]!.notes.join('\n')).toContain('ALIGN_PERCENTILE_95 (an aggregate)');
    expect(metric(judgment, 'latency').aggregate).toBe(true);
    const latencyCall = fake.calls.find((c) => c.url.includes('backend_latencies'))!;
    expect(
      new URL(latencyCall.url, 'http://x').searchParams.get('aggregation.crossSeriesReducer'),
    ).toBeNull();
  });

  it('backs off on 429 RESOURCE_EXHAUSTED', async () => {
    fake.traffic = HEALTHY;
    fake.throttle(2);
    const { sleep, delays } = recordingSleep();
    const source = createGoogleMonitoringMetricSource(
      settings(fake, { queries: { requests: QUERIES.requests } }),
      {
        now: minuteClock(),
        sleep,
        random: () => 1,
      },
    );
    const observation = await source.collect(look());
    await source.close();
    // The two sides ask at once: each was throttled once, and waited its first back-off.
    expect(delays).toEqual([500, 500]);
    expect(fake.calls).toHaveLength(4);
    expect(observation.canary.requests).toBe(300);
  });

  it('reports missing data as no data', async () => {
    fake.traffic = { baseline: HEALTHY.baseline };
    const source = createGoogleMonitoringMetricSource(settings(fake), { now: minuteClock() });
    const { judgment, observations } = await judgeLooks(source, 2);
    await source.close();
    expect(observations[0]!.notes.join('\n')).toContain(
      'canary requests filter: no points in the window (no data)',
    );
    expect(judgment.verdict).toBe('no-data');
  });

  it('signs with a service-account key file as google-github-actions/auth leaves it', async () => {
    fake.traffic = HEALTHY;
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const email = 'deployer@shop-prod-4711.iam.gserviceaccount.com';
    fake.trustServiceAccount(email, publicKey.export({ type: 'spki', format: 'pem' }).toString());
    const file = join(mkdtempSync(join(tmpdir(), 'gcp-')), 'credentials.json');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    writeFileSync(
      file,
      JSON.stringify({
        type: 'service_account',
        project_id: FAKE_PROJECT,
        private_key_id: 'k1',
        private_key: pem,
        client_email: email,
        client_id: '1',
        token_uri: 'https://oauth2.googleapis.com/token',
      }),
    );
    const masked: string[] = [];
    const { credentials, project } = googleCredentialsFromEnv({ GOOGLE_APPLICATION_CREDENTIALS: file }, (s) =>
      masked.push(s),
    );
    expect(project).toBe(FAKE_PROJECT);
    expect(masked).toEqual([pem]);
    const source = createGoogleMonitoringMetricSource(
      settings(fake, { credentials, queries: { requests: QUERIES.requests } }),
      {
        now: minuteClock(),
        mask: (secret) => masked.push(secret),
      },
    );
    const observation = await source.collect(look());
    await source.close();
    expect(observation.baseline.requests).toBe(300);
    // The token the library issued at run time was masked before any request carried it, once.
    const sent = [...new Set(fake.calls.map((call) => String(call.headers.authorization)))];
    expect(sent.length).toBeGreaterThan(0);
    for (const header of sent) {
      const token = header.replace(/^Bearer /, '');
      expect(token.length).toBeGreaterThan(20);
      expect(masked.filter((secret) => secret === token)).toHaveLength(1);
    }
    expect(masked.slice(1)).toEqual(sent.map((header) => header.replace(/^Bearer /, '')));
  });

  it('names missing credentials, and says which were refused', async () => {
    const none = thrown(() => googleCredentialsFromEnv({}, () => {}));
    expect(none.message).toMatch(/none of GOOGLE_APPLICATION_CREDENTIALS, .*CLOUDSDK_AUTH_ACCESS_TOKEN/);
    const unreadable = thrown(() =>
      googleCredentialsFromEnv({ GOOGLE_APPLICATION_CREDENTIALS: '/nonexistent/creds.json' }, () => {}),
    );
    expect(unreadable.message).toContain('GOOGLE_APPLICATION_CREDENTIALS names /nonexistent/creds.json');
    const masked: string[] = [];
    expect(
      googleCredentialsFromEnv(
        { CLOUDSDK_AUTH_ACCESS_TOKEN: 'ya29.x', GOOGLE_CLOUD_PROJECT: 'p-123456' },
        (s) => masked.push(s),
      ),
    ).toEqual({
      credentials: { kind: 'token', token: 'ya29.x', from: 'CLOUDSDK_AUTH_ACCESS_TOKEN' },
      project: 'p-123456',
    });
    expect(masked).toEqual(['ya29.x']);
    const source = createGoogleMonitoringMetricSource(
      settings(fake, {
        credentials: { kind: 'token', token: 'ya29.expired', from: 'CLOUDSDK_AUTH_ACCESS_TOKEN' },
      }),
      { now: minuteClock() },
    );
    const refused = await sourceError(source.collect(look()));
    await source.close();
    expect(refused.message).toMatch(
      /refused the credentials from CLOUDSDK_AUTH_ACCESS_TOKEN .*UNAUTHENTICATED/,
    );
    expect(refused.setting).toBe('credentials');
  });

  it('checks its settings before any call', () => {
    const base = settings(fake);
    expect(thrown(() => createGoogleMonitoringMetricSource({ ...base, project: 'No Such' })).setting).toBe(
      'project',
    );
    expect(
      thrown(() =>
        createGoogleMonitoringMetricSource({ ...base, queries: { requests: 'resource.type="x"' } }),
      ).message,
    ).toMatch(/must name a metric.type/);
    expect(
      thrown(() => createGoogleMonitoringMetricSource({ ...base, queries: { errors: QUERIES.errors } }))
        .message,
    ).toMatch(/needs a requests filter/);
  });
});

describe('the bucket bounds and the description', () => {
  it('reads explicit, linear and exponential buckets', () => {
    expect(bucketUpperBounds({ explicitBuckets: { bounds: [10, 20] } }, 3)).toEqual([
      10,
      20,
      Number.POSITIVE_INFINITY,
    ]);
    expect(bucketUpperBounds({ linearBuckets: { numFiniteBuckets: 2, width: 5, offset: 0 } }, 4)).toEqual([
      0,
      5,
      10,
      Number.POSITIVE_INFINITY,
    ]);
    expect(
      bucketUpperBounds({ exponentialBuckets: { numFiniteBuckets: 2, growthFactor: 2, scale: 1 } }, 4),
    ).toEqual([1, 2, 4, Number.POSITIVE_INFINITY]);
    expect(escapeFilterString('a"b\\c')).toBe('a\\"b\\\\c');
  });

  it('catches a request that breaks ListTimeSeriesRequest', () => {
    const { mismatches } = readListRequest(
      `/v3/projects/${FAKE_PROJECT}/timeSeries`,
      new URLSearchParams({
        filter: 'metric.type="x"',
        'interval.startTime': 'yesterday',
        'aggregation.perSeriesAligner': 'ALIGN_WHATEVER',
        colour: 'blue',
      }),
    );
    expect(mismatches).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/interval.startTime: "yesterday" is not an RFC 3339 timestamp/),
        expect.stringMatching(
          /aggregation.perSeriesAligner: "ALIGN_WHATEVER" is not one of Aligner's values/,
        ),
        expect.stringMatching(/colour: not a field of ListTimeSeriesRequest/),
        expect.stringMatching(/view: REQUIRED/),
      ]),
    );
  });
});

describe('the ingestion delay', () => {
  it('ends each window four minutes behind now by default, on a minute', async () => {
    fake.traffic = HEALTHY;
    const source = createGoogleMonitoringMetricSource(
      { ...settings(fake, { queries: { requests: QUERIES.requests } }), delayMs: undefined },
      { now: () => Date.UTC(2026, 11, 6, 12, 10, 30) },
    );
    await source.collect(look());
    await source.close();
    const query = new URL(fake.calls[0]!.url, 'http://x').searchParams;
    expect(query.get('interval.endTime')).toBe('2026-12-06T12:06:00.000Z');
  });
});
