// SARIF logs of Trivy, Grype and CodeQL as findings.
import { describe, expect, it } from 'vitest';
import { parseSarif } from '../../../src/gates/vulnerabilities/sarif.js';
import { CODEQL_SARIF, GRYPE_SARIF, TRIVY_SARIF } from './fixtures.js';

describe('parseSarif', () => {
  it('reads Trivy: security-severity decides, CVE ids, file locations', () => {
    const findings = parseSarif(JSON.stringify(TRIVY_SARIF), 'trivy.sarif');
    expect(findings.map((f) => [f.id, f.severity, f.location])).toEqual([
      ['CVE-2021-44228', 'critical', 'app/lib/log4j-core-2.14.1.jar:1'],
      ['CVE-2021-44228', 'critical', 'worker/lib/log4j-core-2.14.1.jar'],
      ['CVE-2022-23307', 'high', 'app/lib/log4j-1.2.17.jar'],
      ['CVE-2020-9488', 'low', 'app/lib/log4j-core-2.14.1.jar'],
    ]);
    expect(findings[0]).toMatchObject({
      tool: 'Trivy',
      basis: 'security-severity 10',
      url: 'https://avd.aquasec.com/nvd/cve-2021-44228',
    });
  });

  it('reads Grype: the CVE or GHSA inside a package-suffixed rule id is the id', () => {
    const findings = parseSarif(JSON.stringify(GRYPE_SARIF), 'grype.sarif');
    expect(findings.map((f) => [f.id, f.severity, f.ids])).toEqual([
      ['CVE-2022-42889', 'critical', ['CVE-2022-42889-commons-text', 'CVE-2022-42889']],
      ['GHSA-493p-pfq6-5258', 'medium', ['GHSA-493p-pfq6-5258-jackson-databind', 'GHSA-493p-pfq6-5258']],
    ]);
  });

  it('reads CodeQL: rules of an extension, level when no security severity, suppressed/pass/absent left out', () => {
    const findings = parseSarif(JSON.stringify(CODEQL_SARIF), 'codeql.sarif');
    expect(findings.map((f) => [f.id, f.severity, f.basis, f.location])).toEqual([
      ['js/xss', 'medium', 'security-severity 6.1', 'src/page.js:12'],
      ['js/unused-local-variable', 'low', 'level note', 'src/util.js:3'],
      ['js/missing-rate-limiting', 'high', 'level error', 'src/server.js:40'],
    ]);
    expect(findings[0]?.title).toBe('Client-side cross-site scripting');
  });

  it('takes a severity word among the tags when there is no score, and defaults the level to warning', () => {
    const sarif = {
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: {
              name: 'scanner',
              rules: [
                { id: 'R1', properties: { tags: ['security', 'HIGH'] } },
                { id: 'R2', properties: { tags: ['style'] } },
              ],
            },
          },
          results: [
            { ruleId: 'R1', message: { text: 'one' } },
            { ruleId: 'R2', message: { text: 'two' } },
            { ruleId: 'R3', level: 'none', message: { text: 'three' } },
          ],
        },
      ],
    };
    const findings = parseSarif(JSON.stringify(sarif), 'x.sarif');
    expect(findings.map((f) => [f.id, f.severity, f.basis])).toEqual([
      ['R1', 'high', 'tag HIGH'],
      ['R2', 'medium', 'level warning'],
      ['R3', 'none', 'level none'],
    ]);
  });

  it("reads Grype's severity from the rule's description when the match has no CVSS score", () => {
    const sarif = structuredClone(GRYPE_SARIF);
    for (const rule of sarif.runs[0]?.tool.driver.rules ?? [])
      delete (rule.properties as Record<string, unknown>)['security-severity'];
    const findings = parseSarif(JSON.stringify(sarif), 'grype.sarif');
    expect(findings.map((f) => [f.id, f.severity, f.basis])).toEqual([
      ['CVE-2022-42889', 'critical', 'described critical'],
      ['GHSA-493p-pfq6-5258', 'medium', 'described medium'],
    ]);
  });

  it('refuses a log whose scanner says its run failed', () => {
    const failed = {
      version: '2.1.0',
      runs: [
        { tool: { driver: { name: 'CodeQL' } }, invocations: [{ executionSuccessful: false }], results: [] },
      ],
    };
    expect(() => parseSarif(JSON.stringify(failed), 'codeql.sarif')).toThrow(
      'codeql.sarif: CodeQL reports that its run did not succeed (executionSuccessful: false)',
    );
    const succeeded = {
      ...failed,
      runs: [{ ...failed.runs[0], invocations: [{ executionSuccessful: true }] }],
    };
    expect(parseSarif(JSON.stringify(succeeded), 'codeql.sarif')).toEqual([]);
  });

  it('refuses what is not a SARIF log', () => {
    expect(() => parseSarif('{"version":"2.1.0"}', 'x.sarif')).toThrow(
      "x.sarif is not a SARIF log: it has no 'runs' list",
    );
    expect(() => parseSarif('<xml/>', 'x.sarif')).toThrow(/x\.sarif is not JSON/);
  });
});
