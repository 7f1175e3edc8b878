import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/common/input-error.js';
import {
  pathRoots,
  realDestination,
  resolveFolderInside,
  resolveInside,
} from '../../src/common/workspace-path.js';

function world() {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'workspace-path-')));
  const workspace = join(root, 'ws');
  const temp = join(root, 'temp');
  const outside = join(root, 'outside');
  for (const dir of [workspace, temp, outside, join(workspace, 'build')]) mkdirSync(dir, { recursive: true });
  writeFileSync(join(outside, 'secret.txt'), 'secret');
  return { root, workspace, temp, outside, roots: { workspace, temp } };
}

function refusal(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected a refusal');
}

describe('resolveInside', () => {
  it('accepts paths inside the workspace or RUNNER_TEMP, existing or not, and returns them absolute', () => {
    const w = world();
    expect(resolveInside({ input: 'p' }, 'build', w.roots)).toBe(join(w.workspace, 'build'));
    expect(resolveInside({ input: 'p' }, '.', w.roots)).toBe(w.workspace);
    expect(resolveInside({ input: 'p' }, 'new/deep/file.json', w.roots)).toBe(
      join(w.workspace, 'new/deep/file.json'),
    );
    expect(resolveInside({ input: 'p' }, join(w.temp, 'report.xml'), w.roots)).toBe(
      join(w.temp, 'report.xml'),
    );
    expect(resolveInside({ input: 'p' }, 'build/../x', w.roots)).toBe(join(w.workspace, 'x'));
    // Relative to a base inside (a control-file relative to working-directory).
    expect(resolveInside({ input: 'p' }, 'ctl', w.roots, join(w.workspace, 'build'))).toBe(
      join(w.workspace, 'build', 'ctl'),
    );
  });

  it('refuses ../ and absolute paths that lead out, naming the input and the resolved path', () => {
    const w = world();
    const error = refusal(() => resolveInside({ input: 'artifact-path' }, '../outside/secret.txt', w.roots));
    expect(error.input).toBe('artifact-path');
    expect(error.message).toBe(
      `'artifact-path' must be a path inside the workspace (${w.workspace}) or RUNNER_TEMP (${w.temp}), got '../outside/secret.txt', which resolves to '${join(w.outside, 'secret.txt')}'`,
    );
    expect(refusal(() => resolveInside({ input: 'p' }, '/etc/hostname', w.roots)).message).toContain(
      "got '/etc/hostname', which resolves to '/etc/hostname'",
    );
    expect(() => resolveInside({ input: 'p' }, '../../../etc', w.roots)).toThrow(InputError);
    // A sibling whose name starts like the workspace is not inside it.
    mkdirSync(`${w.workspace}-other`);
    expect(() => resolveInside({ input: 'p' }, `${w.workspace}-other/x`, w.roots)).toThrow(InputError);
    // Without RUNNER_TEMP only the workspace counts.
    expect(
      refusal(() => resolveInside({ input: 'p' }, join(w.temp, 'x'), { workspace: w.workspace })).message,
    ).toContain(`inside the workspace (${w.workspace}), got`);
  });

  it('follows symlinks, dangling ones and links in a parent folder too', () => {
    const w = world();
    symlinkSync(w.outside, join(w.workspace, 'out'));
    symlinkSync(join(w.outside, 'not-yet.txt'), join(w.workspace, 'dangling'));
    symlinkSync(join(w.workspace, 'build'), join(w.workspace, 'alias'));
    expect(refusal(() => resolveInside({ input: 'p' }, 'out/secret.txt', w.roots)).message).toContain(
      `which resolves to '${join(w.outside, 'secret.txt')}'`,
    );
    expect(refusal(() => resolveInside({ input: 'p' }, 'out/new/file', w.roots)).message).toContain(
      `which resolves to '${join(w.outside, 'new/file')}'`,
    );
    expect(refusal(() => resolveInside({ input: 'p' }, 'dangling', w.roots)).message).toContain(
      `which resolves to '${join(w.outside, 'not-yet.txt')}'`,
    );
    // A link that stays inside is fine.
    expect(resolveInside({ input: 'p' }, 'alias/x', w.roots)).toBe(join(w.workspace, 'alias/x'));
  });

  it('takes a deep path that does not exist yet, and refuses a cycle of links', () => {
    const w = world();
    const deep = Array.from({ length: 100 }, (_, i) => `d${i}`).join('/');
    expect(resolveInside({ input: 'p' }, deep, w.roots)).toBe(join(w.workspace, deep));
    symlinkSync(join(w.workspace, 'loop-b'), join(w.workspace, 'loop-a'));
    symlinkSync(join(w.workspace, 'loop-a'), join(w.workspace, 'loop-b'));
    const error = refusal(() => resolveInside({ input: 'p' }, 'loop-a/x', w.roots));
    expect(error.message).toBe(
      "'p' must be a path that leads somewhere, got 'loop-a/x': too many symbolic links in " +
        join(w.workspace, 'loop-a/x'),
    );
  });

  it('accepts a workspace that is itself reached through a symlink', () => {
    const w = world();
    const linked = join(w.root, 'ws-link');
    symlinkSync(w.workspace, linked);
    expect(resolveInside({ input: 'p' }, 'build', { workspace: linked })).toBe(join(linked, 'build'));
  });

  it('names a described value (a path read from a record) in the message', () => {
    const w = world();
    expect(
      refusal(() => resolveInside({ what: 'the path recorded by deployment 7' }, '../x', w.roots)).message,
    ).toMatch(/^the path recorded by deployment 7 must be a path inside/);
  });
});

describe('resolveFolderInside', () => {
  it('wants an existing folder inside', () => {
    const w = world();
    expect(resolveFolderInside({ input: 'working-directory' }, 'build', w.roots)).toBe(
      join(w.workspace, 'build'),
    );
    expect(() => resolveFolderInside({ input: 'working-directory' }, 'nope', w.roots)).toThrow(
      `'working-directory' must be an existing folder, got '${join(w.workspace, 'nope')}'`,
    );
    writeFileSync(join(w.workspace, 'file'), '');
    expect(() => resolveFolderInside({ input: 'working-directory' }, 'file', w.roots)).toThrow(
      /existing folder/,
    );
    expect(() => resolveFolderInside({ input: 'working-directory' }, '../../../etc', w.roots)).toThrow(
      /'working-directory' must be a path inside/,
    );
  });
});

describe('realDestination and pathRoots', () => {
  it('ends at the root for a path with no existing part', () => {
    expect(realDestination('/no-such-top/a/b')).toBe('/no-such-top/a/b');
  });

  it('reads GITHUB_WORKSPACE and RUNNER_TEMP', () => {
    expect(pathRoots({ GITHUB_WORKSPACE: '/w', RUNNER_TEMP: '/t' })).toEqual({ workspace: '/w', temp: '/t' });
    expect(pathRoots({})).toEqual({ workspace: process.cwd() });
  });
});
