import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from './helpers.js';
import { assertConformance, type FakeGitHub, startFakeGitHub } from './index.js';

let gh: FakeGitHub;
const repo = 'octo/app';
let base: string;
let head: string;

beforeAll(async () => {
  gh = await startFakeGitHub();
  gh.store.addRepo({ owner: 'octo', name: 'app' });
  base = gh.store.addCommit(repo, { branch: 'main', message: 'feat: base' });
  gh.store.addBranch(repo, 'feature');
  gh.store.addCommit(repo, { branch: 'feature', message: 'feat: one' });
  head = gh.store.addCommit(repo, { branch: 'feature', message: 'fix: two\n\nbody' });
  gh.store.addCommit(repo, { branch: 'main', message: 'chore: on main' });
});
afterAll(async () => {
  await gh.close();
});

it('gets the repository', async () => {
  const answer = await call(gh, 'GET', `/repos/${repo}`);
  expect(answer.json).toMatchObject({
    full_name: repo,
    default_branch: 'main',
    private: false,
    owner: { login: 'octo' },
  });
  expect(answer.json.html_url).toBe(`${gh.origin}/${repo}`);
});

describe('git refs and tags', () => {
  it('gets, lists, creates, updates and deletes refs as GitHub does', async () => {
    const main = await call(gh, 'GET', `/repos/${repo}/git/ref/heads/main`);
    expect(main.json).toMatchObject({ ref: 'refs/heads/main', object: { type: 'commit' } });
    expect((await call(gh, 'GET', `/repos/${repo}/git/ref/heads%2Ffeature`)).json.object.sha).toBe(head);
    expect((await call(gh, 'GET', `/repos/${repo}/git/ref/heads/nope`)).status).toBe(404);

    const created = await call(gh, 'POST', `/repos/${repo}/git/refs`, { ref: 'refs/tags/v1.0.0', sha: base });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ ref: 'refs/tags/v1.0.0', object: { sha: base, type: 'commit' } });
    const duplicate = await call(gh, 'POST', `/repos/${repo}/git/refs`, {
      ref: 'refs/tags/v1.0.0',
      sha: base,
    });
    expect(duplicate.status).toBe(422);
    expect(duplicate.json.message).toBe('Reference already exists');
    const badName = await call(gh, 'POST', `/repos/${repo}/git/refs`, { ref: 'v2', sha: base });
    expect(badName.status).toBe(422);

    const matching = await call(gh, 'GET', `/repos/${repo}/git/matching-refs/tags/v1`);
    expect(matching.json.map((r: { ref: string }) => r.ref)).toEqual(['refs/tags/v1.0.0']);

    const mainSha = main.json.object.sha as string;
    const notFf = await call(gh, 'PATCH', `/repos/${repo}/git/refs/heads/main`, { sha: head });
    expect(notFf.status).toBe(422);
    expect(notFf.json.message).toBe('Update is not a fast forward');
    const forced = await call(gh, 'PATCH', `/repos/${repo}/git/refs/heads/main`, { sha: head, force: true });
    expect(forced.json.object.sha).toBe(head);
    await call(gh, 'PATCH', `/repos/${repo}/git/refs/heads/main`, { sha: mainSha, force: true });
    expect((await call(gh, 'DELETE', `/repos/${repo}/git/refs/tags/v1.0.0`)).status).toBe(204);
    expect((await call(gh, 'DELETE', `/repos/${repo}/git/refs/tags/v1.0.0`)).status).toBe(422);
  });

  it('creates annotated tag objects that refs can point at', async () => {
    const tag = await call(gh, 'POST', `/repos/${repo}/git/tags`, {
      tag: 'v1.1.0',
      message: 'Release v1.1.0',
      object: head,
      type: 'commit',
      tagger: { name: 'Release Bot', email: 'bot@example.com', date: '2024-05-01T12:00:00Z' },
    });
    expect(tag.status).toBe(201);
    expect(tag.json).toMatchObject({
      tag: 'v1.1.0',
      message: 'Release v1.1.0\n',
      object: { sha: head, type: 'commit' },
    });
    await call(gh, 'POST', `/repos/${repo}/git/refs`, { ref: 'refs/tags/v1.1.0', sha: tag.json.sha });
    const ref = await call(gh, 'GET', `/repos/${repo}/git/ref/tags/v1.1.0`);
    expect(ref.json.object).toMatchObject({ type: 'tag', sha: tag.json.sha });
    expect((await call(gh, 'GET', `/repos/${repo}/git/tags/${tag.json.sha}`)).json.tagger.name).toBe(
      'Release Bot',
    );
    // The tag peels to its commit wherever a ref is accepted.
    expect((await call(gh, 'GET', `/repos/${repo}/commits/v1.1.0`)).json.sha).toBe(head);
  });

  it('gets commits and compares refs', async () => {
    const commit = await call(gh, 'GET', `/repos/${repo}/commits/${head.slice(0, 7)}`);
    expect(commit.json).toMatchObject({ sha: head, commit: { message: 'fix: two\n\nbody' } });
    expect(commit.json.html_url).toBe(`${gh.origin}/${repo}/commit/${head}`);
    expect((await call(gh, 'GET', `/repos/${repo}/commits/nope`)).json.message).toBe(
      'No commit found for SHA: nope',
    );

    const compare = await call(gh, 'GET', `/repos/${repo}/compare/main...feature`);
    expect(compare.json).toMatchObject({ status: 'diverged', ahead_by: 2, behind_by: 1, total_commits: 2 });
    expect(compare.json.merge_base_commit.sha).toBe(base);
    expect(compare.json.commits.map((c: { commit: { message: string } }) => c.commit.message)).toEqual([
      'feat: one',
      'fix: two\n\nbody',
    ]);
    const ahead = await call(gh, 'GET', `/repos/${repo}/compare/${base}...${head}`);
    expect(ahead.json).toMatchObject({ status: 'ahead', behind_by: 0 });
    const same = await call(gh, 'GET', `/repos/${repo}/compare/feature...feature`);
    expect(same.json.status).toBe('identical');
  });
});

