// A fake of Amazon CloudWatch's GetMetricData on loopback, held to AWS's service model for CloudWatch
// (monitoring-2010-08-01, as the `aws-sdk` package ships it): every request's awsQuery form is read back
// through the model's input shape, and a parameter the model does not have, a required one missing or a
// value of the wrong type (integer, double, boolean, timestamp) is a mismatch. The Signature Version 4 is
// checked by recomputing it here with node:crypto (independently of the signing library the source uses),
// and an unknown access key or a wrong signature is answered 403 the way AWS answers. Values come from the
// reported traffic: Sum of RequestCount / HTTPCode_Target_5XX_Count, and TargetResponseTime (seconds) as
// trimmed counts TC(a:b) (requests with a < latency ≤ b), percentiles pNN, Average or SampleCount.
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { packageFile } from '../github/paths.js';
import {
  type FakeService,
  type Handled,
  percentile,
  type RecordedCall,
  type SideTraffic,
  startFakeService,
} from '../metrics-service.js';

export const FAKE_AWS = {
  accessKeyId: 'AKIAFAKEFAKEFAKE0001',
  secretAccessKey: 'fake/secret/key/0123456789abcdefghijklmn',
  region: 'eu-west-1',
};

interface Shape {
  shape?: string;
  type?: string;
  members?: Record<string, Shape>;
  member?: Shape;
  required?: string[];
  flattened?: boolean;
}

interface Model {
  metadata: { apiVersion: string };
  operations: Record<string, { input: Shape }>;
  shapes: Record<string, Shape>;
}

let model: Model | undefined;
function loadModel(): Model {
  model ??= JSON.parse(
    readFileSync(packageFile('aws-sdk', 'apis/monitoring-2010-08-01.min.json'), 'utf8'),
  ) as Model;
  return model;
}

function resolve(shape: Shape): Shape {
  return shape.shape ? { ...loadModel().shapes[shape.shape], ...shape, shape: undefined } : shape;
}

/** Reads `form` back through `shape` at `prefix`, marking the keys it uses; mismatches are pushed. */
function readShape(
  shape: Shape,
  prefix: string,
  form: Map<string, string>,
  used: Set<string>,
  mismatches: string[],
): unknown {
  const resolved = resolve(shape);
  const type = resolved.type ?? (resolved.members ? 'structure' : 'string');
  if (type === 'structure') {
    const out: Record<string, unknown> = {};
    for (const [name, member] of Object.entries(resolved.members ?? {})) {
      const key = prefix ? `${prefix}.${name}` : name;
      const present = [...form.keys()].some((k) => k === key || k.startsWith(`${key}.`));
      if (!present) continue;
      out[name] = readShape(member, key, form, used, mismatches);
    }
    for (const name of resolved.required ?? [])
      if (out[name] === undefined)
        mismatches.push(`${prefix || 'input'}: required member ${name} is missing`);
    return out;
  }
  if (type === 'list') {
    const items: unknown[] = [];
    const base = resolved.flattened ? prefix : `${prefix}.member`;
    for (let i = 1; [...form.keys()].some((k) => k === `${base}.${i}` || k.startsWith(`${base}.${i}.`)); i++)
      items.push(readShape(resolved.member ?? {}, `${base}.${i}`, form, used, mismatches));
    return items;
  }
  const value = form.get(prefix);
  if (value === undefined) {
    mismatches.push(`${prefix}: a ${type} is expected, not a nested parameter`);
    return undefined;
  }
  used.add(prefix);
  const bad = (what: string) => mismatches.push(`${prefix}: '${value}' is not ${what}`);
  if ((type === 'integer' || type === 'long') && !/^-?\d+$/.test(value)) bad('an integer');
  if ((type === 'double' || type === 'float') && !Number.isFinite(Number(value))) bad('a number');
  if (type === 'boolean' && value !== 'true' && value !== 'false') bad('a boolean');
  if (type === 'timestamp' && (!/^\d{4}-\d\d-\d\dT/.test(value) || Number.isNaN(Date.parse(value))))
    bad('an ISO 8601 timestamp');
  return type === 'integer' || type === 'double' ? Number(value) : value;
}

/** The operation's input read back from an awsQuery form, and where the form breaks the model. */
export function readQueryForm(body: string): {
  action: string;
  input: Record<string, unknown>;
  mismatches: string[];
} {
  const form = new Map(new URLSearchParams(body));
  const mismatches: string[] = [];
  const action = form.get('Action') ?? '';
  if (form.get('Version') !== loadModel().metadata.apiVersion)
    mismatches.push(`Version must be ${loadModel().metadata.apiVersion}, got '${form.get('Version')}'`);
  const operation = loadModel().operations[action];
  if (!operation)
    return { action, input: {}, mismatches: [...mismatches, `no operation '${action}' in the model`] };
  const used = new Set(['Action', 'Version']);
  const input = readShape(operation.input, '', form, used, mismatches) as Record<string, unknown>;
  for (const key of form.keys())
    if (!used.has(key)) mismatches.push(`${key}: not a parameter of ${action} in the model`);
  return { action, input, mismatches };
}

