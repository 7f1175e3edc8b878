// The http-json metric source: GET one URL per side (templated with `{{version}}`, `{{weight}}`,
// `{{window}}`, `{{side}}`, `{{step}}`, each value URL-encoded) and read numbers at field paths, dotted
// with [index] as in smoke-test's JSON assertions (`stats.latency.p95`, `$.sides[1].samples`):
//   latency    an array of numbers, one per request (samples), or one number (an aggregate such as a p95,
//              judged by the analysis' aggregate rule), in `latencyUnit` (ms by default)
//   requests   requests in the window
//   errors     failed requests in the window, or
//   errorRate  the error rate (a fraction 0..1, or a percentage with errorRateUnit: percent) × requests
// A field that is null, or an empty array, is no data (a note); a path that is not there is an error.

import { HttpClient } from '../http/client.js';
import { headersProblem } from '../http/headers.js';
import { redactUrl } from '../http/safe-url.js';
import type { RequestSpec, TlsSettings } from '../http/types.js';
import { httpUrlProblem } from '../http/url.js';
import { getJsonPath, parseJsonPath } from '../probe/assertions.js';
import { capErrorsAtRequests } from './observation.js';
import { fillTemplate, templateValues, unknownPlaceholders } from './template.js';
import {
  type CollectRequest,
  type MetricSource,
  MetricSourceError,
  type Observation,
  type Side,
  type SideObservation,
} from './types.js';

export interface HttpJsonFields {
  latency?: string;
  requests?: string;
  errors?: string;
  errorRate?: string;
}

export interface HttpJsonMetricsSettings {
  baselineUrl: string;
  canaryUrl: string;
  fields: HttpJsonFields;
  /** Default `ms`. */
  latencyUnit?: 'ms' | 's';
  /** Default `fraction` (0..1). */
  errorRateUnit?: 'fraction' | 'percent';
  /** Sent with each request (e.g. authorization); never logged. */
  headers?: Record<string, string>;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  tls?: TlsSettings;
}

type FieldName = keyof HttpJsonFields;
const FIELD_NAMES: FieldName[] = ['latency', 'requests', 'errors', 'errorRate'];

function snippet(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 200 ? `${one.slice(0, 197)}...` : one;
}

