// The fake GitHub's in-memory data: repositories with commits and refs, deployments and their statuses,
// annotated tags, releases, check runs, commit statuses, pull requests and reviews. REST routes and
// GraphQL resolvers read and write the same records. Tests seed it through the add*/set* helpers.
import { createHash } from 'node:crypto';

export interface UserRecord {
  id: number;
  nodeId: string;
  login: string;
  type: 'User' | 'Bot' | 'Organization';
}

export interface GitPerson {
  name: string;
  email: string;
  date: string;
}

export interface CommitRecord {
  sha: string;
  nodeId: string;
  message: string;
  parents: string[];
  tree: string;
  author: GitPerson;
  committer: GitPerson;
}

export interface TagObjectRecord {
  sha: string;
  nodeId: string;
  tag: string;
  message: string;
  object: { sha: string; type: 'commit' | 'tag' | 'tree' | 'blob' };
  tagger: GitPerson;
}

export type DeploymentState =
  | 'error'
  | 'failure'
  | 'inactive'
  | 'pending'
  | 'success'
  | 'queued'
  | 'in_progress';
export const DEPLOYMENT_STATES: readonly DeploymentState[] = [
  'error',
  'failure',
  'inactive',
  'pending',
  'success',
  'queued',
  'in_progress',
];

export interface DeploymentStatusRecord {
  id: number;
  nodeId: string;
  deploymentId: number;
  state: DeploymentState;
  description: string;
  environment: string;
  environmentUrl: string;
  logUrl: string;
  creator: UserRecord;
  createdAt: string;
  updatedAt: string;
}

export interface DeploymentRecord {
  id: number;
  nodeId: string;
  sha: string;
  ref: string;
  task: string;
  /** An object when the payload was an object or a JSON string of one; otherwise the string sent. */
  payload: Record<string, unknown> | string;
  originalEnvironment: string;
  environment: string;
  description: string | null;
  creator: UserRecord;
  createdAt: string;
  updatedAt: string;
  transientEnvironment: boolean;
  productionEnvironment: boolean;
  /** Oldest first. */
  statuses: DeploymentStatusRecord[];
}

export interface ReleaseRecord {
  id: number;
  nodeId: string;
  tagName: string;
  targetCommitish: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
  author: UserRecord;
}

export type CheckStatus = 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
export type CheckConclusion =
  | 'success'
  | 'failure'
  | 'neutral'
  | 'cancelled'
  | 'skipped'
  | 'timed_out'
  | 'action_required'
  | 'stale';

export interface CheckRunRecord {
  id: number;
  nodeId: string;
  headSha: string;
  name: string;
  status: CheckStatus;
  conclusion: CheckConclusion | null;
  startedAt: string | null;
  completedAt: string | null;
  detailsUrl: string | null;
  externalId: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  app: { id: number; slug: string; name: string };
  checkSuiteId: number;
  /** The workflow whose run made this check, when it came from GitHub Actions. */
  workflowName: string | null;
  workflowRunId: number | null;
}

export type CommitState = 'error' | 'failure' | 'pending' | 'success';

export interface CommitStatusRecord {
  id: number;
  nodeId: string;
  sha: string;
  state: CommitState;
  context: string;
  description: string | null;
  targetUrl: string | null;
  creator: UserRecord;
  createdAt: string;
  updatedAt: string;
}

export interface PullRequestRecord {
  id: number;
  nodeId: string;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  merged: boolean;
  draft: boolean;
  mergeable: boolean | null;
  headRef: string;
  /** Pinned head commit; when null, the head branch's tip. */
  headSha: string | null;
  baseRef: string;
  user: UserRecord;
  createdAt: string;
  updatedAt: string;
}

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';

export interface ReviewRecord {
  id: number;
  nodeId: string;
  pullNumber: number;
  user: UserRecord;
  state: ReviewState;
  body: string;
  commitId: string | null;
  submittedAt: string | null;
  authorAssociation: 'OWNER' | 'MEMBER' | 'COLLABORATOR' | 'CONTRIBUTOR' | 'NONE';
}

export interface BranchProtection {
  /** Status contexts and check names that must pass (GraphQL `isRequired`). */
  requiredContexts: string[];
  requiredApprovingReviewCount: number;
}

export type AdvisorySeverity = 'low' | 'medium' | 'high' | 'critical';

