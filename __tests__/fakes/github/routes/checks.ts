// Check runs and commit statuses (with the combined status of a ref), and the required status checks of a
// protected branch.
import * as represent from '../represent.js';
import {
  asObject,
  HttpError,
  notFound,
  oneOf,
  optString,
  paginate,
  type Route,
  type RouteContext,
  reqString,
  unprocessable,
  validationFailed,
} from '../router.js';
import type { CheckConclusion, CheckRunRecord, CheckStatus, CommitState } from '../store.js';

const DOCS = 'https://docs.github.com/rest';
const CHECK_STATUSES: readonly CheckStatus[] = [
  'queued',
  'in_progress',
  'completed',
  'waiting',
  'requested',
  'pending',
];
const CONCLUSIONS: readonly CheckConclusion[] = [
  'action_required',
  'cancelled',
  'failure',
  'neutral',
  'success',
  'skipped',
  'stale',
  'timed_out',
];
const COMMIT_STATES: readonly CommitState[] = ['error', 'failure', 'pending', 'success'];

function resolveRef(ctx: RouteContext): string {
  const ref = ctx.params.ref ?? ctx.params.sha ?? '';
  const sha = ctx.store.resolveCommit(ctx.repo, ref);
  if (!sha) throw unprocessable(`No commit found for SHA: ${ref}`);
  return sha;
}

/** Applies the writable fields of a check run body (create and update share them). */
function applyCheckFields(ctx: RouteContext, run: CheckRunRecord, body: Record<string, unknown>): void {
  const status = oneOf(optString(body, 'status', 'CheckRun'), CHECK_STATUSES, 'CheckRun', 'status');
  const conclusion = oneOf(optString(body, 'conclusion', 'CheckRun'), CONCLUSIONS, 'CheckRun', 'conclusion');
  if (status) run.status = status;
  if (conclusion) {
    run.conclusion = conclusion;
    run.status = 'completed';
  }
  if (run.status === 'completed' && !run.conclusion) {
    throw validationFailed({ resource: 'CheckRun', code: 'missing_field', field: 'conclusion' });
  }
  if (run.status === 'completed') {
    run.completedAt = optString(body, 'completed_at', 'CheckRun') ?? run.completedAt ?? ctx.store.timestamp();
  }
  run.name = optString(body, 'name', 'CheckRun') ?? run.name;
  run.detailsUrl = optString(body, 'details_url', 'CheckRun') ?? run.detailsUrl;
  run.externalId = optString(body, 'external_id', 'CheckRun') ?? run.externalId;
  run.startedAt = optString(body, 'started_at', 'CheckRun') ?? run.startedAt;
  if (body.output !== undefined) {
    const output = asObject(body.output, 'CheckRun');
    run.output = {
      title: optString(output, 'title', 'CheckRun') ?? run.output.title,
      summary: optString(output, 'summary', 'CheckRun') ?? run.output.summary,
      text: optString(output, 'text', 'CheckRun') ?? run.output.text,
    };
  }
}

function createCheckRun(ctx: RouteContext) {
  const body = asObject(ctx.body, 'CheckRun');
  const name = reqString(body, 'name', 'CheckRun');
  const headSha = reqString(body, 'head_sha', 'CheckRun');
  if (!ctx.repo.commits.has(headSha)) throw unprocessable(`No commit found for SHA: ${headSha}`);
  const run = ctx.store.addCheckRun(ctx.repo.fullName, {
    name,
    headSha,
    workflowName: null,
    status: 'queued',
  });
  applyCheckFields(ctx, run, body);
  return { status: 201, body: represent.checkRun(ctx.urls, ctx.repo, run) };
}

function findCheckRun(ctx: RouteContext): CheckRunRecord {
  const run = ctx.repo.checkRuns.find((r) => r.id === Number(ctx.params.check_run_id));
  if (!run) throw notFound();
  return run;
}

function updateCheckRun(ctx: RouteContext) {
  const run = findCheckRun(ctx);
  applyCheckFields(ctx, run, asObject(ctx.body, 'CheckRun'));
  return { status: 200, body: represent.checkRun(ctx.urls, ctx.repo, run) };
}

function listCheckRuns(ctx: RouteContext) {
  const sha = resolveRef(ctx);
  ctx.store.checksRead(ctx.repo, sha);
  const { check_name: name, status, filter } = ctx.query;
  const runs = (
    filter === 'all'
      ? ctx.repo.checkRuns.filter((r) => r.headSha === sha)
      : ctx.store.latestCheckRuns(ctx.repo, sha)
  )
    .filter((r) => (name === undefined || r.name === name) && (status === undefined || r.status === status))
    .sort((a, b) => b.id - a.id);
  const { page, headers } = paginate(runs, ctx);
  return {
    status: 200,
    headers,
    body: {
      total_count: runs.length,
      check_runs: page.map((r) => represent.checkRun(ctx.urls, ctx.repo, r)),
    },
  };
}

