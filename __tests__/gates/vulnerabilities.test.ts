import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { VulnerabilitiesGateConfig } from '../../src/gates/types.js';
import {
  advisoryIds,
  expandPattern,
  globPathRegExp,
  parseNpmAudit,
  parseSarif,
  runVulnerabilitiesGate,
  severityOfScore,
} from '../../src/gates/vulnerabilities.js';
import { assertConformance, type FakeGitHub, startFakeGitHub } from '../fakes/github/index.js';
import { fakeClient, gateContext } from '../helpers/gates.js';

// ---- fixtures: the shapes the scanners write ----

const TRIVY_SARIF = {
  version: '2.1.0',
  $schema:
    'https://raw.githubusercontent.com/oasis-tcs/sarif-spec/main/sarif-2.1/schema/sarif-schema-2.1.0.json',
  runs: [
    {
      tool: {
        driver: {
          fullName: 'Trivy Vulnerability Scanner',
          informationUri: 'https://github.com/aquasecurity/trivy',
          name: 'Trivy',
          version: '0.48.0',
          rules: [
            {
              id: 'CVE-2021-44228',
              name: 'LanguageSpecificPackageVulnerability',
              shortDescription: { text: 'log4j-core: Remote code execution in Log4j 2.x' },
              fullDescription: {
                text: 'Apache Log4j2 JNDI features do not protect against attacker controlled LDAP.',
              },
              defaultConfiguration: { level: 'error' },
              helpUri: 'https://avd.aquasec.com/nvd/cve-2021-44228',
              properties: {
                precision: 'very-high',
                'security-severity': '10.0',
                tags: ['vulnerability', 'security', 'CRITICAL'],
              },
            },
            {
              id: 'CVE-2022-23307',
              name: 'LanguageSpecificPackageVulnerability',
              shortDescription: { text: 'log4j: Unsafe deserialization flaw in Chainsaw log viewer' },
              defaultConfiguration: { level: 'error' },
              helpUri: 'https://avd.aquasec.com/nvd/cve-2022-23307',
              properties: {
                precision: 'very-high',
                'security-severity': '8.8',
                tags: ['vulnerability', 'security', 'HIGH'],
              },
            },
            {
              id: 'CVE-2020-9488',
              name: 'LanguageSpecificPackageVulnerability',
              shortDescription: {
                text: 'log4j: improper validation of certificate with host mismatch in SMTP appender',
              },
              defaultConfiguration: { level: 'note' },
              helpUri: 'https://avd.aquasec.com/nvd/cve-2020-9488',
              properties: {
                precision: 'very-high',
                'security-severity': '3.7',
                tags: ['vulnerability', 'security', 'LOW'],
              },
            },
          ],
        },
      },
      results: [
        {
          ruleId: 'CVE-2021-44228',
          ruleIndex: 0,
          level: 'error',
          message: {
            text: 'Package: org.apache.logging.log4j:log4j-core\nInstalled Version: 2.14.1\nVulnerability CVE-2021-44228\nSeverity: CRITICAL\nFixed Version: 2.15.0',
          },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: 'app/lib/log4j-core-2.14.1.jar', uriBaseId: 'ROOTPATH' },
                region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
              },
              message: { text: 'app/lib/log4j-core-2.14.1.jar: org.apache.logging.log4j:log4j-core@2.14.1' },
            },
          ],
        },
        {
          ruleId: 'CVE-2021-44228',
          ruleIndex: 0,
          level: 'error',
          message: { text: 'Package: org.apache.logging.log4j:log4j-core\nInstalled Version: 2.14.1' },
          locations: [
            { physicalLocation: { artifactLocation: { uri: 'worker/lib/log4j-core-2.14.1.jar' } } },
          ],
        },
        {
          ruleId: 'CVE-2022-23307',
          ruleIndex: 1,
          level: 'error',
          message: { text: 'Package: log4j:log4j\nInstalled Version: 1.2.17' },
          locations: [{ physicalLocation: { artifactLocation: { uri: 'app/lib/log4j-1.2.17.jar' } } }],
        },
        {
          ruleId: 'CVE-2020-9488',
          ruleIndex: 2,
          level: 'note',
          message: { text: 'Package: org.apache.logging.log4j:log4j-core\nInstalled Version: 2.14.1' },
          locations: [{ physicalLocation: { artifactLocation: { uri: 'app/lib/log4j-core-2.14.1.jar' } } }],
        },
      ],
      columnKind: 'utf16CodeUnits',
      originalUriBaseIds: { ROOTPATH: { uri: 'file:///' } },
    },
  ],
};