const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/** Why the request's Signature Version 4 does not hold for these credentials; undefined when it does. */
export function signatureProblem(
  call: RecordedCall,
  secret: string,
): { code: string; message: string } | undefined {
  const auth = String(call.headers.authorization ?? '');
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      auth,
    );
  if (!match)
    return { code: 'MissingAuthenticationToken', message: 'Request is missing Authentication Token' };
  const [, keyId, date, region, service, signedHeaders, signature] = match;
  if (keyId !== FAKE_AWS.accessKeyId)
    return {
      code: 'InvalidClientTokenId',
      message: 'The security token included in the request is invalid.',
    };
  const amzDate = String(call.headers['x-amz-date'] ?? '');
  const url = new URL(call.url, 'http://x');
  const canonical = [
    call.method,
    url.pathname,
    [...url.searchParams]
      .sort()
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
      .join('&'),
    ...signedHeaders!.split(';').map(
      (name) =>
        `${name}:${String(call.headers[name] ?? '')
          .trim()
          .replace(/\s+/g, ' ')}`,
    ),
    '',
    signedHeaders,
    sha256(call.body),
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date!), region!), service!), 'aws4_request');
  const expected = createHmac('sha256', key).update(toSign).digest('hex');
  if (expected !== signature || service !== 'monitoring' || !amzDate.startsWith(date!))
    return {
      code: 'SignatureDoesNotMatch',
      message: 'The request signature we calculated does not match the signature you provided.',
    };
  if (!signedHeaders!.split(';').includes('host'))
    return { code: 'SignatureDoesNotMatch', message: 'host must be signed' };
  // Temporary credentials (an assumed role's) carry their session token, which must be signed too.
  if (
    call.headers['x-amz-security-token'] !== undefined &&
    !signedHeaders!.split(';').includes('x-amz-security-token')
  )
    return { code: 'IncompleteSignature', message: 'x-amz-security-token must be signed' };
  return undefined;
}

function xmlError(status: number, code: string, message: string): Handled {
  return {
    status,
    headers: { 'content-type': 'text/xml' },
    body: `<ErrorResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fake-request</RequestId></ErrorResponse>`,
  };
}

/** What one statistic of one metric is for a side's traffic (undefined: no datapoint). */
function statistic(metric: string, stat: string, traffic: SideTraffic): number | undefined {
  if (metric === 'RequestCount') return traffic.requests;
  if (metric === 'HTTPCode_Target_5XX_Count') return traffic.errors;
  if (metric !== 'TargetResponseTime') return undefined;
  const seconds = traffic.latenciesMs.map((ms) => ms / 1000);
  if (seconds.length === 0) return undefined;
  const trimmed = /^TC\(([\d.]*):([\d.]*)\)$/.exec(stat);
  if (trimmed) {
    const low = trimmed[1] === '' ? Number.NEGATIVE_INFINITY : Number(trimmed[1]);
    const high = trimmed[2] === '' ? Number.POSITIVE_INFINITY : Number(trimmed[2]);
    return seconds.filter((s) => s > low && s <= high).length;
  }
  const p = /^p([\d.]+)$/.exec(stat);
  if (p) return percentile(seconds, Number(p[1]));
  if (stat === 'Average') return seconds.reduce((a, b) => a + b, 0) / seconds.length;
  if (stat === 'SampleCount') return seconds.length;
  return undefined;
}

interface MetricDataQuery {
  Id: string;
  MetricStat?: {
    Metric: { Namespace: string; MetricName: string; Dimensions?: { Name: string; Value: string }[] };
    Period: number;
    Stat: string;
  };
}

export async function startFakeCloudWatch(): Promise<FakeService> {
  return startFakeService(
    (call, fake) => {
      const problem = signatureProblem(call, FAKE_AWS.secretAccessKey);
      if (problem) return xmlError(403, problem.code, problem.message);
      const { action, input, mismatches } = readQueryForm(call.body);
      fake.mismatches.push(...mismatches.map((m) => `${action}: ${m}`));
      if (action !== 'GetMetricData') return xmlError(400, 'InvalidAction', `${action} is not faked`);
      const queries = input.MetricDataQueries as MetricDataQuery[];
      const members = queries.map((query) => {
        const stat = query.MetricStat!;
        const dimensions = stat.Metric.Dimensions ?? [];
        const sideName = dimensions.some((d) => d.Value.includes('canary'))
          ? 'canary'
          : dimensions.some((d) => d.Value.includes('baseline'))
            ? 'baseline'
            : fake.unnamedSide;
        const traffic = sideName ? fake.traffic[sideName] : undefined;
        const value = traffic ? statistic(stat.Metric.MetricName, stat.Stat, traffic) : undefined;
        const points =
          value === undefined
            ? ''
            : `<Timestamps><member>${String(input.StartTime)}</member></Timestamps><Values><member>${value}</member></Values>`;
        return `<member><Id>${query.Id}</Id><Label>${stat.Metric.MetricName}</Label>${points || '<Timestamps/><Values/>'}<StatusCode>Complete</StatusCode></member>`;
      });
      return {
        status: 200,
        headers: { 'content-type': 'text/xml' },
        body: `<GetMetricDataResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><GetMetricDataResult><MetricDataResults>${members.join('')}</MetricDataResults><Messages/></GetMetricDataResult><ResponseMetadata><RequestId>fake-request</RequestId></ResponseMetadata></GetMetricDataResponse>`,
      };
    },
    () => xmlError(400, 'Throttling', 'Rate exceeded'),
  );
}
