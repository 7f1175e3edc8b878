// The Sentry metric source: one events query per side and look (GET /api/0/organizations/{org}/events/,
// dataset `spans`, the transactions as `is_transaction:true`), the two sides being two releases, which is
// how Sentry already tags them (`release:"app@{{version}}"`). It asks for
//   count()                                    the requests (transactions) of the window
//   failure_count()                            those whose status is a failure
//   count_if(span.duration,lessOrEquals,B)…    with bucket bounds: transactions at or under each bound, a
//                                              binned distribution of every transaction
//   p95(span.duration)                         or one percentile: an aggregate, judged by the aggregate rule
// Windows meet (each look reads from the last one's end), so a transaction is counted once; one that
// reaches Sentry after its window was read is missed. The token is SENTRY_AUTH_TOKEN, as sentry-cli and
// getsentry/action-release read it.
import { httpUrlProblem } from '../probe/http-client.js';
import { type ApiCallDeps, ApiCaller, type ApiRetrySettings, snippet } from './api-call.js';
import { binnedLatencies, capErrorsAtRequests, type LatencyBin } from './observation.js';
import { fillTemplate, templateValues, unknownPlaceholders } from './template.js';
import {
  type CollectRequest,
  type MetricSource,
  MetricSourceError,
  type Observation,
  type Side,
  type SideObservation,
} from './types.js';

export interface SentryMetricsSettings {
  /** The organization's slug. */
  organization: string;
  /** A project slug, added to the query as `project:<slug>`. */
  project?: string;
  environment?: string;
  token: string;
  /** The release of each side (default `{{version}}`), e.g. `my-app@{{version}}`. */
  release?: string;
  /** More search terms, e.g. `transaction:/api/*`. */
  query?: string;
  /** Bucket bounds in ms: the latency as a binned distribution. */
  latencyBucketsMs?: number[];
  /** Or one percentile (default p95 when no buckets are given). */
  latencyPercentile?: 'p50' | 'p75' | 'p90' | 'p95' | 'p99';
  /**
   * How far behind now each window ends (default 60 s: transactions reach Sentry's queries some seconds after they end), so a look does not read a
   * window the service has not finished ingesting (and the next look, starting where it ended, never reads it).
   */
  delayMs?: number;
  /** Another Sentry than https://sentry.io (self-hosted, a region like https://de.sentry.io; tests). */
  url?: string;
  timeoutMs?: number;
  retry?: ApiRetrySettings;
}

export interface SentryDeps extends ApiCallDeps {
  now?: () => number;
}

/** The token and defaults sentry-cli reads from the environment (the token masked as it is read). */
export function sentryFromEnv(
  env: Record<string, string | undefined>,
  mask: (secret: string) => void,
): { token: string; organization?: string; project?: string; url?: string } {
  const token = env.SENTRY_AUTH_TOKEN?.trim();
  if (!token)
    throw new MetricSourceError(
      'sentry: no Sentry token: SENTRY_AUTH_TOKEN is not set (an organization auth token or a user token with org:read)',
      'sentry',
      'token',
    );
  mask(token);
  return {
    token,
    organization: env.SENTRY_ORG?.trim() || undefined,
    project: env.SENTRY_PROJECT?.trim() || undefined,
    url: env.SENTRY_URL?.trim() || undefined,
  };
}

