// The one entry of the release engine: from the previous release tag reachable from `sha` to `sha`, which
// version comes next and why. Only git, no API: tags and commits are read from the checkout, and a shallow
// checkout is deepened until the range is complete (never a version guessed from a cut history).
import semver from 'semver';
import { type Bump, bumpOf, type ParsedCommit, parseCommits, type ReleaseRule } from './commits.js';
import {
  deepen,
  isShallow,
  isValidTagPrefix,
  listTags,
  readCommits,
  resolveCommit,
  revList,
  shallowCommits,
  type TagRef,
} from './git.js';
import { nextVersion } from './version.js';

export interface AnalyzeOptions {
  /** The repository (a work tree or a bare repository). */
  cwd: string;
  /** The deployed commit (a SHA or a ref). */
  sha: string;
  /** Tags of this release line start with it: 'v' (default), or e.g. 'api-v' for a package. */
  tagPrefix?: string;
  /** Only commits touching these paths count (a package of a monorepo). */
  paths?: readonly string[];
  releaseRules?: readonly ReleaseRule[];
  /** Prerelease identifier ('rc', 'beta'): the next version is `<next>-<id>.N`. */
  prerelease?: string;
  /** First release when no previous tag is reachable: default 1.0.0. */
  initialVersion?: string;
  /** Before 1.0.0 a breaking change bumps the minor (default true). */
  preMajorBreakingIsMinor?: boolean;
  /** Shallow clones: deepen from this remote (default 'origin'); `deepen: false` refuses instead. */
  remote?: string;
  deepen?: boolean;
  /** First deepening step, doubled each round (default 100). */
  deepenBy?: number;
  /** Rounds of --deepen before a last --unshallow (default 6). */
  maxDeepenRounds?: number;
  /** Progress lines (what was fetched and why). */
  log?: (line: string) => void;
}

export interface AnalyzeStats {
  /** Tags with the prefix read (all of them, reachable or not). */
  tagsRead: number;
  /** Commits in the range as git log gave them (squash entries not counted). */
  commitsRead: number;
  deepenRounds: number;
}

export interface AnalyzeResult {
  sha: string;
  previousTag?: string;
  previousVersion?: string;
  nextVersion?: string;
  /** The tag to create: prefix + nextVersion. */
  nextTag?: string;
  /** What the commits ask for (before the pre-1.0 rule, which `nextVersion` applies). */
  bump: Bump | undefined;
  commits: ParsedCommit[];
  /** Set when the computed tag exists already elsewhere (nextVersion is then undefined). */
  conflict?: { tag: string; commit: string };
  /** Why this version, or why none. */
  reason: string;
  stats: AnalyzeStats;
}

/** The history of the checkout is cut before the previous release and could not be completed. */
export class ShallowHistoryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ShallowHistoryError';
  }
}

interface VersionTag extends TagRef {
  version: string;
}

function versionTags(tags: readonly TagRef[], prefix: string): VersionTag[] {
  const out: VersionTag[] = [];
  for (const tag of tags) {
    if (!tag.name.startsWith(prefix)) continue;
    const version = tag.name.slice(prefix.length);
    // Strict: digits right after the prefix (semver itself would also take 'v1.2.3' or '=1.2.3').
    if (/^\d/.test(version) && semver.valid(version) === version) out.push({ ...tag, version });
  }
  return out;
}

function highestStable(tags: readonly VersionTag[]): VersionTag | undefined {
  let best: VersionTag | undefined;
  for (const tag of tags) {
    if (semver.prerelease(tag.version) !== null) continue;
    if (!best || semver.gt(tag.version, best.version)) best = tag;
  }
  return best;
}

