// The GitHub ledger: every deploy is a GitHub Deployment of the exact commit, its progress deployment
// statuses, deploy-kit's record in `payload['deploy-kit']`. Same meaning as the file ledger: ids are decimal
// strings, statuses read newest first, `state` is the latest status's state (pending when there is none).
//
// Calls, the point of this file: `history` is one GraphQL request per 100 deployments, each with its
// status history (usually one request in all, where listing over REST costs 1 + one status list per
// deployment); `create` and each status write are one REST call (a create that failed adds one look-up per
// retry); `get` is two REST calls, run together (GraphQL's `node` needs a global id, which a decimal id
// does not give); `deactivate` one write per id.
//
// A write that got no answer may still be applied by GitHub (it ends a request after 10 s, not at once).
// So `create` is idempotent: each call puts a request key in deploy-kit's record, is never retried blindly,
// and after a 5xx, a timeout or a reset looks the key up among the environment's deployments before
// sending again; copies that landed late are closed as duplicates and deleted. A closing status waits for
// the deployment's unanswered writes to settle, so a late `in_progress` never lands after it.
//
// Statuses are written with `auto_inactive: false`: deploy-kit marks the deployments it replaced inactive
// itself, with a description naming what replaced them, and GitHub's automatic version skips production
// and transient environments anyway.
import { randomUUID } from 'node:crypto';
import type { GitHubClient, GitHubLog, UnansweredWrite } from '../github/client.js';
import { GitHubApiError, statusOf, toGitHubApiError } from '../github/errors.js';
import { createIdempotently, sleep } from '../github/idempotent-create.js';
import {
  ENVIRONMENTS_QUERY,
  type EnvironmentsAnswer,
  type GraphqlDeployment,
  type GraphqlDeploymentStatus,
  HISTORY_QUERY,
  type HistoryAnswer,
} from './github-queries.js';
import {
  type CreateDeploymentRequest,
  DEPLOYMENT_STATES,
  type DeploymentEntry,
  type DeploymentState,
  type HistoryPage,
  type Ledger,
  OPEN_STATES,
  RECORD_KEY,
  recordOf,
  type StatusEntry,
  type StatusUpdate,
} from './types.js';

export interface GitHubLedgerOptions {
  client: GitHubClient;
  owner: string;
  repo: string;
  log?: GitHubLog;
  /**
   * Called when a write got no answer, with the time (epoch ms) until which GitHub may still apply it:
   * a step in another process (a post step) must not close the deployment before then.
   */
  onLateWrites?: (until: number) => void;
}

/** What `history()` reads without a limit: one GraphQL page. */
export const DEFAULT_HISTORY_LIMIT = 100;
/** How many of the newest deployments `environments()` looks through by default: 10 GraphQL calls at most. */
export const DEFAULT_ENVIRONMENTS_SCAN = 1000;
/** GitHub's largest page of a GraphQL connection. */
const PAGE_SIZE = 100;
/** GitHub's limit on a description (deployment statuses answer 422 beyond it). */
const DESCRIPTION_MAX = 140;
/** How many of an environment's newest deployments a request key is looked for among. */
const KEY_LOOKUP = 100;

/** REST shapes read here (the parts used; GitHub sends more). */
interface RestDeployment {
  id: number;
  sha: string;
  ref: string;
  task: string;
  payload: unknown;
  environment: string;
  description?: string | null;
  creator?: { login?: string } | null;
  created_at: string;
}

interface RestStatus {
  id: number;
  state: string;
  description?: string | null;
  environment_url?: string | null;
  log_url?: string | null;
  target_url?: string | null;
  created_at: string;
}

export class GitHubLedger implements Ledger {
  readonly kind = 'github' as const;
  readonly owner: string;
  readonly repo: string;
  readonly #client: GitHubClient;
  readonly #log: GitHubLog | undefined;
  readonly #onLateWrites: ((until: number) => void) | undefined;
  /** Deployments with writes that got no answer: until when those may land, and the create's key when a
   * create attempt was among them (its late copies are swept before the deployment is closed). */
  readonly #late = new Map<
    string,
    { until: number; where?: Pick<CreateDeploymentRequest, 'environment' | 'task'>; key?: string }
  >();
  #lateUntil = 0;

  constructor(options: GitHubLedgerOptions) {
    if (!options.owner || !options.repo) {
      throw new Error(
        `github ledger: needs a repository as owner and name, got '${options.owner}/${options.repo}'`,
      );
    }
    this.#client = options.client;
    this.owner = options.owner;
    this.repo = options.repo;
    this.#log = options.log;
    this.#onLateWrites = options.onLateWrites;
  }

