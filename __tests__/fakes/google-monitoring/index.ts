// A fake of Cloud Monitoring's timeSeries.list (Monitoring API v3) on loopback, held to Google's published
// description of the API: the protos with their HTTP bindings that @google-cloud/monitoring ships
// (build/protos/protos.json; the discovery document is generated from them). Each request must match the
// ListTimeSeries binding (GET /v3/{name=projects/*}/timeSeries), its query parameters must be fields of
// ListTimeSeriesRequest by their JSON names (interval.startTime, aggregation.perSeriesAligner…) with values of
// the field's type (Timestamp, Duration, enum names), REQUIRED fields present; every answer is checked against
// ListTimeSeriesResponse in the proto3 JSON mapping before it is sent. Bearer tokens: FAKE_GOOGLE_TOKEN, or a
// self-signed service-account JWT (RS256) verified with the public key the test registers.
import { createPublicKey, createVerify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { packageFile } from '../github/paths.js';
import { type FakeService, type Handled, percentile, startFakeService } from '../metrics-service.js';

export const FAKE_GOOGLE_TOKEN = 'ya29.fake-access-token';
export const FAKE_PROJECT = 'shop-prod-4711';

type Json = Record<string, unknown>;
interface ProtoField {
  type: string;
  rule?: string;
  keyType?: string;
  options?: Record<string, unknown>;
}
interface ProtoNode {
  fields?: Record<string, ProtoField>;
  values?: Record<string, number>;
  oneofs?: Record<string, { oneof: string[] }>;
  nested?: Record<string, ProtoNode>;
  methods?: Record<string, { options?: Record<string, string> }>;
}

let index: Map<string, ProtoNode> | undefined;
function types(): Map<string, ProtoNode> {
  if (index) return index;
  const root = JSON.parse(
    readFileSync(packageFile('@google-cloud/monitoring', 'build/protos/protos.json'), 'utf8'),
  ) as ProtoNode;
  index = new Map();
  const walk = (node: ProtoNode, name: string) => {
    if (name) index!.set(name, node);
    for (const [child, inner] of Object.entries(node.nested ?? {}))
      walk(inner, name ? `${name}.${child}` : child);
  };
  walk(root, '');
  return index;
}

/** A type name as protobuf resolves it: from the scope outwards. */
function lookup(name: string, scope: string): [string, ProtoNode] {
  const parts = scope.split('.');
  for (let i = parts.length; i >= 0; i--) {
    const full = [...parts.slice(0, i), name].join('.');
    const node = types().get(full);
    if (node) return [full, node];
  }
  throw new Error(`proto type ${name} not found from ${scope}`);
}

const SCALAR = new Set([
  'string',
  'bytes',
  'bool',
  'double',
  'float',
  'int32',
  'uint32',
  'sint32',
  'fixed32',
  'int64',
  'uint64',
  'sint64',
  'fixed64',
]);
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/;
const DURATION = /^-?\d+(\.\d{1,9})?s$/;

/** Where a JSON value breaks a field of the given type (proto3 JSON mapping); pushes mismatches. */
function checkValue(type: string, scope: string, value: unknown, at: string, out: string[]): void {
  const bad = (what: string) => out.push(`${at}: ${JSON.stringify(value)} is not ${what}`);
  if (SCALAR.has(type)) {
    if (type === 'string' || type === 'bytes') return void (typeof value !== 'string' && bad('a string'));
    if (type === 'bool') return void (typeof value !== 'boolean' && bad('a boolean'));
    if (type === 'double' || type === 'float')
      return void (
        typeof value !== 'number' &&
        !(typeof value === 'string' && Number.isFinite(Number(value))) &&
        bad('a number')
      );
    const integer =
      typeof value === 'number'
        ? Number.isInteger(value)
        : typeof value === 'string' && /^-?\d+$/.test(value);
    return void (!integer && bad(`an ${type}`));
  }
  const [full, node] = lookup(type, scope);
  if (full === 'google.protobuf.Timestamp')
    return void ((typeof value !== 'string' || !TIMESTAMP.test(value)) && bad('an RFC 3339 timestamp'));
  if (full === 'google.protobuf.Duration')
    return void ((typeof value !== 'string' || !DURATION.test(value)) && bad('a duration like 60s'));
  if (full === 'google.protobuf.Any' || full === 'google.protobuf.Struct' || full === 'google.protobuf.Value')
    return;
  if (node.values)
    return void ((typeof value !== 'string' || !(value in node.values)) && bad(`one of ${type}'s values`));
  checkMessage(full, value, at, out);
}

export function checkMessage(typeName: string, value: unknown, at: string, out: string[]): void {
  const node = types().get(typeName);
  if (!node?.fields) throw new Error(`no message ${typeName}`);
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return void out.push(`${at}: not an object (${typeName})`);
  for (const [key, inner] of Object.entries(value as Json)) {
    const field = node.fields[key];
    if (!field) {
      out.push(`${at}.${key}: not a field of ${typeName}`);
      continue;
    }
    if (field.rule === 'repeated') {
      if (!Array.isArray(inner)) out.push(`${at}.${key}: not a list`);
      else
        inner.forEach((item, i) => {
          checkValue(field.type, typeName, item, `${at}.${key}[${i}]`, out);
        });
    } else if (field.keyType) {
      for (const [k, v] of Object.entries(inner as Json))
        checkValue(field.type, typeName, v, `${at}.${key}.${k}`, out);
    } else checkValue(field.type, typeName, inner, `${at}.${key}`, out);
  }
  for (const [name, { oneof }] of Object.entries(node.oneofs ?? {})) {
    const set = oneof.filter((f) => (value as Json)[f] !== undefined);
    if (set.length > 1) out.push(`${at}: oneof ${name} has ${set.join(' and ')}`);
  }
}

const V3 = 'google.monitoring.v3';

/** A GET's query parameters read back into ListTimeSeriesRequest (JSON names, dotted), with mismatches. */
export function readListRequest(
  path: string,
  query: URLSearchParams,
): { request: Json; mismatches: string[] } {
  const mismatches: string[] = [];
  const method = types().get(`${V3}.MetricService`)!.methods!.ListTimeSeries!;
  const binding = String(method.options?.['(google.api.http).get']);
  // /v3/{name=projects/*}/timeSeries
  const pattern = new RegExp(`^${binding.replace('{name=projects/*}', '(projects/[^/]+)')}$`);
  const match = pattern.exec(decodeURIComponent(path));
  if (!match) mismatches.push(`${path} does not match ListTimeSeries' binding ${binding}`);
  const request: Json = { name: match?.[1] };
  const typeName = `${V3}.ListTimeSeriesRequest`;
  for (const [key, text] of query) {
    let node = types().get(typeName)!;
    let scope = typeName;
    let target = request;
    const parts = key.split('.');
    for (let i = 0; i < parts.length; i++) {
      const field = node.fields?.[parts[i]!];
      if (!field) {
        mismatches.push(`${key}: not a field of ListTimeSeriesRequest`);
        break;
      }
      if (i === parts.length - 1) {
        const [full, leaf] = SCALAR.has(field.type) ? [field.type, undefined] : lookup(field.type, scope);
        const value = ['int32', 'double'].includes(full) ? Number(text) : text;
        if (leaf?.fields && !full.startsWith('google.protobuf.'))
          mismatches.push(`${key}: a message cannot be one parameter`);
        checkValue(field.type, scope, value, key, mismatches);
        target[parts[i]!] =
          field.rule === 'repeated' ? [...((target[parts[i]!] as unknown[]) ?? []), value] : value;
      } else {
        const [full, inner] = lookup(field.type, scope);
        target[parts[i]!] ??= {};
        target = target[parts[i]!] as Json;
        node = inner;
        scope = full;
      }
    }
  }
  for (const [name, field] of Object.entries(types().get(typeName)!.fields!))
    if (field.options?.['(google.api.field_behavior)'] === 'REQUIRED' && request[name] === undefined)
      mismatches.push(`${name}: REQUIRED by ListTimeSeriesRequest, missing`);
  return { request, mismatches };
}

/** Verifies a self-signed service-account JWT (RS256) with the registered key. */
function jwtProblem(token: string, keys: Map<string, KeyObject>): string | undefined {
  const [head, payload, signature] = token.split('.');
  if (!head || !payload || !signature) return 'not a JWT';
  const header = JSON.parse(Buffer.from(head, 'base64url').toString()) as { alg?: string };
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { iss?: string; exp?: number };
  const key = keys.get(claims.iss ?? '');
  if (header.alg !== 'RS256' || !key) return `no key for ${claims.iss}`;
  const ok = createVerify('RSA-SHA256')
    .update(`${head}.${payload}`)
    .verify(key, Buffer.from(signature, 'base64url'));
  if (!ok) return 'bad signature';
  if (!(claims.exp && claims.exp * 1000 > Date.now())) return 'expired';
  return undefined;
}

export interface FakeGoogleMonitoring extends FakeService {
  /** Accept JWTs signed by this service account's key. */
  trustServiceAccount(email: string, publicKeyPem: string): void;
}

function googleError(status: number, code: string, message: string): Handled {
  return { status, body: JSON.stringify({ error: { code: status, message, status: code } }) };
}

export async function startFakeGoogleMonitoring(): Promise<FakeGoogleMonitoring> {
  const keys = new Map<string, KeyObject>();
  const fake = (await startFakeService(
    (call, service) => {
      const auth = String(call.headers.authorization ?? '');
      const token = auth.replace(/^Bearer /, '');
      if (
        !auth.startsWith('Bearer ') ||
        (token !== FAKE_GOOGLE_TOKEN && jwtProblem(token, keys) !== undefined)
      )
        return googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
      const url = new URL(call.url, 'http://x');
      const { request, mismatches } = readListRequest(url.pathname, url.searchParams);
      service.mismatches.push(...mismatches);
      if (request.name !== `projects/${FAKE_PROJECT}`)
        return googleError(
          403,
          'PERMISSION_DENIED',
          `Permission monitoring.timeSeries.list denied (or the resource may not exist).`,
        );
      const filter = String(request.filter ?? '');
      const sideName = /canary/.test(filter)
        ? 'canary'
        : /baseline/.test(filter)
          ? 'baseline'
          : service.unnamedSide;
      const traffic = sideName ? service.traffic[sideName] : undefined;
      const aggregation = (request.aggregation ?? {}) as Json;
      const interval = request.interval as Json;
      const pointOf = (value: Json) => ({
        interval: { startTime: interval.startTime, endTime: interval.endTime },
        value,
      });
      let points: Json[] = [];
      if (traffic) {
        if (/request_count/.test(filter)) {
          const count = /response_code_class\s*=\s*"?500"?/.test(filter) ? traffic.errors : traffic.requests;
          points = [pointOf({ int64Value: String(count) })];
        } else if (/backend_latencies/.test(filter)) {
          if (aggregation.perSeriesAligner === 'ALIGN_DELTA') {
            const bounds = [25, 50, 100, 200, 300, 500, 750, 1000];
            const counts = [...bounds, Number.POSITIVE_INFINITY].map((upper, i) =>
              String(
                traffic.latenciesMs.filter((ms) => ms <= upper && (i === 0 || ms > bounds[i - 1]!)).length,
              ),
            );
            points = [
              pointOf({
                distributionValue: {
                  count: String(traffic.latenciesMs.length),
                  mean:
                    traffic.latenciesMs.reduce((a, b) => a + b, 0) / Math.max(1, traffic.latenciesMs.length),
                  bucketOptions: { explicitBuckets: { bounds } },
                  bucketCounts: counts,
                },
              }),
            ];
          } else {
            const q = Number(/ALIGN_PERCENTILE_(\d+)/.exec(String(aggregation.perSeriesAligner))?.[1] ?? 50);
            const value = percentile(traffic.latenciesMs, q);
            if (value !== undefined) points = [pointOf({ doubleValue: value })];
          }
        }
      }
      const answer = {
        timeSeries: points.length
          ? [
              {
                metric: { type: /metric\.type\s*=\s*"([^"]+)"/.exec(filter)?.[1] ?? '', labels: {} },
                resource: { type: 'https_lb_rule', labels: { project_id: FAKE_PROJECT } },
                metricKind: 'DELTA',
                valueType:
                  /backend_latencies/.test(filter) && aggregation.perSeriesAligner === 'ALIGN_DELTA'
                    ? 'DISTRIBUTION'
                    : /request_count/.test(filter)
                      ? 'INT64'
                      : 'DOUBLE',
                points,
              },
            ]
          : [],
        unit: '1',
      };
      checkMessage(`${V3}.ListTimeSeriesResponse`, answer, 'response', service.mismatches);
      return { status: 200, body: JSON.stringify(answer) };
    },
    () => googleError(429, 'RESOURCE_EXHAUSTED', "Quota exceeded for quota metric 'Time series queries'."),
  )) as FakeGoogleMonitoring;
  fake.trustServiceAccount = (email, pem) => {
    keys.set(email, createPublicKey(pem));
  };
  return fake;
}
