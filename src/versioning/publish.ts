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
import semver from 'semver';
import type { GitHubClient, GitHubLog } from '../github/client.js';
import { GitHubApiError, statusOf, toGitHubApiError } from '../github/errors.js';

export interface PublishOptions {
  client: GitHubClient;
  owner: string;
  repo: string;
  /** The release tag, e.g. `v1.4.0` (its prefix, `v` here, also names the major tags). */
  tag: string;
  /** The deployed commit, a full SHA. */
  sha: string;
  /** The release's title (default: the tag). */
  name?: string;
  /** The release notes, Markdown. */
  notes: string;
  draft: boolean;
  prerelease: boolean;
  /** GitHub's `make_latest`; omitted: GitHub's default. */
  makeLatest?: 'true' | 'false' | 'legacy';
  /** Move `vN` and `vN.M` to the release (never for prereleases and drafts). */
  majorTags: boolean;
  /** The version released, `1.4.0`. */
  version: string;
  /** The previous release's version (analyzeRelease's `previousVersion`), `null` when this is the first release:
   * tells which major tags exist, so each is written with the right verb at once. Omitted: guessed from
   * `version` (1.4.1 → v1 and v1.4 exist; 1.4.0 → v1 exists, v1.4 does not; 2.0.0 → neither). */
  previousVersion?: string | null;
  /** Change nothing; report what would be done (reads only). */
  dryRun: boolean;
  /** The token is the workflow's GITHUB_TOKEN: its pushes start no workflows (a warning says so). */
  tokenIsGithubToken?: boolean;
  /** Progress and warnings: a GitHubLog, or one function for both. */
  log?: GitHubLog | ((message: string) => void);
}

export type TagOutcome = 'created' | 'existed';
export type ReleaseOutcome = 'created' | 'updated';

export interface PublishResult {
  /** The release tag was created by this run, or already on `sha`. */
  tag: TagOutcome;
  /** In a dry run, for a release that does not exist yet, `id` is 0 and `url` is empty. */
  release: { id: number; url: string; state: ReleaseOutcome };
  /** Major tags created or moved to `sha` (or that would be, in a dry run), e.g. `['v1', 'v1.4']`. */
  movedTags: string[];
  /** REST calls made by this publish (every attempt, retries included). */
  calls: number;
  warnings: string[];
  dryRun: boolean;
}

/** The release tag exists on another commit: nothing was changed. */
export class TagConflictError extends Error {
  override readonly name = 'TagConflictError';
  constructor(
    readonly tag: string,
    readonly existingSha: string,
    readonly sha: string,
  ) {
    super(
      `tag-release: tag ${tag} already exists on commit ${existingSha}, not on the deployed commit ${sha}; ` +
        'nothing was changed (no release, no major tag moved). Another run released this version from another ' +
        'commit: re-run the release from the new commit so it computes the next version, or delete the tag ' +
        'if it was made by mistake',
    );
  }
}

export const GITHUB_TOKEN_WARNING =
  'The tag was pushed with the GITHUB_TOKEN: GitHub starts no workflow for events it causes (no `on: push: tags` ' +
  'or `on: release` run). Use a GitHub App token or a PAT when a workflow must run on the new tag.';

interface RestRef {
  ref: string;
  object: { sha: string; type: string };
}

interface RestRelease {
  id: number;
  html_url: string;
  tag_name: string;
  draft: boolean;
}

/** GitHub's `message`, plus the codes of its `errors` (`already_exists`). */
function messageOf(error: unknown): string {
  if (error === null || typeof error !== 'object') return String(error);
  const data = (error as { response?: { data?: unknown } }).response?.data;
  const parts: string[] = [];
  if (data && typeof data === 'object') {
    const body = data as { message?: unknown; errors?: unknown[] };
    if (typeof body.message === 'string') parts.push(body.message);
    for (const item of body.errors ?? []) {
      if (typeof item === 'string') parts.push(item);
      else if (item && typeof item === 'object') {
        const e = item as { code?: unknown; message?: unknown };
        if (typeof e.code === 'string') parts.push(e.code);
        if (typeof e.message === 'string') parts.push(e.message);
      }
    }
  } else if (typeof data === 'string') parts.push(data);
  if (parts.length === 0) parts.push(String((error as { message?: unknown }).message ?? ''));
  return parts.join(' ');
}

