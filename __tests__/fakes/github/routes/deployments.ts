// Deployments and deployment statuses, with GitHub's create-time rules: auto_merge (202), required
// contexts (409), validation (422), and deletion of inactive deployments only.
import * as represent from '../represent.js';
import {
  asObject,
  HttpError,
  notFound,
  oneOf,
  optBoolean,
  optString,
  optStringArray,
  paginate,
  type Route,
  type RouteContext,
  reqString,
  unprocessable,
  validationFailed,
} from '../router.js';
import {
  DEPLOYMENT_STATES,
  type DeploymentRecord,
  latestStatus,
  normalisePayload,
  type RepoRecord,
  type Store,
} from '../store.js';

const DOCS = 'https://docs.github.com/rest/deployments';

function findDeployment(ctx: RouteContext): DeploymentRecord {
  const id = Number(ctx.params.deployment_id);
  const deployment = ctx.repo.deployments.find((d) => d.id === id);
  if (!deployment) throw notFound();
  return deployment;
}

/** The state of one required context on a commit: its latest commit status, else its latest check run. */
export function contextState(store: Store, repo: RepoRecord, sha: string, context: string): string {
  const status = store.latestStatuses(repo, sha).find((s) => s.context === context);
  if (status) return status.state;
  const run = store.latestCheckRuns(repo, sha).find((r) => r.name === context);
  if (!run) return 'missing';
  if (run.status !== 'completed') return 'pending';
  return ['success', 'neutral', 'skipped'].includes(run.conclusion ?? '') ? 'success' : 'failure';
}

