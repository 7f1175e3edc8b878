// The supply chain of what users run: each dist/<action>/licenses.txt names, with its license, every package
// the bundle carries, and the production dependencies have no known high or critical vulnerability
// (`npm audit --omit=dev`; when the audit endpoint cannot be reached from here the test says so and skips).
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/repo.js';
import { ACTIONS } from './actions.js';
import { measure } from './record.js';

/** licenses.txt as ncc writes it: blocks of a package name, its license identifier, then the license text. */
export function licensedPackages(text: string): Map<string, string> {
  const packages = new Map<string, string>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const previous = i === 0 ? '' : (lines[i - 1] ?? '');
    // A block starts after a blank line (or at the top) with a bare package name followed by its license.
    if (previous.trim() === '' && /^(@[a-z0-9._-]+\/)?[a-z0-9._-]+$/.test(line) && lines[i + 1]) {
      packages.set(line, (lines[i + 1] ?? '').trim());
    }
  }
  return packages;
}

function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('node:') || specifier.startsWith('.') || specifier.startsWith('/'))
    return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const IMPORT =
  /(?:^|\s)(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;

/**
 * The packages an action's source reaches, walking its imports from src/actions/<action>/index.ts: bare
 * imports, and relative imports that reach into node_modules (which a bundler's license list can miss).
 */
export function importedPackages(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || !existsSync(file)) return;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2] ?? '';
      const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(specifier);
      if (inModules) packages.add(inModules[1]!);
      else if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier).replace(/\.js$/, '.ts'));
      else {
        const name = packageOf(specifier);
        if (name) packages.add(name);
      }
    }
  };
  visit(entry);
  return packages;
}

/** A chunk's code: a stub the build left for a chunk shared between bundles is followed to dist/chunks/. */
function bundledText(file: string): string {
  const text = readFileSync(file, 'utf8');
  const shared = /^export \* from '(\.\.\/chunks\/[0-9a-f]+\.js)';$/m.exec(text);
  return shared ? readFileSync(join(dirname(file), shared[1]!), 'utf8') : text;
}

describe('third-party licenses in each dist folder', () => {
  it.each(ACTIONS.map((a) => [a.name] as const))(
    'dist/%s/licenses.txt names every package it carries',
    (name) => {
      const file = join(repoRoot, 'dist', name, 'licenses.txt');
      expect(existsSync(file), `${file} is missing`).toBe(true);
      const licensed = licensedPackages(readFileSync(file, 'utf8'));
      // What the bundle carries: what the source imports, and the packages whose paths the bundle still names.
      const carried = importedPackages(join(repoRoot, 'src/actions', name, 'index.ts'));
      for (const chunk of readdirSync(join(repoRoot, 'dist', name)).filter((f) => f.endsWith('.js'))) {
        const text = bundledText(join(repoRoot, 'dist', name, chunk));
        for (const match of text.matchAll(/node_modules\/((?:@[a-z0-9._-]+\/)?[a-z0-9._-]+)/g))
          carried.add(match[1]!);
      }
      const missing = [...carried].filter((pkg) => !licensed.has(pkg)).sort();
      expect(missing, `bundled without a license entry in dist/${name}/licenses.txt`).toEqual([]);
      const unnamed = [...licensed].filter(([, license]) => !/^[A-Za-z0-9.+() -]+$/.test(license));
      expect(unnamed).toEqual([]);
      measure({
        concern: 'supply-chain',
        action: name,
        what: 'licenses',
        count: carried.size,
        survived: carried.size,
        note: `${licensed.size} packages licensed`,
      });
    },
  );

  it('the license list parser and the import walk find what is there', () => {
    const text = 'yaml\nISC\nCopyright Eemeli Aro\n\n@actions/core\nMIT\nThe MIT License\n';
    expect([...licensedPackages(text)]).toEqual([
      ['yaml', 'ISC'],
      ['@actions/core', 'MIT'],
    ]);
    // kit/core.ts reaches @actions/core through a relative node_modules path.
    expect(importedPackages(join(repoRoot, 'src/actions/kit/core.ts')).has('@actions/core')).toBe(true);
  });
});

interface AuditReport {
  metadata?: { vulnerabilities?: Record<string, number> };
  vulnerabilities?: Record<string, { severity: string; via: unknown[] }>;
  error?: { summary?: string };
  message?: string;
}

function audit(): Promise<{ report?: AuditReport; unreachable?: string }> {
  return new Promise((done) => {
    execFile(
      'npm',
      ['audit', '--omit=dev', '--json'],
      { cwd: repoRoot, timeout: 90_000, maxBuffer: 20_000_000 },
      (_error, stdout) => {
        let report: AuditReport;
        try {
          report = JSON.parse(stdout) as AuditReport;
        } catch {
          done({ unreachable: `npm audit printed no JSON report: ${stdout.slice(0, 200)}` });
          return;
        }
        // npm exits 1 both for findings and for an endpoint it cannot use: only a report has metadata.
        if (!report.metadata)
          done({ unreachable: report.message ?? report.error?.summary ?? 'no audit metadata' });
        else done({ report });
      },
    );
  });
}

describe('production dependencies', () => {
  it('have no known high or critical vulnerability (npm audit --omit=dev)', async (context) => {
    const { report, unreachable } = await audit();
    if (!report) {
      measure({
        concern: 'supply-chain',
        what: 'npm audit',
        count: 0,
        note: `skipped: audit endpoint unreachable (${unreachable})`,
      });
      context.skip(`npm audit could not reach its endpoint from here: ${unreachable}`);
      return;
    }
    const counts = report.metadata?.vulnerabilities ?? {};
    const serious = Object.entries(report.vulnerabilities ?? {})
      .filter(([, v]) => v.severity === 'high' || v.severity === 'critical')
      .map(([name, v]) => `${name} (${v.severity})`);
    expect(serious).toEqual([]);
    const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
    measure({
      concern: 'supply-chain',
      what: 'npm audit',
      count: total,
      survived: total - serious.length,
      note: JSON.stringify(counts),
    });
  }, 120_000);
});
