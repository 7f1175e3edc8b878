// The settings of the hosted metric sources (cloudwatch, google-monitoring, sentry, newrelic): one YAML
// input each (`cloudwatch-config`, …) checked key by key, and the credentials from the environment as the
// official auth actions leave them, masked the moment they are read. Errors name the input (or, for a
// credential, the environment variable) and the expected form.
import { parse } from 'yaml';
import { parseDuration } from '../../common/durations.js';
import { describe, InputError, quote } from '../../common/input-error.js';
import {
  awsCredentialsFromEnv,
  type CloudWatchMetric,
  type CloudWatchMetricsSettings,
  type GoogleMonitoringSettings,
  googleCredentialsFromEnv,
  MetricSourceError,
  type NewRelicMetricsSettings,
  newRelicFromEnv,
  type SentryMetricsSettings,
  sentryFromEnv,
} from '../../metrics/index.js';
import type { InputReader } from './inputs.js';
import { maskSecret as mask, maskUrlCredentials } from './secrets.js';

export type CloudMetricsChoice =
  | { kind: 'cloudwatch'; settings: CloudWatchMetricsSettings }
  | { kind: 'google-monitoring'; settings: GoogleMonitoringSettings }
  | { kind: 'sentry'; settings: SentryMetricsSettings }
  | { kind: 'newrelic'; settings: NewRelicMetricsSettings };

export const CLOUD_CONFIG_INPUTS = {
  cloudwatch: 'cloudwatch-config',
  'google-monitoring': 'google-monitoring-config',
  sentry: 'sentry-config',
  newrelic: 'newrelic-config',
} as const;

type Config = Record<string, unknown>;

/** A YAML mapping with only the given keys; `required` ones must be there. */
function readConfig(name: string, text: string | undefined, keys: string[], example: string): Config {
  const form = `a YAML mapping with keys ${keys.join(', ')}, like:\n${example}`;
  if (text === undefined)
    throw new InputError(
      name,
      `'${name}' is required with metrics: ${name.replace(/-config$/, '')}: ${form}`,
    );
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
  for (const key of Object.keys(parsed)) {
    if (!keys.includes(key))
      throw new InputError(name, describe(name, `has '${key}'; the keys are ${keys.join(', ')}`));
  }
  return parsed as Config;
}

function text(name: string, config: Config, key: string, what: string): string | undefined {
  const value = config[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number')
    throw new InputError(
      name,
      describe(name, `'${key}' must be ${what}, got ${quote(JSON.stringify(value))}`),
    );
  const trimmed = String(value).trim();
  if (trimmed === '')
    throw new InputError(name, describe(name, `'${key}' must be ${what}, got an empty value`));
  return trimmed;
}

function choice<T extends string>(
  name: string,
  config: Config,
  key: string,
  allowed: readonly T[],
): T | undefined {
  const value = text(name, config, key, `one of ${allowed.join(', ')}`);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw new InputError(
      name,
      describe(name, `'${key}' must be one of ${allowed.join(', ')}, got ${quote(value)}`),
    );
  return value as T;
}

function stringMap(name: string, value: unknown, where: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value))
    throw new InputError(
      name,
      describe(name, `'${where}' must be a mapping of names to values, got ${quote(JSON.stringify(value))}`),
    );
  const out: Record<string, string> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (typeof inner !== 'string' && typeof inner !== 'number')
      throw new InputError(
        name,
        describe(name, `'${where}.${key}' must be a string, got ${quote(JSON.stringify(inner))}`),
      );
    out[key] = String(inner);
  }
  return out;
}

/** A duration at `where` in the input; the error names the input and the key. */
function duration(name: string, where: string, text: string): number {
  try {
    return parseDuration(`${name}: ${where}`, text);
  } catch (error) {
    if (error instanceof InputError) throw new InputError(name, error.message);
    throw error;
  }
}

/** The optional `delay` key: how far behind now each window ends. */
function delay(name: string, config: Config): { delayMs?: number } {
  const value = text(name, config, 'delay', 'a duration like 2m');
  return value === undefined ? {} : { delayMs: duration(name, 'delay', value) };
}

/** Durations (`50ms`, `1s`) or plain numbers in the given unit, ascending. */
function bounds(name: string, value: unknown, where: string, unitMs: number): number[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list = Array.isArray(value) ? value : String(value).split(',');
  return list.map((item) => {
    if (typeof item === 'number') return item;
    const trimmed = String(item).trim();
    if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
    return duration(name, where, trimmed) / unitMs;
  });
}

