// The http-json metric source against a real stats server on loopback that answers per side.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHttpJsonMetricSource, type HttpJsonMetricsSettings } from '../../src/metrics/http-json.js';
import { createMetricSource, MetricSourceError } from '../../src/metrics/index.js';
import type { CollectRequest } from '../../src/metrics/types.js';
import { freePort } from '../helpers/nginx.js';

/** What the stats server answers for a side: a JSON value, or raw text with a status. */
type Answer = unknown | { raw: string; status: number };

let server: Server;
let base: string;
const answers: Record<string, Answer> = {};
const seen: { path: string; query: Record<string, string>; authorization?: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stats');
    seen.push({
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization,
    });
    const side = url.pathname.split('/').pop() ?? '';
    const answer = answers[side];
    if (answer && typeof answer === 'object' && 'raw' in answer) {
      const { raw, status } = answer as { raw: string; status: number };
      res.writeHead(status, { 'content-type': 'text/plain' });
      return res.end(raw);
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer ?? {}));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

beforeEach(() => {
  seen.length = 0;
  for (const key of Object.keys(answers)) delete answers[key];
});

function look(extra: Partial<CollectRequest> = {}): CollectRequest {
  return {
    step: 2,
    weight: 10,
    baselineVersion: 'v1',
    canaryVersion: 'v2 beta&x=1',
    windowMs: 30_000,
    signal: new AbortController().signal,
    ...extra,
  };
}

function settings(extra: Partial<HttpJsonMetricsSettings> = {}): HttpJsonMetricsSettings {
  return {
    baselineUrl: `${base}/stats/baseline?version={{version}}&weight={{weight}}&window={{window}}&step={{step}}`,
    canaryUrl: `${base}/stats/canary?version={{version}}&weight={{weight}}&window={{window}}&step={{step}}`,
    fields: { latency: 'latency.samples', requests: 'counts.requests', errors: 'counts.errors' },
    ...extra,
  };
}

async function collect(extra: Partial<HttpJsonMetricsSettings> = {}, request = look()) {
  const source = createHttpJsonMetricSource(settings(extra));
  try {
    return await source.collect(request);
  } finally {
    await source.close();
  }
}

async function sourceError(extra: Partial<HttpJsonMetricsSettings> = {}): Promise<string> {
  try {
    await collect(extra);
  } catch (error) {
    expect(error).toBeInstanceOf(MetricSourceError);
    expect((error as MetricSourceError).source).toBe('http-json');
    return (error as Error).message;
  }
  throw new Error('expected a MetricSourceError');
}

