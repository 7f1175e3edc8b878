// What the scanners write (Trivy, Grype, CodeQL SARIF; npm audit v2 and v1), a temporary workspace to put
// report files in, and a gate config, for the vulnerabilities gate's tests.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { VulnerabilitiesGateConfig } from '../../../src/gates/types.js';

// ---- fixtures: the shapes the scanners write ----

export const TRIVY_SARIF = {
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

export const GRYPE_SARIF = {
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
export const CODEQL_SARIF = {
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

export const NPM_AUDIT_V2 = {
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

export const NPM_AUDIT_V1 = {
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

/** A fresh workspace for each test (removed after it), and `put` to write a report file into it. */
export function tempWorkspace() {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gates-vuln-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return {
    get dir(): string {
      return dir;
    },
    async put(path: string, content: unknown): Promise<void> {
      const full = join(dir, path);
      await mkdir(dirname(full), { recursive: true });
      await writeFile(full, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    },
  };
}

export function config(overrides: Partial<VulnerabilitiesGateConfig> = {}): VulnerabilitiesGateConfig {
  return { failOn: 'critical', sarif: [], npmAudit: [], dependabot: false, ignore: [], ...overrides };
}
