// The AWS CloudWatch metric source: one GetMetricData call per look (more only when CloudWatch pages its
// answer) asks for both sides' metrics, each a namespace, a metric name and dimensions whose values are
// templated with `{{version}}`, `{{side}}`… (per-side dimensions can be given instead, e.g. two target groups):
//   requests          the Sum of a count metric (ALB RequestCount, API Gateway Count)
//   errors            the Sum of a failure count (HTTPCode_Target_5XX_Count, 5XXError)
//   latencyHistogram  a latency metric with value distributions (ALB TargetResponseTime) read as trimmed
//                     counts TC(:b1), TC(b1:b2) … TC(bn:) over the given bounds: requests per bin, a binned
//                     distribution of every request, like a Prometheus histogram
//   latency           or one statistic (p95, Average): an aggregate, judged by the aggregate rule
// Counts are read over whole periods (default 60 s): each look asks for the periods completed since the
// last one, so no period is counted twice. The request is the awsQuery protocol of CloudWatch's service
// model (form-encoded, XML answer), signed with Signature Version 4 by the `aws4` package; credentials are
// the environment's, as aws-actions/configure-aws-credentials leaves them.
import aws4 from 'aws4';
import { XMLParser } from 'fast-xml-parser';
import { redactUrl } from '../common/safe-url.js';
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

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface CloudWatchMetric {
  namespace: string;
  metric: string;
  /** Dimension values may hold templates; `baselineDimensions`/`canaryDimensions` add to them per side. */
  dimensions?: Record<string, string>;
  baselineDimensions?: Record<string, string>;
  canaryDimensions?: Record<string, string>;
  /** For `latency`: the statistic (p95, p99, Average…; default p95). */
  stat?: string;
  /** For `latencyHistogram`: the bins' upper bounds, in the metric's unit, ascending. */
  buckets?: number[];
}

export interface CloudWatchQueries {
  requests?: CloudWatchMetric;
  errors?: CloudWatchMetric;
  latency?: CloudWatchMetric;
  latencyHistogram?: CloudWatchMetric;
}

export interface CloudWatchMetricsSettings {
  region: string;
  credentials: AwsCredentials;
  queries: CloudWatchQueries;
  /** The latency metric's unit (default `s`, as ALB's TargetResponseTime; API Gateway's Latency is `ms`). */
  latencyUnit?: 's' | 'ms';
  /** Seconds per period (default 60; 1, 5, 10, 30 for high-resolution metrics, else a multiple of 60). */
  periodS?: number;
  /**
   * How far behind now each window ends (default 120 s: CloudWatch publishes a period's datapoints a minute or two after it ends), so a look does not read a
   * window the service has not finished ingesting (and the next look, starting where it ended, never reads it).
   */
  delayMs?: number;
  /** Another endpoint than https://monitoring.<region>.amazonaws.com (a VPC endpoint; tests). */
  endpoint?: string;
  timeoutMs?: number;
  retry?: ApiRetrySettings;
}

export interface CloudWatchDeps extends ApiCallDeps {
  now?: () => number;
}

type QueryName = keyof CloudWatchQueries;
const QUERY_NAMES: QueryName[] = ['requests', 'errors', 'latency', 'latencyHistogram'];
/** Statistics GetMetricData accepts: the named ones, percentiles, trimmed/winsorized forms, IQM. */
const STATISTIC =
  /^(SampleCount|Average|Sum|Minimum|Maximum|IQM|p\d{1,2}(\.\d+)?|(tm|wm|tc|ts|pr|TM|WM|TC|TS|PR)\(.*\)|(tm|wm|tc|ts)\d{1,2}(\.\d+)?)$/;

/** The credentials aws-actions/configure-aws-credentials leaves in the environment, masked as they are read. */
export function awsCredentialsFromEnv(
  env: Record<string, string | undefined>,
  mask: (secret: string) => void,
): { credentials: AwsCredentials; region: string | undefined } {
  const accessKeyId = env.AWS_ACCESS_KEY_ID?.trim();
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY?.trim();
  const sessionToken = env.AWS_SESSION_TOKEN?.trim() || undefined;
  for (const secret of [accessKeyId, secretAccessKey, sessionToken]) if (secret) mask(secret);
  const missing = [
    ...(accessKeyId ? [] : ['AWS_ACCESS_KEY_ID']),
    ...(secretAccessKey ? [] : ['AWS_SECRET_ACCESS_KEY']),
  ];
  if (missing.length > 0)
    throw new MetricSourceError(
      `cloudwatch: no AWS credentials: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set (aws-actions/configure-aws-credentials sets them, with AWS_SESSION_TOKEN and AWS_REGION)`,
      'cloudwatch',
      'credentials',
    );
  return {
    credentials: { accessKeyId: accessKeyId!, secretAccessKey: secretAccessKey!, sessionToken },
    region: env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || undefined,
  };
}

