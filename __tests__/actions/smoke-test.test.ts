// Runner-contract tests: the built smoke-test bundle, run as the GitHub runner runs it, under Node 20 and 24,
// against real servers on loopback.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunActionOptions, runAction } from '../../src/runner/runner.js';
import { startTestApp, type TestApp } from '../fakes/test-app.js';
import { nodeBinaries, repoRoot } from '../helpers/repo.js';

const action = join(repoRoot, 'smoke-test');

describe.each(nodeBinaries())('smoke-test bundle under %s', ({ path: node }) => {
  let app: TestApp;
  const run = (inputs: Record<string, string>, extra: Partial<RunActionOptions> = {}) =>
    // The reports under RUNNER_TEMP are read after the run.
    runAction({ action, inputs, node, keepWorkDir: true, ...extra });

  beforeAll(async () => {
    app = await startTestApp({ version: 'v2' });
  });
  afterAll(() => app.close());

  it('passes a healthy service and fills every output, the summary and the report', async () => {
    const result = await run({
      url: `${app.url}/health\n${app.url}/version`,
      samples: '20',
      'latency-p95': '2s',
    });
    expect(result.main.stderr).toBe('');
    expect(result.conclusion).toBe('success');
    expect(result.outputs.passed).toBe('true');
    expect(result.outputs['failed-checks']).toBe('[]');
    expect(Number(result.outputs['p95-ms'])).toBeGreaterThanOrEqual(0);
    expect(result.summary).toContain('Smoke test passed: 2 of 2 checks');
    expect(result.summary).toContain('| Check | Status | p50 | p95 | p99 | Verdict | Reason |');
    expect(result.main.log.groups).toEqual([`GET ${app.url}/health`, `GET ${app.url}/version`]);
    const report = JSON.parse(readFileSync(result.outputs.report!, 'utf8'));
    expect(report.passed).toBe(true);
    expect(report.checks[0].samples.sent).toBe(20);
  });

  it('fails a slow service on latency-p95 with an annotation that says by how much', async () => {
    const result = await run({ url: `${app.url}/slow?ms=60`, samples: '10', 'latency-p95': '20ms' });
    expect(result.conclusion).toBe('failure');
    expect(result.outputs.passed).toBe('false');
    expect(JSON.parse(result.outputs['failed-checks']!)).toEqual([`GET ${app.url}/slow?ms=60`]);
    const errors = result.annotations.filter((a) => a.level === 'error');
    expect(errors[0]?.message).toMatch(/p95 \d+ ms > 20 ms/);
    expect(errors.at(-1)?.message).toBe('smoke-test: 1 of 1 checks failed');
    expect(result.summary).toContain('❌ fail');
  });

  it('rejects a bad input before sending any request, naming the input and the form', async () => {
    const before = app.requests;
    const result = await run({ url: `${app.url}/health`, 'latency-p95': 'fast' });
    expect(result.conclusion).toBe('failure');
    expect(result.annotations.map((a) => a.message)).toEqual([
      expect.stringMatching(/^smoke-test: 'latency-p95' must be a duration like 200ms or 1\.5s, got 'fast'/),
    ]);
    expect(result.main.stdout).not.toMatch(/\n\s+at /);
    expect(app.requests).toBe(before);
  });

  it('rejects a malformed URL and an unknown key in a checks suite by its key path', async () => {
    const badUrl = await run({ url: 'htp:/nowhere' });
    expect(badUrl.annotations[0]?.message).toMatch(/^smoke-test: 'url'/);
    const badKey = await run({ checks: `checks:\n  - url: ${app.url}/health\n    expct: { status: 200 }\n` });
    expect(badKey.conclusion).toBe('failure');
    expect(badKey.annotations[0]?.message).toMatch(/checks\[0\].*expct/);
  });

  it('masks header values and URL credentials everywhere it writes', async () => {
    const token = 'tok-9f8e7d6c5b4a';
    const result = await run({
      url: `http://deployer:pa55-w0rd-xyz@127.0.0.1:${app.port}/status/401`,
      headers: `Authorization: Bearer ${token}\nAccept: application/json`,
    });
    expect(result.conclusion).toBe('failure');
    expect(result.masks).toEqual(expect.arrayContaining([`Bearer ${token}`, 'pa55-w0rd-xyz']));
    const everything = [
      result.main.stdout,
      result.main.stderr,
      result.summary,
      JSON.stringify(result.outputs),
      readFileSync(result.outputs.report!, 'utf8'),
    ].join('\n');
    expect(everything).not.toContain(token);
    expect(everything).not.toContain('pa55-w0rd-xyz');
    expect(everything).toContain('401');
  });

  it('runs a checks suite from a file and writes JUnit XML', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smoke-suite-'));
    writeFileSync(
      join(dir, 'checks.yml'),
      [
        'checks:',
        '  - name: version is v2',
        `    url: ${app.url}/json`,
        '    expect:',
        '      json:',
        '        - { path: $.version, equals: v2 }',
        '  - name: wrong version',
        `    url: ${app.url}/json`,
        '    expect:',
        '      json:',
        '        - { path: $.version, equals: v9 }',
      ].join('\n'),
    );
    const result = await run({ checks: 'checks.yml', 'junit-path': 'out/junit.xml' }, { workspace: dir });
    expect(result.outputs.passed).toBe('false');
    expect(JSON.parse(result.outputs['failed-checks']!)).toEqual(['wrong version']);
    expect(result.outputs.junit).toBe(join(dir, 'out/junit.xml'));
    const junit = readFileSync(join(dir, 'out/junit.xml'), 'utf8');
    expect(junit).toContain('<testcase');
    expect(junit).toContain('wrong version');
    expect(existsSync(result.outputs.report!)).toBe(true);
  });

  it('waits for a service that starts late', async () => {
    const late = await startTestApp({ startDelayMs: 1500 });
    try {
      const result = await run({ url: `${late.url}/health`, 'wait-timeout': '20s' });
      expect(result.outputs.passed).toBe('true');
      expect(result.summary).toMatch(/ready after \d+ attempts/);
    } finally {
      await late.close();
    }
  });

  it('stops promptly when the job is cancelled while waiting', async () => {
    const started = Date.now();
    const result = await run(
      { url: 'http://127.0.0.1:9/never', 'wait-timeout': '60s' },
      { cancel: { afterMs: 800, graceMs: 10_000 } },
    );
    expect(result.conclusion).toBe('cancelled');
    expect(result.main.signal).toBeNull();
    expect(Date.now() - started).toBeLessThan(8000);
  });
});
