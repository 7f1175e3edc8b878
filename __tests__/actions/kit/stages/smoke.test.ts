// The smoke stage smoke-test and the release share: the probe run, one error annotation per failed check
// (titled by who speaks), the failed checks and the worst p95.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runSmokeStage } from '../../../../src/actions/kit/stages/smoke.js';
import { urlCheck } from '../../../../src/probe/url-check.js';
import { startTestApp, type TestApp } from '../../../fakes/test-app.js';

let app: TestApp;
let written: string[] = [];
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());
beforeEach(() => {
  written = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());

const defaults = {
  headers: {},
  expectStatus: [{ min: 200, max: 299 }],
  followRedirects: true,
  maxRedirects: 5,
  samples: 3,
  timeoutMs: 5000,
  thresholds: {},
  tls: { insecure: false },
};

function settings(urls: string[]) {
  return {
    checks: urls.map((url) => urlCheck(url, 'GET', defaults)),
    concurrency: 4,
    waitTimeoutMs: 500,
    budgetMs: 10_000,
    retry: { initialDelayMs: 20, maxDelayMs: 100, factor: 2 },
  };
}

describe('runSmokeStage', () => {
  it('passes a healthy target without an annotation, with its worst p95 in whole milliseconds', async () => {
    const { report, failed, p95Ms } = await runSmokeStage(
      settings([`${app.url}/health`]),
      new AbortController().signal,
      'smoke-test',
    );
    expect(report.passed).toBe(true);
    expect(failed).toEqual([]);
    expect(Number.isInteger(p95Ms)).toBe(true);
    expect(p95Ms).toBe(Math.round(report.checks[0]!.latencyMs!.p95));
    expect(written.join('')).not.toMatch(/::error/);
  });

  it('annotates each failed check once, titled by who speaks', async () => {
    const { report, failed } = await runSmokeStage(
      settings([`${app.url}/health`, `${app.url}/status/500`]),
      new AbortController().signal,
      'smoke test',
    );
    expect(report.passed).toBe(false);
    expect(failed.map((check) => check.name)).toEqual([`GET ${app.url}/status/500`]);
    const errors = written.join('').match(/::error[^\n]*/g) ?? [];
    expect(errors).toHaveLength(1);
    // Workflow commands escape ':' in properties.
    const title = `smoke test: GET ${app.url}/status/500 failed`.replace(/:/g, '%3A');
    expect(errors[0]).toContain(`title=${title}`);
  });
});
