// The http router: sends the weight as JSON to a URL (a gateway's admin API, a feature-flag service, a
// small hook of the user's) and counts a 2xx as done:
//   POST <url>  {"weight": 20, "step": 2, "baseline": "v1", "canary": "v2"}
// Connection failures, timeouts, 5xx and 429 are retried with exponential back-off (honouring
// retry-after); any other answer fails at once. Header values may carry tokens: they are never logged
// or put in an error, and the URL is shown without credentials.

import { HttpClient } from '../http/client.js';
import { headersProblem, isHeaderName } from '../http/headers.js';
import { backoffMs, retryAfterMs } from '../http/retry.js';
import { redactUrl } from '../http/safe-url.js';
import { sleep as realSleep, type Sleep } from '../http/timing.js';
import type { ProbeResult, RequestSpec, TlsSettings } from '../http/types.js';
import { httpUrlProblem } from '../http/url.js';
import { type Router, RouterError, type RouterLog, type WeightChange } from './types.js';

export interface HttpRouterSettings {
  url: string;
  /** Default POST. */
  method?: string;
  /** Sent with each request (e.g. authorization); content-type defaults to application/json. */
  headers?: Record<string, string>;
  /** Per attempt, from connect to the whole answer (default 10 s). */
  timeoutMs?: number;
  /** Retries after the first attempt on connection errors, timeouts, 5xx and 429 (default 3). */
  retries?: number;
  /** Back-off: full jitter up to initial·2^(n-1), capped at max (defaults 500 ms and 5 s). */
  retryInitialDelayMs?: number;
  retryMaxDelayMs?: number;
  tls?: TlsSettings;
}

export interface HttpRouterDeps {
  log?: RouterLog;
  sleep?: Sleep;
  random?: () => number;
}

/** The JSON body sent for a weight change. */
export function weightBody(change: WeightChange): string {
  return JSON.stringify({
    weight: change.weight,
    step: change.step,
    baseline: change.baselineVersion,
    canary: change.canaryVersion,
  });
}

function retryable(result: ProbeResult): boolean {
  if (result.error) return result.error.kind !== 'aborted' && result.error.kind !== 'tls';
  const status = result.answer!.status;
  return status >= 500 || status === 429;
}

function snippet(body: string): string {
  const text = body.replace(/\s+/g, ' ').trim();
  return text === '' ? '' : `: ${text.length > 200 ? `${text.slice(0, 197)}...` : text}`;
}

export function createHttpRouter(settings: HttpRouterSettings, deps: HttpRouterDeps = {}): Router {
  const fail = (message: string, setting?: keyof HttpRouterSettings): never => {
    throw new RouterError(`http router: ${message}`, 'http', setting);
  };
  const badUrl = httpUrlProblem('the URL', settings.url);
  if (badUrl) fail(badUrl, 'url');
  const method = (settings.method ?? 'POST').toUpperCase();
  if (!isHeaderName(method))
    fail(`the method must be a word like POST or PUT, got '${settings.method}'`, 'method');
  const shown = `${method} ${redactUrl(settings.url)}`;
  const retries = settings.retries ?? 3;
  if (!(Number.isInteger(retries) && retries >= 0))
    fail(`retries must be a whole number of at least 0, got ${settings.retries}`, 'retries');
  const timeoutMs = settings.timeoutMs ?? 10_000;
  if (!(timeoutMs > 0))
    fail(`the timeout must be a positive duration, got ${settings.timeoutMs} ms`, 'timeoutMs');
  const retry = {
    initialDelayMs: settings.retryInitialDelayMs ?? 500,
    maxDelayMs: settings.retryMaxDelayMs ?? 5000,
    factor: 2,
  };
  const sleep = deps.sleep ?? realSleep;
  const random = deps.random ?? Math.random;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  const badHeaders = headersProblem(settings.headers);
  if (badHeaders) fail(badHeaders, 'headers');
  for (const [name, value] of Object.entries(settings.headers ?? {})) headers[name.toLowerCase()] = value;
  let queue: Promise<void> = Promise.resolve();

  const apply = async (change: WeightChange): Promise<void> => {
    if (!(change.weight >= 0 && change.weight <= 100))
      fail(`weight must be within 0..100, got ${change.weight}`);
    const spec: RequestSpec = {
      url: settings.url,
      method,
      headers,
      body: weightBody(change),
      timeoutMs,
      followRedirects: false,
      maxRedirects: 0,
      tls: settings.tls ?? { insecure: false },
    };
    const client = new HttpClient({ maxSockets: 1, maxBodyBytes: 64 * 1024 });
    try {
      for (let attempt = 1; ; attempt++) {
        const result = await client.request(spec, { signal: change.signal });
        if (result.error?.kind === 'aborted' || change.signal?.aborted)
          fail(`cancelled while setting weight ${change.weight}% (${shown})`);
        const status = result.answer?.status;
        if (status !== undefined && status >= 200 && status < 300) {
          deps.log?.info(`http router: ${shown} answered ${status} for weight ${change.weight}%`);
          return;
        }
        const what = result.error
          ? result.error.message
          : `status ${status}${snippet(result.answer?.body ?? '')}`;
        const tries = attempt === 1 ? '' : ` (after ${attempt} attempts)`;
        if (!retryable(result)) fail(`${shown} answered ${what} for weight ${change.weight}%${tries}`);
        if (attempt > retries) fail(`${shown} failed for weight ${change.weight}%: ${what}${tries}`);
        const hinted = result.answer ? retryAfterMs(result.answer.headers, Date.now()) : undefined;
        const delay = Math.min(hinted ?? backoffMs(attempt, retry, random), 60_000);
        deps.log?.warning(
          `http router: ${shown}: ${result.error ? result.error.message : `status ${status}`}; retrying in ${Math.round(delay)} ms`,
        );
        client.close();
        await sleep(delay, change.signal);
      }
    } finally {
      client.destroy();
    }
  };

  return {
    kind: 'http',
    setWeight(change) {
      const next = queue.then(() => apply(change));
      queue = next.catch(() => undefined);
      return next;
    },
  };
}
