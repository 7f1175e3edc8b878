// The Google Cloud Monitoring metric source: timeSeries.list (Monitoring API v3) per query and side, each a
// time-series filter templated with `{{version}}`, `{{side}}`… (values escaped for a filter string):
//   requests          a DELTA or CUMULATIVE count (e.g. loadbalancing.googleapis.com/https/request_count),
//                     aligned with ALIGN_DELTA and summed across series: the requests of the window
//   errors            the same for failures (…request_count with metric.labels.response_code_class=500)
//   latencyHistogram  a DISTRIBUTION metric (…/https/backend_latencies), ALIGN_DELTA + REDUCE_SUM: its
//                     bucket counts over the window, a binned distribution of every request
//   latency           or a percentile of it (ALIGN_PERCENTILE_95 by default): an aggregate, judged by the
//                     aggregate rule
// Counts are read over whole minutes (Monitoring aligns to at least 60 s): each look asks for the minutes
// completed since the last one, so none is counted twice. Credentials are the environment's, as
// google-github-actions/auth leaves them: an access token (CLOUDSDK_AUTH_ACCESS_TOKEN) or a credentials
// file (GOOGLE_APPLICATION_CREDENTIALS: workload identity federation or a service-account key), which
// google-auth-library turns into a token.
import { readFileSync } from 'node:fs';
import type { GoogleAuth } from 'google-auth-library';
import { httpUrlProblem } from '../http/url.js';
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

export type GoogleCredentials =
  | { kind: 'token'; token: string; from: string }
  | { kind: 'file'; path: string; from: string; projectId?: string };

export interface GoogleMonitoringQueries {
  requests?: string;
  errors?: string;
  latency?: string;
  latencyHistogram?: string;
}

export interface GoogleMonitoringSettings {
  project: string;
  credentials: GoogleCredentials;
  queries: GoogleMonitoringQueries;
  /** The aligner of the `latency` query (default ALIGN_PERCENTILE_95). */
  latencyAligner?: 'ALIGN_PERCENTILE_50' | 'ALIGN_PERCENTILE_95' | 'ALIGN_PERCENTILE_99' | 'ALIGN_MEAN';
  /** The latency metric's unit (default `ms`, as the load balancers' latencies). */
  latencyUnit?: 'ms' | 's';
  /**
   * How far behind now each window ends (default 240 s: load balancer metrics become visible up to 210 s after they are sampled), so a look does not read a
   * window the service has not finished ingesting (and the next look, starting where it ended, never reads it).
   */
  delayMs?: number;
  /** Another endpoint than https://monitoring.googleapis.com (a private one; tests). */
  endpoint?: string;
  timeoutMs?: number;
  retry?: ApiRetrySettings;
}

export interface GoogleMonitoringDeps extends ApiCallDeps {
  now?: () => number;
}

type QueryName = keyof GoogleMonitoringQueries;
const QUERY_NAMES: QueryName[] = ['requests', 'errors', 'latency', 'latencyHistogram'];
const LABEL: Record<QueryName, string> = {
  requests: 'requests',
  errors: 'errors',
  latency: 'latency',
  latencyHistogram: 'latency histogram',
};
const CREDENTIAL_FILES = [
  'GOOGLE_APPLICATION_CREDENTIALS',
  'CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE',
  'GOOGLE_GHA_CREDS_PATH',
];
const TOKENS = ['CLOUDSDK_AUTH_ACCESS_TOKEN', 'GOOGLE_OAUTH_ACCESS_TOKEN'];
const PROJECTS = [
  'GOOGLE_CLOUD_PROJECT',
  'CLOUDSDK_CORE_PROJECT',
  'CLOUDSDK_PROJECT',
  'GCLOUD_PROJECT',
  'GCP_PROJECT',
];