/** A value quoted for Sentry's search syntax. */
export function quoteSearchValue(value: string): string {
  return `"${value.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
}

export function createSentryMetricSource(
  settings: SentryMetricsSettings,
  deps: SentryDeps = {},
): MetricSource {
  const fail = (message: string, setting?: keyof SentryMetricsSettings): never => {
    throw new MetricSourceError(`sentry: ${message}`, 'sentry', setting);
  };
  if (!/^[a-z0-9][a-z0-9_-]*$/i.test(settings.organization ?? ''))
    fail(
      `the organization must be its slug like my-org, got '${settings.organization ?? ''}'`,
      'organization',
    );
  if (settings.project !== undefined && !/^[a-z0-9][a-z0-9_-]*$/i.test(settings.project))
    fail(`the project must be its slug like my-app, got '${settings.project}'`, 'project');
  const root = (settings.url ?? 'https://sentry.io').replace(/\/+$/, '');
  const badUrl = httpUrlProblem('the Sentry URL', root);
  if (badUrl) fail(badUrl, 'url');
  const release = settings.release ?? '{{version}}';
  const unknown = [...unknownPlaceholders(release), ...unknownPlaceholders(settings.query ?? '')];
  if (unknown.length > 0)
    fail(
      `unknown placeholder(s) ${unknown.map((u) => `{{${u}}}`).join(', ')}; known: {{version}}, {{weight}}, {{window}}, {{side}}, {{step}}`,
      'release',
    );
  if (!release.includes('{{version}}'))
    fail(`the release must hold {{version}} (the two sides are two releases), got '${release}'`, 'release');
  const buckets = settings.latencyBucketsMs ?? [];
  if (buckets.some((b, i) => !(Number.isFinite(b) && b > 0) || (i > 0 && b <= buckets[i - 1]!)))
    fail(
      'the latency buckets must be positive and ascending, like 50ms, 100ms, 250ms, 1s',
      'latencyBucketsMs',
    );
  // The events API takes at most 20 fields.
  if (buckets.length > 18)
    fail('at most 18 latency buckets (the events API takes 20 fields)', 'latencyBucketsMs');
  const percentile = settings.latencyPercentile ?? 'p95';
  const fields = [
    'count()',
    'failure_count()',
    ...(buckets.length > 0
      ? buckets.map((b) => `count_if(span.duration,lessOrEquals,${b})`)
      : [`${percentile}(span.duration)`]),
  ];
  const now = deps.now ?? Date.now;
  const delayMs = settings.delayMs ?? 60_000;
  if (!(delayMs >= 0 && delayMs <= 3_600_000))
    fail(`the delay must be a duration from 0 s to 1 h, got ${delayMs} ms`, 'delayMs');
  const caller = new ApiCaller('sentry', settings, deps);
  let lastEnd: number | undefined;
  let closed = false;

  const fetchSide = async (
    side: Side,
    request: CollectRequest,
    start: number,
    end: number,
    notes: string[],
  ): Promise<SideObservation> => {
    const values = templateValues(side, request);
    const terms = [
      'is_transaction:true',
      `release:${quoteSearchValue(fillTemplate(release, values, (v) => v))}`,
      ...(settings.project ? [`project:${settings.project}`] : []),
      ...(settings.query ? [fillTemplate(settings.query, values, quoteSearchValue)] : []),
    ];
    const params = new URLSearchParams({ dataset: 'spans' });
    for (const field of fields) params.append('field', field);
    params.set('query', terms.join(' '));
    params.set('start', new Date(start).toISOString());
    params.set('end', new Date(end).toISOString());
    params.set('per_page', '1');
    if (settings.environment) params.append('environment', settings.environment);
    const url = `${root}/api/0/organizations/${encodeURIComponent(settings.organization)}/events/?${params}`;
    const what = `the ${side} events query`;
    const answer = await caller.call({
      url,
      method: 'GET',
      headers: { authorization: `Bearer ${settings.token}`, accept: 'application/json' },
      what,
      signal: request.signal,
    });
    const body = caller.json<{ data?: Record<string, unknown>[]; detail?: unknown }>(answer, what);
    if (answer.status === 401 || answer.status === 403)
      fail(
        `Sentry refused SENTRY_AUTH_TOKEN for ${what} (HTTP ${answer.status}: ${snippet(JSON.stringify(body.detail ?? answer.body))}); it needs the org:read scope in ${settings.organization}`,
        'token',
      );
    if (answer.status === 404) fail(`no organization '${settings.organization}' at ${root}`, 'organization');
    if (answer.status !== 200)
      fail(`${what} failed: HTTP ${answer.status}: ${snippet(JSON.stringify(body.detail ?? answer.body))}`);
    const row = body.data?.[0];
    const number = (field: string): number => {
      const value = row?.[field];
      if (value === null || value === undefined) return Number.NaN;
      const n = Number(value);
      if (!Number.isFinite(n)) fail(`${what}: '${field}' is not a number: ${snippet(JSON.stringify(value))}`);
      return n;
    };
    const observation: SideObservation = { latencyMs: [], requests: 0, errors: 0 };
    const count = row ? number('count()') : 0;
    if (!(count > 0)) {
      notes.push(
        `${side}: no transactions of release ${fillTemplate(release, values, (v) => v)} in the window (no data)`,
      );
      return observation;
    }
    observation.requests = Math.round(count);
    observation.errors = Math.round(number('failure_count()') || 0);
    if (buckets.length > 0) {
      // Cumulative counts at each bound; the rest of count() lies beyond the last bound.
      const bins: LatencyBin[] = [];
      let below = 0;
      for (const bound of buckets) {
        const atOrUnder = Math.max(below, number(`count_if(span.duration,lessOrEquals,${bound})`) || 0);
        bins.push({ upperMs: bound, count: atOrUnder - below });
        below = atOrUnder;
      }
      bins.push({ upperMs: Number.POSITIVE_INFINITY, count: Math.max(0, count - below) });
      observation.latencyMs = binnedLatencies(bins);
    } else {
      const value = number(`${percentile}(span.duration)`);
      if (Number.isFinite(value)) {
        observation.latencyMs = [value];
        observation.latencyAggregate = true;
      } else notes.push(`${side}: no ${percentile} latency in the window (no data)`);
    }
    capErrorsAtRequests(side, observation, notes);
    return observation;
  };

  return {
    kind: 'sentry',
    async collect(request: CollectRequest): Promise<Observation> {
      if (closed) fail('the source is closed');
      const notes: string[] = [
        `sentry: ${buckets.length > 0 ? 'latency as counts per bucket (a distribution of transactions)' : `latency as ${percentile}(span.duration) (an aggregate)`}`,
      ];
      const end = now() - delayMs;
      const start = lastEnd !== undefined && lastEnd < end ? lastEnd : end - request.windowMs;
      const [baseline, canary] = await Promise.all([
        fetchSide('baseline', request, start, end, notes),
        fetchSide('canary', request, start, end, notes),
      ]);
      lastEnd = end;
      const observation: Observation = { baseline, canary, notes };
      const total = baseline.requests + canary.requests;
      if (total > 0) observation.canaryShare = canary.requests / total;
      return observation;
    },
    async close() {
      closed = true;
      caller.destroy();
    },
  };
}
