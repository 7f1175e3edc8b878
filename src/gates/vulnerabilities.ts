// The `vulnerabilities` gate: no finding at or above a severity (`fail-on`, default critical) in SARIF files
// (GitHub code scanning / CodeQL, Trivy, Grype…: vulnerabilities/sarif.ts), `npm audit --json` output
// (vulnerabilities/npm-audit.ts), or the repository's open Dependabot alerts (vulnerabilities/dependabot.ts),
// except the ids in `ignore` (a CVE, a GHSA or a rule id, any case). The verdict: vulnerabilities/judge.ts.
//
// A source that cannot be read (a file missing or not SARIF, a 403) makes the verdict `error` unless a finding
// already fails the gate: a scan that did not run must not pass as a clean one.
import type { Gate, GateContext, GateOutcome, VulnerabilitiesGateConfig } from './types.js';
import { readDependabotAlerts } from './vulnerabilities/dependabot.js';
import { readFileSources } from './vulnerabilities/files.js';
import { SourceError, type SourceReport } from './vulnerabilities/findings.js';
import { judgeFindings } from './vulnerabilities/judge.js';
import { parseNpmAudit } from './vulnerabilities/npm-audit.js';
import { parseSarif } from './vulnerabilities/sarif.js';

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