export interface DependabotAlertRecord {
  number: number;
  state: 'open' | 'dismissed' | 'fixed' | 'auto_dismissed';
  ecosystem: string;
  packageName: string;
  manifestPath: string;
  scope: 'development' | 'runtime';
  ghsaId: string;
  cveId: string | null;
  summary: string;
  severity: AdvisorySeverity;
  cvssScore: number;
  vulnerableVersionRange: string;
  firstPatchedVersion: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface RepoRecord {
  id: number;
  nodeId: string;
  owner: UserRecord;
  name: string;
  fullName: string;
  private: boolean;
  defaultBranch: string;
  description: string | null;
  createdAt: string;
  commits: Map<string, CommitRecord>;
  /** Full ref name (`refs/heads/main`, `refs/tags/v1.0.0`) → object sha (a commit, or an annotated tag object). */
  refs: Map<string, string>;
  tagObjects: Map<string, TagObjectRecord>;
  deployments: DeploymentRecord[];
  releases: ReleaseRecord[];
  checkRuns: CheckRunRecord[];
  statuses: CommitStatusRecord[];
  pulls: Map<number, PullRequestRecord>;
  reviews: ReviewRecord[];
  protection: Map<string, BranchProtection>;
  dependabotAlerts: DependabotAlertRecord[];
  /** Whether Dependabot alerts are turned on (GitHub answers 403 "disabled" otherwise). */
  dependabotAlertsEnabled: boolean;
  /** Actions variables of the repository, by upper-cased name. */
  variables: Map<string, VariableRecord>;
  /** Workflow run attempts, by `<run id>/<attempt>`. */
  workflowRuns: Map<string, WorkflowRunRecord>;
}

/** One attempt of a workflow run, as much of it as a lease check reads and the schema asks for. */
export interface WorkflowRunRecord {
  id: number;
  attempt: number;
  name: string;
  headSha: string;
  headBranch: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: 'success' | 'failure' | 'cancelled' | null;
  createdAt: string;
  updatedAt: string;
}

export interface VariableRecord {
  /** As GitHub keeps it: upper case. */
  name: string;
  value: string;
  createdAt: string;
  updatedAt: string;
}

/** GitHub's legacy global node id: base64 of `0<len>:<Type><id>` (e.g. `MDEwOkRlcGxveW1lbnQx`). */
export function nodeId(type: string, id: number | string): string {
  return Buffer.from(`0${type.length}:${type}${id}`).toString('base64');
}

export function decodeNodeId(id: string): { type: string; id: string } | undefined {
  const text = Buffer.from(id, 'base64').toString('utf8');
  const match = /^0(\d+):(.*)$/.exec(text);
  if (!match) return undefined;
  const length = Number(match[1]);
  const rest = match[2] ?? '';
  return { type: rest.slice(0, length), id: rest.slice(length) };
}

export interface SeedCommit {
  /** Branch to commit on (created from the default branch's tip when missing); its tip is the parent. */
  branch?: string;
  message?: string;
  /** Use a given sha (e.g. from a real git repository made by the test). */
  sha?: string;
  parents?: string[];
  date?: string;
  author?: { name: string; email: string };
}

export interface SeedDeployment {
  ref?: string;
  sha?: string;
  environment?: string;
  task?: string;
  payload?: Record<string, unknown> | string;
  description?: string | null;
  transientEnvironment?: boolean;
  productionEnvironment?: boolean;
  creator?: string;
  createdAt?: string;
  /** Statuses to add, oldest first (auto_inactive applies to `success` as on GitHub unless set false). */
  statuses?: SeedDeploymentStatus[];
}

export interface SeedDeploymentStatus {
  state: DeploymentState;
  description?: string;
  environment?: string;
  environmentUrl?: string;
  logUrl?: string;
  autoInactive?: boolean;
  creator?: string;
  createdAt?: string;
}

export class Store {
  readonly repos = new Map<string, RepoRecord>();
  readonly users = new Map<string, UserRecord>();
  private lastId = 1000;
  private shaCounter = 0;
  /** The clock of `created_at`/`updated_at`; tests may replace it. */
  now: () => Date = () => new Date();

  nextId(): number {
    this.lastId += 1;
    return this.lastId;
  }

  timestamp(): string {
    return isoSeconds(this.now());
  }

  newSha(seed: string): string {
    this.shaCounter += 1;
    return createHash('sha1').update(`${seed}\0${this.shaCounter}`).digest('hex');
  }