/** The credentials google-github-actions/auth leaves in the environment (tokens masked as they are read). */
export function googleCredentialsFromEnv(
  env: Record<string, string | undefined>,
  mask: (secret: string) => void,
): { credentials: GoogleCredentials; project: string | undefined } {
  const fail = (message: string): never => {
    throw new MetricSourceError(`google-monitoring: ${message}`, 'google-monitoring', 'credentials');
  };
  let project = PROJECTS.map((name) => env[name]?.trim()).find(Boolean);
  const tokenVar = TOKENS.find((name) => env[name]?.trim());
  if (tokenVar) {
    const token = env[tokenVar]!.trim();
    mask(token);
    return { credentials: { kind: 'token', token, from: tokenVar }, project };
  }
  const fileVar = CREDENTIAL_FILES.find((name) => env[name]?.trim());
  if (!fileVar)
    return fail(
      `no Google credentials: none of ${[...CREDENTIAL_FILES, ...TOKENS].join(', ')} is set (google-github-actions/auth sets GOOGLE_APPLICATION_CREDENTIALS)`,
    );
  const path = env[fileVar]!.trim();
  let json: { type?: string; project_id?: string; private_key?: string; quota_project_id?: string };
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return fail(
      `${fileVar} names ${path}, which is not a readable credentials file: ${(error as Error).message}`,
    );
  }
  if (json.private_key) mask(json.private_key);
  if (
    !['service_account', 'external_account', 'authorized_user', 'impersonated_service_account'].includes(
      json.type ?? '',
    )
  )
    fail(`${fileVar} names ${path}, whose type '${json.type ?? ''}' is not a Google credentials type`);
  project ??= json.project_id ?? json.quota_project_id;
  return { credentials: { kind: 'file', path, from: fileVar, projectId: json.project_id }, project };
}

