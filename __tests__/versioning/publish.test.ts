import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubClient, type GitHubClient } from '../../src/github/client.js';
import { GitHubApiError } from '../../src/github/errors.js';
import {
  GITHUB_TOKEN_WARNING,
  type PublishOptions,
  publishRelease,
  TagConflictError,
} from '../../src/versioning/publish.js';
import { assertConformance, type FakeGitHub, startFakeGitHub } from '../fakes/github/index.js';

let gh: FakeGitHub;
let sha: string;

beforeEach(async () => {
  gh = await startFakeGitHub();
  gh.store.addRepo({ owner: 'octo', name: 'app' });
  sha = gh.store.addCommit('octo/app', { branch: 'main', message: 'feat: the release' });
});
afterEach(async () => {
  try {
    assertConformance(gh.requests);
  } finally {
    await gh.close();
  }
});

function client(token = gh.token): GitHubClient {
  return createGitHubClient({
    token,
    apiUrl: gh.url,
    graphqlUrl: gh.graphqlUrl,
    retryBaseMs: 10,
    log: { debug: () => {}, warning: () => {} },
    env: {},
  });
}

function options(overrides: Partial<PublishOptions> = {}): PublishOptions {
  return {
    client: client(),
    owner: 'octo',
    repo: 'app',
    tag: 'v1.4.0',
    sha,
    notes: '## Features\n\n- the release',
    draft: false,
    prerelease: false,
    majorTags: true,
    version: '1.4.0',
    dryRun: false,
    ...overrides,
  };
}

const repo = () => gh.store.repo('octo/app');
const refs = () => repo().refs;
const releases = () => repo().releases;
const writes = () => gh.requests.filter((r) => r.method !== 'GET');