const is422 = (error: unknown, pattern: RegExp) => statusOf(error) === 422 && pattern.test(messageOf(error));
const ALREADY_EXISTS = /Reference already exists/i;
const DOES_NOT_EXIST = /Reference does not exist/i;
const NOT_FAST_FORWARD = /not a fast.?forward/i;
const RULESET = /Repository rule violations? found|GH013/i;
const IMMUTABLE = /immutable/i;

function explain(error: unknown, action: string, ref?: string): Error {
  if (error instanceof GitHubApiError || error instanceof TagConflictError) return error;
  const status = statusOf(error);
  const message = messageOf(error);
  if ((status === 422 || status === 403) && RULESET.test(message)) {
    return new GitHubApiError(
      `GitHub refused to ${action}: a repository ruleset protects ${ref ? `tags matching ${ref}` : 'this ref'} ` +
        `(${status} ${message.trim().split('\n')[0]}). Add the actor to the ruleset's bypass list (Settings → ` +
        'Rules → Rulesets), or publish with a GitHub App token whose app may bypass it; the GITHUB_TOKEN cannot bypass rulesets',
      'validation',
      status,
      { cause: error },
    );
  }
  if (status === 422 && IMMUTABLE.test(message)) {
    return new GitHubApiError(
      `GitHub refused to ${action}: the release is immutable (${message.trim()}). With immutable releases ` +
        "enabled, a published release's tag and assets cannot change. Publish a new version instead, or " +
        'create releases as drafts (`draft: true`) and publish them once complete',
      'validation',
      status,
      { cause: error },
    );
  }
  return toGitHubApiError(error, { action, permission: 'contents: write' });
}

const SHORT = (sha: string) => sha.slice(0, 12);

/**
 * Which major tags a release moves (`v1`, `v1.4`), or why none: never for a prerelease nor a draft. The
 * names only: whether each really moves forward is decided against GitHub when publishing.
 */
