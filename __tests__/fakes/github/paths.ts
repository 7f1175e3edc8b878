// Finds a file inside an installed package (for the large data files of @octokit/openapi and
// @octokit/graphql-schema, read directly rather than through their eager entry points).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageFile(pkg: string, file: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'node_modules', pkg, file);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(`fake GitHub: cannot find ${pkg}/${file}; is ${pkg} installed (npm ci)?`);
    dir = parent;
  }
}
