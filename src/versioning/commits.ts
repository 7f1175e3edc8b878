// Conventional commits → what each commit asks of the version. Parsing by conventional-commits-parser (v7);
// the rules on top: `!` and BREAKING CHANGE footers are major, feat minor, fix/perf patch, custom release
// rules, a revert (git's `Revert "…"` or conventional `revert: …`) is a patch and cancels out with its
// target when both are in the range (matched by SHA), squash bodies listing entries count each entry.
import { type Commit, CommitParser } from 'conventional-commits-parser';
import type { RawCommit } from './git.js';

export type Bump = 'major' | 'minor' | 'patch';

export const BUMP_ORDER: Record<Bump, number> = { patch: 1, minor: 2, major: 3 };

/** A custom rule: matches on the fields it names; the first rule that matches decides. */
export interface ReleaseRule {
  type?: string;
  /** Exact scope, or '*' for any scope (also none). */
  scope?: string;
  breaking?: boolean;
  release: Bump | false;
}

export interface ParsedCommit {
  sha: string;
  /** Conventional type ('feat', 'fix', …); undefined for a commit that is not conventional. */
  type?: string;
  scope?: string;
  /** Subject of a conventional commit, else the first line of the message. */
  subject: string;
  breaking: boolean;
  /** Texts of the BREAKING CHANGE footers (or the subject for `type!:`). */
  breakingNotes: string[];
  /** Pull request number from a trailing `(#123)` or a `Merge pull request #123` header. */
  pr?: number;
  /** What this commit asks for; undefined when it asks for no release. */
  release?: Bump;
  /** The SHA this commit reverts (from `This reverts commit <sha>.`). */
  reverts?: string;
  /** True when a later commit in the range reverts this one, or this revert's target is in the range. */
  cancelled: boolean;
  /** True for an entry of a squash merge's body (sha is the squash commit's). */
  squashEntry: boolean;
  merge: boolean;
}

export interface ParseOptions {
  releaseRules?: readonly ReleaseRule[];
}

const PARSER_OPTIONS = {
  // conventionalcommits.org: `type(scope)!: subject`; the `!` makes a breaking change.
  headerPattern: /^(\w*)(?:\(([^()\r\n]*)\))?!?: (.*)$/,
  breakingHeaderPattern: /^(\w*)(?:\(([^()\r\n]*)\))?!: (.*)$/,
  headerCorrespondence: ['type', 'scope', 'subject'],
  noteKeywords: ['BREAKING CHANGE', 'BREAKING-CHANGE'],
  // Both revert forms, as the conventional-changelog presets read them: git's own `Revert "fix: x"` and the
  // conventional `revert: "fix: x"` (quotes optional), each with git's `This reverts commit <sha>.` line.
  revertPattern: /^(?:Revert|revert:)\s"?([\s\S]+?)"?\s*This reverts commit ([0-9a-f]{7,40})\b/i,
  revertCorrespondence: ['header', 'hash'],
};

/** Lines of a squash body that are entries: `* feat: a` or `- fix(x): b`, as GitHub writes them. */
const ENTRY = /^[*-] +(\w+(?:\([^()\r\n]*\))?!?: .+)$/;
/** A squash body counts entry by entry only when it lists at least this many. */
export const MIN_SQUASH_ENTRIES = 2;

