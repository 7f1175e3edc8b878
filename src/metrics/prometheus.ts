// The Prometheus metric source: PromQL for each side, templated with `{{version}}`, `{{weight}}`,
// `{{window}}` (a PromQL duration such as `30s`), `{{side}}` and `{{step}}` (the rollout step's number).
// Values are escaped for a PromQL string, so `version="{{version}}"` is safe whatever the version holds.
//
// Samples are requests. What each query may answer:
//   latencyHistogram  the histogram's buckets, one series per `le`, e.g.
//             sum by (le) (http_request_duration_seconds_bucket{version="{{version}}"})
//             Each bucket's increase over the window is that many requests, each taken at its bucket's upper
//             bound (the +Inf bucket at twice the last finite bound): a binned distribution of every request
//             served, which the rank test takes with its tie correction.
//   requests  requests served, e.g. sum(http_requests_total{version="{{version}}"}); also gives the
//             canary's real share of traffic
//   errors    failed requests, e.g. sum(http_requests_total{version="{{version}}",code=~"5.."})
//   errorRate or the error rate 0..1 instead of `errors` (needs `requests`: errors = rate × requests, rounded)
//   latency   an aggregate instead of the histogram: one value per side (a quantile, in `latencyUnit`,
//             seconds by default), e.g. histogram_quantile(0.95, sum by (le) (rate(..._bucket{...}[{{window}}])))
//             It is not a sample of requests: the observation says so and the analysis judges it by its
//             aggregate rule (src/analysis/aggregate.ts), never as n = 1 against min-samples.
//
// How a count is read over the window between two looks:
//   a query without a range selector (`[…]`, so without `{{window}}`) is a cumulative counter: it is read at the window's start and at its end
//             (the start reading is the previous look's end when the windows meet), and the difference is
//             the count: every request counted once, in exact integers. A counter that went down was reset
//             (a restart): its end value is the count, as increase() takes it.
//   a query with a range (`increase(...[{{window}}])`) answers the window's count itself, read once at the
//             end; increase() extrapolates, so its answer is rounded.
//
// `instant` (default) evaluates the latency aggregate once per look. `range` evaluates it over the window
// at every `stepMs` (default the look interval the action is given; one value per point, `{{window}}`
// being the step, so points do not overlap). An empty answer is no data (a note, no samples), not an
// error: a side that served nothing has no series. NaN points (0/0 when nothing was served) are dropped
// and counted in a note, and so are ±Inf ones.

import { setMaxListeners } from 'node:events';
import { HttpClient } from '../http/client.js';
import { headersProblem } from '../http/headers.js';
import { redactUrl } from '../http/safe-url.js';
import type { RequestSpec, TlsSettings } from '../http/types.js';
import { httpUrlProblem } from '../http/url.js';
import { capErrorsAtRequests } from './observation.js';
import { escapePromQLString, fillTemplate, templateValues, unknownPlaceholders } from './template.js';
import {
  type CollectRequest,
  type MetricSource,
  MetricSourceError,
  type Observation,
  type Side,
  type SideObservation,
} from './types.js';

export interface PrometheusQueries {
  latencyHistogram?: string;
  latency?: string;
  requests?: string;
  errors?: string;
  errorRate?: string;
}

export interface PrometheusMetricsSettings {
  /** Prometheus's base URL (`http://prometheus:9090`, or a path prefix such as Thanos' or Mimir's `/prometheus`). */
  url: string;
  queries: PrometheusQueries;
  /** The unit the latency query answers in (default `s`, Prometheus' convention). */
  latencyUnit?: 's' | 'ms';
  /** Default `instant`. */
  mode?: 'instant' | 'range';
  /** Resolution of a range query (default 15 s; the action passes its look interval). */
  stepMs?: number;
  /** `{{window}}` is at least this long (rate() needs two scrapes in its window; default 0). */
  minWindowMs?: number;
  /** Sent with every query (e.g. authorization, X-Scope-OrgID); never logged. */
  headers?: Record<string, string>;
  /** Per query (default 10 s). */
  timeoutMs?: number;
  tls?: TlsSettings;
}

/** A previous look's end reading serves as this window's start when they are this close. */
const START_TOLERANCE_MS = 1000;

