// The New Relic metric source: NRQL through NerdGraph, one GraphQL call per look carrying every query of
// both sides as aliased `nrql` fields. Each query is NRQL templated with `{{version}}`, `{{side}}`… (values
// escaped for a single-quoted NRQL string); the source adds `SINCE … UNTIL …` for the window:
//   requests          SELECT count(*) FROM Transaction WHERE appName = 'shop' AND tags.version = '{{version}}'
//   errors            … AND error IS true
//   latencyHistogram  SELECT histogram(duration, 2, 20) FROM Transaction WHERE …: transactions per bucket
//                     (width ceiling/buckets, the last one holding everything above), a binned distribution
//   latency           or SELECT percentile(duration, 95) …: an aggregate, judged by the aggregate rule
// Windows meet (each look reads from the last one's end), so a transaction is counted once. The key is a
// user API key (NRAK-…) from NEW_RELIC_API_KEY, the account NEW_RELIC_ACCOUNT_ID, as the newrelic CLI reads them.
import { httpUrlProblem } from '../probe/http-client.js';
import { type ApiCallDeps, ApiCaller, type ApiRetrySettings, snippet } from './api-call.js';
import { binnedLatencies, capErrorsAtRequests } from './observation.js';
import { fillTemplate, templateValues, unknownPlaceholders } from './template.js';
import {
  type CollectRequest,
  type MetricSource,
  MetricSourceError,
  type Observation,
  type Side,
  type SideObservation,
} from './types.js';

export interface NewRelicQueries {
  requests?: string;
  errors?: string;
  latency?: string;
  latencyHistogram?: string;
}

export interface NewRelicMetricsSettings {
  accountId: number;
  apiKey: string;
  queries: NewRelicQueries;
  /** Default US (https://api.newrelic.com/graphql); EU is https://api.eu.newrelic.com/graphql. */
  region?: 'US' | 'EU';
  /** The latency attribute's unit (default `s`, as Transaction's duration). */
  latencyUnit?: 's' | 'ms';
  /**
   * How far behind now each window ends (default 60 s: APM transactions are queryable within about a minute), so a look does not read a
   * window the service has not finished ingesting (and the next look, starting where it ended, never reads it).
   */
  delayMs?: number;
  /** Another endpoint (tests). */
  endpoint?: string;
  timeoutMs?: number;
  retry?: ApiRetrySettings;
}

export interface NewRelicDeps extends ApiCallDeps {
  now?: () => number;
}

type QueryName = keyof NewRelicQueries;
const QUERY_NAMES: QueryName[] = ['requests', 'errors', 'latency', 'latencyHistogram'];
const HISTOGRAM = /\bhistogram\s*\(\s*[^,()]+,\s*([\d.]+)\s*,\s*(\d+)\s*\)/i;

/** The key and account the newrelic CLI reads from the environment (the key masked as it is read). */
export function newRelicFromEnv(
  env: Record<string, string | undefined>,
  mask: (secret: string) => void,
): { apiKey: string; accountId?: string; region?: string } {
  const apiKey = env.NEW_RELIC_API_KEY?.trim();
  if (!apiKey)
    throw new MetricSourceError(
      'newrelic: no New Relic key: NEW_RELIC_API_KEY is not set (a user API key, NRAK-…)',
      'newrelic',
      'apiKey',
    );
  mask(apiKey);
  return {
    apiKey,
    accountId: env.NEW_RELIC_ACCOUNT_ID?.trim() || undefined,
    region: env.NEW_RELIC_REGION?.trim() || undefined,
  };
}

