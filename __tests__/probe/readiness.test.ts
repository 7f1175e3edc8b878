import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/http/client.js';
import type { RetrySettings } from '../../src/http/retry.js';
import { sleep } from '../../src/http/timing.js';
import type { ProbeResult, RequestSpec } from '../../src/http/types.js';
import { type ReadinessDeps, waitUntilReady } from '../../src/probe/readiness.js';
import { startTestApp, type TestApp } from '../fakes/test-app.js';

const RETRY: RetrySettings = { initialDelayMs: 100, maxDelayMs: 1000, factor: 2 };

const refused: ProbeResult = {
  latencyUs: 10,
  error: { kind: 'refused', code: 'ECONNREFUSED', message: 'refused' },
};
const answered = (status: number, headers: Record<string, string> = {}): ProbeResult => ({
  latencyUs: 10,
  answer: { status, headers, body: '', bodyTruncated: false, url: 'http://x', redirects: 0 },
});

/** A fake clock that sleeping moves forward, and a record of every sleep. */
function fakeTime(random = () => 0.5): ReadinessDeps & { slept: number[] } {
  let now = 1_000_000;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    random,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

/** An attempt function answering from a script (the last entry repeats). */
function scripted(...results: ProbeResult[]): () => Promise<ProbeResult> {
  let i = 0;
  return async () => results[Math.min(i++, results.length - 1)]!;
}

describe('waitUntilReady (fake time)', () => {
  it('retries healable failures until the first final answer', async () => {
    const time = fakeTime();
    const retried: number[] = [];
    const outcome = await waitUntilReady(
      scripted(refused, answered(503), refused, answered(200)),
      { waitTimeoutMs: 60_000, retry: RETRY, onRetry: (attempt) => retried.push(attempt) },
      time,
    );
    expect(outcome).toMatchObject({ ready: true, attempts: 4, lastError: 'refused' });
    expect(outcome.result?.answer?.status).toBe(200);
    // random() = 0.5 of 100, 200, 400 ms.
    expect(time.slept).toEqual([50, 100, 200]);
    expect(outcome.waitedMs).toBe(350);
    expect(retried).toEqual([1, 2, 3]);
  });

  it('takes a 404 as final at once', async () => {
    const time = fakeTime();
    const outcome = await waitUntilReady(
      scripted(answered(404)),
      { waitTimeoutMs: 60_000, retry: RETRY },
      time,
    );
    expect(outcome).toMatchObject({ ready: true, attempts: 1 });
    expect(time.slept).toEqual([]);
  });

  it('stops at a final error without waiting', async () => {
    const time = fakeTime();
    const tls: ProbeResult = {
      latencyUs: 1,
      error: { kind: 'tls', code: 'CERT_HAS_EXPIRED', message: 'tls expired' },
    };
    const outcome = await waitUntilReady(
      scripted(refused, tls),
      { waitTimeoutMs: 60_000, retry: RETRY },
      time,
    );
    expect(outcome).toMatchObject({
      ready: false,
      stoppedBy: 'error',
      attempts: 2,
      lastError: 'tls expired',
    });
  });

  it('gives up when the wait runs out, the last sleep cut to what remains', async () => {
    const time = fakeTime(() => 0.999);
    const outcome = await waitUntilReady(scripted(refused), { waitTimeoutMs: 2500, retry: RETRY }, time);
    expect(outcome).toMatchObject({ ready: false, stoppedBy: 'timeout', lastError: 'refused' });
    expect(outcome.waitedMs).toBe(2500);
    expect(time.slept.reduce((a, b) => a + b, 0)).toBeCloseTo(2500);
    expect(Math.max(...time.slept)).toBeLessThanOrEqual(1000);
    expect(outcome.attempts).toBe(time.slept.length + 1);
  });

  it('honours retry-after, capped by the remaining wait', async () => {
    const time = fakeTime();
    const outcome = await waitUntilReady(
      scripted(answered(429, { 'retry-after': '2' }), answered(503, { 'retry-after': '60' }), answered(200)),
      { waitTimeoutMs: 10_000, retry: RETRY },
      time,
    );
    expect(outcome.ready).toBe(true);
    expect(time.slept).toEqual([2000, 8000]);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    const time = fakeTime();
    const attempt = async () => {
      if (time.slept.length === 2) controller.abort();
      return refused;
    };
    const outcome = await waitUntilReady(
      attempt,
      { waitTimeoutMs: 60_000, retry: RETRY, signal: controller.signal },
      time,
    );
    expect(outcome).toMatchObject({ ready: false, stoppedBy: 'aborted', attempts: 3 });
  });
});

describe('waitUntilReady (real servers)', () => {
  const apps: TestApp[] = [];
  let client: HttpClient;
  const real = (): ReadinessDeps => ({ now: Date.now, random: Math.random, sleep });
  const fastRetry: RetrySettings = { initialDelayMs: 20, maxDelayMs: 100, factor: 2 };
  const spec = (url: string): RequestSpec => ({
    url,
    method: 'GET',
    headers: {},
    timeoutMs: 2000,
    followRedirects: false,
    maxRedirects: 0,
    tls: { insecure: false },
  });

  afterEach(async () => {
    client?.destroy();
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  async function start(...args: Parameters<typeof startTestApp>): Promise<TestApp> {
    const app = await startTestApp(...args);
    apps.push(app);
    return app;
  }

  it('waits for a server that starts late', async () => {
    const app = await start({ startDelayMs: 300 });
    client = new HttpClient({ maxSockets: 2 });
    const check = spec(`${app.url}/health`);
    const outcome = await waitUntilReady(
      () => client.request(check),
      { waitTimeoutMs: 10_000, retry: fastRetry },
      real(),
    );
    expect(outcome.ready).toBe(true);
    expect(outcome.attempts).toBeGreaterThan(1);
    expect(outcome.lastError).toMatch(/^connection refused \(ECONNREFUSED/);
    expect(outcome.waitedMs).toBeGreaterThanOrEqual(250);
    expect(app.requests).toBe(1);
  });

  it('retries reset connections until they stop', async () => {
    const app = await start({ resetRate: 1 });
    client = new HttpClient({ maxSockets: 2 });
    setTimeout(() => app.set({ resetRate: 0 }), 200);
    const check = spec(`${app.url}/health`);
    const outcome = await waitUntilReady(
      () => client.request(check),
      { waitTimeoutMs: 10_000, retry: fastRetry },
      real(),
    );
    expect(outcome.ready).toBe(true);
    expect(outcome.attempts).toBe(app.requests);
    expect(outcome.attempts).toBeGreaterThan(1);
    expect(outcome.lastError).toMatch(/ECONNRESET/);
  });

  it('honours retry-after on 429, in seconds and as a date', async () => {
    const app = await start({ retryAfterTimes: 1 });
    client = new HttpClient({ maxSockets: 2 });
    const delays: number[] = [];
    // A back-off that would wait 5 s shows that retry-after decided the wait, not the back-off.
    const slowRetry: RetrySettings = { initialDelayMs: 5000, maxDelayMs: 5000, factor: 1 };
    const seconds = spec(`${app.url}/retry-after`);
    const started = performance.now();
    const outcome = await waitUntilReady(
      () => client.request(seconds),
      { waitTimeoutMs: 10_000, retry: slowRetry, onRetry: (_attempt, _result, delay) => delays.push(delay) },
      { ...real(), random: () => 1 },
    );
    expect(outcome).toMatchObject({ ready: true, attempts: 2, lastError: 'status 429' });
    expect(delays).toEqual([1000]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);

    app.set({ retryAfterTimes: 1 });
    const dated = spec(`${app.url}/retry-after?date=1`);
    const again = await waitUntilReady(
      () => client.request(dated),
      { waitTimeoutMs: 10_000, retry: slowRetry, onRetry: (_attempt, _result, delay) => delays.push(delay) },
      { ...real(), random: () => 1 },
    );
    expect(again).toMatchObject({ ready: true, attempts: 2 });
    expect(delays[1]).toBeLessThanOrEqual(1000);
  });

  it('does not retry a 404', async () => {
    const app = await start();
    client = new HttpClient({ maxSockets: 2 });
    const check = spec(`${app.url}/status/404`);
    const outcome = await waitUntilReady(
      () => client.request(check),
      { waitTimeoutMs: 10_000, retry: fastRetry },
      real(),
    );
    expect(outcome).toMatchObject({ ready: true, attempts: 1 });
    expect(outcome.result?.answer?.status).toBe(404);
    expect(app.requests).toBe(1);
  });
});
