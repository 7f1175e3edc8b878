// npm run demo: the whole release on one machine, with no GitHub. Starts the test app on loopback in
// versions v1, v2 and a broken v3, and runs the real bundled actions through the runner, the way a workflow
// would, recording every deployment in a file ledger:
//
//   preflight-gates → deploy v2 to staging → smoke-test → deploy v2 to production as a canary →
//   canary-promote to 100% → tag-release (a temporary git repository) → v3 as a canary: judged bad,
//   aborted, and the rollback brings v2 back. Ends with the delivery insights (the four DORA keys) of the
//   environments it deployed, read back from the same ledger and the repository's history.
//
// The "environments" are files in the demo's folder that the deploy, router and rollback commands write
// (production.live, production.canary, production.weight), so every command really runs. tag-release
// publishes to a stand-in for the GitHub API on loopback (the tests' fake, held to GitHub's API
// description). Prints each step with its time, writes all the job summaries as one Markdown report, and
// stops every server it started before it exits.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type FakeGitHub, startFakeGitHub } from '../__tests__/fakes/github/index.js';
import { startTestApp, type TestApp } from '../__tests__/fakes/test-app.js';
import { Repo } from '../__tests__/versioning/repo.js';
import { formatStatus } from '../src/cli-status.js';
import { GitHistory } from '../src/insights/git-history.js';
import { deliveryInsights } from '../src/insights/insights.js';
import { parsePeriod } from '../src/insights/period.js';
import { writeReportPage } from '../src/insights/report-html.js';
import { insightsTable } from '../src/insights/table.js';
import { FileLedger } from '../src/ledger/file.js';
import { readStatus } from '../src/ledger/status.js';
import { type ActionRun, type RunActionOptions, runAction } from '../src/runner/runner.js';

const root = resolve(import.meta.dirname, '..');
const demoDir = mkdtempSync(join(tmpdir(), 'deploy-kit-demo-'));
// Inside the application's checkout, the workspace of every step: path inputs may not lead out of it.
let ledgerPath = '';
let ledger = '';
const report: string[] = ['# deploy-kit demo', ''];
const timings: { title: string; conclusion: string; seconds: number }[] = [];
const started = Date.now();

// Commands get values only as variables: DEMO_DIR from the step's environment, DEPLOY_KIT_* from the action.
const DEPLOY =
  'printf %s "$DEPLOY_KIT_VERSION" > "$DEMO_DIR/$DEPLOY_KIT_ENVIRONMENT.live"; echo "$DEPLOY_KIT_ENVIRONMENT now runs $DEPLOY_KIT_VERSION"';
const DEPLOY_CANARY =
  'printf %s "$DEPLOY_KIT_VERSION" > "$DEMO_DIR/production.canary"; echo "canary slot runs $DEPLOY_KIT_VERSION"';
const ROUTE =
  'printf %s "$DEPLOY_KIT_CANARY_WEIGHT" > "$DEMO_DIR/production.weight"; echo "canary $DEPLOY_KIT_CANARY_VERSION at $DEPLOY_KIT_CANARY_WEIGHT%"';
const ROLL_BACK =
  'printf %s "$DEPLOY_KIT_VERSION" > "$DEMO_DIR/production.live"; printf 0 > "$DEMO_DIR/production.weight"; echo "production back on $DEPLOY_KIT_VERSION"';

const apps: TestApp[] = [];
let gh: FakeGitHub | undefined;

function read(name: string): string {
  try {
    return readFileSync(join(demoDir, name), 'utf8');
  } catch {
    return '–';
  }
}

// Ctrl-C cancels the action running now as GitHub cancels a job (its post step cleans up), then the demo
// stops; the actions run in their own process groups, so without this they would outlive it.
const interrupted = new AbortController();
process.once('SIGINT', () => {
  console.log('\ninterrupted: cancelling the step in progress, then stopping');
  interrupted.abort();
});

