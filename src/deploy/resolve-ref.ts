// Turns what a user calls a ref (a SHA, a branch, a tag) into the exact commit, with git and an argument
// array, so a hostile ref cannot become an option or a shell word.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { FULL_SHA } from '../common/git-refs.js';

const run = promisify(execFile);

/** The full SHA of `ref` in the repository at `cwd`, or undefined when git cannot tell. */
export async function resolveWithGit(ref: string, cwd: string): Promise<string | undefined> {
  if (FULL_SHA.test(ref)) return ref;
  try {
    const { stdout } = await run(
      'git',
      ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`],
      {
        cwd,
      },
    );
    const sha = stdout.trim();
    return FULL_SHA.test(sha) ? sha : undefined;
  } catch {
    return undefined;
  }
}
