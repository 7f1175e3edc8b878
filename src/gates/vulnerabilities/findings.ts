// What every source of the vulnerabilities gate turns its report into: findings with a severity in GitHub's
// bands, the CVE and GHSA ids they answer to, and the error a source that cannot be read throws.
import type { Severity } from '../types.js';

export type FindingSeverity = Severity | 'none';

export const SEVERITY_RANK: Record<FindingSeverity, number> = {
  none: 0,
  low: 1,
  medium: 2,
  high: 3,
  critical: 4,
};
export const SEVERITIES_HIGH_FIRST: FindingSeverity[] = ['critical', 'high', 'medium', 'low', 'none'];

export interface Finding {
  /** Where it was found: `trivy.sarif`, `npm-audit.json`, `Dependabot`. */
  source: string;
  /** The id shown: a CVE or GHSA when there is one, else the rule id. */
  id: string;
  /** Every id the finding answers to, for `ignore` (rule id, CVEs, GHSAs, npm advisory number). */
  ids: string[];
  severity: FindingSeverity;
  /** How the severity was found (`security-severity 9.8`, `tag HIGH`, `level error`, `npm`, `GitHub`). */
  basis: string;
  title: string;
  /** `npm:lodash`, `log4j-core` — what is vulnerable, when the source says. */
  package?: string;
  /** `src/app.js:12`, `package-lock.json`. */
  location?: string;
  url?: string;
  /** The scanner (`Trivy`, `CodeQL`, `npm audit`). */
  tool?: string;
}

/** A source that could not be read, in a sentence. */
export class SourceError extends Error {
  override readonly name = 'SourceError';
}

const CVE = /\bCVE-\d{4}-\d{4,}\b/gi;
const GHSA = /\bGHSA(?:-[23456789cfghjmpqrvwx]{4}){3}\b/gi;

/** CVE and GHSA ids in a text, upper-cased as GitHub writes them (GHSA ids keep lower-case letters). */
export function advisoryIds(text: string | undefined): string[] {
  if (!text) return [];
  const cves = (text.match(CVE) ?? []).map((id) => id.toUpperCase());
  const ghsas = (text.match(GHSA) ?? []).map((id) => `GHSA${id.slice(4).toLowerCase()}`);
  return [...new Set([...cves, ...ghsas])];
}

/** GitHub's bands for a CVSS score (`security-severity`). */
export function severityOfScore(score: number): FindingSeverity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'none';
}

/** `HIGH`, `Moderate`, `medium`, `info` → a severity; undefined when the word is none of them. */
export function severityOfWord(word: unknown): FindingSeverity | undefined {
  if (typeof word !== 'string') return undefined;
  switch (word.trim().toLowerCase()) {
    case 'critical':
      return 'critical';
    case 'high':
    case 'important':
      return 'high';
    case 'medium':
    case 'moderate':
      return 'medium';
    case 'low':
      return 'low';
    case 'info':
    case 'informational':
    case 'negligible':
    case 'none':
      return 'none';
    default:
      return undefined;
  }
}

export interface SourceReport {
  /** `trivy.sarif`, `npm-audit.json`, `Dependabot`. */
  name: string;
  findings: Finding[];
  problem?: string;
}