async function step(
  title: string,
  action: string,
  inputs: Record<string, string>,
  options: Partial<RunActionOptions>,
  expect: ActionRun['conclusion'] = 'success',
): Promise<ActionRun> {
  if (interrupted.signal.aborted) throw new Error('interrupted');
  const t0 = Date.now();
  const run = await runAction({
    action: join(root, action),
    inputs,
    ...options,
    cancel: { ...options.cancel, signal: interrupted.signal },
  });
  const seconds = (Date.now() - t0) / 1000;
  timings.push({ title, conclusion: run.conclusion, seconds });
  const mark = run.conclusion === 'success' ? '✔' : '✘';
  console.log(`${mark} ${title.padEnd(58)} ${run.conclusion.padEnd(8)} ${seconds.toFixed(1).padStart(5)} s`);
  for (const annotation of run.annotations.filter((a) => a.level === 'error')) {
    console.log(`    ${annotation.message.split('\n')[0]}`);
  }
  report.push(
    `## ${mark} ${title} (${seconds.toFixed(1)} s)`,
    '',
    run.summary.trim() || '_(no summary)_',
    '',
  );
  if (run.conclusion !== expect) {
    throw new Error(
      `${title}: expected ${expect}, got ${run.conclusion}\n${run.main.stdout}\n${run.main.stderr}`,
    );
  }
  return run;
}

