// The Prometheus metric source against a real Prometheus (Debian's /usr/bin/prometheus) scraping two test
// apps every second while traffic flows to them: 3 requests to the baseline for each one to the canary,
// whose latency is higher and which fails 10% of its requests.
import { once } from 'node:events';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetricSource, MetricSourceError } from '../../src/metrics/index.js';
import {
  createPrometheusMetricSource,
  type PrometheusMetricsSettings,
  parseSampleValue,
  valuesOf,
} from '../../src/metrics/prometheus.js';
import type { CollectRequest } from '../../src/metrics/types.js';
import { startTestApp, type TestApp } from '../fakes/test-app.js';
import { freePort } from '../helpers/nginx.js';
import {
  PROMETHEUS_MISSING,
  prometheusAvailable,
  type RunningPrometheus,
  startPrometheus,
} from '../helpers/prometheus.js';

const available = prometheusAvailable();
if (!available)
  console.warn(`skipping the Prometheus metric source tests against Prometheus: ${PROMETHEUS_MISSING}`);

/** A canary version that must be escaped to sit inside a PromQL string. */
const CANARY = `v2 "rc" 'b' \\ end`;

const QUERIES = {
  latency:
    'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{version="{{version}}"}[{{window}}])))',
  requests: 'sum(increase(http_requests_total{version="{{version}}"}[{{window}}]))',
  errors: 'sum(increase(http_requests_total{version="{{version}}",code=~"5.."}[{{window}}]))',
};

function look(extra: Partial<CollectRequest> = {}): CollectRequest {
  return {
    step: 3,
    weight: 25,
    baselineVersion: 'v1',
    canaryVersion: CANARY,
    windowMs: 5000,
    signal: new AbortController().signal,
    ...extra,
  };
}

async function sourceError(promise: Promise<unknown>): Promise<MetricSourceError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(MetricSourceError);
    expect((error as MetricSourceError).source).toBe('prometheus');
    return error as MetricSourceError;
  }
  throw new Error('expected a MetricSourceError');
}

function get(agent: Agent, url: string): Promise<void> {
  return new Promise((resolve) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    });
    req.on('error', () => resolve());
    req.end();
  });
}