/** A value made safe inside a Monitoring filter's double-quoted string. */
export function escapeFilterString(value: string): string {
  return value.replace(/[\\"]/g, (char) => `\\${char}`);
}

interface Distribution {
  count?: string | number;
  bucketOptions?: {
    linearBuckets?: { numFiniteBuckets: number; width: number; offset: number };
    exponentialBuckets?: { numFiniteBuckets: number; growthFactor: number; scale: number };
    explicitBuckets?: { bounds: number[] };
  };
  bucketCounts?: (string | number)[];
}

interface Point {
  value?: { int64Value?: string; doubleValue?: number; distributionValue?: Distribution };
}

/** Upper bounds of a distribution's buckets (the last, overflow one, is Infinity). */
export function bucketUpperBounds(options: Distribution['bucketOptions'], count: number): number[] {
  const bounds: number[] = [];
  if (options?.explicitBuckets) bounds.push(...options.explicitBuckets.bounds);
  else if (options?.linearBuckets) {
    const { numFiniteBuckets, width, offset } = options.linearBuckets;
    for (let i = 0; i <= numFiniteBuckets; i++) bounds.push(offset + width * i);
  } else if (options?.exponentialBuckets) {
    const { numFiniteBuckets, growthFactor, scale } = options.exponentialBuckets;
    for (let i = 0; i <= numFiniteBuckets; i++) bounds.push(scale * growthFactor ** i);
  }
  const upper = bounds.slice(0, Math.max(0, count - 1));
  while (upper.length < count) upper.push(Number.POSITIVE_INFINITY);
  return upper;
}

export function createGoogleMonitoringMetricSource(
  settings: GoogleMonitoringSettings,
  deps: GoogleMonitoringDeps = {},
): MetricSource {
  const fail = (message: string, setting?: keyof GoogleMonitoringSettings): never => {
    throw new MetricSourceError(`google-monitoring: ${message}`, 'google-monitoring', setting);
  };
  if (!/^[a-z][a-z0-9-]{4,28}[a-z0-9]$|^\d+$/.test(settings.project ?? ''))
    fail(
      `the project must be a Google Cloud project id like my-project-123 (or its number), got '${settings.project ?? ''}'`,
      'project',
    );
  const endpoint = (settings.endpoint ?? 'https://monitoring.googleapis.com').replace(/\/+$/, '');
  const badUrl = httpUrlProblem('the endpoint', endpoint);
  if (badUrl) fail(badUrl, 'endpoint');
  const queries = settings.queries;
  const given = QUERY_NAMES.filter((name) => queries[name]?.trim());
  if (given.length === 0)
    fail('no filter is set: give at least requests, latency or latency-histogram', 'queries');
  if (queries.latency && queries.latencyHistogram)
    fail('give latency (a percentile) or latency-histogram (the distribution), not both', 'queries');
  if (queries.errors && !queries.requests)
    fail('an errors filter needs a requests filter (errors are judged as a share of requests)', 'queries');
  for (const name of given) {
    const unknown = unknownPlaceholders(queries[name]!);
    if (unknown.length > 0)
      fail(
        `the ${LABEL[name]} filter uses unknown placeholder(s) ${unknown.map((u) => `{{${u}}}`).join(', ')}; known: {{version}}, {{weight}}, {{window}}, {{side}}, {{step}}`,
        'queries',
      );
    if (!/metric\.type\s*=/.test(queries[name]!))
      fail(
        `the ${LABEL[name]} filter must name a metric.type, like metric.type="…/request_count" AND …`,
        'queries',
      );
  }
  const unitMs = (settings.latencyUnit ?? 'ms') === 's' ? 1000 : 1;
  const now = deps.now ?? Date.now;
  const delayMs = settings.delayMs ?? 240_000;
  if (!(delayMs >= 0 && delayMs <= 3_600_000))
    fail(`the delay must be a duration from 0 s to 1 h, got ${delayMs} ms`, 'delayMs');
  const caller = new ApiCaller('google-monitoring', settings, deps);
  const credentials = settings.credentials;
  // google-auth-library is loaded only for a credentials file: the other sources start without it.
  let auth: Promise<GoogleAuth> | undefined;
  // The token google-auth-library issues (a self-signed JWT or an exchanged access token) is as secret as
  // the key it came from: hidden before the request that carries it is sent. Masked once per new value.
  const masked = new Set<string>();
  const maskIssued = (header: string) => {
    if (masked.has(header)) return;
    masked.add(header);
    deps.mask?.(header.replace(/^Bearer\s+/i, ''));
  };
  let lastEnd: number | undefined;
  let closed = false;

  const authorization = async (url: string): Promise<string> => {
    if (credentials.kind === 'token') return `Bearer ${credentials.token}`;
    try {
      auth ??= import('google-auth-library').then(
        ({ GoogleAuth }) => new GoogleAuth({ keyFilename: credentials.path }),
      );
      const client = await (await auth).getClient();
      const headers = (await client.getRequestHeaders(url)) as unknown as Headers | Record<string, string>;
      const value =
        typeof (headers as Headers).get === 'function'
          ? (headers as Headers).get('authorization')
          : ((headers as Record<string, string>).Authorization ??
            (headers as Record<string, string>).authorization);
      if (!value) throw new Error('no authorization header came back');
      maskIssued(value);
      return value;
    } catch (error) {
      return fail(
        `the credentials file ${credentials.path} (${credentials.from}) gave no access token: ${(error as Error).message}`,
        'credentials',
      );
    }
  };

  const list = async (
    name: QueryName,
    side: Side,
    request: CollectRequest,
    start: number,
    end: number,
  ): Promise<Point[][]> => {
    const filter = fillTemplate(queries[name]!, templateValues(side, request), escapeFilterString);
    const aligner = name === 'latency' ? (settings.latencyAligner ?? 'ALIGN_PERCENTILE_95') : 'ALIGN_DELTA';
    const params = new URLSearchParams({
      filter,
      'interval.startTime': new Date(start).toISOString(),
      'interval.endTime': new Date(end).toISOString(),
      'aggregation.alignmentPeriod': `${Math.round((end - start) / 1000)}s`,
      'aggregation.perSeriesAligner': aligner,
      view: 'FULL',
    });
    // A percentile of each series cannot be summed; counts and distributions can.
    if (name !== 'latency') params.set('aggregation.crossSeriesReducer', 'REDUCE_SUM');
    const what = `the ${side} ${LABEL[name]} filter`;
    const series: Point[][] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < 20; page++) {
      if (pageToken) params.set('pageToken', pageToken);
      const url = `${endpoint}/v3/projects/${encodeURIComponent(settings.project)}/timeSeries?${params}`;
      const auth = await authorization(url);
      const answer = await caller.call({
        url,
        method: 'GET',
        headers: { authorization: auth, accept: 'application/json' },
        what,
        signal: request.signal,
      });
      const body = caller.json<{
        timeSeries?: { points?: Point[] }[];
        nextPageToken?: string;
        error?: { code?: number; status?: string; message?: string };
      }>(answer, what);
      if (answer.status === 401 || answer.status === 403)
        fail(
          `Cloud Monitoring refused the credentials from ${credentials.from} for ${what} (${body.error?.status ?? answer.status}: ${body.error?.message ?? snippet(answer.body)}); the identity needs roles/monitoring.viewer on ${settings.project}`,
          'credentials',
        );
      if (answer.status !== 200)
        fail(
          `${what} failed: ${body.error?.status ?? `HTTP ${answer.status}`}: ${body.error?.message ?? snippet(answer.body)}`,
          'queries',
        );
      for (const item of body.timeSeries ?? []) series.push(item.points ?? []);
      pageToken = body.nextPageToken || undefined;
      if (!pageToken) return series;
    }
    return fail(`${what} kept paging beyond 20 pages`);
  };

  const collectSide = async (
    side: Side,
    request: CollectRequest,
    start: number,
    end: number,
    notes: string[],
  ): Promise<SideObservation> => {
    const run = (name: QueryName) =>
      queries[name] ? list(name, side, request, start, end) : Promise.resolve(undefined);
    const [requests, errors, latency, histogram] = await Promise.all(QUERY_NAMES.map(run));
    const count = (series: Point[][]) =>
      series.flat().reduce((sum, point) => {
        const value = point.value;
        return sum + Number(value?.int64Value ?? value?.doubleValue ?? value?.distributionValue?.count ?? 0);
      }, 0);
    const observation: SideObservation = { latencyMs: [], requests: 0, errors: 0 };
    if (requests) {
      if (requests.flat().length === 0)
        notes.push(`${side} requests filter: no points in the window (no data)`);
      observation.requests = Math.round(count(requests));
    }
    if (errors) {
      if (errors.flat().length === 0 && observation.requests > 0)
        notes.push(`${side} errors filter: no points: counted as 0 errors`);
      observation.errors = Math.round(count(errors));
    }
    if (histogram) {
      const bins: LatencyBin[] = [];
      for (const point of histogram.flat()) {
        const distribution = point.value?.distributionValue;
        if (!distribution)
          fail(
            `the ${side} latency histogram filter must select a DISTRIBUTION metric (such as …/backend_latencies); its points hold no distribution`,
            'queries',
          );
        const counts = (distribution!.bucketCounts ?? []).map(Number);
        const upper = bucketUpperBounds(distribution!.bucketOptions, counts.length);
        counts.forEach((n, i) => {
          bins.push({ upperMs: upper[i]! * unitMs, count: n });
        });
      }
      if (bins.length === 0)
        notes.push(`${side} latency histogram filter: no points in the window (no data)`);
      observation.latencyMs = binnedLatencies(bins);
    }
    if (latency) {
      const values = latency
        .flat()
        .map((point) => Number(point.value?.doubleValue ?? point.value?.int64Value))
        .filter(Number.isFinite);
      if (latency.length > 1)
        fail(
          `the ${side} latency filter matched ${latency.length} time series; narrow it to one (or use latency-histogram, which sums them)`,
          'queries',
        );
      if (values.length === 0) notes.push(`${side} latency filter: no points in the window (no data)`);
      observation.latencyMs = values.map((v) => v * unitMs);
      observation.latencyAggregate = true;
    }
    capErrorsAtRequests(side, observation, notes);
    return observation;
  };

  return {
    kind: 'google-monitoring',
    async collect(request: CollectRequest): Promise<Observation> {
      if (closed) fail('the source is closed');
      const notes: string[] = [];
      const minute = 60_000;
      const end = Math.floor((now() - delayMs) / minute) * minute;
      const windowMs = Math.max(minute, Math.ceil(request.windowMs / minute) * minute);
      const start = lastEnd !== undefined && lastEnd > end - windowMs ? lastEnd : end - windowMs;
      notes.push(
        `google-monitoring: ${queries.latencyHistogram ? 'latency as distribution buckets (a distribution of requests)' : queries.latency ? `latency as ${settings.latencyAligner ?? 'ALIGN_PERCENTILE_95'} (an aggregate)` : 'counts only'}, whole minutes`,
      );
      if (start >= end) {
        notes.push('google-monitoring: no minute completed since the last look (no data)');
        const empty = (): SideObservation => ({ latencyMs: [], requests: 0, errors: 0 });
        return { baseline: empty(), canary: empty(), notes };
      }
      const [baseline, canary] = await Promise.all([
        collectSide('baseline', request, start, end, notes),
        collectSide('canary', request, start, end, notes),
      ]);
      lastEnd = end;
      const observation: Observation = { baseline, canary, notes };
      const total = baseline.requests + canary.requests;
      if (queries.requests && total > 0) observation.canaryShare = canary.requests / total;
      return observation;
    },
    async close() {
      closed = true;
      caller.destroy();
    },
  };
}