describe('http-json metric source', () => {
  it('reads latencies, requests and errors of each side from its templated URL, values URL-encoded', async () => {
    answers.baseline = { latency: { samples: [10, 12, 11] }, counts: { requests: 900, errors: 1 } };
    answers.canary = { latency: { samples: [30, '31.5'] }, counts: { requests: '100', errors: 4 } };
    const source = createMetricSource('http-json', settings({ headers: { Authorization: 'Bearer k' } }));
    expect(source.kind).toBe('http-json');
    const observation = await source.collect(look());
    await source.close();
    expect(observation).toEqual({
      baseline: { latencyMs: [10, 12, 11], requests: 900, errors: 1 },
      canary: { latencyMs: [30, 31.5], requests: 100, errors: 4 },
      canaryShare: 0.1,
      notes: [],
    });
    const byPath = Object.fromEntries(seen.map((s) => [s.path, s]));
    expect(byPath['/stats/canary']!.query).toEqual({
      version: 'v2 beta&x=1',
      weight: '10',
      window: '30s',
      step: '2',
    });
    expect(byPath['/stats/baseline']!.query).toEqual({
      version: 'v1',
      weight: '90',
      window: '30s',
      step: '2',
    });
    expect(byPath['/stats/canary']!.authorization).toBe('Bearer k');
  });

  it('reads a single latency in seconds, and an error rate as a fraction or a percentage', async () => {
    answers.baseline = { p95: 0.2, requests: 1000, rate: 0.001 };
    answers.canary = { p95: 0.35, requests: 200, rate: 0.05 };
    const fields = { latency: '$.p95', requests: 'requests', errorRate: 'rate' };
    const fraction = await collect({ fields, latencyUnit: 's' });
    // One number is an aggregate (a p95), not one request: marked so for the analysis' aggregate rule.
    expect(fraction.baseline).toEqual({
      latencyMs: [200],
      latencyAggregate: true,
      requests: 1000,
      errors: 1,
    });
    expect(fraction.canary).toEqual({ latencyMs: [350], latencyAggregate: true, requests: 200, errors: 10 });
    answers.baseline = { p95: 0.2, requests: 1000, rate: 0.1 };
    answers.canary = { p95: 0.35, requests: 200, rate: 5 };
    const percent = await collect({ fields, latencyUnit: 's', errorRateUnit: 'percent' });
    expect(percent.baseline.errors).toBe(1);
    expect(percent.canary.errors).toBe(10);
  });

  it('takes a null field or an empty list as no data, with a note', async () => {
    answers.baseline = { latency: { samples: [] }, counts: { requests: 10, errors: 0 } };
    answers.canary = { latency: { samples: null }, counts: { requests: null, errors: null } };
    const observation = await collect();
    expect(observation.baseline).toEqual({ latencyMs: [], requests: 10, errors: 0 });
    expect(observation.canary).toEqual({ latencyMs: [], requests: 0, errors: 0 });
    expect(observation.canaryShare).toBe(0);
    expect(observation.notes.sort()).toEqual([
      "baseline latency field 'latency.samples' is an empty list (no data)",
      "canary errors field 'counts.errors' is null (no data)",
      "canary latency field 'latency.samples' is null (no data)",
      "canary requests field 'counts.requests' is null (no data)",
    ]);
  });

  it('caps errors at the requests, with a note', async () => {
    answers.baseline = { latency: { samples: [1] }, counts: { requests: 5, errors: 0 } };
    answers.canary = { latency: { samples: [1] }, counts: { requests: 5, errors: 9 } };
    const observation = await collect();
    expect(observation.canary.errors).toBe(5);
    expect(observation.notes).toEqual(['canary: 9 errors but 5 requests; errors capped at the requests']);
  });

  it('fails with a MetricSourceError naming the side, the field and the URL on answers it cannot read', async () => {
    const good = { latency: { samples: [1] }, counts: { requests: 5, errors: 0 } };
    const canaryUrl = `${base}/stats/canary?version=v2%20beta%26x%3D1&weight=10&window=30s&step=2`;
    answers.baseline = good;

    answers.canary = { latency: { samples: [1] }, counts: { requests: 5 } };
    expect(await sourceError()).toBe(
      `http-json metrics: ${canaryUrl} (canary): field 'counts.errors' (errors) is not in the answer`,
    );
    answers.canary = { latency: { samples: [1, 'fast'] }, counts: { requests: 5, errors: 0 } };
    expect(await sourceError()).toBe(
      `http-json metrics: ${canaryUrl} (canary): field 'latency.samples' (latency) must be a number, got "fast"`,
    );
    answers.canary = { latency: { samples: [1] }, counts: { requests: -5, errors: 0 } };
    expect(await sourceError()).toBe(
      `http-json metrics: ${canaryUrl} (canary): field 'counts.requests' (requests) is negative: -5`,
    );
    answers.canary = { p95: 1, requests: 10, rate: 12 };
    answers.baseline = { p95: 1, requests: 10, rate: 0 };
    expect(await sourceError({ fields: { latency: 'p95', requests: 'requests', errorRate: 'rate' } })).toBe(
      `http-json metrics: ${canaryUrl} (canary): field 'rate' (error rate) must be a fraction 0..1, got 12`,
    );
    answers.baseline = good;
    answers.canary = { raw: '<html>oops</html>', status: 200 };
    expect(await sourceError()).toMatch(
      /^http-json metrics: .* \(canary\) did not answer JSON \(.*\): <html>oops<\/html>$/,
    );
    answers.canary = { raw: 'backend down', status: 503 };
    expect(await sourceError()).toBe(
      `http-json metrics: ${canaryUrl} (canary) answered HTTP 503: backend down`,
    );
  });

  it('fails when the stats server cannot be reached, and when cancelled', async () => {
    const port = await freePort();
    const down = `http://127.0.0.1:${port}/stats`;
    const message = await sourceError({ baselineUrl: down, canaryUrl: down });
    expect(message).toMatch(
      /^http-json metrics: http:\/\/127\.0\.0\.1:\d+\/stats \((baseline|canary)\) could not be reached: connection refused/,
    );
    const controller = new AbortController();
    controller.abort();
    await expect(collect({}, look({ signal: controller.signal }))).rejects.toThrow(
      /^http-json metrics: the (baseline|canary) request was cancelled$/,
    );
  });

  it('keeps credentials in the URL out of its errors', async () => {
    answers.canary = { raw: 'no', status: 401 };
    answers.baseline = { raw: 'no', status: 401 };
    const withUser = `${base.replace('http://', 'http://reader:pa55@')}/stats/canary`;
    const message = await sourceError({ baselineUrl: withUser, canaryUrl: withUser });
    expect(message).not.toContain('pa55');
    expect(message).toContain(`${base}/stats/canary`);
  });

  it('checks its settings when created, naming what is wrong', () => {
    const cases: [Partial<HttpJsonMetricsSettings>, string][] = [
      [{ fields: {} }, 'no field path is set: give at least a latency or a requests field'],
      [
        { fields: { latency: 'a..b' } },
        "the latency field: invalid JSON path 'a..b': empty name at position 2",
      ],
      [
        { fields: { latency: 'a', errors: 'e' } },
        'an errors or error rate field needs a requests field (errors are judged as a share of requests)',
      ],
      [
        { fields: { requests: 'r', errors: 'e', errorRate: 'x' } },
        'give an errors field or an error rate field, not both',
      ],
      [
        { canaryUrl: `${base}/x?v={{ver}}` },
        'the canary URL uses unknown placeholder(s) {{ver}}; known: {{version}}, {{weight}}, {{window}}, {{side}}, {{step}}',
      ],
      [
        { baselineUrl: 'stats.internal/x' },
        "the baseline URL must be an http(s) URL, got 'stats.internal/x'",
      ],
      [{ headers: { 'a b': 'x' } }, "header name 'a b' is not a valid HTTP header name"],
      [
        { headers: { authorization: 'x\ny' } },
        "the value of header 'authorization' has a line break or control character",
      ],
    ];
    for (const [patch, message] of cases) {
      expect(() => createHttpJsonMetricSource(settings(patch))).toThrow(
        new MetricSourceError(`http-json metrics: ${message}`, 'http-json', Object.keys(patch)[0]),
      );
    }
  });
});