  user(login: string, type?: UserRecord['type']): UserRecord {
    const existing = this.users.get(login.toLowerCase());
    if (existing) return existing;
    const id = login === 'github-actions[bot]' ? 41898282 : this.nextId();
    const kind = type ?? (login.endsWith('[bot]') ? 'Bot' : 'User');
    const user: UserRecord = { id, nodeId: nodeId(kind, id), login, type: kind };
    this.users.set(login.toLowerCase(), user);
    return user;
  }

  /** Adds a repository with one commit on its default branch. */
  addRepo(opts: {
    owner: string;
    name: string;
    defaultBranch?: string;
    private?: boolean;
    description?: string;
  }): RepoRecord {
    const owner = this.user(opts.owner, 'Organization');
    const id = this.nextId();
    const repo: RepoRecord = {
      id,
      nodeId: nodeId('Repository', id),
      owner,
      name: opts.name,
      fullName: `${opts.owner}/${opts.name}`,
      private: opts.private ?? false,
      defaultBranch: opts.defaultBranch ?? 'main',
      description: opts.description ?? null,
      createdAt: this.timestamp(),
      commits: new Map(),
      refs: new Map(),
      tagObjects: new Map(),
      deployments: [],
      releases: [],
      checkRuns: [],
      statuses: [],
      pulls: new Map(),
      reviews: [],
      protection: new Map(),
      dependabotAlerts: [],
      dependabotAlertsEnabled: true,
      variables: new Map(),
      workflowRuns: new Map(),
    };
    this.repos.set(repo.fullName.toLowerCase(), repo);
    this.addCommit(repo.fullName, { branch: repo.defaultBranch, message: 'Initial commit', parents: [] });
    return repo;
  }

  findRepo(owner: string, name: string): RepoRecord | undefined {
    return this.repos.get(`${owner}/${name}`.toLowerCase());
  }

  repo(fullName: string): RepoRecord {
    const repo = this.repos.get(fullName.toLowerCase());
    if (!repo) throw new Error(`fake GitHub: no repository ${fullName}; add it with store.addRepo()`);
    return repo;
  }

  /** Adds a commit; with `branch`, its tip is the parent and the branch moves to the new commit. Returns the sha. */
  addCommit(fullName: string, opts: SeedCommit = {}): string {
    const repo = this.repo(fullName);
    let parents = opts.parents;
    if (!parents && opts.branch) {
      const tip =
        repo.refs.get(`refs/heads/${opts.branch}`) ?? repo.refs.get(`refs/heads/${repo.defaultBranch}`);
      parents = tip ? [tip] : [];
    }
    const message = opts.message ?? `commit ${this.shaCounter + 1}`;
    const sha = opts.sha ?? this.newSha(`${repo.fullName}\0${message}`);
    const date = opts.date ?? this.timestamp();
    const person = {
      name: opts.author?.name ?? 'Mona Lisa',
      email: opts.author?.email ?? 'mona@example.com',
      date,
    };
    repo.commits.set(sha, {
      sha,
      nodeId: nodeId('Commit', sha),
      message,
      parents: parents ?? [],
      tree: this.newSha(`tree\0${sha}`),
      author: person,
      committer: person,
    });
    if (opts.branch) repo.refs.set(`refs/heads/${opts.branch}`, sha);
    return sha;
  }

  /** Sets a ref (`heads/feature`, `tags/v1.0.0` or the full `refs/...`) to a sha, creating it when missing. */
  setRef(fullName: string, ref: string, sha: string): void {
    this.repo(fullName).refs.set(fullRef(ref), sha);
  }

  /** Creates a branch at a ref (default: the default branch's tip). Returns its sha. */
  addBranch(fullName: string, branch: string, from?: string): string {
    const repo = this.repo(fullName);
    const sha = this.resolveCommit(repo, from ?? repo.defaultBranch);
    if (!sha) throw new Error(`fake GitHub: cannot branch ${branch} from ${from}: unknown ref`);
    repo.refs.set(`refs/heads/${branch}`, sha);
    return sha;
  }

  /** Adds a tag; annotated when `message` is given (a tag object is made and the ref points at it). */
  addTag(fullName: string, tag: string, opts: { sha?: string; ref?: string; message?: string } = {}): string {
    const repo = this.repo(fullName);
    const target = opts.sha ?? this.resolveCommit(repo, opts.ref ?? repo.defaultBranch);
    if (!target) throw new Error(`fake GitHub: cannot tag ${tag}: unknown target`);
    if (opts.message === undefined) {
      repo.refs.set(`refs/tags/${tag}`, target);
      return target;
    }
    const tagObject = this.addTagObject(repo, {
      tag,
      message: opts.message,
      object: { sha: target, type: 'commit' },
      tagger: { name: 'Mona Lisa', email: 'mona@example.com', date: this.timestamp() },
    });
    repo.refs.set(`refs/tags/${tag}`, tagObject.sha);
    return tagObject.sha;
  }

