// The built-in probe metric source against real test apps on loopback: a baseline and a canary that is
// made slow, failing, unreachable or too slow to answer.
import { afterEach, describe, expect, it } from 'vitest';
import { createMetricSource, MetricSourceError } from '../../src/metrics/index.js';
import {
  createProbeMetricSource,
  type ProbeMetricsSettings,
  probeSchedule,
} from '../../src/metrics/probe.js';
import type { CollectRequest, MetricSource } from '../../src/metrics/types.js';
import { startTestApp, type TestApp } from '../fakes/test-app.js';
import { freePort } from '../helpers/nginx.js';

const apps: TestApp[] = [];
const sources: MetricSource[] = [];

async function app(...args: Parameters<typeof startTestApp>): Promise<TestApp> {
  const started = await startTestApp(...args);
  apps.push(started);
  return started;
}

function source(settings: ProbeMetricsSettings): MetricSource {
  const created = createProbeMetricSource(settings);
  sources.push(created);
  return created;
}

afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.close()));
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

function look(signal = new AbortController().signal): CollectRequest {
  return { step: 1, weight: 10, baselineVersion: 'v1', canaryVersion: 'v2', windowMs: 10_000, signal };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe('probe metric source', () => {
  it('sends the same number of requests to each side and gives one latency per answer', async () => {
    const baseline = await app({ version: 'v1' });
    const canary = await app({ version: 'v2' });
    const probe = createMetricSource('probe', {
      baselineUrl: `${baseline.url}/health`,
      canaryUrl: `${canary.url}/health`,
      requestsPerLook: 20,
    });
    sources.push(probe);
    expect(probe.kind).toBe('probe');
    const first = await probe.collect(look());
    expect(first.baseline.requests).toBe(20);
    expect(first.canary.requests).toBe(20);
    expect(first.baseline.errors + first.canary.errors).toBe(0);
    expect(first.baseline.latencyMs).toHaveLength(20);
    expect(first.canary.latencyMs).toHaveLength(20);
    for (const value of [...first.baseline.latencyMs, ...first.canary.latencyMs]) {
      expect(value).toBeGreaterThan(0);
      expect(value).toBeLessThan(1000);
    }
    expect(first.notes).toEqual([]);
    // Probes hit each side directly: they say nothing about the share real traffic gives the canary.
    expect(first.canaryShare).toBeUndefined();
    expect([baseline.requests, canary.requests]).toEqual([20, 20]);
    // Each look is new samples, over kept-alive connections.
    const second = await probe.collect(look());
    expect(second.canary.requests).toBe(20);
    expect(canary.requests).toBe(40);
    expect(canary.connections).toBeLessThanOrEqual(4);
  });

  it('sees a slow canary in its latencies', async () => {
    const baseline = await app({ version: 'v1', delayMs: 2 });
    const canary = await app({ version: 'v2', delayMs: 40 });
    const observation = await source({
      baselineUrl: baseline.url,
      canaryUrl: canary.url,
      requestsPerLook: 16,
    }).collect(look());
    expect(median(observation.canary.latencyMs)).toBeGreaterThanOrEqual(40);
    expect(median(observation.canary.latencyMs) - median(observation.baseline.latencyMs)).toBeGreaterThan(25);
    expect(observation.canary.errors).toBe(0);
  });

  it('counts a failing canary’s 5xx answers as errors, keeps their latencies and says why', async () => {
    const baseline = await app({ version: 'v1' });
    const canary = await app({ version: 'v2', failRate: 0.25 });
    const observation = await source({
      baselineUrl: baseline.url,
      canaryUrl: canary.url,
      requestsPerLook: 20,
    }).collect(look());
    expect(observation.canary).toMatchObject({ requests: 20, errors: 5 });
    expect(observation.canary.latencyMs).toHaveLength(20);
    expect(observation.baseline).toMatchObject({ requests: 20, errors: 0 });
    expect(observation.notes).toEqual(['canary: 5 of 20 probe requests failed (status 500 not in 2xx ×5)']);
  });

  it('takes the statuses it is told to accept', async () => {
    const baseline = await app({ version: 'v1' });
    const canary = await app({ version: 'v2' });
    const observation = await source({
      baselineUrl: `${baseline.url}/status/404`,
      canaryUrl: `${canary.url}/status/503`,
      requestsPerLook: 4,
      expectStatus: [
        { min: 200, max: 299 },
        { min: 404, max: 404 },
      ],
    }).collect(look());
    expect(observation.baseline.errors).toBe(0);
    expect(observation.canary.errors).toBe(4);
    expect(observation.notes).toEqual([
      'canary: 4 of 4 probe requests failed (status 503 not in 2xx, 404 ×4)',
    ]);
  });

  it('counts a canary too slow to answer as errors without latencies, within the timeout', async () => {
    const baseline = await app({ version: 'v1' });
    const canary = await app({ version: 'v2', delayMs: 5000 });
    const started = Date.now();
    const observation = await source({
      baselineUrl: baseline.url,
      canaryUrl: canary.url,
      requestsPerLook: 4,
      concurrency: 8,
      timeoutMs: 300,
    }).collect(look());
    expect(Date.now() - started).toBeLessThan(3000);
    expect(observation.canary).toEqual({ latencyMs: [], requests: 4, errors: 4 });
    expect(observation.baseline.errors).toBe(0);
    expect(observation.notes).toEqual([
      'canary: 4 of 4 probe requests failed (no complete answer within 300 ms ×4)',
    ]);
  });

  it('counts a canary that refuses connections as errors', async () => {
    const baseline = await app({ version: 'v1' });
    const port = await freePort();
    const observation = await source({
      baselineUrl: baseline.url,
      canaryUrl: `http://127.0.0.1:${port}/`,
      requestsPerLook: 3,
    }).collect(look());
    expect(observation.canary).toEqual({ latencyMs: [], requests: 3, errors: 3 });
    expect(observation.notes[0]).toMatch(
      /^canary: 3 of 3 probe requests failed \(connection refused .*×3\)$/,
    );
  });

  it('keeps at most `concurrency` requests in flight, both sides together', async () => {
    const baseline = await app({ version: 'v1', delayMs: 20 });
    const canary = await app({ version: 'v2', delayMs: 20 });
    const started = Date.now();
    await source({
      baselineUrl: baseline.url,
      canaryUrl: canary.url,
      requestsPerLook: 12,
      concurrency: 3,
    }).collect(look());
    // 24 requests of 20 ms, 3 at a time: at least 8 rounds (3 per side at once would take 4).
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(Math.max(baseline.peakInFlight, canary.peakInFlight)).toBeLessThanOrEqual(3);
    expect(Math.max(baseline.peakInFlight, canary.peakInFlight)).toBeGreaterThan(1);
    expect(baseline.requests + canary.requests).toBe(24);
  });

  it('stops a look when cancelled and says how far it got', async () => {
    const baseline = await app({ version: 'v1', delayMs: 100 });
    const canary = await app({ version: 'v2', delayMs: 100 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const started = Date.now();
    const observation = await source({
      baselineUrl: baseline.url,
      canaryUrl: canary.url,
      requestsPerLook: 50,
      concurrency: 2,
    }).collect(look(controller.signal));
    expect(Date.now() - started).toBeLessThan(1000);
    const done = observation.baseline.requests + observation.canary.requests;
    expect(done).toBeLessThan(10);
    expect(observation.notes[0]).toMatch(
      /^probe look cut short: \d+ of 100 requests were started before the stop$/,
    );
  });

  it('is one of the sources the metrics input names', () => {
    expect(() => createMetricSource('datadog' as never, {} as never)).toThrow(
      "unknown metric source 'datadog': expected one of probe, prometheus, http-json",
    );
  });

  it('interleaves the sides so neither always goes first', () => {
    expect(probeSchedule(3)).toEqual(['baseline', 'canary', 'canary', 'baseline', 'baseline', 'canary']);
  });

  it('checks its settings when created, naming what is wrong, and refuses to work once closed', async () => {
    const good = { baselineUrl: 'http://127.0.0.1:1/', canaryUrl: 'http://127.0.0.1:2/' };
    const cases: [Partial<ProbeMetricsSettings>, string][] = [
      [{ baselineUrl: 'localhost:8080' }, "the baseline URL must be an http(s) URL, got 'localhost:8080'"],
      [{ canaryUrl: 'ftp://user:pw@host/' }, "the canary URL must be an http(s) URL, got 'ftp://host/'"],
      [{ requestsPerLook: 0 }, 'requests per look must be at least 1, got 0'],
      [{ concurrency: Number.NaN }, 'concurrency must be at least 1, got NaN'],
      [{ timeoutMs: -1 }, 'the timeout must be a positive duration, got -1 ms'],
      [{ headers: { 'x y': '1' } }, "header name 'x y' is not a valid HTTP header name"],
      [
        { headers: { cookie: 'a\r\nb' } },
        "the value of header 'cookie' has a line break or control character",
      ],
    ];
    for (const [patch, message] of cases) {
      expect(() => createProbeMetricSource({ ...good, ...patch })).toThrow(
        new MetricSourceError(`probe metrics: ${message}`, 'probe', Object.keys(patch)[0]),
      );
    }
    const closed = createProbeMetricSource(good);
    await closed.close();
    await expect(closed.collect(look())).rejects.toThrow(
      new MetricSourceError('probe metrics: the source is closed', 'probe'),
    );
  });
});
