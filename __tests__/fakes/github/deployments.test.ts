import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { call } from './helpers.js';
import { assertConformance, type FakeGitHub, startFakeGitHub } from './index.js';

let gh: FakeGitHub;
const repo = 'octo/app';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

beforeEach(async () => {
  await gh?.close();
  gh = await startFakeGitHub();
  gh.store.addRepo({ owner: 'octo', name: 'app' });
});
afterAll(async () => {
  await gh.close();
});

describe('creating deployments', () => {
  it('answers 201 with GitHub fields, increasing ids and ISO timestamps', async () => {
    const first = await call(gh, 'POST', `/repos/${repo}/deployments`, {
      ref: 'main',
      environment: 'staging',
      payload: '{"slot":"canary"}',
      description: 'deploy 1',
      required_contexts: [],
    });
    const second = await call(gh, 'POST', `/repos/${repo}/deployments`, { ref: 'main', payload: { a: 1 } });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({
      ref: 'main',
      sha: gh.store.resolveCommit(gh.store.repo(repo), 'main'),
      task: 'deploy',
      environment: 'staging',
      original_environment: 'staging',
      production_environment: false,
      transient_environment: false,
      description: 'deploy 1',
      payload: { slot: 'canary' },
      creator: { login: 'github-actions[bot]', type: 'Bot' },
    });
    expect(first.json.url).toBe(`${gh.url}/repos/${repo}/deployments/${first.json.id}`);
    expect(first.json.created_at).toMatch(ISO);
    expect(second.json.id).toBeGreaterThan(first.json.id);
    expect(second.json).toMatchObject({
      environment: 'production',
      production_environment: true,
      payload: { a: 1 },
    });
    assertConformance(gh.requests);
  });

  it('answers 422 in GitHub shape for a missing or unknown ref', async () => {
    const missing = await call(gh, 'POST', `/repos/${repo}/deployments`, { environment: 'staging' });
    expect(missing.status).toBe(422);
    expect(missing.json).toMatchObject({
      message: 'Validation Failed',
      errors: [{ resource: 'Deployment', code: 'missing_field', field: 'ref' }],
      documentation_url: 'https://docs.github.com/rest/deployments/deployments#create-a-deployment',
    });
    const unknown = await call(gh, 'POST', `/repos/${repo}/deployments`, { ref: 'nope' });
    expect(unknown.status).toBe(422);
    expect(unknown.json.message).toBe('No ref found for: nope');
    // The request without `ref` departs from the description: the checker says so.
    expect(() => assertConformance(gh.requests)).toThrow(/request.*must have required property 'ref'/);
  });

  it('answers 409 with the failing contexts when required contexts are not green', async () => {
    gh.store.addCommitStatus(repo, { ref: 'main', context: 'ci/test', state: 'failure' });
    gh.store.addCheckRun(repo, { ref: 'main', name: 'lint', status: 'in_progress' });
    gh.store.addCommitStatus(repo, { ref: 'main', context: 'build', state: 'success' });
    const conflict = await call(gh, 'POST', `/repos/${repo}/deployments`, { ref: 'main' });
    expect(conflict.status).toBe(409);
    expect(conflict.json).toEqual({
      message: 'Conflict: Commit status checks failed for main.',
      errors: [
        {
          contexts: [
            { context: 'ci/test', state: 'failure' },
            { context: 'lint', state: 'pending' },
          ],
          resource: 'Deployment',
          field: 'required_contexts',
        },
      ],
      documentation_url: 'https://docs.github.com/rest/deployments/deployments#create-a-deployment',
      status: '409',
    });
    const chosen = await call(gh, 'POST', `/repos/${repo}/deployments`, {
      ref: 'main',
      required_contexts: ['build'],
    });
    expect(chosen.status).toBe(201);
    const none = await call(gh, 'POST', `/repos/${repo}/deployments`, { ref: 'main', required_contexts: [] });
    expect(none.status).toBe(201);
    const missing = await call(gh, 'POST', `/repos/${repo}/deployments`, {
      ref: 'main',
      required_contexts: ['e2e'],
    });
    expect(missing.json.errors[0].contexts).toEqual([{ context: 'e2e', state: 'missing' }]);
    assertConformance(gh.requests);
  });

  it('answers 202 when auto_merge merged the default branch into a branch behind it', async () => {
    gh.store.addBranch(repo, 'topic');
    gh.store.addCommit(repo, { branch: 'main', message: 'fix: on main' });
    const before = gh.store.resolveCommit(gh.store.repo(repo), 'topic');
    const merged = await call(gh, 'POST', `/repos/${repo}/deployments`, { ref: 'topic' });
    expect(merged.status).toBe(202);
    expect(merged.json).toEqual({ message: 'Auto-merged main into topic on deployment.' });
    const after = gh.store.resolveCommit(gh.store.repo(repo), 'topic');
    expect(after).not.toBe(before);
    expect(gh.store.repo(repo).deployments).toHaveLength(0);
    const created = await call(gh, 'POST', `/repos/${repo}/deployments`, { ref: 'topic' });
    expect(created.status).toBe(201);
    expect(created.json.sha).toBe(after);

    gh.store.addCommit(repo, { branch: 'main', message: 'fix: again' });
    const noMerge = await call(gh, 'POST', `/repos/${repo}/deployments`, { ref: 'topic', auto_merge: false });
    expect(noMerge.status).toBe(201);
    assertConformance(gh.requests);
  });
});

