export const id = 415;
export const ids = [415];
export const modules = {

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
