// Keeps one copy of each ncc chunk that two or more bundles in a dist folder carry byte for byte.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SHARED = 'chunks';
const CHUNK = /^\d+\.index\.js$/;
const STUB = /^\/\/ deploy-kit: shared chunk\nexport \* from '\.\.\/chunks\/([0-9a-f]+\.js)';\n$/;

/**
 * Every action ships in the same repository archive, and ncc gives each bundle its own copy of the chunks
 * they share (@actions/cache's Azure SDK alone is 2.5 MB in four bundles). A chunk that two or more bundles
 * carry with the same bytes is kept once in <out>/chunks/<sha256>.js, and each bundle's copy becomes a
 * one-line re-export of it: webpack's ESM chunk loader reads only the chunk's exports (ids, modules), so
 * the bundle runs as before. The layout depends only on the bundles' contents, so a partial build ends
 * where a full one would, and check-dist can compare them.
 */
export function shareChunks(out) {
  const bundles = readdirSync(out, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== SHARED && !d.name.includes('.building-'))
    .map((d) => d.name);
  const sharedDir = join(out, SHARED);
  const copies = new Map();
  for (const bundle of bundles) {
    for (const file of readdirSync(join(out, bundle)).filter((f) => CHUNK.test(f))) {
      const path = join(out, bundle, file);
      let text = readFileSync(path, 'utf8');
      const stub = STUB.exec(text);
      if (stub) text = readFileSync(join(sharedDir, stub[1]), 'utf8');
      const name = `${createHash('sha256').update(text).digest('hex').slice(0, 20)}.js`;
      if (!copies.has(name)) copies.set(name, { text, paths: [] });
      copies.get(name).paths.push(path);
    }
  }
  const kept = new Set();
  for (const [name, { text, paths }] of copies) {
    if (paths.length < 2) {
      writeFileSync(paths[0], text);
      continue;
    }
    mkdirSync(sharedDir, { recursive: true });
    writeFileSync(join(sharedDir, name), text);
    kept.add(name);
    for (const path of paths)
      writeFileSync(path, `// deploy-kit: shared chunk\nexport * from '../${SHARED}/${name}';\n`);
  }
  if (!existsSync(sharedDir)) return;
  for (const file of readdirSync(sharedDir)) if (!kept.has(file)) rmSync(join(sharedDir, file));
  if (kept.size === 0) rmSync(sharedDir, { recursive: true });
}
