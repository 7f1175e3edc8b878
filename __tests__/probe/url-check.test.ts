import { describe, expect, it } from 'vitest';
import type { CheckDefaults } from '../../src/probe/checks-config.js';
import { urlCheck } from '../../src/probe/url-check.js';

const defaults: CheckDefaults = {
  headers: { authorization: 'Bearer t' },
  expectStatus: [{ min: 200, max: 299 }],
  followRedirects: true,
  maxRedirects: 3,
  samples: 7,
  timeoutMs: 1500,
  thresholds: { p95Ms: 200, maxErrorRate: 0.001 },
  tls: { insecure: false },
};

describe('urlCheck', () => {
  it('names the check by method and URL without its credentials, and copies the defaults', () => {
    const check = urlCheck('https://user:secret@app.example.com/health', 'HEAD', defaults);
    expect(check.name).toBe('HEAD https://app.example.com/health');
    expect(check.name).not.toContain('secret');
    expect(check).toMatchObject({ method: 'HEAD', samples: 7, timeoutMs: 1500, maxRedirects: 3 });
    expect(check.thresholds).toEqual({ p95Ms: 200, maxErrorRate: 0.001 });
    expect(check.bodyContains).toEqual([]);
  });

  it('gives each check its own copies, so one check cannot change another', () => {
    const a = urlCheck('http://127.0.0.1:1/a', 'GET', defaults);
    const b = urlCheck('http://127.0.0.1:1/b', 'GET', defaults);
    a.headers.extra = 'x';
    a.thresholds.p95Ms = 1;
    expect(b.headers).toEqual({ authorization: 'Bearer t' });
    expect(defaults.thresholds.p95Ms).toBe(200);
  });
});
