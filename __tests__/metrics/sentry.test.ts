// The Sentry metric source against the fake events endpoint (held to Sentry's API description through
// @sentry/api's generated types): two releases compared, healthy and bad canaries, 429 back-off, no data,
// and credential errors.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createSentryMetricSource,
  quoteSearchValue,
  type SentryMetricsSettings,
  sentryFromEnv,
} from '../../src/metrics/sentry.js';
import {
  FAKE_SENTRY_ORG,
  FAKE_SENTRY_TOKEN,
  type FakeSentry,
  sentrySchemas,
  startFakeSentry,
  typedQuery,
} from '../fakes/sentry/index.js';
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

function settings(fake: FakeSentry, extra: Partial<SentryMetricsSettings> = {}): SentryMetricsSettings {
  return {
    organization: FAKE_SENTRY_ORG,
    project: 'shop',
    environment: 'production',
    token: FAKE_SENTRY_TOKEN,
    release: 'shop@{{version}}',
    latencyBucketsMs: [25, 50, 100, 200, 300, 500, 750, 1000],
    url: fake.url,
    delayMs: 0,
    ...extra,
  };
}

let fake: FakeSentry;
beforeAll(() => {
  sentrySchemas();
}, 120_000);
beforeEach(async () => {
  fake = await startFakeSentry();
  fake.releases = { 'shop@v1.4.0': 'baseline', 'shop@v1.5.0': 'canary' };
});
afterEach(async () => {
  expect(fake.mismatches).toEqual([]);
  await fake.close();
});