/** The awsQuery form of a GetMetricData request: `MetricDataQueries.member.1.Id=…`. */
export function queryForm(input: {
  queries: { id: string; namespace: string; metric: string; dimensions: [string, string][]; stat: string }[];
  periodS: number;
  start: Date;
  end: Date;
  nextToken?: string;
}): string {
  const form = new URLSearchParams({ Action: 'GetMetricData', Version: '2010-08-01' });
  input.queries.forEach((query, i) => {
    const at = `MetricDataQueries.member.${i + 1}`;
    form.set(`${at}.Id`, query.id);
    form.set(`${at}.MetricStat.Metric.Namespace`, query.namespace);
    form.set(`${at}.MetricStat.Metric.MetricName`, query.metric);
    query.dimensions.forEach(([name, value], j) => {
      form.set(`${at}.MetricStat.Metric.Dimensions.member.${j + 1}.Name`, name);
      form.set(`${at}.MetricStat.Metric.Dimensions.member.${j + 1}.Value`, value);
    });
    form.set(`${at}.MetricStat.Period`, String(input.periodS));
    form.set(`${at}.MetricStat.Stat`, query.stat);
    form.set(`${at}.ReturnData`, 'true');
  });
  form.set('StartTime', input.start.toISOString());
  form.set('EndTime', input.end.toISOString());
  form.set('ScanBy', 'TimestampAscending');
  if (input.nextToken) form.set('NextToken', input.nextToken);
  return form.toString();
}

/** Trimmed-count statistics for bins with these upper bounds: TC(:b1), TC(b1:b2) … TC(bn:). */
export function binStatistics(bounds: readonly number[]): string[] {
  const stats = [`TC(:${bounds[0]})`];
  for (let i = 1; i < bounds.length; i++) stats.push(`TC(${bounds[i - 1]}:${bounds[i]})`);
  stats.push(`TC(${bounds.at(-1)}:)`);
  return stats;
}

interface MetricResult {
  Id?: string;
  Values?: { member?: unknown[] } | '';
  StatusCode?: string;
  Messages?: { member?: { Code?: string; Value?: string }[] } | '';
}

interface XmlError {
  Code?: string;
  Message?: string;
}

interface XmlAnswer {
  ErrorResponse?: { Error?: XmlError };
  Response?: { Errors?: { Error?: XmlError } };
  GetMetricDataResponse?: {
    GetMetricDataResult?: { MetricDataResults?: { member?: MetricResult[] } | ''; NextToken?: string };
  };
}

const xml = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  isArray: (name) => name === 'member',
});