  get #where(): string {
    return `${this.owner}/${this.repo}`;
  }

  async create(request: CreateDeploymentRequest): Promise<DeploymentEntry> {
    if (request.environment.trim() === '') {
      throw new Error('github ledger: a deployment needs an environment name, got an empty one');
    }
    const requestKey = randomUUID();
    const payload = JSON.parse(
      JSON.stringify({ ...request.payload, [RECORD_KEY]: { ...request.record, requestKey } }),
    ) as Record<string, unknown>;
    const short = request.sha.slice(0, 7);
    const action = `create a deployment of ${short} (${request.ref}) to ${request.environment} in ${this.#where}`;
    let entry: DeploymentEntry;
    let until: number;
    try {
      ({ made: entry, lateUntil: until } = await createIdempotently({
        client: this.#client,
        path: `/repos/${this.owner}/${this.repo}/deployments`,
        send: async () => {
          const response = await this.createCall(request, payload);
          if (response.status === 202 || !('id' in response.data)) {
            const message = (response.data as { message?: string }).message ?? 'no deployment was made';
            throw new GitHubApiError(
              `GitHub refused to ${action}: it answered 202 "${message}" — the ref was behind the default branch, ` +
                'so GitHub merged the default branch into it (a new commit) instead of deploying. ' +
                'Set `auto-merge: false` to deploy the commit as it is',
              'conflict',
              202,
            );
          }
          return restEntry(response.data as unknown as RestDeployment, []);
        },
        find: async () => (await this.#withKey(request, requestKey, action))[0],
        onUnanswered: (writes) => this.#noteLate(writes),
        what: 'the deployment',
        log: (message) => this.#log?.debug(`github ledger: ${message}`),
      }));
    } catch (error) {
      // Already explained: the 202 above and the key look-ups; the create's own failures are explained here.
      throw error instanceof GitHubApiError ? error : this.#createError(error, request, action);
    }
    if (until > 0) {
      this.#late.set(entry.id, { until, where: request, key: requestKey });
      await this.#sweep(entry.id, requestKey, request, action);
    }
    this.#log?.debug(`github ledger: created deployment ${entry.id} of ${short} to ${entry.environment}`);
    return entry;
  }

  /** The deployments of this environment carrying this request key, oldest first (one REST call). */
  async #withKey(
    request: Pick<CreateDeploymentRequest, 'environment' | 'task'>,
    key: string,
    action: string,
  ): Promise<DeploymentEntry[]> {
    let response: { data: unknown };
    try {
      response = await this.#client.request('GET /repos/{owner}/{repo}/deployments', {
        owner: this.owner,
        repo: this.repo,
        environment: request.environment,
        task: request.task,
        per_page: KEY_LOOKUP,
      });
    } catch (error) {
      throw toGitHubApiError(error, {
        action: `${action}: looking for what an unanswered attempt made`,
        permission: 'deployments: read',
      });
    }
    return (response.data as RestDeployment[])
      .filter((d) => recordOf(parsePayload(d.payload))?.requestKey === key)
      .sort((a, b) => a.id - b.id)
      .map((d) => restEntry(d, []));
  }

  /**
   * Closes the copies of deployment `keep` that a retried create made (same request key): an `inactive`
   * status saying whose duplicate it is, then a delete, so the environment's history shows one deployment.
   */
  async #sweep(
    keep: string,
    key: string,
    request: Pick<CreateDeploymentRequest, 'environment' | 'task'>,
    action: string,
  ): Promise<string[]> {
    const copies = (await this.#withKey(request, key, action)).filter((d) => d.id !== keep);
    for (const copy of copies) {
      await this.#writeStatus(copy.id, {
        state: 'inactive',
        description: `duplicate of #${keep}: a retried request GitHub applied late`,
      });
      try {
        await this.#client.request('DELETE /repos/{owner}/{repo}/deployments/{deployment_id}', {
          owner: this.owner,
          repo: this.repo,
          deployment_id: Number(copy.id),
        });
      } catch (error) {
        // Inactive and described is closed enough; the delete only tidies the history.
        this.#log?.debug(
          `github ledger: duplicate ${copy.id} marked inactive, not deleted: ${(error as Error).message}`,
        );
      }
    }
    if (copies.length > 0) {
      this.#log?.warning(
        `github ledger: GitHub applied a retried create late; closed duplicate(s) ${copies.map((c) => c.id).join(', ')} of deployment ${keep}`,
      );
    }
    return copies.map((c) => c.id);
  }

  async sweepDuplicates(id: string): Promise<string[]> {
    const entry = await this.get(id);
    const key = entry?.record?.requestKey;
    if (!entry || !key) return [];
    return this.#sweep(id, key, entry, `close the duplicates of deployment ${id} in ${this.#where}`);
  }

  /** Remembers writes that got no answer, and says until when they may land. */
  #noteLate(writes: UnansweredWrite[], deploymentId?: string): void {
    if (writes.length === 0) return;
    const until = Math.max(...writes.map((w) => w.lateUntil));
    if (deploymentId !== undefined) {
      const known = this.#late.get(deploymentId);
      this.#late.set(deploymentId, { ...known, until: Math.max(until, known?.until ?? 0) });
    }
    if (until > this.#lateUntil) {
      this.#lateUntil = until;
      this.#onLateWrites?.(until);
    }
  }

  /** Before a closing status: the deployment's unanswered writes have had their time, its late copies are gone. */
  async #settle(id: string): Promise<void> {
    const late = this.#late.get(id);
    if (!late) return;
    const wait = late.until - Date.now();
    if (wait > 0) {
      this.#log?.debug(`github ledger: waiting ${wait} ms for unanswered writes of deployment ${id} to land`);
      await sleep(wait);
    }
    this.#late.delete(id);
    if (late.key && late.where) await this.#sweep(id, late.key, late.where, `close deployment ${id}`);
  }

  /** The REST call of `create` (a method so its response type can be named). */
  private createCall(request: CreateDeploymentRequest, payload: Record<string, unknown>) {
    return this.#client.request('POST /repos/{owner}/{repo}/deployments', {
      // Never retried blindly: a retry of an attempt GitHub applied unanswered makes a second deployment.
      request: { retries: 0 },
      owner: this.owner,
      repo: this.repo,
      // The commit itself: a branch name could move between the checks and the deploy. Only auto-merge
      // needs the branch, since GitHub can merge the default branch into a branch, not into a commit.
      ref: request.autoMerge && request.ref ? request.ref : request.sha,
      task: request.task,
      environment: request.environment,
      ...(request.description !== undefined ? { description: clip(request.description) } : {}),
      payload,
      auto_merge: request.autoMerge,
      ...(request.requiredContexts !== undefined ? { required_contexts: request.requiredContexts } : {}),
      ...(request.productionEnvironment !== undefined
        ? { production_environment: request.productionEnvironment }
        : {}),
      ...(request.transientEnvironment !== undefined
        ? { transient_environment: request.transientEnvironment }
        : {}),
    });
  }

  #createError(error: unknown, request: CreateDeploymentRequest, action: string): GitHubApiError {
    const status = statusOf(error);
    if (status === 409) {
      const contexts = failingContexts(error);
      if (contexts.length > 0) {
        const list = contexts.map((c) => `${c.context} is ${c.state}`).join(', ');
        const ref = request.ref && request.ref !== request.sha ? ` (${request.ref})` : '';
        return new GitHubApiError(
          `GitHub refused to ${action}: the commit's status checks are not all successful: ${list}. ` +
            `Wait until they pass on ${request.sha.slice(0, 7)}${ref}, or name the contexts to wait for with ` +
            '`required-contexts` (`[]` checks none)',
          'conflict',
          409,
          { cause: error },
        );
      }
    }
    return toGitHubApiError(error, { action, permission: 'deployments: write' });
  }

  async setStatus(id: string, update: StatusUpdate): Promise<void> {
    checkId(id);
    if (!DEPLOYMENT_STATES.includes(update.state)) {
      throw new Error(
        `github ledger: a status must be one of ${DEPLOYMENT_STATES.join(', ')}, got ${JSON.stringify(update.state)}`,
      );
    }
    // A closing status goes last: after whatever earlier write to this deployment may still land.
    if (!OPEN_STATES.includes(update.state)) await this.#settle(id);
    await this.#writeStatus(id, update);
  }

  /** One status write (the client retries it: a repeated status changes nothing), its late attempts noted. */
  async #writeStatus(id: string, update: StatusUpdate): Promise<void> {
    const deploymentId = checkId(id);
    const firstUnanswered = this.#client.unansweredWrites().length;
    // A step killed while its closing status is on its way (answered or not, GitHub may apply it) leaves post
    // to wait until it can no longer land, or post's own status is overwritten by it. Once answered, the
    // notice goes back to the writes truly unanswered.
    const closing = !OPEN_STATES.includes(update.state);
    if (closing) this.#onLateWrites?.(Math.max(this.#lateUntil, Date.now() + this.#inFlightBoundMs()));
    try {
      await this.#client.request('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
        owner: this.owner,
        repo: this.repo,
        deployment_id: deploymentId,
        state: update.state,
        ...(update.description !== undefined ? { description: clip(update.description) } : {}),
        ...(update.environmentUrl !== undefined ? { environment_url: update.environmentUrl } : {}),
        ...(update.logUrl !== undefined ? { log_url: update.logUrl } : {}),
        auto_inactive: false,
      });
    } catch (error) {
      throw toGitHubApiError(error, {
        action: `set deployment ${id} of ${this.#where} to ${update.state}`,
        permission: 'deployments: write',
      });
    } finally {
      const suffix = `/deployments/${deploymentId}/statuses`;
      this.#noteLate(
        this.#client
          .unansweredWrites()
          .slice(firstUnanswered)
          .filter((w) => w.path.endsWith(suffix)),
        id,
      );
      if (closing) this.#onLateWrites?.(this.#lateUntil);
    }
  }

  /** The latest a write being sent now may land: every attempt and back-off, then GitHub's late window. */
  #inFlightBoundMs(): number {
    const { retries, retryBaseMs, timeoutMs, lateWriteWindowMs } = this.#client.budgets;
    return (retries + 1) * timeoutMs + retryBaseMs * 2 ** retries + lateWriteWindowMs;
  }

  async history(environment: string, options: { limit?: number } = {}): Promise<DeploymentEntry[]> {
    const limit = options.limit ?? DEFAULT_HISTORY_LIMIT;
    const entries: DeploymentEntry[] = [];
    let pages = 0;
    for await (const page of this.historyPages(environment, { limit })) {
      entries.push(...page.entries);
      pages += 1;
      if (entries.length >= limit) break;
    }
    this.#log?.debug(
      `github ledger: ${entries.length} deployment(s) of ${environment} read in ${pages} GraphQL call(s)`,
    );
    // Newest first as in the file ledger; ids break ties of deployments made in the same second.
    return entries.sort(newestFirst).slice(0, Math.max(0, limit));
  }

  /** One GraphQL call per page of at most 100 (fewer when `limit` asks for fewer), each page newest first. */
  async *historyPages(
    environment: string,
    options: { limit?: number } = {},
  ): AsyncGenerator<HistoryPage, void, undefined> {
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    let after: string | null = null;
    let read = 0;
    while (read < limit) {
      const first = Math.min(PAGE_SIZE, Math.ceil(limit - read));
      let answer: HistoryAnswer;
      try {
        answer = await this.#client.graphql<HistoryAnswer>(HISTORY_QUERY, {
          owner: this.owner,
          name: this.repo,
          environment,
          first,
          after,
        });
      } catch (error) {
        throw toGitHubApiError(error, {
          action: `read the deployments of ${environment} in ${this.#where}`,
          permission: 'deployments: read',
        });
      }
      const connection = answer.repository?.deployments;
      if (!connection) {
        throw new GitHubApiError(
          `GitHub refused to read the deployments of ${environment}: repository ${this.#where} was not found ` +
            '(or the token cannot see it)',
          'not-found',
          undefined,
        );
      }
      const entries: DeploymentEntry[] = [];
      for (const node of connection.nodes ?? []) {
        const entry = node ? this.#graphqlEntry(node) : undefined;
        if (entry) entries.push(entry);
      }
      read += entries.length;
      const more = connection.pageInfo.hasNextPage && connection.pageInfo.endCursor !== null;
      yield { entries: entries.sort(newestFirst), more };
      if (!more || entries.length === 0) return;
      after = connection.pageInfo.endCursor;
    }
  }

  /**
   * The environments among the newest `scan` deployments of all environments, sorted by name: one GraphQL
   * document listing deployments across environments (only their environment's name), one call per 100.
   * An environment whose last deployment is older than those is not listed; name it to read it.
   */
  async environments(options: { scan?: number } = {}): Promise<string[]> {
    const scan = options.scan ?? DEFAULT_ENVIRONMENTS_SCAN;
    const names = new Set<string>();
    let seen = 0;
    let after: string | null = null;
    let pages = 0;
    while (seen < scan) {
      let answer: EnvironmentsAnswer;
      try {
        answer = await this.#client.graphql<EnvironmentsAnswer>(ENVIRONMENTS_QUERY, {
          owner: this.owner,
          name: this.repo,
          first: Math.min(PAGE_SIZE, Math.ceil(scan - seen)),
          after,
        });
      } catch (error) {
        throw toGitHubApiError(error, {
          action: `list the environments deployed to in ${this.#where}`,
          permission: 'deployments: read',
        });
      }
      pages += 1;
      const connection = answer.repository?.deployments;
      if (!connection) {
        throw new GitHubApiError(
          `GitHub refused to list the environments deployed to: repository ${this.#where} was not found ` +
            '(or the token cannot see it)',
          'not-found',
          undefined,
        );
      }
      for (const node of connection.nodes ?? []) {
        seen += 1;
        if (node?.environment) names.add(node.environment);
      }
      if (!connection.pageInfo.hasNextPage || !connection.pageInfo.endCursor) break;
      after = connection.pageInfo.endCursor;
    }
    this.#log?.debug(
      `github ledger: ${names.size} environment(s) among ${seen} deployment(s), read in ${pages} GraphQL call(s)`,
    );
    return [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  async get(id: string): Promise<DeploymentEntry | undefined> {
    if (!/^[1-9][0-9]*$/.test(id)) return undefined;
    const params = { owner: this.owner, repo: this.repo, deployment_id: Number(id) };
    try {
      const [deployment, statuses] = await Promise.all([
        this.#client.request('GET /repos/{owner}/{repo}/deployments/{deployment_id}', params),
        this.#client.request('GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
          ...params,
          per_page: 100,
        }),
      ]);
      return restEntry(
        deployment.data as unknown as RestDeployment,
        statuses.data as unknown as RestStatus[],
      );
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw toGitHubApiError(error, {
        action: `read deployment ${id} of ${this.#where}`,
        permission: 'deployments: read',
      });
    }
  }

  /** One `inactive` status per id, one after the other (GitHub asks for serial writes). */
  async deactivate(ids: string[], description: string): Promise<void> {
    for (const id of ids) checkId(id);
    for (const [index, id] of ids.entries()) {
      try {
        await this.setStatus(id, { state: 'inactive', description });
      } catch (error) {
        if (index === 0 || !(error instanceof GitHubApiError)) throw error;
        throw new GitHubApiError(
          `${error.message} (after marking ${ids.slice(0, index).join(', ')} inactive)`,
          error.kind,
          error.status,
          { cause: error },
        );
      }
    }
  }

  #graphqlEntry(node: GraphqlDeployment): DeploymentEntry | undefined {
    if (node.databaseId === null || node.databaseId === undefined) return undefined;
    const payload = parsePayload(node.payload, (problem) =>
      this.#log?.debug(`github ledger: deployment ${node.databaseId}: ${problem}`),
    );
    const record = recordOf(payload);
    const statuses = statusesNewestFirst(
      (node.statuses?.nodes ?? []).filter((s): s is GraphqlDeploymentStatus => s !== null),
      node.latestStatus?.id,
    ).map(graphqlStatus);
    const latest = node.latestStatus ? stateOf(node.latestStatus.state) : statuses[0]?.state;
    return {
      id: String(node.databaseId),
      environment: node.environment ?? '',
      task: node.task ?? 'deploy',
      sha: node.commitOid,
      ref: record?.ref ?? node.ref?.name ?? node.commitOid,
      createdAt: node.createdAt,
      ...(node.creator?.login ? { creator: node.creator.login } : {}),
      ...(node.description ? { description: node.description } : {}),
      payload,
      ...(record ? { record } : {}),
      statuses,
      state: latest ?? 'pending',
    };
  }
}

