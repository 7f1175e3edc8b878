// npm run demo, as a new user runs it: the whole release on one machine, under a minute, and nothing left
// running afterwards (no process, no listening port).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/repo.js';

function runDemo(): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), 'scripts/demo.ts'],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve) => {
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

function refused(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('npm run demo', () => {
  it('runs the release end to end in under a minute and leaves nothing behind', async () => {
    const demo = await runDemo();
    expect(demo.stderr).toBe('');
    expect(demo.code).toBe(0);
    expect(demo.ms).toBeLessThan(60_000);
    const steps = [
      'preflight-gates: may v2 go out?',
      'deploy-env: v2 to staging',
      'smoke-test: staging',
      'deploy-env: v2 to production, canary slot',
      'canary-promote: v2 at 10%, 50%, then 100%',
      'tag-release: the next version from the commits',
      'deploy-env: v3 to production, canary slot',
      'canary-promote: v3 judged bad, aborted, rolled back to v2',
    ];
    for (const title of steps)
      expect(demo.stdout).toMatch(
        new RegExp(`[✔✘] ${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.* \\d+\\.\\d s`),
      );
    expect(demo.stdout).toMatch(/^production\n {2}live: v2 \([0-9a-f]{7}\) \(a rollback from v3\)/m);
    expect(demo.stdout).toContain(
      'production serves v2, canary weight 0%; v2 promoted: true, v3 aborted: true',
    );
    expect(demo.stdout).toContain('refs/tags/v1.1.0');
    // It ends with the insights of both environments: production had three changes (v1, v2, v3), one of
    // them (v3) aborted as a canary and rolled back to v2.
    expect(demo.stdout).toMatch(/^Delivery insights for staging: /m);
    expect(demo.stdout).toMatch(/^Delivery insights for production: /m);
    const production = demo.stdout.slice(demo.stdout.indexOf('Delivery insights for production'));
    expect(production).toMatch(
      /^Deployment frequency\s+21 a week\s+elite\s+3 deployments, [12] days? with one; 0 redeploy\(s\) and 1 rollback\(s\)/m,
    );
    expect(production).toMatch(/^Change failure rate\s+33\.3%\s+low\s+1 of 3 deployments failed/m);
    expect(production).toMatch(/^Time to restore\s+\d+ min median\s+elite/m);
    expect(production).toMatch(
      /^ {2}v3 \(deployment \d+, live .*\): rolled back by deployment \d+: canary v3 aborted; restored by v2/m,
    );
    expect(production).toMatch(/local git history/);
    const page = /Insights page: (\S+)/.exec(demo.stdout)?.[1];
    expect(page && readFileSync(page, 'utf8')).toContain('Delivery insights: production');

    const reportPath = /Report: (\S+)/.exec(demo.stdout)?.[1];
    expect(reportPath && existsSync(reportPath)).toBe(true);
    const report = readFileSync(reportPath!, 'utf8');
    for (const title of steps) expect(report).toContain(title);
    expect(report).toMatch(/\| \*\*total\*\* \| \| \*\*\d+\.\d s\*\* \|/);
    expect(report).toContain('Released v1.1.0');

    // Nothing left: the apps' ports refuse connections, and no process mentions the demo's folder.
    const urls = [...demo.stdout.matchAll(/v\d (http:\/\/127\.0\.0\.1:\d+)/g)].map((m) => m[1]!);
    expect(urls).toHaveLength(3);
    for (const url of urls) expect(await refused(url), url).toBe(true);
    const demoDir = reportPath!.slice(0, reportPath!.lastIndexOf('/'));
    const processes = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
    expect(processes).not.toContain(demoDir);
  }, 90_000);
});