/** A value made safe inside a single-quoted NRQL string. */
export function escapeNrqlString(value: string): string {
  return value.replace(/[\\']/g, (char) => `\\${char}`);
}

/** The GraphQL document for one look: an aliased nrql field per side and query. */
export function nerdGraphDocument(accountId: number, fields: { alias: string; nrql: string }[]): string {
  const selections = fields
    .map(({ alias, nrql }) => `${alias}: nrql(query: ${JSON.stringify(nrql)}, timeout: 30) { results }`)
    .join(' ');
  return `query DeployKitLook { actor { account(id: ${accountId}) { ${selections} } } }`;
}

/** The first number (depth first) in a result row: `{"count": 12}`, `{"percentile.duration": {"95": 0.2}}`. */
function firstNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (value && typeof value === 'object' && !Array.isArray(value))
    for (const inner of Object.values(value)) {
      const n = firstNumber(inner);
      if (n !== undefined) return n;
    }
  return undefined;
}

/** The first list of numbers in a result row: histogram()'s counts per bucket. */
function firstNumberList(value: unknown): number[] | undefined {
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) return value as number[];
  if (value && typeof value === 'object')
    for (const inner of Object.values(value)) {
      const list = firstNumberList(inner);
      if (list) return list;
    }
  return undefined;
}