  addTagObject(repo: RepoRecord, fields: Omit<TagObjectRecord, 'sha' | 'nodeId'>): TagObjectRecord {
    const sha = this.newSha(`tag\0${fields.tag}`);
    const record: TagObjectRecord = { sha, nodeId: nodeId('Tag', sha), ...fields };
    repo.tagObjects.set(sha, record);
    return record;
  }

  addDeployment(fullName: string, opts: SeedDeployment = {}): DeploymentRecord {
    const repo = this.repo(fullName);
    const ref = opts.ref ?? repo.defaultBranch;
    const sha = opts.sha ?? this.resolveCommit(repo, ref);
    if (!sha) throw new Error(`fake GitHub: cannot deploy ${ref}: unknown ref`);
    const environment = opts.environment ?? 'production';
    const createdAt = opts.createdAt ?? this.timestamp();
    const id = this.nextId();
    const deployment: DeploymentRecord = {
      id,
      nodeId: nodeId('Deployment', id),
      sha,
      ref,
      task: opts.task ?? 'deploy',
      payload: normalisePayload(opts.payload ?? {}),
      originalEnvironment: environment,
      environment,
      description: opts.description ?? null,
      creator: this.user(opts.creator ?? 'github-actions[bot]'),
      createdAt,
      updatedAt: createdAt,
      transientEnvironment: opts.transientEnvironment ?? false,
      productionEnvironment: opts.productionEnvironment ?? environment === 'production',
      statuses: [],
    };
    repo.deployments.push(deployment);
    for (const status of opts.statuses ?? []) this.addDeploymentStatus(fullName, id, status);
    return deployment;
  }

  /** Adds a deployment status as GitHub does, including `auto_inactive` (default true) on `success`. */
  addDeploymentStatus(
    fullName: string,
    deploymentId: number,
    opts: SeedDeploymentStatus,
  ): DeploymentStatusRecord {
    const repo = this.repo(fullName);
    const deployment = repo.deployments.find((d) => d.id === deploymentId);
    if (!deployment) throw new Error(`fake GitHub: no deployment ${deploymentId} in ${fullName}`);
    const creator = this.user(opts.creator ?? 'github-actions[bot]');
    if (opts.environment) deployment.environment = opts.environment;
    const status = this.pushStatus(deployment, {
      state: opts.state,
      description: opts.description ?? '',
      environmentUrl: opts.environmentUrl ?? '',
      logUrl: opts.logUrl ?? '',
      creator,
      createdAt: opts.createdAt,
    });
    if (opts.state === 'success' && opts.autoInactive !== false) {
      // GitHub's description of auto_inactive: prior non-transient, non-production deployments of the
      // same environment whose latest state is success get a new `inactive` status.
      for (const other of repo.deployments) {
        if (other.id === deployment.id || other.environment !== deployment.environment) continue;
        if (other.id > deployment.id || other.transientEnvironment || other.productionEnvironment) continue;
        if (latestStatus(other)?.state !== 'success') continue;
        this.pushStatus(other, {
          state: 'inactive',
          description: '',
          environmentUrl: latestStatus(other)?.environmentUrl ?? '',
          logUrl: '',
          creator,
        });
      }
    }
    return status;
  }

  private pushStatus(
    deployment: DeploymentRecord,
    fields: Pick<
      DeploymentStatusRecord,
      'state' | 'description' | 'environmentUrl' | 'logUrl' | 'creator'
    > & {
      createdAt?: string | undefined;
    },
  ): DeploymentStatusRecord {
    const id = this.nextId();
    const createdAt = fields.createdAt ?? this.timestamp();
    const status: DeploymentStatusRecord = {
      id,
      nodeId: nodeId('DeploymentStatus', id),
      deploymentId: deployment.id,
      state: fields.state,
      description: fields.description,
      environment: deployment.environment,
      environmentUrl: fields.environmentUrl,
      logUrl: fields.logUrl,
      creator: fields.creator,
      createdAt,
      updatedAt: createdAt,
    };
    deployment.statuses.push(status);
    deployment.updatedAt = createdAt;
    return status;
  }