/**
 * GraphQL lists a deployment's statuses without a documented order (the fake lists them newest first, as
 * REST does). Reads the direction from `latestStatus` and the ends' times, so either order comes out right.
 */
/** Newest first; ids break ties of deployments made in the same second. */
function newestFirst(a: DeploymentEntry, b: DeploymentEntry): number {
  return Number(b.id) - Number(a.id) || b.createdAt.localeCompare(a.createdAt);
}

export function statusesNewestFirst(
  nodes: GraphqlDeploymentStatus[],
  latestId: string | undefined,
): GraphqlDeploymentStatus[] {
  if (nodes.length < 2) return nodes;
  const head = nodes[0]!;
  const tail = nodes[nodes.length - 1]!;
  const oldestFirst =
    latestId !== undefined && (head.id === latestId || tail.id === latestId)
      ? tail.id === latestId && head.id !== latestId
      : head.createdAt < tail.createdAt;
  return oldestFirst ? [...nodes].reverse() : nodes;
}

function graphqlStatus(status: GraphqlDeploymentStatus): StatusEntry {
  return {
    state: stateOf(status.state),
    ...(status.description ? { description: status.description } : {}),
    ...(status.environmentUrl ? { environmentUrl: status.environmentUrl } : {}),
    ...(status.logUrl ? { logUrl: status.logUrl } : {}),
    createdAt: status.createdAt,
  };
}

