export const id = 365;
export const ids = [365];
export const modules = {

/***/ 3116:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   OS: () => (/* binding */ GitHubApiError),
/* harmony export */   Vu: () => (/* binding */ toGitHubApiError),
/* harmony export */   c2: () => (/* binding */ statusOf)
/* harmony export */ });
/* unused harmony export explainGitHubError */
// Turns errors from the GitHub API (Octokit's RequestError and GraphqlResponseError, read by shape so
// this module imports nothing) into explanations a user can act on.
class GitHubApiError extends Error {
    kind;
    status;
    name = 'GitHubApiError';
    constructor(message, kind, status, options) {
        super(message, options);
        this.kind = kind;
        this.status = status;
    }
}
function shape(error) {
    return error !== null && typeof error === 'object' ? error : { message: String(error) };
}
function bodyOf(error) {
    const data = error.response?.data;
    if (data && typeof data === 'object')
        return data;
    if (typeof data === 'string') {
        try {
            return JSON.parse(data);
        }
        catch {
            return { message: data };
        }
    }
    return {};
}
/** `x-accepted-github-permissions: deployments=write; contents=read` → `deployments: write, contents: read`. */
function acceptedPermissions(headers) {
    const value = headers?.['x-accepted-github-permissions'];
    if (!value)
        return undefined;
    const alternatives = value.split(';').map((set) => set
        .split(',')
        .map((pair) => pair.trim().replace('=', ': '))
        .filter(Boolean)
        .join(', '));
    return alternatives.filter(Boolean).join(' or ');
}
function resetText(headers, now) {
    const reset = Number(headers?.['x-ratelimit-reset']);
    if (!Number.isFinite(reset) || reset <= 0)
        return 'it resets within the hour';
    const at = new Date(reset * 1000);
    const minutes = Math.max(Math.ceil((at.getTime() - now.getTime()) / 60000), 0);
    return `it resets at ${at.toISOString().replace(/\.\d{3}Z$/, 'Z')} (in ${minutes} minute${minutes === 1 ? '' : 's'})`;
}
function describeValidation(body) {
    const details = (body.errors ?? []).map((item) => {
        if (typeof item === 'string')
            return item;
        const e = item;
        const where = [e.resource, e.field].filter(Boolean).join('.');
        const what = e.code === 'custom' || !e.code ? (e.message ?? 'invalid') : e.code.replace(/_/g, ' ');
        return `${where ? `${where} ` : ''}${what}${e.message && e.code && e.code !== 'custom' ? ` (${e.message})` : ''}`;
    });
    const message = body.message ?? 'Validation Failed';
    return details.length > 0 ? `${message}: ${details.join('; ')}` : message;
}
function describeConflict(body) {
    const contexts = (body.errors ?? []).flatMap((item) => {
        const e = item;
        return Array.isArray(e.contexts) ? e.contexts : [];
    });
    if (contexts.length === 0)
        return undefined;
    const list = contexts.map((c) => `${c.context ?? '?'} is ${c.state ?? 'unknown'}`).join(', ');
    const subject = /for (.+?)\.?$/.exec(body.message ?? '')?.[1];
    return (`commit status checks failed${subject ? ` for ${subject}` : ''}: ${list}. ` +
        'Wait until they pass, or choose which contexts must pass with `required_contexts` (an empty list checks none)');
}
/** Codes Node gives a request that got no answer: the name did not resolve, or the connection failed. */
const CONNECTION_CODES = /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|UND_ERR_[A-Z_]+)\b/;
function causeChain(error) {
    const chain = [];
    let current = error;
    for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
        chain.push(current);
        current = current.cause;
    }
    return chain;
}
function isConnectionFailure(error) {
    return causeChain(error).some((link) => CONNECTION_CODES.test(link.code ?? '') || /fetch failed/.test(link.message ?? ''));
}
/** The innermost message that says what happened (`getaddrinfo ENOTFOUND api.github.com`), not `fetch failed`. */
function connectionMessage(error, e) {
    const messages = causeChain(error)
        .map((link) => link.message)
        .filter((message) => Boolean(message) && message !== 'fetch failed');
    return messages.at(-1) ?? e.message ?? 'no answer';
}
/** `could not reach api.github.com: getaddrinfo ENOTFOUND api.github.com (to create the deployment: POST …)`. */
function unreachable(url, method, action, message) {
    let host = 'GitHub';
    try {
        if (url)
            host = new URL(url).host;
    }
    catch {
        // Not a URL: keep the generic name.
    }
    const request = url ? `${method ? `${method} ` : ''}${url}` : '';
    const what = [action ? `to ${action}` : '', request].filter(Boolean).join(': ');
    return `could not reach ${host}: ${message}${what ? ` (${what})` : ''}`;
}
function classify(error, context) {
    const e = shape(error);
    const now = (context.now ?? (() => new Date()))();
    const method = e.request?.method;
    const url = e.request?.url ?? e.response?.url;
    const doing = context.action
        ? `GitHub refused to ${context.action}`
        : `GitHub request${method ? ` ${method}` : ''}${url ? ` ${url}` : ''} failed`;
    const headers = e.response?.headers ?? e.headers;
    const permissionHint = (permission) => permission
        ? `the workflow must grant it with \`permissions:\` → \`${permission}\` (on the job, or at the top of the workflow)`
        : 'the workflow must grant the permission this call needs under `permissions:`';
    // GraphQL errors answered with 200.
    if (Array.isArray(e.errors) && e.status === undefined) {
        const types = e.errors.map((x) => x.type);
        const list = e.errors
            .map((x) => `${x.type ? `${x.type}: ` : ''}${x.message ?? ''}${x.path ? ` (at ${x.path.join('.')})` : ''}`)
            .join('; ');
        if (types.includes('FORBIDDEN')) {
            return {
                kind: 'permission',
                message: `${doing}: the token may not read this (${list}); ${permissionHint(context.permission)}`,
            };
        }
        if (types.includes('RATE_LIMITED')) {
            return {
                kind: 'rate-limit',
                message: `${doing}: GitHub's GraphQL rate limit for this token is spent; ${resetText(headers, now)}`,
            };
        }
        if (types.includes('NOT_FOUND')) {
            return { kind: 'not-found', message: `${doing}: ${list} (the token may not be able to see it)` };
        }
        return { kind: 'graphql', message: `${doing}: GitHub's GraphQL API answered errors: ${list}` };
    }
    const status = e.status ?? e.response?.status;
    const body = bodyOf(e);
    const ghMessage = body.message ?? e.message ?? 'unknown error';
    // No answer at all (DNS, refused, reset, timed out): GitHub refused nothing, it was never reached.
    const unanswered = e.response === undefined && (status === undefined || status >= 500);
    if (unanswered && (status !== undefined || isConnectionFailure(error))) {
        return {
            kind: 'network',
            ...(status !== undefined ? { status } : {}),
            message: unreachable(url, method, context.action, connectionMessage(error, e)),
        };
    }
    if (status === undefined) {
        return { kind: 'other', message: `${doing}: ${e.message ?? String(error)}` };
    }
    if (status === 401) {
        return {
            kind: 'auth',
            status,
            message: `${doing}: GitHub rejected the token (401 ${ghMessage}): it is wrong, expired or revoked. ` +
                'Pass a valid token (in a workflow, `${{ github.token }}` or a secret holding a PAT or a GitHub App token)',
        };
    }
    if ((status === 403 || status === 429) && /secondary rate limit|abuse/i.test(ghMessage)) {
        const after = headers?.['retry-after'];
        return {
            kind: 'rate-limit',
            status,
            message: `${doing}: GitHub's secondary rate limit stopped the request (${status})` +
                `${after ? `; it asks to wait ${after}s before trying again` : '; wait a few minutes before trying again'}`,
        };
    }
    if ((status === 403 || status === 429) &&
        (headers?.['x-ratelimit-remaining'] === '0' || /rate limit/i.test(ghMessage))) {
        const used = headers?.['x-ratelimit-used'];
        const limit = headers?.['x-ratelimit-limit'];
        const resource = headers?.['x-ratelimit-resource'];
        const usage = used && limit ? ` (${used} of ${limit} requests${resource ? ` of '${resource}'` : ''} used)` : '';
        return {
            kind: 'rate-limit',
            status,
            message: `${doing}: GitHub's API rate limit for this token is spent${usage}; ${resetText(headers, now)}`,
        };
    }
    if (status === 403 && /not accessible by/i.test(ghMessage)) {
        const permission = context.permission ?? acceptedPermissions(headers);
        const hint = /personal access token/i.test(ghMessage)
            ? `give the personal access token ${permission ? `the \`${permission}\` permission` : 'the permission this call needs'}`
            : permissionHint(permission);
        return {
            kind: 'permission',
            status,
            message: `${doing}: the token lacks a permission (403 ${ghMessage}); ${hint}`,
        };
    }
    if (status === 409) {
        const conflict = describeConflict(body);
        return { kind: 'conflict', status, message: `${doing}: ${conflict ?? `conflict (409 ${ghMessage})`}` };
    }
    if (status === 422) {
        return {
            kind: 'validation',
            status,
            message: `${doing}: GitHub rejected the request (422 ${describeValidation(body)})`,
        };
    }
    if (status === 404) {
        return {
            kind: 'not-found',
            status,
            message: `${doing}: not found (404): it does not exist, or the token cannot see it (a private repository needs a token with access to it)`,
        };
    }
    if (status >= 500) {
        return {
            kind: 'server',
            status,
            message: `${doing}: GitHub answered ${status} (${ghMessage}) and went on failing after retries`,
        };
    }
    return { kind: 'other', status, message: `${doing}: ${status} ${ghMessage}` };
}
/** One sentence (or two) saying what went wrong and what to do about it. */
/** The HTTP status of an Octokit error (or of a GitHubApiError); undefined when no answer came. */
function statusOf(error) {
    if (error === null || typeof error !== 'object')
        return undefined;
    const e = error;
    const status = e.status ?? e.response?.status;
    return typeof status === 'number' ? status : undefined;
}
function explainGitHubError(error, context = {}) {
    if (error instanceof GitHubApiError)
        return error.message;
    return classify(error, context).message;
}
/** Wraps an Octokit error in a GitHubApiError whose message is the explanation (the original is its cause). */
function toGitHubApiError(error, context = {}) {
    if (error instanceof GitHubApiError)
        return error;
    const { message, kind, status } = classify(error, context);
    return new GitHubApiError(message, kind, status, { cause: error });
}


/***/ }),

/***/ 1365:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  DEFAULT_ENVIRONMENTS_SCAN: () => (/* binding */ DEFAULT_ENVIRONMENTS_SCAN),
  DEFAULT_HISTORY_LIMIT: () => (/* binding */ DEFAULT_HISTORY_LIMIT),
  GitHubLedger: () => (/* binding */ GitHubLedger),
  parsePayload: () => (/* binding */ parsePayload),
  statusesNewestFirst: () => (/* binding */ statusesNewestFirst)
});

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: ./src/github/errors.ts
var errors = __webpack_require__(3116);
;// CONCATENATED MODULE: ./src/github/idempotent-create.ts

/** A failure after which GitHub may have made what was asked: a 5xx, or no answer at all. */
function mayHaveApplied(error) {
    const status = (0,errors/* statusOf */.c2)(error);
    return status === undefined || status >= 500;
}
function sleep(ms) {
    return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
/**
 * Creates once, retried by hand within the client's budget (its own backoff). Returns what was made and
 * until when an unanswered attempt may still land (epoch ms; 0 when every attempt was answered), so the
 * caller can close the late copies of it then. Throws the last error when nothing was made.
 */
async function createIdempotently(create) {
    const { client, log } = create;
    const { retries, retryBaseMs } = client.budgets;
    const wait = create.sleep ?? sleep;
    const firstUnanswered = client.unansweredWrites().length;
    const unansweredCreates = () => client
        .unansweredWrites()
        .slice(firstUnanswered)
        .filter((w) => w.method === 'POST' && w.path.endsWith(create.path));
    let made;
    let lastError;
    for (let attempt = 0; attempt <= retries && made === undefined; attempt += 1) {
        if (attempt > 0) {
            await wait(retryBaseMs * attempt * attempt);
            made = await create.find();
            if (made !== undefined) {
                log?.(`${create.what} was made by an attempt that failed`);
                break;
            }
        }
        try {
            made = await create.send();
        }
        catch (error) {
            create.onUnanswered?.(unansweredCreates());
            if (!mayHaveApplied(error))
                throw error;
            lastError = error;
            log?.(`creating ${create.what} failed (attempt ${attempt + 1} of ${retries + 1}): ${error.message}`);
        }
    }
    const lateUntil = Math.max(0, ...unansweredCreates().map((w) => w.lateUntil));
    if (made === undefined && lateUntil > 0) {
        await wait(lateUntil - Date.now());
        made = await create.find();
        if (made !== undefined)
            log?.(`${create.what} was made by an attempt that got no answer`);
    }
    if (made === undefined)
        throw lastError;
    return { made, lateUntil };
}

;// CONCATENATED MODULE: ./src/ledger/github-queries.ts
// The GraphQL documents of the GitHub ledger, and the shapes of their answers. Every field here is in
// GitHub's published schema (@octokit/graphql-schema); the fake GitHub validates each document against it.
/** One deployment with everything a DeploymentEntry needs, including its status history. */
const DEPLOYMENT_FIELDS = /* GraphQL */ `
  fragment DeployKitDeployment on Deployment {
    databaseId
    environment
    task
    payload
    commitOid
    createdAt
    description
    ref {
      name
    }
    creator {
      login
    }
    latestStatus {
      id
      state
    }
    statuses(first: 100) {
      nodes {
        id
        state
        description
        environmentUrl
        logUrl
        createdAt
      }
    }
  }
`;
/**
 * An environment's deployments, newest first, at most 100 a page (GitHub's limit of a connection).
 * `orderBy` is needed: GitHub lists deployments oldest first by default.
 */
const HISTORY_QUERY = /* GraphQL */ `
  query DeployKitHistory($owner: String!, $name: String!, $environment: String!, $first: Int!, $after: String) {
    repository(owner: $owner, name: $name) {
      deployments(
        environments: [$environment]
        first: $first
        after: $after
        orderBy: { field: CREATED_AT, direction: DESC }
      ) {
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          ...DeployKitDeployment
        }
      }
    }
  }
  ${DEPLOYMENT_FIELDS}