  addRelease(
    fullName: string,
    opts: {
      tagName: string;
      targetCommitish?: string;
      name?: string | null;
      body?: string | null;
      draft?: boolean;
      prerelease?: boolean;
      author?: string;
      createdAt?: string;
    },
  ): ReleaseRecord {
    const repo = this.repo(fullName);
    const createdAt = opts.createdAt ?? this.timestamp();
    const id = this.nextId();
    const release: ReleaseRecord = {
      id,
      nodeId: nodeId('Release', id),
      tagName: opts.tagName,
      targetCommitish: opts.targetCommitish ?? repo.defaultBranch,
      name: opts.name ?? null,
      body: opts.body ?? null,
      draft: opts.draft ?? false,
      prerelease: opts.prerelease ?? false,
      createdAt,
      updatedAt: createdAt,
      publishedAt: opts.draft ? null : createdAt,
      author: this.user(opts.author ?? 'github-actions[bot]'),
    };
    if (!release.draft && !repo.refs.has(`refs/tags/${release.tagName}`)) {
      const sha = this.resolveCommit(repo, release.targetCommitish);
      if (sha) repo.refs.set(`refs/tags/${release.tagName}`, sha);
    }
    repo.releases.push(release);
    return release;
  }

  /** A workflow run attempt (in progress unless told), so a lease's holder run can be asked about. */
  addWorkflowRun(
    fullName: string,
    opts: {
      id: number;
      attempt?: number;
      status?: WorkflowRunRecord['status'];
      conclusion?: WorkflowRunRecord['conclusion'];
    },
  ): WorkflowRunRecord {
    const repo = this.repo(fullName);
    const headSha = this.resolveCommit(repo, repo.defaultBranch) ?? '0'.repeat(40);
    const now = this.timestamp();
    const run: WorkflowRunRecord = {
      id: opts.id,
      attempt: opts.attempt ?? 1,
      name: 'deploy',
      headSha,
      headBranch: repo.defaultBranch,
      status: opts.status ?? 'in_progress',
      conclusion: opts.conclusion ?? null,
      createdAt: now,
      updatedAt: now,
    };
    repo.workflowRuns.set(`${run.id}/${run.attempt}`, run);
    return run;
  }

  /** Ends a workflow run attempt, as a runner that finished (or lost the job) does. */
  completeWorkflowRun(
    fullName: string,
    id: number,
    attempt = 1,
    conclusion: WorkflowRunRecord['conclusion'] = 'failure',
  ): void {
    const run = this.repo(fullName).workflowRuns.get(`${id}/${attempt}`);
    if (!run) throw new Error(`fake GitHub: no workflow run ${id} attempt ${attempt}`);
    run.status = 'completed';
    run.conclusion = conclusion;
    run.updatedAt = this.timestamp();
  }

  addCheckRun(
    fullName: string,
    opts: {
      name: string;
      headSha?: string;
      ref?: string;
      status?: CheckStatus;
      conclusion?: CheckConclusion | null;
      detailsUrl?: string | null;
      externalId?: string | null;
      title?: string | null;
      summary?: string | null;
      /** The Actions workflow that made it (GraphQL `checkSuite.workflowRun.workflow.name`); null for other apps. */
      workflowName?: string | null;
      app?: { slug: string; name: string };
      startedAt?: string;
    },
  ): CheckRunRecord {
    const repo = this.repo(fullName);
    const headSha = opts.headSha ?? this.resolveCommit(repo, opts.ref ?? repo.defaultBranch);
    if (!headSha) throw new Error(`fake GitHub: check run ${opts.name}: unknown ref`);
    const conclusion = opts.conclusion ?? null;
    const status = opts.status ?? (conclusion ? 'completed' : 'queued');
    const startedAt = opts.startedAt ?? this.timestamp();
    const id = this.nextId();
    const app = opts.app ?? { slug: 'github-actions', name: 'GitHub Actions' };
    const workflowName =
      opts.workflowName === undefined ? (app.slug === 'github-actions' ? 'CI' : null) : opts.workflowName;
    const run: CheckRunRecord = {
      id,
      nodeId: nodeId('CheckRun', id),
      headSha,
      name: opts.name,
      status,
      conclusion,
      startedAt,
      completedAt: status === 'completed' ? this.timestamp() : null,
      detailsUrl: opts.detailsUrl ?? null,
      externalId: opts.externalId ?? null,
      output: { title: opts.title ?? null, summary: opts.summary ?? null, text: null },
      app: { id: app.slug === 'github-actions' ? 15368 : this.nextId(), ...app },
      checkSuiteId: this.nextId(),
      workflowName,
      workflowRunId: workflowName ? this.nextId() : null,
    };
    repo.checkRuns.push(run);
    return run;
  }