describe.skipIf(!available)('prometheus metric source (real Prometheus)', () => {
  let baseline: TestApp;
  let canary: TestApp;
  let prometheus: RunningPrometheus;
  let traffic: Promise<void>;
  let flowing = true;
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const settings = (extra: Partial<PrometheusMetricsSettings> = {}): PrometheusMetricsSettings => ({
    url: prometheus.url,
    queries: QUERIES,
    ...extra,
  });

  beforeAll(async () => {
    baseline = await startTestApp({ version: 'v1' });
    canary = await startTestApp({ version: CANARY, delayMs: 35, failRate: 0.1 });
    // Every series (the canary's 500s too) exists before the first scrape, so increase() misses nothing.
    for (let i = 0; i < 10; i++) await Promise.all([get(agent, baseline.url), get(agent, canary.url)]);
    prometheus = await startPrometheus({ targets: [baseline.url, canary.url] });
    traffic = (async () => {
      while (flowing) {
        await Promise.all([
          get(agent, baseline.url),
          get(agent, baseline.url),
          get(agent, baseline.url),
          get(agent, canary.url),
        ]);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    // Traffic over a few scrapes before the first look.
    await new Promise((resolve) => setTimeout(resolve, 4500));
  }, 60_000);

  afterAll(async () => {
    flowing = false;
    await traffic;
    agent.destroy();
    await prometheus?.close();
    await Promise.all([baseline?.close(), canary?.close()]);
  });

  it('reads latency, requests, errors and the canary share of each side with instant queries', async () => {
    const source = createMetricSource('prometheus', settings());
    expect(source.kind).toBe('prometheus');
    try {
      const observation = await source.collect(look());
      const { baseline: b, canary: c } = observation;
      // The baseline never failed: it has no 5xx series at all.
      expect(observation.notes).toEqual(['baseline errors query returned no series: counted as 0 errors']);
      // One p95 per side, in ms: the baseline answers at once, the canary after 35 ms (bucket 25..50 ms, or
      // the next one when a loaded machine delays a few answers).
      expect(b.latencyMs).toHaveLength(1);
      expect(c.latencyMs).toHaveLength(1);
      expect(b.latencyMs[0]!).toBeLessThan(25);
      expect(c.latencyMs[0]!).toBeGreaterThan(25);
      expect(c.latencyMs[0]!).toBeLessThanOrEqual(250);
      // 5 s of traffic at a few dozen requests a second per side.
      expect(c.requests).toBeGreaterThan(20);
      expect(b.requests).toBeGreaterThan(2 * c.requests);
      expect(b.errors).toBe(0);
      expect(c.errors / c.requests).toBeGreaterThan(0.05);
      expect(c.errors / c.requests).toBeLessThan(0.15);
      expect(observation.canaryShare!).toBeGreaterThan(0.2);
      expect(observation.canaryShare!).toBeLessThan(0.3);
    } finally {
      await source.close();
    }
  });

  it('reads one latency per step of a range query', async () => {
    const source = createPrometheusMetricSource(settings({ mode: 'range', stepMs: 1000, minWindowMs: 2000 }));
    try {
      const observation = await source.collect(look({ windowMs: 4000 }));
      expect(observation.baseline.latencyMs.length).toBeGreaterThanOrEqual(3);
      expect(observation.canary.latencyMs.length).toBeGreaterThanOrEqual(3);
      // Points of 2 s hold a few dozen requests: a loaded machine can lift one; the medians stand.
      const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
      expect(median(observation.canary.latencyMs)).toBeGreaterThan(25);
      expect(median(observation.baseline.latencyMs)).toBeLessThan(25);
      expect(observation.canary.requests).toBeGreaterThan(0);
    } finally {
      await source.close();
    }
  });

  it('counts every request between two looks from the histogram buckets and cumulative counters', async () => {
    const direct = async (promql: string, at: number) => {
      const form = new URLSearchParams({ query: promql, time: (at / 1000).toFixed(3) });
      const body = (await (
        await fetch(`${prometheus.url}/api/v1/query`, { method: 'POST', body: form })
      ).json()) as {
        data: { result: { value: [number, string] }[] };
      };
      return body.data.result.reduce((sum, series) => sum + Number(series.value[1]), 0);
    };
    // Looks in the past by more than a scrape, so a scrape still in flight cannot change the answers.
    let at = Date.now() - 2000;
    const source = createPrometheusMetricSource(
      settings({
        queries: {
          latencyHistogram: 'sum by (le) (http_request_duration_seconds_bucket{version="{{version}}"})',
          requests: 'sum(http_requests_total{version="{{version}}"})',
          errors: 'sum(http_requests_total{version="{{version}}",code=~"5.."})',
        },
      }),
      { now: () => at },
    );
    try {
      // A window reaching back before the first scrape: every request counted so far.
      const first = await source.collect(look({ windowMs: 3_600_000 }));
      const firstAt = at;
      expect(first.baseline.requests).toBe(await direct('sum(http_requests_total{version="v1"})', firstAt));
      expect(first.canary.requests).toBeGreaterThan(20);
      // Every request is one latency sample, at its bucket's upper bound: the canary's 35 ms in the 50 ms one.
      expect(first.baseline.latencyMs).toHaveLength(first.baseline.requests);
      expect(first.canary.latencyMs).toHaveLength(first.canary.requests);
      expect(first.canary.latencyAggregate).toBeUndefined();
      const median = (values: number[]) => [...values].sort((x, y) => x - y)[values.length >> 1]!;
      expect(median(first.canary.latencyMs)).toBe(50);
      expect(median(first.baseline.latencyMs)).toBeLessThanOrEqual(25);
      expect(first.canary.errors / first.canary.requests).toBeGreaterThan(0.05);
      expect(first.canary.errors / first.canary.requests).toBeLessThan(0.15);
      // The next window starts where the first ended: its count is exactly what was scraped in between.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      at = firstAt + 2500;
      const second = await source.collect(look({ windowMs: 2500 }));
      const grew = (await direct('sum(http_requests_total{version="v1"})', at)) - first.baseline.requests;
      expect(second.baseline.requests).toBe(grew);
      expect(second.baseline.requests).toBeGreaterThan(0);
      expect(second.baseline.latencyMs).toHaveLength(second.baseline.requests);
    } finally {
      await source.close();
    }
  });

  it('fills the templates with each side version, weight and step, escaped for PromQL', async () => {
    const source = createPrometheusMetricSource(
      settings({
        latencyUnit: 'ms',
        queries: {
          latency: 'vector({{weight}} + {{step}} / 10)',
          // The canary has a 200 and a 500 series, the baseline only a 200 one: its odd version matched.
          // With {{window}}: the answer is the window's own count, read once (not differenced).
          requests: 'count(count_over_time(http_requests_total{version="{{version}}"}[{{window}}]))',
        },
      }),
    );
    try {
      const observation = await source.collect(look({ weight: 20, step: 4 }));
      expect(observation.baseline.latencyMs).toEqual([80.4]);
      expect(observation.canary.latencyMs).toEqual([20.4]);
      expect(observation.baseline.requests).toBe(1);
      expect(observation.canary.requests).toBe(2);
    } finally {
      await source.close();
    }
  });

  it('takes an error-rate query instead of an errors one', async () => {
    const source = createPrometheusMetricSource(
      settings({
        queries: {
          requests: QUERIES.requests,
          errorRate:
            'sum(rate(http_requests_total{version="{{version}}",code=~"5.."}[{{window}}])) / sum(rate(http_requests_total{version="{{version}}"}[{{window}}]))',
        },
      }),
    );
    try {
      const { baseline: b, canary: c, notes } = await source.collect(look());
      expect(c.errors / c.requests).toBeGreaterThan(0.05);
      expect(c.errors / c.requests).toBeLessThan(0.15);
      expect(b.errors).toBe(0);
      // The baseline has no 5xx series: its error rate query answers nothing.
      expect(notes).toEqual(['baseline error rate query returned no value: counted as 0 errors']);
    } finally {
      await source.close();
    }
  });

  it('reports a side without series as no data in a note, not as an error', async () => {
    const source = createPrometheusMetricSource(settings());
    try {
      const observation = await source.collect(look({ canaryVersion: 'v9-never-deployed' }));
      expect(observation.canary).toEqual({ latencyMs: [], latencyAggregate: true, requests: 0, errors: 0 });
      expect(observation.baseline.requests).toBeGreaterThan(0);
      expect(observation.canaryShare).toBe(0);
      expect(observation.notes).toEqual(
        expect.arrayContaining([
          'canary latency query returned no series (no data)',
          'canary requests query returned no series (no data)',
        ]),
      );
    } finally {
      await source.close();
    }
  });

  it('drops NaN values with a note', async () => {
    const source = createPrometheusMetricSource(settings({ queries: { latency: 'vector(0) / vector(0)' } }));
    try {
      const observation = await source.collect(look());
      expect(observation.canary.latencyMs).toEqual([]);
      expect(observation.notes).toContain(
        'canary latency query: dropped 1 NaN (no requests to divide by?) value(s)',
      );
      expect(observation.canaryShare).toBeUndefined();
    } finally {
      await source.close();
    }
  });

  it('fails with a MetricSourceError on a query Prometheus rejects, naming the side and the query', async () => {
    const source = createPrometheusMetricSource(
      settings({ queries: { latency: 'sum(rate(x[{{window}}])' } }),
    );
    try {
      const error = await sourceError(source.collect(look()));
      expect(error.message).toMatch(
        /^prometheus: the (baseline|canary) latency query \(sum\(rate\(x\[5s\]\)\) failed: bad_data: .* \(HTTP 400\)$/,
      );
    } finally {
      await source.close();
    }
  });

  it('fails when a latency query answers several series', async () => {
    const source = createPrometheusMetricSource(settings({ queries: { latency: 'http_requests_total' } }));
    try {
      const error = await sourceError(source.collect(look()));
      expect(error.message).toMatch(
        /^prometheus: the (baseline|canary) latency query returned 3 series; aggregate it to one/,
      );
    } finally {
      await source.close();
    }
  });

  it('fails when the URL is not a Prometheus', async () => {
    const source = createPrometheusMetricSource(settings({ url: baseline.url }));
    try {
      const error = await sourceError(source.collect(look()));
      expect(error.message).toMatch(
        new RegExp(`^prometheus: ${baseline.url}/api/v1/query answered HTTP 404 to the (baseline|canary) `),
      );
    } finally {
      await source.close();
    }
  });

  it('says cancelled when the look is cancelled', async () => {
    const source = createPrometheusMetricSource(settings());
    const controller = new AbortController();
    controller.abort();
    try {
      const error = await sourceError(source.collect(look({ signal: controller.signal })));
      expect(error.message).toBe('prometheus: cancelled');
    } finally {
      await source.close();
    }
  });
});

describe('prometheus metric source without Prometheus', () => {
  it('takes a counter that went down as reset, counting its value since, with a note', async () => {
    // A scripted Prometheus API: the counter reads 100 at the window's start and 7 at its end.
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        const form = new URLSearchParams(body);
        const atStart = Number(form.get('time')) < 1_000;
        const value = atStart ? '100' : '7';
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            status: 'success',
            data: { resultType: 'vector', result: [{ metric: {}, value: [1, value] }] },
          }),
        );
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const source = createPrometheusMetricSource(
      { url: `http://127.0.0.1:${port}`, queries: { requests: 'sum(x{version="{{version}}"})' } },
      { now: () => 1_500_000 },
    );
    try {
      const observation = await source.collect(look({ windowMs: 1_000_000 }));
      expect(observation.baseline.requests).toBe(7);
      expect(observation.canary.requests).toBe(7);
      expect(observation.notes).toContain(
        'baseline requests: the counter went down (100 → 7): a reset (a restart?); its value since is counted',
      );
    } finally {
      await source.close();
      server.close();
    }
  });

  it('fails with a MetricSourceError when Prometheus is down', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const source = createPrometheusMetricSource({ url, queries: QUERIES });
    const error = await sourceError(source.collect(look()));
    expect(error.message).toMatch(
      new RegExp(
        `^prometheus: ${url}/api/v1/query could not be reached for the (baseline|canary) .* query .*: connection refused`,
      ),
    );
    await source.close();
    await expect(source.collect(look())).rejects.toThrow('prometheus: the source is closed');
  });

  it('checks its settings when created, naming what is wrong', () => {
    const cases: [Partial<PrometheusMetricsSettings>, string][] = [
      [{ url: 'prometheus:9090' }, "the URL must be an http(s) URL, got 'prometheus:9090'"],
      [
        { url: 'http://u:secret@p/', queries: {} },
        'no query is set: give at least a latency histogram, a latency or a requests query',
      ],
      [
        { queries: { latency: '  ' } },
        'no query is set: give at least a latency histogram, a latency or a requests query',
      ],
      [
        { queries: { latency: 'x{v="{{verison}}"}' } },
        'the latency query uses unknown placeholder(s) {{verison}}; known: {{version}}, {{weight}}, {{window}}, {{side}}, {{step}}',
      ],
      [
        { queries: { errors: 'x' } },
        'an errors or error rate query needs a requests query (errors are judged as a share of requests)',
      ],
      [
        { queries: { requests: 'r', errors: 'e', errorRate: 'x' } },
        'give an errors query or an error rate query, not both',
      ],
      [{ mode: 'sometimes' as 'range' }, "mode must be instant or range, got 'sometimes'"],
      [{ stepMs: 0 }, 'the range step must be a positive duration, got 0 ms'],
      [{ headers: { 'x org': '1' } }, "header name 'x org' is not a valid HTTP header name"],
      [
        { headers: { authorization: 'a\nb' } },
        "the value of header 'authorization' has a line break or control character",
      ],
    ];
    for (const [patch, message] of cases) {
      expect(() =>
        createPrometheusMetricSource({ url: 'http://p:9090', queries: QUERIES, ...patch }),
      ).toThrow(new MetricSourceError(`prometheus: ${message}`, 'prometheus', Object.keys(patch).at(-1)));
    }
  });

  it('reads every result type and special value of the HTTP API', () => {
    expect([parseSampleValue('1.5'), parseSampleValue('+Inf'), parseSampleValue('-Inf')]).toEqual([
      1.5,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ]);
    expect(parseSampleValue('NaN')).toBeNaN();
    expect(parseSampleValue('')).toBeNaN();
    expect(valuesOf({ resultType: 'scalar', result: [1, '2'] })).toEqual({
      values: [2],
      buckets: [],
      series: 1,
      nan: 0,
      infinite: 0,
    });
    expect(
      valuesOf({
        resultType: 'vector',
        result: [
          { metric: {}, value: [1, 'NaN'] },
          { metric: {}, value: [1, '+Inf'] },
          { metric: {}, value: [1, '3'] },
        ],
      }),
    ).toEqual({ values: [3], buckets: [], series: 3, nan: 1, infinite: 1 });
    // Histogram buckets keep their le (+Inf included); a NaN count is dropped like any other.
    expect(
      valuesOf({
        resultType: 'vector',
        result: [
          { metric: { le: '0.1' }, value: [1, '4'] },
          { metric: { le: '+Inf' }, value: [1, '9'] },
          { metric: { le: '0.5' }, value: [1, 'NaN'] },
        ],
      }),
    ).toEqual({
      values: [4, 9],
      buckets: [
        { le: 0.1, value: 4 },
        { le: Number.POSITIVE_INFINITY, value: 9 },
      ],
      series: 3,
      nan: 1,
      infinite: 0,
    });
    expect(
      valuesOf({
        resultType: 'matrix',
        result: [
          {
            metric: {},
            values: [
              [1, '0.1'],
              [2, '0.2'],
            ],
          },
        ],
      }),
    ).toEqual({ values: [0.1, 0.2], buckets: [], series: 1, nan: 0, infinite: 0 });
    expect(valuesOf({ resultType: 'vector', result: [] })).toEqual({
      values: [],
      buckets: [],
      series: 0,
      nan: 0,
      infinite: 0,
    });
    expect(() => valuesOf({ resultType: 'string', result: [1, 'x'] })).toThrow(
      'the query answers a string, not a number',
    );
    expect(() => valuesOf({ resultType: 'matrix', result: [{ metric: {} }] })).toThrow(
      'a series without values',
    );
    expect(() => valuesOf({ resultType: 'vector', result: [{ value: 'x' }] })).toThrow(
      'unexpected sample "x"',
    );
    expect(() => valuesOf(undefined)).toThrow("unexpected result type 'undefined'");
  });
});