const PR_SUFFIX = /\(#(\d+)\)\s*$/;
const MERGE_PR = /^Merge pull request #(\d+) /;

function fieldOf(commit: Commit, name: string): string | undefined {
  const value = commit[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function defaultRelease(type: string | undefined, breaking: boolean): Bump | undefined {
  if (breaking) return 'major';
  if (type === 'feat') return 'minor';
  if (type === 'fix' || type === 'perf') return 'patch';
  return undefined;
}

function ruleMatches(rule: ReleaseRule, c: Pick<ParsedCommit, 'type' | 'scope' | 'breaking'>): boolean {
  if (rule.type !== undefined && rule.type !== c.type) return false;
  if (rule.scope !== undefined && rule.scope !== '*' && rule.scope !== c.scope) return false;
  if (rule.breaking !== undefined && rule.breaking !== c.breaking) return false;
  return true;
}

/**
 * The release a commit asks for. A breaking change is always major (a rule can raise, never silence it);
 * otherwise the first matching custom rule decides (`false`: no release), else the defaults.
 */
export function releaseOf(
  c: Pick<ParsedCommit, 'type' | 'scope' | 'breaking'>,
  rules: readonly ReleaseRule[] = [],
): Bump | undefined {
  if (c.breaking) return 'major';
  if (c.type === undefined) return undefined;
  const rule = rules.find((r) => ruleMatches(r, c));
  if (rule) return rule.release === false ? undefined : rule.release;
  return defaultRelease(c.type, false);
}

export function maxBump(a: Bump | undefined, b: Bump | undefined): Bump | undefined {
  if (!a) return b;
  if (!b) return a;
  return BUMP_ORDER[a] >= BUMP_ORDER[b] ? a : b;
}

function firstLine(message: string): string {
  const end = message.indexOf('\n');
  return (end < 0 ? message : message.slice(0, end)).trim();
}

/** Parses commits (newest first, as git log gives them) and cancels revert pairs. */
export function parseCommits(raw: readonly RawCommit[], options: ParseOptions = {}): ParsedCommit[] {
  const parser = new CommitParser(PARSER_OPTIONS);
  const rules = options.releaseRules ?? [];
  const out: ParsedCommit[] = [];
  for (const commit of raw) {
    out.push(...parseOne(parser, commit, rules));
  }
  cancelReverts(out);
  return out;
}

function parseOne(parser: CommitParser, raw: RawCommit, rules: readonly ReleaseRule[]): ParsedCommit[] {
  const message = raw.message.replace(/\r\n/g, '\n').trim();
  const header = firstLine(message);
  const merge = raw.parents.length > 1;
  const prMatch = PR_SUFFIX.exec(header) ?? MERGE_PR.exec(header);
  const pr = prMatch ? Number(prMatch[1]) : undefined;
  if (!message) {
    return [
      {
        sha: raw.sha,
        subject: '',
        breaking: false,
        breakingNotes: [],
        cancelled: false,
        squashEntry: false,
        merge,
      },
    ];
  }
  const parsed = parser.parse(message);
  const type = fieldOf(parsed, 'type');
  const scope = fieldOf(parsed, 'scope');
  const rawSubject = type ? (fieldOf(parsed, 'subject') ?? '') : header;
  const subject = rawSubject.replace(PR_SUFFIX, '').trim();
  const breakingNotes = type ? parsed.notes.map((n) => n.text.trim() || subject) : [];
  const breaking = breakingNotes.length > 0;
  const reverts = parsed.revert ? (parsed.revert.hash ?? undefined) : undefined;
  const main: ParsedCommit = {
    sha: raw.sha,
    subject,
    breaking,
    breakingNotes,
    cancelled: false,
    squashEntry: false,
    merge,
    ...(type ? { type } : {}),
    ...(scope ? { scope } : {}),
    ...(pr !== undefined ? { pr } : {}),
    ...(reverts ? { reverts } : {}),
  };
  // An un-paired revert (its target is outside the range) takes back something released: a patch,
  // as semantic-release does.
  const release = reverts ? 'patch' : releaseOf(main, rules);
  if (release) main.release = release;
  if (reverts) main.type ??= 'revert';

  const entries: ParsedCommit[] = [];
  const body = message.slice(header.length);
  const lines = body
    .split('\n')
    .map((l) => ENTRY.exec(l.trimEnd())?.[1])
    .filter((l) => l !== undefined);
  if (lines.length >= MIN_SQUASH_ENTRIES) {
    for (const line of lines) {
      const entry = parser.parse(line);
      const entryType = fieldOf(entry, 'type');
      if (!entryType) continue;
      const entryScope = fieldOf(entry, 'scope');
      const entrySubject = (fieldOf(entry, 'subject') ?? '').replace(PR_SUFFIX, '').trim();
      const entryNotes = entry.notes.map((n) => n.text.trim() || entrySubject);
      const parsedEntry: ParsedCommit = {
        sha: raw.sha,
        type: entryType,
        subject: entrySubject,
        breaking: entryNotes.length > 0,
        breakingNotes: entryNotes,
        cancelled: false,
        squashEntry: true,
        merge,
        ...(entryScope ? { scope: entryScope } : {}),
        ...(pr !== undefined ? { pr } : {}),
      };
      const entryRelease = releaseOf(parsedEntry, rules);
      if (entryRelease) parsedEntry.release = entryRelease;
      // The PR title often repeats one entry: keep it once.
      if (
        parsedEntry.type === main.type &&
        parsedEntry.scope === main.scope &&
        parsedEntry.subject === subject
      ) {
        continue;
      }
      entries.push(parsedEntry);
    }
  }
  return [main, ...entries];
}

/**
 * Marks a commit and its revert as cancelled when both are in the range. Walks newest first, so a revert
 * of a revert brings the original back (R2 cancels R1; R1, cancelled, no longer cancels the original).
 */
export function cancelReverts(commits: ParsedCommit[]): void {
  const present = commits.filter((c) => !c.squashEntry).map((c) => c.sha);
  const resolve = (prefix: string) => present.find((sha) => sha.startsWith(prefix));
  const cancel = new Set<string>();
  for (const commit of commits) {
    if (commit.squashEntry) {
      commit.cancelled = cancel.has(commit.sha);
      continue;
    }
    if (cancel.has(commit.sha)) {
      commit.cancelled = true;
      continue;
    }
    const target = commit.reverts ? resolve(commit.reverts) : undefined;
    if (target) {
      cancel.add(target);
      commit.cancelled = true;
    }
  }
}

/** The highest release any commit left standing asks for. */
export function bumpOf(commits: readonly ParsedCommit[]): Bump | undefined {
  let bump: Bump | undefined;
  for (const c of commits) if (!c.cancelled) bump = maxBump(bump, c.release);
  return bump;
}