describe('releases', () => {
  it('creates, refuses a duplicate tag, gets by tag, updates, lists', async () => {
    const created = await call(gh, 'POST', `/repos/${repo}/releases`, {
      tag_name: 'v2.0.0',
      name: 'v2.0.0',
      body: 'notes',
      target_commitish: 'main',
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      tag_name: 'v2.0.0',
      draft: false,
      prerelease: false,
      body: 'notes',
    });
    expect(created.json.html_url).toBe(`${gh.origin}/${repo}/releases/tag/v2.0.0`);
    // Publishing made the tag.
    expect((await call(gh, 'GET', `/repos/${repo}/git/ref/tags/v2.0.0`)).status).toBe(200);

    const duplicate = await call(gh, 'POST', `/repos/${repo}/releases`, { tag_name: 'v2.0.0' });
    expect(duplicate.status).toBe(422);
    expect(duplicate.json).toMatchObject({
      message: 'Validation Failed',
      errors: [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }],
    });

    const byTag = await call(gh, 'GET', `/repos/${repo}/releases/tags/v2.0.0`);
    expect(byTag.json.id).toBe(created.json.id);
    expect((await call(gh, 'GET', `/repos/${repo}/releases/tags/v9`)).status).toBe(404);

    const draft = await call(gh, 'POST', `/repos/${repo}/releases`, { tag_name: 'v2.1.0', draft: true });
    expect(draft.json.published_at).toBeNull();
    expect((await call(gh, 'GET', `/repos/${repo}/releases/tags/v2.1.0`)).status).toBe(404);
    const published = await call(gh, 'PATCH', `/repos/${repo}/releases/${draft.json.id}`, {
      draft: false,
      body: 'b',
    });
    expect(published.json).toMatchObject({ draft: false, body: 'b' });
    expect(published.json.published_at).not.toBeNull();

    const list = await call(gh, 'GET', `/repos/${repo}/releases?per_page=1`);
    expect(list.json.map((r: { tag_name: string }) => r.tag_name)).toEqual(['v2.1.0']);
    expect(list.headers.get('link')).toContain('rel="next"');
    expect((await call(gh, 'GET', `/repos/${repo}/releases/latest`)).json.tag_name).toBe('v2.1.0');
  });
});

