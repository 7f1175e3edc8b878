// The shared run wrapper, run in a real child process: failures end in setFailed naming the action,
// unhandled rejections are caught, and an open socket never holds a finished step.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { describeFailure } from '../../../src/actions/kit/run.js';
import { repoRoot } from '../../helpers/repo.js';

const exec = promisify(execFile);

async function runEntry(body: string): Promise<{ code: number; stdout: string; ms: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'kit-run-'));
  const file = join(dir, 'entry.ts');
  writeFileSync(
    file,
    `import { startAction } from '${join(repoRoot, 'src/actions/kit/run.ts')}';\n${body}\n`,
  );
  const started = Date.now();
  try {
    const { stdout } = await exec(process.execPath, ['--import', 'tsx', file], {
      cwd: repoRoot,
      timeout: 20_000,
    });
    return { code: 0, stdout, ms: Date.now() - started };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, stdout: failed.stdout, ms: Date.now() - started };
  }
}

describe('startAction (the wrapper)', () => {
  it('turns a thrown error into setFailed with the action name and no stack trace', async () => {
    const result = await runEntry(
      `startAction({ name: 'demo', main: async () => { throw new Error("'x' is bad"); } });`,
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("::error::demo: 'x' is bad");
    expect(result.stdout).not.toMatch(/\n\s+at /);
  });

  it('catches an unhandled rejection', async () => {
    const result = await runEntry(
      `startAction({ name: 'demo', main: async () => { Promise.reject(new Error('stray')); await new Promise((r) => setTimeout(r, 50)); } });`,
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('::error::demo: stray');
  });

  it('exits when main is done even with a socket left open', async () => {
    const result = await runEntry(`
      import { createServer } from 'node:net';
      startAction({ name: 'demo', main: async () => { createServer().listen(0, '127.0.0.1'); } });`);
    expect(result.code).toBe(0);
    expect(result.ms).toBeLessThan(10_000);
  });

  it('runs post instead of main when the state says so', async () => {
    const result = await runEntry(`
      process.env.STATE_isPost = 'true';
      startAction({ name: 'demo', main: async () => console.log('main'), post: async () => console.log('post') });`);
    expect(result.stdout.trim()).toBe('post');
  });
});

describe('describeFailure', () => {
  it('prefixes the action name once', () => {
    expect(describeFailure('smoke-test', new Error('smoke-test: already named'))).toBe(
      'smoke-test: already named',
    );
    expect(describeFailure('smoke-test', 'plain')).toBe('smoke-test: plain');
  });

  it('names a huge value by its length instead of echoing it, and bounds the whole message', () => {
    const huge = 'x'.repeat(100_000);
    const quoted = describeFailure('tag-release', new Error(`'sha' must be a commit SHA, got '${huge}'`));
    expect(quoted).toBe(
      `tag-release: 'sha' must be a commit SHA, got '${'x'.repeat(80)}…' (100000 characters)`,
    );
    const unquoted = describeFailure('deploy-env', new Error(`bad value ${huge} (add the scheme)`));
    expect(unquoted.length).toBeLessThanOrEqual(2000);
    expect(unquoted).toMatch(/^deploy-env: bad value x+ … \[\d+ characters cut\] … x+ \(add the scheme\)$/);
    const short = "'url' must be an http or https URL, got 'ftp://x'";
    expect(describeFailure('smoke-test', new Error(short))).toBe(`smoke-test: ${short}`);
  });
});
