// The CloudWatch metric source against the fake CloudWatch (held to AWS's service model, signatures
// recomputed): a healthy canary passes, a failing or slow one fails, throttling backs off, no data is no
// data, and credential errors name what is missing or refused.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  awsCredentialsFromEnv,
  binStatistics,
  type CloudWatchMetricsSettings,
  createCloudWatchMetricSource,
  queryForm,
} from '../../src/metrics/cloudwatch.js';
import { FAKE_AWS, readQueryForm, startFakeCloudWatch } from '../fakes/cloudwatch/index.js';
import type { FakeService } from '../fakes/metrics-service.js';
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

const DIMENSIONS = {
  LoadBalancer: 'app/shop/50dc6c495c0c9188',
  TargetGroup: 'targetgroup/shop-{{side}}/73e2d6bc24d8a067',
};
const ALB = 'AWS/ApplicationELB';

function settings(
  fake: FakeService,
  extra: Partial<CloudWatchMetricsSettings> = {},
): CloudWatchMetricsSettings {
  return {
    region: FAKE_AWS.region,
    credentials: { accessKeyId: FAKE_AWS.accessKeyId, secretAccessKey: FAKE_AWS.secretAccessKey },
    endpoint: `${fake.url}/`,
    queries: {
      requests: { namespace: ALB, metric: 'RequestCount', dimensions: DIMENSIONS },
      errors: { namespace: ALB, metric: 'HTTPCode_Target_5XX_Count', dimensions: DIMENSIONS },
      latencyHistogram: {
        namespace: ALB,
        metric: 'TargetResponseTime',
        dimensions: DIMENSIONS,
        buckets: [0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1],
      },
    },
    delayMs: 0,
    ...extra,
  };
}

let fake: FakeService;
beforeEach(async () => {
  fake = await startFakeCloudWatch();
});
afterEach(async () => {
  expect(fake.mismatches).toEqual([]);
  await fake.close();
});

