// `npm audit --json` output as findings. The v2 report (npm 7+, `auditReportVersion: 2`) counts each
// advisory once (the objects in a package's `via`; strings there only point at another package's
// advisory); the v1 report (npm 6) counts its `advisories`. npm's `moderate` is medium and `info` is none.
import { advisoryIds, type Finding, type FindingSeverity, SourceError, severityOfWord } from './findings.js';

interface NpmVia {
  source?: number;
  name?: string;
  dependency?: string;
  title?: string;
  url?: string;
  severity?: string;
  range?: string;
}
interface NpmAuditV2 {
  auditReportVersion?: number;
  vulnerabilities?: Record<string, { name?: string; severity?: string; via?: (NpmVia | string)[] }>;
}
interface NpmAuditV1 {
  advisories?: Record<
    string,
    {
      id?: number;
      module_name?: string;
      severity?: string;
      title?: string;
      url?: string;
      cves?: string[];
      github_advisory_id?: string;
      vulnerable_versions?: string;
    }
  >;
}

function npmSeverity(word: string | undefined): FindingSeverity {
  return severityOfWord(word) ?? 'medium';
}

/** The findings of `npm audit --json` output (v2 or v1). Throws a SourceError for anything else. */
export function parseNpmAudit(text: string, source: string): Finding[] {
  let report: NpmAuditV2 & NpmAuditV1 & { error?: { code?: string; summary?: string } };
  try {
    report = JSON.parse(text) as typeof report;
  } catch (error) {
    throw new SourceError(
      `${source} is not JSON (${(error as Error).message}); expected the output of 'npm audit --json'`,
    );
  }
  if (report === null || typeof report !== 'object') {
    throw new SourceError(`${source} is not an npm audit report`);
  }
  if (report.error) {
    throw new SourceError(
      `${source} holds npm's error instead of a report: ${report.error.code ?? 'error'} ${report.error.summary ?? ''}`.trim(),
    );
  }
  const findings: Finding[] = [];
  if (report.vulnerabilities && typeof report.vulnerabilities === 'object') {
    const seen = new Set<string>();
    for (const [key, entry] of Object.entries(report.vulnerabilities)) {
      for (const via of entry?.via ?? []) {
        if (typeof via !== 'object' || via === null) continue;
        const name = via.name ?? via.dependency ?? entry.name ?? key;
        const dedupe = String(via.source ?? via.url ?? `${name}:${via.title}`);
        if (seen.has(dedupe)) continue;
        seen.add(dedupe);
        const advisories = advisoryIds(via.url);
        const finding: Finding = {
          source,
          id: advisories[0] ?? (via.source !== undefined ? `npm-advisory-${via.source}` : name),
          ids: [...advisories, ...(via.source !== undefined ? [String(via.source)] : [])],
          severity: npmSeverity(via.severity),
          basis: `npm ${via.severity ?? 'unknown'}`,
          title: via.title ?? `vulnerable ${name}`,
          package: via.range ? `${name} ${via.range}` : name,
          tool: 'npm audit',
        };
        if (via.url) finding.url = via.url;
        findings.push(finding);
      }
    }
    return findings;
  }
  if (report.advisories && typeof report.advisories === 'object') {
    for (const [key, advisory] of Object.entries(report.advisories)) {
      const ids = [
        ...(advisory.cves ?? []).map((c) => c.toUpperCase()),
        ...advisoryIds(advisory.github_advisory_id),
        ...advisoryIds(advisory.url),
      ];
      const unique = [...new Set(ids)];
      const number = String(advisory.id ?? key);
      const name = advisory.module_name ?? 'unknown package';
      const finding: Finding = {
        source,
        id: unique.find((i) => i.startsWith('GHSA')) ?? unique[0] ?? `npm-advisory-${number}`,
        ids: [...unique, number],
        severity: npmSeverity(advisory.severity),
        basis: `npm ${advisory.severity ?? 'unknown'}`,
        title: advisory.title ?? `vulnerable ${name}`,
        package: advisory.vulnerable_versions ? `${name} ${advisory.vulnerable_versions}` : name,
        tool: 'npm audit',
      };
      if (advisory.url) finding.url = advisory.url;
      findings.push(finding);
    }
    return findings;
  }
  throw new SourceError(
    `${source} is not an npm audit report: it has neither 'vulnerabilities' (npm 7+) nor 'advisories' (npm 6)`,
  );
}