describe('the sentry metric source', () => {
  it('passes a healthy release on transaction counts and duration buckets, one call per side and look', async () => {
    fake.traffic = HEALTHY;
    const source = createSentryMetricSource(settings(fake), { now: minuteClock() });
    const { judgment, observations } = await judgeLooks(source, 2);
    await source.close();
    expect(fake.calls).toHaveLength(4);
    const first = observations[0]!;
    expect(first.canary.requests).toBe(300);
    expect(first.canary.errors).toBe(2);
    expect(first.canary.latencyMs).toHaveLength(300);
    expect(first.notes[0]).toContain('counts per bucket (a distribution of transactions)');
    const query = new URL(fake.calls[0]!.url, 'http://x').searchParams;
    expect(query.get('dataset')).toBe('spans');
    expect(query.get('query')).toMatch(/^is_transaction:true release:"shop@v1\.(4|5)\.0" project:shop$/);
    expect(query.getAll('environment')).toEqual(['production']);
    expect(judgment.verdict).toBe('pass');
  });

  it('fails a release with more failed transactions, and a slower one', async () => {
    fake.traffic = FAILING;
    const failing = createSentryMetricSource(settings(fake), { now: minuteClock() });
    expect(metric((await judgeLooks(failing, 2)).judgment, 'error-rate').verdict).toBe('fail');
    await failing.close();
    fake.traffic = SLOW;
    const slow = createSentryMetricSource(settings(fake), { now: minuteClock() });
    const { judgment } = await judgeLooks(slow, 2);
    await slow.close();
    expect(metric(judgment, 'latency').verdict).toBe('fail');
    expect(metric(judgment, 'latency').aggregate).toBeUndefined();
  });

  it('reads a percentile as an aggregate', async () => {
    fake.traffic = SLOW;
    const source = createSentryMetricSource(
      settings(fake, { latencyBucketsMs: undefined, latencyPercentile: 'p95' }),
      {
        now: minuteClock(),
      },
    );
    const { judgment, observations } = await judgeLooks(source, 3);
    await source.close();
    expect(observations[0]!.canary.latencyAggregate).toBe(true);
    expect(observations[0]!.notes[0]).toContain('p95(span.duration) (an aggregate)');
    expect(metric(judgment, 'latency').aggregate).toBe(true);
    expect(metric(judgment, 'latency').verdict).toBe('fail');
  });

  it('backs off on 429', async () => {
    fake.traffic = HEALTHY;
    fake.throttle(1);
    const { sleep, delays } = recordingSleep();
    const source = createSentryMetricSource(settings(fake), { now: minuteClock(), sleep, random: () => 1 });
    const observation = await source.collect(look());
    await source.close();
    expect(delays).toEqual([500]);
    expect(fake.calls).toHaveLength(3);
    expect(observation.baseline.requests).toBe(300);
  });

  it('reports a release without transactions as no data', async () => {
    fake.traffic = { baseline: HEALTHY.baseline };
    const source = createSentryMetricSource(settings(fake), { now: minuteClock() });
    const { judgment, observations } = await judgeLooks(source, 2);
    await source.close();
    expect(observations[0]!.notes.join('\n')).toContain(
      'canary: no transactions of release shop@v1.5.0 in the window (no data)',
    );
    expect(judgment.verdict).toBe('no-data');
  });

  it('reads windows that meet: each from the last look’s end', async () => {
    fake.traffic = HEALTHY;
    const source = createSentryMetricSource(settings(fake), { now: minuteClock() });
    await source.collect(look());
    await source.collect(look());
    await source.close();
    const windows = fake.calls
      .map((c) => new URL(c.url, 'http://x').searchParams)
      .map((q) => [q.get('start'), q.get('end')]);
    expect(windows[2]![0]).toBe(windows[0]![1]);
  });

  it('names a missing token, and says when Sentry refuses it', async () => {
    const missing = thrown(() => sentryFromEnv({}, () => {}));
    expect(missing.message).toContain('SENTRY_AUTH_TOKEN is not set');
    const masked: string[] = [];
    expect(
      sentryFromEnv({ SENTRY_AUTH_TOKEN: 'sntrys_x', SENTRY_ORG: 'o' }, (s) => masked.push(s)),
    ).toMatchObject({
      token: 'sntrys_x',
      organization: 'o',
    });
    expect(masked).toEqual(['sntrys_x']);
    const source = createSentryMetricSource(settings(fake, { token: 'sntrys_wrong' }), {
      now: minuteClock(),
    });
    const refused = await sourceError(source.collect(look()));
    await source.close();
    expect(refused.message).toMatch(/Sentry refused SENTRY_AUTH_TOKEN .*HTTP 401.*org:read/);
    expect(refused.message).not.toContain('sntrys_wrong');
  });

  it('checks its settings before any call', () => {
    const base = settings(fake);
    expect(thrown(() => createSentryMetricSource({ ...base, organization: 'my org' })).setting).toBe(
      'organization',
    );
    expect(thrown(() => createSentryMetricSource({ ...base, release: 'shop@latest' })).message).toMatch(
      /must hold \{\{version\}\}/,
    );
    expect(thrown(() => createSentryMetricSource({ ...base, latencyBucketsMs: [100, 50] })).setting).toBe(
      'latencyBucketsMs',
    );
    expect(quoteSearchValue('a"b')).toBe('"a\\"b"');
  });
});

describe("the fake's hold on Sentry's description", () => {
  it('catches a request outside the operation', () => {
    const { request } = sentrySchemas();
    const ok = {
      path: { organization_id_or_slug: 'o' },
      query: typedQuery(new URLSearchParams('dataset=spans&field=count()&per_page=1')),
      url: '/api/0/organizations/{organization_id_or_slug}/events/',
    };
    expect(request(ok)).toBe(true);
    expect(
      request({ ...ok, query: typedQuery(new URLSearchParams('dataset=transactions&field=count()')) }),
    ).toBe(false);
    expect(request({ ...ok, query: typedQuery(new URLSearchParams('dataset=spans')) })).toBe(false);
    expect(
      request({ ...ok, query: typedQuery(new URLSearchParams('dataset=spans&field=count()&colour=blue')) }),
    ).toBe(false);
  });
});

describe('the ingestion delay', () => {
  it('ends each window a minute behind now by default', async () => {
    fake.traffic = HEALTHY;
    const source = createSentryMetricSource(
      { ...settings(fake), delayMs: undefined },
      { now: () => Date.UTC(2026, 11, 6, 12, 10, 30) },
    );
    await source.collect(look());
    await source.close();
    const query = new URL(fake.calls[0]!.url, 'http://x').searchParams;
    expect(query.get('end')).toBe('2026-12-06T12:09:30.000Z');
  });
});
