// The metric-source and judgment inputs every action that judges metrics reads alike (canary-promote, watch):
// `metrics` and each source's own inputs, parsed into the source's settings, and the confidence, allowed
// increases and limits. A new source adds its case here, once.
import { parse } from 'yaml';
import type { AnalysisSettings } from '../../analysis/types.js';
import { DURATION_RANGES } from '../../common/durations.js';
import { describe, InputError, quote } from '../../common/input-error.js';
import { parseUrl } from '../../http/url.js';
import {
  createMetricSource,
  type HttpJsonFields,
  METRIC_SOURCE_KINDS,
  type MetricSource,
  MetricSourceError,
  type MetricSourceKind,
  type PrometheusQueries,
} from '../../metrics/index.js';
import { CLOUD_CONFIG_INPUTS, type CloudMetricsChoice, readCloudMetrics } from './cloud-metrics.js';
import * as core from './core.js';
import type { InputReader } from './inputs.js';
import { maskSecret } from './secrets.js';

export type MetricsChoice =
  | { kind: 'probe'; settings: Parameters<typeof createMetricSource<'probe'>>[1] }
  | { kind: 'prometheus'; settings: Parameters<typeof createMetricSource<'prometheus'>>[1] }
  | { kind: 'http-json'; settings: Parameters<typeof createMetricSource<'http-json'>>[1] }
  | CloudMetricsChoice;

/** `'router-command' is required with router: command (...)`. */
export function requiredFor(name: string, value: string | undefined, what: string, why: string): string {
  if (value === undefined) throw new InputError(name, `'${name}' is required with ${what} (${why})`);
  return value;
}

/** The input behind a provider's setting, from a table of them; a complaint with no setting falls on the first. */
export function inputFor(table: [string, ...[string, string][]], setting: string | undefined): string {
  const [fallback, ...pairs] = table;
  return pairs.find(([name]) => name === setting)?.[1] ?? fallback;
}

const FIELD_KEYS: Record<string, keyof HttpJsonFields> = {
  latency: 'latency',
  requests: 'requests',
  errors: 'errors',
  'error-rate': 'errorRate',
};

const QUERY_KEYS: Record<string, keyof PrometheusQueries> = {
  'latency-histogram': 'latencyHistogram',
  ...FIELD_KEYS,
};

