// The `vulnerabilities` gate: no finding at or above a severity (`fail-on`, default critical) in SARIF files
// (GitHub code scanning / CodeQL, Trivy, Grype…), `npm audit --json` output, or the repository's open
// Dependabot alerts, except the ids in `ignore` (a CVE, a GHSA or a rule id, any case).
//
// How a SARIF result gets its severity, first that applies:
//   1. `security-severity` (a CVSS score as text) on the result's or its rule's `properties`, in GitHub's
//      bands: 9.0+ critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low, 0 none. CodeQL's security queries,
//      Trivy and Grype all set it.
//   2. A severity word among the rule's or result's `tags` (Trivy: ["vulnerability", "security", "HIGH"]),
//      or a `severity` property (critical, high, medium/moderate, low), or — Grype's way when a match has no
//      CVSS score — the word in the rule's short description ('CVE-2022-42889 critical vulnerability for …').
//   3. The SARIF `level` (the result's, else the rule's `defaultConfiguration.level`, else `warning` as the
//      SARIF spec says): error → high, warning → medium, note → low, none → none. This is how GitHub ranks
//      alerts that carry no security severity (Error, Warning, Note); error is not taken for critical.
// A run whose `invocations` say `executionSuccessful: false` makes the file unreadable (an error), not clean.
// Results whose `kind` is not `fail` (pass, notApplicable, informational…), that are suppressed (any
// suppression not `rejected`), or whose `baselineState` is `absent`, are not findings.
//
// npm audit: the v2 report (npm 7+, `auditReportVersion: 2`) counts each advisory once (the objects in a
// package's `via`; strings there only point at another package's advisory); the v1 report (npm 6) counts its
// `advisories`. npm's `moderate` is medium and `info` is none.
//
// Dependabot: GET /repos/{owner}/{repo}/dependabot/alerts?state=open, 100 a page, following the Link header.
// The workflow's GITHUB_TOKEN cannot be granted Dependabot alerts (there is no such `permissions:` key, and
// `security-events: read` covers code scanning only), so GitHub answers it 403; the detail then says which
// token can read them.
//
// A source that cannot be read (a file missing or not SARIF, a 403) makes the verdict `error` unless a finding
// already fails the gate: a scan that did not run must not pass as a clean one.
import { readdir, readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { GitHubClient } from '../github/client.js';
import { toGitHubApiError } from '../github/errors.js';
import type {
  Gate,
  GateContext,
  GateItem,
  GateOutcome,
  Severity,
  VulnerabilitiesGateConfig,
} from './types.js';

export type FindingSeverity = Severity | 'none';

export const SEVERITY_RANK: Record<FindingSeverity, number> = {
  none: 0,
  low: 1,
  medium: 2,
  high: 3,
  critical: 4,
};
const SEVERITIES_HIGH_FIRST: FindingSeverity[] = ['critical', 'high', 'medium', 'low', 'none'];

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

const LEVEL_SEVERITY: Record<string, FindingSeverity> = {
  error: 'high',
  warning: 'medium',
  note: 'low',
  none: 'none',
};

// ---------------------------------------------------------------------------------------------------------
// SARIF

interface SarifMessage {
  text?: string;
}
interface SarifRule {
  id?: string;
  name?: string;
  shortDescription?: SarifMessage;
  fullDescription?: SarifMessage;
  helpUri?: string;
  defaultConfiguration?: { level?: string };
  properties?: Record<string, unknown>;
}
interface SarifComponent {
  name?: string;
  rules?: SarifRule[];
}
interface SarifResult {
  ruleId?: string;
  ruleIndex?: number;
  rule?: { id?: string; index?: number; toolComponent?: { index?: number; name?: string } };
  kind?: string;
  level?: string;
  message?: SarifMessage;
  locations?: {
    physicalLocation?: { artifactLocation?: { uri?: string }; region?: { startLine?: number } };
  }[];
  suppressions?: { status?: string }[];
  baselineState?: string;
  properties?: Record<string, unknown>;
  hostedViewerUri?: string;
}
interface SarifRun {
  tool?: { driver?: SarifComponent; extensions?: SarifComponent[] };
  invocations?: { executionSuccessful?: boolean }[];
  results?: SarifResult[] | null;
}

function ruleOf(run: SarifRun, result: SarifResult): SarifRule | undefined {
  const component =
    result.rule?.toolComponent?.index !== undefined
      ? run.tool?.extensions?.[result.rule.toolComponent.index]
      : run.tool?.driver;
  const index = result.rule?.index ?? result.ruleIndex;
  if (index !== undefined && index >= 0) {
    const byIndex = component?.rules?.[index];
    if (byIndex) return byIndex;
  }
  const id = result.ruleId ?? result.rule?.id;
  if (id === undefined) return undefined;
  const components = [run.tool?.driver, ...(run.tool?.extensions ?? [])];
  for (const c of components) {
    const found = c?.rules?.find((r) => r.id === id);
    if (found) return found;
  }
  return undefined;
}

function tagsOf(properties: Record<string, unknown> | undefined): string[] {
  const tags = properties?.tags;
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [];
}

/** The severity of one SARIF result and how it was found (see the top of this file). */
export function sarifSeverity(
  result: SarifResult,
  rule: SarifRule | undefined,
): { severity: FindingSeverity; basis: string } {
  for (const properties of [result.properties, rule?.properties]) {
    const raw = properties?.['security-severity'];
    const score =
      typeof raw === 'number' ? raw : typeof raw === 'string' ? Number.parseFloat(raw) : Number.NaN;
    if (Number.isFinite(score))
      return { severity: severityOfScore(score), basis: `security-severity ${score}` };
  }
  let best: { severity: FindingSeverity; basis: string } | undefined;
  for (const properties of [result.properties, rule?.properties]) {
    const words: [unknown, string][] = [
      ...tagsOf(properties).map((t): [unknown, string] => [t, `tag ${t}`]),
      [properties?.severity, `severity ${String(properties?.severity)}`],
    ];
    for (const [word, basis] of words) {
      const severity = severityOfWord(word);
      if (severity && (!best || SEVERITY_RANK[severity] > SEVERITY_RANK[best.severity]))
        best = { severity, basis };
    }
  }
  if (best) return best;
  const described = /\b(critical|high|medium|low|negligible)\s+vulnerability\b/i.exec(
    rule?.shortDescription?.text ?? '',
  );
  const word = severityOfWord(described?.[1]);
  if (word) return { severity: word, basis: `described ${described?.[1]}` };
  const level = result.level ?? rule?.defaultConfiguration?.level ?? 'warning';
  return { severity: LEVEL_SEVERITY[level] ?? 'medium', basis: `level ${level}` };
}

function counts(result: SarifResult): boolean {
  if ((result.kind ?? 'fail') !== 'fail') return false;
  if (result.baselineState === 'absent') return false;
  if ((result.suppressions ?? []).some((s) => s.status !== 'rejected')) return false;
  return true;
}

/** The findings of one SARIF log (any tool). Throws a SourceError when the text is not a SARIF log. */
export function parseSarif(text: string, source: string): Finding[] {
  let log: { runs?: unknown };
  try {
    log = JSON.parse(text) as { runs?: unknown };
  } catch (error) {
    throw new SourceError(`${source} is not JSON (${(error as Error).message}); expected a SARIF 2.1.0 log`);
  }
  if (log === null || typeof log !== 'object' || !Array.isArray(log.runs)) {
    throw new SourceError(`${source} is not a SARIF log: it has no 'runs' list`);
  }
  const findings: Finding[] = [];
  for (const run of log.runs as SarifRun[]) {
    const tool = run?.tool?.driver?.name;
    // A scan that says it failed has no complete results: judging what it did find would pass too much.
    if (run?.invocations?.some((i) => i?.executionSuccessful === false)) {
      throw new SourceError(
        `${source}: ${tool ?? 'the scanner'} reports that its run did not succeed (executionSuccessful: false)`,
      );
    }
    for (const result of run?.results ?? []) {
      if (!result || !counts(result)) continue;
      const rule = ruleOf(run, result);
      const ruleId = result.ruleId ?? result.rule?.id ?? rule?.id ?? 'unknown-rule';
      const { severity, basis } = sarifSeverity(result, rule);
      const advisories = [
        ...new Set([
          ...advisoryIds(ruleId),
          ...advisoryIds(rule?.name),
          ...advisoryIds(rule?.shortDescription?.text),
          ...advisoryIds(rule?.helpUri),
        ]),
      ];
      const physical = result.locations?.[0]?.physicalLocation;
      const uri = physical?.artifactLocation?.uri;
      const line = physical?.region?.startLine;
      const title =
        (rule?.shortDescription?.text ?? result.message?.text ?? ruleId).split('\n')[0]?.trim() ?? ruleId;
      const finding: Finding = {
        source,
        id: advisories[0] ?? ruleId,
        ids: [...new Set([ruleId, ...advisories])],
        severity,
        basis,
        title,
      };
      if (tool) finding.tool = tool;
      if (uri) finding.location = line ? `${uri}:${line}` : uri;
      const url = result.hostedViewerUri ?? rule?.helpUri;
      if (url && /^https?:\/\//.test(url)) finding.url = url;
      findings.push(finding);
    }
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------------------
// npm audit --json

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

// ---------------------------------------------------------------------------------------------------------
// Dependabot alerts

interface DependabotAlert {
  number: number;
  html_url: string;
  dependency?: { package?: { ecosystem?: string; name?: string }; manifest_path?: string };
  security_advisory?: {
    ghsa_id?: string;
    cve_id?: string | null;
    summary?: string;
    severity?: string;
    identifiers?: { type?: string; value?: string }[];
  };
  security_vulnerability?: { severity?: string; vulnerable_version_range?: string };
}

const DEPENDABOT_PERMISSION =
  "the workflow's GITHUB_TOKEN cannot be granted it (`permissions:` has no key for Dependabot alerts, and `security-events: read` covers code scanning only). " +
  'Give the action a token that can read them (its `token` input): a GitHub App installation token with the `vulnerability_alerts: read` ("Dependabot alerts: read") permission, ' +
  'a fine-grained personal access token with "Dependabot alerts: read" on this repository, or a classic one with the `security_events` scope (`public_repo` for a public repository)';

function nextLink(link: string | undefined): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (match) return match[1];
  }
  return undefined;
}

/** The open Dependabot alerts of the target's repository, as findings (all pages). */
export async function readDependabotAlerts(
  client: GitHubClient,
  target: { owner: string; repo: string },
  now?: () => Date,
): Promise<Finding[]> {
  const where = `${target.owner}/${target.repo}`;
  const alerts: DependabotAlert[] = [];
  try {
    type Page = { data: unknown; headers: { link?: string } };
    let response: Page = await client.request('GET /repos/{owner}/{repo}/dependabot/alerts', {
      owner: target.owner,
      repo: target.repo,
      state: 'open',
      per_page: 100,
    });
    for (let pages = 1; ; pages += 1) {
      alerts.push(...(response.data as DependabotAlert[]));
      const next = nextLink(response.headers.link);
      // A bound against a server that keeps answering `next` (100 pages: 10 000 alerts).
      if (!next || pages >= 100) break;
      response = (await client.request({ method: 'GET', url: next })) as Page;
    }
  } catch (error) {
    const status = (error as { status?: number }).status;
    const message = String(
      (error as { response?: { data?: { message?: string } } }).response?.data?.message ??
        (error as Error).message,
    );
    if (status === 403 && /disabled/i.test(message)) {
      throw new SourceError(
        `Dependabot alerts are disabled for ${where} (403 ${message}); enable them under Settings → Code security, or drop 'dependabot: true'`,
      );
    }
    const explained = toGitHubApiError(error, {
      action: `read the Dependabot alerts of ${where}`,
      ...(now ? { now } : {}),
    });
    if (status === 403 && explained.kind === 'permission') {
      throw new SourceError(
        `the token may not read the Dependabot alerts of ${where} (403 ${message}): ${DEPENDABOT_PERMISSION}`,
      );
    }
    throw new SourceError(explained.message);
  }
  return alerts.map((alert) => {
    const advisory = alert.security_advisory ?? {};
    const ids = [
      ...advisoryIds(advisory.ghsa_id),
      ...advisoryIds(advisory.cve_id ?? undefined),
      ...(advisory.identifiers ?? []).flatMap((i) => advisoryIds(i.value)),
    ];
    const unique = [...new Set(ids)];
    const severityWord = alert.security_vulnerability?.severity ?? advisory.severity;
    const pkg = alert.dependency?.package;
    const finding: Finding = {
      source: 'Dependabot',
      id: unique.find((i) => i.startsWith('CVE')) ?? unique[0] ?? `dependabot-alert-${alert.number}`,
      ids: [...unique, `dependabot-alert-${alert.number}`],
      severity: severityOfWord(severityWord) ?? 'medium',
      basis: `GitHub ${severityWord ?? 'unknown'}`,
      title: advisory.summary ?? `Dependabot alert #${alert.number}`,
      url: alert.html_url,
      tool: 'Dependabot',
    };
    if (pkg?.name) finding.package = pkg.ecosystem ? `${pkg.ecosystem}:${pkg.name}` : pkg.name;
    if (alert.dependency?.manifest_path) finding.location = alert.dependency.manifest_path;
    return finding;
  });
}

// ---------------------------------------------------------------------------------------------------------
// Files and globs

/** Whether a pattern has glob characters (`*`, `?`, `[`). */
function isGlob(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/** `reports/**\/*.sarif` as an anchored RegExp over `/`-separated relative paths. */
export function globPathRegExp(pattern: string): RegExp {
  const segments = pattern.replace(/^\.\//, '').split('/').filter(Boolean);
  let source = '';
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === '**') {
      source += last ? '.*' : '(?:[^/]+/)*';
      return;
    }
    let part = '';
    for (let j = 0; j < segment.length; j++) {
      const ch = segment[j] ?? '';
      if (ch === '*') part += '[^/]*';
      else if (ch === '?') part += '[^/]';
      else if (ch === '[') {
        const close = segment.indexOf(']', j + 1);
        if (close > j + 1) {
          const body = segment
            .slice(j + 1, close)
            .replace(/^!/, '^')
            .replace(/\\/g, '\\\\');
          part += `[${body}]`;
          j = close;
        } else part += '\\[';
      } else part += ch.replace(/[.+^${}()|\\]/g, '\\$&');
    }
    source += part + (last ? '' : '/');
  });
  return new RegExp(`^${source}$`);
}

const MAX_WALKED = 20_000;
const SKIPPED_DIRS = new Set(['.git', 'node_modules']);

/**
 * Files matching a pattern, relative to the workspace (an absolute pattern gives absolute paths); a plain path
 * is returned as is, found or not.
 */
export async function expandPattern(workspace: string, pattern: string): Promise<string[]> {
  if (!isGlob(pattern)) return [pattern];
  const absolute = isAbsolute(pattern);
  const relativePattern = absolute ? pattern.replace(/^\/+/, '') : pattern.replace(/^\.\//, '');
  const segments = relativePattern.split('/');
  const fixed: string[] = [];
  for (const segment of segments) {
    if (isGlob(segment)) break;
    fixed.push(segment);
  }
  const regex = globPathRegExp(relativePattern);
  const root = absolute ? '/' : resolve(workspace);
  const matches: string[] = [];
  let walked = 0;
  const walk = async (dir: string): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      walked += 1;
      if (walked > MAX_WALKED) return;
      const full = join(dir, entry.name);
      const rel = relative(root, full).split('\\').join('/');
      if (entry.isDirectory()) {
        if (SKIPPED_DIRS.has(entry.name) && !pattern.includes(entry.name)) continue;
        await walk(full);
      } else if (entry.isFile() && regex.test(rel)) {
        matches.push(absolute ? `/${rel}` : rel);
      }
    }
  };
  await walk(join(root, ...fixed));
  return matches.sort();
}

