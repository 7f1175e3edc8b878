// The four keys end to end over one known month: from a file ledger and the local git history, and from the
// fake GitHub (Deployments and commit history through GraphQL); both must give the figures worked out by hand,
// and agree with each other on everything but where they read from.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../src/github/client.js';
import { GitHistory } from '../../src/insights/git-history.js';
import { GitHubHistory } from '../../src/insights/github-history.js';
import { deliveryInsights } from '../../src/insights/insights.js';
import type { Insights } from '../../src/insights/types.js';
import { FileLedger } from '../../src/ledger/file.js';
import { GitHubLedger } from '../../src/ledger/github.js';
import { assertConformance, type FakeGitHub, startFakeGitHub } from '../fakes/github/index.js';
import { at } from './hand-built.js';
import { gitRepository, monthOfProduction, seedGitHub, writeFileLedger } from './known-history.js';

const HOUR = 3_600_000;
const period = { since: at(0), until: at(24 * 30) };
let dir: string;
let gh: FakeGitHub;
let fromFile: Insights;
let fromGitHub: Insights;
let graphqlCalls: number;
let commitCalls: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'insights-'));
  const { commits, deployments } = monthOfProduction();
  const shas = gitRepository(join(dir, 'repo'), commits);
  gh = await startFakeGitHub();
  gh.store.addRepo({ owner: 'octo', name: 'app' });
  const ids = seedGitHub(gh.store, 'octo/app', commits, shas, deployments);
  writeFileLedger(join(dir, 'ledger.json'), shas, deployments, ids);

  fromFile = await deliveryInsights(
    new FileLedger(join(dir, 'ledger.json'), { mustExist: true }),
    'production',
    period,
    {
      histories: [new GitHistory(join(dir, 'repo'))],
    },
  );
  const client = createGitHubClient({
    token: gh.token,
    apiUrl: gh.url,
    graphqlUrl: gh.graphqlUrl,
    retries: 0,
  });
  const history = new GitHubHistory(client, 'octo', 'app');
  fromGitHub = await deliveryInsights(
    new GitHubLedger({ client, owner: 'octo', repo: 'app' }),
    'production',
    period,
    {
      histories: [history],
    },
  );
  graphqlCalls = client.callCount().graphql;
  commitCalls = history.calls;
}, 60_000);

afterAll(async () => {
  await gh?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('delivery insights over a known month', () => {
  it('gives the figures worked out by hand (file ledger, local git)', () => {
    expect(fromFile.frequency).toEqual({
      deployments: 4,
      perDay: 4 / 30,
      perWeek: (4 / 30) * 7,
      daysWithDeployment: 4,
      redeploys: 1,
      rollbacks: 1,
      band: 'medium',
      why: 'between once a week and once a month',
    });
    // c1 14 h, c2 4 h; m1 12 h, c3 22 h, f2 32 h, f1 42 h (the merged branch); c4 12 h; c5 4 h.
    expect(fromFile.leadTime).toMatchObject({
      commits: 8,
      medianMs: 13 * HOUR,
      p90Ms: 42 * HOUR,
      band: 'elite',
    });
    expect(fromFile.leadTime.history).toMatch(/^local git history/);
    expect(fromFile.changeFailureRate).toMatchObject({ failures: 2, deployments: 4, rate: 0.5, band: 'low' });
    expect(fromFile.timeToRestore).toMatchObject({
      restored: 2,
      unrestored: 0,
      medianMs: 42.5 * HOUR,
      maxMs: 84 * HOUR,
      band: 'medium',
    });
    expect(
      fromFile.failures.map((f) => [f.version, f.kind, f.why, f.restoredBy?.version, f.restoreMs]),
    ).toEqual([
      [
        'v2',
        'canary-aborted',
        expect.stringMatching(/^rolled back by deployment \d+: canary v2 aborted$/),
        'v1',
        HOUR,
      ],
      [
        'v3',
        'failed-after-live',
        'marked failure after it went live: post-deploy check: checkout 500s',
        'v5',
        84 * HOUR,
      ],
    ]);
    expect(fromFile.notCounted.inProgress).toHaveLength(1);
    expect(fromFile.notCounted.neverLive).toHaveLength(1);
    expect(fromFile.report).toBe('Accelerate State of DevOps Report 2023');
  });

  it('gives the same from GitHub Deployments and GitHub commit history, in few GraphQL calls', () => {
    const { source: fileSource, leadTime: fileLead, ...fileRest } = fromFile;
    const { source: githubSource, leadTime: githubLead, ...githubRest } = fromGitHub;
    expect(githubRest).toEqual(fileRest);
    expect({ ...githubLead, history: '' }).toEqual({ ...fileLead, history: '' });
    expect(githubLead.history).toMatch(/^GitHub commit history since .* \(9 commits, 2 GraphQL calls\)$/);
    expect(fileSource.kind).toBe('file');
    expect(githubSource.kind).toBe('github');
    // One page of deployments, one count of the commit windows, one fetch of them.
    expect(commitCalls).toBe(2);
    expect(graphqlCalls).toBe(3);
    assertConformance(gh.requests);
  });
});