export interface PrometheusMetricsDeps {
  /** Wall clock in ms, the end of each look's window (default Date.now). */
  now?: () => number;
}

type QueryName = keyof PrometheusQueries;
const QUERY_NAMES: QueryName[] = ['latencyHistogram', 'latency', 'requests', 'errors', 'errorRate'];
const LABEL: Record<QueryName, string> = {
  latencyHistogram: 'latency histogram',
  latency: 'latency',
  requests: 'requests',
  errors: 'errors',
  errorRate: 'error rate',
};

/** What one query answered for one side. */
export interface QueryValues {
  /** Finite values: one per series (instant) or per point (range). */
  values: number[];
  /** Each finite instant value with its series' `le` label when it has one (histogram buckets). */
  buckets: { le: number; value: number }[];
  series: number;
  nan: number;
  infinite: number;
  warnings: string[];
}

/** Prometheus writes sample values as strings: `"1.5"`, `"NaN"`, `"+Inf"`, `"-Inf"`. */
export function parseSampleValue(text: unknown): number {
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (typeof text === 'number') return text;
  if (typeof text !== 'string' || text.trim() === '') return Number.NaN;
  return Number(text);
}

interface ApiAnswer {
  status?: string;
  errorType?: string;
  error?: string;
  warnings?: string[];
  data?: { resultType?: string; result?: unknown };
}

function snippet(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 200 ? `${one.slice(0, 197)}...` : one;
}

/** The values of a successful answer's data. Throws a plain Error on a shape it does not know. */
export function valuesOf(data: ApiAnswer['data']): Omit<QueryValues, 'warnings'> {
  const out = {
    values: [] as number[],
    buckets: [] as QueryValues['buckets'],
    series: 0,
    nan: 0,
    infinite: 0,
  };
  const add = (pair: unknown, le?: unknown) => {
    if (!Array.isArray(pair) || pair.length !== 2)
      throw new Error(`unexpected sample ${snippet(JSON.stringify(pair))}`);
    const value = parseSampleValue(pair[1]);
    if (Number.isNaN(value)) out.nan += 1;
    else if (!Number.isFinite(value)) out.infinite += 1;
    else {
      out.values.push(value);
      if (le !== undefined) out.buckets.push({ le: parseSampleValue(le), value });
    }
  };
  const result = data?.result;
  switch (data?.resultType) {
    case 'scalar':
      out.series = 1;
      add(result);
      return out;
    case 'vector':
      if (!Array.isArray(result)) break;
      out.series = result.length;
      for (const item of result) {
        const { value, metric } = item as { value?: unknown; metric?: Record<string, unknown> };
        add(value, metric?.le);
      }
      return out;
    case 'matrix':
      if (!Array.isArray(result)) break;
      out.series = result.length;
      for (const item of result) {
        const values = (item as { values?: unknown }).values;
        if (!Array.isArray(values)) throw new Error('a series without values');
        for (const pair of values) add(pair);
      }
      return out;
    case 'string':
      throw new Error('the query answers a string, not a number');
  }
  throw new Error(`unexpected result type '${String(data?.resultType)}'`);
}

