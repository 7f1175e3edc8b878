export const id = 415;
export const ids = [415];
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

/***/ 9415:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   GitHubHistory: () => (/* binding */ GitHubHistory)
/* harmony export */ });
/* unused harmony export pack */
/* harmony import */ var _github_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3116);

/** Windows counted in the first call: fine enough that merging them fills pages of 100 (a count is cheap). */
const COUNT_WINDOWS = 256;
/** GitHub's largest page of a connection. */
const PAGE = 100;
/** Connections fetched in one call (100 × 100 commits, each with its parents: well under GitHub's limits). */
const CONNECTIONS_PER_CALL = 100;
const COMMIT_FIELDS = 'pageInfo { hasNextPage endCursor } nodes { oid committedDate parents(first: 10) { nodes { oid } } }';
class GitHubHistory {
    client;
    owner;
    repo;
    kind = 'github';
    #calls = 0;
    constructor(client, owner, repo) {
        this.client = client;
        this.owner = owner;
        this.repo = repo;
    }
    /** GraphQL calls sent so far. */
    get calls() {
        return this.#calls;
    }
    async read(request) {
        const heads = [...new Set(request.heads)];
        const commits = new Map();
        const newest = heads.at(-1);
        const before = this.#calls;
        if (newest) {
            const from = Math.floor(Date.parse(request.notBefore) / 1000);
            const to = Math.ceil(Date.parse(request.until) / 1000);
            const counted = await this.#count(newest, from, to);
            let pending = pack(counted);
            while (pending.length > 0) {
                const next = [];
                for (let i = 0; i < pending.length; i += CONNECTIONS_PER_CALL) {
                    const batch = pending.slice(i, i + CONNECTIONS_PER_CALL);
                    const pages = await this.#fetchWindows(newest, batch);
                    pages.forEach((page, index) => {
                        addNodes(commits, page);
                        if (page?.pageInfo?.hasNextPage && page.pageInfo.endCursor) {
                            next.push({ ...batch[index], after: page.pageInfo.endCursor });
                        }
                    });
                }
                pending = next;
            }
            // Delivered commits the newest does not reach: each fetched from itself, back to notBefore.
            const unreached = heads.filter((sha) => !commits.has(sha));
            if (unreached.length > 0)
                await this.#fetchHeads(unreached.slice(0, CONNECTIONS_PER_CALL), from, commits);
        }
        const calls = this.#calls - before;
        return {
            commits,
            describe: `GitHub commit history since ${request.notBefore.slice(0, 10)} (${commits.size} commits, ${calls} GraphQL call${calls === 1 ? '' : 's'})`,
            missing: heads.filter((sha) => !commits.has(sha)),
        };
    }
    async #query(document, variables) {
        this.#calls += 1;
        try {
            return await this.client.graphql(document, { owner: this.owner, name: this.repo, ...variables });
        }
        catch (error) {
            throw (0,_github_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .toGitHubApiError */ .Vu)(error, {
                action: `read the commit history of ${this.owner}/${this.repo}`,
                permission: 'contents: read',
            });
        }
    }
    /** Call 1: how many commits each of N equal windows holds. */
    async #count(head, from, to) {
        const span = Math.max(1, to - from);
        const size = Math.max(1, Math.ceil(span / COUNT_WINDOWS));
        const windows = [];
        for (let since = from; since <= to; since += size) {
            windows.push({ since, until: Math.min(to, since + size - 1), count: 0 });
        }
        const aliases = windows
            .map((w, i) => `w${i}: history(first: 1, since: ${iso(w.since)}, until: ${iso(w.until)}) { totalCount }`)
            .join('\n');
        const answer = await this.#query(commitDocument('DeployKitCommitCounts', aliases), {
            head,
        });
        const object = answer.repository?.object ?? {};
        return windows.map((w, i) => ({
            ...w,
            count: object[`w${i}`]?.totalCount ?? 0,
        }));
    }
    async #fetchWindows(head, windows) {
        const aliases = windows
            .map((w, i) => `w${i}: history(first: ${PAGE}, since: ${iso(w.since)}, until: ${iso(w.until)}${w.after ? `, after: ${JSON.stringify(w.after)}` : ''}) { ${COMMIT_FIELDS} }`)
            .join('\n');
        const answer = await this.#query(commitDocument('DeployKitCommits', aliases), { head });
        const object = answer.repository?.object ?? {};
        return windows.map((_, i) => object[`w${i}`]);
    }
    async #fetchHeads(heads, from, commits) {
        const aliases = heads
            .map((sha, i) => `h${i}: object(oid: ${JSON.stringify(sha)}) { ... on Commit { history(first: ${PAGE}, since: ${iso(from)}) { ${COMMIT_FIELDS} } } }`)
            .join('\n');
        const document = `query DeployKitDeliveredCommits($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) {
    ${aliases}
  }
}`;
        const answer = await this.#query(document, {});
        for (const [, object] of Object.entries(answer.repository ?? {}))
            addNodes(commits, object?.history);
    }
}
function commitDocument(name, aliases) {
    return `query ${name}($owner: String!, $name: String!, $head: GitObjectID!) {
  repository(owner: $owner, name: $name) {
    object(oid: $head) {
      ... on Commit {
        ${aliases}
      }
    }
  }
}`;
}
function iso(seconds) {
    return JSON.stringify(new Date(seconds * 1000).toISOString().replace('.000Z', 'Z'));
}
function addNodes(commits, page) {
    for (const node of page?.nodes ?? []) {
        if (!node)
            continue;
        commits.set(node.oid, {
            committedAt: new Date(node.committedDate).toISOString(),
            parents: (node.parents.nodes ?? []).flatMap((p) => (p ? [p.oid] : [])),
        });
    }
}
/**
 * Windows of about a page each: neighbours merged while they fit in one page; a window holding more split in
 * equal parts of time (a part that still holds more is followed by cursor). Empty windows are dropped.
 */
function pack(windows) {
    const packed = [];
    for (const window of windows) {
        if (window.count === 0)
            continue;
        const last = packed.at(-1);
        if (last && last.until + 1 === window.since && last.count + window.count <= PAGE) {
            last.until = window.until;
            last.count += window.count;
            continue;
        }
        if (window.count <= PAGE) {
            packed.push({ ...window });
            continue;
        }
        const parts = Math.min(window.until - window.since + 1, Math.ceil(window.count / PAGE) * 2);
        const size = Math.ceil((window.until - window.since + 1) / parts);
        for (let since = window.since; since <= window.until; since += size) {
            packed.push({
                since,
                until: Math.min(window.until, since + size - 1),
                count: Math.ceil(window.count / parts),
            });
        }
    }
    return packed;
}


/***/ })

};
