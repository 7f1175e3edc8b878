export const id = 450;
export const ids = [450];
export const modules = {

/***/ 1450:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  evaluateGates: () => (/* binding */ evaluateGates)
});

// UNUSED EXPORTS: GATES, configuredGates, failedGates, gatesPassed

;// CONCATENATED MODULE: ./src/gates/branch.ts
const branchGate = {
    name: 'branch',
    async run(config, context) {
        return evaluateBranch(config, context.target);
    },
};
function evaluateBranch(config, target) {
    const environment = target.environment;
    if (environment === undefined) {
        return {
            verdict: 'skipped',
            detail: `no environment given; branch rules apply per environment (${config.rules.map((r) => r.environment).join(', ')})`,
        };
    }
    const rule = config.rules.find((r) => r.environment === environment);
    const { ref, why } = judgedRef(target);
    if (!rule) {
        return {
            verdict: 'pass',
            detail: `no branch rule for ${environment}; any ref may go there (${ref}${why})`,
        };
    }
    const matched = rule.refs.find((pattern) => refMatches(pattern, ref));
    if (matched !== undefined) {
        return {
            verdict: 'pass',
            detail: `${ref}${why} may go to ${environment} (matches '${matched}')`,
            items: [{ name: ref, verdict: 'pass', detail: `matches '${matched}'` }],
        };
    }
    return {
        verdict: 'fail',
        detail: `${ref}${why} may not go to ${environment}: only ${describeRule(rule)}`,
        items: [
            { name: ref, verdict: 'fail', detail: `matches none of ${rule.refs.map((p) => `'${p}'`).join(', ')}` },
        ],
    };
}
/** The ref the gate judges, and how it was chosen when it is not the event's ref. */
function judgedRef(target) {
    const pull = /^refs\/pull\/(\d+)\//.exec(target.ref);
    const onPullRequest = target.eventName.startsWith('pull_request') || pull !== null;
    if (onPullRequest && target.headRef) {
        const number = target.pullNumber ?? (pull ? Number(pull[1]) : undefined);
        const into = target.baseRef ? ` into ${target.baseRef}` : '';
        return {
            ref: `refs/heads/${target.headRef}`,
            why: ` (the head of pull request${number === undefined ? '' : ` #${number}`}${into})`,
        };
    }
    return { ref: target.ref, why: '' };
}
/** Whether a rule's pattern admits a full ref (see the top of this file). */
function refMatches(pattern, ref) {
    const p = pattern.trim();
    if (p.startsWith('refs/'))
        return globMatches(p, ref);
    if (p.startsWith('heads/') || p.startsWith('tags/'))
        return globMatches(`refs/${p}`, ref);
    if (isVersionLike(p))
        return globMatches(`refs/tags/${p}`, ref);
    return globMatches(`refs/heads/${p}`, ref);
}
function isVersionLike(pattern) {
    return /^[vV]?(\d|\*)/.test(pattern) && pattern !== '*';
}
function globMatches(pattern, text) {
    const source = pattern
        .split('')
        .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
        .join('');
    return new RegExp(`^${source}$`).test(text);
}
/** `branches main, tags v*` from a rule's patterns. */
function describeRule(rule) {
    const branches = [];
    const tags = [];
    const refs = [];
    for (const p of rule.refs) {
        if (p.startsWith('refs/'))
            refs.push(p);
        else if (p.startsWith('heads/'))
            branches.push(p.slice('heads/'.length));
        else if (p.startsWith('tags/'))
            tags.push(p.slice('tags/'.length));
        else if (isVersionLike(p))
            tags.push(p);
        else
            branches.push(p);
    }
    return [
        branches.length > 0 ? `branch${branches.length > 1 ? 'es' : ''} ${branches.join(', ')}` : '',
        tags.length > 0 ? `tag${tags.length > 1 ? 's' : ''} ${tags.join(', ')}` : '',
        refs.length > 0 ? `ref${refs.length > 1 ? 's' : ''} ${refs.join(', ')}` : '',
    ]
        .filter(Boolean)
        .join(' or ');
}

// EXTERNAL MODULE: ./src/common/units.ts
var units = __webpack_require__(8570);
// EXTERNAL MODULE: ./src/github/errors.ts
var github_errors = __webpack_require__(3116);
;// CONCATENATED MODULE: ./src/gates/github-queries.ts

/**
 * One poll of the checks gate: the commit's rollup of check runs and commit statuses (100 a page; later pages
 * only when a commit has more), each with `isRequired` for the pull request on PR events, and, on the first
 * page, the required status checks of the protected branch (`refUpdateRule`, the branch protection a
 * non-admin token may read: `branchProtectionRule` answers null without admin rights) — the pushed branch,
 * the pull request's base branch, or the default branch for a tag.
 */
const CHECKS_QUERY = /* GraphQL */ `
  query DeployKitChecks(
    $owner: String!
    $name: String!
    $oid: GitObjectID!
    $first: Int!
    $after: String
    $pullNumber: Int
    $withPull: Boolean!
    $branch: String!
    $withBranch: Boolean!
    $withDefaultBranch: Boolean!
  ) {
    repository(owner: $owner, name: $name) {
      object(oid: $oid) {
        __typename
        ... on Commit {
          statusCheckRollup {
            contexts(first: $first, after: $after) {
              totalCount
              pageInfo {
                hasNextPage
                endCursor
              }
              nodes {
                __typename
                ... on CheckRun {
                  name
                  status
                  conclusion
                  detailsUrl
                  url
                  isRequired(pullRequestNumber: $pullNumber) @include(if: $withPull)
                  checkSuite {
                    workflowRun {
                      databaseId
                      workflow {
                        name
                      }
                    }
                  }
                }
                ... on StatusContext {
                  context
                  state
                  targetUrl
                  isRequired(pullRequestNumber: $pullNumber) @include(if: $withPull)
                }
              }
            }
          }
        }
      }
      protectedBranch: ref(qualifiedName: $branch) @include(if: $withBranch) {
        ...DeployKitProtection
      }
      defaultBranchRef @include(if: $withDefaultBranch) {
        ...DeployKitProtection
      }
    }
  }
  fragment DeployKitProtection on Ref {
    name
    refUpdateRule {
      pattern
      requiredStatusCheckContexts
    }
  }
`;
/** The fields of a pull request the reviews gate judges: every review, newest last (`last: 100`). */
const REVIEWED_PULL_FIELDS = /* GraphQL */ `
  fragment DeployKitReviewedPull on PullRequest {
    number
    url
    state
    headRefOid
    baseRefName
    reviews(last: 100) {
      pageInfo {
        hasPreviousPage
        startCursor
      }
      nodes {
        ...DeployKitReview
      }
    }
  }
  fragment DeployKitReview on PullRequestReview {
    state
    submittedAt
    url
    author {
      login
    }
  }
`;
/**
 * The reviews gate in one request: the pull request by number (PR events), or the pull requests associated
 * with the commit (pushes: the merged PR that introduced it, or open PRs whose head it is).
 */
const REVIEWS_QUERY = /* GraphQL */ `
  query DeployKitReviews(
    $owner: String!
    $name: String!
    $number: Int!
    $withNumber: Boolean!
    $oid: GitObjectID!
    $withCommit: Boolean!
  ) {
    repository(owner: $owner, name: $name) {
      pullRequest(number: $number) @include(if: $withNumber) {
        ...DeployKitReviewedPull
      }
      object(oid: $oid) @include(if: $withCommit) {
        __typename
        ... on Commit {
          associatedPullRequests(first: 10) {
            nodes {
              ...DeployKitReviewedPull
            }
          }
        }
      }
    }
  }
  ${REVIEWED_PULL_FIELDS}
`;
/** Older reviews of a pull request with more than 100 (rare): 100 more a request, going back. */
const OLDER_REVIEWS_QUERY = /* GraphQL */ `
  query DeployKitOlderReviews($owner: String!, $name: String!, $number: Int!, $before: String!) {
    repository(owner: $owner, name: $name) {
      pullRequest(number: $number) {
        reviews(last: 100, before: $before) {
          pageInfo {
            hasPreviousPage
            startCursor
          }
          nodes {
            ...DeployKitReview
          }
        }
      }
    }
  }
  fragment DeployKitReview on PullRequestReview {
    state
    submittedAt
    url
    author {
      login
    }
  }
`;
/** Every document the gates send, for the schema test. */
const GATE_QUERIES = { CHECKS_QUERY, REVIEWS_QUERY, OLDER_REVIEWS_QUERY };
const GRAPHQL_TIMEOUT = /something went wrong while executing your query/i;
/**
 * Sends a GraphQL document and returns its data with the answer's headers. GraphQL errors (answered with
 * 200) become a GitHubApiError explaining them (`kind` rate-limit for RATE_LIMITED, with the headers kept on
 * the cause so the caller can wait for the reset); transport errors have already been retried by the client.
 */
async function sendQuery(client, query, variables, options) {
    const retries = options.timeoutRetries ?? 2;
    const context = {
        action: options.action,
        ...(options.permission ? { permission: options.permission } : {}),
        ...(options.now ? { now: options.now } : {}),
    };
    for (let attempt = 0;; attempt += 1) {
        let response;
        try {
            response = (await client.request({
                method: 'POST',
                url: client.graphqlUrl,
                query,
                variables,
            }));
        }
        catch (error) {
            // On github.com the throttling plugin turns a RATE_LIMITED answer into a plain Error carrying the
            // response; give it the shape of GraphQL errors so it is explained (and waited on) as a rate limit.
            const thrown = error;
            const graphqlErrors = thrown?.response?.data?.errors;
            if (thrown?.status === undefined && Array.isArray(graphqlErrors)) {
                const headers = thrown.response?.headers ?? {};
                throw (0,github_errors/* toGitHubApiError */.Vu)({ errors: graphqlErrors, response: { headers }, headers }, context);
            }
            throw (0,github_errors/* toGitHubApiError */.Vu)(error, context);
        }
        const body = (response.data ?? {});
        const errors = Array.isArray(body.errors) ? body.errors : [];
        const headers = response.headers ?? {};
        if (errors.length === 0 && body.data)
            return { data: body.data, headers, partialErrors: [] };
        if (body.data &&
            errors.length > 0 &&
            options.tolerate &&
            errors.every((e) => options.tolerate?.({ ...(e.type ? { type: e.type } : {}), ...(e.path ? { path: e.path } : {}) }))) {
            return {
                data: body.data,
                headers,
                partialErrors: errors.map((e) => `${e.type ? `${e.type}: ` : ''}${e.message ?? ''}`),
            };
        }
        if (attempt < retries &&
            errors.length > 0 &&
            errors.every((e) => !e.type && GRAPHQL_TIMEOUT.test(e.message ?? ''))) {
            await (options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))))(1000 * (attempt + 1));
            continue;
        }
        const shaped = {
            message: errors.map((e) => e.message).join('; ') || 'GitHub answered no data',
            errors: errors.length > 0 ? errors : [{ message: 'GitHub answered no data' }],
            response: { headers },
            headers,
        };
        throw (0,github_errors/* toGitHubApiError */.Vu)(shaped, context);
    }
}
/**
 * When a rate-limited request may be tried again, as epoch ms: GitHub's `retry-after` (secondary limits),
 * else `x-ratelimit-reset` (+1 s, so the retry lands after it). Undefined when the error says neither.
 */