function createStatus(ctx: RouteContext) {
  const sha = ctx.params.sha ?? '';
  if (!ctx.repo.commits.has(sha)) throw unprocessable(`No commit found for SHA: ${sha}`);
  const body = asObject(ctx.body, 'Status');
  const state = oneOf(reqString(body, 'state', 'Status'), COMMIT_STATES, 'Status', 'state')!;
  const status = ctx.store.addCommitStatus(ctx.repo.fullName, {
    sha,
    state,
    context: optString(body, 'context', 'Status') ?? 'default',
    description: optString(body, 'description', 'Status') ?? null,
    targetUrl: optString(body, 'target_url', 'Status') ?? null,
    creator: ctx.user.login,
  });
  return { status: 201, body: represent.commitStatus(ctx.urls, ctx.repo, status) };
}

function combinedStatus(ctx: RouteContext) {
  const sha = resolveRef(ctx);
  ctx.store.checksRead(ctx.repo, sha);
  const latest = ctx.store.latestStatuses(ctx.repo, sha);
  const state = latest.some((s) => s.state === 'error' || s.state === 'failure')
    ? 'failure'
    : latest.length === 0 || latest.some((s) => s.state === 'pending')
      ? 'pending'
      : 'success';
  const { page, headers } = paginate(latest, ctx);
  const api = represent.repoApi(ctx.urls, ctx.repo);
  return {
    status: 200,
    headers,
    body: {
      state,
      statuses: page.map((s) => represent.commitStatus(ctx.urls, ctx.repo, s, false)),
      sha,
      total_count: latest.length,
      repository: represent.repository(ctx.urls, ctx.repo),
      commit_url: `${api}/commits/${sha}`,
      url: `${api}/commits/${sha}/status`,
    },
  };
}

function listStatuses(ctx: RouteContext) {
  const sha = resolveRef(ctx);
  ctx.store.checksRead(ctx.repo, sha);
  const all = ctx.repo.statuses.filter((s) => s.sha === sha).sort((a, b) => b.id - a.id);
  const { page, headers } = paginate(all, ctx);
  return { status: 200, headers, body: page.map((s) => represent.commitStatus(ctx.urls, ctx.repo, s)) };
}

/** The required status checks of a protected branch (what GraphQL's `refUpdateRule` tells non-admins). */
function requiredStatusChecks(ctx: RouteContext) {
  const branch = ctx.params.branch ?? '';
  if (!ctx.repo.refs.has(`refs/heads/${branch}`)) throw new HttpError(404, 'Branch not found');
  const protection = ctx.repo.protection.get(branch);
  if (!protection) throw new HttpError(404, 'Branch not protected');
  const url = `${represent.repoApi(ctx.urls, ctx.repo)}/branches/${encodeURIComponent(branch)}/protection/required_status_checks`;
  return {
    status: 200,
    body: {
      url,
      strict: false,
      contexts: [...protection.requiredContexts],
      checks: protection.requiredContexts.map((context) => ({ context, app_id: null })),
      contexts_url: `${url}/contexts`,
    },
  };
}

const repo = '/repos/{owner}/{repo}';

export const checkRoutes: Route[] = [
  {
    method: 'POST',
    template: `${repo}/check-runs`,
    area: 'checks',
    access: 'write',
    docs: `${DOCS}/checks/runs#create-a-check-run`,
    handler: createCheckRun,
  },
  {
    method: 'GET',
    template: `${repo}/check-runs/{check_run_id}`,
    area: 'checks',
    access: 'read',
    docs: `${DOCS}/checks/runs#get-a-check-run`,
    handler: (ctx) => ({ status: 200, body: represent.checkRun(ctx.urls, ctx.repo, findCheckRun(ctx)) }),
  },
  {
    method: 'PATCH',
    template: `${repo}/check-runs/{check_run_id}`,
    area: 'checks',
    access: 'write',
    docs: `${DOCS}/checks/runs#update-a-check-run`,
    handler: updateCheckRun,
  },
  {
    method: 'GET',
    template: `${repo}/commits/{ref}/check-runs`,
    area: 'checks',
    access: 'read',
    docs: `${DOCS}/checks/runs#list-check-runs-for-a-git-reference`,
    handler: listCheckRuns,
  },
  {
    method: 'POST',
    template: `${repo}/statuses/{sha}`,
    area: 'statuses',
    access: 'write',
    docs: `${DOCS}/commits/statuses#create-a-commit-status`,
    handler: createStatus,
  },
  {
    method: 'GET',
    template: `${repo}/commits/{ref}/status`,
    area: 'statuses',
    access: 'read',
    docs: `${DOCS}/commits/statuses#get-the-combined-status-for-a-specific-reference`,
    handler: combinedStatus,
  },
  {
    method: 'GET',
    template: `${repo}/commits/{ref}/statuses`,
    area: 'statuses',
    access: 'read',
    docs: `${DOCS}/commits/statuses#list-commit-statuses-for-a-reference`,
    handler: listStatuses,
  },
  {
    method: 'GET',
    template: `${repo}/branches/{branch}/protection/required_status_checks`,
    area: 'administration',
    access: 'read',
    docs: `${DOCS}/branches/branch-protection#get-status-checks-protection`,
    handler: requiredStatusChecks,
  },
];