/** A number from JSON: a number, or a string holding one. Undefined otherwise. */
function numeric(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

export function createHttpJsonMetricSource(settings: HttpJsonMetricsSettings): MetricSource {
  const fail = (message: string, setting?: keyof HttpJsonMetricsSettings): never => {
    throw new MetricSourceError(`http-json metrics: ${message}`, 'http-json', setting);
  };
  const fields = settings.fields;
  const given = FIELD_NAMES.filter((name) => fields[name] !== undefined && fields[name]!.trim() !== '');
  if (given.length === 0) fail('no field path is set: give at least a latency or a requests field', 'fields');
  for (const name of given) {
    try {
      parseJsonPath(fields[name]!);
    } catch (error) {
      fail(`the ${name} field: ${(error as Error).message}`, 'fields');
    }
  }
  if ((fields.errors || fields.errorRate) && !fields.requests)
    fail(
      'an errors or error rate field needs a requests field (errors are judged as a share of requests)',
      'fields',
    );
  if (fields.errors && fields.errorRate)
    fail('give an errors field or an error rate field, not both', 'fields');
  for (const side of ['baseline', 'canary'] as const) {
    const url = side === 'baseline' ? settings.baselineUrl : settings.canaryUrl;
    const unknown = unknownPlaceholders(url);
    if (unknown.length > 0)
      fail(
        `the ${side} URL uses unknown placeholder(s) ${unknown.map((u) => `{{${u}}}`).join(', ')}; known: {{version}}, {{weight}}, {{window}}, {{side}}, {{step}}`,
        `${side}Url`,
      );
    const badUrl = httpUrlProblem(`the ${side} URL`, url, url.replace(/\{\{[^}]*\}\}/g, 'x'));
    if (badUrl) fail(badUrl, `${side}Url`);
  }
  const latencyScale = (settings.latencyUnit ?? 'ms') === 's' ? 1000 : 1;
  const rateScale = (settings.errorRateUnit ?? 'fraction') === 'percent' ? 0.01 : 1;
  const headers: Record<string, string> = { accept: 'application/json' };
  const badHeaders = headersProblem(settings.headers);
  if (badHeaders) fail(badHeaders, 'headers');
  for (const [name, value] of Object.entries(settings.headers ?? {})) headers[name.toLowerCase()] = value;
  const client = new HttpClient({ maxSockets: 2, maxBodyBytes: 8 * 1024 * 1024 });
  let closed = false;

  const fetchSide = async (
    side: Side,
    request: CollectRequest,
    notes: string[],
  ): Promise<SideObservation> => {
    const template = side === 'baseline' ? settings.baselineUrl : settings.canaryUrl;
    const url = fillTemplate(template, templateValues(side, request), encodeURIComponent);
    const shown = redactUrl(url);
    const spec: RequestSpec = {
      url,
      method: 'GET',
      headers,
      timeoutMs: settings.timeoutMs ?? 10_000,
      followRedirects: true,
      maxRedirects: 3,
      tls: settings.tls ?? { insecure: false },
    };
    const result = await client.request(spec, { signal: request.signal });
    if (result.error) {
      if (result.error.kind === 'aborted') fail(`the ${side} request was cancelled`);
      fail(`${shown} (${side}) could not be reached: ${result.error.message}`);
    }
    const answer = result.answer!;
    if (answer.status < 200 || answer.status > 299)
      fail(`${shown} (${side}) answered HTTP ${answer.status}: ${snippet(answer.body) || 'no body'}`);
    let document: unknown;
    try {
      document = JSON.parse(answer.body);
    } catch (error) {
      fail(`${shown} (${side}) did not answer JSON (${(error as Error).message}): ${snippet(answer.body)}`);
    }
    const read = (name: FieldName): { value?: unknown; isNull: boolean } | undefined => {
      const path = fields[name];
      if (!path) return undefined;
      const found = getJsonPath(document, path);
      if (!found.found) fail(`${shown} (${side}): field '${path}' (${name}) is not in the answer`);
      if (found.value === null) {
        notes.push(`${side} ${name} field '${path}' is null (no data)`);
        return { isNull: true };
      }
      return { value: found.value, isNull: false };
    };
    const number = (name: FieldName, value: unknown): number => {
      const n = numeric(value);
      if (n === undefined)
        fail(
          `${shown} (${side}): field '${fields[name]}' (${name}) must be a number, got ${snippet(JSON.stringify(value))}`,
        );
      return n!;
    };

    const observation: SideObservation = { latencyMs: [], requests: 0, errors: 0 };
    const latency = read('latency');
    if (latency && !latency.isNull) {
      const values = Array.isArray(latency.value) ? latency.value : [latency.value];
      observation.latencyMs = values.map((v) => number('latency', v) * latencyScale);
      // One number (a p95, a mean) sums up many requests: an aggregate. A list is one value per request.
      if (!Array.isArray(latency.value)) observation.latencyAggregate = true;
      if (values.length === 0)
        notes.push(`${side} latency field '${fields.latency}' is an empty list (no data)`);
    }
    const requests = read('requests');
    if (requests && !requests.isNull) {
      const n = number('requests', requests.value);
      if (n < 0) fail(`${shown} (${side}): field '${fields.requests}' (requests) is negative: ${n}`);
      observation.requests = Math.round(n);
    }
    const errors = read('errors');
    if (errors && !errors.isNull) {
      const n = number('errors', errors.value);
      if (n < 0) fail(`${shown} (${side}): field '${fields.errors}' (errors) is negative: ${n}`);
      observation.errors = Math.round(n);
    }
    const errorRate = read('errorRate');
    if (errorRate && !errorRate.isNull) {
      const rate = number('errorRate', errorRate.value) * rateScale;
      if (rate < 0 || rate > 1)
        fail(
          `${shown} (${side}): field '${fields.errorRate}' (error rate) must be ${rateScale === 1 ? 'a fraction 0..1' : 'a percentage 0..100'}, got ${errorRate.value}`,
        );
      observation.errors = Math.round(rate * observation.requests);
    }
    capErrorsAtRequests(side, observation, notes);
    return observation;
  };

  return {
    kind: 'http-json',
    async collect(request: CollectRequest): Promise<Observation> {
      if (closed) fail('the source is closed');
      const notes: string[] = [];
      const [baseline, canary] = await Promise.all([
        fetchSide('baseline', request, notes),
        fetchSide('canary', request, notes),
      ]);
      const observation: Observation = { baseline, canary, notes };
      const total = baseline.requests + canary.requests;
      if (fields.requests && total > 0) observation.canaryShare = canary.requests / total;
      return observation;
    },
    async close() {
      closed = true;
      client.destroy('http-json metric source closed');
    },
  };
}
