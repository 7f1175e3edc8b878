// Release bundles kept beside a file ledger (runs outside GitHub): what deploy-env saves and rollback
// restores when the ledger is a file, as the Actions cache does on GitHub.
import { createHash, randomBytes } from 'node:crypto';
import { cp, mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { errorCode, writeFileAtomic } from './atomic-write.js';
import type { ArtifactStore } from './types.js';

interface ArtifactMeta {
  key: string;
  kind: 'file' | 'folder';
  savedAt: string;
}

/**
 * Release bundles kept beside a file ledger: `<folder>/<ledger file name>.artifacts/<safe key>/`, each
 * holding `meta.json` and `data` (a copy of the file or of the folder). Saving copies into a temporary
 * folder and renames it into place, so a key is either whole or absent.
 */
export class FileArtifactStore implements ArtifactStore {
  readonly kind = 'file' as const;
  /** Absolute path of the folder holding every key. */
  readonly root: string;

  /** `ledgerPath` is the ledger file's path (the same one given to FileLedger). */
  constructor(ledgerPath: string) {
    if (ledgerPath.trim() === '')
      throw new Error("file artifact store: the ledger path is empty; expected 'file:<path>'");
    const absolute = resolve(ledgerPath);
    this.root = join(dirname(absolute), `${basename(absolute)}.artifacts`);
  }

  /** Where a key's copy lives; always directly inside `root`. */
  pathOf(key: string): string {
    const path = join(this.root, safeArtifactKey(key));
    if (dirname(path) !== this.root || !path.startsWith(this.root + sep)) {
      throw new Error(
        `file artifact store: key ${JSON.stringify(key)} does not name a folder inside ${this.root}`,
      );
    }
    return path;
  }

  async save(key: string, path: string): Promise<void> {
    const target = this.pathOf(key);
    const source = resolve(path);
    let kind: ArtifactMeta['kind'];
    try {
      kind = (await stat(source)).isDirectory() ? 'folder' : 'file';
    } catch (error) {
      if (errorCode(error) === 'ENOENT') {
        throw new Error(`file artifact store: cannot save ${JSON.stringify(key)}: ${source} does not exist`);
      }
      throw error;
    }
    await mkdir(this.root, { recursive: true });
    const temporary = join(this.root, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
    try {
      await mkdir(temporary);
      await cp(source, join(temporary, 'data'), {
        recursive: true,
        preserveTimestamps: true,
        verbatimSymlinks: true,
        errorOnExist: true,
        force: false,
      });
      const meta: ArtifactMeta = { key, kind, savedAt: new Date().toISOString() };
      await writeFileAtomic(join(temporary, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
      await this.#replace(temporary, target);
    } finally {
      await rm(temporary, { recursive: true, force: true });
    }
  }

  async restore(key: string, path: string): Promise<boolean> {
    const stored = this.pathOf(key);
    let metaText: string;
    try {
      metaText = await readFile(join(stored, 'meta.json'), 'utf8');
    } catch (error) {
      if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return false;
      throw error;
    }
    let meta: Partial<ArtifactMeta>;
    try {
      meta = JSON.parse(metaText) as Partial<ArtifactMeta>;
    } catch (error) {
      throw new Error(
        `file artifact store: ${join(stored, 'meta.json')} is not valid JSON (${(error as Error).message})`,
      );
    }
    // On a case-insensitive disk `A` and `a` share a folder: only the key that was saved there is found.
    if (meta.key !== key) return false;
    if (meta.kind !== 'file' && meta.kind !== 'folder') {
      throw new Error(`file artifact store: ${join(stored, 'meta.json')} has no kind 'file' or 'folder'`);
    }
    const target = resolve(path);
    await mkdir(dirname(target), { recursive: true });
    // A folder is copied into `path` (created when missing); files there are overwritten, others left alone.
    await cp(join(stored, 'data'), target, {
      recursive: true,
      preserveTimestamps: true,
      verbatimSymlinks: true,
      force: true,
    });
    return true;
  }

  /** Renames the new copy into place; an older copy under the same key is moved aside first, then removed. */
  async #replace(temporary: string, target: string): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await rename(temporary, target);
        return;
      } catch (error) {
        const code = errorCode(error);
        if (attempt >= 10 || (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EPERM')) throw error;
      }
      const old = join(this.root, `.old-${process.pid}-${randomBytes(6).toString('hex')}`);
      try {
        await rename(target, old);
      } catch (error) {
        if (errorCode(error) !== 'ENOENT') throw error; // another saver moved it already
        continue;
      }
      await rm(old, { recursive: true, force: true });
    }
  }
}

/**
 * A key as a single, safe folder name: letters, digits, `_`, `-` and inner dots are kept; anything else
 * (and a first or last dot) becomes `%XX`, so `../../etc` is `%2E.%2F..%2Fetc`, one folder inside the store,
 * and different keys never share a folder. Very long keys are cut and end with a hash of the whole key.
 */
export function safeArtifactKey(key: string): string {
  if (key === '') throw new Error('file artifact store: an artifact key must not be empty');
  const bytes = Buffer.from(key, 'utf8');
  let safe = '';
  bytes.forEach((byte, index) => {
    const char = String.fromCharCode(byte);
    // A dot only inside: never `.`, `..` or a hidden name, and no trailing dot (Windows drops it).
    const keep = /[A-Za-z0-9_-]/.test(char) || (char === '.' && index > 0 && index < bytes.length - 1);
    safe += keep ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  });
  if (safe.length > 180) {
    safe = `${safe.slice(0, 140)}~${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
  }
  return safe;
}