function restEntry(deployment: RestDeployment, statuses: RestStatus[]): DeploymentEntry {
  const payload = parsePayload(deployment.payload);
  const record = recordOf(payload);
  const entries = [...statuses]
    .sort((a, b) => b.id - a.id)
    .map(
      (status): StatusEntry => ({
        state: stateOf(status.state),
        ...(status.description ? { description: status.description } : {}),
        ...(status.environment_url ? { environmentUrl: status.environment_url } : {}),
        ...((status.log_url ?? status.target_url) ? { logUrl: (status.log_url || status.target_url)! } : {}),
        createdAt: status.created_at,
      }),
    );
  return {
    id: String(deployment.id),
    environment: deployment.environment,
    task: deployment.task,
    sha: deployment.sha,
    ref: record?.ref ?? shortRef(deployment.ref),
    createdAt: deployment.created_at,
    ...(deployment.creator?.login ? { creator: deployment.creator.login } : {}),
    ...(deployment.description ? { description: deployment.description } : {}),
    payload,
    ...(record ? { record } : {}),
    statuses: entries,
    state: entries[0]?.state ?? 'pending',
  };
}

/** GraphQL's upper-case states and REST's lower-case ones; WAITING (for an approval) counts as queued. */
function stateOf(state: string): DeploymentState {
  const lower = state.toLowerCase();
  if (lower === 'waiting') return 'queued';
  return (DEPLOYMENT_STATES as readonly string[]).includes(lower) ? (lower as DeploymentState) : 'pending';
}

