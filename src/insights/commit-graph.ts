// The commits that lead time is measured over, and the two places they are read from (git-history.ts,
// github-history.ts). A graph, not a list: a commit reached the environment with the first delivery whose
// commit has it among its ancestors, merges included.

export interface CommitNode {
  /** The committer date, ISO 8601: when the commit was made as it is in the history. */
  committedAt: string;
  parents: string[];
}

export interface CommitGraph {
  commits: Map<string, CommitNode>;
  /** Where the commits came from, in words for the report ("local git history", "GitHub, 2 GraphQL calls"). */
  describe: string;
  /** Delivered commits the graph did not hold (not in the local clone, not found on GitHub). */
  missing: string[];
}

/** What lead time asks a history for: the delivered commits (oldest delivery first) and the baseline's. */
export interface HistoryRequest {
  heads: string[];
  /**
   * Revisions whose ancestors are not needed: the commit live before the period (its ancestors reached the
   * environment before it), or with none the first delivered commit's parents (`<sha>^@`).
   */
  exclude: string[];
  /** Commits made before this are not looked for (the GitHub history only; the local one is exact). */
  notBefore: string;
  until: string;
}

export interface CommitHistory {
  readonly kind: 'git' | 'github';
  read(request: HistoryRequest): Promise<CommitGraph>;
}