function rateLimitResumeAt(error, now) {
    if (error.kind !== 'rate-limit')
        return undefined;
    const cause = error.cause;
    const headers = cause?.response?.headers ?? cause?.headers ?? {};
    const after = Number(headers['retry-after']);
    if (headers['retry-after'] !== undefined && Number.isFinite(after) && after >= 0) {
        return now.getTime() + after * 1000;
    }
    const reset = Number(headers['x-ratelimit-reset']);
    if (Number.isFinite(reset) && reset > 0)
        return Math.max(reset * 1000 + 1000, now.getTime());
    return undefined;
}

;// CONCATENATED MODULE: ./src/gates/checks.ts
// The `checks` gate: the commit's check runs and commit statuses must have passed — all of them, only those
// branch protection requires, or named ones (names or glob patterns, `test (*)` for matrix jobs) — with an
// ignore list and a set of allowed conclusions.
//
// One GraphQL request per poll (the commit's `statusCheckRollup`, with `isRequired` on pull requests and the
// protected branch's required contexts; more pages only past 100 contexts). A grace period lets checks
// appear; then it polls with back-off while anything is pending, paced by the rate-limit headers, under a
// hard timeout. It never waits on its own job: the names in `target.selfCheckNames`, the check run
// `deploy-kit / preflight`, and any check run of this workflow run (its details URL or workflow run id).
//
// Choices:
// - A failed check ends the wait at once (`failFast`, default true): the verdict cannot turn to pass.
// - In `all` mode the grace period is waited out only while no check has appeared at all; in `required` and
//   `named` modes while an expected one is missing. A check still missing when the rest are done (after the
//   grace period) is reported as missing, apart from failed ones.
// - `required` reads the branch protection that applies: the pull request's base branch on PR events (plus
//   `isRequired` of each context), the pushed branch on pushes, the default branch for tags.
// - Patterns match the check's name or `Workflow / name` (as pull requests show it); case matters, as it
//   does for GitHub's required checks. `*` is any text, `?` one character.



