// Reading a workflow run's times from the Actions API, on the fake GitHub.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../src/github/client.js';
import { readRunAttempt, readWorkflowRun } from '../../src/github/workflow-runs.js';
import { assertConformance, type FakeGitHub, startFakeGitHub } from '../fakes/github/index.js';

let gh: FakeGitHub;
beforeEach(async () => {
  gh = await startFakeGitHub();
  gh.store.addRepo({ owner: 'octo', name: 'app' });
});
afterEach(async () => {
  try {
    assertConformance(gh.requests);
  } finally {
    await gh.close();
  }
});

const client = (token = gh.token) =>
  createGitHubClient({
    token,
    apiUrl: gh.url,
    graphqlUrl: gh.graphqlUrl,
    retries: 0,
    log: { debug: () => {}, warning: () => {} },
    env: {},
  });
const where = { owner: 'octo', repo: 'app' };

describe('readWorkflowRun', () => {
  it('reads when the run was created and when its latest attempt started, in one REST call', async () => {
    gh.store.addWorkflowRun('octo/app', { id: 77, createdAt: '2026-03-01T10:00:00Z' });
    // A re-run: the run as GitHub shows it is its latest attempt.
    gh.store.addWorkflowRun('octo/app', {
      id: 77,
      attempt: 2,
      createdAt: '2026-03-01T10:00:00Z',
      runStartedAt: '2026-03-01T11:30:00Z',
    });
    const c = client();
    expect(await readWorkflowRun(c, where, '77')).toEqual({
      id: 77,
      createdAt: '2026-03-01T10:00:00Z',
      runStartedAt: '2026-03-01T11:30:00Z',
      status: 'in_progress',
      conclusion: null,
    });
    expect(c.callCount()).toMatchObject({ rest: 1, graphql: 0 });
  });

  it('says which permission a token lacks, and what was not found', async () => {
    gh.store.addWorkflowRun('octo/app', { id: 78 });
    gh.addToken('ghs_no_actions', { permissions: { deployments: 'write', actions: 'none' } });
    await expect(readWorkflowRun(client('ghs_no_actions'), where, '78')).rejects.toThrow(/actions: read/);
    await expect(readWorkflowRun(client(), where, '79')).rejects.toThrow(/read workflow run 79 of octo\/app/);
    await expect(readWorkflowRun(client(), where, 'latest')).rejects.toThrow(
      "'latest' is not a workflow run id",
    );
  });
});

describe('readRunAttempt', () => {
  it('says whether one attempt has completed, in one REST call, and nothing when GitHub cannot say', async () => {
    gh.store.addWorkflowRun('octo/app', { id: 78, createdAt: '2026-03-01T10:00:00Z' });
    gh.store.addWorkflowRun('octo/app', { id: 78, attempt: 2, status: 'completed', conclusion: 'failure' });
    const c = client();
    expect(await readRunAttempt(c, where, '78', '1')).toMatchObject({ completed: false });
    expect(await readRunAttempt(c, where, '78', '2')).toMatchObject({ completed: true });
    expect(c.callCount()).toMatchObject({ rest: 2, graphql: 0 });
    // An unknown attempt, or ids that are not ids (no call made for those).
    expect(await readRunAttempt(c, where, '78', '3')).toBeUndefined();
    expect(await readRunAttempt(c, where, '78', '0')).toBeUndefined();
    expect(await readRunAttempt(c, where, 'x', '1')).toBeUndefined();
    expect(c.callCount()).toMatchObject({ rest: 3 });
  });
});
