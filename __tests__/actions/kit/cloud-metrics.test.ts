// The hosted sources' settings from their `<source>-config` inputs and the environment: typed settings,
// credentials masked as they are read, and errors naming the input (or the variable) and the expected form.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readCloudMetrics } from '../../../src/actions/kit/cloud-metrics.js';
import { InputReader } from '../../../src/actions/kit/inputs.js';
import { InputError } from '../../../src/common/units.js';

const reader = (inputs: Record<string, string>) => new InputReader((name) => inputs[name] ?? '');

let written: string[];
beforeEach(() => {
  written = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());
const masks = () => written.filter((line) => line.startsWith('::add-mask::')).map((line) => line.trim());

function refusal(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError');
}

const AWS = {
  AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI',
  AWS_SESSION_TOKEN: 'FQoGZXIvYXdz',
  AWS_REGION: 'eu-west-1',
};

describe('readCloudMetrics', () => {
  it('reads cloudwatch-config, with durations as bucket bounds in the metric’s unit, and masks the credentials', () => {
    const choice = readCloudMetrics(
      'cloudwatch',
      reader({
        'cloudwatch-config': [
          'period: 2m',
          'requests: {namespace: AWS/ApplicationELB, metric: RequestCount, canary-dimensions: {TargetGroup: tg-green}}',
          'latency-histogram: {namespace: AWS/ApplicationELB, metric: TargetResponseTime, buckets: [50ms, 0.1, 1s]}',
        ].join('\n'),
      }),
      AWS,
    );
    expect(choice.kind).toBe('cloudwatch');
    const settings = choice.settings as Extract<typeof choice, { kind: 'cloudwatch' }>['settings'];
    expect(settings.region).toBe('eu-west-1');
    expect(settings.periodS).toBe(120);
    expect(settings.queries.requests?.canaryDimensions).toEqual({ TargetGroup: 'tg-green' });
    expect(settings.queries.latencyHistogram?.buckets).toEqual([0.05, 0.1, 1]);
    expect(settings.credentials).toEqual({
      accessKeyId: 'AKIAEXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI',
      sessionToken: 'FQoGZXIvYXdz',
    });
    expect(masks()).toEqual(
      expect.arrayContaining(['::add-mask::wJalrXUtnFEMI', '::add-mask::FQoGZXIvYXdz']),
    );
  });

  it('reads sentry-config and newrelic-config with defaults from the environment', () => {
    const sentry = readCloudMetrics(
      'sentry',
      reader({ 'sentry-config': 'release: shop@{{version}}\nlatency-buckets: 50ms, 100ms, 1s' }),
      { SENTRY_AUTH_TOKEN: 'sntrys_abc', SENTRY_ORG: 'shop-org', SENTRY_URL: 'https://de.sentry.io' },
    );
    expect(sentry.settings).toMatchObject({
      organization: 'shop-org',
      token: 'sntrys_abc',
      latencyBucketsMs: [50, 100, 1000],
      url: 'https://de.sentry.io',
    });
    const newrelic = readCloudMetrics(
      'newrelic',
      reader({ 'newrelic-config': 'requests: SELECT count(*) FROM Transaction' }),
      {
        NEW_RELIC_API_KEY: 'NRAK-XYZ',
        NEW_RELIC_ACCOUNT_ID: '42',
        NEW_RELIC_REGION: 'EU',
      },
    );
    expect(newrelic.settings).toMatchObject({ accountId: 42, apiKey: 'NRAK-XYZ', region: 'EU' });
    expect(masks()).toEqual(expect.arrayContaining(['::add-mask::sntrys_abc', '::add-mask::NRAK-XYZ']));
  });

  it.each([
    ['cloudwatch', {}, AWS, "'cloudwatch-config' is required with metrics: cloudwatch"],
    ['cloudwatch', { 'cloudwatch-config': 'requests: [' }, AWS, "'cloudwatch-config' must be a YAML mapping"],
    [
      'cloudwatch',
      { 'cloudwatch-config': 'requests: RequestCount' },
      AWS,
      "'requests' must be a mapping with namespace, metric and dimensions",
    ],
    [
      'cloudwatch',
      { 'cloudwatch-config': 'requests: {namespace: N, metric: M, unit: x}' },
      AWS,
      "'requests' has 'unit'",
    ],
    [
      'cloudwatch',
      { 'cloudwatch-config': 'period: soon\nrequests: {namespace: N, metric: M}' },
      AWS,
      "period' must be a duration",
    ],
    [
      'cloudwatch',
      { 'cloudwatch-config': 'requests: {namespace: N, metric: M}' },
      {},
      'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set',
    ],
    [
      'google-monitoring',
      { 'google-monitoring-config': 'latency-aligner: ALIGN_P95\nrequests: metric.type="x"' },
      { CLOUDSDK_AUTH_ACCESS_TOKEN: 't' },
      "'latency-aligner' must be one of ALIGN_PERCENTILE_50",
    ],
    [
      'sentry',
      { 'sentry-config': 'latency-percentile: p42' },
      { SENTRY_AUTH_TOKEN: 't' },
      "'latency-percentile' must be one of p50, p75, p90, p95, p99",
    ],
    [
      'newrelic',
      { 'newrelic-config': 'requests: SELECT 1' },
      { NEW_RELIC_API_KEY: 'k' },
      "'account' (or NEW_RELIC_ACCOUNT_ID) must be a New Relic account id",
    ],
  ] as const)('%s %o refused: %s', (kind, inputs, env, message) => {
    const error = refusal(() =>
      readCloudMetrics(kind, reader(inputs as Record<string, string>), env as NodeJS.ProcessEnv),
    );
    expect(error.input).toBe(`${kind}-config`);
    expect(error.message).toContain(message);
  });
});