`;
/**
 * The environments that have deployments: deployments across every environment, newest first, only their
 * environment's name, at most 100 a page. One document for all environments (no per-environment call).
 */
const ENVIRONMENTS_QUERY = /* GraphQL */ `
  query DeployKitEnvironments($owner: String!, $name: String!, $first: Int!, $after: String) {
    repository(owner: $owner, name: $name) {
      deployments(first: $first, after: $after, orderBy: { field: CREATED_AT, direction: DESC }) {
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          environment
        }
      }
    }
  }
`;

// EXTERNAL MODULE: ./src/ledger/types.ts
var types = __webpack_require__(4436);
;// CONCATENATED MODULE: ./src/ledger/github.ts
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





/** What `history()` reads without a limit: one GraphQL page. */
const DEFAULT_HISTORY_LIMIT = 100;
/** How many of the newest deployments `environments()` looks through by default: 10 GraphQL calls at most. */
const DEFAULT_ENVIRONMENTS_SCAN = 1000;
/** GitHub's largest page of a GraphQL connection. */
const PAGE_SIZE = 100;
/** GitHub's limit on a description (deployment statuses answer 422 beyond it). */
const DESCRIPTION_MAX = 140;
/** How many of an environment's newest deployments a request key is looked for among. */
const KEY_LOOKUP = 100;
class GitHubLedger {
    kind = 'github';
    owner;
    repo;
    #client;
    #log;
    #onLateWrites;
    /** Deployments with writes that got no answer: until when those may land, and the create's key when a
     * create attempt was among them (its late copies are swept before the deployment is closed). */
    #late = new Map();
    #lateUntil = 0;
    constructor(options) {
        if (!options.owner || !options.repo) {
            throw new Error(`github ledger: needs a repository as owner and name, got '${options.owner}/${options.repo}'`);
        }
        this.#client = options.client;
        this.owner = options.owner;
        this.repo = options.repo;
        this.#log = options.log;
        this.#onLateWrites = options.onLateWrites;
    }
    get #where() {
        return `${this.owner}/${this.repo}`;
    }
    async create(request) {
        if (request.environment.trim() === '') {
            throw new Error('github ledger: a deployment needs an environment name, got an empty one');
        }
        const requestKey = (0,external_node_crypto_.randomUUID)();
        const payload = JSON.parse(JSON.stringify({ ...request.payload, [types/* RECORD_KEY */.sD]: { ...request.record, requestKey } }));
        const short = request.sha.slice(0, 7);
        const action = `create a deployment of ${short} (${request.ref}) to ${request.environment} in ${this.#where}`;
        let entry;
        let until;
        try {
            ({ made: entry, lateUntil: until } = await createIdempotently({
                client: this.#client,
                path: `/repos/${this.owner}/${this.repo}/deployments`,
                send: async () => {
                    const response = await this.createCall(request, payload);
                    if (response.status === 202 || !('id' in response.data)) {
                        const message = response.data.message ?? 'no deployment was made';
                        throw new errors/* GitHubApiError */.OS(`GitHub refused to ${action}: it answered 202 "${message}" — the ref was behind the default branch, ` +
                            'so GitHub merged the default branch into it (a new commit) instead of deploying. ' +
                            'Set `auto-merge: false` to deploy the commit as it is', 'conflict', 202);
                    }
                    return restEntry(response.data, []);
                },
                find: async () => (await this.#withKey(request, requestKey, action))[0],
                onUnanswered: (writes) => this.#noteLate(writes),
                what: 'the deployment',
                log: (message) => this.#log?.debug(`github ledger: ${message}`),
            }));
        }
        catch (error) {
            // Already explained: the 202 above and the key look-ups; the create's own failures are explained here.
            throw error instanceof errors/* GitHubApiError */.OS ? error : this.#createError(error, request, action);
        }
        if (until > 0) {
            this.#late.set(entry.id, { until, where: request, key: requestKey });
            await this.#sweep(entry.id, requestKey, request, action);
        }
        this.#log?.debug(`github ledger: created deployment ${entry.id} of ${short} to ${entry.environment}`);
        return entry;
    }
    /** The deployments of this environment carrying this request key, oldest first (one REST call). */
    async #withKey(request, key, action) {
        let response;
        try {
            response = await this.#client.request('GET /repos/{owner}/{repo}/deployments', {
                owner: this.owner,
                repo: this.repo,
                environment: request.environment,
                task: request.task,
                per_page: KEY_LOOKUP,
            });
        }
        catch (error) {
            throw (0,errors/* toGitHubApiError */.Vu)(error, {
                action: `${action}: looking for what an unanswered attempt made`,
                permission: 'deployments: read',
            });
        }
        return response.data
            .filter((d) => (0,types/* recordOf */.zv)(parsePayload(d.payload))?.requestKey === key)
            .sort((a, b) => a.id - b.id)
            .map((d) => restEntry(d, []));
    }
    /**
     * Closes the copies of deployment `keep` that a retried create made (same request key): an `inactive`
     * status saying whose duplicate it is, then a delete, so the environment's history shows one deployment.
     */
    async #sweep(keep, key, request, action) {
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
            }
            catch (error) {
                // Inactive and described is closed enough; the delete only tidies the history.
                this.#log?.debug(`github ledger: duplicate ${copy.id} marked inactive, not deleted: ${error.message}`);
            }
        }
        if (copies.length > 0) {
            this.#log?.warning(`github ledger: GitHub applied a retried create late; closed duplicate(s) ${copies.map((c) => c.id).join(', ')} of deployment ${keep}`);
        }
        return copies.map((c) => c.id);
    }
    async sweepDuplicates(id) {
        const entry = await this.get(id);
        const key = entry?.record?.requestKey;
        if (!entry || !key)
            return [];
        return this.#sweep(id, key, entry, `close the duplicates of deployment ${id} in ${this.#where}`);
    }
    /** Remembers writes that got no answer, and says until when they may land. */
    #noteLate(writes, deploymentId) {
        if (writes.length === 0)
            return;
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
    async #settle(id) {
        const late = this.#late.get(id);
        if (!late)
            return;
        const wait = late.until - Date.now();
        if (wait > 0) {
            this.#log?.debug(`github ledger: waiting ${wait} ms for unanswered writes of deployment ${id} to land`);
            await sleep(wait);
        }
        this.#late.delete(id);
        if (late.key && late.where)
            await this.#sweep(id, late.key, late.where, `close deployment ${id}`);
    }
    /** The REST call of `create` (a method so its response type can be named). */
    createCall(request, payload) {
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
    #createError(error, request, action) {
        const status = (0,errors/* statusOf */.c2)(error);
        if (status === 409) {
            const contexts = failingContexts(error);
            if (contexts.length > 0) {
                const list = contexts.map((c) => `${c.context} is ${c.state}`).join(', ');
                const ref = request.ref && request.ref !== request.sha ? ` (${request.ref})` : '';
                return new errors/* GitHubApiError */.OS(`GitHub refused to ${action}: the commit's status checks are not all successful: ${list}. ` +
                    `Wait until they pass on ${request.sha.slice(0, 7)}${ref}, or name the contexts to wait for with ` +
                    '`required-contexts` (`[]` checks none)', 'conflict', 409, { cause: error });
            }
        }
        return (0,errors/* toGitHubApiError */.Vu)(error, { action, permission: 'deployments: write' });
    }
    async setStatus(id, update) {
        checkId(id);
        if (!types/* DEPLOYMENT_STATES */.jb.includes(update.state)) {
            throw new Error(`github ledger: a status must be one of ${types/* DEPLOYMENT_STATES */.jb.join(', ')}, got ${JSON.stringify(update.state)}`);
        }
        // A closing status goes last: after whatever earlier write to this deployment may still land.
        if (!types/* OPEN_STATES */.oX.includes(update.state))
            await this.#settle(id);
        await this.#writeStatus(id, update);
    }
    /** One status write (the client retries it: a repeated status changes nothing), its late attempts noted. */
    async #writeStatus(id, update) {
        const deploymentId = checkId(id);
        const firstUnanswered = this.#client.unansweredWrites().length;
        // A step killed while its closing status is on its way (answered or not, GitHub may apply it) leaves post
        // to wait until it can no longer land, or post's own status is overwritten by it. Once answered, the
        // notice goes back to the writes truly unanswered.
        const closing = !types/* OPEN_STATES */.oX.includes(update.state);
        if (closing)
            this.#onLateWrites?.(Math.max(this.#lateUntil, Date.now() + this.#inFlightBoundMs()));
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
        }
        catch (error) {
            throw (0,errors/* toGitHubApiError */.Vu)(error, {
                action: `set deployment ${id} of ${this.#where} to ${update.state}`,
                permission: 'deployments: write',
            });
        }
        finally {
            const suffix = `/deployments/${deploymentId}/statuses`;
            this.#noteLate(this.#client
                .unansweredWrites()
                .slice(firstUnanswered)
                .filter((w) => w.path.endsWith(suffix)), id);
            if (closing)
                this.#onLateWrites?.(this.#lateUntil);
        }
    }
    /** The latest a write being sent now may land: every attempt and back-off, then GitHub's late window. */
    #inFlightBoundMs() {
        const { retries, retryBaseMs, timeoutMs, lateWriteWindowMs } = this.#client.budgets;
        return (retries + 1) * timeoutMs + retryBaseMs * 2 ** retries + lateWriteWindowMs;
    }
    async history(environment, options = {}) {
        const limit = options.limit ?? DEFAULT_HISTORY_LIMIT;
        const entries = [];
        let pages = 0;
        for await (const page of this.historyPages(environment, { limit })) {
            entries.push(...page.entries);
            pages += 1;
            if (entries.length >= limit)
                break;
        }
        this.#log?.debug(`github ledger: ${entries.length} deployment(s) of ${environment} read in ${pages} GraphQL call(s)`);
        // Newest first as in the file ledger; ids break ties of deployments made in the same second.
        return entries.sort(newestFirst).slice(0, Math.max(0, limit));
    }
    /** One GraphQL call per page of at most 100 (fewer when `limit` asks for fewer), each page newest first. */
    async *historyPages(environment, options = {}) {
        const limit = options.limit ?? Number.POSITIVE_INFINITY;
        let after = null;
        let read = 0;
        while (read < limit) {
            const first = Math.min(PAGE_SIZE, Math.ceil(limit - read));
            let answer;
            try {
                answer = await this.#client.graphql(HISTORY_QUERY, {
                    owner: this.owner,
                    name: this.repo,
                    environment,
                    first,
                    after,
                });
            }
            catch (error) {
                throw (0,errors/* toGitHubApiError */.Vu)(error, {
                    action: `read the deployments of ${environment} in ${this.#where}`,
                    permission: 'deployments: read',
                });
            }
            const connection = answer.repository?.deployments;
            if (!connection) {
                throw new errors/* GitHubApiError */.OS(`GitHub refused to read the deployments of ${environment}: repository ${this.#where} was not found ` +
                    '(or the token cannot see it)', 'not-found', undefined);
            }
            const entries = [];
            for (const node of connection.nodes ?? []) {
                const entry = node ? this.#graphqlEntry(node) : undefined;
                if (entry)
                    entries.push(entry);
            }
            read += entries.length;
            const more = connection.pageInfo.hasNextPage && connection.pageInfo.endCursor !== null;
            yield { entries: entries.sort(newestFirst), more };
            if (!more || entries.length === 0)
                return;
            after = connection.pageInfo.endCursor;
        }
    }
    /**
     * The environments among the newest `scan` deployments of all environments, sorted by name: one GraphQL
     * document listing deployments across environments (only their environment's name), one call per 100.
     * An environment whose last deployment is older than those is not listed; name it to read it.
     */
    async environments(options = {}) {
        const scan = options.scan ?? DEFAULT_ENVIRONMENTS_SCAN;
        const names = new Set();
        let seen = 0;
        let after = null;
        let pages = 0;
        while (seen < scan) {
            let answer;
            try {
                answer = await this.#client.graphql(ENVIRONMENTS_QUERY, {
                    owner: this.owner,
                    name: this.repo,
                    first: Math.min(PAGE_SIZE, Math.ceil(scan - seen)),
                    after,
                });
            }
            catch (error) {
                throw (0,errors/* toGitHubApiError */.Vu)(error, {
                    action: `list the environments deployed to in ${this.#where}`,
                    permission: 'deployments: read',
                });
            }
            pages += 1;
            const connection = answer.repository?.deployments;
            if (!connection) {
                throw new errors/* GitHubApiError */.OS(`GitHub refused to list the environments deployed to: repository ${this.#where} was not found ` +
                    '(or the token cannot see it)', 'not-found', undefined);
            }
            for (const node of connection.nodes ?? []) {
                seen += 1;
                if (node?.environment)
                    names.add(node.environment);
            }
            if (!connection.pageInfo.hasNextPage || !connection.pageInfo.endCursor)
                break;
            after = connection.pageInfo.endCursor;
        }
        this.#log?.debug(`github ledger: ${names.size} environment(s) among ${seen} deployment(s), read in ${pages} GraphQL call(s)`);
        return [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    }
    async get(id) {
        if (!/^[1-9][0-9]*$/.test(id))
            return undefined;
        const params = { owner: this.owner, repo: this.repo, deployment_id: Number(id) };
        try {
            const [deployment, statuses] = await Promise.all([
                this.#client.request('GET /repos/{owner}/{repo}/deployments/{deployment_id}', params),
                this.#client.request('GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
                    ...params,
                    per_page: 100,
                }),
            ]);
            return restEntry(deployment.data, statuses.data);
        }
        catch (error) {
            if ((0,errors/* statusOf */.c2)(error) === 404)
                return undefined;
            throw (0,errors/* toGitHubApiError */.Vu)(error, {
                action: `read deployment ${id} of ${this.#where}`,
                permission: 'deployments: read',
            });
        }
    }
    /** One `inactive` status per id, one after the other (GitHub asks for serial writes). */
    async deactivate(ids, description) {
        for (const id of ids)
            checkId(id);
        for (const [index, id] of ids.entries()) {
            try {
                await this.setStatus(id, { state: 'inactive', description });
            }
            catch (error) {
                if (index === 0 || !(error instanceof errors/* GitHubApiError */.OS))
                    throw error;
                throw new errors/* GitHubApiError */.OS(`${error.message} (after marking ${ids.slice(0, index).join(', ')} inactive)`, error.kind, error.status, { cause: error });
            }
        }
    }
    #graphqlEntry(node) {
        if (node.databaseId === null || node.databaseId === undefined)
            return undefined;
        const payload = parsePayload(node.payload, (problem) => this.#log?.debug(`github ledger: deployment ${node.databaseId}: ${problem}`));
        const record = (0,types/* recordOf */.zv)(payload);
        const statuses = statusesNewestFirst((node.statuses?.nodes ?? []).filter((s) => s !== null), node.latestStatus?.id).map(graphqlStatus);
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
function newestFirst(a, b) {
    return Number(b.id) - Number(a.id) || b.createdAt.localeCompare(a.createdAt);
}
function statusesNewestFirst(nodes, latestId) {
    if (nodes.length < 2)
        return nodes;
    const head = nodes[0];
    const tail = nodes[nodes.length - 1];
    const oldestFirst = latestId !== undefined && (head.id === latestId || tail.id === latestId)
        ? tail.id === latestId && head.id !== latestId
        : head.createdAt < tail.createdAt;
    return oldestFirst ? [...nodes].reverse() : nodes;
}
function graphqlStatus(status) {
    return {
        state: stateOf(status.state),
        ...(status.description ? { description: status.description } : {}),
        ...(status.environmentUrl ? { environmentUrl: status.environmentUrl } : {}),
        ...(status.logUrl ? { logUrl: status.logUrl } : {}),
        createdAt: status.createdAt,
    };
}
function restEntry(deployment, statuses) {
    const payload = parsePayload(deployment.payload);
    const record = (0,types/* recordOf */.zv)(payload);
    const entries = [...statuses]
        .sort((a, b) => b.id - a.id)
        .map((status) => ({
        state: stateOf(status.state),
        ...(status.description ? { description: status.description } : {}),
        ...(status.environment_url ? { environmentUrl: status.environment_url } : {}),
        ...((status.log_url ?? status.target_url) ? { logUrl: (status.log_url || status.target_url) } : {}),
        createdAt: status.created_at,
    }));
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
function stateOf(state) {
    const lower = state.toLowerCase();
    if (lower === 'waiting')
        return 'queued';
    return types/* DEPLOYMENT_STATES */.jb.includes(lower) ? lower : 'pending';
}
/**
 * A payload as an object, whatever GitHub hands back: an object (REST), a JSON string of one (GraphQL),
 * a JSON string of that string (a payload sent as a string), or anything else, read as empty.
 */
function parsePayload(value, onProblem) {
    let current = value;
    for (let depth = 0; depth < 3 && typeof current === 'string'; depth += 1) {
        const text = current;
        if (text.trim() === '')
            return {};
        try {
            current = JSON.parse(text);
        }
        catch {
            onProblem?.(`its payload is not JSON (${text.slice(0, 40)}…); read as empty`);
            return {};
        }
    }
    if (current === null || current === undefined)
        return {};
    if (typeof current !== 'object' || Array.isArray(current)) {
        onProblem?.(`its payload is not a JSON object; read as empty`);
        return {};
    }
    return current;
}
function shortRef(ref) {
    return ref.replace(/^refs\/(heads|tags)\//, '');
}
function clip(text) {
    return text.length <= DESCRIPTION_MAX ? text : `${text.slice(0, DESCRIPTION_MAX - 1)}…`;
}
function checkId(id) {
    if (!/^[1-9][0-9]*$/.test(id)) {
        throw new Error(`github ledger: '${id}' is not a deployment id (a whole number like "12")`);
    }
    return Number(id);
}
/** The contexts GitHub lists in a 409 of create-a-deployment: `errors[].contexts[] = { context, state }`. */
function failingContexts(error) {
    const data = error.response?.data;
    const errors = data && typeof data === 'object' ? data.errors : undefined;
    if (!Array.isArray(errors))
        return [];
    return errors.flatMap((item) => {
        const contexts = item?.contexts;
        if (!Array.isArray(contexts))
            return [];
        return contexts.map((c) => ({
            context: typeof c?.context === 'string' ? c.context : '?',
            state: typeof c?.state === 'string' ? c.state : 'unknown',
        }));
    });
}


/***/ })

};