const GRYPE_SARIF = {
  version: '2.1.0',
  $schema: 'https://json.schemastore.org/sarif-2.1.0-rtm.5.json',
  runs: [
    {
      tool: {
        driver: {
          name: 'Grype',
          version: '0.74.0',
          informationUri: 'https://github.com/anchore/grype',
          rules: [
            {
              id: 'CVE-2022-42889-commons-text',
              name: 'JavaArchiveMatcherExactDirectMatch',
              shortDescription: { text: 'CVE-2022-42889 critical vulnerability for commons-text package' },
              fullDescription: { text: 'Apache Commons Text performs variable interpolation.' },
              helpUri: 'https://github.com/anchore/grype',
              help: { text: 'Vulnerability CVE-2022-42889', markdown: '| Severity | Package |' },
              properties: { 'security-severity': '9.8' },
            },
            {
              id: 'GHSA-493p-pfq6-5258-jackson-databind',
              name: 'JavaArchiveMatcherExactDirectMatch',
              shortDescription: {
                text: 'GHSA-493p-pfq6-5258 medium vulnerability for jackson-databind package',
              },
              helpUri: 'https://github.com/anchore/grype',
              properties: { 'security-severity': '5.5' },
            },
          ],
        },
      },
      results: [
        {
          ruleId: 'CVE-2022-42889-commons-text',
          level: 'error',
          message: {
            text: 'A critical vulnerability in java-archive package: commons-text, version 1.9 was found',
          },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: '/app/commons-text-1.9.jar' },
                region: { startLine: 1 },
              },
              logicalLocations: [
                { name: '/app/commons-text-1.9.jar', fullyQualifiedName: 'image:/app/commons-text-1.9.jar' },
              ],
            },
          ],
        },
        {
          ruleId: 'GHSA-493p-pfq6-5258-jackson-databind',
          level: 'warning',
          message: { text: 'A medium vulnerability in java-archive package: jackson-databind' },
          locations: [
            { physicalLocation: { artifactLocation: { uri: '/app/jackson-databind-2.13.2.jar' } } },
          ],
        },
      ],
    },
  ],
};

/** CodeQL: rules live in an extension (the query pack), results point at them by toolComponent index. */
const CODEQL_SARIF = {
  version: '2.1.0',
  runs: [
    {
      tool: {
        driver: { name: 'CodeQL', semanticVersion: '2.15.0', rules: [] },
        extensions: [
          {
            name: 'codeql/javascript-queries',
            rules: [
              {
                id: 'js/xss',
                name: 'js/xss',
                shortDescription: { text: 'Client-side cross-site scripting' },
                defaultConfiguration: { level: 'error' },
                properties: {
                  tags: ['security', 'external/cwe/cwe-079'],
                  kind: 'path-problem',
                  precision: 'high',
                  'problem.severity': 'error',
                  'security-severity': '6.1',
                },
              },
              {
                id: 'js/unused-local-variable',
                shortDescription: { text: 'Unused variable, import, function or class' },
                defaultConfiguration: { level: 'note' },
                properties: { tags: ['maintainability'], 'problem.severity': 'recommendation' },
              },
              {
                id: 'js/missing-rate-limiting',
                shortDescription: { text: 'Missing rate limiting' },
                defaultConfiguration: { level: 'error' },
                properties: { tags: ['security', 'external/cwe/cwe-770'], 'problem.severity': 'error' },
              },
              {
                id: 'js/sql-injection',
                shortDescription: { text: 'Database query built from user-controlled sources' },
                defaultConfiguration: { level: 'error' },
                properties: { tags: ['security'], 'security-severity': '8.8' },
              },
            ],
          },
        ],
      },
      results: [
        {
          ruleId: 'js/xss',
          rule: { id: 'js/xss', index: 0, toolComponent: { index: 0 } },
          message: { text: 'Cross-site scripting vulnerability due to [user-provided value](1).' },
          locations: [
            { physicalLocation: { artifactLocation: { uri: 'src/page.js' }, region: { startLine: 12 } } },
          ],
        },
        {
          ruleId: 'js/unused-local-variable',
          rule: { id: 'js/unused-local-variable', index: 1, toolComponent: { index: 0 } },
          message: { text: 'Unused variable x.' },
          locations: [
            { physicalLocation: { artifactLocation: { uri: 'src/util.js' }, region: { startLine: 3 } } },
          ],
        },
        {
          ruleId: 'js/missing-rate-limiting',
          rule: { id: 'js/missing-rate-limiting', index: 2, toolComponent: { index: 0 } },
          message: { text: 'This route handler performs a file system access, but is not rate-limited.' },
          locations: [
            { physicalLocation: { artifactLocation: { uri: 'src/server.js' }, region: { startLine: 40 } } },
          ],
        },
        {
          ruleId: 'js/sql-injection',
          rule: { id: 'js/sql-injection', index: 3, toolComponent: { index: 0 } },
          message: { text: 'This query depends on a user-provided value.' },
          suppressions: [{ kind: 'inSource', justification: 'sanitized upstream' }],
          locations: [
            { physicalLocation: { artifactLocation: { uri: 'src/db.js' }, region: { startLine: 8 } } },
          ],
        },
        {
          ruleId: 'js/sql-injection',
          rule: { id: 'js/sql-injection', index: 3, toolComponent: { index: 0 } },
          kind: 'pass',
          message: { text: 'checked' },
        },
        {
          ruleId: 'js/sql-injection',
          rule: { id: 'js/sql-injection', index: 3, toolComponent: { index: 0 } },
          baselineState: 'absent',
          message: { text: 'fixed since the baseline' },
        },
      ],
    },
  ],
};

