// Release notes in Markdown from analysed commits: breaking changes first, then features, bug fixes,
// performance and the rest, each line linking its commit and pull request.
import type { ParsedCommit } from './commits.js';

export interface NotesOptions {
  version: string;
  /** The tag to create and the previous one: the heading links the comparison when both are known. */
  tag?: string;
  previousTag?: string;
  /** e.g. https://github.com (GITHUB_SERVER_URL) and owner/name (GITHUB_REPOSITORY). */
  serverUrl?: string;
  repository?: string;
  /** YYYY-MM-DD in the heading. */
  date?: string;
  /** Omit the "Other" section (non-conventional commits, chores…). */
  hideOther?: boolean;
}

interface Group {
  title: string;
  commits: ParsedCommit[];
}

/** Text for a Markdown list item: no HTML, no accidental emphasis or links from a commit subject. */
function md(text: string): string {
  return text.replace(/[\\`*_[\]<>]/g, (c) => `\\${c}`);
}

export function renderNotes(commits: readonly ParsedCommit[], options: NotesOptions): string {
  const base =
    options.serverUrl && options.repository
      ? `${options.serverUrl.replace(/\/+$/, '')}/${options.repository}`
      : undefined;
  const kept = commits.filter((c) => !c.cancelled);
  const breaking: { text: string; commit: ParsedCommit }[] = [];
  for (const c of kept) for (const text of c.breakingNotes) breaking.push({ text, commit: c });

  const groups: Group[] = [
    { title: 'Features', commits: [] },
    { title: 'Bug fixes', commits: [] },
    { title: 'Performance', commits: [] },
    { title: 'Other', commits: [] },
  ];
  const seen = new Set<string>();
  for (const c of kept) {
    // A merge commit without a conventional title says nothing its branch's commits do not.
    if (c.merge && !c.type) continue;
    if (!c.subject) continue;
    const key = `${c.type ?? ''}\0${c.scope ?? ''}\0${c.subject}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const group =
      c.type === 'feat'
        ? groups[0]
        : c.type === 'fix'
          ? groups[1]
          : c.type === 'perf'
            ? groups[2]
            : groups[3];
    group!.commits.push(c);
  }

  const links = (c: ParsedCommit): string => {
    const parts: string[] = [];
    if (c.pr !== undefined) parts.push(base ? `[#${c.pr}](${base}/pull/${c.pr})` : `#${c.pr}`);
    const short = c.sha.slice(0, 7);
    parts.push(base ? `[${short}](${base}/commit/${c.sha})` : short);
    return parts.map((p) => `(${p})`).join(' ');
  };
  const line = (c: ParsedCommit, text: string): string =>
    `* ${c.scope ? `**${md(c.scope)}:** ` : ''}${md(text)} ${links(c)}`;

  const compare =
    base && options.tag && options.previousTag
      ? `${base}/compare/${encodeURIComponent(options.previousTag)}...${encodeURIComponent(options.tag)}`
      : undefined;
  const title = compare ? `[${options.version}](${compare})` : options.version;
  const out = [`## ${title}${options.date ? ` (${options.date})` : ''}`, ''];
  if (breaking.length) {
    out.push('### ⚠ Breaking changes', '');
    for (const b of breaking) out.push(line(b.commit, b.text.replace(/\s*\n\s*/g, ' ')));
    out.push('');
  }
  for (const group of groups) {
    if (group.commits.length === 0 || (group.title === 'Other' && options.hideOther)) continue;
    out.push(`### ${group.title}`, '');
    for (const c of group.commits)
      out.push(line(c, c.type && group.title === 'Other' ? `${c.type}: ${c.subject}` : c.subject));
    out.push('');
  }
  if (out.length === 2) out.push('_No notable changes._', '');
  return out.join('\n');
}
