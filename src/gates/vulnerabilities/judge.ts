// The vulnerabilities gate's verdict over what its sources answered: findings at or above `fail-on` fail it
// (one item per id and source), ignored ids do not count, and a source that could not be read makes it an
// error unless a finding already fails it.
import type { GateItem, GateOutcome, VulnerabilitiesGateConfig } from '../types.js';
import { type Finding, SEVERITIES_HIGH_FIRST, SEVERITY_RANK, type SourceReport } from './findings.js';

/** Whether a finding answers to an id of the ignore list (case does not matter). */
export function isIgnored(finding: Finding, ignore: readonly string[]): boolean {
  if (ignore.length === 0) return false;
  const wanted = new Set(ignore.map((id) => id.trim().toLowerCase()));
  return finding.ids.some((id) => wanted.has(id.toLowerCase())) || wanted.has(finding.id.toLowerCase());
}

const MAX_FINDING_ITEMS = 50;

function countBySeverity(findings: readonly Finding[]): string {
  return SEVERITIES_HIGH_FIRST.map((s) => [s, findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
}

function describeFinding(finding: Finding): string {
  const what = [finding.package, finding.location].filter(Boolean).join(' at ');
  return `${finding.severity} (${finding.basis}): ${finding.title}${what ? `; ${what}` : ''}; ${finding.source}`;
}

/** The verdict over what the sources answered. */
export function judgeFindings(
  config: VulnerabilitiesGateConfig,
  sources: readonly SourceReport[],
): GateOutcome {
  const threshold = SEVERITY_RANK[config.failOn];
  const all = sources.flatMap((s) => s.findings);
  const ignored = all.filter((f) => isIgnored(f, config.ignore));
  const judged = all.filter((f) => !isIgnored(f, config.ignore));
  const blocking = judged
    .filter((f) => f.severity !== 'none' && SEVERITY_RANK[f.severity] >= threshold)
    .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
  const below = judged.filter((f) => !blocking.includes(f));
  const problems = sources.filter((s) => s.problem !== undefined);

  const items: GateItem[] = sources.map((s) => {
    const mine = s.findings.filter((f) => blocking.includes(f));
    return {
      name: s.name,
      verdict: s.problem !== undefined ? 'error' : mine.length > 0 ? 'fail' : 'pass',
      detail:
        s.problem ??
        (s.findings.length === 0
          ? 'no findings'
          : `${s.findings.length} finding${s.findings.length === 1 ? '' : 's'} (${countBySeverity(s.findings)}), ${mine.length} at or above ${config.failOn}`),
    };
  });
  // One line per blocking id and source: a CVE in 30 image layers is one problem to fix.
  const grouped = new Map<string, { finding: Finding; count: number }>();
  for (const finding of blocking) {
    const key = `${finding.source}\0${finding.id}`;
    const seen = grouped.get(key);
    if (seen) seen.count += 1;
    else grouped.set(key, { finding, count: 1 });
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
      .map(
        ({ finding }) =>
          `${finding.id} (${finding.severity}${finding.package ? `, ${finding.package}` : ''})`,
      );
    const more = groups.length > 5 ? ` and ${groups.length - 5} more` : '';
    return {
      verdict: 'fail',
      detail:
        `${groups.length} finding${groups.length === 1 ? '' : 's'} at or above ${config.failOn}: ${names.join(', ')}${more}${asideText}` +
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
