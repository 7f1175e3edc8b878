// The metric sources by kind, for the `metrics` input: `createMetricSource('prometheus', settings)`.
import { createHttpJsonMetricSource, type HttpJsonMetricsSettings } from './http-json.js';
import { createProbeMetricSource, type ProbeMetricsSettings } from './probe.js';
import {
  createPrometheusMetricSource,
  type PrometheusMetricsDeps,
  type PrometheusMetricsSettings,
} from './prometheus.js';
import type { MetricSource } from './types.js';

export type { HttpJsonFields, HttpJsonMetricsSettings } from './http-json.js';
export type { ProbeMetricsSettings } from './probe.js';
export type { PrometheusMetricsSettings, PrometheusQueries } from './prometheus.js';
export { type MetricSource, MetricSourceError } from './types.js';

export type MetricSourceKind = MetricSource['kind'];

export const METRIC_SOURCE_KINDS: readonly MetricSourceKind[] = ['probe', 'prometheus', 'http-json'];

export interface MetricSettingsByKind {
  probe: ProbeMetricsSettings;
  prometheus: PrometheusMetricsSettings;
  'http-json': HttpJsonMetricsSettings;
}

/** What every source may be given besides its settings (each uses what it needs). */
export type MetricSourceDeps = PrometheusMetricsDeps;

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
    default:
      throw new Error(
        `unknown metric source '${String(kind)}': expected one of ${METRIC_SOURCE_KINDS.join(', ')}`,
      );
  }
}
