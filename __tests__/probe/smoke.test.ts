import { afterEach, describe, expect, it } from 'vitest';
import { runSmoke, type SmokeDeps } from '../../src/probe/smoke.js';
import type { CheckResult, CheckSpec, ProbeLog, SmokeSettings } from '../../src/probe/types.js';
import { startTestApp, type TestApp } from '../fakes/test-app.js';

function check(url: string, overrides: Partial<CheckSpec> = {}): CheckSpec {
  return {
    name: overrides.name ?? url,
    url,
    method: 'GET',
    headers: {},
    expectStatus: [{ min: 200, max: 299 }],
    bodyContains: [],
    bodyMatches: [],
    json: [],
    headerAssertions: [],
    followRedirects: false,
    maxRedirects: 5,
    timeoutMs: 5000,
    tls: { insecure: false },
    samples: 1,
    thresholds: {},
    ...overrides,
  };
}

function settings(checks: CheckSpec[], overrides: Partial<SmokeSettings> = {}): SmokeSettings {
  return {
    checks,
    concurrency: 10,
    waitTimeoutMs: 10_000,
    budgetMs: 30_000,
    retry: { initialDelayMs: 20, maxDelayMs: 200, factor: 2 },
    ...overrides,
  };
}

/** A log that records lines and groups, and checks groups never overlap. */
function recordingLog(): ProbeLog & { lines: string[]; groups: string[] } {
  const lines: string[] = [];
  const groups: string[] = [];
  let open = false;
  return {
    lines,
    groups,
    info: (message) => lines.push(message),
    warning: (message) => lines.push(`warning: ${message}`),
    async group(name, fn) {
      if (open) throw new Error('groups overlap');
      open = true;
      groups.push(name);
      lines.push(`::group::${name}`);
      try {
        return await fn();
      } finally {
        lines.push('::endgroup::');
        open = false;
      }
    },
  };
}

const apps: TestApp[] = [];
async function start(...args: Parameters<typeof startTestApp>): Promise<TestApp> {
  const app = await startTestApp(...args);
  apps.push(app);
  return app;
}
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function runOne(spec: CheckSpec, more: Partial<SmokeSettings> = {}, deps: Partial<SmokeDeps> = {}) {
  const report = await runSmoke(settings([spec], more), { log: recordingLog(), ...deps });
  return report.checks[0]!;
}

function expectPassed(result: CheckResult): void {
  expect(result.reasons).toEqual([]);
  expect(result.passed).toBe(true);
}

describe('runSmoke readiness', () => {
  it('waits for a server that starts late, then sends the samples', async () => {
    const app = await start({ startDelayMs: 300 });
    const result = await runOne(check(`${app.url}/health`, { samples: 5 }));
    expectPassed(result);
    expect(result.readiness.ready).toBe(true);
    expect(result.readiness.attempts).toBeGreaterThan(1);
    expect(result.readiness.lastError).toMatch(/ECONNREFUSED/);
    expect(result.status).toBe(200);
    expect(result.samples).toEqual({ sent: 5, failed: 0, errorRate: 0 });
    expect(app.requests).toBe(5);
  });

  it('fails a check that never gets ready, saying how often it tried and what went wrong', async () => {
    const app = await start();
    await app.close();
    const result = await runOne(check(`${app.url}/health`), { waitTimeoutMs: 300 });
    expect(result.passed).toBe(false);
    expect(result.readiness.ready).toBe(false);
    expect(result.reasons).toHaveLength(1);
    expect(result.reasons[0]).toMatch(
      new RegExp(
        `^not ready after ${result.readiness.attempts} attempts in \\d+ ms; last: connection refused`,
      ),
    );
    expect(result.samples.sent).toBe(0);
    expect(result.latencyMs).toBeNull();
  });

  it('retries reset connections during readiness', async () => {
    const app = await start({ resetRate: 1 });
    setTimeout(() => app.set({ resetRate: 0 }), 150);
    const result = await runOne(check(`${app.url}/health`, { samples: 3 }));
    expectPassed(result);
    expect(result.readiness.attempts).toBeGreaterThan(1);
    expect(result.readiness.lastError).toMatch(/ECONNRESET/);
  });

  it('honours retry-after on a 429', async () => {
    const app = await start({ retryAfterTimes: 1 });
    const result = await runOne(check(`${app.url}/retry-after`), {
      retry: { initialDelayMs: 5000, maxDelayMs: 5000, factor: 1 },
    });
    expectPassed(result);
    expect(result.readiness.attempts).toBe(2);
    expect(result.readiness.waitedMs).toBeGreaterThanOrEqual(950);
    expect(result.readiness.waitedMs).toBeLessThan(4000);
  });

  it('does not retry a 404: one attempt, a clear reason', async () => {
    const app = await start();
    const result = await runOne(check(`${app.url}/status/404`));
    expect(result.passed).toBe(false);
    expect(result.reasons).toEqual(['status 404 not in 2xx']);
    expect(result.readiness).toMatchObject({ ready: true, attempts: 1 });
    expect(result.status).toBe(404);
    expect(app.requests).toBe(1);
  });
});

