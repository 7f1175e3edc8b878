// Commit times from GitHub when there is no local clone, in as few calls as the history allows. GitHub's
// commit history has no page jumps, only `since`/`until` windows of time; so:
//   1. one GraphQL call counts the commits in 256 equal windows of time (aliases `w0`…, `totalCount` only);
//   2. windows are merged (or split) to about 100 commits each, and one call fetches them all at once
//      (aliases again, 100 a connection, at most 100 connections a call);
//   3. only a window that still holds more (a burst of commits in one second's range) is followed by cursor.
// Each commit comes with its parents, so the graph's ancestry is exact within the windows. Commits made before
// `notBefore` are not fetched; a delivered commit the newest one does not reach (a deploy of a branch) is
// fetched by its own alias in one more call.
import type { GitHubClient } from '../github/client.js';
import { toGitHubApiError } from '../github/errors.js';
import type { CommitGraph, CommitHistory, CommitNode, HistoryRequest } from './commit-graph.js';

/** Windows counted in the first call: fine enough that merging them fills pages of 100 (a count is cheap). */
const COUNT_WINDOWS = 256;
/** GitHub's largest page of a connection. */
const PAGE = 100;
/** Connections fetched in one call (100 × 100 commits, each with its parents: well under GitHub's limits). */
const CONNECTIONS_PER_CALL = 100;

interface Window {
  since: number;
  until: number;
  count: number;
  after?: string;
}

interface HistoryConnection {
  totalCount?: number;
  pageInfo?: { hasNextPage: boolean; endCursor: string | null };
  nodes?: ({
    oid: string;
    committedDate: string;
    parents: { nodes: ({ oid: string } | null)[] | null };
  } | null)[];
}

const COMMIT_FIELDS =
  'pageInfo { hasNextPage endCursor } nodes { oid committedDate parents(first: 10) { nodes { oid } } }';

export class GitHubHistory implements CommitHistory {
  readonly kind = 'github' as const;
  #calls = 0;

  constructor(
    readonly client: GitHubClient,
    readonly owner: string,
    readonly repo: string,
  ) {}

  /** GraphQL calls sent so far. */
  get calls(): number {
    return this.#calls;
  }

  async read(request: HistoryRequest): Promise<CommitGraph> {
    const heads = [...new Set(request.heads)];
    const commits: CommitGraph['commits'] = new Map();
    const newest = heads.at(-1);
    const before = this.#calls;
    if (newest) {
      const from = Math.floor(Date.parse(request.notBefore) / 1000);
      const to = Math.ceil(Date.parse(request.until) / 1000);
      const counted = await this.#count(newest, from, to);
      let pending = pack(counted);
      while (pending.length > 0) {
        const next: Window[] = [];
        for (let i = 0; i < pending.length; i += CONNECTIONS_PER_CALL) {
          const batch = pending.slice(i, i + CONNECTIONS_PER_CALL);
          const pages = await this.#fetchWindows(newest, batch);
          pages.forEach((page, index) => {
            addNodes(commits, page);
            if (page?.pageInfo?.hasNextPage && page.pageInfo.endCursor) {
              next.push({ ...batch[index]!, after: page.pageInfo.endCursor });
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

  async #query<T>(document: string, variables: Record<string, unknown>): Promise<T> {
    this.#calls += 1;
    try {
      return await this.client.graphql<T>(document, { owner: this.owner, name: this.repo, ...variables });
    } catch (error) {
      throw toGitHubApiError(error, {
        action: `read the commit history of ${this.owner}/${this.repo}`,
        permission: 'contents: read',
      });
    }
  }

  /** Call 1: how many commits each of N equal windows holds. */
  async #count(head: string, from: number, to: number): Promise<Window[]> {
    const span = Math.max(1, to - from);
    const size = Math.max(1, Math.ceil(span / COUNT_WINDOWS));
    const windows: Window[] = [];
    for (let since = from; since <= to; since += size) {
      windows.push({ since, until: Math.min(to, since + size - 1), count: 0 });
    }
    const aliases = windows
      .map(
        (w, i) => `w${i}: history(first: 1, since: ${iso(w.since)}, until: ${iso(w.until)}) { totalCount }`,
      )
      .join('\n');
    const answer = await this.#query<CommitAnswer>(commitDocument('DeployKitCommitCounts', aliases), {
      head,
    });
    const object = answer.repository?.object ?? {};
    return windows.map((w, i) => ({
      ...w,
      count: (object[`w${i}`] as HistoryConnection | undefined)?.totalCount ?? 0,
    }));
  }

  async #fetchWindows(head: string, windows: Window[]): Promise<(HistoryConnection | undefined)[]> {
    const aliases = windows
      .map(
        (w, i) =>
          `w${i}: history(first: ${PAGE}, since: ${iso(w.since)}, until: ${iso(w.until)}${w.after ? `, after: ${JSON.stringify(w.after)}` : ''}) { ${COMMIT_FIELDS} }`,
      )
      .join('\n');
    const answer = await this.#query<CommitAnswer>(commitDocument('DeployKitCommits', aliases), { head });
    const object = answer.repository?.object ?? {};
    return windows.map((_, i) => object[`w${i}`] as HistoryConnection | undefined);
  }

  async #fetchHeads(heads: string[], from: number, commits: Map<string, CommitNode>): Promise<void> {
    const aliases = heads
      .map(
        (sha, i) =>
          `h${i}: object(oid: ${JSON.stringify(sha)}) { ... on Commit { history(first: ${PAGE}, since: ${iso(from)}) { ${COMMIT_FIELDS} } } }`,
      )
      .join('\n');
    const document = `query DeployKitDeliveredCommits($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) {
    ${aliases}
  }
}`;
    const answer = await this.#query<{
      repository: Record<string, { history?: HistoryConnection } | null> | null;
    }>(document, {});
    for (const [, object] of Object.entries(answer.repository ?? {})) addNodes(commits, object?.history);
  }
}

interface CommitAnswer {
  repository: { object: Record<string, unknown> | null } | null;
}

function commitDocument(name: string, aliases: string): string {
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

function iso(seconds: number): string {
  return JSON.stringify(new Date(seconds * 1000).toISOString().replace('.000Z', 'Z'));
}

function addNodes(commits: Map<string, CommitNode>, page: HistoryConnection | undefined): void {
  for (const node of page?.nodes ?? []) {
    if (!node) continue;
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
export function pack(windows: Window[]): Window[] {
  const packed: Window[] = [];
  for (const window of windows) {
    if (window.count === 0) continue;
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
