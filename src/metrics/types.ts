// Metric sources for canary analysis: one file per source (`probe`, `prometheus`, `http-json`,
// `cloudwatch`, `google-monitoring`, `sentry`, `newrelic`), chosen by
// the `metrics` input. Pure of @actions/*. A source answers "what did each side do since the last look?".

export type Side = 'baseline' | 'canary';

/** What one side did in one collection window. */
export interface SideObservation {
  /**
   * Latency observations in ms. One per request for the probe, for a Prometheus latency histogram (each
   * request at its bucket's upper bound) and for an http-json array; otherwise aggregates (see
   * `latencyAggregate`). Empty when unknown.
   */
  latencyMs: number[];
  /**
   * The latency values are aggregates, not requests: a quantile per look or per range point (Prometheus'
   * `latency` query, an http-json number). The analysis judges them by its aggregate rule, never as samples.
   */
  latencyAggregate?: boolean;
  /** Requests counted in the window, and how many of them failed (5xx, timeouts, failed assertions). */
  requests: number;
  errors: number;
}

export interface Observation {
  baseline: SideObservation;
  canary: SideObservation;
  /**
   * The share of real traffic (0..1) the canary served in the window, when the source can tell
   * (Prometheus request counters per version); compared with the weight the router was asked for.
   */
  canaryShare?: number;
  /** Why something is missing or odd ("query for canary returned no series"), for the report. */
  notes: string[];
}

/** What a source is told at each look. Templates in queries may use version, weight and window. */
export interface CollectRequest {
  step: number;
  /** The canary's traffic weight now, in percent 0..100. */
  weight: number;
  baselineVersion: string;
  canaryVersion: string;
  /** Since the previous look (or the step's start). */
  windowMs: number;
  signal: AbortSignal;
}

export interface MetricSource {
  readonly kind:
    | 'probe'
    | 'prometheus'
    | 'http-json'
    | 'cloudwatch'
    | 'google-monitoring'
    | 'sentry'
    | 'newrelic';
  /** Collect what happened since the last call. Throws MetricSourceError when the source cannot answer. */
  collect(request: CollectRequest): Promise<Observation>;
  /** Release sockets and timers. */
  close(): Promise<void>;
}

/** A source that could not answer (Prometheus down, bad query, unparseable JSON): the `on-error` policy applies. */
export class MetricSourceError extends Error {
  /** `setting`: when the source's settings are at fault, which one (a key of its settings). */
  constructor(
    message: string,
    readonly source: MetricSource['kind'],
    readonly setting?: string,
  ) {
    super(message);
    this.name = 'MetricSourceError';
  }
}