/** The check run deploy-kit publishes its own verdict as; never waited on. */
const PREFLIGHT_CHECK_NAME = 'deploy-kit / preflight';
const DEFAULT_ALLOWED_CONCLUSIONS = ['success', 'neutral', 'skipped'];
/** GitHub's largest page of a connection. */
const PAGE_SIZE = 100;
/** Back-off factor of the poll interval. */
const BACKOFF = 1.5;
/** `Workflow / name` for check runs of Actions workflows, else the name. */
function displayName(check) {
    return check.workflow ? `${check.workflow} / ${check.name}` : check.name;
}
/** A glob (`*` any text, `?` one character) as an anchored RegExp; everything else is literal. */
function globToRegExp(pattern) {
    const source = pattern
        .split('')
        .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
        .join('');
    return new RegExp(`^${source}$`);
}
/** Whether a name or pattern matches a check by its name or `Workflow / name`. */
function matchesCheck(pattern, check) {
    const regex = globToRegExp(pattern);
    return regex.test(check.name) || (check.workflow !== undefined && regex.test(displayName(check)));
}
function pending(check) {
    return check.conclusion === undefined;
}
// ---- reading ----
/** The branch whose protection `required` mode reads: the PR's base, the pushed branch, else the default. */
function protectedBranchOf(target) {
    if (target.pullNumber !== undefined && target.baseRef) {
        return { branch: target.baseRef.replace(/^refs\/heads\//, ''), useDefault: false };
    }
    if (target.ref.startsWith('refs/heads/'))
        return { branch: target.ref.slice('refs/heads/'.length), useDefault: false };
    return { useDefault: true };
}
function observeCheckRun(node) {
    const run = node.checkSuite?.workflowRun;
    const status = node.status.toLowerCase();
    return {
        kind: 'check-run',
        name: node.name,
        ...(run?.workflow?.name ? { workflow: run.workflow.name } : {}),
        ...(typeof run?.databaseId === 'number' ? { workflowRunId: run.databaseId } : {}),
        state: status,
        ...(status === 'completed' ? { conclusion: (node.conclusion ?? 'neutral').toLowerCase() } : {}),
        ...(node.isRequired !== undefined ? { required: node.isRequired } : {}),
        url: node.detailsUrl || node.url,
    };
}
function observeStatus(node) {
    const state = node.state.toLowerCase();
    const done = state === 'success' || state === 'failure' || state === 'error';
    return {
        kind: 'status',
        name: node.context,
        state,
        ...(done ? { conclusion: state } : {}),
        ...(node.isRequired !== undefined ? { required: node.isRequired } : {}),
        ...(node.targetUrl ? { url: node.targetUrl } : {}),
    };
}
function protectionOf(ref, branch) {
    const contexts = (ref?.refUpdateRule?.requiredStatusCheckContexts ?? []).filter((name) => typeof name === 'string' && name !== '');
    return { branch: ref?.name ?? branch, contexts, protected: Boolean(ref?.refUpdateRule) };
}
/** One poll: the rollup of the commit (all pages), with the branch protection `required` mode needs. */
async function readChecks(client, target, mode, options = {}) {
    const required = mode === 'required';
    const withPull = required && target.pullNumber !== undefined;
    const { branch, useDefault } = required ? protectedBranchOf(target) : { useDefault: false };
    const short = target.sha.slice(0, 7);
    const where = `${target.owner}/${target.repo}`;
    const contexts = [];
    const partialErrors = [];
    let protection;
    let after = null;
    let requests = 0;
    let headers = {};
    do {
        const first = requests === 0;
        const answer = await sendQuery(client, CHECKS_QUERY, {
            owner: target.owner,
            name: target.repo,
            oid: target.sha,
            first: PAGE_SIZE,
            after,
            pullNumber: withPull ? target.pullNumber : null,
            withPull,
            branch: branch ? `refs/heads/${branch}` : '',
            withBranch: first && branch !== undefined,
            withDefaultBranch: first && required && useDefault,
        }, {
            action: `read the checks of ${short} in ${where}`,
            permission: 'checks: read, statuses: read',
            // The workflow of a check run is a nicety: a token that may not read Actions still gets the rest.
            tolerate: (error) => error.path?.includes('workflowRun') ?? false,
            ...(options.sleep ? { sleep: options.sleep } : {}),
            ...(options.now ? { now: options.now } : {}),
        });
        requests += 1;
        headers = answer.headers;
        partialErrors.push(...answer.partialErrors);
        const repository = answer.data.repository;
        if (!repository) {
            throw new github_errors/* GitHubApiError */.OS(`GitHub refused to read the checks of ${short}: no repository ${where}`, 'not-found', undefined);
        }
        const object = repository.object;
        if (object?.__typename !== 'Commit') {
            throw new github_errors/* GitHubApiError */.OS(`GitHub refused to read the checks of ${short}: ${where} has no commit ${target.sha}`, 'not-found', undefined);
        }
        if (first && required) {
            if (branch !== undefined)
                protection = protectionOf(repository.protectedBranch, branch);
            else if (repository.defaultBranchRef)
                protection = protectionOf(repository.defaultBranchRef, repository.defaultBranchRef.name);
        }
        const connection = object.statusCheckRollup?.contexts;
        for (const node of connection?.nodes ?? []) {
            if (node?.__typename === 'CheckRun')
                contexts.push(observeCheckRun(node));
            else if (node?.__typename === 'StatusContext')
                contexts.push(observeStatus(node));
        }
        after = connection?.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
    } while (after);
    const remaining = Number(headers['x-ratelimit-remaining']);
    const reset = Number(headers['x-ratelimit-reset']);
    return {
        contexts,
        ...(protection ? { protection } : {}),
        requests,
        rate: {
            ...(headers['x-ratelimit-remaining'] !== undefined && Number.isFinite(remaining) ? { remaining } : {}),
            ...(headers['x-ratelimit-reset'] !== undefined && Number.isFinite(reset)
                ? { resetAt: reset * 1000 }
                : {}),
        },
        partialErrors,
    };
}
function selfReason(check, target) {
    const own = new Set([PREFLIGHT_CHECK_NAME, ...target.selfCheckNames]);
    if (own.has(check.name) || own.has(displayName(check)))
        return 'this job';
    if (check.kind === 'check-run' && target.runId) {
        const runPath = new RegExp(`/actions/runs/${target.runId.replace(/\D/g, '')}(?:[/?#]|$)`);
        if ((check.url && runPath.test(check.url)) || String(check.workflowRunId) === target.runId) {
            return 'this workflow run';
        }
    }
    return undefined;
}
function judgeChecks(snapshot, config, target) {
    const allowed = new Set(config.allowedConclusions.length > 0 ? config.allowedConclusions : DEFAULT_ALLOWED_CONCLUSIONS);
    const excluded = [];
    const candidates = [];
    for (const check of snapshot.contexts) {
        const self = selfReason(check, target);
        if (self)
            excluded.push({ check, reason: self });
        else if (config.ignore.some((pattern) => matchesCheck(pattern, check)))
            excluded.push({ check, reason: 'ignored' });
        else
            candidates.push(check);
    }
    const present = (name, list) => list.some((c) => c.name === name || displayName(c) === name);
    let judged;
    let missing = [];
    let expectsSomething = true;
    if (config.mode === 'all') {
        judged = candidates;
    }
    else if (config.mode === 'required') {
        const requiredNames = new Set(snapshot.protection?.contexts ?? []);
        for (const check of snapshot.contexts)
            if (check.required)
                requiredNames.add(check.name);
        judged = candidates.filter((c) => c.required || requiredNames.has(c.name));
        missing = [...requiredNames].filter((name) => !present(name, judged) &&
            !excluded.some((e) => e.check.name === name) &&
            !config.ignore.some((pattern) => globToRegExp(pattern).test(name)));
        expectsSomething = judged.length > 0 || missing.length > 0;
    }
    else {
        judged = candidates.filter((c) => config.names.some((pattern) => matchesCheck(pattern, c)));
        missing = config.names.filter((pattern) => !snapshot.contexts.some((c) => matchesCheck(pattern, c)));
        expectsSomething = config.names.length > 0;
    }
    const passed = [];
    const failed = [];
    const waiting = [];
    for (const check of judged) {
        if (pending(check))
            waiting.push(check);
        else if (allowed.has(check.conclusion ?? ''))
            passed.push(check);
        else
            failed.push(check);
    }
    return { judged, passed, failed, pending: waiting, excluded, missing, expectsSomething };
}
/** Whether the wait is over: nothing pending, nothing expected missing (or the grace period is over). */
function settled(judgement, config, graceOver) {
    if (judgement.failed.length > 0 && config.failFast !== false)
        return true;
    if (judgement.pending.length > 0)
        return false;
    if (graceOver)
        return true;
    if (judgement.missing.length > 0)
        return false;
    // `all`: while nothing has appeared, checks may still be on their way.
    if (config.mode === 'all' && judgement.judged.length === 0)
        return false;
    return true;
}
// ---- the verdict ----
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
const list = (names, max = 6) => names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
function describeState(check) {
    return check.state.replace(/_/g, ' ');
}
function checksOutcome(judgement, config, snapshot, target, ending) {
    const { passed, failed, pending: waiting, missing, excluded, judged } = judgement;
    const items = [];
    const missingWhat = config.mode === 'required' ? 'required check missing' : 'expected check missing';
    for (const check of failed) {
        items.push({
            name: displayName(check),
            verdict: 'fail',
            detail: check.conclusion ?? 'failed',
            ...(check.url ? { url: check.url } : {}),
        });
    }
    for (const name of missing) {
        items.push({
            name,
            verdict: 'fail',
            detail: `${missingWhat}: no check ${config.mode === 'named' ? 'matching it ' : ''}appeared within ${(0,units/* formatDuration */.a3)(ending.timedOut ? ending.timedOut.afterMs : ending.graceMs)}`,
        });
    }
    for (const check of waiting) {
        items.push({
            name: displayName(check),
            verdict: ending.stoppedEarly ? 'skipped' : 'fail',
            detail: ending.stoppedEarly
                ? `still ${describeState(check)} (not waited on after a failure)`
                : `still ${describeState(check)} at the ${(0,units/* formatDuration */.a3)(ending.timedOut?.afterMs ?? 0)} timeout`,
            ...(check.url ? { url: check.url } : {}),
        });
    }
    for (const check of passed) {
        items.push({
            name: displayName(check),
            verdict: 'pass',
            detail: check.conclusion ?? 'success',
            ...(check.url ? { url: check.url } : {}),
        });
    }
    for (const { check, reason } of excluded) {
        items.push({
            name: displayName(check),
            verdict: 'skipped',
            detail: reason === 'ignored' ? 'ignored' : `${reason}: not waited on`,
            ...(check.url ? { url: check.url } : {}),
        });
    }
    const parts = [];
    if (failed.length > 0) {
        parts.push(`${failed.length} of ${plural(judged.length, 'check')} failed: ${list(failed.map((c) => `${displayName(c)} (${c.conclusion})`))}`);
    }
    if (missing.length > 0)
        parts.push(`${missingWhat}: ${list(missing)}`);
    if (waiting.length > 0 && !ending.stoppedEarly) {
        parts.push(`${plural(waiting.length, 'check')} still pending at the ${(0,units/* formatDuration */.a3)(ending.timedOut?.afterMs ?? 0)} timeout: ${list(waiting.map(displayName))}`);
    }
    if (parts.length > 0) {
        if (ending.stoppedEarly && waiting.length > 0)
            parts.push(`stopped waiting on ${plural(waiting.length, 'pending check')}`);
        return { verdict: 'fail', detail: parts.join('; '), items };
    }
    const notWaited = excluded.filter((e) => e.reason !== 'ignored').length;
    const ignored = excluded.length - notWaited;
    const aside = [
        ...(ignored > 0 ? [`${ignored} ignored`] : []),
        ...(notWaited > 0 ? [`${notWaited} of this run not waited on`] : []),
    ];
    const suffix = aside.length > 0 ? ` (${aside.join(', ')})` : '';
    const short = target.sha.slice(0, 7);
    if (!judgement.expectsSomething || judged.length === 0) {
        const why = config.mode === 'required'
            ? snapshot.protection
                ? snapshot.protection.protected
                    ? `branch protection of ${snapshot.protection.branch} requires no status checks`
                    : `${snapshot.protection.branch} has no branch protection that requires checks`
                : `no branch protection applies to ${target.ref}`
            : config.mode === 'named'
                ? 'no checks were named'
                : `no checks on ${short} within ${(0,units/* formatDuration */.a3)(ending.graceMs)}`;
        return { verdict: 'pass', detail: `${why}${suffix}`, items };
    }
    const what = config.mode === 'required'
        ? `all ${plural(passed.length, 'required check')}`
        : plural(passed.length, 'check');
    return { verdict: 'pass', detail: `${what} passed${suffix}`, items };
}
// ---- the gate ----
async function pause(context, ms) {
    try {
        await context.sleep(Math.max(ms, 0), context.signal);
    }
    catch (error) {
        if (!context.signal.aborted)
            throw error;
    }
    return !context.signal.aborted;
}
function iso(ms) {
    return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
async function runChecksGate(config, context) {
    const { target, log } = context;
    const client = context.github;
    const short = target.sha.slice(0, 7);
    if (!client) {
        return {
            verdict: 'error',
            detail: `checks: reading the checks of ${short} needs a GitHub token, and none was given`,
        };
    }
    const start = context.now().getTime();
    const deadline = start + config.timeoutMs;
    const graceEnd = start + config.graceMs;
    let interval = Math.max(config.intervalMs, 1);
    const sleep = (ms) => context.sleep(ms, context.signal);
    const cancelled = (judgement) => ({
        verdict: 'error',
        detail: `checks: cancelled while waiting on the checks of ${short}${judgement && judgement.pending.length > 0 ? ` (${list(judgement.pending.map(displayName))} pending)` : ''}`,
    });
    let warnedPartial = false;
    let last;
    for (;;) {
        let snapshot;
        try {
            snapshot = await readChecks(client, target, config.mode, { sleep, now: context.now });
        }
        catch (error) {
            const apiError = (0,github_errors/* toGitHubApiError */.Vu)(error, { action: `read the checks of ${short}`, now: context.now });
            const now = context.now().getTime();
            const resumeAt = rateLimitResumeAt(apiError, new Date(now));
            if (resumeAt !== undefined && resumeAt <= deadline) {
                log.warning(`checks: ${apiError.message}; waiting ${(0,units/* formatDuration */.a3)(resumeAt - now)} (until ${iso(resumeAt)}) within the timeout`);
                // At least a second: a reset already past by GitHub's clock must not turn into a tight loop.
                if (!(await pause(context, Math.max(resumeAt - now, 1000))))
                    return cancelled(last?.judgement);
                continue;
            }
            const beyond = resumeAt !== undefined
                ? `; it frees up at ${iso(resumeAt)}, after the ${(0,units/* formatDuration */.a3)(config.timeoutMs)} timeout, so the checks could not be judged`
                : '';
            return {
                verdict: 'error',
                detail: `checks could not be evaluated: ${apiError.message}${beyond}`,
                ...(last
                    ? {
                        items: checksOutcome(last.judgement, config, last.snapshot, target, { graceMs: config.graceMs })
                            .items ?? [],
                    }
                    : {}),
            };
        }
        if (snapshot.partialErrors.length > 0 && !warnedPartial) {
            warnedPartial = true;
            log.warning(`checks: part of the answer could not be read (${snapshot.partialErrors.join('; ')}); judging the rest`);
        }
        const judgement = judgeChecks(snapshot, config, target);
        last = { snapshot, judgement };
        const now = context.now().getTime();
        const graceOver = now >= graceEnd;
        if (settled(judgement, config, graceOver)) {
            const stoppedEarly = judgement.failed.length > 0 && judgement.pending.length > 0;
            return checksOutcome(judgement, config, snapshot, target, { graceMs: config.graceMs, stoppedEarly });
        }
        if (now >= deadline) {
            return checksOutcome(judgement, config, snapshot, target, {
                graceMs: config.graceMs,
                timedOut: { afterMs: now - start },
            });
        }
        let wait = Math.min(interval, deadline - now);
        const { remaining, resetAt } = snapshot.rate;
        if (remaining !== undefined && remaining < snapshot.requests && resetAt !== undefined) {
            // The next poll would spend what is left of the budget: wait for the reset, if the timeout allows.
            const resumeAt = resetAt + 1000;
            if (resumeAt > deadline) {
                const outcome = checksOutcome(judgement, config, snapshot, target, {
                    graceMs: config.graceMs,
                    timedOut: { afterMs: now - start },
                });
                return {
                    verdict: 'error',
                    detail: `checks could not be evaluated: GitHub's GraphQL rate limit for this token is spent (${remaining} left) ` +
                        `and resets at ${iso(resetAt)}, after the ${(0,units/* formatDuration */.a3)(config.timeoutMs)} timeout` +
                        (judgement.pending.length > 0
                            ? `; still pending: ${list(judgement.pending.map(displayName))}`
                            : ''),
                    ...(outcome.items ? { items: outcome.items } : {}),
                };
            }
            wait = Math.max(wait, resumeAt - now);
            log.warning(`checks: ${remaining} GraphQL requests left for this token; waiting for the reset at ${iso(resetAt)} (${(0,units/* formatDuration */.a3)(resumeAt - now)})`);
        }
        const waitingOn = judgement.pending.length > 0
            ? `${plural(judgement.pending.length, 'check')} pending (${list(judgement.pending.map(displayName), 4)})`
            : judgement.missing.length > 0
                ? `waiting for ${list(judgement.missing, 4)} to appear`
                : 'waiting for checks to appear';
        log.info(`checks: ${waitingOn}; looking again in ${(0,units/* formatDuration */.a3)(wait)}`);
        if (!(await pause(context, wait)))
            return cancelled(judgement);
        interval = Math.min(Math.round(interval * BACKOFF), Math.max(config.maxIntervalMs, config.intervalMs));
    }
}
const checksGate = {
    name: 'checks',
    run: runChecksGate,
};

// EXTERNAL MODULE: ./src/command/run.ts
var run = __webpack_require__(4744);
// EXTERNAL MODULE: ./src/common/workspace-path.ts
var workspace_path = __webpack_require__(7682);
;// CONCATENATED MODULE: ./src/gates/command.ts
// The `command` gate: commands that must succeed (`./scripts/check-config.sh`, `terraform plan
// -detailed-exitcode`), each run with `bash -c` through src/command/run.ts in its own process group, its
// output in a log group, under a timeout. The script is the user's own text from the gates configuration;
// the run's values reach it only as environment variables (DEPLOY_KIT_*), never spliced into it.
//
// Verdicts: exit 0 passes; any other exit, a signal or the timeout fails; a program that cannot be found
// or run (exit 127 or 126), a working directory that does not exist, or cancellation is an `error` (the
// gate could not say). The migrations gate runs its command the same way (runGateCommand).



/** Lines of output kept for the report when a command fails. */
const KEEP_LINES = 20;
/** Lines quoted in the one-sentence detail. */
const DETAIL_LINES = 3;
/** Between SIGTERM and SIGKILL when a command times out or the run is cancelled. */
const KILL_GRACE_MS = 3000;
/** The variables a gate command gets, beside the step's environment. */
function gateCommandEnvironment(context, gate) {
    const { target } = context;
    const env = {
        DEPLOY_KIT_GATE: gate,
        DEPLOY_KIT_SHA: target.sha,
        DEPLOY_KIT_REF: target.ref,
        DEPLOY_KIT_EVENT: target.eventName,
        DEPLOY_KIT_ENVIRONMENT: target.environment ?? '',
    };
    if (target.pullNumber !== undefined)
        env.DEPLOY_KIT_PULL_NUMBER = String(target.pullNumber);
    return env;
}
/** The working directory inside the workspace (symlinks followed), or why it cannot be used. */
async function workingDirectory(config, workspace) {
    try {
        return { cwd: (0,workspace_path/* resolveFolderInside */.xD)({ what: 'its cwd' }, config.cwd ?? '.', { workspace }) };
    }
    catch (error) {
        return { problem: error.message };
    }
}
/** Runs one configured command with its output in a log group named after it. */
async function runGateCommand(config, context, gate) {
    const base = { config, exitCode: null, signal: null, lastLines: [], durationMs: 0 };
    const where = await workingDirectory(config, context.workspace);
    if ('problem' in where)
        return { ...base, ending: 'not-started', problem: where.problem };
    if (context.signal.aborted)
        return { ...base, ending: 'cancelled' };
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), config.timeoutMs);
    const signal = AbortSignal.any([context.signal, timeout.signal]);
    try {
        return await context.log.group(`${gate}: ${config.name}`, async () => {
            context.log.info(`$ ${config.run}`);
            let result;
            try {
                result = await (0,run/* runCommand */.d)({
                    script: config.run,
                    cwd: where.cwd,
                    env: { ...context.env, ...gateCommandEnvironment(context, gate) },
                    signal,
                    keepLines: KEEP_LINES,
                    killGraceMs: KILL_GRACE_MS,
                    onLine: (line) => context.log.info(line),
                });
            }
            catch (error) {
                return { ...base, ending: 'not-started', problem: `it could not start: ${error.message}` };
            }
            const ending = result.cancelled
                ? timeout.signal.aborted && !context.signal.aborted
                    ? 'timeout'
                    : 'cancelled'
                : result.signal
                    ? 'signal'
                    : 'exited';
            context.log.info(`${config.name}: ${describeEnding({ ...result, config, ending })} after ${(0,units/* formatDuration */.a3)(result.durationMs)}`);
            return {
                config,
                ending,
                exitCode: result.exitCode,
                signal: result.signal,
                lastLines: result.lastLines,
                durationMs: result.durationMs,
            };
        });
    }
    finally {
        clearTimeout(timer);
    }
}
/** `exited with 1`, `ended by SIGKILL`, `did not finish within 10m`. */
function describeEnding(run) {
    switch (run.ending) {
        case 'exited':
            return run.exitCode === 0 ? 'succeeded' : `exited with ${run.exitCode}`;
        case 'signal':
            return `was ended by ${run.signal}`;
        case 'timeout':
            return `did not finish within ${(0,units/* formatDuration */.a3)(run.config.timeoutMs)} and was stopped`;
        case 'cancelled':
            return 'was cancelled';
        case 'not-started':
            return 'could not run';
    }
}
/** The last non-empty lines of output, joined for a one-line detail. */
function outputTail(lines, count = DETAIL_LINES) {
    const kept = lines
        .map((line) => line.trim())
        .filter(Boolean)
        .slice(-count);
    return kept.length > 0 ? kept.join(' | ') : '';
}
/** Whether the command never really ran the user's script: bash could not find or execute the program. */
function couldNotRun(run) {
    return (run.ending === 'not-started' ||
        (run.ending === 'exited' && (run.exitCode === 127 || run.exitCode === 126)));
}
function verdictOf(run) {
    if (run.ending === 'exited' && run.exitCode === 0)
        return 'pass';
    if (couldNotRun(run) || run.ending === 'cancelled')
        return 'error';
    return 'fail';
}
function itemOf(run) {
    const tail = outputTail(run.lastLines);
    const why = run.problem ?? describeEnding(run);
    return {
        name: run.config.name,
        verdict: verdictOf(run),
        detail: `${why}${run.ending === 'not-started' ? '' : ` in ${(0,units/* formatDuration */.a3)(run.durationMs)}`}${verdictOf(run) !== 'pass' && tail ? `: ${tail}` : ''}`,
    };
}
async function runCommandGate(commands, context) {
    const runs = [];
    for (const config of commands)
        runs.push(await runGateCommand(config, context, 'command'));
    const items = runs.map(itemOf);
    const failed = items.filter((i) => i.verdict === 'fail');
    const errors = items.filter((i) => i.verdict === 'error');
    const total = items.length;
    if (failed.length === 0 && errors.length === 0) {
        return {
            verdict: 'pass',
            detail: total === 1
                ? `${items[0]?.name} succeeded`
                : `all ${total} commands succeeded: ${items.map((i) => i.name).join(', ')}`,
            items,
        };
    }
    const parts = [];
    if (failed.length > 0) {
        parts.push(`${failed.length} of ${total} command${total === 1 ? '' : 's'} failed: ${failed.map((i) => `${i.name} (${i.detail})`).join('; ')}`);
    }
    if (errors.length > 0) {
        parts.push(errors.map((i) => `${i.name}: ${i.detail}`).join('; '));
    }
    return { verdict: failed.length > 0 ? 'fail' : 'error', detail: parts.join('; '), items };
}
const commandGate = {
    name: 'command',
    run: runCommandGate,
};

;// CONCATENATED MODULE: ./src/gates/env.ts
const envGate = {
    name: 'env',
    async run(config, context) {
        return evaluateEnv(config, context.env);
    },
};
function evaluateEnv(config, env) {
    const items = [];
    const problems = [];
    const judge = (name, kind) => {
        const value = env[name];
        const state = value === undefined ? 'missing' : value.trim() === '' ? 'empty' : 'present';
        items.push({ name, verdict: state === 'present' ? 'pass' : 'fail', detail: `${kind}, ${state}` });
        if (state !== 'present')
            problems.push(`${name} (${kind}, ${state})`);
    };
    for (const name of config.variables)
        judge(name, 'variable');
    for (const name of config.secrets)
        judge(name, 'secret');
    const total = items.length;
    if (problems.length === 0) {
        return {
            verdict: 'pass',
            detail: `${total === 1 ? 'the one name is' : `all ${total} names are`} present and non-empty: ${items.map((i) => i.name).join(', ')}`,
            items,
        };
    }
    const hint = config.secrets.some((name) => env[name] === undefined)
        ? "; a secret reaches the step only when the workflow maps it, e.g. env: { DEPLOY_TOKEN: '${{ secrets.DEPLOY_TOKEN }}' }"
        : '';
    return {
        verdict: 'fail',
        detail: `${problems.length} of ${total} missing or empty: ${problems.join(', ')}${hint}`,
        items,
    };
}

;// CONCATENATED MODULE: ./src/gates/freeze.ts
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const WEEKDAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const freezeGate = {
    name: 'freeze',
    async run(config, context) {
        return evaluateFreeze(config, context);
    },
};
function evaluateFreeze(config, context) {
    const now = context.now();
    const environment = context.target.environment;
    const items = [];
    const states = [];
    for (const window of config.windows) {
        const label = windowLabel(window);
        if (!appliesTo(window, environment)) {
            items.push({
                name: label,
                verdict: 'skipped',
                detail: environment === undefined
                    ? `applies to ${window.environments.join(', ')} only, and no environment was given`
                    : `applies to ${window.environments.join(', ')}, not ${environment}`,
            });
            continue;
        }
        states.push(windowState(window, label, now));
    }
    const where = environment === undefined ? '' : ` to ${environment}`;
    if (states.length === 0) {
        return {
            verdict: 'pass',
            detail: environment === undefined
                ? 'no freeze window applies without an environment (each names its environments)'
                : `no freeze window applies to ${environment}`,
            items,
        };
    }
    const active = states
        .filter((s) => s.active)
        .sort((a, b) => (b.end?.getTime() ?? 0) - (a.end?.getTime() ?? 0));
    const longest = active[0];
    if (!longest) {
        for (const state of states)
            items.push({ name: state.label, verdict: 'pass', detail: upcoming(state) });
        const next = states
            .filter((s) => s.nextStart)
            .sort((a, b) => (a.nextStart?.getTime() ?? 0) - (b.nextStart?.getTime() ?? 0))[0];
        const nextText = next
            ? `; next: '${next.label}' from ${formatInstant(next.nextStart, next.window)}`
            : '';
        return { verdict: 'pass', detail: `not frozen${where}${nextText}`, items };
    }
    const frozen = `frozen by ${active.map((s) => `'${s.label}'`).join(' and ')} until ${formatInstant(longest.end, longest.window)}`;
    const label = context.target.labels.find((l) => l === config.overrideLabel);
    const override = config.overrideLabel !== undefined && label !== undefined
        ? `overridden by label '${label}'`
        : context.overrideReason !== undefined && context.overrideReason.trim() !== ''
            ? `overridden: ${context.overrideReason.trim()}`
            : undefined;
    for (const state of states) {
        if (!state.active) {
            items.push({ name: state.label, verdict: 'pass', detail: upcoming(state) });
        }
        else {
            const until = `frozen until ${formatInstant(state.end, state.window)}`;
            items.push({
                name: state.label,
                verdict: override ? 'pass' : 'fail',
                detail: override ? `${until}; ${override}` : until,
            });
        }
    }
    if (override) {
        return { verdict: 'pass', detail: `${frozen}; ${override}`, items, override: `${frozen}; ${override}` };
    }
    const how = config.overrideLabel !== undefined
        ? ` (in an emergency: the label '${config.overrideLabel}' on the pull request, or the override-freeze input)`
        : ' (in an emergency: the override-freeze input)';
    return { verdict: 'fail', detail: `${frozen}${how}`, items };
}
function appliesTo(window, environment) {
    if (window.environments.length === 0)
        return true;
    return environment !== undefined && window.environments.includes(environment);
}
/** The window's name, or its times when it has none (`Fri 16:00 – Mon 08:00 Europe/Berlin`). */
function windowLabel(window) {
    if (window.name !== undefined)
        return window.name;
    if (window.kind === 'weekly') {
        return `${clockText(window.from.day, window.from.minutes)} – ${clockText(window.to.day, window.to.minutes)} ${window.timezone}`;
    }
    const wall = (text) => text.replace('T00:00', '').replace('T', ' ');
    return `${wall(window.from)} – ${wall(window.to)} ${window.timezone}`;
}
function clockText(day, minutes) {
    return `${WEEKDAY_NAMES[day]} ${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}
function upcoming(state) {
    if (!state.nextStart)
        return 'over';
    return `not active; next from ${formatInstant(state.nextStart, state.window)} until ${formatInstant(state.nextEnd, state.window)}`;
}
/** Where `now` stands against one window. */
function windowState(window, label, now) {
    const t = now.getTime();
    if (window.kind === 'dates') {
        const start = firstInstantAtOrAfter(parseWall(window.from), window.timezone);
        const end = firstInstantAtOrAfter(parseWall(window.to), window.timezone);
        if (start <= t && t < end)
            return { window, label, active: true, start: new Date(start), end: new Date(end) };
        return t < start
            ? { window, label, active: false, nextStart: new Date(start), nextEnd: new Date(end) }
            : { window, label, active: false };
    }
    // Weekly: the occurrence that starts on the latest `from` weekday at or before today (local), and the one
    // a week before it, cover every window shorter than a week plus the DST hour.
    const today = localParts(t, window.timezone);
    const back = (today.weekday - window.from.day + 7) % 7;
    const span = (window.to.day - window.from.day + 7) % 7 || (window.to.minutes <= window.from.minutes ? 7 : 0);
    const occurrence = (daysFromToday) => {
        const startDay = addDays(today, daysFromToday);
        const endDay = addDays(today, daysFromToday + span);
        return {
            start: firstInstantAtOrAfter({ ...startDay, minutes: window.from.minutes }, window.timezone),
            end: firstInstantAtOrAfter({ ...endDay, minutes: window.to.minutes }, window.timezone),
        };
    };
    for (const offset of [-back, -back - 7]) {
        const { start, end } = occurrence(offset);
        if (start <= t && t < end && start < end) {
            return { window, label, active: true, start: new Date(start), end: new Date(end) };
        }
    }
    for (const offset of [-back, -back + 7, -back + 14]) {
        const { start, end } = occurrence(offset);
        if (start > t && start < end) {
            return { window, label, active: false, nextStart: new Date(start), nextEnd: new Date(end) };
        }
    }
    return { window, label, active: false };
}
const formatters = new Map();
function formatter(timeZone) {
    let f = formatters.get(timeZone);
    if (!f) {
        f = new Intl.DateTimeFormat('en-US', {
            timeZone,
            hourCycle: 'h23',
            year: 'numeric',
            month: 'numeric',
            day: 'numeric',
            hour: 'numeric',
            minute: 'numeric',
            second: 'numeric',
            weekday: 'short',
        });
        formatters.set(timeZone, f);
    }
    return f;
}
/** The zone's wall clock at an instant. */
function localParts(instant, timeZone) {
    const parts = {};
    for (const part of formatter(timeZone).formatToParts(new Date(instant)))
        parts[part.type] = part.value;
    return {
        year: Number(parts.year),
        month: Number(parts.month),
        day: Number(parts.day),
        minutes: Number(parts.hour) * 60 + Number(parts.minute),
        second: Number(parts.second),
        weekday: WEEKDAY_NAMES.indexOf(parts.weekday ?? ''),
    };
}
/** The zone's offset from UTC at an instant, in ms (Europe/Berlin in summer: +2 h). */
function offsetAt(instant, timeZone) {
    const p = localParts(instant, timeZone);
    const asUtc = Date.UTC(p.year, p.month - 1, p.day, 0, p.minutes, p.second);
    return asUtc - Math.floor(instant / 1000) * 1000;
}
function wallAsUtc(local) {
    return Date.UTC(local.year, local.month - 1, local.day, 0, local.minutes);
}
function sameWall(instant, local, timeZone) {
    const p = localParts(instant, timeZone);
    return (p.year === local.year && p.month === local.month && p.day === local.day && p.minutes === local.minutes);
}
/**
 * The first instant at which the zone's clock shows `local` or later: the earlier of two for a time that
 * repeats, the end of the gap for a time that is skipped (see the top of this file).
 */
function firstInstantAtOrAfter(local, timeZone) {
    const wall = wallAsUtc(local);
    // Offsets a day either side cover any single transition near this time.
    const offsets = [
        ...new Set([offsetAt(wall - DAY, timeZone), offsetAt(wall, timeZone), offsetAt(wall + DAY, timeZone)]),
    ];
    const candidates = offsets
        .map((offset) => wall - offset)
        .filter((instant) => sameWall(instant, local, timeZone))
        .sort((a, b) => a - b);
    if (candidates[0] !== undefined)
        return candidates[0];
    // Skipped: the clock jumps over `local` between these two instants; find the jump to the second.
    let before = wall - Math.max(...offsets);
    let after = wall - Math.min(...offsets);
    while (after - before > 1000) {
        const middle = before + Math.floor((after - before) / 2000) * 1000;
        if (wallAsUtc(localParts(middle, timeZone)) < wall)
            before = middle;
        else
            after = middle;
    }
    return after;
}
function addDays(date, days) {
    const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}
/** `2026-12-20T18:00` → its parts. */
function parseWall(text) {
    const [date = '', time = '00:00'] = text.split('T');
    const [year, month, day] = date.split('-').map(Number);
    const [hours, minutes] = time.split(':').map(Number);
    return { year: year ?? 0, month: month ?? 1, day: day ?? 1, minutes: (hours ?? 0) * 60 + (minutes ?? 0) };
}
/** `Mon 2026-03-30 08:00 CEST` in the window's zone, with the zone's abbreviation where one exists. */
function formatInstant(instant, window) {
    const p = localParts(instant.getTime(), window.timezone);
    const date = `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(Math.floor(p.minutes / 60))}:${pad(p.minutes % 60)}`;
    const text = `${date} ${zoneAbbreviation(instant, window.timezone)}`;
    return window.kind === 'weekly' ? `${WEEKDAY_NAMES[p.weekday]} ${text}` : text;
}
/** CET, EDT, UTC; GMT+5:30 where no locale has a name for the zone. */
function zoneAbbreviation(instant, timeZone) {
    let fallback = '';
    for (const locale of ['en-US', 'en-GB']) {
        const name = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'short' })
            .formatToParts(instant)
            .find((part) => part.type === 'timeZoneName')?.value;
        if (!name)
            continue;
        if (!/^GMT[+-]/.test(name))
            return name;
        fallback ||= name;
    }
    return fallback || timeZone;
}
function pad(n) {
    return String(n).padStart(2, '0');
}

;// CONCATENATED MODULE: ./src/gates/migrations.ts
// The `migrations` gate: a command that exits 0 when no database migration is pending (`alembic check`,
// `prisma migrate status`, `rails db:migrate:status`-style scripts), run like the command gate's (bash -c,
// own process group, output in a log group, DEPLOY_KIT_* variables, a timeout).
//
// Any non-zero exit means "pending" (that is what these tools answer), except 127/126 (the program is not
// there or not executable) and a directory that does not exist: those mean the check never ran, so the
// verdict is `error`. A timeout is an `error` too: a hung migration check says nothing about pending ones.


async function runMigrationsGate(config, context) {
    const run = await runGateCommand(config, context, 'migrations');
    const tail = outputTail(run.lastLines);
    const said = tail ? `: ${tail}` : '';
    const took = (0,units/* formatDuration */.a3)(run.durationMs);
    if (run.ending === 'exited' && run.exitCode === 0) {
        return {
            verdict: 'pass',
            detail: `no migration pending (${config.name} exited 0 in ${took})`,
            items: [{ name: config.name, verdict: 'pass', detail: `exited 0 in ${took}` }],
        };
    }
    if (couldNotRun(run) || run.ending === 'cancelled' || run.ending === 'timeout') {
        const why = run.problem ??
            (run.ending === 'exited'
                ? `${describeEnding(run)} (${run.exitCode === 127 ? 'command not found' : 'not executable'})`
                : describeEnding(run));
        return {
            verdict: 'error',
            detail: `migrations could not be checked: ${config.name} ${why}${said}`,
            items: [{ name: config.name, verdict: 'error', detail: `${why}${said}` }],
        };
    }
    return {
        verdict: 'fail',
        detail: `migrations pending: ${config.name} ${describeEnding(run)}${said}`,
        items: [{ name: config.name, verdict: 'fail', detail: `${describeEnding(run)} in ${took}${said}` }],
    };
}
const migrationsGate = {
    name: 'migrations',
    run: runMigrationsGate,
};

;// CONCATENATED MODULE: ./src/gates/reviews.ts


/** The latest opinion of each reviewer (reviews given oldest first, as GitHub lists them). */
function latestOpinions(reviews) {
    const latest = new Map();
    reviews.forEach((review, order) => {
        if (review.state !== 'APPROVED' && review.state !== 'CHANGES_REQUESTED' && review.state !== 'DISMISSED') {
            return;
        }
        const login = review.author?.login ?? 'ghost';
        const seen = latest.get(login);
        const newer = !seen ||
            (review.submittedAt && seen.submittedAt
                ? review.submittedAt > seen.submittedAt ||
                    (review.submittedAt === seen.submittedAt && order > seen.order)
                : order > seen.order);
        if (newer)
            latest.set(login, {
                login,
                state: review.state,
                submittedAt: review.submittedAt,
                url: review.url,
                order,
            });
    });
    return [...latest.values()]
        .sort((a, b) => a.order - b.order)
        .map(({ order: _order, ...opinion }) => opinion);
}
/** Which associated pull request stands for the commit: open with it as head, else merged, else open. */
function pickPull(pulls, sha) {
    const byNewest = [...pulls].sort((a, b) => b.number - a.number);
    return (byNewest.find((p) => p.state === 'OPEN' && p.headRefOid === sha) ??
        byNewest.find((p) => p.state === 'MERGED') ??
        byNewest.find((p) => p.state === 'OPEN'));
}
function judgeReviews(config, pull, opinions) {
    const approvals = opinions.filter((o) => o.state === 'APPROVED');
    const changes = opinions.filter((o) => o.state === 'CHANGES_REQUESTED');
    const items = opinions.map((o) => ({
        name: o.login,
        verdict: o.state === 'APPROVED'
            ? 'pass'
            : o.state === 'DISMISSED'
                ? 'skipped'
                : config.noChangesRequested
                    ? 'fail'
                    : 'skipped',
        detail: o.state === 'APPROVED'
            ? 'approved'
            : o.state === 'DISMISSED'
                ? 'review dismissed'
                : 'requested changes',
        url: o.url,
    }));
    const who = (list) => list.map((o) => o.login).join(', ');
    const count = `${approvals.length} approval${approvals.length === 1 ? '' : 's'}`;
    const approved = `${count}${approvals.length > 0 ? ` (${who(approvals)})` : ''}`;
    const problems = [];
    if (approvals.length < config.minApprovals) {
        problems.push(`${approvals.length} of ${config.minApprovals} required approvals on #${pull.number}${approvals.length > 0 ? ` (${who(approvals)})` : ''}`);
    }
    if (config.noChangesRequested && changes.length > 0)
        problems.push(`changes requested by ${who(changes)}`);
    if (problems.length > 0) {
        if (approvals.length < config.minApprovals) {
            items.push({
                name: `#${pull.number}`,
                verdict: 'fail',
                detail: `needs ${config.minApprovals - approvals.length} more approval(s)`,
                url: pull.url,
            });
        }
        return { verdict: 'fail', detail: problems.join('; '), items };
    }
    const needed = config.minApprovals > 0 ? `, at least ${config.minApprovals} needed` : '';
    return { verdict: 'pass', detail: `${approved} on #${pull.number}${needed}`, items };
}
async function olderReviews(client, target, number, before, action) {
    const answer = await sendQuery(client, OLDER_REVIEWS_QUERY, { owner: target.owner, name: target.repo, number, before }, { action, permission: 'pull-requests: read' });
    return answer.data.repository?.pullRequest?.reviews ?? null;
}
/** Every review of the pull request, oldest first (one request; more only past 100 reviews). */
async function allReviews(client, target, pull, action) {
    const pages = [];
    let connection = pull.reviews;
    for (;;) {
        pages.unshift((connection?.nodes ?? []).filter((r) => r !== null));
        const before = connection?.pageInfo.hasPreviousPage ? connection.pageInfo.startCursor : null;
        if (!before)
            break;
        connection = await olderReviews(client, target, pull.number, before, action);
    }
    return pages.flat();
}
async function runReviewsGate(config, context) {
    const { target } = context;
    const client = context.github;
    const short = target.sha.slice(0, 7);
    if (!client) {
        return {
            verdict: 'error',
            detail: 'reviews: reading pull request reviews needs a GitHub token, and none was given',
        };
    }
    const byNumber = target.pullNumber !== undefined;
    const action = byNumber
        ? `read the reviews of pull request #${target.pullNumber} in ${target.owner}/${target.repo}`
        : `read the pull requests of ${short} in ${target.owner}/${target.repo}`;
    let pull;
    let reviews;
    try {
        const answer = await sendQuery(client, REVIEWS_QUERY, {
            owner: target.owner,
            name: target.repo,
            number: target.pullNumber ?? 0,
            withNumber: byNumber,
            oid: target.sha,
            withCommit: !byNumber,
        }, { action, permission: 'pull-requests: read', now: context.now });
        const repository = answer.data.repository;
        if (byNumber) {
            pull = repository?.pullRequest ?? undefined;
        }
        else {
            const associated = (repository?.object?.associatedPullRequests?.nodes ?? []).filter((p) => p !== null);
            pull = pickPull(associated, target.sha);
        }
        reviews = pull ? await allReviews(client, target, pull, action) : [];
    }
    catch (error) {
        return {
            verdict: 'error',
            detail: `reviews could not be evaluated: ${(0,github_errors/* toGitHubApiError */.Vu)(error, { action, permission: 'pull-requests: read', now: context.now }).message}`,
        };
    }
    if (!pull) {
        if (byNumber) {
            return {
                verdict: 'error',
                detail: `reviews could not be evaluated: no pull request #${target.pullNumber} in ${target.owner}/${target.repo}`,
            };
        }
        return config.minApprovals === 0
            ? { verdict: 'pass', detail: `no pull request for ${short}: nothing to judge (0 approvals required)` }
            : {
                verdict: 'fail',
                detail: `no pull request for ${short} (${target.eventName} of ${target.ref}), so its ${config.minApprovals} required approval(s) cannot be shown`,
            };
    }
    return judgeReviews(config, pull, latestOpinions(reviews));
}
const reviewsGate = {
    name: 'reviews',
    run: runReviewsGate,
};