describe('runSmoke samples', () => {
  it('measures latency percentiles, and fails a p95 over its threshold', async () => {
    const app = await start({ delayMs: 40 });
    const spec = check(`${app.url}/health`, { samples: 30, thresholds: { p50Ms: 1000, p95Ms: 10 } });
    const result = await runOne(spec, { concurrency: 5 });
    const latency = result.latencyMs!;
    expect(latency.count).toBe(30);
    expect(latency.p50).toBeGreaterThanOrEqual(39);
    expect(latency.p50).toBeLessThan(300);
    expect(latency.max).toBeGreaterThanOrEqual(latency.p99);
    expect(latency.p99).toBeGreaterThanOrEqual(latency.p95);
    expect(latency.p95).toBeGreaterThanOrEqual(latency.p50);
    expect(result.passed).toBe(false);
    expect(result.reasons).toEqual([`p95 ${Math.round(latency.p95)} ms > 10 ms`]);
  });

  it('computes the error rate and holds it to maxErrorRate', async () => {
    // The app fails every 5th request: the first (readiness) passes, 10 of 50 fail.
    const app = await start({ failRate: 0.2 });
    const lenient = await runOne(
      check(`${app.url}/health`, { samples: 50, thresholds: { maxErrorRate: 0.25 } }),
    );
    expectPassed(lenient);
    expect(lenient.samples).toEqual({ sent: 50, failed: 10, errorRate: 0.2 });

    const strictApp = await start({ failRate: 0.2 });
    const strict = await runOne(
      check(`${strictApp.url}/health`, { samples: 50, thresholds: { maxErrorRate: 0.1 } }),
    );
    expect(strict.passed).toBe(false);
    expect(strict.reasons).toEqual([
      'error rate 20% > 10% (10 of 50 samples failed)',
      'status 500 not in 2xx (in 10 of 50 samples)',
    ]);
  });

  it('fails on any failed sample when maxErrorRate is not set', async () => {
    const app = await start({ failRate: 0.2 });
    const result = await runOne(check(`${app.url}/health`, { samples: 5 }));
    expect(result.passed).toBe(false);
    expect(result.reasons[0]).toBe('error rate 20% > 0% (1 of 5 samples failed)');
  });

  it('counts reset connections as failed samples', async () => {
    // Every 4th request is reset: readiness gets the 1st; 2..20 lose 5.
    const app = await start({ resetRate: 0.25 });
    const result = await runOne(
      check(`${app.url}/health`, { samples: 20, thresholds: { maxErrorRate: 0.1 } }),
    );
    expect(result.samples).toEqual({ sent: 20, failed: 5, errorRate: 0.25 });
    expect(result.passed).toBe(false);
    expect(result.reasons[0]).toBe('error rate 25% > 10% (5 of 20 samples failed)');
    expect(result.reasons[1]).toMatch(
      /^connection closed without an answer \(ECONNRESET\) \(in 5 of 20 samples\)$/,
    );
    expect(result.latencyMs?.count).toBe(15);
  });

  it('keeps `concurrency` requests in flight over kept-alive connections', async () => {
    const app = await start({ delayMs: 5 });
    const result = await runOne(check(`${app.url}/health`, { samples: 400 }), { concurrency: 20 });
    expectPassed(result);
    expect(result.samples.sent).toBe(400);
    expect(app.peakInFlight).toBeLessThanOrEqual(20);
    expect(app.peakInFlight).toBeGreaterThanOrEqual(10);
    expect(app.connections).toBeLessThanOrEqual(20);
  });

  it('shares one pool across all checks', async () => {
    const app = await start({ delayMs: 50 });
    const checks = Array.from({ length: 100 }, (_, i) => check(`${app.url}/health`, { name: `check ${i}` }));
    const log = recordingLog();
    const started = performance.now();
    const report = await runSmoke(settings(checks, { concurrency: 20 }), { log });
    const elapsed = performance.now() - started;
    expect(report.passed).toBe(true);
    expect(report.checks).toHaveLength(100);
    expect(app.requests).toBe(100);
    expect(app.peakInFlight).toBeLessThanOrEqual(20);
    expect(app.peakInFlight).toBeGreaterThanOrEqual(10);
    // 5 rounds of 50 ms at least; one at a time would take 5 s.
    expect(elapsed).toBeGreaterThanOrEqual(240);
    expect(elapsed).toBeLessThan(3000);
    expect(log.groups).toEqual(checks.map((c) => c.name));
  });
});

