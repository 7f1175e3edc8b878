// The fake's Actions variables routes, raw (no Octokit in between), held to GitHub's OpenAPI description.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call } from './helpers.js';
import { assertConformance, type FakeGitHub, startFakeGitHub } from './index.js';

let gh: FakeGitHub;
const path = '/repos/octo/app/actions/variables';
const token = { token: 'ghs_pat' };

beforeEach(async () => {
  gh = await startFakeGitHub();
  gh.store.addRepo({ owner: 'octo', name: 'app' });
  gh.addToken('ghs_pat', { login: 'octocat' });
});
afterEach(async () => {
  try {
    assertConformance(gh.requests);
  } finally {
    await gh.close();
  }
});

describe('Actions variables', () => {
  it('creates, reads in any case, lists, updates and deletes a variable, as GitHub answers', async () => {
    expect((await call(gh, 'POST', path, { name: 'canary_control', value: 'pause' }, token)).status).toBe(
      201,
    );
    const one = await call(gh, 'GET', `${path}/Canary_Control`, undefined, token);
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({ name: 'CANARY_CONTROL', value: 'pause' });
    expect(typeof one.json.created_at).toBe('string');
    const list = await call(gh, 'GET', path, undefined, token);
    expect(list.json).toMatchObject({ total_count: 1, variables: [{ name: 'CANARY_CONTROL' }] });
    expect((await call(gh, 'PATCH', `${path}/CANARY_CONTROL`, { value: 'continue' }, token)).status).toBe(
      204,
    );
    expect((await call(gh, 'GET', `${path}/CANARY_CONTROL`, undefined, token)).json.value).toBe('continue');
    expect((await call(gh, 'DELETE', `${path}/CANARY_CONTROL`, undefined, token)).status).toBe(204);
    expect((await call(gh, 'GET', `${path}/CANARY_CONTROL`, undefined, token)).status).toBe(404);
  });

  it('refuses a name GitHub refuses and a name taken', async () => {
    const reserved = await call(gh, 'POST', path, { name: 'GITHUB_X', value: '1' }, token);
    expect(reserved.status).toBe(422);
    expect((await call(gh, 'POST', path, { name: '1ST', value: '1' }, token)).status).toBe(422);
    gh.store.setVariable('octo/app', 'TAKEN', 'a');
    expect((await call(gh, 'POST', path, { name: 'taken', value: 'b' }, token)).status).toBe(409);
  });

  it("answers the workflow's GITHUB_TOKEN 403, as GitHub does; a granted token reads", async () => {
    gh.store.setVariable('octo/app', 'CANARY_CONTROL', 'pause');
    const denied = await call(gh, 'GET', `${path}/CANARY_CONTROL`);
    expect(denied.status).toBe(403);
    expect(denied.json.message).toBe('Resource not accessible by integration');
    gh.addToken('ghs_read', { login: 'octocat', permissions: { variables: 'read' } });
    expect((await call(gh, 'GET', `${path}/CANARY_CONTROL`, undefined, { token: 'ghs_read' })).status).toBe(
      200,
    );
    expect(
      (await call(gh, 'DELETE', `${path}/CANARY_CONTROL`, undefined, { token: 'ghs_read' })).status,
    ).toBe(403);
  });

  it('changes a variable at the n-th read when a test asks, before that read is answered', async () => {
    gh.store.setVariable('octo/app', 'CANARY_CONTROL', 'pause');
    gh.store.onVariableRead('octo/app', 'canary_control', 2, () =>
      gh.store.setVariable('octo/app', 'CANARY_CONTROL', 'continue'),
    );
    const values = [];
    for (let i = 0; i < 3; i++)
      values.push((await call(gh, 'GET', `${path}/CANARY_CONTROL`, undefined, token)).json.value);
    expect(values).toEqual(['pause', 'continue', 'continue']);
  });
});