/**
 * A payload as an object, whatever GitHub hands back: an object (REST), a JSON string of one (GraphQL),
 * a JSON string of that string (a payload sent as a string), or anything else, read as empty.
 */
export function parsePayload(value: unknown, onProblem?: (problem: string) => void): Record<string, unknown> {
  let current = value;
  for (let depth = 0; depth < 3 && typeof current === 'string'; depth += 1) {
    const text: string = current;
    if (text.trim() === '') return {};
    try {
      current = JSON.parse(text) as unknown;
    } catch {
      onProblem?.(`its payload is not JSON (${text.slice(0, 40)}…); read as empty`);
      return {};
    }
  }
  if (current === null || current === undefined) return {};
  if (typeof current !== 'object' || Array.isArray(current)) {
    onProblem?.(`its payload is not a JSON object; read as empty`);
    return {};
  }
  return current as Record<string, unknown>;
}

function shortRef(ref: string): string {
  return ref.replace(/^refs\/(heads|tags)\//, '');
}

function clip(text: string): string {
  return text.length <= DESCRIPTION_MAX ? text : `${text.slice(0, DESCRIPTION_MAX - 1)}…`;
}

function checkId(id: string): number {
  if (!/^[1-9][0-9]*$/.test(id)) {
    throw new Error(`github ledger: '${id}' is not a deployment id (a whole number like "12")`);
  }
  return Number(id);
}

/** The contexts GitHub lists in a 409 of create-a-deployment: `errors[].contexts[] = { context, state }`. */
function failingContexts(error: unknown): { context: string; state: string }[] {
  const data = (error as { response?: { data?: unknown } }).response?.data;
  const errors = data && typeof data === 'object' ? (data as { errors?: unknown }).errors : undefined;
  if (!Array.isArray(errors)) return [];
  return errors.flatMap((item) => {
    const contexts = (item as { contexts?: unknown } | null)?.contexts;
    if (!Array.isArray(contexts)) return [];
    return contexts.map((c: { context?: unknown; state?: unknown }) => ({
      context: typeof c?.context === 'string' ? c.context : '?',
      state: typeof c?.state === 'string' ? c.state : 'unknown',
    }));
  });
}