export function majorTagPlan(
  options: Pick<PublishOptions, 'tag' | 'version' | 'prerelease' | 'draft' | 'majorTags'>,
): { names: string[]; prefix: string; why?: string } {
  const { tag } = options;
  const version = semver.parse(options.version);
  const prefix = tag.endsWith(options.version) ? tag.slice(0, tag.length - options.version.length) : 'v';
  if (!options.majorTags || !version) return { names: [], prefix };
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

export async function publishRelease(options: PublishOptions): Promise<PublishResult> {
  const { client, owner, repo, tag, sha, dryRun } = options;
  const where = `${owner}/${repo}`;
  const log: GitHubLog | undefined =
    typeof options.log === 'function' ? { debug: options.log, warning: options.log } : options.log;
  const before = client.callCount().rest;
  const warnings: string[] = [];
  const name = options.name ?? tag;

  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/i.test(sha)) {
    throw new Error(`tag-release: 'sha' must be a full commit SHA (40 hex characters), got '${sha}'`);
  }
  const version = semver.parse(options.version);
  if (!version) {
    throw new Error(`tag-release: 'version' must be a semantic version like 1.4.0, got '${options.version}'`);
  }
  if (!tag.trim()) throw new Error("tag-release: 'tag' must not be empty");

  // ---- the tag ----
  const readTagCommit = async (): Promise<string | undefined> => {
    let ref: RestRef;
    try {
      const res = await client.request('GET /repos/{owner}/{repo}/git/ref/{ref}', {
        owner,
        repo,
        ref: `tags/${tag}`,
      });
      ref = res.data as RestRef;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
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
        object = (res.data as { object: { sha: string; type: string } }).object;
      } catch (error) {
        throw explain(error, `read the annotated tag ${tag} of ${where}`);
      }
    }
    return object.sha;
  };
  const checkSame = (existing: string): void => {
    if (existing.toLowerCase() !== sha.toLowerCase()) throw new TagConflictError(tag, existing, sha);
  };

  let tagOutcome: TagOutcome;
  if (dryRun) {
    const existing = await readTagCommit();
    if (existing) checkSame(existing);
    tagOutcome = existing ? 'existed' : 'created';
  } else {
    try {
      await client.request('POST /repos/{owner}/{repo}/git/refs', {
        owner,
        repo,
        ref: `refs/tags/${tag}`,
        sha,
      });
      tagOutcome = 'created';
      log?.debug(`tag-release: created tag ${tag} on ${SHORT(sha)} (lightweight)`);
    } catch (error) {
      if (!is422(error, ALREADY_EXISTS))
        throw explain(error, `create tag ${tag} on ${SHORT(sha)} in ${where}`, tag);
      const existing = await readTagCommit();
      // Deleted between the two calls: rare enough to let a re-run settle it.
      if (!existing) throw explain(error, `create tag ${tag} on ${SHORT(sha)} in ${where}`, tag);
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
  const findByTag = async (): Promise<RestRelease | undefined> => {
    try {
      const res = await client.request('GET /repos/{owner}/{repo}/releases/tags/{tag}', { owner, repo, tag });
      return res.data as RestRelease;
    } catch (error) {
      if (statusOf(error) !== 404) throw explain(error, `read the release of ${tag} in ${where}`);
    }
    // Drafts are not found by tag: look at the newest releases.
    try {
      const res = await client.request('GET /repos/{owner}/{repo}/releases', { owner, repo, per_page: 100 });
      return (res.data as RestRelease[]).find((r) => r.tag_name === tag);
    } catch (error) {
      throw explain(error, `list the releases of ${where}`);
    }
  };
  const update = async (existing: RestRelease): Promise<RestRelease> => {
    try {
      const res = await client.request('PATCH /repos/{owner}/{repo}/releases/{release_id}', {
        owner,
        repo,
        release_id: existing.id,
        ...fields,
        // Publishing an existing draft is allowed; a published release is never turned back into a draft.
        ...(options.draft ? {} : { draft: false }),
      });
      return res.data as RestRelease;
    } catch (error) {
      throw explain(error, `update release ${existing.id} (${tag}) of ${where}`);
    }
  };
  const create = async (): Promise<RestRelease | undefined> => {
    try {
      const res = await client.request('POST /repos/{owner}/{repo}/releases', {
        owner,
        repo,
        tag_name: tag,
        target_commitish: sha,
        draft: options.draft,
        ...fields,
      });
      return res.data as RestRelease;
    } catch (error) {
      if (statusOf(error) === 422 && /already_exists/.test(messageOf(error))) return undefined;
      throw explain(error, `create the release ${tag} in ${where}`, tag);
    }
  };

  let release: PublishResult['release'];
  if (dryRun) {
    const existing = tagOutcome === 'existed' ? await findByTag() : undefined;
    release = existing
      ? { id: existing.id, url: existing.html_url, state: 'updated' }
      : { id: 0, url: '', state: 'created' };
  } else {
    // A tag this run created has no release yet (unless a racing run made it): create first. An existing tag
    // may have one (a re-run): look first, so the normal re-run is a read and an update.
    let existing = tagOutcome === 'existed' ? await findByTag() : undefined;
    let made: RestRelease | undefined;
    if (!existing) {
      made = await create();
      if (!made) {
        existing = await findByTag();
        if (!existing) {
          throw new GitHubApiError(
            `GitHub refused to create the release ${tag} in ${where}: it says one exists, but it could not be found`,
            'conflict',
            422,
          );
        }
      }
    }
    if (made) release = { id: made.id, url: made.html_url, state: 'created' };
    else {
      const updated = await update(existing as RestRelease);
      release = { id: updated.id, url: updated.html_url, state: 'updated' };
    }
    log?.debug(`tag-release: release ${tag} ${release.state}: ${release.url}`);
  }

  // ---- major tags ----
  const movedTags: string[] = [];
  const plan = majorTagPlan(options);
  if (plan.why) {
    warnings.push(plan.why);
  } else if (options.majorTags) {
    const prefix = plan.prefix;
    // What existed before: the previous release's version, or, when not told, the version just below this one.
    const previous =
      options.previousVersion === undefined
        ? semver.parse(
            version.patch > 0
              ? `${version.major}.${version.minor}.0`
              : version.minor > 0
                ? `${version.major}.0.0`
                : '0.0.0-none',
          )
        : options.previousVersion === null
          ? null
          : semver.parse(options.previousVersion);
    const majors = [
      {
        name: plan.names[0]!,
        likelyExists: previous !== null && previous.major === version.major,
        series: (v: semver.SemVer) => v.major === version.major,
      },
      {
        name: plan.names[1]!,
        likelyExists:
          previous !== null && previous.major === version.major && previous.minor === version.minor,
        series: (v: semver.SemVer) => v.major === version.major && v.minor === version.minor,
      },
    ];
    let highest: semver.SemVer[] | undefined;
    const seriesVersions = async (): Promise<semver.SemVer[]> => {
      if (highest) return highest;
      try {
        const res = await client.request('GET /repos/{owner}/{repo}/git/matching-refs/{ref}', {
          owner,
          repo,
          ref: `tags/${prefix}${version.major}.`,
        });
        highest = (res.data as RestRef[])
          .map((r) => r.ref.slice(`refs/tags/${prefix}`.length))
          .map((v) => semver.parse(v))
          .filter((v): v is semver.SemVer => v !== null && v.prerelease.length === 0);
      } catch (error) {
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
      const post = () =>
        client.request('POST /repos/{owner}/{repo}/git/refs', { owner, repo, ref: `refs/${ref}`, sha });
      const patch = (force: boolean) =>
        client.request('PATCH /repos/{owner}/{repo}/git/refs/{ref}', { owner, repo, ref, sha, force });
      let verb: 'post' | 'patch' = major.likelyExists ? 'patch' : 'post';
      let moved = false;
      let held = false;
      // At most: a wrong guess, a race flipping it back, a forward check.
      for (let attempt = 0; attempt < 4 && !moved; attempt += 1) {
        try {
          if (verb === 'post') await post();
          else await patch(false);
          moved = true;
        } catch (error) {
          if (verb === 'post' && is422(error, ALREADY_EXISTS)) verb = 'patch';
          else if (verb === 'patch' && is422(error, DOES_NOT_EXIST)) verb = 'post';
          else if (verb === 'patch' && is422(error, NOT_FAST_FORWARD)) {
            const versions = (await seriesVersions()).filter(major.series);
            const higher = versions.filter((v) => semver.gt(v, version)).sort(semver.rcompare)[0];
            if (higher) {
              warnings.push(
                `${major.name} not moved: ${prefix}${higher.version} is a higher version than ${options.version}`,
              );
              held = true;
              break;
            }
            try {
              await patch(true);
              moved = true;
            } catch (forced) {
              throw explain(forced, action, major.name);
            }
          } else throw explain(error, action, major.name);
        }
      }
      if (moved) {
        movedTags.push(major.name);
        log?.debug(`tag-release: ${major.name} → ${SHORT(sha)}`);
      } else if (!held) {
        warnings.push(`${major.name} not moved: other runs kept creating and deleting it; re-run to move it`);
      }
    }
  }

  if (options.tokenIsGithubToken) warnings.push(GITHUB_TOKEN_WARNING);
  for (const warning of warnings) log?.warning(`tag-release: ${warning}`);
  return {
    tag: tagOutcome,
    release,
    movedTags,
    calls: client.callCount().rest - before,
    warnings,
    dryRun,
  };
}
