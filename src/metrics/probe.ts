// The built-in metric source: at each look, synthetic requests to the baseline's and the canary's URL
// through the probe engine's HTTP client (kept-alive connections), interleaved baseline, canary, canary,
// baseline, ... so both sides see the same conditions at the same moments. Every request gives one latency
// (answered requests, whatever their status); an error is a connection failure, a timeout or a status
// outside the expected ranges. Needs no monitoring at all.
import { setMaxListeners } from 'node:events';
import { HttpClient } from '../http/client.js';
import { describeResult } from '../http/errors.js';
import { headersProblem } from '../http/headers.js';
import type { StatusRange } from '../http/status-ranges.js';
import type { ProbeResult, RequestSpec, TlsSettings } from '../http/types.js';
import { httpUrlProblem } from '../http/url.js';
import { formatStatusRanges, statusAccepted } from '../probe/assertions.js';
import {
  type CollectRequest,
  type MetricSource,
  MetricSourceError,
  type Observation,
  type Side,
  type SideObservation,
} from './types.js';

export interface ProbeMetricsSettings {
  baselineUrl: string;
  canaryUrl: string;
  /** Default GET. */
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Requests per side at each look (default 50). */
  requestsPerLook?: number;
  /** Requests in flight at once, both sides together (default 4); connections per side are kept alive. */
  concurrency?: number;
  /** Per request (default 5 s); a timeout counts as an error. */
  timeoutMs?: number;
  /** Statuses that count as success (default 2xx). */
  expectStatus?: StatusRange[];
  followRedirects?: boolean;
  tls?: TlsSettings;
}

/** Distinct failure reasons reported per side and look. */
const REPORTED_FAILURES = 3;

class SideTally {
  readonly latencyMs: number[] = [];
  requests = 0;
  errors = 0;
  readonly failures = new Map<string, number>();

  add(result: ProbeResult, expect: StatusRange[]): void {
    this.requests += 1;
    if (result.answer) {
      this.latencyMs.push(result.latencyUs / 1000);
      if (statusAccepted(result.answer.status, expect)) return;
    }
    this.errors += 1;
    const reason = result.answer
      ? `status ${result.answer.status} not in ${formatStatusRanges(expect)}`
      : describeResult(result);
    this.failures.set(reason, (this.failures.get(reason) ?? 0) + 1);
  }

  observation(): SideObservation {
    return { latencyMs: this.latencyMs, requests: this.requests, errors: this.errors };
  }

  note(side: Side): string | undefined {
    if (this.errors === 0) return undefined;
    const top = [...this.failures]
      .sort((a, b) => b[1] - a[1])
      .slice(0, REPORTED_FAILURES)
      .map(([reason, n]) => `${reason} ×${n}`);
    return `${side}: ${this.errors} of ${this.requests} probe requests failed (${top.join('; ')})`;
  }
}

/** The order of one look's requests: B C C B B C C B ... so neither side is always first. */
export function probeSchedule(perSide: number): Side[] {
  const order: Side[] = [];
  for (let i = 0; i < perSide; i++) {
    if (i % 2 === 0) order.push('baseline', 'canary');
    else order.push('canary', 'baseline');
  }
  return order;
}

export function createProbeMetricSource(settings: ProbeMetricsSettings): MetricSource {
  const fail = (message: string, setting?: keyof ProbeMetricsSettings): never => {
    throw new MetricSourceError(`probe metrics: ${message}`, 'probe', setting);
  };
  for (const side of ['baseline', 'canary'] as const) {
    const url = side === 'baseline' ? settings.baselineUrl : settings.canaryUrl;
    const badUrl = httpUrlProblem(`the ${side} URL`, url);
    if (badUrl) fail(badUrl, `${side}Url`);
  }
  const perSide = Math.floor(settings.requestsPerLook ?? 50);
  const concurrency = Math.floor(settings.concurrency ?? 4);
  if (!(perSide >= 1))
    fail(`requests per look must be at least 1, got ${settings.requestsPerLook}`, 'requestsPerLook');
  if (!(concurrency >= 1)) fail(`concurrency must be at least 1, got ${settings.concurrency}`, 'concurrency');
  const timeoutMs = settings.timeoutMs ?? 5000;
  if (!(timeoutMs > 0))
    fail(`the timeout must be a positive duration, got ${settings.timeoutMs} ms`, 'timeoutMs');
  const badHeaders = headersProblem(settings.headers);
  if (badHeaders) fail(badHeaders, 'headers');
  const expect = settings.expectStatus ?? [{ min: 200, max: 299 }];
  const spec = (url: string): RequestSpec => ({
    url,
    method: settings.method ?? 'GET',
    headers: settings.headers ?? {},
    body: settings.body,
    timeoutMs,
    followRedirects: settings.followRedirects ?? false,
    maxRedirects: 5,
    tls: settings.tls ?? { insecure: false },
  });
  const specs: Record<Side, RequestSpec> = {
    baseline: spec(settings.baselineUrl),
    canary: spec(settings.canaryUrl),
  };
  // Each origin gets up to `concurrency` connections; both sides share the in-flight limit below.
  const client = new HttpClient({ maxSockets: concurrency, maxBodyBytes: 0 });
  let closed = false;

  return {
    kind: 'probe',
    async collect(request: CollectRequest): Promise<Observation> {
      if (closed) fail('the source is closed');
      const stop = new AbortController();
      setMaxListeners(0, stop.signal);
      const onAbort = () => stop.abort();
      request.signal.addEventListener('abort', onAbort, { once: true });
      if (request.signal.aborted) stop.abort();
      const tallies: Record<Side, SideTally> = { baseline: new SideTally(), canary: new SideTally() };
      const order = probeSchedule(perSide);
      let next = 0;
      const worker = async () => {
        while (next < order.length && !stop.signal.aborted) {
          const side = order[next++]!;
          const result = await client.request(specs[side], { keepBody: false, signal: stop.signal });
          if (result.error?.kind === 'aborted') return;
          tallies[side].add(result, expect);
        }
      };
      try {
        await Promise.all(Array.from({ length: Math.min(concurrency, order.length) }, worker));
      } finally {
        request.signal.removeEventListener('abort', onAbort);
      }
      const notes: string[] = [];
      if (stop.signal.aborted)
        notes.push(`probe look cut short: ${next} of ${order.length} requests were started before the stop`);
      for (const side of ['baseline', 'canary'] as const) {
        const note = tallies[side].note(side);
        if (note) notes.push(note);
      }
      return { baseline: tallies.baseline.observation(), canary: tallies.canary.observation(), notes };
    },
    async close() {
      closed = true;
      client.destroy('probe metric source closed');
    },
  };
}