describe('listing, statuses and deletion', () => {
  it('filters and paginates newest first with Link headers', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i += 1) ids.push(gh.store.addDeployment(repo, { environment: 'staging' }).id);
    gh.store.addDeployment(repo, { environment: 'production' });
    const page1 = await call(gh, 'GET', `/repos/${repo}/deployments?environment=staging&per_page=2`);
    expect(page1.json.map((d: { id: number }) => d.id)).toEqual([ids[4], ids[3]]);
    const link = page1.headers.get('link') ?? '';
    expect(link).toContain(
      `<${gh.url}/repos/${repo}/deployments?environment=staging&per_page=2&page=2>; rel="next"`,
    );
    expect(link).toContain('page=3>; rel="last"');
    const page3 = await call(gh, 'GET', `/repos/${repo}/deployments?environment=staging&per_page=2&page=3`);
    expect(page3.json.map((d: { id: number }) => d.id)).toEqual([ids[0]]);
    expect(page3.headers.get('link')).toContain('rel="prev"');
    expect(page3.headers.get('link')).not.toContain('rel="next"');
    const bySha = await call(gh, 'GET', `/repos/${repo}/deployments?sha=${'0'.repeat(40)}`);
    expect(bySha.json).toEqual([]);
    assertConformance(gh.requests);
  });

  it('creates statuses with auto_inactive and lists them newest first', async () => {
    const old = gh.store.addDeployment(repo, { environment: 'staging', statuses: [{ state: 'success' }] });
    const prod = gh.store.addDeployment(repo, {
      environment: 'production',
      statuses: [{ state: 'success' }],
    });
    const fresh = gh.store.addDeployment(repo, { environment: 'staging' });
    const inProgress = await call(gh, 'POST', `/repos/${repo}/deployments/${fresh.id}/statuses`, {
      state: 'in_progress',
    });
    expect(inProgress.status).toBe(201);
    const success = await call(gh, 'POST', `/repos/${repo}/deployments/${fresh.id}/statuses`, {
      state: 'success',
      environment_url: 'https://staging.example',
      log_url: 'https://ci.example/run/1',
      description: 'live',
    });
    expect(success.json).toMatchObject({
      state: 'success',
      environment: 'staging',
      environment_url: 'https://staging.example',
      log_url: 'https://ci.example/run/1',
      target_url: 'https://ci.example/run/1',
      deployment_url: `${gh.url}/repos/${repo}/deployments/${fresh.id}`,
    });
    const oldStatuses = await call(gh, 'GET', `/repos/${repo}/deployments/${old.id}/statuses`);
    expect(oldStatuses.json.map((s: { state: string }) => s.state)).toEqual(['inactive', 'success']);
    const prodStatuses = await call(gh, 'GET', `/repos/${repo}/deployments/${prod.id}/statuses`);
    expect(prodStatuses.json.map((s: { state: string }) => s.state)).toEqual(['success']);
    const list = await call(gh, 'GET', `/repos/${repo}/deployments/${fresh.id}/statuses`);
    expect(list.json.map((s: { state: string }) => s.state)).toEqual(['success', 'in_progress']);
    const one = await call(gh, 'GET', `/repos/${repo}/deployments/${fresh.id}/statuses/${success.json.id}`);
    expect(one.json.id).toBe(success.json.id);

    const invalid = await call(gh, 'POST', `/repos/${repo}/deployments/${fresh.id}/statuses`, {
      state: 'done',
    });
    expect(invalid.status).toBe(422);
    expect(invalid.json.errors).toEqual([{ resource: 'DeploymentStatus', code: 'invalid', field: 'state' }]);
    const moved = await call(gh, 'POST', `/repos/${repo}/deployments/${fresh.id}/statuses`, {
      state: 'success',
      environment: 'qa',
      auto_inactive: false,
    });
    expect(moved.json.environment).toBe('qa');
    expect((await call(gh, 'GET', `/repos/${repo}/deployments/${fresh.id}`)).json.environment).toBe('qa');
    // `state: 'done'` is not in the description's enum: the request is flagged, everything else conforms.
    expect(() => assertConformance(gh.requests)).toThrow(/create-deployment-status\) request \/state/);
  });

  it('deletes only inactive deployments (or the only one)', async () => {
    const old = gh.store.addDeployment(repo, {
      environment: 'staging',
      statuses: [{ state: 'success' }, { state: 'inactive' }],
    });
    const active = gh.store.addDeployment(repo, { environment: 'staging', statuses: [{ state: 'success' }] });
    const refused = await call(gh, 'DELETE', `/repos/${repo}/deployments/${active.id}`);
    expect(refused.status).toBe(422);
    expect(refused.json.message).toMatch(/cannot delete an active deployment/);
    expect((await call(gh, 'DELETE', `/repos/${repo}/deployments/${old.id}`)).status).toBe(204);
    expect((await call(gh, 'GET', `/repos/${repo}/deployments/${old.id}`)).status).toBe(404);
    expect((await call(gh, 'DELETE', `/repos/${repo}/deployments/${active.id}`)).status).toBe(204);
    expect((await call(gh, 'GET', `/repos/nobody/nothing/deployments`)).status).toBe(404);
    assertConformance(gh.requests);
  });
});