export function createPrometheusMetricSource(
  settings: PrometheusMetricsSettings,
  deps: PrometheusMetricsDeps = {},
): MetricSource {
  const fail = (message: string, setting?: keyof PrometheusMetricsSettings): never => {
    throw new MetricSourceError(`prometheus: ${message}`, 'prometheus', setting);
  };
  const badUrl = httpUrlProblem('the URL', settings.url);
  if (badUrl) fail(badUrl, 'url');
  const root = settings.url.replace(/\/+$/, '');
  const queries = settings.queries;
  const given = QUERY_NAMES.filter((name) => queries[name] !== undefined && queries[name]!.trim() !== '');
  if (given.length === 0)
    fail('no query is set: give at least a latency histogram, a latency or a requests query', 'queries');
  if (queries.latencyHistogram && queries.latency)
    fail(
      'give a latency histogram query (every request a sample) or a latency query (an aggregate), not both',
      'queries',
    );
  for (const name of given) {
    const unknown = unknownPlaceholders(queries[name]!);
    if (unknown.length > 0)
      fail(
        `the ${LABEL[name]} query uses unknown placeholder(s) ${unknown.map((u) => `{{${u}}}`).join(', ')}; known: {{version}}, {{weight}}, {{window}}, {{side}}, {{step}}`,
        'queries',
      );
  }
  if ((queries.errors || queries.errorRate) && !queries.requests)
    fail(
      'an errors or error rate query needs a requests query (errors are judged as a share of requests)',
      'queries',
    );
  if (queries.errors && queries.errorRate)
    fail('give an errors query or an error rate query, not both', 'queries');
  const mode = settings.mode ?? 'instant';
  if (mode !== 'instant' && mode !== 'range')
    fail(`mode must be instant or range, got '${String(mode)}'`, 'mode');
  const stepMs = settings.stepMs ?? 15_000;
  if (!(stepMs >= 1)) fail(`the range step must be a positive duration, got ${stepMs} ms`, 'stepMs');
  const unitMs = (settings.latencyUnit ?? 's') === 's' ? 1000 : 1;
  const now = deps.now ?? Date.now;
  const timeoutMs = settings.timeoutMs ?? 10_000;
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  const badHeaders = headersProblem(settings.headers);
  if (badHeaders) fail(badHeaders, 'headers');
  for (const [name, value] of Object.entries(settings.headers ?? {})) headers[name.toLowerCase()] = value;
  const client = new HttpClient({ maxSockets: 4, maxBodyBytes: 8 * 1024 * 1024 });
  let closed = false;

  /** Runs one query; throws MetricSourceError when Prometheus cannot answer it. */
  const query = async (
    name: QueryName,
    side: Side,
    promql: string,
    range: { start: number; end: number } | undefined,
    at: number,
    signal: AbortSignal,
  ): Promise<QueryValues> => {
    const form = new URLSearchParams({ query: promql });
    if (range) {
      form.set('start', (range.start / 1000).toFixed(3));
      form.set('end', (range.end / 1000).toFixed(3));
      form.set('step', `${stepMs / 1000}`);
    } else {
      form.set('time', (at / 1000).toFixed(3));
    }
    form.set('timeout', `${Math.max(1, Math.floor(timeoutMs / 1000))}s`);
    const endpoint = `${root}/api/v1/${range ? 'query_range' : 'query'}`;
    const spec: RequestSpec = {
      url: endpoint,
      method: 'POST',
      headers,
      body: form.toString(),
      timeoutMs,
      followRedirects: true,
      maxRedirects: 3,
      tls: settings.tls ?? { insecure: false },
    };
    const what = `the ${side} ${LABEL[name]} query (${snippet(promql)})`;
    const result = await client.request(spec, { signal });
    if (result.error) {
      if (result.error.kind === 'aborted') fail(`${what} was cancelled`);
      fail(`${redactUrl(endpoint)} could not be reached for ${what}: ${result.error.message}`);
    }
    const answer = result.answer!;
    let body: ApiAnswer | undefined;
    try {
      body = JSON.parse(answer.body) as ApiAnswer;
    } catch {
      body = undefined;
    }
    if (body?.status === 'error')
      fail(
        `${what} failed: ${body.errorType ?? 'error'}: ${body.error ?? 'no message'} (HTTP ${answer.status})`,
      );
    if (answer.status < 200 || answer.status > 299)
      fail(
        `${redactUrl(endpoint)} answered HTTP ${answer.status} to ${what}: ${snippet(answer.body) || 'no body'}`,
      );
    if (body?.status !== 'success')
      fail(
        `${redactUrl(endpoint)} gave an answer that is not Prometheus' JSON to ${what}: ${snippet(answer.body)}`,
      );
    try {
      return { ...valuesOf(body!.data), warnings: body!.warnings ?? [] };
    } catch (error) {
      return fail(`${what}: ${(error as Error).message}`);
    }
  };

  /** The last end-of-window reading of each cumulative query, reused as the next window's start. */
  const lastReading = new Map<string, { at: number; values: QueryValues }>();
  /** A query without a range selector (`[…]`, so no `{{window}}` either) reads a cumulative counter. */
  const cumulative = (name: QueryName) =>
    name !== 'errorRate' && name !== 'latency' && !queries[name]!.includes('[');

  /** The count a cumulative query grew by between start and end; a value that went down was reset. */
  const grewBy = (side: Side, name: QueryName, from: number, to: number, notes: string[], what = '') => {
    if (to >= from) return to - from;
    notes.push(
      `${side} ${LABEL[name]}${what}: the counter went down (${from} → ${to}): a reset (a restart?); its value since is counted`,
    );
    return to;
  };

  /** Per-bucket request counts (non-cumulative, by upper bound ascending) from two cumulative readings. */
  const bucketCounts = (
    side: Side,
    start: QueryValues | undefined,
    end: QueryValues,
    notes: string[],
  ): { le: number; count: number }[] => {
    const before = new Map((start?.buckets ?? []).map((bucket) => [bucket.le, bucket.value]));
    const increases = end.buckets
      .filter((bucket) => !Number.isNaN(bucket.le))
      .map((bucket) => ({
        le: bucket.le,
        total: start
          ? grewBy(
              side,
              'latencyHistogram',
              before.get(bucket.le) ?? 0,
              bucket.value,
              notes,
              ` (le=${bucket.le})`,
            )
          : bucket.value,
      }))
      .sort((a, b) => a.le - b.le);
    const counts: { le: number; count: number }[] = [];
    let below = 0;
    for (const { le, total } of increases) {
      counts.push({ le, count: Math.max(0, Math.round(total - below)) });
      below = Math.max(below, total);
    }
    return counts;
  };

  const collectSide = async (
    side: Side,
    request: CollectRequest,
    end: number,
    signal: AbortSignal,
    notes: string[],
  ): Promise<SideObservation> => {
    const minWindowMs = settings.minWindowMs ?? 0;
    const windowMs = Math.max(request.windowMs, minWindowMs);
    const start = end - request.windowMs;
    const fill = (name: QueryName, window: number) =>
      fillTemplate(queries[name]!, templateValues(side, request, window), escapePromQLString);
    const range = mode === 'range' ? { start: end - windowMs, end } : undefined;
    const run = (name: QueryName, window: number, asRange: boolean) =>
      queries[name]
        ? query(name, side, fill(name, window), asRange ? range : undefined, end, signal)
        : undefined;
    /** A cumulative query's reading at the window's start: the last look's end when the windows meet. */
    const atStart = async (name: QueryName): Promise<QueryValues | undefined> => {
      if (!queries[name] || !cumulative(name)) return undefined;
      const promql = fill(name, windowMs);
      const previous = lastReading.get(`${side}\n${promql}`);
      if (previous && Math.abs(previous.at - start) <= START_TOLERANCE_MS) return previous.values;
      return query(name, side, promql, undefined, start, signal);
    };
    const [latencyHistogram, latency, requests, errors, errorRate, ...starts] = await Promise.all([
      run('latencyHistogram', windowMs, false),
      // A range point covers one step, and no less than rate() needs.
      run('latency', range ? Math.max(stepMs, minWindowMs) : windowMs, true),
      run('requests', windowMs, false),
      run('errors', windowMs, false),
      run('errorRate', windowMs, false),
      atStart('latencyHistogram'),
      atStart('requests'),
      atStart('errors'),
    ]);
    const [histogramStart, requestsStart, errorsStart] = starts;
    for (const [name, values] of [
      ['latencyHistogram', latencyHistogram],
      ['requests', requests],
      ['errors', errors],
    ] as const) {
      if (values && cumulative(name))
        lastReading.set(`${side}\n${fill(name, windowMs)}`, { at: end, values });
    }
    const noteOf = (name: QueryName, values: QueryValues) => {
      for (const warning of values.warnings)
        notes.push(`${side} ${LABEL[name]} query: Prometheus warns: ${warning}`);
      const dropped: string[] = [];
      if (values.nan > 0) dropped.push(`${values.nan} NaN (no requests to divide by?)`);
      if (values.infinite > 0)
        dropped.push(`${values.infinite} infinite (beyond the histogram's last bucket?)`);
      if (dropped.length > 0)
        notes.push(`${side} ${LABEL[name]} query: dropped ${dropped.join(' and ')} value(s)`);
    };
    const single = (name: QueryName, values: QueryValues) => {
      if (values.series > 1)
        fail(
          `the ${side} ${LABEL[name]} query returned ${values.series} series; aggregate it to one (e.g. sum(...) or histogram_quantile(0.95, sum by (le) (...)))`,
        );
    };
    /** A counter's count over the window: the difference of two readings, or the windowed answer. */
    const counted = (name: QueryName, values: QueryValues, startValues: QueryValues | undefined) => {
      const sum = (v: QueryValues | undefined) => (v?.values ?? []).reduce((a, b) => a + b, 0);
      const total = cumulative(name) ? grewBy(side, name, sum(startValues), sum(values), notes) : sum(values);
      return Math.max(0, Math.round(total));
    };

    const observation: SideObservation = { latencyMs: [], requests: 0, errors: 0 };
    if (latencyHistogram) {
      noteOf('latencyHistogram', latencyHistogram);
      if (latencyHistogram.series === 0)
        notes.push(`${side} latency histogram query returned no series (no data)`);
      else if (latencyHistogram.buckets.length === 0)
        fail(
          `the ${side} latency histogram query must answer one series per bucket, labelled le (e.g. sum by (le) (http_request_duration_seconds_bucket{...})); its series have no le label`,
          'queries',
        );
      const counts = bucketCounts(
        side,
        cumulative('latencyHistogram') ? histogramStart : undefined,
        latencyHistogram,
        notes,
      );
      const finite = counts.filter((bucket) => Number.isFinite(bucket.le));
      const lastFinite = finite.at(-1)?.le;
      if (counts.length > 0 && counts.at(-1)!.le !== Number.POSITIVE_INFINITY)
        notes.push(
          `${side} latency histogram has no le="+Inf" bucket: requests beyond its last bound are not counted`,
        );
      for (const { le, count } of counts) {
        // Beyond the last bound: only the order matters to the rank test, so any value above it serves.
        const valueMs = (Number.isFinite(le) ? le : 2 * (lastFinite ?? 1)) * unitMs;
        for (let i = 0; i < count; i++) observation.latencyMs.push(valueMs);
      }
    }
    if (latency) {
      single('latency', latency);
      noteOf('latency', latency);
      if (latency.series === 0) notes.push(`${side} latency query returned no series (no data)`);
      observation.latencyMs = latency.values.map((v) => v * unitMs);
      observation.latencyAggregate = true;
    }
    if (requests) {
      noteOf('requests', requests);
      if (requests.series === 0) notes.push(`${side} requests query returned no series (no data)`);
      observation.requests = counted('requests', requests, requestsStart);
    }
    if (errors) {
      noteOf('errors', errors);
      if (errors.series === 0 && observation.requests > 0)
        notes.push(`${side} errors query returned no series: counted as 0 errors`);
      observation.errors = counted('errors', errors, errorsStart);
    }
    if (errorRate) {
      single('errorRate', errorRate);
      noteOf('errorRate', errorRate);
      const rate = errorRate.values[0];
      if (rate === undefined) {
        if (observation.requests > 0)
          notes.push(`${side} error rate query returned no value: counted as 0 errors`);
      } else {
        if (rate < 0 || rate > 1)
          fail(`the ${side} error rate query must answer a fraction 0..1, got ${rate} (divide by 100?)`);
        observation.errors = Math.round(rate * observation.requests);
      }
    }
    capErrorsAtRequests(side, observation, notes);
    return observation;
  };

  return {
    kind: 'prometheus',
    async collect(request: CollectRequest): Promise<Observation> {
      if (closed) fail('the source is closed');
      const end = now();
      const notes: string[] = [];
      // One failing query ends the others of the look.
      const stop = new AbortController();
      setMaxListeners(0, stop.signal);
      const signal = AbortSignal.any([request.signal, stop.signal]);
      const guard = <T>(promise: Promise<T>) =>
        promise.catch((error: unknown) => {
          stop.abort();
          throw error;
        });
      const [baseline, canary] = await Promise.all([
        guard(collectSide('baseline', request, end, signal, notes)),
        guard(collectSide('canary', request, end, signal, notes)),
      ]).catch((error: unknown) => {
        if (request.signal.aborted) fail('cancelled');
        throw error;
      });
      const observation: Observation = { baseline, canary, notes };
      const total = baseline.requests + canary.requests;
      // A side without series served nothing: a share of 0 (or 1) is what the router should hear about.
      if (queries.requests && total > 0) observation.canaryShare = canary.requests / total;
      return observation;
    },
    async close() {
      closed = true;
      client.destroy('prometheus metric source closed');
    },
  };
}
