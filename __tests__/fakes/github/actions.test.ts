import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { call } from './helpers.js';
import { assertConformance, type FakeGitHub, startFakeGitHub } from './index.js';

let gh: FakeGitHub;
const repo = 'octo/app';

beforeEach(async () => {
  await gh?.close();
  gh = await startFakeGitHub();
  gh.store.addRepo({ owner: 'octo', name: 'app' });
  gh.store.addCommit(repo, { branch: 'main', message: 'feat: first' });
});
afterAll(async () => {
  await gh.close();
});

describe('workflow run attempts', () => {
  it('answers an attempt in progress, then completed, in the shape GitHub documents', async () => {
    gh.store.addWorkflowRun(repo, { id: 901, attempt: 2 });
    const running = await call(gh, 'GET', `/repos/${repo}/actions/runs/901/attempts/2`);
    expect(running.status).toBe(200);
    expect(running.json).toMatchObject({ id: 901, run_attempt: 2, status: 'in_progress', conclusion: null });

    gh.store.completeWorkflowRun(repo, 901, 2, 'cancelled');
    const done = await call(gh, 'GET', `/repos/${repo}/actions/runs/901/attempts/2`);
    expect(done.json).toMatchObject({ status: 'completed', conclusion: 'cancelled' });
    assertConformance(gh.requests);
  });

  it('answers 404 for an attempt it does not know', async () => {
    gh.store.addWorkflowRun(repo, { id: 901 });
    expect((await call(gh, 'GET', `/repos/${repo}/actions/runs/901/attempts/2`)).status).toBe(404);
    expect((await call(gh, 'GET', `/repos/${repo}/actions/runs/5/attempts/1`)).status).toBe(404);
  });
});