describe('the cloudwatch metric source', () => {
  it('passes a healthy canary on counts and trimmed-count bins, one GetMetricData call per look', async () => {
    fake.traffic = HEALTHY;
    const source = createCloudWatchMetricSource(settings(fake), { now: minuteClock() });
    const { judgment, observations } = await judgeLooks(source, 2);
    await source.close();
    expect(fake.calls).toHaveLength(2);
    const first = observations[0]!;
    expect(first.baseline.requests).toBe(300);
    expect(first.canary.errors).toBe(2);
    // Every request is a sample, at its bin's upper bound (ms).
    expect(first.canary.latencyMs).toHaveLength(300);
    expect(first.canary.latencyAggregate).toBeUndefined();
    expect(new Set(first.canary.latencyMs)).toEqual(new Set([25, 50, 100, 200, 300, 500]));
    expect(first.canaryShare).toBeCloseTo(0.5);
    expect(first.notes.join('\n')).toContain('trimmed counts per bin (a distribution of requests)');
    expect(judgment.verdict).toBe('pass');
  });

  it('fails a canary whose error rate is higher', async () => {
    fake.traffic = FAILING;
    const source = createCloudWatchMetricSource(settings(fake), { now: minuteClock() });
    const { judgment } = await judgeLooks(source, 2);
    await source.close();
    expect(judgment.verdict).toBe('fail');
    expect(metric(judgment, 'error-rate').verdict).toBe('fail');
  });

  it('fails a slower canary on its latency distribution', async () => {
    fake.traffic = SLOW;
    const source = createCloudWatchMetricSource(settings(fake), { now: minuteClock() });
    const { judgment } = await judgeLooks(source, 2);
    await source.close();
    expect(judgment.verdict).toBe('fail');
    expect(metric(judgment, 'latency').verdict).toBe('fail');
    expect(metric(judgment, 'latency').aggregate).toBeUndefined();
  });

  it('reads a p95 statistic as an aggregate, judged by the aggregate rule', async () => {
    fake.traffic = SLOW;
    const queries = settings(fake).queries;
    const source = createCloudWatchMetricSource(
      settings(fake, {
        queries: {
          ...queries,
          latencyHistogram: undefined,
          latency: { namespace: ALB, metric: 'TargetResponseTime', dimensions: DIMENSIONS, stat: 'p95' },
        },
      }),
      { now: minuteClock() },
    );
    const { judgment, observations } = await judgeLooks(source, 3);
    await source.close();
    expect(observations[0]!.canary.latencyAggregate).toBe(true);
    expect(observations[0]!.canary.latencyMs).toHaveLength(1);
    expect(observations[0]!.notes.join('\n')).toContain('p95 statistic (an aggregate)');
    expect(metric(judgment, 'latency').aggregate).toBe(true);
    expect(metric(judgment, 'latency').verdict).toBe('fail');
  });

  it('backs off when CloudWatch throttles (400 Throttling), then reads the look', async () => {
    fake.traffic = HEALTHY;
    fake.throttle(2);
    const { sleep, delays } = recordingSleep();
    const warnings: string[] = [];
    const source = createCloudWatchMetricSource(settings(fake), {
      now: minuteClock(),
      sleep,
      random: () => 1,
      onRetry: (message) => warnings.push(message),
    });
    const observation = await source.collect(look());
    await source.close();
    expect(fake.calls).toHaveLength(3);
    expect(delays).toEqual([500, 1000]);
    expect(warnings[0]).toMatch(/throttled \(HTTP 400\); retrying in 500 ms/);
    expect(observation.baseline.requests).toBe(300);
  });

  it('gives up with a clear error when the throttling does not stop', async () => {
    fake.throttle(100);
    const { sleep } = recordingSleep();
    const source = createCloudWatchMetricSource(settings(fake, { retry: { retries: 2 } }), {
      now: minuteClock(),
      sleep,
    });
    const error = await sourceError(source.collect(look()));
    await source.close();
    expect(error.message).toMatch(/kept failing for GetMetricData after 3 attempts: throttled/);
    expect(fake.calls).toHaveLength(3);
  });

  it('reports missing data as no data, never a pass', async () => {
    fake.traffic = {};
    const source = createCloudWatchMetricSource(settings(fake), { now: minuteClock() });
    const { judgment, observations } = await judgeLooks(source, 2);
    await source.close();
    expect(observations[0]!.notes.join('\n')).toMatch(
      /baseline requests: no datapoints in the window \(no data\)/,
    );
    expect(judgment.verdict).toBe('no-data');
  });

  it('asks only for periods completed since the last look', async () => {
    fake.traffic = HEALTHY;
    const at = Date.UTC(2026, 11, 6, 12, 0, 30);
    const source = createCloudWatchMetricSource(settings(fake), { now: () => at });
    await source.collect(look());
    const again = await source.collect(look());
    await source.close();
    expect(fake.calls).toHaveLength(1);
    expect(again.notes.join('\n')).toContain('no 60 s period completed since the last look (no data)');
    const form = new URLSearchParams(fake.calls[0]!.body);
    expect(form.get('StartTime')).toBe('2026-12-06T11:59:00.000Z');
    expect(form.get('EndTime')).toBe('2026-12-06T12:00:00.000Z');
  });

  it('names the missing credentials, masking those it reads', () => {
    const masked: string[] = [];
    const missing = thrown(() => awsCredentialsFromEnv({}, (s) => masked.push(s)));
    expect(missing.message).toContain('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set');
    expect(missing.message).toContain('aws-actions/configure-aws-credentials');
    const partial = thrown(() =>
      awsCredentialsFromEnv({ AWS_ACCESS_KEY_ID: 'AKIA1' }, (s) => masked.push(s)),
    );
    expect(partial.message).toContain('AWS_SECRET_ACCESS_KEY is not set');
    const read = awsCredentialsFromEnv(
      {
        AWS_ACCESS_KEY_ID: 'AKIA2',
        AWS_SECRET_ACCESS_KEY: 'shh',
        AWS_SESSION_TOKEN: 'tok',
        AWS_REGION: 'us-west-2',
      },
      (s) => masked.push(s),
    );
    expect(read).toEqual({
      credentials: { accessKeyId: 'AKIA2', secretAccessKey: 'shh', sessionToken: 'tok' },
      region: 'us-west-2',
    });
    expect(masked).toEqual(expect.arrayContaining(['AKIA1', 'AKIA2', 'shh', 'tok']));
  });

  it("signs an assumed role's session token with the request", async () => {
    fake.traffic = HEALTHY;
    const source = createCloudWatchMetricSource(
      settings(fake, {
        credentials: {
          accessKeyId: FAKE_AWS.accessKeyId,
          secretAccessKey: FAKE_AWS.secretAccessKey,
          sessionToken: 'FQoGZXIvYXdzEXAMPLE',
        },
      }),
      { now: minuteClock() },
    );
    const observation = await source.collect(look());
    await source.close();
    expect(observation.baseline.requests).toBe(300);
    expect(fake.calls[0]!.headers['x-amz-security-token']).toBe('FQoGZXIvYXdzEXAMPLE');
    expect(String(fake.calls[0]!.headers.authorization)).toMatch(/SignedHeaders=[^,]*x-amz-security-token/);
  });

  it('says which credential CloudWatch refused: a wrong secret, an unknown key', async () => {
    fake.traffic = HEALTHY;
    const wrongSecret = createCloudWatchMetricSource(
      settings(fake, {
        credentials: { accessKeyId: FAKE_AWS.accessKeyId, secretAccessKey: 'not-the-secret' },
      }),
      { now: minuteClock() },
    );
    const refused = await sourceError(wrongSecret.collect(look()));
    await wrongSecret.close();
    expect(refused.message).toMatch(/refused the AWS credentials \(SignatureDoesNotMatch/);
    expect(refused.message).toContain('AWS_SECRET_ACCESS_KEY');
    expect(refused.message).not.toContain('not-the-secret');
    const unknownKey = createCloudWatchMetricSource(
      settings(fake, {
        credentials: { accessKeyId: 'AKIAUNKNOWN', secretAccessKey: FAKE_AWS.secretAccessKey },
      }),
      { now: minuteClock() },
    );
    expect((await sourceError(unknownKey.collect(look()))).message).toContain('InvalidClientTokenId');
    await unknownKey.close();
  });

  it('checks its settings before any call', () => {
    const base = settings(fake);
    expect(thrown(() => createCloudWatchMetricSource({ ...base, region: 'Ireland' })).setting).toBe('region');
    expect(thrown(() => createCloudWatchMetricSource({ ...base, queries: {} })).message).toMatch(
      /no metric is set/,
    );
    expect(
      thrown(() =>
        createCloudWatchMetricSource({
          ...base,
          queries: {
            ...base.queries,
            latencyHistogram: { ...base.queries.latencyHistogram!, buckets: [0.5, 0.1] },
          },
        }),
      ).message,
    ).toMatch(/positive and ascending/);
    expect(thrown(() => createCloudWatchMetricSource({ ...base, periodS: 45 })).message).toMatch(
      /multiple of 60/,
    );
    expect(
      thrown(() =>
        createCloudWatchMetricSource({
          ...base,
          queries: {
            requests: { namespace: ALB, metric: 'RequestCount', dimensions: { TargetGroup: '{{colour}}' } },
          },
        }),
      ).message,
    ).toMatch(/unknown placeholder\(s\) \{\{colour\}\}/);
  });
});

describe("the fake's hold on the service model", () => {
  it('accepts the form the source sends, and catches one that breaks the model', () => {
    const body = queryForm({
      queries: [
        {
          id: 'b_requests',
          namespace: ALB,
          metric: 'RequestCount',
          dimensions: [['TargetGroup', 'tg']],
          stat: 'Sum',
        },
      ],
      periodS: 60,
      start: new Date(0),
      end: new Date(60_000),
    });
    expect(readQueryForm(body).mismatches).toEqual([]);
    const broken = new URLSearchParams(body);
    broken.set('MetricDataQueries.member.1.MetricStat.Period', 'sixty');
    broken.set('MetricDataQueries.member.1.Colour', 'blue');
    broken.delete('StartTime');
    const { mismatches } = readQueryForm(broken.toString());
    expect(mismatches).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Period: 'sixty' is not an integer/),
        expect.stringMatching(/Colour: not a parameter of GetMetricData/),
        expect.stringMatching(/required member StartTime is missing/),
      ]),
    );
  });

  it('names the bins as trimmed counts over the bounds', () => {
    expect(binStatistics([0.1, 0.5])).toEqual(['TC(:0.1)', 'TC(0.1:0.5)', 'TC(0.5:)']);
  });
});

describe('the ingestion delay', () => {
  it('ends each window two minutes behind now by default, on a period boundary', async () => {
    fake.traffic = HEALTHY;
    const source = createCloudWatchMetricSource(
      { ...settings(fake), delayMs: undefined },
      { now: () => Date.UTC(2026, 11, 6, 12, 3, 30) },
    );
    await source.collect(look());
    await source.close();
    const form = new URLSearchParams(fake.calls[0]!.body);
    expect(form.get('EndTime')).toBe('2026-12-06T12:01:00.000Z');
    expect(thrown(() => createCloudWatchMetricSource({ ...settings(fake), delayMs: -1 })).setting).toBe(
      'delayMs',
    );
  });
});