// ---------------------------------------------------------------------------------------------------------
// The gate

export interface SourceReport {
  /** `trivy.sarif`, `npm-audit.json`, `Dependabot`. */
  name: string;
  findings: Finding[];
  problem?: string;
}

async function readFileSources(
  patterns: string[],
  workspace: string,
  kind: 'sarif' | 'npm-audit',
  parse: (text: string, source: string) => Finding[],
): Promise<SourceReport[]> {
  const reports: SourceReport[] = [];
  for (const pattern of patterns) {
    const files = await expandPattern(workspace, pattern);
    if (files.length === 0) {
      reports.push({
        name: pattern,
        findings: [],
        problem: `${kind}: no file matches '${pattern}' in the workspace`,
      });
      continue;
    }
    for (const file of files) {
      let text: string;
      try {
        text = await readFile(resolve(workspace, file), 'utf8');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        reports.push({
          name: file,
          findings: [],
          problem:
            code === 'ENOENT'
              ? `${kind}: '${file}' does not exist (did the scan run and write it?)`
              : `${kind}: '${file}' cannot be read (${(error as Error).message})`,
        });
        continue;
      }
      try {
        reports.push({ name: file, findings: parse(text, file) });
      } catch (error) {
        if (!(error instanceof SourceError)) throw error;
        reports.push({ name: file, findings: [], problem: `${kind}: ${error.message}` });
      }
    }
  }
  return reports;
}

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