  addCommitStatus(
    fullName: string,
    opts: {
      context?: string;
      state: CommitState;
      sha?: string;
      ref?: string;
      description?: string | null;
      targetUrl?: string | null;
      creator?: string;
    },
  ): CommitStatusRecord {
    const repo = this.repo(fullName);
    const sha = opts.sha ?? this.resolveCommit(repo, opts.ref ?? repo.defaultBranch);
    if (!sha) throw new Error(`fake GitHub: commit status: unknown ref ${opts.ref}`);
    const createdAt = this.timestamp();
    const id = this.nextId();
    const status: CommitStatusRecord = {
      id,
      nodeId: nodeId('StatusContext', id),
      sha,
      state: opts.state,
      context: opts.context ?? 'default',
      description: opts.description ?? null,
      targetUrl: opts.targetUrl ?? null,
      creator: this.user(opts.creator ?? 'github-actions[bot]'),
      createdAt,
      updatedAt: createdAt,
    };
    repo.statuses.push(status);
    return status;
  }

  addPullRequest(
    fullName: string,
    opts: {
      head: string;
      base?: string;
      number?: number;
      title?: string;
      body?: string | null;
      state?: 'open' | 'closed';
      merged?: boolean;
      draft?: boolean;
      mergeable?: boolean | null;
      headSha?: string;
      user?: string;
    },
  ): PullRequestRecord {
    const repo = this.repo(fullName);
    if (!repo.refs.has(`refs/heads/${opts.head}`) && !opts.headSha) this.addBranch(fullName, opts.head);
    const number = opts.number ?? Math.max(0, ...repo.pulls.keys()) + 1;
    const createdAt = this.timestamp();
    const id = this.nextId();
    const pull: PullRequestRecord = {
      id,
      nodeId: nodeId('PullRequest', id),
      number,
      title: opts.title ?? `Pull request ${number}`,
      body: opts.body ?? null,
      state: opts.state ?? 'open',
      merged: opts.merged ?? false,
      draft: opts.draft ?? false,
      mergeable: opts.mergeable === undefined ? true : opts.mergeable,
      headRef: opts.head,
      headSha: opts.headSha ?? null,
      baseRef: opts.base ?? repo.defaultBranch,
      user: this.user(opts.user ?? 'octocat'),
      createdAt,
      updatedAt: createdAt,
    };
    repo.pulls.set(number, pull);
    return pull;
  }

  addReview(
    fullName: string,
    pullNumber: number,
    opts: { user: string; state: ReviewState; body?: string; commitId?: string; submittedAt?: string },
  ): ReviewRecord {
    const repo = this.repo(fullName);
    const pull = repo.pulls.get(pullNumber);
    if (!pull) throw new Error(`fake GitHub: no pull request #${pullNumber} in ${fullName}`);
    const id = this.nextId();
    const review: ReviewRecord = {
      id,
      nodeId: nodeId('PullRequestReview', id),
      pullNumber,
      user: this.user(opts.user),
      state: opts.state,
      body: opts.body ?? '',
      commitId: opts.commitId ?? this.pullHeadSha(repo, pull),
      submittedAt: opts.state === 'PENDING' ? null : (opts.submittedAt ?? this.timestamp()),
      authorAssociation: 'MEMBER',
    };
    repo.reviews.push(review);
    return review;
  }

  /** Branch protection of a branch: required contexts (GraphQL `isRequired`) and approvals (`reviewDecision`). */
  protectBranch(fullName: string, branch: string, protection: Partial<BranchProtection>): void {
    this.repo(fullName).protection.set(branch, {
      requiredContexts: protection.requiredContexts ?? [],
      requiredApprovingReviewCount: protection.requiredApprovingReviewCount ?? 0,
    });
  }

  /** Completes a check run as GitHub does when its job ends (test control for checks that finish late). */
  completeCheckRun(run: CheckRunRecord, conclusion: CheckConclusion): CheckRunRecord {
    run.status = 'completed';
    run.conclusion = conclusion;
    run.completedAt = this.timestamp();
    return run;
  }

  // ---- test control: changes at a chosen read of a commit's checks ----

  private readonly checkReads = new Map<string, number>();
  private readonly checkReadHooks: { key: string; read: number; change: () => void }[] = [];