describe('publishRelease', () => {
  it('first publish: tag on the exact sha, release with notes, v1 and v1.4 created, in 4 calls', async () => {
    const result = await publishRelease(options({ tokenIsGithubToken: true, previousVersion: null }));
    expect(result.tag).toBe('created');
    expect(result.release.state).toBe('created');
    expect(result.release.url).toContain('/releases/tag/v1.4.0');
    expect(result.movedTags).toEqual(['v1', 'v1.4']);
    expect(result.calls).toBe(4);
    expect(gh.requests).toHaveLength(4);
    expect(refs().get('refs/tags/v1.4.0')).toBe(sha);
    expect(refs().get('refs/tags/v1')).toBe(sha);
    expect(refs().get('refs/tags/v1.4')).toBe(sha);
    expect(releases()).toHaveLength(1);
    expect(releases()[0]).toMatchObject({
      tagName: 'v1.4.0',
      targetCommitish: sha,
      name: 'v1.4.0',
      body: '## Features\n\n- the release',
      draft: false,
      prerelease: false,
    });
    expect(result.warnings).toEqual([GITHUB_TOKEN_WARNING]);
  });

  it('a patch release moves existing v1 and v1.4 forward in 4 calls', async () => {
    gh.store.addTag('octo/app', 'v1.4.0', { sha });
    gh.store.addTag('octo/app', 'v1', { sha });
    gh.store.addTag('octo/app', 'v1.4', { sha });
    const next = gh.store.addCommit('octo/app', { branch: 'main', message: 'fix: a bug' });
    const result = await publishRelease(options({ tag: 'v1.4.1', version: '1.4.1', sha: next }));
    expect(result.calls).toBe(4);
    expect(result.movedTags).toEqual(['v1', 'v1.4']);
    expect(refs().get('refs/tags/v1')).toBe(next);
    expect(refs().get('refs/tags/v1.4')).toBe(next);
    expect(refs().get('refs/tags/v1.4.1')).toBe(next);
  });

  it('a hotfix of an older minor does not move v1 back, but moves its own vN.M', async () => {
    const old = sha;
    gh.store.addTag('octo/app', 'v1.3.0', { sha: old });
    gh.store.addTag('octo/app', 'v1.3', { sha: old });
    gh.store.addBranch('octo/app', 'release-1.3', old);
    const newer = gh.store.addCommit('octo/app', { branch: 'main', message: 'feat: more' });
    gh.store.addTag('octo/app', 'v1.4.0', { sha: newer });
    gh.store.addTag('octo/app', 'v1', { sha: newer });
    const hotfix = gh.store.addCommit('octo/app', { branch: 'release-1.3', message: 'fix: urgent' });
    const result = await publishRelease(
      options({ tag: 'v1.3.1', version: '1.3.1', sha: hotfix, previousVersion: '1.3.0' }),
    );
    expect(result.movedTags).toEqual(['v1.3']);
    expect(refs().get('refs/tags/v1')).toBe(newer);
    expect(refs().get('refs/tags/v1.3')).toBe(hotfix);
    expect(result.warnings.join('\n')).toMatch(/v1 not moved: v1\.4\.0 is a higher version than 1\.3\.1/);
  });

  it('a newer version not containing the commit v1 is on still moves v1 (forced after the version check)', async () => {
    const base = sha;
    gh.store.addBranch('octo/app', 'release-1.4', base);
    gh.store.addTag('octo/app', 'v1.4.0', { sha: base });
    const hotfix = gh.store.addCommit('octo/app', { branch: 'release-1.4', message: 'fix: urgent' });
    gh.store.addTag('octo/app', 'v1.4.1', { sha: hotfix });
    gh.store.addTag('octo/app', 'v1', { sha: hotfix });
    const main = gh.store.addCommit('octo/app', { branch: 'main', message: 'feat: next' });
    const result = await publishRelease(
      options({ tag: 'v1.5.0', version: '1.5.0', sha: main, previousVersion: '1.4.0' }),
    );
    expect(result.movedTags).toEqual(['v1', 'v1.5']);
    expect(refs().get('refs/tags/v1')).toBe(main);
  });

  it('without previousVersion, guesses from the version: 1.4.0 → v1 exists, v1.4 does not', async () => {
    const old = sha;
    gh.store.addTag('octo/app', 'v1', { sha: old });
    const next = gh.store.addCommit('octo/app', { branch: 'main', message: 'feat: next' });
    const result = await publishRelease(options({ sha: next }));
    expect(result.calls).toBe(4);
    expect(result.movedTags).toEqual(['v1', 'v1.4']);
    expect(refs().get('refs/tags/v1')).toBe(next);
  });

  it('a wrong guess costs one call more: v1 missing on a 1.4.0 release', async () => {
    const result = await publishRelease(options());
    expect(result.calls).toBe(5);
    expect(result.movedTags).toEqual(['v1', 'v1.4']);
  });

  it('accepts a single log function', async () => {
    const lines: string[] = [];
    await publishRelease(
      options({ log: (m) => lines.push(m), tokenIsGithubToken: true, previousVersion: null }),
    );
    expect(lines.join('\n')).toMatch(/GITHUB_TOKEN/);
  });

  it('re-run on the same commit: no duplicate, the release is updated', async () => {
    await publishRelease(options());
    const again = await publishRelease(options({ notes: 'edited notes', previousVersion: '1.4.0' }));
    expect(again.tag).toBe('existed');
    expect(again.calls).toBe(6);
    expect(again.release.state).toBe('updated');
    expect(again.movedTags).toEqual(['v1', 'v1.4']);
    expect(releases()).toHaveLength(1);
    expect(releases()[0]?.body).toBe('edited notes');
    expect([...refs().keys()].filter((r) => r.startsWith('refs/tags/'))).toHaveLength(3);
  });

  it('an annotated tag on the same commit is peeled and accepted', async () => {
    gh.store.addTag('octo/app', 'v1.4.0', { sha, message: 'v1.4.0' });
    const result = await publishRelease(options({ majorTags: false }));
    expect(result.tag).toBe('existed');
    expect(result.release.state).toBe('created');
    expect(gh.requestsFor('GET /repos/{owner}/{repo}/git/tags/{tag_sha}')).toHaveLength(1);
  });

  it('tag on another commit: a loud error naming both commits, nothing else changed', async () => {
    gh.store.addRelease('octo/app', { tagName: 'v1.4.0', targetCommitish: sha, body: 'old notes' });
    const other = gh.store.addCommit('octo/app', { branch: 'main', message: 'feat: another' });
    const error = await publishRelease(options({ sha: other })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TagConflictError);
    expect((error as Error).message).toContain(sha);
    expect((error as Error).message).toContain(other);
    expect(releases()[0]?.body).toBe('old notes');
    expect(refs().has('refs/tags/v1')).toBe(false);
    expect(writes().map((r) => `${r.method} ${r.path}`)).toEqual(['POST /repos/octo/app/git/refs']);
  });

  it('a tag without its release gets the release', async () => {
    gh.store.addTag('octo/app', 'v1.4.0', { sha });
    const result = await publishRelease(options());
    expect(result.tag).toBe('existed');
    expect(result.release.state).toBe('created');
    expect(releases()).toHaveLength(1);
  });

  it('two publishes at once make one tag and one release', async () => {
    const [a, b] = await Promise.all([publishRelease(options()), publishRelease(options())]);
    expect(releases()).toHaveLength(1);
    expect([...refs().keys()].filter((r) => r === 'refs/tags/v1.4.0')).toHaveLength(1);
    expect([a.tag, b.tag].sort()).toEqual(['created', 'existed']);
    expect(a.release.id).toBe(b.release.id);
    expect(refs().get('refs/tags/v1')).toBe(sha);
    expect(refs().get('refs/tags/v1.4')).toBe(sha);
  });

  it('a prerelease moves no major tag', async () => {
    gh.store.addTag('octo/app', 'v1', { sha });
    const next = gh.store.addCommit('octo/app', { branch: 'main', message: 'feat: next' });
    const result = await publishRelease(
      options({ tag: 'v1.5.0-rc.1', version: '1.5.0-rc.1', prerelease: true, sha: next }),
    );
    expect(result.movedTags).toEqual([]);
    expect(refs().get('refs/tags/v1')).toBe(sha);
    expect(releases()[0]?.prerelease).toBe(true);
    expect(result.warnings[0]).toMatch(/prerelease/);
    expect(result.calls).toBe(2);
  });

  it('dry run: no writes, says what it would do', async () => {
    const result = await publishRelease(options({ dryRun: true }));
    expect(writes()).toHaveLength(0);
    expect(result).toMatchObject({
      dryRun: true,
      tag: 'created',
      release: { id: 0, url: '', state: 'created' },
      movedTags: ['v1', 'v1.4'],
    });
    expect(refs().has('refs/tags/v1.4.0')).toBe(false);
  });

  it('dry run against another commit fails the same way', async () => {
    gh.store.addTag('octo/app', 'v1.4.0', { sha });
    const other = gh.store.addCommit('octo/app', { branch: 'main', message: 'feat: another' });
    await expect(publishRelease(options({ sha: other, dryRun: true }))).rejects.toBeInstanceOf(
      TagConflictError,
    );
    expect(writes()).toHaveLength(0);
  });

  it('retries 5xx answers', async () => {
    gh.faults.serverError('POST /repos/{owner}/{repo}/releases', { times: 2, status: 502 });
    gh.faults.serverError('POST /repos/{owner}/{repo}/git/refs', { times: 1, status: 500 });
    const c = client();
    const result = await publishRelease(options({ client: c, previousVersion: null }));
    expect(result.release.state).toBe('created');
    expect(result.calls).toBe(7);
    expect(c.callCount().retries).toBe(3);
    expect(releases()).toHaveLength(1);
  });

  it('explains a ruleset refusal (GH013)', async () => {
    gh.faults.add('POST /repos/{owner}/{repo}/git/refs', {
      type: 'status',
      status: 422,
      body: {
        message:
          'Repository rule violations found\n\nCannot create ref due to creations being restricted.\n\n',
        documentation_url: 'https://docs.github.com/rest/git/refs#create-a-reference',
        status: '422',
      },
    });
    const error = await publishRelease(options()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as Error).message).toMatch(/ruleset protects tags matching v1\.4\.0/);
    expect((error as Error).message).toMatch(/bypass/);
    expect(releases()).toHaveLength(0);
  });

  it('explains an immutable release', async () => {
    gh.store.addTag('octo/app', 'v1.4.0', { sha });
    gh.store.addRelease('octo/app', { tagName: 'v1.4.0', targetCommitish: sha });
    gh.faults.add('PATCH /repos/{owner}/{repo}/releases/{release_id}', {
      type: 'status',
      status: 422,
      body: {
        message: 'Cannot update an immutable release',
        documentation_url: 'https://docs.github.com/rest/releases/releases#update-a-release',
        status: '422',
      },
    });
    await expect(publishRelease(options())).rejects.toThrow(/release is immutable/);
  });

  it('explains 403: the workflow needs contents: write', async () => {
    gh.addToken('ghs_ro', { permissions: { contents: 'read' } });
    const error = await publishRelease(options({ client: client('ghs_ro') })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as Error).message).toMatch(/Resource not accessible by integration/);
    expect((error as Error).message).toMatch(/contents: write/);
  });

  it('rejects a short sha before any call', async () => {
    await expect(publishRelease(options({ sha: 'abc123' }))).rejects.toThrow(/full commit SHA/);
    expect(gh.requests).toHaveLength(0);
  });
});
