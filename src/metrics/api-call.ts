// One call to a hosted metrics API (CloudWatch, Cloud Monitoring, Sentry, New Relic) through the project's
// HTTP client, retried with exponential back-off and full jitter when the service is throttling (429, or a
// throttling code in the body such as CloudWatch's `Throttling`), failing (5xx) or unreachable (refused,
// reset, timeout), honouring retry-after. Anything else comes back to the source to explain.

import { HttpClient } from '../http/client.js';
import { backoffMs, retryAfterMs } from '../http/retry.js';
import { redactUrl } from '../http/safe-url.js';
import { sleep as realSleep, type Sleep } from '../http/timing.js';
import type { ProbeAnswer, RequestSpec } from '../http/types.js';
import { type MetricSource, MetricSourceError } from './types.js';

export interface ApiRetrySettings {
  /** Retries after the first attempt (default 4). */
  retries?: number;
  /** Back-off: full jitter up to initial·2^(n-1), capped at max (defaults 500 ms and 8 s). */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

export interface ApiCallDeps {
  sleep?: Sleep;
  random?: () => number;
  /** Told of each retry (a warning in the log). */
  onRetry?: (message: string) => void;
  /**
   * Hides a secret the source obtains at run time (an access token it was issued) from every log from now on.
   * Engines cannot reach @actions/core: the actions pass core.setSecret (kit/secrets.ts), other callers their
   * own scrubber.
   */
  mask?: MaskSecret;
}

/** Hides a secret from the logs the moment it is known. */
export type MaskSecret = (secret: string) => void;

export interface ApiRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** For messages: "the canary requests query". */
  what: string;
  signal: AbortSignal;
}

/** Body text that marks an answer as throttled whatever its status (AWS answers 400 `Throttling`). */
const THROTTLED_BODY = /\b(Throttling|ThrottlingException|TooManyRequestsException|RESOURCE_EXHAUSTED)\b/;

export function snippet(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 300 ? `${one.slice(0, 297)}...` : one;
}

export function isThrottled(answer: ProbeAnswer): boolean {
  return answer.status === 429 || (answer.status >= 400 && THROTTLED_BODY.test(answer.body));
}

export class ApiCaller {
  private readonly client = new HttpClient({ maxSockets: 4, maxBodyBytes: 16 * 1024 * 1024 });
  private readonly retry: { retries: number; initialDelayMs: number; maxDelayMs: number; factor: number };
  private readonly sleep: Sleep;
  private readonly random: () => number;
  /** Requests sent, retries included. */
  calls = 0;

  constructor(
    private readonly source: MetricSource['kind'],
    settings: { timeoutMs?: number; retry?: ApiRetrySettings },
    private readonly deps: ApiCallDeps = {},
  ) {
    this.retry = {
      retries: settings.retry?.retries ?? 4,
      initialDelayMs: settings.retry?.initialDelayMs ?? 500,
      maxDelayMs: settings.retry?.maxDelayMs ?? 8000,
      factor: 2,
    };
    this.timeoutMs = settings.timeoutMs ?? 15_000;
    this.sleep = deps.sleep ?? realSleep;
    this.random = deps.random ?? Math.random;
  }

  private readonly timeoutMs: number;

  private fail(message: string): never {
    throw new MetricSourceError(`${this.source}: ${message}`, this.source);
  }

  /**
   * Sends the request until an answer that is not throttled nor a 5xx comes back, or the retries run out.
   * `prepare` is called before every attempt (a signature covers the time it was made).
   */
  async call(request: ApiRequest, prepare?: (spec: RequestSpec) => RequestSpec): Promise<ProbeAnswer> {
    const shown = redactUrl(request.url.split('?')[0]!);
    for (let attempt = 1; ; attempt++) {
      if (request.signal.aborted) this.fail(`${request.what} was cancelled`);
      const base: RequestSpec = {
        url: request.url,
        method: request.method,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        timeoutMs: this.timeoutMs,
        followRedirects: false,
        maxRedirects: 0,
        tls: { insecure: false },
      };
      const spec = prepare ? prepare(base) : base;
      this.calls += 1;
      const result = await this.client.request(spec, { signal: request.signal });
      if (result.error?.kind === 'aborted' || request.signal.aborted)
        this.fail(`${request.what} was cancelled`);
      const answer = result.answer;
      const healable = result.error
        ? ['refused', 'reset', 'timeout'].includes(result.error.kind)
        : answer!.status >= 500 || isThrottled(answer!);
      if (!healable) {
        if (result.error)
          this.fail(`${shown} could not be reached for ${request.what}: ${result.error.message}`);
        return answer!;
      }
      const why = result.error
        ? result.error.message
        : isThrottled(answer!)
          ? `throttled (HTTP ${answer!.status})`
          : `HTTP ${answer!.status}`;
      if (attempt > this.retry.retries)
        this.fail(
          `${shown} kept failing for ${request.what} after ${attempt} attempts: ${why}${answer ? `: ${snippet(answer.body)}` : ''}`,
        );
      const hinted = answer ? retryAfterMs(answer.headers, Date.now()) : undefined;
      const delay = Math.min(hinted ?? backoffMs(attempt, this.retry, this.random), 60_000);
      this.deps.onRetry?.(
        `${this.source}: ${request.what}: ${why}; retrying in ${Math.round(delay)} ms (attempt ${attempt + 1} of ${this.retry.retries + 1})`,
      );
      await this.sleep(delay, request.signal);
    }
  }

  /** Parses an answer's JSON; a failure names what was asked. */
  json<T>(answer: ProbeAnswer, what: string): T {
    try {
      return JSON.parse(answer.body) as T;
    } catch {
      return this.fail(`${what}: the answer is not JSON (HTTP ${answer.status}): ${snippet(answer.body)}`);
    }
  }

  destroy(): void {
    this.client.destroy(`${this.source} metric source closed`);
  }
}
