// The metric-source and judgment inputs canary-promote and the watch read alike.
import { describe, expect, it } from 'vitest';
import { InputReader } from '../../../src/actions/kit/inputs.js';
import { openMetricSource, readAnalysis, readMetrics } from '../../../src/actions/kit/metric-inputs.js';

const reader = (inputs: Record<string, string>) => new InputReader((name) => inputs[name] ?? '');

describe('readMetrics', () => {
  it('probe: both sides required for a canary; the watch probes the live release alone', () => {
    const canaryOnly = reader({ metrics: 'probe', 'canary-url': 'http://127.0.0.1:8080/' });
    expect(() => readMetrics(canaryOnly, 1000, {})).toThrow(
      "'baseline-url' is required with metrics: probe (the probe sends requests to each side)",
    );
    expect(readMetrics(canaryOnly, 1000, {}, { baselineUrl: 'defaults-to-canary' })).toMatchObject({
      kind: 'probe',
      settings: { baselineUrl: 'http://127.0.0.1:8080/', canaryUrl: 'http://127.0.0.1:8080/' },
    });
  });

  it('prometheus: the queries are a YAML mapping of known keys, the step defaults to the look interval', () => {
    const given = {
      metrics: 'prometheus',
      'prometheus-url': 'http://127.0.0.1:9090',
      'prometheus-queries': 'requests: sum(x{version="{{version}}"})',
    };
    expect(readMetrics(reader(given), 15_000, {})).toMatchObject({
      kind: 'prometheus',
      settings: { queries: { requests: 'sum(x{version="{{version}}"})' }, stepMs: 15_000 },
    });
    expect(() => readMetrics(reader({ ...given, 'prometheus-queries': 'latency-p95: x' }), 1000, {})).toThrow(
      /'prometheus-queries' has 'latency-p95'; the keys are latency-histogram, latency, requests/,
    );
  });

  it('a hosted source names its config input when its credentials are missing', () => {
    expect(() =>
      readMetrics(reader({ metrics: 'sentry', 'sentry-config': 'organization: acme' }), 1000, {}),
    ).toThrow(/SENTRY_AUTH_TOKEN/);
  });

  it("a source's own complaint is an error naming the input behind it", () => {
    const choice = readMetrics(
      reader({ metrics: 'http-json', 'json-url': 'http://127.0.0.1/{{nope}}', 'json-fields': 'requests: a' }),
      1000,
      {},
    );
    expect(() => openMetricSource(choice)).toThrow(/^'json-url' \(metrics: http-json\): /);
  });
});

describe('readAnalysis', () => {
  it('reads confidence, the allowed increases and the limits; max-samples is the caller’s', () => {
    expect(
      readAnalysis(reader({ confidence: '99.5%', 'max-error-rate': '1%', 'latency-p95': '200ms' }), 20, 20),
    ).toEqual({
      confidence: 0.995,
      allowedIncrease: { latency: 0.1, errorRate: 0.5 },
      thresholds: { latencyP95Ms: 200, latencyP99Ms: undefined, maxErrorRate: 0.01 },
      minSamples: 20,
      maxSamples: 20,
    });
    expect(() => readAnalysis(reader({ confidence: '40%' }), 20, 500)).toThrow(
      "'confidence' must be a percentage above 50% and below 100% like 99%, got 40%",
    );
  });
});