export function createCloudWatchMetricSource(
  settings: CloudWatchMetricsSettings,
  deps: CloudWatchDeps = {},
): MetricSource {
  const fail = (message: string, setting?: keyof CloudWatchMetricsSettings): never => {
    throw new MetricSourceError(`cloudwatch: ${message}`, 'cloudwatch', setting);
  };
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(settings.region ?? ''))
    fail(`the region must be an AWS region like us-east-1, got '${settings.region ?? ''}'`, 'region');
  const endpoint = settings.endpoint ?? `https://monitoring.${settings.region}.amazonaws.com/`;
  const badUrl = httpUrlProblem('the endpoint', endpoint);
  if (badUrl) fail(badUrl, 'endpoint');
  const queries = settings.queries;
  const given = QUERY_NAMES.filter((name) => queries[name] !== undefined);
  if (given.length === 0)
    fail('no metric is set: give at least requests, latency or latency-histogram', 'queries');
  if (queries.latency && queries.latencyHistogram)
    fail('give latency (one statistic) or latency-histogram (bins), not both', 'queries');
  if (queries.errors && !queries.requests)
    fail('an errors metric needs a requests metric (errors are judged as a share of requests)', 'queries');
  for (const name of given) {
    const metric = queries[name]!;
    if (!metric.namespace?.trim() || !metric.metric?.trim())
      fail(`${name} needs a namespace and a metric, like AWS/ApplicationELB and RequestCount`, 'queries');
    const templates = [
      ...Object.values(metric.dimensions ?? {}),
      ...Object.values(metric.baselineDimensions ?? {}),
      ...Object.values(metric.canaryDimensions ?? {}),
    ];
    for (const template of templates) {
      const unknown = unknownPlaceholders(template);
      if (unknown.length > 0)
        fail(
          `${name} uses unknown placeholder(s) ${unknown.map((u) => `{{${u}}}`).join(', ')}; known: {{version}}, {{weight}}, {{window}}, {{side}}, {{step}}`,
          'queries',
        );
    }
    if (name === 'latency' && metric.stat !== undefined && !STATISTIC.test(metric.stat))
      fail(
        `latency's stat must be a CloudWatch statistic like p95 or Average, got '${metric.stat}'`,
        'queries',
      );
  }
  const bounds = queries.latencyHistogram?.buckets ?? [];
  if (
    queries.latencyHistogram &&
    (bounds.length === 0 ||
      bounds.some((b, i) => !(Number.isFinite(b) && b > 0) || (i > 0 && b <= bounds[i - 1]!)))
  )
    fail(
      'latency-histogram needs buckets: the bins’ upper bounds, positive and ascending, like [0.05, 0.1, 0.25, 0.5, 1]',
      'queries',
    );
  if (bounds.length > 50) fail('latency-histogram has more than 50 buckets', 'queries');
  const periodS = settings.periodS ?? 60;
  if (!([1, 5, 10, 30].includes(periodS) || (Number.isInteger(periodS) && periodS % 60 === 0 && periodS > 0)))
    fail(`the period must be 1, 5, 10, 30 or a multiple of 60 seconds, got ${periodS}`, 'periodS');
  const unitMs = (settings.latencyUnit ?? 's') === 's' ? 1000 : 1;
  const now = deps.now ?? Date.now;
  const delayMs = settings.delayMs ?? 120_000;
  if (!(delayMs >= 0 && delayMs <= 3_600_000))
    fail(`the delay must be a duration from 0 s to 1 h, got ${delayMs} ms`, 'delayMs');
  const caller = new ApiCaller('cloudwatch', settings, deps);
  const url = new URL(endpoint);
  let lastEnd: number | undefined;
  let closed = false;

  /** One side's queries: an id per statistic, the id saying what it is. */
  const sideQueries = (side: Side, request: CollectRequest) => {
    const values = templateValues(side, request);
    const list: {
      id: string;
      namespace: string;
      metric: string;
      dimensions: [string, string][];
      stat: string;
    }[] = [];
    for (const name of given) {
      const metric = queries[name]!;
      const own = side === 'baseline' ? metric.baselineDimensions : metric.canaryDimensions;
      const dimensions = Object.entries({ ...metric.dimensions, ...own }).map(
        ([key, value]) => [key, fillTemplate(value, values, (v) => v)] as [string, string],
      );
      const base = { namespace: metric.namespace, metric: metric.metric, dimensions };
      const prefix = side === 'baseline' ? 'b' : 'c';
      if (name === 'latencyHistogram')
        binStatistics(bounds).forEach((stat, i) => {
          list.push({ ...base, id: `${prefix}_bin_${i}`, stat });
        });
      else
        list.push({
          ...base,
          id: `${prefix}_${name}`,
          stat: name === 'latency' ? (metric.stat ?? 'p95') : 'Sum',
        });
    }
    return list;
  };

  const fetchAll = async (
    form: (nextToken?: string) => string,
    signal: AbortSignal,
    notes: string[],
  ): Promise<Map<string, number[]>> => {
    const values = new Map<string, number[]>();
    let nextToken: string | undefined;
    for (let page = 0; page < 20; page++) {
      const body = form(nextToken);
      const answer = await caller.call(
        {
          url: endpoint,
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
          body,
          what: 'GetMetricData',
          signal,
        },
        (spec) => {
          const signed = aws4.sign(
            {
              host: url.host,
              path: url.pathname + url.search,
              method: 'POST',
              service: 'monitoring',
              region: settings.region,
              headers: { ...spec.headers },
              body,
            },
            settings.credentials,
          );
          return { ...spec, headers: signed.headers as Record<string, string> };
        },
      );
      let document: XmlAnswer;
      try {
        document = xml.parse(answer.body) as XmlAnswer;
      } catch {
        document = {};
      }
      if (answer.status !== 200) {
        const error = document.ErrorResponse?.Error ?? document.Response?.Errors?.Error;
        const code = error?.Code;
        const message = error?.Message ?? snippet(answer.body);
        if (
          answer.status === 403 ||
          /^(InvalidClientTokenId|SignatureDoesNotMatch|ExpiredToken|UnrecognizedClientException|AccessDenied|MissingAuthenticationToken|IncompleteSignature)/.test(
            code ?? '',
          )
        )
          fail(
            `${redactUrl(endpoint)} refused the AWS credentials (${code ?? `HTTP ${answer.status}`}: ${message}); check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, and that the role may cloudwatch:GetMetricData`,
            'credentials',
          );
        fail(`GetMetricData failed: ${code ?? `HTTP ${answer.status}`}: ${message}`);
      }
      const result = document.GetMetricDataResponse?.GetMetricDataResult;
      if (!result)
        return fail(`GetMetricData gave an answer that is not CloudWatch's XML: ${snippet(answer.body)}`);
      const results =
        typeof result.MetricDataResults === 'object' ? (result.MetricDataResults.member ?? []) : [];
      for (const item of results) {
        const id = String(item.Id ?? '');
        const list = values.get(id) ?? [];
        const raw = typeof item.Values === 'object' ? (item.Values.member ?? []) : [];
        for (const v of raw) {
          const n = Number(v);
          if (Number.isFinite(n)) list.push(n);
        }
        values.set(id, list);
        if (item.StatusCode && item.StatusCode !== 'Complete' && item.StatusCode !== 'PartialData')
          notes.push(`cloudwatch ${id}: status ${item.StatusCode}`);
        const messages = typeof item.Messages === 'object' ? (item.Messages.member ?? []) : [];
        for (const message of messages) notes.push(`cloudwatch ${id}: ${message.Code}: ${message.Value}`);
      }
      nextToken =
        typeof result.NextToken === 'string' && result.NextToken !== '' ? result.NextToken : undefined;
      if (!nextToken) return values;
    }
    return fail('GetMetricData kept paging beyond 20 pages');
  };

  const sideObservation = (side: Side, values: Map<string, number[]>, notes: string[]): SideObservation => {
    const prefix = side === 'baseline' ? 'b' : 'c';
    const sum = (id: string) => (values.get(id) ?? []).reduce((a, b) => a + b, 0);
    const has = (id: string) => (values.get(id)?.length ?? 0) > 0;
    const observation: SideObservation = { latencyMs: [], requests: 0, errors: 0 };
    if (queries.requests) {
      if (!has(`${prefix}_requests`)) notes.push(`${side} requests: no datapoints in the window (no data)`);
      observation.requests = Math.round(sum(`${prefix}_requests`));
    }
    if (queries.errors) {
      if (!has(`${prefix}_errors`) && observation.requests > 0)
        notes.push(`${side} errors: no datapoints: counted as 0 errors`);
      observation.errors = Math.round(sum(`${prefix}_errors`));
    }
    if (queries.latencyHistogram) {
      const bins: LatencyBin[] = binStatistics(bounds).map((_, i) => ({
        upperMs: i < bounds.length ? bounds[i]! * unitMs : Number.POSITIVE_INFINITY,
        count: sum(`${prefix}_bin_${i}`),
      }));
      if (bins.every((bin) => !has(`${prefix}_bin_${bins.indexOf(bin)}`)))
        notes.push(`${side} latency histogram: no datapoints in the window (no data)`);
      observation.latencyMs = binnedLatencies(bins);
    }
    if (queries.latency) {
      const points = values.get(`${prefix}_latency`) ?? [];
      if (points.length === 0) notes.push(`${side} latency: no datapoints in the window (no data)`);
      observation.latencyMs = points.map((v) => v * unitMs);
      observation.latencyAggregate = true;
    }
    capErrorsAtRequests(side, observation, notes);
    return observation;
  };

  return {
    kind: 'cloudwatch',
    async collect(request: CollectRequest): Promise<Observation> {
      if (closed) fail('the source is closed');
      const notes: string[] = [];
      const periodMs = periodS * 1000;
      // Whole periods only, each counted once: from the last look's end (or one window back) to the last
      // period boundary.
      const end = Math.floor((now() - delayMs) / periodMs) * periodMs;
      const windowMs = Math.max(periodMs, Math.ceil(request.windowMs / periodMs) * periodMs);
      const start = lastEnd !== undefined && lastEnd > end - windowMs ? lastEnd : end - windowMs;
      const kind = queries.latencyHistogram
        ? 'latency as trimmed counts per bin (a distribution of requests)'
        : queries.latency
          ? `latency as the ${queries.latency.stat ?? 'p95'} statistic (an aggregate)`
          : 'counts only';
      notes.push(`cloudwatch: ${kind}, ${periodS} s periods`);
      if (start >= end) {
        notes.push(`cloudwatch: no ${periodS} s period completed since the last look (no data)`);
        const empty = (): SideObservation => ({ latencyMs: [], requests: 0, errors: 0 });
        return { baseline: empty(), canary: empty(), notes };
      }
      const list = [...sideQueries('baseline', request), ...sideQueries('canary', request)];
      if (list.length > 500) fail('more than 500 metric queries in one look');
      const values = await fetchAll(
        (nextToken) =>
          queryForm({ queries: list, periodS, start: new Date(start), end: new Date(end), nextToken }),
        request.signal,
        notes,
      );
      lastEnd = end;
      const baseline = sideObservation('baseline', values, notes);
      const canary = sideObservation('canary', values, notes);
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
