// REST representations of the store's records, in GitHub's field names and shapes (held to the OpenAPI
// description by the conformance checker).
import type { Urls } from './router.js';
import {
  type CheckRunRecord,
  type CommitRecord,
  type CommitStatusRecord,
  type DeploymentRecord,
  type DeploymentStatusRecord,
  nodeId,
  type PullRequestRecord,
  type ReleaseRecord,
  type RepoRecord,
  type ReviewRecord,
  type Store,
  type TagObjectRecord,
  type UserRecord,
  type VariableRecord,
  type WorkflowRunRecord,
} from './store.js';

type Json = Record<string, unknown>;

export function user(urls: Urls, u: UserRecord): Json {
  const api = `${urls.api}/users/${encodeURIComponent(u.login)}`;
  return {
    login: u.login,
    id: u.id,
    node_id: u.nodeId,
    avatar_url: `${urls.web}/avatars/u/${u.id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: `${urls.web}/${u.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: u.type,
    user_view_type: 'public',
    site_admin: false,
  };
}

export function repoApi(urls: Urls, repo: RepoRecord): string {
  return `${urls.api}/repos/${repo.fullName}`;
}

export function repoHtml(urls: Urls, repo: RepoRecord): string {
  return `${urls.web}/${repo.fullName}`;
}

/** `minimal-repository` (and, with the extra counters, `repository`). */
export function repository(urls: Urls, repo: RepoRecord): Json {
  const api = repoApi(urls, repo);
  const html = repoHtml(urls, repo);
  const host = new URL(urls.web).host;
  return {
    id: repo.id,
    node_id: repo.nodeId,
    name: repo.name,
    full_name: repo.fullName,
    owner: user(urls, repo.owner),
    private: repo.private,
    html_url: html,
    description: repo.description,
    fork: false,
    url: api,
    archive_url: `${api}/{archive_format}{/ref}`,
    assignees_url: `${api}/assignees{/user}`,
    blobs_url: `${api}/git/blobs{/sha}`,
    branches_url: `${api}/branches{/branch}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    comments_url: `${api}/comments{/number}`,
    commits_url: `${api}/commits{/sha}`,
    compare_url: `${api}/compare/{base}...{head}`,
    contents_url: `${api}/contents/{+path}`,
    contributors_url: `${api}/contributors`,
    deployments_url: `${api}/deployments`,
    downloads_url: `${api}/downloads`,
    events_url: `${api}/events`,
    forks_url: `${api}/forks`,
    git_commits_url: `${api}/git/commits{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_url: `git://${host}/${repo.fullName}.git`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    issue_events_url: `${api}/issues/events{/number}`,
    issues_url: `${api}/issues{/number}`,
    keys_url: `${api}/keys{/key_id}`,
    labels_url: `${api}/labels{/name}`,
    languages_url: `${api}/languages`,
    merges_url: `${api}/merges`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    pulls_url: `${api}/pulls{/number}`,
    releases_url: `${api}/releases{/id}`,
    ssh_url: `git@${host}:${repo.fullName}.git`,
    stargazers_url: `${api}/stargazers`,
    statuses_url: `${api}/statuses/{sha}`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    tags_url: `${api}/tags`,
    teams_url: `${api}/teams`,
    trees_url: `${api}/git/trees{/sha}`,
    clone_url: `${html}.git`,
    mirror_url: null,
    hooks_url: `${api}/hooks`,
    svn_url: html,
    homepage: null,
    language: 'TypeScript',
    forks_count: 0,
    forks: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: 100,
    default_branch: repo.defaultBranch,
    open_issues_count: 0,
    open_issues: 0,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: repo.private ? 'private' : 'public',
    license: null,
    pushed_at: repo.createdAt,
    created_at: repo.createdAt,
    updated_at: repo.createdAt,
    allow_forking: true,
    web_commit_signoff_required: false,
  };
}

export function commit(urls: Urls, repo: RepoRecord, c: CommitRecord, store: Store): Json {
  const api = repoApi(urls, repo);
  const githubUser = (email: string) => {
    const login = email.split('@')[0] ?? 'mona';
    return user(urls, store.user(login));
  };
  return {
    url: `${api}/commits/${c.sha}`,
    sha: c.sha,
    node_id: c.nodeId,
    html_url: `${repoHtml(urls, repo)}/commit/${c.sha}`,
    comments_url: `${api}/commits/${c.sha}/comments`,
    commit: {
      url: `${api}/git/commits/${c.sha}`,
      author: c.author,
      committer: c.committer,
      message: c.message,
      tree: { sha: c.tree, url: `${api}/git/trees/${c.tree}` },
      comment_count: 0,
      verification: {
        verified: false,
        reason: 'unsigned',
        signature: null,
        payload: null,
        verified_at: null,
      },
    },
    author: githubUser(c.author.email),
    committer: githubUser(c.committer.email),
    parents: c.parents.map((sha) => ({
      sha,
      url: `${api}/commits/${sha}`,
      html_url: `${repoHtml(urls, repo)}/commit/${sha}`,
    })),
  };
}

export function gitRef(urls: Urls, repo: RepoRecord, ref: string, sha: string): Json {
  const api = repoApi(urls, repo);
  const isTag = repo.tagObjects.has(sha);
  return {
    ref,
    node_id: nodeId('Ref', `${repo.id}:${ref}`),
    url: `${api}/git/${ref}`,
    object: {
      type: isTag ? 'tag' : 'commit',
      sha,
      url: `${api}/git/${isTag ? 'tags' : 'commits'}/${sha}`,
    },
  };
}

export function gitTag(urls: Urls, repo: RepoRecord, tag: TagObjectRecord): Json {
  const api = repoApi(urls, repo);
  return {
    node_id: tag.nodeId,
    tag: tag.tag,
    sha: tag.sha,
    url: `${api}/git/tags/${tag.sha}`,
    message: tag.message,
    tagger: tag.tagger,
    object: { ...tag.object, url: `${api}/git/${tag.object.type}s/${tag.object.sha}` },
    verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
  };
}

export function deployment(urls: Urls, repo: RepoRecord, d: DeploymentRecord): Json {
  const api = repoApi(urls, repo);
  return {
    url: `${api}/deployments/${d.id}`,
    id: d.id,
    node_id: d.nodeId,
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: d.payload,
    original_environment: d.originalEnvironment,
    environment: d.environment,
    description: d.description,
    creator: user(urls, d.creator),
    created_at: d.createdAt,
    updated_at: d.updatedAt,
    statuses_url: `${api}/deployments/${d.id}/statuses`,
    repository_url: api,
    transient_environment: d.transientEnvironment,
    production_environment: d.productionEnvironment,
  };
}

export function deploymentStatus(
  urls: Urls,
  repo: RepoRecord,
  d: DeploymentRecord,
  s: DeploymentStatusRecord,
): Json {
  const api = repoApi(urls, repo);
  return {
    url: `${api}/deployments/${d.id}/statuses/${s.id}`,
    id: s.id,
    node_id: s.nodeId,
    state: s.state,
    creator: user(urls, s.creator),
    description: s.description,
    environment: s.environment,
    target_url: s.logUrl,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
    deployment_url: `${api}/deployments/${d.id}`,
    repository_url: api,
    environment_url: s.environmentUrl,
    log_url: s.logUrl,
  };
}

export function release(urls: Urls, repo: RepoRecord, r: ReleaseRecord): Json {
  const api = repoApi(urls, repo);
  const html = repoHtml(urls, repo);
  return {
    url: `${api}/releases/${r.id}`,
    html_url: r.draft ? `${html}/releases/tag/untagged-${r.id}` : `${html}/releases/tag/${r.tagName}`,
    assets_url: `${api}/releases/${r.id}/assets`,
    upload_url: `${urls.web}/api/uploads/repos/${repo.fullName}/releases/${r.id}/assets{?name,label}`,
    tarball_url: `${api}/tarball/${r.tagName}`,
    zipball_url: `${api}/zipball/${r.tagName}`,
    id: r.id,
    node_id: r.nodeId,
    tag_name: r.tagName,
    target_commitish: r.targetCommitish,
    name: r.name,
    body: r.body,
    draft: r.draft,
    prerelease: r.prerelease,
    immutable: false,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
    published_at: r.publishedAt,
    author: user(urls, r.author),
    assets: [],
  };
}

export function checkRun(urls: Urls, repo: RepoRecord, r: CheckRunRecord): Json {
  const api = repoApi(urls, repo);
  const created = repo.createdAt;
  return {
    id: r.id,
    head_sha: r.headSha,
    node_id: r.nodeId,
    external_id: r.externalId,
    url: `${api}/check-runs/${r.id}`,
    html_url: `${repoHtml(urls, repo)}/runs/${r.id}`,
    details_url: r.detailsUrl,
    status: r.status,
    conclusion: r.conclusion,
    started_at: r.startedAt,
    completed_at: r.completedAt,
    output: {
      title: r.output.title,
      summary: r.output.summary,
      text: r.output.text,
      annotations_count: 0,
      annotations_url: `${api}/check-runs/${r.id}/annotations`,
    },
    name: r.name,
    check_suite: { id: r.checkSuiteId },
    app: {
      id: r.app.id,
      slug: r.app.slug,
      node_id: nodeId('App', r.app.id),
      owner: user(urls, repo.owner),
      name: r.app.name,
      description: null,
      external_url: `${urls.web}/apps/${r.app.slug}`,
      html_url: `${urls.web}/apps/${r.app.slug}`,
      created_at: created,
      updated_at: created,
      permissions: { checks: 'write', metadata: 'read' },
      events: [],
    },
    pull_requests: [],
  };
}

export function commitStatus(urls: Urls, repo: RepoRecord, s: CommitStatusRecord, withCreator = true): Json {
  const json: Json = {
    url: `${repoApi(urls, repo)}/statuses/${s.sha}`,
    avatar_url: `${urls.web}/avatars/u/${s.creator.id}?v=4`,
    id: s.id,
    node_id: s.nodeId,
    state: s.state,
    description: s.description,
    target_url: s.targetUrl,
    context: s.context,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
  };
  if (withCreator) json.creator = user(urls, s.creator);
  return json;
}

export function pullRequest(urls: Urls, repo: RepoRecord, p: PullRequestRecord, store: Store): Json {
  const api = repoApi(urls, repo);
  const html = repoHtml(urls, repo);
  const headSha = store.pullHeadSha(repo, p);
  const baseSha = store.resolveCommit(repo, p.baseRef) ?? headSha;
  const link = (href: string) => ({ href });
  const side = (ref: string, sha: string) => ({
    label: `${repo.owner.login}:${ref}`,
    ref,
    sha,
    user: user(urls, repo.owner),
    repo: repository(urls, repo),
  });
  const additions = store.commitsBetween(repo, baseSha, headSha).length;
  return {
    url: `${api}/pulls/${p.number}`,
    id: p.id,
    node_id: p.nodeId,
    html_url: `${html}/pull/${p.number}`,
    diff_url: `${html}/pull/${p.number}.diff`,
    patch_url: `${html}/pull/${p.number}.patch`,
    issue_url: `${api}/issues/${p.number}`,
    commits_url: `${api}/pulls/${p.number}/commits`,
    review_comments_url: `${api}/pulls/${p.number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${p.number}/comments`,
    statuses_url: `${api}/statuses/${headSha}`,
    number: p.number,
    state: p.state,
    locked: false,
    title: p.title,
    user: user(urls, p.user),
    body: p.body,
    labels: [],
    milestone: null,
    active_lock_reason: null,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    closed_at: p.state === 'closed' ? p.updatedAt : null,
    merged_at: p.merged ? p.updatedAt : null,
    merge_commit_sha: p.merged ? headSha : null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: side(p.headRef, headSha),
    base: side(p.baseRef, baseSha),
    _links: {
      self: link(`${api}/pulls/${p.number}`),
      html: link(`${html}/pull/${p.number}`),
      issue: link(`${api}/issues/${p.number}`),
      comments: link(`${api}/issues/${p.number}/comments`),
      review_comments: link(`${api}/pulls/${p.number}/comments`),
      review_comment: link(`${api}/pulls/comments{/number}`),
      commits: link(`${api}/pulls/${p.number}/commits`),
      statuses: link(`${api}/statuses/${headSha}`),
    },
    author_association: 'MEMBER',
    auto_merge: null,
    draft: p.draft,
    merged: p.merged,
    mergeable: p.mergeable,
    rebaseable: p.mergeable,
    mergeable_state: p.mergeable === false ? 'dirty' : p.mergeable === null ? 'unknown' : 'clean',
    merged_by: null,
    comments: 0,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: Math.max(additions, 1),
    additions: additions * 10,
    deletions: 0,
    changed_files: additions,
  };
}

export function variable(v: VariableRecord): Json {
  return { name: v.name, value: v.value, created_at: v.createdAt, updated_at: v.updatedAt };
}

export function review(urls: Urls, repo: RepoRecord, r: ReviewRecord): Json {
  const api = repoApi(urls, repo);
  const html = `${repoHtml(urls, repo)}/pull/${r.pullNumber}#pullrequestreview-${r.id}`;
  const json: Json = {
    id: r.id,
    node_id: r.nodeId,
    user: user(urls, r.user),
    body: r.body,
    state: r.state,
    html_url: html,
    pull_request_url: `${api}/pulls/${r.pullNumber}`,
    author_association: r.authorAssociation,
    _links: { html: { href: html }, pull_request: { href: `${api}/pulls/${r.pullNumber}` } },
    commit_id: r.commitId,
  };
  if (r.submittedAt) json.submitted_at = r.submittedAt;
  return json;
}

export function workflowRun(urls: Urls, repo: RepoRecord, run: WorkflowRunRecord, store: Store): Json {
  const api = repoApi(urls, repo);
  const html = repoHtml(urls, repo);
  const repository_ = repository(urls, repo);
  return {
    id: run.id,
    name: run.name,
    node_id: nodeId('WorkflowRun', run.id),
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: '.github/workflows/deploy.yml',
    display_title: run.name,
    run_number: run.id,
    run_attempt: run.attempt,
    event: 'push',
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: 1,
    url: `${api}/actions/runs/${run.id}`,
    html_url: `${html}/actions/runs/${run.id}`,
    pull_requests: [],
    created_at: run.createdAt,
    updated_at: run.updatedAt,
    actor: user(urls, store.user('carol')),
    run_started_at: run.createdAt,
    jobs_url: `${api}/actions/runs/${run.id}/jobs`,
    logs_url: `${api}/actions/runs/${run.id}/logs`,
    check_suite_url: `${api}/check-suites/${run.id}`,
    artifacts_url: `${api}/actions/runs/${run.id}/artifacts`,
    cancel_url: `${api}/actions/runs/${run.id}/cancel`,
    rerun_url: `${api}/actions/runs/${run.id}/rerun`,
    workflow_url: `${api}/actions/workflows/1`,
    head_commit: null,
    repository: repository_,
    head_repository: repository_,
  };
}