// EXTERNAL MODULE: ./src/gates/types.ts
var types = __webpack_require__(2301);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
;// CONCATENATED MODULE: ./src/gates/vulnerabilities.ts
// The `vulnerabilities` gate: no finding at or above a severity (`fail-on`, default critical) in SARIF files
// (GitHub code scanning / CodeQL, Trivy, Grype…), `npm audit --json` output, or the repository's open
// Dependabot alerts, except the ids in `ignore` (a CVE, a GHSA or a rule id, any case).
//
// How a SARIF result gets its severity, first that applies:
//   1. `security-severity` (a CVSS score as text) on the result's or its rule's `properties`, in GitHub's
//      bands: 9.0+ critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low, 0 none. CodeQL's security queries,
//      Trivy and Grype all set it.
//   2. A severity word among the rule's or result's `tags` (Trivy: ["vulnerability", "security", "HIGH"]),
//      or a `severity` property (critical, high, medium/moderate, low), or — Grype's way when a match has no
//      CVSS score — the word in the rule's short description ('CVE-2022-42889 critical vulnerability for …').
//   3. The SARIF `level` (the result's, else the rule's `defaultConfiguration.level`, else `warning` as the
//      SARIF spec says): error → high, warning → medium, note → low, none → none. This is how GitHub ranks
//      alerts that carry no security severity (Error, Warning, Note); error is not taken for critical.
// A run whose `invocations` say `executionSuccessful: false` makes the file unreadable (an error), not clean.
// Results whose `kind` is not `fail` (pass, notApplicable, informational…), that are suppressed (any
// suppression not `rejected`), or whose `baselineState` is `absent`, are not findings.
//
// npm audit: the v2 report (npm 7+, `auditReportVersion: 2`) counts each advisory once (the objects in a
// package's `via`; strings there only point at another package's advisory); the v1 report (npm 6) counts its
// `advisories`. npm's `moderate` is medium and `info` is none.
//
// Dependabot: GET /repos/{owner}/{repo}/dependabot/alerts?state=open, 100 a page, following the Link header.
// The workflow's GITHUB_TOKEN cannot be granted Dependabot alerts (there is no such `permissions:` key, and
// `security-events: read` covers code scanning only), so GitHub answers it 403; the detail then says which
// token can read them.
//
// A source that cannot be read (a file missing or not SARIF, a 403) makes the verdict `error` unless a finding
// already fails the gate: a scan that did not run must not pass as a clean one.