describe('runSmoke assertions and redirects', () => {
  it('passes JSON and header assertions that hold', async () => {
    const app = await start({ version: 'v4' });
    const result = await runOne(
      check(`${app.url}/json`, {
        samples: 3,
        json: [
          { path: '$.status', equals: 'ok' },
          { path: 'items[1].name', equals: 'beta' },
          { path: 'build.replicas', min: 2 },
        ],
        headerAssertions: [{ name: 'X-App-Version', equals: 'v4' }],
        bodyContains: ['alpha'],
      }),
    );
    expectPassed(result);
  });

  it('fails JSON and header assertions that do not hold, with one line each', async () => {
    const app = await start({ version: 'v4' });
    const result = await runOne(
      check(`${app.url}/json`, {
        json: [{ path: '$.status', equals: 'down' }],
        headerAssertions: [{ name: 'x-app-version', equals: 'v5' }],
      }),
    );
    expect(result.passed).toBe(false);
    expect(result.reasons).toEqual([
      'header x-app-version: expected "v5", got "v4"',
      'json $.status: expected "down", got "ok"',
    ]);
    expect(result.readiness.attempts).toBe(1);
  });

  it('fails a redirect loop clearly', async () => {
    const app = await start();
    const result = await runOne(check(`${app.url}/redirect-loop`, { followRedirects: true }));
    expect(result.passed).toBe(false);
    expect(result.reasons).toEqual([`redirect loop: ${app.url}/redirect-loop -> ${app.url}/redirect-loop`]);
    expect(result.readiness).toMatchObject({ ready: false, attempts: 1 });
  });

  it('follows redirects or not, as asked', async () => {
    const app = await start();
    const url = `${app.url}/redirect?to=/health`;
    expectPassed(await runOne(check(url, { followRedirects: true })));
    const kept = await runOne(check(url));
    expect(kept.reasons).toEqual(['status 302 not in 2xx']);
    expectPassed(await runOne(check(url, { expectStatus: [{ min: 300, max: 399 }] })));
  });

  it('sends URL credentials as Basic auth and never reports them', async () => {
    const app = await start();
    const url = `${app.url.replace('http://', 'http://ci:hunter2@')}/headers`;
    const log = recordingLog();
    const report = await runSmoke(
      settings([
        check(url, {
          json: [{ path: 'authorization', equals: `Basic ${Buffer.from('ci:hunter2').toString('base64')}` }],
        }),
      ]),
      { log },
    );
    expectPassed(report.checks[0]!);
    expect(report.checks[0]!.url).toBe(`${app.url}/headers`);
    expect(JSON.stringify(report)).not.toContain('hunter2');
    expect(log.lines.join('\n')).not.toContain('hunter2');
  });
});

describe('runSmoke TLS', () => {
  it('fails an expired certificate, with its date', async () => {
    const app = await start({ tls: 'expired' });
    const result = await runOne(check(`${app.url}/health`));
    expect(result.passed).toBe(false);
    expect(result.reasons[0]).toBe('tls CERT_HAS_EXPIRED: certificate has expired');
    expect(result.reasons[1]).toMatch(/^certificate expired on \d{4}-\d{2}-\d{2}$/);
    expect(result.tls?.daysLeft).toBeLessThan(0);
    expect(result.readiness.attempts).toBe(1);
  });

  it('fails an expired certificate even when insecure', async () => {
    const app = await start({ tls: 'expired' });
    const result = await runOne(check(`${app.url}/health`, { tls: { insecure: true } }));
    expect(result.status).toBe(200);
    expect(result.passed).toBe(false);
    expect(result.reasons).toEqual([`certificate expired on ${result.tls!.validTo.slice(0, 10)}`]);
  });

  it('fails a self-signed certificate unless insecure or trusted', async () => {
    const app = await start({ tls: 'self-signed' });
    const rejected = await runOne(check(`${app.url}/health`));
    expect(rejected.reasons).toEqual(['tls DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate']);
    expectPassed(await runOne(check(`${app.url}/health`, { tls: { insecure: true } })));
    const trusted = await runOne(
      check(`${app.url}/health`, { tls: { insecure: false, ca: app.cert, minValidDays: 30 } }),
    );
    expectPassed(trusted);
    expect(trusted.tls).toMatchObject({ subject: 'CN=localhost', issuer: 'CN=localhost' });
    expect(trusted.tls!.daysLeft).toBeGreaterThanOrEqual(363);
  });

  it('fails a certificate expiring within minValidDays', async () => {
    const app = await start({ tls: 'self-signed', certDays: 3 });
    const result = await runOne(check(`${app.url}/health`, { tls: { insecure: true, minValidDays: 14 } }));
    expect(result.passed).toBe(false);
    const date = result.tls!.validTo.slice(0, 10);
    expect(result.reasons).toEqual([`certificate expires in 2 days (${date}), fewer than 14`]);
    expect(result.tls!.daysLeft).toBe(2);
    expectPassed(await runOne(check(`${app.url}/health`, { tls: { insecure: true, minValidDays: 2 } })));
  });
});

