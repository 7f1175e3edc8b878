// The metric sources by kind, for the `metrics` input: `createMetricSource('prometheus', settings)`.
import type { ApiCallDeps } from './api-call.js';

import { type CloudWatchMetricsSettings, createCloudWatchMetricSource } from './cloudwatch.js';
import { createGoogleMonitoringMetricSource, type GoogleMonitoringSettings } from './google-monitoring.js';
import { createHttpJsonMetricSource, type HttpJsonMetricsSettings } from './http-json.js';
import { createNewRelicMetricSource, type NewRelicMetricsSettings } from './newrelic.js';
import { createProbeMetricSource, type ProbeMetricsSettings } from './probe.js';
import {
  createPrometheusMetricSource,
  type PrometheusMetricsDeps,
  type PrometheusMetricsSettings,
} from './prometheus.js';
import { createSentryMetricSource, type SentryMetricsSettings } from './sentry.js';
import type { MetricSource } from './types.js';

export {
  awsCredentialsFromEnv,
  type CloudWatchMetric,
  type CloudWatchMetricsSettings,
} from './cloudwatch.js';
export {
  type GoogleMonitoringSettings,
  googleCredentialsFromEnv,
} from './google-monitoring.js';
export type { HttpJsonFields, HttpJsonMetricsSettings } from './http-json.js';
export { type NewRelicMetricsSettings, newRelicFromEnv } from './newrelic.js';
export type { ProbeMetricsSettings } from './probe.js';
export type { PrometheusMetricsSettings, PrometheusQueries } from './prometheus.js';
export { type SentryMetricsSettings, sentryFromEnv } from './sentry.js';
export {
  type MetricSource,
  MetricSourceError,
} from './types.js';

export type MetricSourceKind = MetricSource['kind'];

export const METRIC_SOURCE_KINDS: readonly MetricSourceKind[] = [
  'probe',
  'prometheus',
  'http-json',
  'cloudwatch',
  'google-monitoring',
  'sentry',
  'newrelic',
];

export interface MetricSettingsByKind {
  probe: ProbeMetricsSettings;
  prometheus: PrometheusMetricsSettings;
  'http-json': HttpJsonMetricsSettings;
  cloudwatch: CloudWatchMetricsSettings;
  'google-monitoring': GoogleMonitoringSettings;
  sentry: SentryMetricsSettings;
  newrelic: NewRelicMetricsSettings;
}

/** What every source may be given besides its settings (each uses what it needs). */
export type MetricSourceDeps = PrometheusMetricsDeps & ApiCallDeps;

/** A metric source of the given kind; throws a MetricSourceError when its settings are invalid. */
export function createMetricSource<K extends MetricSourceKind>(
  kind: K,
  settings: MetricSettingsByKind[K],
  deps: MetricSourceDeps = {},
): MetricSource {
  switch (kind) {
    case 'probe':
      return createProbeMetricSource(settings as ProbeMetricsSettings);
    case 'prometheus':
      return createPrometheusMetricSource(settings as PrometheusMetricsSettings, deps);
    case 'http-json':
      return createHttpJsonMetricSource(settings as HttpJsonMetricsSettings);
    case 'cloudwatch':
      return createCloudWatchMetricSource(settings as CloudWatchMetricsSettings, deps);
    case 'google-monitoring':
      return createGoogleMonitoringMetricSource(settings as GoogleMonitoringSettings, deps);
    case 'sentry':
      return createSentryMetricSource(settings as SentryMetricsSettings, deps);
    case 'newrelic':
      return createNewRelicMetricSource(settings as NewRelicMetricsSettings, deps);
    default:
      throw new Error(
        `unknown metric source '${String(kind)}': expected one of ${METRIC_SOURCE_KINDS.join(', ')}`,
      );
  }
}
