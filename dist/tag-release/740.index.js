export const id = 740;
export const ids = [740];
export const modules = {

/***/ 7740:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  GITHUB_TOKEN_WARNING: () => (/* binding */ GITHUB_TOKEN_WARNING),
  TagConflictError: () => (/* binding */ TagConflictError),
  majorTagPlan: () => (/* binding */ majorTagPlan),
  publishRelease: () => (/* binding */ publishRelease)
});

// EXTERNAL MODULE: ./node_modules/semver/index.js
var semver = __webpack_require__(2088);
var semver_default = /*#__PURE__*/__webpack_require__.n(semver);
;// CONCATENATED MODULE: ./src/github/errors.ts
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

;// CONCATENATED MODULE: ./src/versioning/publish.ts
// Publishing a release on GitHub: the tag on exactly the deployed commit, the GitHub Release with its notes,
// and the major tags (`v1`, `v1.4`) users pin. Pure of @actions/*: it takes the shared GitHub client.
//
// Calls (counted with `client.callCount()`), the normal case is 4 writes and no read:
//   POST /git/refs           refs/tags/<tag> → sha: a LIGHTWEIGHT tag, created atomically or not at all,
//                            so two runs at once make one tag ("Reference already exists" for the second)
//   POST /releases           tag_name, target_commitish: sha, name, body, draft, prerelease, make_latest
//   PATCH|POST /git/refs     vN, then vN.M: PATCH (fast-forward only) when the tag should exist, POST when
//                            it should not, guessed from `previousVersion` (the previous release that
//                            analyzeRelease found, null for a first release) or else from the version
//                            itself; a wrong guess costs one more call (422 → the other verb).
// Re-runs and races: an existing tag is read (`GET /git/ref/tags/<tag>`, an annotated one peeled with
// `GET /git/tags/{sha}`); on the same commit it is reused, on another commit publishing stops with an error
// naming both commits before anything else is changed. An existing release for the tag (found by
// `GET /releases/tags/<tag>`, or a 422 `already_exists` on create) is updated with `PATCH /releases/{id}`.
//
// The rule for major tags: never for prereleases (the `prerelease` flag or a semver prerelease version) nor
// for drafts; and only forward. A move is first tried as a fast-forward (`force: false`): when the deployed
// commit contains the commit the tag is on, it moves. When GitHub answers "not a fast forward", the version
// tags of the series are listed once (`GET /git/matching-refs/tags/vN.`) and the tag is moved with
// `force: true` only if this version is the highest stable `vN.x.y` (for `vN`) or `vN.M.z` (for `vN.M`)
// there; otherwise it stays and a warning says why (a hotfix 1.3.2 made after 1.4.0 does not move `v1`).


/** The release tag exists on another commit: nothing was changed. */
class TagConflictError extends Error {
    tag;
    existingSha;
    sha;
    name = 'TagConflictError';
    constructor(tag, existingSha, sha) {
        super(`tag-release: tag ${tag} already exists on commit ${existingSha}, not on the deployed commit ${sha}; ` +
            'nothing was changed (no release, no major tag moved). Another run released this version from another ' +
            'commit: re-run the release from the new commit so it computes the next version, or delete the tag ' +
            'if it was made by mistake');
        this.tag = tag;
        this.existingSha = existingSha;
        this.sha = sha;
    }
}
const GITHUB_TOKEN_WARNING = 'The tag was pushed with the GITHUB_TOKEN: GitHub starts no workflow for events it causes (no `on: push: tags` ' +
    'or `on: release` run). Use a GitHub App token or a PAT when a workflow must run on the new tag.';