  /**
   * Runs `change` just before the `read`-th answer (1-based) that reads a commit's checks: GraphQL
   * `statusCheckRollup`, REST check runs and statuses. So a check appears, or finishes, at the poll a test
   * chooses instead of after a guessed delay.
   */
  onChecksRead(fullName: string, sha: string, read: number, change: () => void): void {
    this.checkReadHooks.push({ key: `${this.repo(fullName).fullName}@${sha}`, read, change });
  }

  /** How many answers have read a commit's checks so far. */
  checksReadCount(fullName: string, sha: string): number {
    return this.checkReads.get(`${this.repo(fullName).fullName}@${sha}`) ?? 0;
  }

  /** Called by the routes and resolvers that read a commit's checks, before they read them. */
  checksRead(repo: RepoRecord, sha: string): void {
    const key = `${repo.fullName}@${sha}`;
    const read = (this.checkReads.get(key) ?? 0) + 1;
    this.checkReads.set(key, read);
    for (const hook of this.checkReadHooks) if (hook.key === key && hook.read === read) hook.change();
  }

  /** Sets (creates or updates) an Actions variable of the repository. */
  setVariable(fullName: string, name: string, value: string): VariableRecord {
    const repo = this.repo(fullName);
    const key = name.toUpperCase();
    const now = this.timestamp();
    const existing = repo.variables.get(key);
    const record = existing
      ? { ...existing, value, updatedAt: now }
      : { name: key, value, createdAt: now, updatedAt: now };
    repo.variables.set(key, record);
    return record;
  }

  /** Runs `change` when a variable is read for the `read`-th time (1-based), before the read is answered. */
  onVariableRead(fullName: string, name: string, read: number, change: () => void): void {
    this.variableReadHooks.push({
      key: `${this.repo(fullName).fullName}#${name.toUpperCase()}`,
      read,
      change,
    });
  }

  /** Called by the route that reads one variable, before it reads it. */
  variableRead(repo: RepoRecord, name: string): void {
    const key = `${repo.fullName}#${name.toUpperCase()}`;
    const read = (this.variableReads.get(key) ?? 0) + 1;
    this.variableReads.set(key, read);
    for (const hook of this.variableReadHooks) if (hook.key === key && hook.read === read) hook.change();
  }

  private readonly variableReads = new Map<string, number>();
  private readonly variableReadHooks: { key: string; read: number; change: () => void }[] = [];

  /** A Dependabot alert (open unless said), numbered in order like GitHub's. */
  addDependabotAlert(
    fullName: string,
    opts: {
      packageName: string;
      severity: AdvisorySeverity;
      ecosystem?: string;
      ghsaId?: string;
      cveId?: string | null;
      summary?: string;
      state?: DependabotAlertRecord['state'];
      manifestPath?: string;
      scope?: DependabotAlertRecord['scope'];
      cvssScore?: number;
      vulnerableVersionRange?: string;
      firstPatchedVersion?: string | null;
    },
  ): DependabotAlertRecord {
    const repo = this.repo(fullName);
    const number = repo.dependabotAlerts.length + 1;
    const ghsaChars = '23456789cfghjmpqrvwx';
    const ghsaPart = (seed: number) =>
      Array.from({ length: 4 }, (_, i) => ghsaChars[(seed * 7 + i * 3) % ghsaChars.length]).join('');
    const at = this.timestamp();
    const alert: DependabotAlertRecord = {
      number,
      state: opts.state ?? 'open',
      ecosystem: opts.ecosystem ?? 'npm',
      packageName: opts.packageName,
      manifestPath: opts.manifestPath ?? 'package-lock.json',
      scope: opts.scope ?? 'runtime',
      ghsaId: opts.ghsaId ?? `GHSA-${ghsaPart(number)}-${ghsaPart(number + 1)}-${ghsaPart(number + 2)}`,
      cveId: opts.cveId === undefined ? null : opts.cveId,
      summary: opts.summary ?? `Vulnerability in ${opts.packageName}`,
      severity: opts.severity,
      cvssScore: opts.cvssScore ?? { low: 3.1, medium: 5.3, high: 7.5, critical: 9.8 }[opts.severity],
      vulnerableVersionRange: opts.vulnerableVersionRange ?? '< 1.0.0',
      firstPatchedVersion: opts.firstPatchedVersion === undefined ? '1.0.0' : opts.firstPatchedVersion,
      createdAt: at,
      updatedAt: at,
    };
    repo.dependabotAlerts.push(alert);
    return alert;
  }

  // ---- reading ----

  pullHeadSha(repo: RepoRecord, pull: PullRequestRecord): string {
    return pull.headSha ?? this.resolveCommit(repo, pull.headRef) ?? '0'.repeat(40);
  }