describe('runSmoke stopping', () => {
  it('stops when the budget runs out and says so', async () => {
    const app = await start();
    const quick = check(`${app.url}/health`, { name: 'quick' });
    const slow = check(`${app.url}/slow?ms=5000`, { name: 'slow', samples: 3 });
    const down = check('http://127.0.0.1:1/', { name: 'down' });
    const log = recordingLog();
    const started = performance.now();
    const report = await runSmoke(settings([quick, slow, down], { budgetMs: 400 }), { log });
    expect(performance.now() - started).toBeLessThan(2500);
    expect(report.passed).toBe(false);
    const [q, s, d] = report.checks;
    expectPassed(q!);
    expect(s!.reasons).toEqual(['budget of 400 ms ran out before the first answer']);
    expect(d!.reasons).toHaveLength(1);
    expect(d!.reasons[0]).toMatch(
      /^budget of 400 ms ran out while waiting for readiness \(\d+ attempts?; last: connection refused/,
    );
    expect(log.lines).toContain('warning: smoke test budget of 400 ms ran out; stopping');
  });

  it('stops sampling when the budget runs out', async () => {
    const app = await start({ delayMs: 100 });
    const result = await runOne(check(`${app.url}/health`, { samples: 50 }), {
      budgetMs: 600,
      concurrency: 1,
    });
    expect(result.passed).toBe(false);
    expect(result.samples.sent).toBeGreaterThan(0);
    expect(result.samples.sent).toBeLessThan(50);
    expect(result.samples.failed).toBe(0);
    expect(result.reasons).toEqual([`budget of 600 ms ran out after ${result.samples.sent} of 50 samples`]);
  });

  it('stops promptly on abort', async () => {
    const app = await start({ delayMs: 2000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    const report = await runSmoke(settings([check(`${app.url}/health`, { samples: 5 })]), {
      log: recordingLog(),
      signal: controller.signal,
    });
    expect(performance.now() - started).toBeLessThan(1500);
    expect(report.passed).toBe(false);
    expect(report.checks[0]!.reasons).toEqual(['aborted before the first answer']);
  });

  it('returns at once when already aborted', async () => {
    const app = await start();
    const report = await runSmoke(settings([check(`${app.url}/health`)]), {
      log: recordingLog(),
      signal: AbortSignal.abort(),
    });
    expect(report.checks[0]!.reasons).toEqual(['aborted before the check started']);
    expect(app.requests).toBe(0);
  });
});

describe('runSmoke report and log', () => {
  it('reports the run and logs each check in its own group', async () => {
    const app = await start();
    const log = recordingLog();
    const base = Date.parse('2026-05-01T12:00:00Z') - performance.now();
    const now = () => base + performance.now();
    const report = await runSmoke(
      settings(
        [
          check(`${app.url}/health`, { name: 'health', samples: 2 }),
          check(`${app.url}/status/500`, { name: 'bad' }),
        ],
        {
          waitTimeoutMs: 100,
        },
      ),
      { log, now },
    );
    expect(report.startedAt).toMatch(/^2026-05-01T12:00:00\.\d{3}Z$/);
    expect(report.passed).toBe(false);
    expect(report.checks.map((c) => [c.name, c.passed, c.method])).toEqual([
      ['health', true, 'GET'],
      ['bad', false, 'GET'],
    ]);
    expect(log.groups).toEqual(['health', 'bad']);
    const text = log.lines.join('\n');
    expect(text).toContain(`GET ${app.url}/health: 2 samples`);
    expect(text).toMatch(/2 samples, 0 failed \(0%\); latency p50 [\d.]+ ms/);
    expect(text).toContain('attempt 1: status 500; retrying in');
    expect(text).toMatch(/failed: not ready after \d+ attempts? in \d+ ms; last: status 500/);
  });
});