function createDeployment(ctx: RouteContext) {
  const { repo, store } = ctx;
  const body = asObject(ctx.body, 'Deployment');
  const ref = reqString(body, 'ref', 'Deployment');
  const task = optString(body, 'task', 'Deployment') ?? 'deploy';
  const autoMerge = optBoolean(body, 'auto_merge', 'Deployment') ?? true;
  const requiredContexts = optStringArray(body, 'required_contexts', 'Deployment');
  const environment = optString(body, 'environment', 'Deployment') ?? 'production';
  const description = body.description === null ? null : (optString(body, 'description', 'Deployment') ?? '');
  const transient = optBoolean(body, 'transient_environment', 'Deployment') ?? false;
  const production = optBoolean(body, 'production_environment', 'Deployment') ?? environment === 'production';
  const payload = body.payload;
  if (
    payload !== undefined &&
    payload !== null &&
    typeof payload !== 'string' &&
    typeof payload !== 'object'
  ) {
    throw validationFailed({ resource: 'Deployment', code: 'invalid', field: 'payload' });
  }
  if (Array.isArray(payload))
    throw validationFailed({ resource: 'Deployment', code: 'invalid', field: 'payload' });

  const sha = store.resolveCommit(repo, ref);
  if (!sha) throw unprocessable(`No ref found for: ${ref}`);

  // auto_merge: a branch behind the default branch gets the default branch merged in, and no deployment.
  const isBranch = repo.refs.has(`refs/heads/${ref}`) || repo.refs.has(ref);
  const branch = ref.replace(/^refs\/heads\//, '').replace(/^heads\//, '');
  if (autoMerge && isBranch && branch !== repo.defaultBranch) {
    const defaultTip = store.resolveCommit(repo, repo.defaultBranch);
    if (defaultTip && !store.ancestors(repo, sha).includes(defaultTip)) {
      store.addCommit(repo.fullName, {
        branch,
        parents: [sha, defaultTip],
        message: `Merge branch '${repo.defaultBranch}' into ${branch}`,
      });
      return {
        status: 202,
        body: { message: `Auto-merged ${repo.defaultBranch} into ${branch} on deployment.` },
      };
    }
  }

  const contexts =
    requiredContexts ??
    [
      ...new Set([
        ...store.latestStatuses(repo, sha).map((s) => s.context),
        ...store.latestCheckRuns(repo, sha).map((r) => r.name),
      ]),
    ].sort();
  const failing = contexts
    .map((context) => ({ context, state: contextState(store, repo, sha, context) }))
    .filter((c) => c.state !== 'success');
  if (failing.length > 0) {
    throw new HttpError(409, `Conflict: Commit status checks failed for ${ref}.`, {
      errors: [{ contexts: failing, resource: 'Deployment', field: 'required_contexts' }],
    });
  }

  const deployment = store.addDeployment(repo.fullName, {
    ref,
    sha,
    environment,
    task,
    payload: normalisePayload(payload ?? {}),
    description,
    transientEnvironment: transient,
    productionEnvironment: production,
    creator: ctx.user.login,
  });
  return { status: 201, body: represent.deployment(ctx.urls, repo, deployment) };
}

function listDeployments(ctx: RouteContext) {
  const { sha, ref, task, environment } = ctx.query;
  const matching = ctx.repo.deployments
    .filter((d) => (sha === undefined || d.sha === sha) && (ref === undefined || d.ref === ref))
    .filter(
      (d) =>
        (task === undefined || d.task === task) &&
        (environment === undefined || d.environment === environment),
    )
    .sort((a, b) => b.id - a.id);
  const { page, headers } = paginate(matching, ctx);
  return { status: 200, body: page.map((d) => represent.deployment(ctx.urls, ctx.repo, d)), headers };
}

function deleteDeployment(ctx: RouteContext) {
  const deployment = findDeployment(ctx);
  const onlyOne = ctx.repo.deployments.length === 1;
  if (!onlyOne && latestStatus(deployment)?.state !== 'inactive') {
    throw unprocessable(
      'We cannot delete an active deployment unless it is the only deployment in a given environment.',
    );
  }
  ctx.repo.deployments.splice(ctx.repo.deployments.indexOf(deployment), 1);
  return { status: 204 };
}

function createStatus(ctx: RouteContext) {
  const deployment = findDeployment(ctx);
  const body = asObject(ctx.body, 'DeploymentStatus');
  const state = oneOf(
    reqString(body, 'state', 'DeploymentStatus'),
    DEPLOYMENT_STATES,
    'DeploymentStatus',
    'state',
  );
  const description = optString(body, 'description', 'DeploymentStatus') ?? '';
  if (description.length > 140) {
    throw validationFailed({
      resource: 'DeploymentStatus',
      code: 'custom',
      field: 'description',
      message: 'description is too long (maximum is 140 characters)',
    });
  }
  const logUrl =
    optString(body, 'log_url', 'DeploymentStatus') ?? optString(body, 'target_url', 'DeploymentStatus');
  const status = ctx.store.addDeploymentStatus(ctx.repo.fullName, deployment.id, {
    state: state!,
    description,
    environment: optString(body, 'environment', 'DeploymentStatus'),
    environmentUrl: optString(body, 'environment_url', 'DeploymentStatus'),
    logUrl,
    autoInactive: optBoolean(body, 'auto_inactive', 'DeploymentStatus'),
    creator: ctx.user.login,
  });
  return { status: 201, body: represent.deploymentStatus(ctx.urls, ctx.repo, deployment, status) };
}

function listStatuses(ctx: RouteContext) {
  const deployment = findDeployment(ctx);
  const newestFirst = [...deployment.statuses].reverse();
  const { page, headers } = paginate(newestFirst, ctx);
  return {
    status: 200,
    body: page.map((s) => represent.deploymentStatus(ctx.urls, ctx.repo, deployment, s)),
    headers,
  };
}

function getStatus(ctx: RouteContext) {
  const deployment = findDeployment(ctx);
  const status = deployment.statuses.find((s) => s.id === Number(ctx.params.status_id));
  if (!status) throw notFound();
  return { status: 200, body: represent.deploymentStatus(ctx.urls, ctx.repo, deployment, status) };
}

const base = '/repos/{owner}/{repo}/deployments';

export const deploymentRoutes: Route[] = [
  {
    method: 'POST',
    template: base,
    area: 'deployments',
    access: 'write',
    docs: `${DOCS}/deployments#create-a-deployment`,
    handler: createDeployment,
  },
  {
    method: 'GET',
    template: base,
    area: 'deployments',
    access: 'read',
    docs: `${DOCS}/deployments#list-deployments`,
    handler: listDeployments,
  },
  {
    method: 'GET',
    template: `${base}/{deployment_id}`,
    area: 'deployments',
    access: 'read',
    docs: `${DOCS}/deployments#get-a-deployment`,
    handler: (ctx) => ({ status: 200, body: represent.deployment(ctx.urls, ctx.repo, findDeployment(ctx)) }),
  },
  {
    method: 'DELETE',
    template: `${base}/{deployment_id}`,
    area: 'deployments',
    access: 'write',
    docs: `${DOCS}/deployments#delete-a-deployment`,
    handler: deleteDeployment,
  },
  {
    method: 'POST',
    template: `${base}/{deployment_id}/statuses`,
    area: 'deployments',
    access: 'write',
    docs: `${DOCS}/statuses#create-a-deployment-status`,
    handler: createStatus,
  },
  {
    method: 'GET',
    template: `${base}/{deployment_id}/statuses`,
    area: 'deployments',
    access: 'read',
    docs: `${DOCS}/statuses#list-deployment-statuses`,
    handler: listStatuses,
  },
  {
    method: 'GET',
    template: `${base}/{deployment_id}/statuses/{status_id}`,
    area: 'deployments',
    access: 'read',
    docs: `${DOCS}/statuses#get-a-deployment-status`,
    handler: getStatus,
  },
];