  /**
   * Resolves a ref as GitHub does for `ref` parameters: a full or abbreviated commit sha, a branch,
   * a tag (annotated tags peeled to their commit), or `heads/x`, `tags/x`, `refs/...`.
   */
  resolveCommit(repo: RepoRecord, ref: string): string | undefined {
    if (/^[0-9a-f]{40}$/i.test(ref) && repo.commits.has(ref.toLowerCase())) return ref.toLowerCase();
    if (/^[0-9a-f]{7,39}$/i.test(ref)) {
      const matches = [...repo.commits.keys()].filter((sha) => sha.startsWith(ref.toLowerCase()));
      if (matches.length === 1) return matches[0];
    }
    const candidates = ref.startsWith('refs/')
      ? [ref]
      : ref.startsWith('heads/') || ref.startsWith('tags/')
        ? [`refs/${ref}`]
        : [`refs/heads/${ref}`, `refs/tags/${ref}`];
    for (const candidate of candidates) {
      const target = repo.refs.get(candidate);
      if (target) return this.peel(repo, target);
    }
    return undefined;
  }

  /** Follows annotated tag objects down to a commit. */
  peel(repo: RepoRecord, sha: string): string | undefined {
    let current = sha;
    for (let depth = 0; depth < 10; depth += 1) {
      const tag = repo.tagObjects.get(current);
      if (!tag) return repo.commits.has(current) ? current : undefined;
      current = tag.object.sha;
    }
    return undefined;
  }

  /** All ancestors of a commit including itself, nearest first (breadth-first). */
  ancestors(repo: RepoRecord, sha: string): string[] {
    const seen = new Set<string>();
    const queue = [sha];
    const order: string[] = [];
    while (queue.length > 0) {
      const current = queue.shift()!;
      if (seen.has(current)) continue;
      seen.add(current);
      order.push(current);
      for (const parent of repo.commits.get(current)?.parents ?? []) queue.push(parent);
    }
    return order;
  }

  /** Commits reachable from `head` but not from `base`, oldest first. */
  commitsBetween(repo: RepoRecord, base: string, head: string): CommitRecord[] {
    const fromBase = new Set(this.ancestors(repo, base));
    return this.ancestors(repo, head)
      .filter((sha) => !fromBase.has(sha))
      .reverse()
      .map((sha) => repo.commits.get(sha)!)
      .filter(Boolean);
  }

  mergeBase(repo: RepoRecord, a: string, b: string): string | undefined {
    const fromA = new Set(this.ancestors(repo, a));
    return this.ancestors(repo, b).find((sha) => fromA.has(sha));
  }

  /** The latest commit status of each context on a commit, newest first. */
  latestStatuses(repo: RepoRecord, sha: string): CommitStatusRecord[] {
    const latest = new Map<string, CommitStatusRecord>();
    for (const status of repo.statuses) {
      if (status.sha !== sha) continue;
      const seen = latest.get(status.context);
      if (!seen || seen.id < status.id) latest.set(status.context, status);
    }
    return [...latest.values()].sort((a, b) => b.id - a.id);
  }

  /** The latest check run of each name on a commit (GitHub's `filter=latest`), newest first. */
  latestCheckRuns(repo: RepoRecord, sha: string): CheckRunRecord[] {
    const latest = new Map<string, CheckRunRecord>();
    for (const run of repo.checkRuns) {
      if (run.headSha !== sha) continue;
      const seen = latest.get(run.name);
      if (!seen || seen.id < run.id) latest.set(run.name, run);
    }
    return [...latest.values()].sort((a, b) => b.id - a.id);
  }
}

export function latestStatus(deployment: DeploymentRecord): DeploymentStatusRecord | undefined {
  return deployment.statuses[deployment.statuses.length - 1];
}

export function fullRef(ref: string): string {
  return ref.startsWith('refs/') ? ref : `refs/${ref}`;
}

export function normalisePayload(payload: unknown): Record<string, unknown> | string {
  if (typeof payload === 'string') {
    if (payload.trim() === '') return {};
    try {
      const parsed: unknown = JSON.parse(payload);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
        return parsed as Record<string, unknown>;
    } catch {
      // GitHub keeps a payload string that is not a JSON object as it was sent.
    }
    return payload;
  }
  return (payload ?? {}) as Record<string, unknown>;
}

/** GitHub's timestamps: ISO 8601 in UTC without milliseconds (`2024-05-01T12:00:00Z`). */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