export function createNewRelicMetricSource(
  settings: NewRelicMetricsSettings,
  deps: NewRelicDeps = {},
): MetricSource {
  const fail = (message: string, setting?: keyof NewRelicMetricsSettings): never => {
    throw new MetricSourceError(`newrelic: ${message}`, 'newrelic', setting);
  };
  if (!(Number.isInteger(settings.accountId) && settings.accountId > 0))
    fail(`the account must be a New Relic account id like 1234567, got '${settings.accountId}'`, 'accountId');
  const endpoint =
    settings.endpoint ??
    (settings.region === 'EU' ? 'https://api.eu.newrelic.com/graphql' : 'https://api.newrelic.com/graphql');
  const badUrl = httpUrlProblem('the endpoint', endpoint);
  if (badUrl) fail(badUrl, 'endpoint');
  const queries = settings.queries;
  const given = QUERY_NAMES.filter((name) => queries[name]?.trim());
  if (given.length === 0)
    fail('no NRQL query is set: give at least requests, latency or latency-histogram', 'queries');
  if (queries.latency && queries.latencyHistogram)
    fail('give latency (a percentile) or latency-histogram (histogram()), not both', 'queries');
  if (queries.errors && !queries.requests)
    fail('an errors query needs a requests query (errors are judged as a share of requests)', 'queries');
  for (const name of given) {
    const nrql = queries[name]!;
    const unknown = unknownPlaceholders(nrql);
    if (unknown.length > 0)
      fail(
        `the ${name} query uses unknown placeholder(s) ${unknown.map((u) => `{{${u}}}`).join(', ')}; known: {{version}}, {{weight}}, {{window}}, {{side}}, {{step}}`,
        'queries',
      );
    if (!/^\s*(SELECT|FROM)\b/i.test(nrql))
      fail(`the ${name} query must be NRQL (SELECT … FROM …), got '${nrql}'`, 'queries');
    if (/\b(SINCE|UNTIL|TIMESERIES|FACET)\b/i.test(nrql))
      fail(
        `the ${name} query must not hold SINCE, UNTIL, TIMESERIES or FACET: the window is added for each look`,
        'queries',
      );
  }
  let width = 0;
  if (queries.latencyHistogram) {
    const match = HISTOGRAM.exec(queries.latencyHistogram);
    if (!match || !(Number(match[1]) > 0) || !(Number(match[2]) >= 2))
      fail(
        'the latency-histogram query must use histogram(attribute, ceiling, buckets), like SELECT histogram(duration, 2, 20) FROM Transaction WHERE …',
        'queries',
      );
    width = Number(match![1]) / Number(match![2]);
  }
  const unitMs = (settings.latencyUnit ?? 's') === 's' ? 1000 : 1;
  const now = deps.now ?? Date.now;
  const delayMs = settings.delayMs ?? 60_000;
  if (!(delayMs >= 0 && delayMs <= 3_600_000))
    fail(`the delay must be a duration from 0 s to 1 h, got ${delayMs} ms`, 'delayMs');
  const caller = new ApiCaller('newrelic', settings, deps);
  let lastEnd: number | undefined;
  let closed = false;

  const sideObservation = (
    side: Side,
    results: Record<string, { results?: Record<string, unknown>[] } | null>,
    notes: string[],
  ): SideObservation => {
    const rows = (name: QueryName) => results[`${side}_${name}`]?.results ?? [];
    const observation: SideObservation = { latencyMs: [], requests: 0, errors: 0 };
    if (queries.requests) {
      const n = firstNumber(rows('requests')[0]);
      if (n === undefined) notes.push(`${side} requests query: no value (no data)`);
      observation.requests = Math.round(n ?? 0);
    }
    if (queries.errors) observation.errors = Math.round(firstNumber(rows('errors')[0]) ?? 0);
    if (queries.latencyHistogram) {
      const counts = firstNumberList(rows('latencyHistogram')[0]);
      if (!counts || counts.every((c) => c === 0))
        notes.push(`${side} latency histogram: no transactions (no data)`);
      observation.latencyMs = binnedLatencies(
        (counts ?? []).map((count, i, all) => ({
          upperMs: i === all.length - 1 ? Number.POSITIVE_INFINITY : width * (i + 1) * unitMs,
          count,
        })),
      );
    }
    if (queries.latency) {
      const n = firstNumber(rows('latency')[0]);
      if (n === undefined) notes.push(`${side} latency query: no value (no data)`);
      else {
        observation.latencyMs = [n * unitMs];
        observation.latencyAggregate = true;
      }
    }
    capErrorsAtRequests(side, observation, notes);
    return observation;
  };

  return {
    kind: 'newrelic',
    async collect(request: CollectRequest): Promise<Observation> {
      if (closed) fail('the source is closed');
      const notes: string[] = [
        `newrelic: ${queries.latencyHistogram ? 'latency as histogram() buckets (a distribution of transactions)' : queries.latency ? 'latency as one NRQL value (an aggregate)' : 'counts only'}`,
      ];
      const end = now() - delayMs;
      const start = lastEnd !== undefined && lastEnd < end ? lastEnd : end - request.windowMs;
      const fields = (['baseline', 'canary'] as const).flatMap((side) =>
        given.map((name) => ({
          alias: `${side}_${name}`,
          nrql: `${fillTemplate(queries[name]!, templateValues(side, request), escapeNrqlString)} SINCE ${Math.floor(start)} UNTIL ${Math.floor(end)}`,
        })),
      );
      const answer = await caller.call({
        url: endpoint,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          'api-key': settings.apiKey,
        },
        body: JSON.stringify({ query: nerdGraphDocument(settings.accountId, fields) }),
        what: 'the NerdGraph NRQL query',
        signal: request.signal,
      });
      const body = caller.json<{
        data?: {
          actor?: { account?: Record<string, { results?: Record<string, unknown>[] } | null> | null };
        };
        errors?: { message?: string; extensions?: { errorClass?: string } }[];
      }>(answer, 'the NerdGraph NRQL query');
      const errors = body.errors ?? [];
      const authError = errors.find((e) =>
        /UNAUTHORIZED|FORBIDDEN|api.key|API key/i.test(`${e.extensions?.errorClass} ${e.message}`),
      );
      if (answer.status === 401 || answer.status === 403 || authError)
        fail(
          `NerdGraph refused NEW_RELIC_API_KEY (${authError?.message ?? `HTTP ${answer.status}`}); it must be a user key (NRAK-…) with access to account ${settings.accountId}`,
          'apiKey',
        );
      if (answer.status !== 200 || errors.length > 0)
        fail(
          `the NerdGraph NRQL query failed: ${errors.map((e) => e.message).join('; ') || `HTTP ${answer.status}: ${snippet(answer.body)}`}`,
          'queries',
        );
      const account = body.data?.actor?.account;
      if (!account) fail(`NerdGraph gave no account ${settings.accountId} in its answer`, 'accountId');
      lastEnd = end;
      const baseline = sideObservation('baseline', account!, notes);
      const canary = sideObservation('canary', account!, notes);
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
