// The next version from the previous one and the bump the commits ask for, with semver.
//
// Decisions (the same as semantic-release and release-please's defaults where they agree):
// - First release: exactly `initialVersion` (default 1.0.0, as semantic-release and release-please do),
//   whatever the bump, once at least one commit is releasable.
// - Before 1.0.0 (`preMajorBreakingIsMinor`, default true, release-please's `bump-minor-pre-major`): a
//   breaking change bumps the minor (0.3.1 → 0.4.0), a feature bumps the minor too, a fix the patch. 1.0.0 is
//   never reached by a bump; it is a decision (set `initialVersion`, or turn the rule off).
// - Prerelease `rc`: `<next>-rc.N`, N one more than the highest existing `<next>-rc.*` (1 when none). The
//   base is computed from the last STABLE release, so a final release after rc.1, rc.2 is `<next>` itself.
import semver from 'semver';
import type { Bump } from './commits.js';

export interface NextVersionInput {
  /** The last stable release (without the tag prefix); undefined for the first release. */
  previous?: string;
  bump?: Bump;
  initialVersion?: string;
  preMajorBreakingIsMinor?: boolean;
  /** Prerelease identifier, e.g. 'rc', 'beta'. */
  prerelease?: string;
  /** Versions (without prefix) that exist already, stable or not; used to number a prerelease series. */
  existingPrereleases?: readonly string[];
}

export interface NextVersionResult {
  /** Undefined when there is nothing to release; `reason` says why. */
  version?: string;
  /** The bump applied to `previous` after the pre-1.0 rule (undefined for a first release). */
  applied?: Bump;
  reason: string;
}

export const DEFAULT_INITIAL_VERSION = '1.0.0';
const IDENTIFIER = /^[0-9A-Za-z-]+$/;

export function isStableVersion(version: string): boolean {
  return semver.valid(version) === version && semver.prerelease(version) === null;
}

export function nextVersion(input: NextVersionInput): NextVersionResult {
  const initial = input.initialVersion ?? DEFAULT_INITIAL_VERSION;
  if (!isStableVersion(initial)) {
    throw new Error(`initial version must be a version like 1.0.0 or 0.1.0, got '${initial}'`);
  }
  if (input.previous !== undefined && !isStableVersion(input.previous)) {
    throw new Error(`previous version must be a stable version like 1.2.3, got '${input.previous}'`);
  }
  const { prerelease } = input;
  if (prerelease !== undefined && (!IDENTIFIER.test(prerelease) || /^\d+$/.test(prerelease))) {
    throw new Error(
      `prerelease must be an identifier like rc or beta (letters, digits, '-'), got '${prerelease}'`,
    );
  }
  if (!input.bump) {
    return {
      reason: input.previous
        ? `no releasable commit since ${input.previous}`
        : 'no releasable commit in the history (no feat, fix, perf or breaking change)',
    };
  }

  let base: string;
  let applied: Bump | undefined;
  let reason: string;
  if (input.previous === undefined) {
    base = initial;
    reason = `first release: the initial version ${initial} (no previous release)`;
  } else {
    applied = input.bump;
    const preMajor = semver.major(input.previous) === 0 && (input.preMajorBreakingIsMinor ?? true);
    if (preMajor && applied === 'major') applied = 'minor';
    base = semver.inc(input.previous, applied)!;
    reason =
      applied === input.bump
        ? `${input.bump} bump of ${input.previous}`
        : `breaking change before 1.0.0: minor bump of ${input.previous} (pre-major rule)`;
  }
  if (!prerelease) return { version: base, reason, ...(applied ? { applied } : {}) };

  let highest = 0;
  for (const existing of input.existingPrereleases ?? []) {
    const parsed = semver.parse(existing);
    if (!parsed || `${parsed.major}.${parsed.minor}.${parsed.patch}` !== base) continue;
    const [id, n] = parsed.prerelease;
    if (id === prerelease && typeof n === 'number' && parsed.prerelease.length === 2)
      highest = Math.max(highest, n);
  }
  return {
    version: `${base}-${prerelease}.${highest + 1}`,
    reason: `${reason}, prerelease ${prerelease}.${highest + 1}${highest ? ` after ${prerelease}.${highest}` : ''}`,
    ...(applied ? { applied } : {}),
  };
}
