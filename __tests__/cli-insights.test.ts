// `deploy-kit insights` through the package's bin (the built CLI bundle): the known month from a file ledger
// with the local clone, and from GitHub Deployments on the fake GitHub with GitHub's commit history; the
// table, --json and --html; every mistake named with the expected form.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Insights } from '../src/insights/types.js';
import { assertConformance, type FakeGitHub, startFakeGitHub } from './fakes/github/index.js';
import { nodeBinaries, repoRoot } from './helpers/repo.js';
import { at } from './insights/hand-built.js';
import { gitRepository, monthOfProduction, seedGitHub, writeFileLedger } from './insights/known-history.js';

const exec = promisify(execFile);
const bin = join(repoRoot, 'bin/deploy-kit.js');
const node = nodeBinaries().at(-1)!.path;
const HOUR = 3_600_000;
const PERIOD = ['--since', at(0), '--until', at(24 * 30)];

function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(GITHUB_|INPUT_|RUNNER_)/.test(name)),
  );
  return { ...env, ...extra };
}

async function insights(args: string[], cwd: string, env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await exec(node, [bin, 'insights', ...args], { cwd, env: cleanEnv(env) });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

let dir: string;
let repo: string;
let gh: FakeGitHub;

beforeAll(async () => {
  if (!existsSync(join(repoRoot, 'dist/cli/index.js')))
    throw new Error('build the CLI first: node scripts/build.mjs cli');
  dir = mkdtempSync(join(tmpdir(), 'cli-insights-'));
  repo = join(dir, 'repo');
  const { commits, deployments } = monthOfProduction();
  const shas = gitRepository(repo, commits);
  gh = await startFakeGitHub();
  gh.store.addRepo({ owner: 'octo', name: 'app' });
  const ids = seedGitHub(gh.store, 'octo/app', commits, shas, deployments);
  mkdirSync(join(repo, '.deploy-kit'));
  writeFileLedger(join(repo, '.deploy-kit', 'ledger.json'), shas, deployments, ids);
}, 60_000);

afterAll(async () => {
  await gh?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('deploy-kit insights', () => {
  it('prints the four keys with their bands from the file ledger and the local clone', async () => {
    const run = await insights(['--environment', 'production', ...PERIOD], repo);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(
      'Delivery insights for production: 2026-03-02 00:00 to 2026-04-01 00:00 UTC (30 days)',
    );
    expect(lines[1]).toBe('Bands by the Accelerate State of DevOps Report 2023');
    expect(lines.find((l) => l.startsWith('Deployment frequency'))).toMatch(
      /0\.9 a week\s+medium\s+4 deployments, 4 days with one/,
    );
    expect(lines.find((l) => l.startsWith('Lead time for changes'))).toMatch(
      /13 h median\s+elite\s+p90 42 h over 8 commits/,
    );
    expect(lines.find((l) => l.startsWith('Change failure rate'))).toMatch(
      /50%\s+low\s+2 of 4 deployments failed/,
    );
    expect(lines.find((l) => l.startsWith('Time to restore'))).toMatch(
      /42\.5 h median\s+medium\s+max 3\.5 d/,
    );
    expect(run.stdout).toMatch(
      /v2 \(deployment \d+, live 2026-03-05 00:00\): rolled back by deployment \d+: canary v2 aborted; restored by v1/,
    );
    expect(run.stdout).toContain('Not counted: 1 in progress');
    expect(run.stdout).toMatch(
      /Read from: file ledger \(9 deployments read\); local git history \(8 commits, no API call\)/,
    );
  });

  it('answers JSON, and writes the report page with --html', async () => {
    const run = await insights(
      ['--environment', 'production', ...PERIOD, '--json', '--html', 'out/report.html'],
      repo,
    );
    expect(run.code).toBe(0);
    const answer = JSON.parse(run.stdout) as Insights;
    expect(answer.timeToRestore.medianMs).toBe(42.5 * HOUR);
    expect(answer.weeks).toHaveLength(5);
    const page = readFileSync(join(repo, 'out/report.html'), 'utf8');
    expect(page).toContain('Content-Security-Policy" content="default-src \'none\'');
    expect(page).toContain('var uPlot=function()');
    expect(page).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
  });

  it('reads GitHub Deployments and GitHub commit history where there is no clone', async () => {
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere, { recursive: true });
    const run = await insights(
      ['--environment', 'production', ...PERIOD, '--ledger', 'github', '--repository', 'octo/app', '--json'],
      elsewhere,
      { ...gh.env(), GITHUB_TOKEN: gh.token },
    );
    expect(run.stderr).toBe('');
    const answer = JSON.parse(run.stdout) as Insights;
    expect(answer.leadTime).toMatchObject({ commits: 8, medianMs: 13 * HOUR, p90Ms: 42 * HOUR });
    expect(answer.leadTime.history).toMatch(/^GitHub commit history .*2 GraphQL calls/);
    expect(answer.changeFailureRate.rate).toBe(0.5);
    expect(run.stdout).not.toContain(gh.token);
    assertConformance(gh.requests);
  });

  it('names each mistake and the expected form, exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [[...PERIOD], /insights: '--environment' must name one environment/],
      [
        ['--environment', 'production', '--since', 'last quarter'],
        /'--since' must be a span back from now like 90d/,
      ],
      [['--environment', 'production', '--until', 'tomorrow'], /'--until' must be an ISO date/],
      [
        ['--environment', 'production', '--html', '../../etc/x.html'],
        /'--html' must be a path inside the workspace/,
      ],
      [['--environment', 'production', '--ledger', 'svn'], /'--ledger' must be github or file:<path>/],
      [['--environment', 'production', '--lookback', '0'], /'--lookback'/],
    ];
    for (const [args, message] of cases) {
      const run = await insights(args, repo);
      expect(run.stderr).toMatch(message);
      expect(run.code).toBe(2);
    }
  });
});