describe('checks, statuses, pull requests', () => {
  it('creates and updates check runs and lists them for a ref', async () => {
    const created = await call(gh, 'POST', `/repos/${repo}/check-runs`, {
      name: 'deploy-kit/gates',
      head_sha: head,
      status: 'in_progress',
      output: { title: 'Gates', summary: 'running' },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      status: 'in_progress',
      conclusion: null,
      app: { slug: 'github-actions' },
    });
    const done = await call(gh, 'PATCH', `/repos/${repo}/check-runs/${created.json.id}`, {
      conclusion: 'success',
    });
    expect(done.json).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(done.json.completed_at).not.toBeNull();
    gh.store.addCheckRun(repo, { headSha: head, name: 'test', conclusion: 'failure' });
    const list = await call(gh, 'GET', `/repos/${repo}/commits/feature/check-runs`);
    expect(list.json.total_count).toBe(2);
    const one = await call(gh, 'GET', `/repos/${repo}/commits/feature/check-runs?check_name=test`);
    expect(one.json.check_runs.map((r: { name: string }) => r.name)).toEqual(['test']);
    const invalid = await call(gh, 'POST', `/repos/${repo}/check-runs`, {
      name: 'x',
      head_sha: head,
      status: 'completed',
    });
    expect(invalid.status).toBe(422);
  });

  it('creates commit statuses and combines the latest per context', async () => {
    const pending = await call(gh, 'POST', `/repos/${repo}/statuses/${head}`, {
      state: 'pending',
      context: 'ci/test',
    });
    expect(pending.status).toBe(201);
    expect((await call(gh, 'GET', `/repos/${repo}/commits/feature/status`)).json.state).toBe('pending');
    await call(gh, 'POST', `/repos/${repo}/statuses/${head}`, {
      state: 'success',
      context: 'ci/test',
      target_url: 'https://ci.example/1',
    });
    await call(gh, 'POST', `/repos/${repo}/statuses/${head}`, { state: 'success', context: 'lint' });
    const combined = await call(gh, 'GET', `/repos/${repo}/commits/${head}/status`);
    expect(combined.json).toMatchObject({ state: 'success', total_count: 2, sha: head });
    await call(gh, 'POST', `/repos/${repo}/statuses/${head}`, { state: 'error', context: 'lint' });
    expect((await call(gh, 'GET', `/repos/${repo}/commits/${head}/status`)).json.state).toBe('failure');
    expect((await call(gh, 'GET', `/repos/${repo}/commits/${head}/statuses`)).json).toHaveLength(4);
    expect(
      (await call(gh, 'POST', `/repos/${repo}/statuses/${'f'.repeat(40)}`, { state: 'success' })).status,
    ).toBe(422);
  });

  it('gets pull requests and lists their reviews', async () => {
    gh.store.addPullRequest(repo, { number: 7, head: 'feature', title: 'Add feature' });
    gh.store.addReview(repo, 7, { user: 'alice', state: 'CHANGES_REQUESTED' });
    gh.store.addReview(repo, 7, { user: 'alice', state: 'APPROVED', body: 'lgtm' });
    const pull = await call(gh, 'GET', `/repos/${repo}/pulls/7`);
    expect(pull.json).toMatchObject({
      number: 7,
      state: 'open',
      head: { ref: 'feature', sha: head },
      base: { ref: 'main' },
    });
    const reviews = await call(gh, 'GET', `/repos/${repo}/pulls/7/reviews`);
    expect(reviews.json.map((r: { state: string }) => r.state)).toEqual(['CHANGES_REQUESTED', 'APPROVED']);
    expect(reviews.json[1]).toMatchObject({ user: { login: 'alice' }, commit_id: head, body: 'lgtm' });
    expect((await call(gh, 'GET', `/repos/${repo}/pulls/8`)).status).toBe(404);
  });

  it('answers the required status checks of a protected branch, 404 for one without protection', async () => {
    gh.store.protectBranch(repo, 'main', { requiredContexts: ['test', 'ci/e2e'] });
    const required = await call(gh, 'GET', `/repos/${repo}/branches/main/protection/required_status_checks`);
    expect(required.status).toBe(200);
    expect(required.json).toMatchObject({
      contexts: ['test', 'ci/e2e'],
      checks: [
        { context: 'test', app_id: null },
        { context: 'ci/e2e', app_id: null },
      ],
    });
    const unprotected = await call(
      gh,
      'GET',
      `/repos/${repo}/branches/feature/protection/required_status_checks`,
    );
    expect(unprotected.json).toMatchObject({ message: 'Branch not protected' });
    expect(unprotected.status).toBe(404);
  });

  it('changes checks at the read a test chooses (checks that appear or finish late)', async () => {
    const late = gh.store.addCommit(repo, { branch: 'late', message: 'feat: late checks' });
    let build: ReturnType<typeof gh.store.addCheckRun> | undefined;
    gh.store.onChecksRead(repo, late, 2, () => {
      build = gh.store.addCheckRun(repo, { headSha: late, name: 'build', status: 'in_progress' });
    });
    gh.store.onChecksRead(repo, late, 3, () => gh.store.completeCheckRun(build!, 'success'));
    const runs = async () =>
      (await call(gh, 'GET', `/repos/${repo}/commits/${late}/check-runs`)).json.check_runs.map(
        (r: { name: string; status: string; conclusion: string | null }) => [r.name, r.status, r.conclusion],
      );
    expect(await runs()).toEqual([]);
    expect(await runs()).toEqual([['build', 'in_progress', null]]);
    expect(await runs()).toEqual([['build', 'completed', 'success']]);
    expect(gh.store.checksReadCount(repo, late)).toBe(3);
  });
});

it('sent and answered only what GitHub describes', () => {
  expect(gh.requests.length).toBeGreaterThan(40);
  assertConformance(gh.requests);
});