try {
  const [v1, v2, v3] = await Promise.all([
    startTestApp({ version: 'v1', delayMs: 8, jitterMs: 4, seed: 1 }),
    startTestApp({ version: 'v2', delayMs: 8, jitterMs: 4, seed: 1 }),
    startTestApp({ version: 'v3', delayMs: 8, jitterMs: 4, failRate: 0.3, seed: 3 }),
  ]);
  apps.push(v1!, v2!, v3!);
  gh = await startFakeGitHub();
  gh.store.addRepo({ owner: 'demo', name: 'app' });

  // The application's repository: three releases' worth of conventional commits, v1 tagged already.
  const repo = Repo.init(mkdtempSync(join(tmpdir(), 'deploy-kit-demo-repo-')));
  ledgerPath = join(repo.dir, '.deploy-kit', 'ledger.json');
  ledger = `file:${ledgerPath}`;
  const mirror = (message: string) => {
    const sha = repo.commit(message);
    gh!.store.addCommit('demo/app', { branch: 'main', sha, message });
    return sha;
  };
  const sha1 = mirror('feat: the first release');
  repo.git('tag', 'v1.0.0');
  for (const tag of ['v1.0.0', 'v1.0', 'v1']) gh.store.addTag('demo/app', tag, { sha: sha1 });
  const sha2 = mirror('feat(checkout): pay by card');
  const sha3 = mirror('fix(cache): a faster cache (that breaks under load)');

  // Each step as its own workflow run, so the ledger's history says which run did what.
  let runId = 100;
  const runAs = (sha: string, extra: Partial<RunActionOptions> = {}): Partial<RunActionOptions> => ({
    workspace: repo.dir,
    env: { DEMO_DIR: demoDir },
    ...extra,
    github: {
      repository: 'demo/app',
      sha,
      ref: 'refs/heads/main',
      eventName: 'push',
      actor: 'demo',
      runId: String(++runId),
      ...extra.github,
    },
  });
  console.log(`apps on loopback: v1 ${v1!.url}, v2 ${v2!.url}, v3 ${v3!.url} (broken: 30% of requests fail)`);
  console.log(`ledger: ${ledgerPath}\n`);

  await step(
    'production runs v1 (before the demo)',
    'deploy-env',
    { environment: 'production', version: 'v1', ref: sha1, command: DEPLOY, ledger },
    runAs(sha1),
  );
  await step(
    'preflight-gates: may v2 go out?',
    'preflight-gates',
    {
      environment: 'staging',
      'check-run': 'false',
      gates: [
        'branch: { staging: [main], production: [main] }',
        'env: { variables: [DEMO_DIR] }',
        'command: { name: unit tests, run: "test -f f2.txt" }',
      ].join('\n'),
    },
    runAs(sha2),
  );
  await step(
    'deploy-env: v2 to staging',
    'deploy-env',
    { environment: 'staging', version: 'v2', ref: sha2, command: DEPLOY, url: v2!.url, ledger },
    runAs(sha2),
  );
  await step(
    'smoke-test: staging (200 requests, p95 < 200 ms, errors < 0.1%)',
    'smoke-test',
    {
      url: `${v2!.url}/health\n${v2!.url}/version`,
      samples: '100',
      concurrency: '20',
      'latency-p95': '200ms',
      'max-error-rate': '0.1%',
    },
    runAs(sha2),
  );
  const canaryInputs = (baseline: TestApp, canary: TestApp, versions: [string, string]) => ({
    environment: 'production',
    'baseline-version': versions[0],
    'canary-version': versions[1],
    steps: '10,50,100',
    hold: '1s',
    interval: '250ms',
    'max-duration': '30s',
    router: 'command',
    'router-command': ROUTE,
    metrics: 'probe',
    'baseline-url': `${baseline.url}/health`,
    'canary-url': `${canary.url}/health`,
    'probe-requests': '40',
    // The final look of the sequential test at 120 requests a side keeps each step to about a second.
    'max-samples': '120',
    'max-error-rate': '1%',
    'latency-p95': '200ms',
    // Two copies of one build differ by nothing a test could find: an undecided step counts as passed.
    'on-inconclusive': 'promote',
    'state-file': join('.deploy-kit', `canary-${versions[1]}.json`),
    ledger,
  });
  await step(
    'deploy-env: v2 to production, canary slot',
    'deploy-env',
    { environment: 'production', version: 'v2', ref: sha2, command: DEPLOY_CANARY, ledger },
    runAs(sha2),
  );
  const promoted = await step(
    'canary-promote: v2 at 10%, 50%, then 100%',
    'canary-promote',
    canaryInputs(v1!, v2!, ['v1', 'v2']),
    runAs(sha2),
  );
  writeFileSync(join(demoDir, 'production.live'), 'v2');
  await step(
    'tag-release: the next version from the commits',
    'tag-release',
    { token: gh.token },
    runAs(sha2, { env: { DEMO_DIR: demoDir, ...gh.env() }, github: { token: gh.token } }),
  );
  await step(
    'deploy-env: v3 to production, canary slot',
    'deploy-env',
    { environment: 'production', version: 'v3', ref: sha3, command: DEPLOY_CANARY, ledger },
    runAs(sha3),
  );
  const aborted = await step(
    'canary-promote: v3 judged bad, aborted, rolled back to v2',
    'canary-promote',
    { ...canaryInputs(v2!, v3!, ['v2', 'v3']), rollback: 'true', 'rollback-command': ROLL_BACK },
    runAs(sha3),
    'failure',
  );

  const status = await readStatus(new FileLedger(ledgerPath), { limit: 6 });
  const table = formatStatus(status, `file ledger ${ledgerPath}`, new Date());
  const total = (Date.now() - started) / 1000;
  console.log(`\n${table}`);
  console.log(
    `production serves ${read('production.live')}, canary weight ${read('production.weight')}%; ` +
      `v2 promoted: ${promoted.outputs.promoted}, v3 aborted: ${aborted.outputs.aborted}; ` +
      `tagged ${[...gh.store.repo('demo/app').refs.keys()].filter((r) => r.startsWith('refs/tags/v1.1')).join(', ')}`,
  );
  report.splice(
    2,
    0,
    '| Step | Result | Time |',
    '| --- | --- | --- |',
    ...timings.map((t) => `| ${t.title} | ${t.conclusion} | ${t.seconds.toFixed(1)} s |`),
    `| **total** | | **${total.toFixed(1)} s** |`,
    '',
    '```',
    table.trimEnd(),
    '```',
    '',
  );
  // The delivery insights of what was just deployed: the last day, from the ledger and the repository.
  const period = parsePeriod('since', '1d', new Date());
  for (const environment of ['staging', 'production']) {
    const insights = await deliveryInsights(new FileLedger(ledgerPath), environment, period, {
      histories: [new GitHistory(repo.dir)],
    });
    const text = insightsTable(insights);
    console.log(`\n${text.trimEnd()}`);
    report.push('', '```', text.trimEnd(), '```');
    if (environment === 'production') {
      const page = join(demoDir, 'insights-production.html');
      writeReportPage(page, insights);
      console.log(`Insights page: ${page}`);
    }
  }
  const reportPath = join(demoDir, 'demo-report.md');
  writeFileSync(reportPath, `${report.join('\n')}\n`);
  const ok =
    promoted.outputs.promoted === 'true' &&
    aborted.outputs.aborted === 'true' &&
    read('production.live') === 'v2' &&
    status.environments.find((e) => e.environment === 'production')?.live?.version === 'v2';
  console.log(`\n${ok ? 'Done' : 'FAILED'} in ${total.toFixed(1)} s. Report: ${reportPath}`);
  process.exitCode = ok ? 0 : 1;
} catch (error) {
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await Promise.all(apps.map((app) => app.close()));
  await gh?.close();
}