function endpoint(name: string, config: Config): string | undefined {
  const value = text(name, config, 'endpoint', 'an http(s) URL');
  if (value !== undefined) maskUrlCredentials(value);
  return value;
}

/** Wraps a source's own credential error as an InputError on the config input, naming the variable. */
function fromEnv<T>(name: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof MetricSourceError) throw new InputError(name, `'${name}': ${error.message}`);
    throw error;
  }
}

function cloudWatch(input: InputReader, env: NodeJS.ProcessEnv): CloudWatchMetricsSettings {
  const name = CLOUD_CONFIG_INPUTS.cloudwatch;
  const config = readConfig(
    name,
    input.string('cloudwatch-config'),
    [
      'region',
      'period',
      'delay',
      'latency-unit',
      'endpoint',
      'requests',
      'errors',
      'latency',
      'latency-histogram',
    ],
    '  requests: {namespace: AWS/ApplicationELB, metric: RequestCount, baseline-dimensions: {TargetGroup: targetgroup/blue/0123}, canary-dimensions: {TargetGroup: targetgroup/green/4567}}',
  );
  const { credentials, region } = fromEnv(name, () => awsCredentialsFromEnv(env, mask));
  const latencyUnit = choice(name, config, 'latency-unit', ['s', 'ms'] as const);
  // Bucket bounds are in the metric's unit; a duration (50ms) is converted to it.
  const unitMs = (latencyUnit ?? 's') === 's' ? 1000 : 1;
  const metric = (key: string): CloudWatchMetric | undefined => {
    const value = config[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value))
      throw new InputError(
        name,
        describe(
          name,
          `'${key}' must be a mapping with namespace, metric and dimensions, got ${quote(JSON.stringify(value))}`,
        ),
      );
    const spec = value as Config;
    const allowed = [
      'namespace',
      'metric',
      'dimensions',
      'baseline-dimensions',
      'canary-dimensions',
      'stat',
      'buckets',
    ];
    for (const inner of Object.keys(spec))
      if (!allowed.includes(inner))
        throw new InputError(
          name,
          describe(name, `'${key}' has '${inner}'; its keys are ${allowed.join(', ')}`),
        );
    return {
      namespace: text(name, spec, 'namespace', 'a CloudWatch namespace like AWS/ApplicationELB') ?? '',
      metric: text(name, spec, 'metric', 'a metric name like RequestCount') ?? '',
      dimensions: stringMap(name, spec.dimensions, `${key}.dimensions`),
      baselineDimensions: stringMap(name, spec['baseline-dimensions'], `${key}.baseline-dimensions`),
      canaryDimensions: stringMap(name, spec['canary-dimensions'], `${key}.canary-dimensions`),
      stat: text(name, spec, 'stat', 'a statistic like p95'),
      buckets: bounds(name, spec.buckets, `${key}.buckets`, unitMs),
    };
  };
  const period = text(name, config, 'period', 'a duration like 60s');
  return {
    region: text(name, config, 'region', 'an AWS region like us-east-1') ?? region ?? '',
    credentials,
    queries: {
      requests: metric('requests'),
      errors: metric('errors'),
      latency: metric('latency'),
      latencyHistogram: metric('latency-histogram'),
    },
    latencyUnit,
    ...(period ? { periodS: duration(name, 'period', period) / 1000 } : {}),
    endpoint: endpoint(name, config),
    ...delay(name, config),
  };
}

function googleMonitoring(input: InputReader, env: NodeJS.ProcessEnv): GoogleMonitoringSettings {
  const name = CLOUD_CONFIG_INPUTS['google-monitoring'];
  const config = readConfig(
    name,
    input.string('google-monitoring-config'),
    [
      'project',
      'delay',
      'latency-aligner',
      'latency-unit',
      'endpoint',
      'requests',
      'errors',
      'latency',
      'latency-histogram',
    ],
    '  requests: metric.type="loadbalancing.googleapis.com/https/request_count" AND resource.labels.backend_name="app-{{side}}"',
  );
  const { credentials, project } = fromEnv(name, () => googleCredentialsFromEnv(env, mask));
  return {
    project: text(name, config, 'project', 'a project id') ?? project ?? '',
    credentials,
    queries: {
      requests: text(name, config, 'requests', 'a time-series filter'),
      errors: text(name, config, 'errors', 'a time-series filter'),
      latency: text(name, config, 'latency', 'a time-series filter'),
      latencyHistogram: text(name, config, 'latency-histogram', 'a time-series filter'),
    },
    latencyAligner: choice(name, config, 'latency-aligner', [
      'ALIGN_PERCENTILE_50',
      'ALIGN_PERCENTILE_95',
      'ALIGN_PERCENTILE_99',
      'ALIGN_MEAN',
    ] as const),
    latencyUnit: choice(name, config, 'latency-unit', ['ms', 's'] as const),
    endpoint: endpoint(name, config),
    ...delay(name, config),
  };
}