const NPM_AUDIT_V2 = {
  auditReportVersion: 2,
  vulnerabilities: {
    lodash: {
      name: 'lodash',
      severity: 'critical',
      isDirect: true,
      via: [
        {
          source: 1096305,
          name: 'lodash',
          dependency: 'lodash',
          title: 'Prototype Pollution in lodash',
          url: 'https://github.com/advisories/GHSA-jf85-cpcp-j695',
          severity: 'critical',
          cwe: ['CWE-1321'],
          cvss: { score: 9.1, vectorString: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N' },
          range: '<4.17.12',
        },
        {
          source: 1094500,
          name: 'lodash',
          dependency: 'lodash',
          title: 'Command Injection in lodash',
          url: 'https://github.com/advisories/GHSA-35jh-r3h4-6jhm',
          severity: 'high',
          cwe: ['CWE-77', 'CWE-94'],
          cvss: { score: 7.2, vectorString: 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H' },
          range: '<4.17.21',
        },
      ],
      effects: [],
      range: '<=4.17.20',
      nodes: ['node_modules/lodash'],
      fixAvailable: true,
    },
    minimist: {
      name: 'minimist',
      severity: 'moderate',
      isDirect: false,
      via: [
        {
          source: 1096465,
          name: 'minimist',
          dependency: 'minimist',
          title: 'Prototype Pollution in minimist',
          url: 'https://github.com/advisories/GHSA-vh95-rmgr-6w4m',
          severity: 'moderate',
          cwe: ['CWE-1321'],
          cvss: { score: 5.6, vectorString: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:L/A:L' },
          range: '<0.2.1',
        },
      ],
      effects: ['mkdirp'],
      range: '<0.2.1',
      nodes: ['node_modules/minimist'],
      fixAvailable: true,
    },
    mkdirp: {
      name: 'mkdirp',
      severity: 'moderate',
      isDirect: true,
      via: ['minimist'],
      effects: [],
      range: '0.4.1 - 0.5.1',
      nodes: ['node_modules/mkdirp'],
      fixAvailable: true,
    },
  },
  metadata: {
    vulnerabilities: { info: 0, low: 0, moderate: 2, high: 0, critical: 1, total: 3 },
    dependencies: { prod: 4, dev: 0, optional: 0, peer: 0, peerOptional: 0, total: 3 },
  },
};

const NPM_AUDIT_V1 = {
  actions: [],
  advisories: {
    '1065': {
      findings: [{ version: '4.17.11', paths: ['lodash'] }],
      id: 1065,
      title: 'Prototype Pollution',
      module_name: 'lodash',
      cves: ['CVE-2019-10744'],
      vulnerable_versions: '<4.17.12',
      patched_versions: '>=4.17.12',
      severity: 'high',
      github_advisory_id: 'GHSA-jf85-cpcp-j695',
      url: 'https://github.com/advisories/GHSA-jf85-cpcp-j695',
    },
    '1179': {
      findings: [{ version: '0.0.8', paths: ['mkdirp>minimist'] }],
      id: 1179,
      title: 'Prototype Pollution',
      module_name: 'minimist',
      cves: [],
      vulnerable_versions: '<0.2.1',
      severity: 'low',
      url: 'https://npmjs.com/advisories/1179',
    },
  },
  muted: [],
  metadata: { vulnerabilities: { info: 0, low: 1, moderate: 0, high: 1, critical: 0 }, dependencies: 3 },
};

// ---- helpers ----

let workspace: string;
beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'gates-vuln-'));
});
afterEach(async () => {
  await rm(workspace, { recursive: true, force: true });
});

