// The New Relic metric source against the fake NerdGraph (held to the documented schema subset): one call
// per look for both sides, healthy and bad canaries, 429 back-off, no data, and key errors.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createNewRelicMetricSource,
  escapeNrqlString,
  type NewRelicMetricsSettings,
  nerdGraphDocument,
  newRelicFromEnv,
} from '../../src/metrics/newrelic.js';
import {
  FAKE_ACCOUNT,
  FAKE_NEW_RELIC_KEY,
  type FakeNewRelic,
  nerdGraphProblems,
  startFakeNewRelic,
} from '../fakes/newrelic/index.js';
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

const WHERE = "FROM Transaction WHERE appName = 'shop' AND tags.version = '{{version}}'";
const QUERIES = {
  requests: `SELECT count(*) ${WHERE}`,
  errors: `SELECT count(*) ${WHERE} AND error IS true`,
  latencyHistogram: `SELECT histogram(duration, 1, 20) ${WHERE}`,
};

function settings(fake: FakeNewRelic, extra: Partial<NewRelicMetricsSettings> = {}): NewRelicMetricsSettings {
  return {
    accountId: FAKE_ACCOUNT,
    apiKey: FAKE_NEW_RELIC_KEY,
    queries: QUERIES,
    endpoint: `${fake.url}/graphql`,
    delayMs: 0,
    ...extra,
  };
}

let fake: FakeNewRelic;
beforeEach(async () => {
  fake = await startFakeNewRelic();
  fake.versions = { 'v1.4.0': 'baseline', 'v1.5.0': 'canary' };
});
afterEach(async () => {
  expect(fake.mismatches).toEqual([]);
  await fake.close();
});

describe('the newrelic metric source', () => {
  it('passes a healthy canary on counts and histogram() buckets, one NerdGraph call per look', async () => {
    fake.traffic = HEALTHY;
    const source = createNewRelicMetricSource(settings(fake), { now: minuteClock() });
    const { judgment, observations } = await judgeLooks(source, 2);
    await source.close();
    expect(fake.calls).toHaveLength(2);
    expect(fake.calls[0]!.headers['api-key']).toBe(FAKE_NEW_RELIC_KEY);
    const first = observations[0]!;
    expect(first.canary.requests).toBe(300);
    expect(first.canary.errors).toBe(2);
    expect(first.canary.latencyMs).toHaveLength(300);
    expect(first.notes[0]).toContain('histogram() buckets (a distribution of transactions)');
    expect(judgment.verdict).toBe('pass');
  });

  it('fails a canary with more errors, and a slower one', async () => {
    fake.traffic = FAILING;
    const failing = createNewRelicMetricSource(settings(fake), { now: minuteClock() });
    expect(metric((await judgeLooks(failing, 2)).judgment, 'error-rate').verdict).toBe('fail');
    await failing.close();
    fake.traffic = SLOW;
    const slow = createNewRelicMetricSource(settings(fake), { now: minuteClock() });
    const { judgment } = await judgeLooks(slow, 2);
    await slow.close();
    expect(metric(judgment, 'latency').verdict).toBe('fail');
  });

  it('reads percentile() as an aggregate', async () => {
    fake.traffic = SLOW;
    const source = createNewRelicMetricSource(
      settings(fake, {
        queries: { requests: QUERIES.requests, latency: `SELECT percentile(duration, 95) ${WHERE}` },
      }),
      { now: minuteClock() },
    );
    const { judgment, observations } = await judgeLooks(source, 3);
    await source.close();
    expect(observations[0]!.canary.latencyAggregate).toBe(true);
    expect(observations[0]!.canary.latencyMs[0]).toBeGreaterThan(800);
    expect(metric(judgment, 'latency').aggregate).toBe(true);
    expect(metric(judgment, 'latency').verdict).toBe('fail');
  });

  it('backs off on 429', async () => {
    fake.traffic = HEALTHY;
    fake.throttle(2);
    const { sleep, delays } = recordingSleep();
    const source = createNewRelicMetricSource(settings(fake), { now: minuteClock(), sleep, random: () => 1 });
    const observation = await source.collect(look());
    await source.close();
    expect(delays).toEqual([500, 1000]);
    expect(fake.calls).toHaveLength(3);
    expect(observation.baseline.requests).toBe(300);
  });

  it('reports missing data as no data', async () => {
    fake.traffic = {};
    const source = createNewRelicMetricSource(settings(fake), { now: minuteClock() });
    const { judgment, observations } = await judgeLooks(source, 2);
    await source.close();
    expect(observations[0]!.notes.join('\n')).toContain(
      'baseline latency histogram: no transactions (no data)',
    );
    expect(judgment.verdict).toBe('no-data');
  });

  it('names a missing key, and says when NerdGraph refuses it', async () => {
    expect(thrown(() => newRelicFromEnv({}, () => {})).message).toContain('NEW_RELIC_API_KEY is not set');
    const masked: string[] = [];
    expect(
      newRelicFromEnv({ NEW_RELIC_API_KEY: 'NRAK-1', NEW_RELIC_ACCOUNT_ID: '42' }, (s) => masked.push(s)),
    ).toEqual({
      apiKey: 'NRAK-1',
      accountId: '42',
      region: undefined,
    });
    expect(masked).toEqual(['NRAK-1']);
    const source = createNewRelicMetricSource(settings(fake, { apiKey: 'NRAK-WRONG' }), {
      now: minuteClock(),
    });
    const refused = await sourceError(source.collect(look()));
    await source.close();
    expect(refused.message).toMatch(/NerdGraph refused NEW_RELIC_API_KEY \(Invalid API key\)/);
    expect(refused.message).not.toContain('NRAK-WRONG');
  });

  it('checks its settings before any call', () => {
    const base = settings(fake);
    expect(thrown(() => createNewRelicMetricSource({ ...base, accountId: 0 })).setting).toBe('accountId');
    expect(
      thrown(() =>
        createNewRelicMetricSource({
          ...base,
          queries: { requests: `${QUERIES.requests} SINCE 1 hour ago` },
        }),
      ).message,
    ).toMatch(/must not hold SINCE/);
    expect(
      thrown(() =>
        createNewRelicMetricSource({
          ...base,
          queries: { ...QUERIES, latencyHistogram: `SELECT histogram(duration) ${WHERE}` },
        }),
      ).message,
    ).toMatch(/histogram\(attribute, ceiling, buckets\)/);
    expect(escapeNrqlString("it's")).toBe("it\\'s");
  });
});

describe("the fake's hold on NerdGraph's documented schema", () => {
  it('accepts the document the source sends, and catches one that breaks it', () => {
    expect(
      nerdGraphProblems(nerdGraphDocument(1, [{ alias: 'a', nrql: 'SELECT count(*) FROM Transaction' }])),
    ).toEqual([]);
    expect(
      nerdGraphProblems('{ actor { account(id: "x") { nrql(query: "q") { rows } } } }').length,
    ).toBeGreaterThan(0);
  });
});

describe('the ingestion delay', () => {
  it('ends each window a minute behind now by default', async () => {
    fake.traffic = HEALTHY;
    const at = Date.UTC(2026, 11, 6, 12, 10, 30);
    const source = createNewRelicMetricSource({ ...settings(fake), delayMs: undefined }, { now: () => at });
    await source.collect(look());
    await source.close();
    expect(JSON.parse(fake.calls[0]!.body).query).toContain(`UNTIL ${at - 60_000}`);
  });
});
