// npm run demo: the release on one machine, with no GitHub. Starts the test app on loopback and runs the
// real bundled actions through the runner, the way a workflow would. (Grows with each action.)
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startTestApp, type TestApp } from '../__tests__/fakes/test-app.js';
import { type ActionRun, runAction } from '../src/runner/runner.js';

const root = resolve(import.meta.dirname, '..');
const workDir = mkdtempSync(join(tmpdir(), 'deploy-kit-demo-'));
const report: string[] = ['# deploy-kit demo', ''];
const started = Date.now();
const apps: TestApp[] = [];

async function step(title: string, action: string, inputs: Record<string, string>): Promise<ActionRun> {
  const t0 = Date.now();
  const run = await runAction({ action: join(root, action), inputs, workspace: workDir });
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  const mark = run.conclusion === 'success' ? '✔' : '✘';
  console.log(`${mark} ${title} — ${run.conclusion} in ${seconds} s`);
  for (const [name, value] of Object.entries(run.outputs)) console.log(`    ${name}: ${value}`);
  report.push(`## ${mark} ${title} (${seconds} s)`, '', run.summary.trim(), '');
  return run;
}

try {
  const v2 = await startTestApp({ version: 'v2', delayMs: 5, jitterMs: 5 });
  const v3 = await startTestApp({ version: 'v3', delayMs: 5, failRate: 0.2 });
  apps.push(v2, v3);
  console.log(`app v2 on ${v2.url}, a broken v3 on ${v3.url}\n`);

  const good = await step('smoke-test v2', 'smoke-test', {
    url: `${v2.url}/health\n${v2.url}/version`,
    samples: '200',
    concurrency: '20',
    'latency-p95': '200ms',
    'max-error-rate': '0.1%',
  });
  const bad = await step('smoke-test v3 (broken: 20% of requests fail)', 'smoke-test', {
    url: `${v3.url}/health`,
    samples: '200',
    concurrency: '20',
    'max-error-rate': '0.1%',
    'wait-timeout': '2s',
  });

  const reportPath = join(workDir, 'demo-report.md');
  writeFileSync(reportPath, `${report.join('\n')}\n`);
  console.log(`\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s. Summaries: ${reportPath}`);
  process.exitCode = good.conclusion === 'success' && bad.conclusion === 'failure' ? 0 : 1;
} finally {
  await Promise.all(apps.map((app) => app.close()));
}