async function put(path: string, content: unknown): Promise<void> {
  const full = join(workspace, path);
  await mkdir(dirname(full), { recursive: true });
  await writeFile(full, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
}

function config(overrides: Partial<VulnerabilitiesGateConfig> = {}): VulnerabilitiesGateConfig {
  return { failOn: 'critical', sarif: [], npmAudit: [], dependabot: false, ignore: [], ...overrides };
}

// ---- tests ----

describe('severities', () => {
  it("maps security-severity scores to GitHub's bands", () => {
    expect([10, 9, 8.9, 7, 6.9, 4, 3.9, 0.1, 0].map(severityOfScore)).toEqual([
      'critical',
      'critical',
      'high',
      'high',
      'medium',
      'medium',
      'low',
      'low',
      'none',
    ]);
  });

  it('finds CVE and GHSA ids in text, normalised', () => {
    expect(advisoryIds('cve-2022-42889-commons-text')).toEqual(['CVE-2022-42889']);
    expect(advisoryIds('https://github.com/advisories/GHSA-JF85-CPCP-J695')).toEqual(['GHSA-jf85-cpcp-j695']);
    expect(advisoryIds('js/xss')).toEqual([]);
  });
});

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

describe('globs', () => {
  it('matches ** across directories, * within one', () => {
    const regex = globPathRegExp('reports/**/*.sarif');
    expect(regex.test('reports/a.sarif')).toBe(true);
    expect(regex.test('reports/x/y/b.sarif')).toBe(true);
    expect(regex.test('reports/x/b.json')).toBe(false);
    expect(regex.test('other/reports/a.sarif')).toBe(false);
    expect(globPathRegExp('*.sarif').test('dir/a.sarif')).toBe(false);
  });

  it('expands a pattern over the workspace, sorted; a plain path as is', async () => {
    await put('reports/b.sarif', '{}');
    await put('reports/deep/a.sarif', '{}');
    await put('reports/c.txt', '');
    await put('node_modules/pkg/d.sarif', '{}');
    expect(await expandPattern(workspace, 'reports/**/*.sarif')).toEqual([
      'reports/b.sarif',
      'reports/deep/a.sarif',
    ]);
    expect(await expandPattern(workspace, '**/*.sarif')).toEqual(['reports/b.sarif', 'reports/deep/a.sarif']);
    expect(await expandPattern(workspace, 'missing.sarif')).toEqual(['missing.sarif']);
    expect(await expandPattern(workspace, './reports/*.sarif')).toEqual(['reports/b.sarif']);
    expect(await expandPattern('/', `${workspace}/reports/**/*.sarif`)).toEqual([
      `${workspace}/reports/b.sarif`,
      `${workspace}/reports/deep/a.sarif`,
    ]);
  });
});

describe('the gate on files', () => {
  it('fails on findings at or above fail-on, one line per id, and counts the rest', async () => {
    await put('reports/trivy.sarif', TRIVY_SARIF);
    await put('reports/scan/grype.sarif', GRYPE_SARIF);
    await put('npm-audit.json', NPM_AUDIT_V2);
    const outcome = await runVulnerabilitiesGate(
      config({ failOn: 'high', sarif: ['reports/**/*.sarif'], npmAudit: ['npm-audit.json'] }),
      gateContext({ workspace }),
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
    await put('trivy.sarif', TRIVY_SARIF);
    await put('grype.sarif', GRYPE_SARIF);
    await put('codeql.sarif', CODEQL_SARIF);
    const outcome = await runVulnerabilitiesGate(
      config({
        failOn: 'high',
        sarif: ['trivy.sarif', 'grype.sarif', 'codeql.sarif'],
        ignore: ['cve-2021-44228', 'CVE-2022-23307', 'CVE-2022-42889', 'js/missing-rate-limiting'],
      }),
      gateContext({ workspace }),
    );
    expect(outcome.verdict).toBe('pass');
    expect(outcome.detail).toBe(
      'nothing at or above high in 3 sources (4 below high: 2 medium, 2 low; 5 ignored)',
    );
  });

  it('fail-on critical lets a high finding through; low catches every ranked one', async () => {
    await put('codeql.sarif', CODEQL_SARIF);
    const critical = await runVulnerabilitiesGate(
      config({ sarif: ['codeql.sarif'] }),
      gateContext({ workspace }),
    );
    expect(critical.verdict).toBe('pass');
    const low = await runVulnerabilitiesGate(
      config({ failOn: 'low', sarif: ['codeql.sarif'] }),
      gateContext({ workspace }),
    );
    expect(low.verdict).toBe('fail');
    expect(low.detail).toMatch(
      /^3 findings at or above low: js\/missing-rate-limiting \(high\), js\/xss \(medium\), js\/unused-local-variable \(low\)$/,
    );
  });

  it('is an error, not a pass, when a report is missing, matches nothing or is not a report', async () => {
    await put('bad.sarif', '{"version":"2.1.0"}');
    await put('audit.json', JSON.stringify({ error: { code: 'ENOLOCK', summary: 'no lockfile' } }));
    const outcome = await runVulnerabilitiesGate(
      config({ sarif: ['trivy.sarif', 'scans/*.sarif', 'bad.sarif'], npmAudit: ['audit.json'] }),
      gateContext({ workspace }),
    );
    expect(outcome.verdict).toBe('error');
    expect(outcome.detail).toBe(
      "vulnerabilities could not be fully evaluated: sarif: 'trivy.sarif' does not exist (did the scan run and write it?); sarif: no file matches 'scans/*.sarif' in the workspace; sarif: bad.sarif is not a SARIF log: it has no 'runs' list; npm-audit: audit.json holds npm's error instead of a report: ENOLOCK no lockfile",
    );
    expect(outcome.items?.every((i) => i.verdict === 'error')).toBe(true);
  });

  it('fails rather than errs when a readable report already fails the gate', async () => {
    await put('trivy.sarif', TRIVY_SARIF);
    const context = gateContext({ workspace });
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

describe('the gate on Dependabot alerts', () => {
  let gh: FakeGitHub;
  beforeEach(async () => {
    gh = await startFakeGitHub();
    gh.store.addRepo({ owner: 'octo', name: 'app' });
    gh.addToken('ghs_app_token', {
      login: 'deploy-kit-app[bot]',
      permissions: { 'vulnerability-alerts': 'read' },
    });
  });
  afterEach(async () => {
    try {
      assertConformance(gh.requests);
    } finally {
      await gh.close();
    }
  });

  it('reads every page of open alerts and judges them; dismissed and fixed ones do not count', async () => {
    for (let i = 0; i < 130; i++)
      gh.store.addDependabotAlert('octo/app', { packageName: `pkg-${i}`, severity: 'low' });
    gh.store.addDependabotAlert('octo/app', {
      packageName: 'lodash',
      severity: 'critical',
      ghsaId: 'GHSA-jf85-cpcp-j695',
      cveId: 'CVE-2019-10744',
      summary: 'Prototype Pollution in lodash',
    });
    gh.store.addDependabotAlert('octo/app', { packageName: 'old', severity: 'critical', state: 'dismissed' });
    gh.store.addDependabotAlert('octo/app', { packageName: 'older', severity: 'critical', state: 'fixed' });
    const github = fakeClient(gh, 'ghs_app_token');
    const outcome = await runVulnerabilitiesGate(config({ dependabot: true }), gateContext({ github }));
    expect(outcome.verdict).toBe('fail');
    expect(outcome.detail).toBe(
      '1 finding at or above critical: CVE-2019-10744 (critical, npm:lodash) (130 below critical: 130 low)',
    );
    const item = outcome.items?.find((i) => i.name === 'CVE-2019-10744');
    expect(item?.url).toBe(`${gh.origin}/octo/app/security/dependabot/131`);
    expect(item?.detail).toBe(
      'critical (GitHub critical): Prototype Pollution in lodash; npm:lodash at package-lock.json; Dependabot',
    );
    const calls = gh.requestsFor('GET /repos/{owner}/{repo}/dependabot/alerts');
    expect(calls.map((c) => c.query)).toEqual([
      { state: 'open', per_page: '100' },
      expect.objectContaining({ state: 'open', per_page: '100', after: expect.any(String) }),
    ]);
  });

  it('ignores an alert by its GHSA id', async () => {
    gh.store.addDependabotAlert('octo/app', {
      packageName: 'lodash',
      severity: 'critical',
      ghsaId: 'GHSA-jf85-cpcp-j695',
    });
    const outcome = await runVulnerabilitiesGate(
      config({ dependabot: true, ignore: ['GHSA-JF85-CPCP-J695'] }),
      gateContext({ github: fakeClient(gh, 'ghs_app_token') }),
    );
    expect(outcome).toMatchObject({
      verdict: 'pass',
      detail: 'nothing at or above critical in 1 source (1 ignored)',
    });
  });

  it("says which token can read alerts when the workflow's GITHUB_TOKEN gets 403", async () => {
    gh.store.addDependabotAlert('octo/app', { packageName: 'lodash', severity: 'critical' });
    const outcome = await runVulnerabilitiesGate(
      config({ dependabot: true }),
      gateContext({ github: fakeClient(gh) }),
    );
    expect(outcome.verdict).toBe('error');
    expect(outcome.detail).toContain(
      'dependabot: the token may not read the Dependabot alerts of octo/app (403 Resource not accessible by integration)',
    );
    expect(outcome.detail).toContain('`security-events: read` covers code scanning only');
    expect(outcome.detail).toContain('`vulnerability_alerts: read` ("Dependabot alerts: read")');
    expect(outcome.detail).toContain('classic one with the `security_events` scope');
    expect(gh.requestsFor('GET /repos/{owner}/{repo}/dependabot/alerts').map((r) => r.status)).toEqual([403]);
  });

  it('says so when Dependabot alerts are disabled for the repository', async () => {
    gh.store.repo('octo/app').dependabotAlertsEnabled = false;
    const outcome = await runVulnerabilitiesGate(
      config({ dependabot: true }),
      gateContext({ github: fakeClient(gh, 'ghs_app_token') }),
    );
    expect(outcome.verdict).toBe('error');
    expect(outcome.detail).toBe(
      "vulnerabilities could not be fully evaluated: dependabot: Dependabot alerts are disabled for octo/app (403 Dependabot alerts are disabled for this repository.); enable them under Settings → Code security, or drop 'dependabot: true'",
    );
  });

  it('retries a 5xx answer and then reads the alerts', async () => {
    gh.store.addDependabotAlert('octo/app', { packageName: 'lodash', severity: 'high' });
    gh.faults.serverError('GET /repos/{owner}/{repo}/dependabot/alerts', { times: 2, status: 502 });
    const outcome = await runVulnerabilitiesGate(
      config({ dependabot: true, failOn: 'high' }),
      gateContext({ github: fakeClient(gh, 'ghs_app_token') }),
    );
    expect(outcome.verdict).toBe('fail');
    // Faults answer before routing, so these are found by path.
    const attempts = gh.requests.filter((r) => r.path.endsWith('/repos/octo/app/dependabot/alerts'));
    expect(attempts.map((r) => r.status)).toEqual([502, 502, 200]);
  });

  it('is an error naming the token when there is no client', async () => {
    const outcome = await runVulnerabilitiesGate(config({ dependabot: true }), gateContext());
    expect(outcome).toMatchObject({
      verdict: 'error',
      detail:
        'vulnerabilities could not be fully evaluated: dependabot: reading Dependabot alerts needs a GitHub token, and none was given',
    });
  });
});