/** GitHub's `message`, plus the codes of its `errors` (`already_exists`). */
function messageOf(error) {
    if (error === null || typeof error !== 'object')
        return String(error);
    const data = error.response?.data;
    const parts = [];
    if (data && typeof data === 'object') {
        const body = data;
        if (typeof body.message === 'string')
            parts.push(body.message);
        for (const item of body.errors ?? []) {
            if (typeof item === 'string')
                parts.push(item);
            else if (item && typeof item === 'object') {
                const e = item;
                if (typeof e.code === 'string')
                    parts.push(e.code);
                if (typeof e.message === 'string')
                    parts.push(e.message);
            }
        }
    }
    else if (typeof data === 'string')
        parts.push(data);
    if (parts.length === 0)
        parts.push(String(error.message ?? ''));
    return parts.join(' ');
}
const is422 = (error, pattern) => statusOf(error) === 422 && pattern.test(messageOf(error));
const ALREADY_EXISTS = /Reference already exists/i;
const DOES_NOT_EXIST = /Reference does not exist/i;
const NOT_FAST_FORWARD = /not a fast.?forward/i;
const RULESET = /Repository rule violations? found|GH013/i;
const IMMUTABLE = /immutable/i;
function explain(error, action, ref) {
    if (error instanceof GitHubApiError || error instanceof TagConflictError)
        return error;
    const status = statusOf(error);
    const message = messageOf(error);
    if ((status === 422 || status === 403) && RULESET.test(message)) {
        return new GitHubApiError(`GitHub refused to ${action}: a repository ruleset protects ${ref ? `tags matching ${ref}` : 'this ref'} ` +
            `(${status} ${message.trim().split('\n')[0]}). Add the actor to the ruleset's bypass list (Settings → ` +
            'Rules → Rulesets), or publish with a GitHub App token whose app may bypass it; the GITHUB_TOKEN cannot bypass rulesets', 'validation', status, { cause: error });
    }
    if (status === 422 && IMMUTABLE.test(message)) {
        return new GitHubApiError(`GitHub refused to ${action}: the release is immutable (${message.trim()}). With immutable releases ` +
            "enabled, a published release's tag and assets cannot change. Publish a new version instead, or " +
            'create releases as drafts (`draft: true`) and publish them once complete', 'validation', status, { cause: error });
    }
    return toGitHubApiError(error, { action, permission: 'contents: write' });
}
const SHORT = (sha) => sha.slice(0, 12);
/**
 * Which major tags a release moves (`v1`, `v1.4`), or why none: never for a prerelease nor a draft. The
 * names only: whether each really moves forward is decided against GitHub when publishing.
 */
