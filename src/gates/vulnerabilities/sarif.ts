// SARIF logs (GitHub code scanning / CodeQL, Trivy, Grype…) as findings.
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
import {
  advisoryIds,
  type Finding,
  type FindingSeverity,
  SEVERITY_RANK,
  SourceError,
  severityOfScore,
  severityOfWord,
} from './findings.js';

const LEVEL_SEVERITY: Record<string, FindingSeverity> = {
  error: 'high',
  warning: 'medium',
  note: 'low',
  none: 'none',
};

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