const SEVERITY_RANK = {
    none: 0,
    low: 1,
    medium: 2,
    high: 3,
    critical: 4,
};
const SEVERITIES_HIGH_FIRST = ['critical', 'high', 'medium', 'low', 'none'];
/** A source that could not be read, in a sentence. */
class SourceError extends Error {
    name = 'SourceError';
}
const CVE = /\bCVE-\d{4}-\d{4,}\b/gi;
const GHSA = /\bGHSA(?:-[23456789cfghjmpqrvwx]{4}){3}\b/gi;
/** CVE and GHSA ids in a text, upper-cased as GitHub writes them (GHSA ids keep lower-case letters). */
function advisoryIds(text) {
    if (!text)
        return [];
    const cves = (text.match(CVE) ?? []).map((id) => id.toUpperCase());
    const ghsas = (text.match(GHSA) ?? []).map((id) => `GHSA${id.slice(4).toLowerCase()}`);
    return [...new Set([...cves, ...ghsas])];
}
/** GitHub's bands for a CVSS score (`security-severity`). */
function severityOfScore(score) {
    if (score >= 9)
        return 'critical';
    if (score >= 7)
        return 'high';
    if (score >= 4)
        return 'medium';
    if (score > 0)
        return 'low';
    return 'none';
}
/** `HIGH`, `Moderate`, `medium`, `info` → a severity; undefined when the word is none of them. */
function severityOfWord(word) {
    if (typeof word !== 'string')
        return undefined;
    switch (word.trim().toLowerCase()) {
        case 'critical':
            return 'critical';
        case 'high':
        case 'important':
            return 'high';
        case 'medium':
        case 'moderate':
            return 'medium';
        case 'low':
            return 'low';
        case 'info':
        case 'informational':
        case 'negligible':
        case 'none':
            return 'none';
        default:
            return undefined;
    }
}
const LEVEL_SEVERITY = {
    error: 'high',
    warning: 'medium',
    note: 'low',
    none: 'none',
};
function ruleOf(run, result) {
    const component = result.rule?.toolComponent?.index !== undefined
        ? run.tool?.extensions?.[result.rule.toolComponent.index]
        : run.tool?.driver;
    const index = result.rule?.index ?? result.ruleIndex;
    if (index !== undefined && index >= 0) {
        const byIndex = component?.rules?.[index];
        if (byIndex)
            return byIndex;
    }
    const id = result.ruleId ?? result.rule?.id;
    if (id === undefined)
        return undefined;
    const components = [run.tool?.driver, ...(run.tool?.extensions ?? [])];
    for (const c of components) {
        const found = c?.rules?.find((r) => r.id === id);
        if (found)
            return found;
    }
    return undefined;
}
function tagsOf(properties) {
    const tags = properties?.tags;
    return Array.isArray(tags) ? tags.filter((t) => typeof t === 'string') : [];
}
/** The severity of one SARIF result and how it was found (see the top of this file). */
function sarifSeverity(result, rule) {
    for (const properties of [result.properties, rule?.properties]) {
        const raw = properties?.['security-severity'];
        const score = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number.parseFloat(raw) : Number.NaN;
        if (Number.isFinite(score))
            return { severity: severityOfScore(score), basis: `security-severity ${score}` };
    }
    let best;
    for (const properties of [result.properties, rule?.properties]) {
        const words = [
            ...tagsOf(properties).map((t) => [t, `tag ${t}`]),
            [properties?.severity, `severity ${String(properties?.severity)}`],
        ];
        for (const [word, basis] of words) {
            const severity = severityOfWord(word);
            if (severity && (!best || SEVERITY_RANK[severity] > SEVERITY_RANK[best.severity]))
                best = { severity, basis };
        }
    }
    if (best)
        return best;
    const described = /\b(critical|high|medium|low|negligible)\s+vulnerability\b/i.exec(rule?.shortDescription?.text ?? '');
    const word = severityOfWord(described?.[1]);
    if (word)
        return { severity: word, basis: `described ${described?.[1]}` };
    const level = result.level ?? rule?.defaultConfiguration?.level ?? 'warning';
    return { severity: LEVEL_SEVERITY[level] ?? 'medium', basis: `level ${level}` };
}
function counts(result) {
    if ((result.kind ?? 'fail') !== 'fail')
        return false;
    if (result.baselineState === 'absent')
        return false;
    if ((result.suppressions ?? []).some((s) => s.status !== 'rejected'))
        return false;
    return true;
}
/** The findings of one SARIF log (any tool). Throws a SourceError when the text is not a SARIF log. */
function parseSarif(text, source) {
    let log;
    try {
        log = JSON.parse(text);
    }
    catch (error) {
        throw new SourceError(`${source} is not JSON (${error.message}); expected a SARIF 2.1.0 log`);
    }
    if (log === null || typeof log !== 'object' || !Array.isArray(log.runs)) {
        throw new SourceError(`${source} is not a SARIF log: it has no 'runs' list`);
    }
    const findings = [];
    for (const run of log.runs) {
        const tool = run?.tool?.driver?.name;
        // A scan that says it failed has no complete results: judging what it did find would pass too much.
        if (run?.invocations?.some((i) => i?.executionSuccessful === false)) {
            throw new SourceError(`${source}: ${tool ?? 'the scanner'} reports that its run did not succeed (executionSuccessful: false)`);
        }
        for (const result of run?.results ?? []) {
            if (!result || !counts(result))
                continue;
            const rule = ruleOf(run, result);
            const ruleId = result.ruleId ?? result.rule?.id ?? rule?.id ?? 'unknown-rule';
            const { severity, basis } = sarifSeverity(result, rule);
            const advisories = [
                ...new Set([
                    ...advisoryIds(ruleId),
                    ...advisoryIds(rule?.name),
                    ...advisoryIds(rule?.shortDescription?.text),
                    ...advisoryIds(rule?.helpUri),
                ]),
            ];
            const physical = result.locations?.[0]?.physicalLocation;
            const uri = physical?.artifactLocation?.uri;
            const line = physical?.region?.startLine;
            const title = (rule?.shortDescription?.text ?? result.message?.text ?? ruleId).split('\n')[0]?.trim() ?? ruleId;
            const finding = {
                source,
                id: advisories[0] ?? ruleId,
                ids: [...new Set([ruleId, ...advisories])],
                severity,
                basis,
                title,
            };
            if (tool)
                finding.tool = tool;
            if (uri)
                finding.location = line ? `${uri}:${line}` : uri;
            const url = result.hostedViewerUri ?? rule?.helpUri;
            if (url && /^https?:\/\//.test(url))
                finding.url = url;
            findings.push(finding);
        }
    }
    return findings;
}
function npmSeverity(word) {
    return severityOfWord(word) ?? 'medium';
}
/** The findings of `npm audit --json` output (v2 or v1). Throws a SourceError for anything else. */
function parseNpmAudit(text, source) {
    let report;
    try {
        report = JSON.parse(text);
    }
    catch (error) {
        throw new SourceError(`${source} is not JSON (${error.message}); expected the output of 'npm audit --json'`);
    }
    if (report === null || typeof report !== 'object') {
        throw new SourceError(`${source} is not an npm audit report`);
    }
    if (report.error) {
        throw new SourceError(`${source} holds npm's error instead of a report: ${report.error.code ?? 'error'} ${report.error.summary ?? ''}`.trim());
    }
    const findings = [];
    if (report.vulnerabilities && typeof report.vulnerabilities === 'object') {
        const seen = new Set();
        for (const [key, entry] of Object.entries(report.vulnerabilities)) {
            for (const via of entry?.via ?? []) {
                if (typeof via !== 'object' || via === null)
                    continue;
                const name = via.name ?? via.dependency ?? entry.name ?? key;
                const dedupe = String(via.source ?? via.url ?? `${name}:${via.title}`);
                if (seen.has(dedupe))
                    continue;
                seen.add(dedupe);
                const advisories = advisoryIds(via.url);
                const finding = {
                    source,
                    id: advisories[0] ?? (via.source !== undefined ? `npm-advisory-${via.source}` : name),
                    ids: [...advisories, ...(via.source !== undefined ? [String(via.source)] : [])],
                    severity: npmSeverity(via.severity),
                    basis: `npm ${via.severity ?? 'unknown'}`,
                    title: via.title ?? `vulnerable ${name}`,
                    package: via.range ? `${name} ${via.range}` : name,
                    tool: 'npm audit',
                };
                if (via.url)
                    finding.url = via.url;
                findings.push(finding);
            }
        }
        return findings;
    }
    if (report.advisories && typeof report.advisories === 'object') {
        for (const [key, advisory] of Object.entries(report.advisories)) {
            const ids = [
                ...(advisory.cves ?? []).map((c) => c.toUpperCase()),
                ...advisoryIds(advisory.github_advisory_id),
                ...advisoryIds(advisory.url),
            ];
            const unique = [...new Set(ids)];
            const number = String(advisory.id ?? key);
            const name = advisory.module_name ?? 'unknown package';
            const finding = {
                source,
                id: unique.find((i) => i.startsWith('GHSA')) ?? unique[0] ?? `npm-advisory-${number}`,
                ids: [...unique, number],
                severity: npmSeverity(advisory.severity),
                basis: `npm ${advisory.severity ?? 'unknown'}`,
                title: advisory.title ?? `vulnerable ${name}`,
                package: advisory.vulnerable_versions ? `${name} ${advisory.vulnerable_versions}` : name,
                tool: 'npm audit',
            };
            if (advisory.url)
                finding.url = advisory.url;
            findings.push(finding);
        }
        return findings;
    }
    throw new SourceError(`${source} is not an npm audit report: it has neither 'vulnerabilities' (npm 7+) nor 'advisories' (npm 6)`);
}
const DEPENDABOT_PERMISSION = "the workflow's GITHUB_TOKEN cannot be granted it (`permissions:` has no key for Dependabot alerts, and `security-events: read` covers code scanning only). " +
    'Give the action a token that can read them (its `token` input): a GitHub App installation token with the `vulnerability_alerts: read` ("Dependabot alerts: read") permission, ' +
    'a fine-grained personal access token with "Dependabot alerts: read" on this repository, or a classic one with the `security_events` scope (`public_repo` for a public repository)';
function nextLink(link) {
    if (!link)
        return undefined;
    for (const part of link.split(',')) {
        const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
        if (match)
            return match[1];
    }
    return undefined;
}
/** The open Dependabot alerts of the target's repository, as findings (all pages). */
async function readDependabotAlerts(client, target, now) {
    const where = `${target.owner}/${target.repo}`;
    const alerts = [];
    try {
        let response = await client.request('GET /repos/{owner}/{repo}/dependabot/alerts', {
            owner: target.owner,
            repo: target.repo,
            state: 'open',
            per_page: 100,
        });
        for (let pages = 1;; pages += 1) {
            alerts.push(...response.data);
            const next = nextLink(response.headers.link);
            // A bound against a server that keeps answering `next` (100 pages: 10 000 alerts).
            if (!next || pages >= 100)
                break;
            response = (await client.request({ method: 'GET', url: next }));
        }
    }
    catch (error) {
        const status = error.status;
        const message = String(error.response?.data?.message ??
            error.message);
        if (status === 403 && /disabled/i.test(message)) {
            throw new SourceError(`Dependabot alerts are disabled for ${where} (403 ${message}); enable them under Settings → Code security, or drop 'dependabot: true'`);
        }
        const explained = (0,github_errors/* toGitHubApiError */.Vu)(error, {
            action: `read the Dependabot alerts of ${where}`,
            ...(now ? { now } : {}),
        });
        if (status === 403 && explained.kind === 'permission') {
            throw new SourceError(`the token may not read the Dependabot alerts of ${where} (403 ${message}): ${DEPENDABOT_PERMISSION}`);
        }
        throw new SourceError(explained.message);
    }
    return alerts.map((alert) => {
        const advisory = alert.security_advisory ?? {};
        const ids = [
            ...advisoryIds(advisory.ghsa_id),
            ...advisoryIds(advisory.cve_id ?? undefined),
            ...(advisory.identifiers ?? []).flatMap((i) => advisoryIds(i.value)),
        ];
        const unique = [...new Set(ids)];
        const severityWord = alert.security_vulnerability?.severity ?? advisory.severity;
        const pkg = alert.dependency?.package;
        const finding = {
            source: 'Dependabot',
            id: unique.find((i) => i.startsWith('CVE')) ?? unique[0] ?? `dependabot-alert-${alert.number}`,
            ids: [...unique, `dependabot-alert-${alert.number}`],
            severity: severityOfWord(severityWord) ?? 'medium',
            basis: `GitHub ${severityWord ?? 'unknown'}`,
            title: advisory.summary ?? `Dependabot alert #${alert.number}`,
            url: alert.html_url,
            tool: 'Dependabot',
        };
        if (pkg?.name)
            finding.package = pkg.ecosystem ? `${pkg.ecosystem}:${pkg.name}` : pkg.name;
        if (alert.dependency?.manifest_path)
            finding.location = alert.dependency.manifest_path;
        return finding;
    });
}
// ---------------------------------------------------------------------------------------------------------
// Files and globs
/** Whether a pattern has glob characters (`*`, `?`, `[`). */
function isGlob(pattern) {
    return /[*?[]/.test(pattern);
}
/** `reports/**\/*.sarif` as an anchored RegExp over `/`-separated relative paths. */
function globPathRegExp(pattern) {
    const segments = pattern.replace(/^\.\//, '').split('/').filter(Boolean);
    let source = '';
    segments.forEach((segment, i) => {
        const last = i === segments.length - 1;
        if (segment === '**') {
            source += last ? '.*' : '(?:[^/]+/)*';
            return;
        }
        let part = '';
        for (let j = 0; j < segment.length; j++) {
            const ch = segment[j] ?? '';
            if (ch === '*')
                part += '[^/]*';
            else if (ch === '?')
                part += '[^/]';
            else if (ch === '[') {
                const close = segment.indexOf(']', j + 1);
                if (close > j + 1) {
                    const body = segment
                        .slice(j + 1, close)
                        .replace(/^!/, '^')
                        .replace(/\\/g, '\\\\');
                    part += `[${body}]`;
                    j = close;
                }
                else
                    part += '\\[';
            }
            else
                part += ch.replace(/[.+^${}()|\\]/g, '\\$&');
        }
        source += part + (last ? '' : '/');
    });
    return new RegExp(`^${source}$`);
}
const MAX_WALKED = 20_000;
const SKIPPED_DIRS = new Set(['.git', 'node_modules']);
/**
 * Files matching a pattern, relative to the workspace (an absolute pattern gives absolute paths); a plain path
 * is returned as is, found or not.
 */
async function expandPattern(workspace, pattern) {
    if (!isGlob(pattern))
        return [pattern];
    const absolute = (0,external_node_path_.isAbsolute)(pattern);
    const relativePattern = absolute ? pattern.replace(/^\/+/, '') : pattern.replace(/^\.\//, '');
    const segments = relativePattern.split('/');
    const fixed = [];
    for (const segment of segments) {
        if (isGlob(segment))
            break;
        fixed.push(segment);
    }
    const regex = globPathRegExp(relativePattern);
    const root = absolute ? '/' : (0,external_node_path_.resolve)(workspace);
    const matches = [];
    let walked = 0;
    const walk = async (dir) => {
        let entries;
        try {
            entries = await (0,promises_.readdir)(dir, { withFileTypes: true });
        }
        catch {
            return;
        }
        for (const entry of entries) {
            walked += 1;
            if (walked > MAX_WALKED)
                return;
            const full = (0,external_node_path_.join)(dir, entry.name);
            const rel = (0,external_node_path_.relative)(root, full).split('\\').join('/');
            if (entry.isDirectory()) {
                if (SKIPPED_DIRS.has(entry.name) && !pattern.includes(entry.name))
                    continue;
                await walk(full);
            }
            else if (entry.isFile() && regex.test(rel)) {
                matches.push(absolute ? `/${rel}` : rel);
            }
        }
    };
    await walk((0,external_node_path_.join)(root, ...fixed));
    return matches.sort();
}
async function readFileSources(patterns, workspace, kind, parse) {
    const reports = [];
    for (const pattern of patterns) {
        const files = await expandPattern(workspace, pattern);
        if (files.length === 0) {
            reports.push({
                name: pattern,
                findings: [],
                problem: `${kind}: no file matches '${pattern}' in the workspace`,
            });
            continue;
        }
        for (const file of files) {
            let text;
            try {
                text = await (0,promises_.readFile)((0,external_node_path_.resolve)(workspace, file), 'utf8');
            }
            catch (error) {
                const code = error.code;
                reports.push({
                    name: file,
                    findings: [],
                    problem: code === 'ENOENT'
                        ? `${kind}: '${file}' does not exist (did the scan run and write it?)`
                        : `${kind}: '${file}' cannot be read (${error.message})`,
                });
                continue;
            }
            try {
                reports.push({ name: file, findings: parse(text, file) });
            }
            catch (error) {
                if (!(error instanceof SourceError))
                    throw error;
                reports.push({ name: file, findings: [], problem: `${kind}: ${error.message}` });
            }
        }
    }
    return reports;
}
/** Whether a finding answers to an id of the ignore list (case does not matter). */
function isIgnored(finding, ignore) {
    if (ignore.length === 0)
        return false;
    const wanted = new Set(ignore.map((id) => id.trim().toLowerCase()));
    return finding.ids.some((id) => wanted.has(id.toLowerCase())) || wanted.has(finding.id.toLowerCase());
}
const MAX_FINDING_ITEMS = 50;
function countBySeverity(findings) {
    return SEVERITIES_HIGH_FIRST.map((s) => [s, findings.filter((f) => f.severity === s).length])
        .filter(([, n]) => n > 0)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ');
}
function describeFinding(finding) {
    const what = [finding.package, finding.location].filter(Boolean).join(' at ');
    return `${finding.severity} (${finding.basis}): ${finding.title}${what ? `; ${what}` : ''}; ${finding.source}`;
}
/** The verdict over what the sources answered. */
function judgeFindings(config, sources) {
    const threshold = SEVERITY_RANK[config.failOn];
    const all = sources.flatMap((s) => s.findings);
    const ignored = all.filter((f) => isIgnored(f, config.ignore));
    const judged = all.filter((f) => !isIgnored(f, config.ignore));
    const blocking = judged
        .filter((f) => f.severity !== 'none' && SEVERITY_RANK[f.severity] >= threshold)
        .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
    const below = judged.filter((f) => !blocking.includes(f));
    const problems = sources.filter((s) => s.problem !== undefined);
    const items = sources.map((s) => {
        const mine = s.findings.filter((f) => blocking.includes(f));
        return {
            name: s.name,
            verdict: s.problem !== undefined ? 'error' : mine.length > 0 ? 'fail' : 'pass',
            detail: s.problem ??
                (s.findings.length === 0
                    ? 'no findings'
                    : `${s.findings.length} finding${s.findings.length === 1 ? '' : 's'} (${countBySeverity(s.findings)}), ${mine.length} at or above ${config.failOn}`),
        };
    });
    // One line per blocking id and source: a CVE in 30 image layers is one problem to fix.
    const grouped = new Map();
    for (const finding of blocking) {
        const key = `${finding.source}\0${finding.id}`;
        const seen = grouped.get(key);
        if (seen)
            seen.count += 1;
        else
            grouped.set(key, { finding, count: 1 });
    }
    const groups = [...grouped.values()];
    for (const { finding, count } of groups.slice(0, MAX_FINDING_ITEMS)) {
        items.push({
            name: finding.id,
            verdict: 'fail',
            detail: `${describeFinding(finding)}${count > 1 ? ` (${count} places)` : ''}`,
            ...(finding.url ? { url: finding.url } : {}),
        });
    }
    if (groups.length > MAX_FINDING_ITEMS) {
        items.push({
            name: `… ${groups.length - MAX_FINDING_ITEMS} more`,
            verdict: 'fail',
            detail: 'not listed',
        });
    }
    const aside = [
        ...(below.length > 0 ? [`${below.length} below ${config.failOn}: ${countBySeverity(below)}`] : []),
        ...(ignored.length > 0 ? [`${ignored.length} ignored`] : []),
    ];
    const asideText = aside.length > 0 ? ` (${aside.join('; ')})` : '';
    const unread = problems.map((p) => p.problem).join('; ');
    if (groups.length > 0) {
        const names = groups
            .slice(0, 5)
            .map(({ finding }) => `${finding.id} (${finding.severity}${finding.package ? `, ${finding.package}` : ''})`);
        const more = groups.length > 5 ? ` and ${groups.length - 5} more` : '';
        return {
            verdict: 'fail',
            detail: `${groups.length} finding${groups.length === 1 ? '' : 's'} at or above ${config.failOn}: ${names.join(', ')}${more}${asideText}` +
                (unread ? `; also could not read: ${unread}` : ''),
            items,
        };
    }
    const read = sources.length - problems.length;
    if (problems.length > 0) {
        return {
            verdict: 'error',
            detail: `vulnerabilities could not be fully evaluated: ${unread}${read > 0 ? `; nothing at or above ${config.failOn} in the other ${read} source${read === 1 ? '' : 's'}${asideText}` : ''}`,
            items,
        };
    }
    return {
        verdict: 'pass',
        detail: `nothing at or above ${config.failOn} in ${read} source${read === 1 ? '' : 's'}${asideText}`,
        items,
    };
}
async function runVulnerabilitiesGate(config, context) {
    const sources = [
        ...(await readFileSources(config.sarif, context.workspace, 'sarif', parseSarif)),
        ...(await readFileSources(config.npmAudit, context.workspace, 'npm-audit', parseNpmAudit)),
    ];
    if (config.dependabot) {
        if (!context.github) {
            sources.push({
                name: 'Dependabot',
                findings: [],
                problem: 'dependabot: reading Dependabot alerts needs a GitHub token, and none was given',
            });
        }
        else {
            try {
                sources.push({
                    name: 'Dependabot',
                    findings: await readDependabotAlerts(context.github, context.target, context.now),
                });
            }
            catch (error) {
                if (!(error instanceof SourceError))
                    throw error;
                sources.push({ name: 'Dependabot', findings: [], problem: `dependabot: ${error.message}` });
            }
        }
    }
    for (const source of sources) {
        if (source.problem)
            context.log.warning(`vulnerabilities: ${source.problem}`);
        else
            context.log.info(`vulnerabilities: ${source.name}: ${source.findings.length} finding(s)`);
    }
    return judgeFindings(config, sources);
}
const vulnerabilitiesGate = {
    name: 'vulnerabilities',
    run: runVulnerabilitiesGate,
};

;// CONCATENATED MODULE: ./src/gates/evaluate.ts
// Runs every configured gate, one after another in GATE_ORDER (cheap local gates first, the checks gate,
// which may wait, last), even when one fails, and builds the GatesReport. A gate that throws is not the end
// of the run: it becomes verdict `error` naming the gate that could not be evaluated, and the rest still run.
// Once the run is cancelled, the gates not yet started are recorded as `error` (not evaluated: cancelled).
//
// The report lists configured gates only; a gate the configuration does not name is not evaluated and not
// shown. `passed` is true when no gate failed or errored (`skipped` counts as passing: a gate that does not
// apply, like the branch gate without an environment).









/** Every gate by name, typed by its configuration. */
const GATES = {
    branch: branchGate,
    freeze: freezeGate,
    env: envGate,
    reviews: reviewsGate,
    vulnerabilities: vulnerabilitiesGate,
    migrations: migrationsGate,
    command: commandGate,
    checks: checksGate,
};
/** The configured gates, in the order they run and are shown. */
function configuredGates(config) {
    return types/* GATE_ORDER */.x.filter((name) => config[name] !== undefined);
}
/** `passed` of a report: nothing failed and nothing could not be evaluated. */
function gatesPassed(results) {
    return results.every((r) => r.verdict === 'pass' || r.verdict === 'skipped');
}
function errorMessage(error) {
    if (error instanceof Error)
        return error.message;
    return String(error);
}
async function runOne(name, config, context) {
    const gate = GATES[name];
    try {
        return await gate.run(config, context);
    }
    catch (error) {
        if (context.signal.aborted) {
            return { verdict: 'error', detail: `${name} could not be evaluated: the run was cancelled` };
        }
        return { verdict: 'error', detail: `${name} could not be evaluated: ${errorMessage(error)}` };
    }
}
/**
 * Evaluates every configured gate in GATE_ORDER and reports them all. Never throws for a gate's sake: a
 * gate's exception is its `error` verdict. Callbacks that throw do stop the run (they are the caller's).
 */
async function evaluateGates(config, context, options = {}) {
    const clock = options.clock ?? (() => performance.now());
    const startedAt = context.now().toISOString();
    const start = clock();
    const callsBefore = context.github?.callCount();
    const gates = [];
    for (const name of configuredGates(config)) {
        let result;
        if (context.signal.aborted) {
            result = {
                gate: name,
                verdict: 'error',
                detail: `${name} was not evaluated: the run was cancelled`,
                durationMs: 0,
            };
        }
        else {
            await options.onGateStart?.(name);
            const began = clock();
            const outcome = await runOne(name, config[name], context);
            result = { gate: name, ...outcome, durationMs: Math.max(Math.round(clock() - began), 0) };
        }
        gates.push(result);
        await options.onGateResult?.(result);
    }
    const target = context.target;
    const report = {
        passed: gatesPassed(gates),
        startedAt,
        durationMs: Math.max(Math.round(clock() - start), 0),
        target: {
            sha: target.sha,
            ref: target.ref,
            eventName: target.eventName,
            ...(target.environment !== undefined ? { environment: target.environment } : {}),
            ...(target.pullNumber !== undefined ? { pullNumber: target.pullNumber } : {}),
        },
        gates,
    };
    if (context.github && callsBefore) {
        const after = context.github.callCount();
        report.apiCalls = after.rest + after.graphql - (callsBefore.rest + callsBefore.graphql);
    }
    return report;
}
/** The gates that did not pass, for the `failed-gates` output. */
function failedGates(report) {
    return report.gates.filter((g) => g.verdict === 'fail' || g.verdict === 'error').map((g) => g.gate);
}


/***/ }),

/***/ 2301:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   x: () => (/* binding */ GATE_ORDER)
/* harmony export */ });
/** The order gates are shown in; all configured gates run even when one fails. */
const GATE_ORDER = [
    'branch',
    'freeze',
    'env',
    'reviews',
    'vulnerabilities',
    'migrations',
    'command',
    'checks',
];


/***/ })

};