function majorTagPlan(options) {
    const { tag } = options;
    const version = semver_default().parse(options.version);
    const prefix = tag.endsWith(options.version) ? tag.slice(0, tag.length - options.version.length) : 'v';
    if (!options.majorTags || !version)
        return { names: [], prefix };
    if (options.prerelease || version.prerelease.length > 0) {
        return { names: [], prefix, why: `major tags not moved: ${options.version} is a prerelease` };
    }
    if (options.draft) {
        return {
            names: [],
            prefix,
            why: `major tags not moved: the release ${tag} is a draft; they move when a published release is made`,
        };
    }
    return { names: [`${prefix}${version.major}`, `${prefix}${version.major}.${version.minor}`], prefix };
}
async function publishRelease(options) {
    const { client, owner, repo, tag, sha, dryRun } = options;
    const where = `${owner}/${repo}`;
    const log = typeof options.log === 'function' ? { debug: options.log, warning: options.log } : options.log;
    const before = client.callCount().rest;
    const warnings = [];
    const name = options.name ?? tag;
    if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/i.test(sha)) {
        throw new Error(`tag-release: 'sha' must be a full commit SHA (40 hex characters), got '${sha}'`);
    }
    const version = semver_default().parse(options.version);
    if (!version) {
        throw new Error(`tag-release: 'version' must be a semantic version like 1.4.0, got '${options.version}'`);
    }
    if (!tag.trim())
        throw new Error("tag-release: 'tag' must not be empty");
    // ---- the tag ----
    const readTagCommit = async () => {
        let ref;
        try {
            const res = await client.request('GET /repos/{owner}/{repo}/git/ref/{ref}', {
                owner,
                repo,
                ref: `tags/${tag}`,
            });
            ref = res.data;
        }
        catch (error) {
            if (statusOf(error) === 404)
                return undefined;
            throw explain(error, `read tag ${tag} of ${where}`);
        }
        let object = ref.object;
        for (let depth = 0; object.type === 'tag' && depth < 5; depth += 1) {
            try {
                const res = await client.request('GET /repos/{owner}/{repo}/git/tags/{tag_sha}', {
                    owner,
                    repo,
                    tag_sha: object.sha,
                });
                object = res.data.object;
            }
            catch (error) {
                throw explain(error, `read the annotated tag ${tag} of ${where}`);
            }
        }
        return object.sha;
    };
    const checkSame = (existing) => {
        if (existing.toLowerCase() !== sha.toLowerCase())
            throw new TagConflictError(tag, existing, sha);
    };
    let tagOutcome;
    if (dryRun) {
        const existing = await readTagCommit();
        if (existing)
            checkSame(existing);
        tagOutcome = existing ? 'existed' : 'created';
    }
    else {
        try {
            await client.request('POST /repos/{owner}/{repo}/git/refs', {
                owner,
                repo,
                ref: `refs/tags/${tag}`,
                sha,
            });
            tagOutcome = 'created';
            log?.debug(`tag-release: created tag ${tag} on ${SHORT(sha)} (lightweight)`);
        }
        catch (error) {
            if (!is422(error, ALREADY_EXISTS))
                throw explain(error, `create tag ${tag} on ${SHORT(sha)} in ${where}`, tag);
            const existing = await readTagCommit();
            // Deleted between the two calls: rare enough to let a re-run settle it.
            if (!existing)
                throw explain(error, `create tag ${tag} on ${SHORT(sha)} in ${where}`, tag);
            checkSame(existing);
            tagOutcome = 'existed';
            log?.debug(`tag-release: tag ${tag} already on ${SHORT(sha)}`);
        }
    }
    // ---- the release ----
    const fields = {
        name,
        body: options.notes,
        prerelease: options.prerelease,
        ...(options.makeLatest !== undefined && !options.prerelease ? { make_latest: options.makeLatest } : {}),
    };
    const findByTag = async () => {
        try {
            const res = await client.request('GET /repos/{owner}/{repo}/releases/tags/{tag}', { owner, repo, tag });
            return res.data;
        }
        catch (error) {
            if (statusOf(error) !== 404)
                throw explain(error, `read the release of ${tag} in ${where}`);
        }
        // Drafts are not found by tag: look at the newest releases.
        try {
            const res = await client.request('GET /repos/{owner}/{repo}/releases', { owner, repo, per_page: 100 });
            return res.data.find((r) => r.tag_name === tag);
        }
        catch (error) {
            throw explain(error, `list the releases of ${where}`);
        }
    };
    const update = async (existing) => {
        try {
            const res = await client.request('PATCH /repos/{owner}/{repo}/releases/{release_id}', {
                owner,
                repo,
                release_id: existing.id,
                ...fields,
                // Publishing an existing draft is allowed; a published release is never turned back into a draft.
                ...(options.draft ? {} : { draft: false }),
            });
            return res.data;
        }
        catch (error) {
            throw explain(error, `update release ${existing.id} (${tag}) of ${where}`);
        }
    };
    const create = async () => {
        try {
            const res = await client.request('POST /repos/{owner}/{repo}/releases', {
                owner,
                repo,
                tag_name: tag,
                target_commitish: sha,
                draft: options.draft,
                ...fields,
            });
            return res.data;
        }
        catch (error) {
            if (statusOf(error) === 422 && /already_exists/.test(messageOf(error)))
                return undefined;
            throw explain(error, `create the release ${tag} in ${where}`, tag);
        }
    };
    let release;
    if (dryRun) {
        const existing = tagOutcome === 'existed' ? await findByTag() : undefined;
        release = existing
            ? { id: existing.id, url: existing.html_url, state: 'updated' }
            : { id: 0, url: '', state: 'created' };
    }
    else {
        // A tag this run created has no release yet (unless a racing run made it): create first. An existing tag
        // may have one (a re-run): look first, so the normal re-run is a read and an update.
        let existing = tagOutcome === 'existed' ? await findByTag() : undefined;
        let made;
        if (!existing) {
            made = await create();
            if (!made) {
                existing = await findByTag();
                if (!existing) {
                    throw new GitHubApiError(`GitHub refused to create the release ${tag} in ${where}: it says one exists, but it could not be found`, 'conflict', 422);
                }
            }
        }
        if (made)
            release = { id: made.id, url: made.html_url, state: 'created' };
        else {
            const updated = await update(existing);
            release = { id: updated.id, url: updated.html_url, state: 'updated' };
        }
        log?.debug(`tag-release: release ${tag} ${release.state}: ${release.url}`);
    }
    // ---- major tags ----
    const movedTags = [];
    const plan = majorTagPlan(options);
    if (plan.why) {
        warnings.push(plan.why);
    }
    else if (options.majorTags) {
        const prefix = plan.prefix;
        // What existed before: the previous release's version, or, when not told, the version just below this one.
        const previous = options.previousVersion === undefined
            ? semver_default().parse(version.patch > 0
                ? `${version.major}.${version.minor}.0`
                : version.minor > 0
                    ? `${version.major}.0.0`
                    : '0.0.0-none')
            : options.previousVersion === null
                ? null
                : semver_default().parse(options.previousVersion);
        const majors = [
            {
                name: plan.names[0],
                likelyExists: previous !== null && previous.major === version.major,
                series: (v) => v.major === version.major,
            },
            {
                name: plan.names[1],
                likelyExists: previous !== null && previous.major === version.major && previous.minor === version.minor,
                series: (v) => v.major === version.major && v.minor === version.minor,
            },
        ];
        let highest;
        const seriesVersions = async () => {
            if (highest)
                return highest;
            try {
                const res = await client.request('GET /repos/{owner}/{repo}/git/matching-refs/{ref}', {
                    owner,
                    repo,
                    ref: `tags/${prefix}${version.major}.`,
                });
                highest = res.data
                    .map((r) => r.ref.slice(`refs/tags/${prefix}`.length))
                    .map((v) => semver_default().parse(v))
                    .filter((v) => v !== null && v.prerelease.length === 0);
            }
            catch (error) {
                throw explain(error, `list the ${prefix}${version.major}.x.y tags of ${where}`);
            }
            return highest;
        };
        for (const major of majors) {
            const ref = `tags/${major.name}`;
            const action = `move tag ${major.name} to ${SHORT(sha)} in ${where}`;
            if (dryRun) {
                movedTags.push(major.name);
                continue;
            }
            const post = () => client.request('POST /repos/{owner}/{repo}/git/refs', { owner, repo, ref: `refs/${ref}`, sha });
            const patch = (force) => client.request('PATCH /repos/{owner}/{repo}/git/refs/{ref}', { owner, repo, ref, sha, force });
            let verb = major.likelyExists ? 'patch' : 'post';
            let moved = false;
            let held = false;
            // At most: a wrong guess, a race flipping it back, a forward check.
            for (let attempt = 0; attempt < 4 && !moved; attempt += 1) {
                try {
                    if (verb === 'post')
                        await post();
                    else
                        await patch(false);
                    moved = true;
                }
                catch (error) {
                    if (verb === 'post' && is422(error, ALREADY_EXISTS))
                        verb = 'patch';
                    else if (verb === 'patch' && is422(error, DOES_NOT_EXIST))
                        verb = 'post';
                    else if (verb === 'patch' && is422(error, NOT_FAST_FORWARD)) {
                        const versions = (await seriesVersions()).filter(major.series);
                        const higher = versions.filter((v) => semver_default().gt(v, version)).sort((semver_default()).rcompare)[0];
                        if (higher) {
                            warnings.push(`${major.name} not moved: ${prefix}${higher.version} is a higher version than ${options.version}`);
                            held = true;
                            break;
                        }
                        try {
                            await patch(true);
                            moved = true;
                        }
                        catch (forced) {
                            throw explain(forced, action, major.name);
                        }
                    }
                    else
                        throw explain(error, action, major.name);
                }
            }
            if (moved) {
                movedTags.push(major.name);
                log?.debug(`tag-release: ${major.name} → ${SHORT(sha)}`);
            }
            else if (!held) {
                warnings.push(`${major.name} not moved: other runs kept creating and deleting it; re-run to move it`);
            }
        }
    }
    if (options.tokenIsGithubToken)
        warnings.push(GITHUB_TOKEN_WARNING);
    for (const warning of warnings)
        log?.warning(`tag-release: ${warning}`);
    return {
        tag: tagOutcome,
        release,
        movedTags,
        calls: client.callCount().rest - before,
        warnings,
        dryRun,
    };
}


/***/ })

};
