// The vulnerabilities gate on report files: the verdict, ignore, fail-on, unreadable sources.
import { describe, expect, it } from 'vitest';
import { runVulnerabilitiesGate } from '../../src/gates/vulnerabilities.js';
import { gateContext } from '../helpers/gates.js';
import {
  CODEQL_SARIF,
  config,
  GRYPE_SARIF,
  NPM_AUDIT_V2,
  TRIVY_SARIF,
  tempWorkspace,
} from './vulnerabilities/fixtures.js';

const ws = tempWorkspace();

describe('the gate on files', () => {
  it('fails on findings at or above fail-on, one line per id, and counts the rest', async () => {
    await ws.put('reports/trivy.sarif', TRIVY_SARIF);
    await ws.put('reports/scan/grype.sarif', GRYPE_SARIF);
    await ws.put('npm-audit.json', NPM_AUDIT_V2);
    const outcome = await runVulnerabilitiesGate(
      config({ failOn: 'high', sarif: ['reports/**/*.sarif'], npmAudit: ['npm-audit.json'] }),
      gateContext({ workspace: ws.dir }),
    );
    expect(outcome.verdict).toBe('fail');
    expect(outcome.detail).toBe(
      '5 findings at or above high: CVE-2022-42889 (critical), CVE-2021-44228 (critical), GHSA-jf85-cpcp-j695 (critical, lodash <4.17.12), CVE-2022-23307 (high), GHSA-35jh-r3h4-6jhm (high, lodash <4.17.21) (3 below high: 2 medium, 1 low)',
    );
    const log4j = outcome.items?.find((i) => i.name === 'CVE-2021-44228');
    expect(log4j).toMatchObject({ verdict: 'fail', url: 'https://avd.aquasec.com/nvd/cve-2021-44228' });
    expect(log4j?.detail).toContain('(2 places)');
    expect(outcome.items?.slice(0, 3).map((i) => [i.name, i.verdict])).toEqual([
      ['reports/scan/grype.sarif', 'fail'],
      ['reports/trivy.sarif', 'fail'],
      ['npm-audit.json', 'fail'],
    ]);
  });

  it('passes when every blocking finding is ignored, by CVE, GHSA or rule id in any case', async () => {
    await ws.put('trivy.sarif', TRIVY_SARIF);
    await ws.put('grype.sarif', GRYPE_SARIF);
    await ws.put('codeql.sarif', CODEQL_SARIF);
    const outcome = await runVulnerabilitiesGate(
      config({
        failOn: 'high',
        sarif: ['trivy.sarif', 'grype.sarif', 'codeql.sarif'],
        ignore: ['cve-2021-44228', 'CVE-2022-23307', 'CVE-2022-42889', 'js/missing-rate-limiting'],
      }),
      gateContext({ workspace: ws.dir }),
    );
    expect(outcome.verdict).toBe('pass');
    expect(outcome.detail).toBe(
      'nothing at or above high in 3 sources (4 below high: 2 medium, 2 low; 5 ignored)',
    );
  });

  it('fail-on critical lets a high finding through; low catches every ranked one', async () => {
    await ws.put('codeql.sarif', CODEQL_SARIF);
    const critical = await runVulnerabilitiesGate(
      config({ sarif: ['codeql.sarif'] }),
      gateContext({ workspace: ws.dir }),
    );
    expect(critical.verdict).toBe('pass');
    const low = await runVulnerabilitiesGate(
      config({ failOn: 'low', sarif: ['codeql.sarif'] }),
      gateContext({ workspace: ws.dir }),
    );
    expect(low.verdict).toBe('fail');
    expect(low.detail).toMatch(
      /^3 findings at or above low: js\/missing-rate-limiting \(high\), js\/xss \(medium\), js\/unused-local-variable \(low\)$/,
    );
  });

  it('is an error, not a pass, when a report is missing, matches nothing or is not a report', async () => {
    await ws.put('bad.sarif', '{"version":"2.1.0"}');
    await ws.put('audit.json', JSON.stringify({ error: { code: 'ENOLOCK', summary: 'no lockfile' } }));
    const outcome = await runVulnerabilitiesGate(
      config({ sarif: ['trivy.sarif', 'scans/*.sarif', 'bad.sarif'], npmAudit: ['audit.json'] }),
      gateContext({ workspace: ws.dir }),
    );
    expect(outcome.verdict).toBe('error');
    expect(outcome.detail).toBe(
      "vulnerabilities could not be fully evaluated: sarif: 'trivy.sarif' does not exist (did the scan run and write it?); sarif: no file matches 'scans/*.sarif' in the workspace; sarif: bad.sarif is not a SARIF log: it has no 'runs' list; npm-audit: audit.json holds npm's error instead of a report: ENOLOCK no lockfile",
    );
    expect(outcome.items?.every((i) => i.verdict === 'error')).toBe(true);
  });

  it('fails rather than errs when a readable report already fails the gate', async () => {
    await ws.put('trivy.sarif', TRIVY_SARIF);
    const context = gateContext({ workspace: ws.dir });
    const outcome = await runVulnerabilitiesGate(config({ sarif: ['trivy.sarif', 'grype.sarif'] }), context);
    expect(outcome.verdict).toBe('fail');
    expect(outcome.detail).toBe(
      "1 finding at or above critical: CVE-2021-44228 (critical) (2 below critical: 1 high, 1 low); also could not read: sarif: 'grype.sarif' does not exist (did the scan run and write it?)",
    );
    expect(context.log.warnings).toEqual([
      "vulnerabilities: sarif: 'grype.sarif' does not exist (did the scan run and write it?)",
    ]);
  });
});
