// The GitHub commit history: windows counted in one call and fetched in one more, a burst in one window
// followed by cursor, a delivered commit the newest does not reach fetched from itself; every document valid
// against GitHub's schema (the fake checks it).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../src/github/client.js';
import { GitHubHistory, pack } from '../../src/insights/github-history.js';
import { assertConformance, type FakeGitHub, startFakeGitHub } from '../fakes/github/index.js';
import { at } from './hand-built.js';

let gh: FakeGitHub;
beforeEach(async () => {
  gh = await startFakeGitHub();
  gh.store.addRepo({ owner: 'octo', name: 'app' });
});
afterEach(async () => {
  assertConformance(gh.requests);
  await gh.close();
});

function history(): GitHubHistory {
  const client = createGitHubClient({
    token: gh.token,
    apiUrl: gh.url,
    graphqlUrl: gh.graphqlUrl,
    retries: 0,
  });
  return new GitHubHistory(client, 'octo', 'app');
}

/** `count` commits on main, one every `minutes`, from `start` hours after T0; returns their shas. */
function commits(count: number, start: number, minutes: number, branch = 'main'): string[] {
  return Array.from({ length: count }, (_, i) =>
    gh.store.addCommit('octo/app', {
      branch,
      message: `${branch} ${i}`,
      date: at(start + (i * minutes) / 60).replace('.000Z', 'Z'),
    }),
  );
}

describe('pack', () => {
  it('merges neighbours up to a page, splits a window over a page, drops empty ones', () => {
    expect(
      pack([
        { since: 0, until: 9, count: 40 },
        { since: 10, until: 19, count: 50 },
        { since: 20, until: 29, count: 0 },
        { since: 30, until: 39, count: 30 },
        { since: 40, until: 59, count: 250 },
      ]),
    ).toEqual([
      { since: 0, until: 19, count: 90 },
      { since: 30, until: 39, count: 30 },
      { since: 40, until: 43, count: 42 },
      { since: 44, until: 47, count: 42 },
      { since: 48, until: 51, count: 42 },
      { since: 52, until: 55, count: 42 },
      { since: 56, until: 59, count: 42 },
    ]);
  });
});

describe('GitHubHistory', () => {
  it('reads 1,000 commits in two calls, each with its parents', async () => {
    const shas = commits(1000, 0, 10);
    const read = history();
    const graph = await read.read({
      heads: [shas.at(-1)!],
      exclude: [],
      notBefore: at(-1),
      until: at(24 * 10),
    });
    expect(read.calls).toBe(2);
    expect(graph.commits.size).toBe(1000);
    expect(graph.commits.get(shas[500]!)).toEqual({ committedAt: at((500 * 10) / 60), parents: [shas[499]] });
    expect(graph.missing).toEqual([]);
  });

  it('follows a burst of commits in one second by cursor', async () => {
    const burst = commits(250, 5, 0);
    const read = history();
    const graph = await read.read({ heads: [burst.at(-1)!], exclude: [], notBefore: at(0), until: at(24) });
    expect(graph.commits.size).toBe(250);
    expect(read.calls).toBe(4);
  });

  it('fetches a delivered commit the newest does not reach from itself, and names one GitHub lacks', async () => {
    const main = commits(5, 1, 60);
    gh.store.setRef('octo/app', 'heads/feature', main[1]!);
    const feature = commits(3, 2, 60, 'feature');
    const read = history();
    const absent = 'e'.repeat(40);
    const graph = await read.read({
      heads: [feature.at(-1)!, absent, main.at(-1)!],
      exclude: [],
      notBefore: at(0),
      until: at(24),
    });
    expect(feature.every((sha) => graph.commits.has(sha))).toBe(true);
    expect(main.every((sha) => graph.commits.has(sha))).toBe(true);
    expect(graph.missing).toEqual([absent]);
    expect(read.calls).toBe(3);
  });

  it('names what it was reading when GitHub fails, and leaves nothing to clean up (it only reads)', async () => {
    const shas = commits(3, 0, 60);
    gh.faults.graphqlTimeout({ times: Number.POSITIVE_INFINITY });
    await expect(
      history().read({ heads: [shas.at(-1)!], exclude: [], notBefore: at(-1), until: at(24) }),
    ).rejects.toThrow(/read the commit history of octo\/app/);
  });

  it('stops at notBefore', async () => {
    const shas = commits(10, 0, 60);
    const graph = await history().read({
      heads: [shas.at(-1)!],
      exclude: [],
      notBefore: at(4.5),
      until: at(24),
    });
    expect([...graph.commits.keys()].sort()).toEqual(shas.slice(5).sort());
  });
});
