// Runner-contract tests: the built insights bundle on the known month, from GitHub Deployments on the fake
// GitHub (commit history from GitHub: the workspace holds no clone) and from a file ledger beside a full clone.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Insights } from '../../src/insights/types.js';
import { type RunActionOptions, runAction } from '../../src/runner/runner.js';
import { assertConformance, type FakeGitHub, startFakeGitHub } from '../fakes/github/index.js';
import { nodeBinaries, repoRoot } from '../helpers/repo.js';
import { at } from '../insights/hand-built.js';
import { gitRepository, monthOfProduction, seedGitHub, writeFileLedger } from '../insights/known-history.js';

const node = nodeBinaries().at(-1)!.path;
const PERIOD = { since: at(0), until: at(24 * 30) };

let dir: string;
let clone: string;
let gh: FakeGitHub;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'insights-action-'));
  clone = join(dir, 'clone');
  const { commits, deployments } = monthOfProduction();
  const shas = gitRepository(clone, commits);
  gh = await startFakeGitHub();
  gh.store.addRepo({ owner: 'octo', name: 'app' });
  const ids = seedGitHub(gh.store, 'octo/app', commits, shas, deployments);
  mkdirSync(join(clone, '.deploy-kit'));
  writeFileLedger(join(clone, '.deploy-kit', 'ledger.json'), shas, deployments, ids);
}, 60_000);

afterAll(async () => {
  await gh?.close();
  rmSync(dir, { recursive: true, force: true });
});

function run(workspace: string, inputs: Record<string, string>, withGitHub = true) {
  return runAction({
    action: join(repoRoot, 'insights'),
    inputs: { environment: 'production', ...PERIOD, ...inputs },
    node,
    workspace,
    env: withGitHub ? gh.env() : {},
    github: { token: withGitHub ? gh.token : '', repository: 'octo/app', runId: '7' },
  } as RunActionOptions);
}

describe('insights action', () => {
  it('reads GitHub Deployments and commit history, and sets an output per key', async () => {
    const workspace = join(dir, 'empty');
    mkdirSync(workspace, { recursive: true });
    const result = await run(workspace, { report: 'out/dora.html' });
    expect(result.main.stderr).toBe('');
    expect(result.conclusion).toBe('success');
    expect(result.outputs).toMatchObject({
      'deployment-frequency': String(Math.round((4 / 30) * 7 * 1000) / 1000),
      'deployment-frequency-band': 'medium',
      'lead-time-hours': '13',
      'lead-time-band': 'elite',
      'change-failure-rate': '0.5',
      'change-failure-rate-band': 'low',
      'time-to-restore-hours': '42.5',
      'time-to-restore-band': 'medium',
      report: join(workspace, 'out/dora.html'),
    });
    const insights = JSON.parse(result.outputs.insights!) as Insights;
    expect(insights.leadTime.history).toMatch(/^GitHub commit history .*2 GraphQL calls/);
    expect(readFileSync(join(workspace, 'out/dora.html'), 'utf8')).toContain('var uPlot=function()');
    expect(result.summary).toContain('## Delivery insights: production');
    expect(result.summary).toMatch(/\| Change failure rate \| 50% \| 🔴 low \| 2 of 4 deployments failed/);
    expect(result.summary).toContain('```mermaid\nxychart-beta\n  title "Deployments per week"');
    expect(result.summary).toContain('bar [2, 2, 0, 0, 0]');
    expect(result.summary).toMatch(
      /\| v2 \| \d+ \| rolled back by deployment \d+: canary v2 aborted \| v1 \(\d+\) \| 1 h \|/,
    );
    expect(result.summary).toContain('3 API calls (0 REST, 3 GraphQL, 0 retries)');
    assertConformance(gh.requests);
  });

  it('reads a file ledger with the full clone as the history, and warns of a failure not restored', async () => {
    const result = await run(clone, { ledger: 'file:.deploy-kit/ledger.json', until: at(24 * 12) }, false);
    expect(result.conclusion).toBe('success');
    const insights = JSON.parse(result.outputs.insights!) as Insights;
    expect(insights.leadTime.history).toMatch(/^local git history/);
    // v2 restored in 1 h; v3 not restored by the period's end, 68 h after it failed: the median is 34.5 h.
    expect(result.outputs['time-to-restore-hours']).toBe('34.5');
    expect(result.outputs['time-to-restore-band']).toBe('medium');
    expect(result.main.log.annotations.filter((a) => a.level === 'warning').map((a) => a.message)).toEqual([
      expect.stringMatching(
        /^production: v3 \(deployment \d+, live 2026-03-10 20:00\): marked failure after it went live: post-deploy check: checkout 500s; not restored yet$/,
      ),
    ]);
  });

  it('refuses bad inputs before reading anything, naming the input', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ since: 'forever' }, /'since' must be a span back from now like 90d/],
      [{ ledger: 'file:missing.json' }, /does not exist/],
      [{ report: '../outside.html' }, /'report' must be a path inside the workspace/],
      [{ 'lookback-days': '0' }, /'lookback-days'/],
    ];
    for (const [inputs, message] of cases) {
      const result = await run(clone, { ledger: 'file:.deploy-kit/ledger.json', ...inputs }, false);
      expect(result.conclusion).toBe('failure');
      expect(
        result.main.log.annotations
          .filter((a) => a.level === 'error')
          .map((a) => a.message)
          .join('\n'),
      ).toMatch(message);
    }
  });
});
