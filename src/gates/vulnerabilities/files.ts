// The report files of the vulnerabilities gate: patterns (globs matched by picomatch) expanded over the
// workspace, each file read and parsed; a file missing, unreadable or not a report is a problem of its
// source, not a crash.
import { readdir, readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { type Finding, SourceError, type SourceReport } from './findings.js';

/** Whether a pattern has glob characters (`*`, `?`, `[`). */
function isGlob(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/**
 * `reports/**\/*.sarif` as a test of `/`-separated relative paths: `**` spans directories, `*` and `?` stay
 * within one, `[...]` is a class and `[!...]` its negation as in the shell (picomatch reads `[!x]` so only
 * with `posix`); dot files match too (a report may well be `.scan/trivy.sarif`).
 */
export async function globMatcher(pattern: string): Promise<(path: string) => boolean> {
  // Loaded only for a pattern that is a glob (start-up, bundle size).
  const { default: picomatch } = await import('picomatch');
  return picomatch(pattern.replace(/^\.\//, ''), { dot: true, posix: true });
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
  const matches = await globMatcher(relativePattern);
  const root = absolute ? '/' : resolve(workspace);
  const found: string[] = [];
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
      } else if (entry.isFile() && matches(rel)) {
        found.push(absolute ? `/${rel}` : rel);
      }
    }
  };
  await walk(join(root, ...fixed));
  return found.sort();
}

export async function readFileSources(
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
