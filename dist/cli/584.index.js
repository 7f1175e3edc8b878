export const id = 584;
export const ids = [584];
export const modules = {

/***/ 6584:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createGitHubClient: () => (/* binding */ createGitHubClient),
/* harmony export */   resolveUrls: () => (/* binding */ resolveUrls)
/* harmony export */ });
/* harmony import */ var _octokit_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4730);
/* harmony import */ var _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9735);
/* harmony import */ var _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6856);
// The one Octokit every action uses: @octokit/core with retries of 5xx and dropped connections
// (@octokit/plugin-retry) and bounded waits on primary and secondary rate limits
// (@octokit/plugin-throttling), GHES base URLs, and a count of the calls sent. Pure of @actions/*: a
// proxy-aware transport, when one is needed, is the caller's to pass as `fetch`.
//
// REST calls go through `request('POST /repos/{owner}/{repo}/deployments', {...})`: the endpoint
// methods plugin is not loaded, so bundles stay small. Callers `await import('../github/client.js')`
// only on the paths that talk to GitHub.



const GitHubOctokit = _octokit_core__WEBPACK_IMPORTED_MODULE_0__/* .Octokit */ .E.plugin(_octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_1__/* .retry */ .L, _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_2__/* .throttling */ .A);
/** Statuses never retried by plugin-retry: client errors (409 included: a conflict does not heal by itself)
 * and 429, which the throttling plugin handles with GitHub's `retry-after`. */
const DO_NOT_RETRY = [400, 401, 403, 404, 409, 410, 422, 429, 451];
function resolveUrls(options, env) {
    const apiUrl = (options.apiUrl || env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '');
    const derived = /\/api\/v3$/.test(apiUrl)
        ? apiUrl.replace(/\/api\/v3$/, '/api/graphql')
        : `${apiUrl}/graphql`;
    const graphqlUrl = (options.graphqlUrl || env.GITHUB_GRAPHQL_URL || derived).replace(/\/+$/, '');
    return { apiUrl, graphqlUrl };
}
/** A stand-in for a Bottleneck group: runs jobs at most once per `minMs` (or at once when 0). */
function spacing(minMs) {
    let chain = Promise.resolve();
    let next = 0;
    const limiter = {
        schedule(...input) {
            const withOptions = typeof input[0] !== 'function';
            const fn = (withOptions ? input[1] : input[0]);
            const args = input.slice(withOptions ? 2 : 1);
            if (minMs <= 0)
                return Promise.resolve().then(() => fn(...args));
            const turn = chain.then(async () => {
                const wait = next - Date.now();
                if (wait > 0)
                    await new Promise((resolve) => setTimeout(resolve, wait));
                next = Date.now() + minMs;
            });
            chain = turn;
            return turn.then(() => fn(...args));
        },
    };
    return { key: () => limiter };
}
/** A JSON answer that does not parse (a truncated body) is answered as a 502, so it is retried. */
async function guardJson(response) {
    const type = response.headers.get('content-type') ?? '';
    if (!/json/i.test(type) || response.status === 204)
        return response;
    const text = await response.text();
    let status = response.status;
    let statusText = response.statusText;
    let body = text;
    const headers = new Headers(response.headers);
    if (text !== '') {
        try {
            JSON.parse(text);
        }
        catch {
            status = 502;
            statusText = 'Bad Gateway';
            body = JSON.stringify({
                message: `GitHub answered ${response.status} with malformed JSON: ${text.slice(0, 80)}`,
            });
            headers.delete('content-length');
        }
    }
    const rebuilt = new Response(body, { status, statusText, headers });
    // A constructed Response has an empty `url`; Octokit reports the original one in errors.
    Object.defineProperty(rebuilt, 'url', { value: response.url });
    return rebuilt;
}
/** A fetch that gives up after `ms`: the error is a plain one (not an AbortError), so Octokit turns it into a
 * status-500 RequestError that plugin-retry retries like any dropped connection. */