/** A YAML mapping of the given keys (latency, requests, errors, error-rate…) to strings (PromQL or field paths). */
function parseQueryMap<K extends string>(
  name: string,
  text: string,
  what: string,
  keys: Record<string, K>,
): Partial<Record<K, string>> {
  const form = `a YAML mapping of ${what} by ${Object.keys(keys).join(', ')}, like '${Object.keys(keys)[0]}: <${what}>'`;
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch (error) {
    throw new InputError(
      name,
      describe(name, `must be ${form}; the YAML does not parse: ${(error as Error).message.split('\n')[0]}`),
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new InputError(name, describe(name, `must be ${form}, got ${quote(text)}`));
  const queries: Partial<Record<K, string>> = {};
  for (const [key, value] of Object.entries(parsed)) {
    const field = keys[key];
    if (!field)
      throw new InputError(
        name,
        describe(name, `has '${key}'; the keys are ${Object.keys(keys).join(', ')}`),
      );
    if (typeof value !== 'string' || value.trim() === '')
      throw new InputError(
        name,
        describe(name, `'${key}' must be a non-empty string, got ${quote(String(value))}`),
      );
    queries[field] = value.trim();
  }
  return queries;
}

export function readMetrics(
  input: InputReader,
  intervalMs: number,
  env: NodeJS.ProcessEnv,
  options: { baselineUrl: 'required' | 'defaults-to-canary' } = { baselineUrl: 'required' },
): MetricsChoice {
  const kind = input.choice('metrics', METRIC_SOURCE_KINDS) ?? 'probe';
  switch (kind) {
    case 'probe': {
      const why = 'the probe sends requests to each side';
      const canaryUrl = parseUrl(
        'canary-url',
        requiredFor('canary-url', input.url('canary-url'), 'metrics: probe', why),
      );
      const baselineGiven = input.url('baseline-url');
      // The watch probes the live release alone (against limits): its baseline is the same URL.
      const baselineUrl =
        baselineGiven === undefined && options.baselineUrl === 'defaults-to-canary'
          ? canaryUrl
          : parseUrl('baseline-url', requiredFor('baseline-url', baselineGiven, 'metrics: probe', why));
      const requestsPerLook = input.integer('probe-requests', { min: 1, max: 10_000 }) ?? 50;
      return { kind, settings: { baselineUrl, canaryUrl, requestsPerLook } };
    }
    case 'prometheus': {
      const why = 'the PromQL queries for each side';
      const url = parseUrl(
        'prometheus-url',
        requiredFor('prometheus-url', input.url('prometheus-url'), 'metrics: prometheus', why),
      );
      const queries = parseQueryMap(
        'prometheus-queries',
        requiredFor('prometheus-queries', input.string('prometheus-queries'), 'metrics: prometheus', why),
        'PromQL',
        QUERY_KEYS,
      );
      const mode = input.choice('prometheus-mode', ['instant', 'range'] as const) ?? 'instant';
      // A range query's points: one per look interval unless told, so a look brings one point.
      const stepMs = input.duration('prometheus-step', { min: 1000, max: 24 * 3_600_000 }) ?? intervalMs;
      return {
        kind,
        settings: { url, queries, mode, stepMs, headers: input.headers('metrics-headers') },
      };
    }
    case 'http-json': {
      const why = 'the JSON each side is read from';
      const url = requiredFor('json-url', input.url('json-url'), 'metrics: http-json', why);
      const fields = parseQueryMap(
        'json-fields',
        requiredFor('json-fields', input.string('json-fields'), 'metrics: http-json', why),
        'field paths',
        FIELD_KEYS,
      );
      return {
        kind,
        settings: { baselineUrl: url, canaryUrl: url, fields, headers: input.headers('metrics-headers') },
      };
    }
    default:
      return readCloudMetrics(kind, input, env);
  }
}

/** confidence, the allowed increases and the limits; max-samples is the caller's (the watch has none). */
export function readAnalysis(input: InputReader, minSamples: number, maxSamples: number): AnalysisSettings {
  const confidence = input.fraction('confidence') ?? 0.99;
  if (!(confidence > 0.5 && confidence < 1))
    throw new InputError(
      'confidence',
      `'confidence' must be a percentage above 50% and below 100% like 99%, got ${confidence * 100}%`,
    );
  return {
    confidence,
    allowedIncrease: {
      latency: input.fraction('max-latency-increase') ?? 0.1,
      errorRate: input.fraction('max-error-rate-increase') ?? 0.5,
    },
    thresholds: {
      latencyP95Ms: input.duration('latency-p95', DURATION_RANGES.request),
      latencyP99Ms: input.duration('latency-p99', DURATION_RANGES.request),
      maxErrorRate: input.fraction('max-error-rate'),
    },
    minSamples,
    maxSamples,
  };
}

/** Per metric source, the input behind each of its settings, as for routers. */
const METRICS_INPUTS: Record<MetricSourceKind, [string, ...[setting: string, input: string][]]> = {
  probe: [
    'baseline-url',
    ['canaryUrl', 'canary-url'],
    ['requestsPerLook', 'probe-requests'],
    ['headers', 'metrics-headers'],
  ],
  prometheus: [
    'prometheus-url',
    ['queries', 'prometheus-queries'],
    ['mode', 'prometheus-mode'],
    ['stepMs', 'prometheus-step'],
    ['headers', 'metrics-headers'],
  ],
  'http-json': ['json-url', ['fields', 'json-fields'], ['headers', 'metrics-headers']],
  cloudwatch: [CLOUD_CONFIG_INPUTS.cloudwatch],
  'google-monitoring': [CLOUD_CONFIG_INPUTS['google-monitoring']],
  sentry: [CLOUD_CONFIG_INPUTS.sentry],
  newrelic: [CLOUD_CONFIG_INPUTS.newrelic],
};

/** The metric source the settings name; its own checks become errors naming the input. */
export function openMetricSource(metrics: MetricsChoice): MetricSource {
  const { kind, settings: given } = metrics;
  try {
    return createMetricSource(kind, given as never, {
      onRetry: (message) => core.warning(message),
      mask: maskSecret,
    });
  } catch (error) {
    const message = (error as Error).message;
    const name = inputFor(
      METRICS_INPUTS[kind],
      error instanceof MetricSourceError ? error.setting : undefined,
    );
    throw new InputError(
      name,
      `'${name}' (metrics: ${kind}): ${message.replace(/^[a-z-]+( metrics)?: /, '')}`,
    );
  }
}