function sentry(input: InputReader, env: NodeJS.ProcessEnv): SentryMetricsSettings {
  const name = CLOUD_CONFIG_INPUTS.sentry;
  const config = readConfig(
    name,
    input.string('sentry-config'),
    [
      'organization',
      'project',
      'environment',
      'release',
      'query',
      'latency-buckets',
      'latency-percentile',
      'delay',
      'url',
    ],
    '  organization: my-org\n  release: my-app@{{version}}\n  latency-buckets: 50ms, 100ms, 250ms, 500ms, 1s',
  );
  const fromEnvironment = fromEnv(name, () => sentryFromEnv(env, mask));
  return {
    organization:
      text(name, config, 'organization', 'an organization slug') ?? fromEnvironment.organization ?? '',
    project: text(name, config, 'project', 'a project slug') ?? fromEnvironment.project,
    environment: text(name, config, 'environment', 'an environment name'),
    token: fromEnvironment.token,
    release: text(name, config, 'release', 'a release name holding {{version}}'),
    query: text(name, config, 'query', 'Sentry search terms'),
    latencyBucketsMs: bounds(name, config['latency-buckets'], 'latency-buckets', 1),
    latencyPercentile: choice(name, config, 'latency-percentile', [
      'p50',
      'p75',
      'p90',
      'p95',
      'p99',
    ] as const),
    url: text(name, config, 'url', 'an http(s) URL') ?? fromEnvironment.url,
    ...delay(name, config),
  };
}

function newRelic(input: InputReader, env: NodeJS.ProcessEnv): NewRelicMetricsSettings {
  const name = CLOUD_CONFIG_INPUTS.newrelic;
  const config = readConfig(
    name,
    input.string('newrelic-config'),
    [
      'account',
      'region',
      'delay',
      'latency-unit',
      'endpoint',
      'requests',
      'errors',
      'latency',
      'latency-histogram',
    ],
    "  requests: SELECT count(*) FROM Transaction WHERE appName = 'shop' AND tags.version = '{{version}}'",
  );
  const fromEnvironment = fromEnv(name, () => newRelicFromEnv(env, mask));
  const account = text(name, config, 'account', 'an account id') ?? fromEnvironment.accountId;
  if (account === undefined || !/^\d+$/.test(account))
    throw new InputError(
      name,
      `'${name}': 'account' (or NEW_RELIC_ACCOUNT_ID) must be a New Relic account id like 1234567, got ${quote(account ?? '')}`,
    );
  const region =
    choice(name, config, 'region', ['US', 'EU'] as const) ??
    (fromEnvironment.region === 'EU' ? 'EU' : undefined);
  return {
    accountId: Number(account),
    apiKey: fromEnvironment.apiKey,
    queries: {
      requests: text(name, config, 'requests', 'NRQL'),
      errors: text(name, config, 'errors', 'NRQL'),
      latency: text(name, config, 'latency', 'NRQL'),
      latencyHistogram: text(name, config, 'latency-histogram', 'NRQL'),
    },
    ...(region ? { region } : {}),
    latencyUnit: choice(name, config, 'latency-unit', ['s', 'ms'] as const),
    endpoint: endpoint(name, config),
    ...delay(name, config),
  };
}

/** The settings of a hosted source from its `<kind>-config` input and the environment. */
export function readCloudMetrics(
  kind: CloudMetricsChoice['kind'],
  input: InputReader,
  env: NodeJS.ProcessEnv,
): CloudMetricsChoice {
  switch (kind) {
    case 'cloudwatch':
      return { kind, settings: cloudWatch(input, env) };
    case 'google-monitoring':
      return { kind, settings: googleMonitoring(input, env) };
    case 'sentry':
      return { kind, settings: sentry(input, env) };
    case 'newrelic':
      return { kind, settings: newRelic(input, env) };
  }
}