export async function analyzeRelease(options: AnalyzeOptions): Promise<AnalyzeResult> {
  const { cwd } = options;
  const prefix = options.tagPrefix ?? 'v';
  if (!isValidTagPrefix(prefix)) {
    throw new Error(
      `tag prefix must be letters, digits, '.', '_', '/' or '-' (like v or api-v), got '${prefix}'`,
    );
  }
  const log = options.log ?? (() => {});
  const sha = await resolveCommit(cwd, options.sha);
  const remote = options.remote ?? 'origin';
  const maxRounds = options.maxDeepenRounds ?? 6;
  let step = options.deepenBy ?? 100;
  let deepenRounds = 0;
  let unshallowed = false;

  let previous: VersionTag | undefined;
  for (;;) {
    // A release tag on `sha` itself is this release, made by an earlier run: it is not the previous one,
    // so a re-run computes the same version (and publishing finds the tag in place).
    previous = highestStable(
      versionTags(await listTags(cwd, prefix, sha), prefix).filter((t) => t.commit !== sha),
    );
    if (!(await isShallow(cwd))) break;
    const boundary = await shallowCommits(cwd);
    const range = await revList(cwd, sha, previous?.commit);
    if (!range.some((c) => boundary.has(c))) break;
    const where = previous
      ? `between ${previous.name} and ${sha}`
      : `before any ${prefix}* tag reachable from ${sha}`;
    if (options.deepen === false || unshallowed) {
      throw new ShallowHistoryError(
        `the history of this checkout is cut ${where} (a shallow clone): the next version cannot be computed ` +
          'from part of the commits. Fetch the full history (actions/checkout with fetch-depth: 0) or allow deepening.',
      );
    }
    const by = deepenRounds < maxRounds ? step : 'unshallow';
    log(
      `shallow clone, history cut ${where}: fetching ${by === 'unshallow' ? 'all of it' : `${by} more commits`} and tags from ${remote}`,
    );
    try {
      await deepen(cwd, remote, by);
    } catch (error) {
      throw new ShallowHistoryError(
        `the history of this checkout is cut ${where} (a shallow clone) and deepening it from '${remote}' failed: ` +
          `${(error as Error).message}. Fetch the full history (actions/checkout with fetch-depth: 0).`,
        { cause: error },
      );
    }
    deepenRounds += 1;
    if (by === 'unshallow') unshallowed = true;
    else step *= 2;
  }

  const allTags = versionTags(await listTags(cwd, prefix), prefix);
  const raw = await readCommits(cwd, {
    to: sha,
    ...(previous ? { from: previous.commit } : {}),
    ...(options.paths?.length ? { paths: options.paths } : {}),
  });
  const commits = parseCommits(raw, options.releaseRules ? { releaseRules: options.releaseRules } : {});
  const bump = bumpOf(commits);
  const stats: AnalyzeStats = { tagsRead: allTags.length, commitsRead: raw.length, deepenRounds };
  const base = {
    sha,
    bump,
    commits,
    stats,
    ...(previous ? { previousTag: previous.name, previousVersion: previous.version } : {}),
  };

  const next = nextVersion({
    bump,
    ...(previous ? { previous: previous.version } : {}),
    ...(options.initialVersion !== undefined ? { initialVersion: options.initialVersion } : {}),
    ...(options.preMajorBreakingIsMinor !== undefined
      ? { preMajorBreakingIsMinor: options.preMajorBreakingIsMinor }
      : {}),
    ...(options.prerelease ? { prerelease: options.prerelease } : {}),
    existingPrereleases: allTags.map((t) => t.version),
  });
  const scope = options.paths?.length ? ` touching ${options.paths.join(', ')}` : '';
  if (!next.version) {
    return { ...base, reason: `${next.reason}${scope} (${raw.length} commits read)` };
  }

  if (options.prerelease) {
    // Run twice on the same commit: the series already has its prerelease here.
    const core = semver.parse(next.version)!;
    const series = `${core.major}.${core.minor}.${core.patch}-${options.prerelease}.`;
    const here = allTags.find((t) => t.commit === sha && t.version.startsWith(series));
    if (here) return { ...base, reason: `${sha} is already tagged ${here.name}` };
  }
  const nextTag = `${prefix}${next.version}`;
  const taken = allTags.find((t) => t.name === nextTag);
  if (taken && taken.commit === sha) {
    return {
      ...base,
      nextVersion: next.version,
      nextTag,
      reason: `${next.reason}; ${nextTag} is already on ${sha} (a re-run)`,
    };
  }
  if (taken) {
    // Never move or overwrite a release: say so and let the caller fail or skip.
    return {
      ...base,
      conflict: { tag: nextTag, commit: taken.commit },
      reason:
        `the next version would be ${next.version}, but tag ${nextTag} already exists on ${taken.commit}, which ` +
        `is not in the history of ${sha} (another branch, or a later commit)`,
    };
  }
  return { ...base, nextVersion: next.version, nextTag, reason: next.reason };
}
