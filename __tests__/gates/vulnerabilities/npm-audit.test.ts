// npm audit reports (v2 and v1) as findings.
import { describe, expect, it } from 'vitest';
import { parseNpmAudit } from '../../../src/gates/vulnerabilities/npm-audit.js';
import { NPM_AUDIT_V1, NPM_AUDIT_V2 } from './fixtures.js';

describe('parseNpmAudit', () => {
  it('counts each advisory of a v2 report once (string vias point elsewhere), moderate as medium', () => {
    const findings = parseNpmAudit(JSON.stringify(NPM_AUDIT_V2), 'npm-audit.json');
    expect(findings.map((f) => [f.id, f.severity, f.package])).toEqual([
      ['GHSA-jf85-cpcp-j695', 'critical', 'lodash <4.17.12'],
      ['GHSA-35jh-r3h4-6jhm', 'high', 'lodash <4.17.21'],
      ['GHSA-vh95-rmgr-6w4m', 'medium', 'minimist <0.2.1'],
    ]);
    expect(findings[0]?.ids).toEqual(['GHSA-jf85-cpcp-j695', '1096305']);
  });

  it('reads a v1 report (npm 6) with its CVEs and advisory ids', () => {
    const findings = parseNpmAudit(JSON.stringify(NPM_AUDIT_V1), 'audit-v1.json');
    expect(findings.map((f) => [f.id, f.severity, f.ids])).toEqual([
      ['GHSA-jf85-cpcp-j695', 'high', ['CVE-2019-10744', 'GHSA-jf85-cpcp-j695', '1065']],
      ['npm-advisory-1179', 'low', ['1179']],
    ]);
  });

  it("says when the file holds npm's error instead of a report", () => {
    const text = JSON.stringify({
      error: { code: 'ENOLOCK', summary: 'This command requires an existing lockfile.' },
    });
    expect(() => parseNpmAudit(text, 'npm-audit.json')).toThrow(
      "npm-audit.json holds npm's error instead of a report: ENOLOCK This command requires an existing lockfile.",
    );
    expect(() => parseNpmAudit('{"foo":1}', 'a.json')).toThrow(
      /neither 'vulnerabilities' \(npm 7\+\) nor 'advisories'/,
    );
  });
});