async function timedFetch(fetch, input, init, ms) {
    const controller = new AbortController();
    const outer = init?.signal;
    const forward = () => controller.abort(outer?.reason);
    if (outer?.aborted)
        forward();
    else
        outer?.addEventListener('abort', forward, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
        timedOut = true;
        controller.abort(new Error('timeout'));
    }, ms);
    try {
        return await guardJson(await fetch(input, { ...init, signal: controller.signal }));
    }
    catch (error) {
        if (timedOut)
            throw new Error(`no answer within ${ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`}`);
        throw error;
    }
    finally {
        clearTimeout(timer);
        outer?.removeEventListener('abort', forward);
    }
}
function createGitHubClient(options) {
    const env = options.env ?? process.env;
    const { apiUrl, graphqlUrl } = resolveUrls(options, env);
    const log = options.log ?? { debug: () => { }, warning: (message) => console.warn(message) };
    const rateLimitRetries = options.rateLimitRetries ?? 2;
    const maxWait = options.maxRateLimitWaitSeconds ?? 60;
    const timeoutMs = options.timeoutMs ?? 30_000;
    const counts = { rest: 0, graphql: 0, retries: 0 };
    const budgets = {
        retries: options.retries ?? 3,
        retryBaseMs: options.retryBaseMs ?? 1000,
        lateWriteWindowMs: options.lateWriteWindowMs ?? 10_000,
        timeoutMs,
    };
    const unanswered = [];
    const baseFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    const graphqlPath = new URL(graphqlUrl).pathname;
    const onLimit = (kind) => (retryAfter, request, _octokit, retryCount) => {
        const what = `${request.method} ${request.url}`;
        if (retryCount < rateLimitRetries && retryAfter <= maxWait) {
            log.warning(`GitHub ${kind} rate limit reached on ${what}; retrying in ${retryAfter}s (retry ${retryCount + 1} of ${rateLimitRetries})`);
            return true;
        }
        const why = retryAfter > maxWait
            ? `it asks to wait ${retryAfter}s, more than ${maxWait}s`
            : `${rateLimitRetries} retries spent`;
        log.warning(`GitHub ${kind} rate limit reached on ${what}; not retrying: ${why}`);
        return false;
    };
    const writes = spacing(options.minWriteIntervalMs ?? 0);
    const octokit = new GitHubOctokit({
        auth: options.token,
        baseUrl: apiUrl,
        userAgent: options.userAgent ?? 'deploy-kit',
        log: {
            debug: (message) => log.debug(message),
            info: (message) => log.debug(message),
            warn: (message) => log.warning(message),
            error: (message) => log.warning(message),
        },
        request: { fetch: baseFetch },
        retry: {
            retries: budgets.retries,
            retryAfterBaseValue: budgets.retryBaseMs,
            doNotRetry: DO_NOT_RETRY,
        },
        throttle: {
            onRateLimit: onLimit('primary'),
            onSecondaryRateLimit: onLimit('secondary'),
            // Bottleneck groups in the plugin's types; any object with key(id).schedule(...) works.
            write: writes,
            notifications: writes,
        },
    });
    // Outermost hook: every attempt of one call (plugin retries reuse its options) goes through this fetch.
    octokit.hook.wrap('request', (request, requestOptions) => {
        let attempts = 0;
        const inner = requestOptions.request?.fetch ?? baseFetch;
        const counted = async (input, init) => {
            attempts += 1;
            if (attempts > 1)
                counts.retries += 1;
            const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
            const path = new URL(url).pathname;
            if (path === graphqlPath)
                counts.graphql += 1;
            else
                counts.rest += 1;
            const method = (init?.method ?? 'GET').toUpperCase();
            const sentAt = Date.now();
            try {
                return await timedFetch(inner, input, init, timeoutMs);
            }
            catch (error) {
                // No answer is no proof it was not applied: the caller may have to wait for it, or look for it.
                if (path !== graphqlPath && method !== 'GET' && method !== 'HEAD') {
                    unanswered.push({ method, path, sentAt, lateUntil: sentAt + budgets.lateWriteWindowMs });
                }
                throw error;
            }
        };
        // before-after-hook binds every hook to the same options object: change it in place.
        requestOptions.request = { ...requestOptions.request, fetch: counted };
        return request(requestOptions);
    });
    const graphql = octokit.graphql.defaults({ url: graphqlUrl });
    return {
        octokit,
        request: octokit.request,
        graphql,
        apiUrl,
        graphqlUrl,
        budgets: { ...budgets },
        callCount: () => ({ ...counts }),
        unansweredWrites: () => unanswered.map((write) => ({ ...write })),
    };
}


/***/ })

};