export async function runVulnerabilitiesGate(
  config: VulnerabilitiesGateConfig,
  context: GateContext,
): Promise<GateOutcome> {
  const sources: SourceReport[] = [
    ...(await readFileSources(config.sarif, context.workspace, 'sarif', parseSarif)),
    ...(await readFileSources(config.npmAudit, context.workspace, 'npm-audit', parseNpmAudit)),
  ];
  if (config.dependabot) {
    if (!context.github) {
      sources.push({
        name: 'Dependabot',
        findings: [],
        problem: 'dependabot: reading Dependabot alerts needs a GitHub token, and none was given',
      });
    } else {
      try {
        sources.push({
          name: 'Dependabot',
          findings: await readDependabotAlerts(context.github, context.target, context.now),
        });
      } catch (error) {
        if (!(error instanceof SourceError)) throw error;
        sources.push({ name: 'Dependabot', findings: [], problem: `dependabot: ${error.message}` });
      }
    }
  }
  for (const source of sources) {
    if (source.problem) context.log.warning(`vulnerabilities: ${source.problem}`);
    else context.log.info(`vulnerabilities: ${source.name}: ${source.findings.length} finding(s)`);
  }
  return judgeFindings(config, sources);
}

export const vulnerabilitiesGate: Gate<VulnerabilitiesGateConfig> = {
  name: 'vulnerabilities',
  run: runVulnerabilitiesGate,
};
