// The file ledger: deployment records in a local JSON file, for runs outside GitHub (a laptop, GitLab,
// Jenkins). Same meaning as GitHub Deployments: increasing ids, statuses appended and read newest first,
// deploy-kit's record under `payload['deploy-kit']`. Like GitHub, nothing is made inactive behind the
// caller's back: deploy-kit calls `deactivate` itself.
//
// File format (pretty-printed so people can read it; statuses are stored oldest first, as appended):
//   { "version": 1, "nextId": 3, "deployments": [ { "id": "1", "environment": "staging", ..., "statuses": [] } ] }
//
// Durability: every change is a read-modify-write of the whole file under an exclusive lock (`<file>.lock`,
// see lock.ts), written to a temporary file in the same folder, fsynced and renamed over the old one. Reads
// take no lock: a rename is atomic, so a reader sees one whole version or the next. A missing file is an
// empty ledger for a writer (the first deploy creates it), but an error for a reader that needs history
// (status, rollback: `mustExist`), so a misspelt path is never taken for a ledger with no deployments. A
// file that cannot be read as a ledger, an empty (0-byte) or truncated one included, is an error naming it
// and how to start a new one, never reset.
//
// Beside it, FileArtifactStore (file-artifacts.ts) keeps release bundles in `<folder>/<file name>.artifacts/`.
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { errorCode, writeFileAtomic } from './atomic-write.js';
import { type LockOptions, withLock } from './lock.js';
import {
  type CreateDeploymentRequest,
  DEPLOYMENT_STATES,
  type DeploymentEntry,
  type DeploymentState,
  type LeaseMark,
  type Ledger,
  RECORD_KEY,
  recordOf,
  type StatusEntry,
  type StatusUpdate,
} from './types.js';

export const FILE_LEDGER_VERSION = 1;

/** A ledger file that cannot be read or written; the message names the file and the problem. */
export class LedgerFileError extends Error {
  override name = 'LedgerFileError';
  readonly path: string;

  constructor(path: string, problem: string) {
    super(`file ledger ${path}: ${problem}`);
    this.path = path;
  }
}

export interface FileLedgerOptions {
  /** The clock for `createdAt` of deployments and statuses. */
  now?: () => Date;
  /** Waiting for and taking over the file's lock (defaults: wait 10 s, stale after 30 s). */
  lock?: LockOptions;
  /** For reads that need history (status, rollback): a missing file is an error, not an empty ledger. */
  mustExist?: boolean;
}

/** One deployment as stored in the file. */
interface StoredDeployment {
  id: string;
  environment: string;
  task: string;
  sha: string;
  ref: string;
  createdAt: string;
  creator?: string;
  description?: string;
  productionEnvironment?: boolean;
  transientEnvironment?: boolean;
  payload: Record<string, unknown>;
  /** Oldest first, as appended. */
  statuses: StatusEntry[];
  /** The last lease renewal of an open deployment (renewals add no status). */
  lease?: LeaseMark;
}

interface LedgerData {
  version: number;
  nextId: number;
  deployments: StoredDeployment[];
}

export class FileLedger implements Ledger {
  readonly kind = 'file' as const;
  /** Absolute path of the ledger file. */
  readonly path: string;
  readonly lockPath: string;
  readonly #now: () => Date;
  readonly #lock: LockOptions;
  readonly #mustExist: boolean;

  constructor(path: string, options: FileLedgerOptions = {}) {
    if (path.trim() === '') throw new Error("file ledger: the path is empty; expected 'file:<path>'");
    this.path = resolve(path);
    this.lockPath = `${this.path}.lock`;
    this.#now = options.now ?? (() => new Date());
    this.#lock = options.lock ?? {};
    this.#mustExist = options.mustExist ?? false;
  }

  async create(request: CreateDeploymentRequest): Promise<DeploymentEntry> {
    if (request.environment.trim() === '') {
      throw new LedgerFileError(this.path, 'a deployment needs an environment name, got an empty one');
    }
    // Through JSON now, so what create returns is exactly what a later read gives back.
    const payload = JSON.parse(
      JSON.stringify({ ...request.payload, [RECORD_KEY]: request.record }),
    ) as Record<string, unknown>;
    return this.#change((data) => {
      const stored: StoredDeployment = {
        id: String(data.nextId),
        environment: request.environment,
        task: request.task,
        sha: request.sha,
        ref: request.ref,
        createdAt: this.#now().toISOString(),
        ...(request.record.actor ? { creator: request.record.actor } : {}),
        ...(request.description !== undefined ? { description: request.description } : {}),
        ...(request.productionEnvironment !== undefined
          ? { productionEnvironment: request.productionEnvironment }
          : {}),
        ...(request.transientEnvironment !== undefined
          ? { transientEnvironment: request.transientEnvironment }
          : {}),
        payload,
        statuses: [],
      };
      data.nextId += 1;
      data.deployments.push(stored);
      return toEntry(stored);
    });
  }

  async setStatus(id: string, update: StatusUpdate): Promise<void> {
    checkState(this.path, update.state);
    await this.#change((data) => {
      this.#find(data, id).statuses.push(this.#status(update));
    });
  }

  async renew(id: string, mark: { pgid?: number }): Promise<void> {
    await this.#change((data) => {
      const found = this.#find(data, id);
      const pgid = mark.pgid ?? found.lease?.pgid;
      found.lease = { renewedAt: this.#now().toISOString(), ...(pgid !== undefined ? { pgid } : {}) };
    });
  }

  async history(environment: string, options: { limit?: number } = {}): Promise<DeploymentEntry[]> {
    const data = await this.#read();
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    return data.deployments
      .filter((deployment) => deployment.environment === environment)
      .sort((a, b) => Number(b.id) - Number(a.id))
      .slice(0, Math.max(0, limit))
      .map(toEntry);
  }

  async get(id: string): Promise<DeploymentEntry | undefined> {
    const data = await this.#read();
    const found = data.deployments.find((deployment) => deployment.id === id);
    return found ? toEntry(found) : undefined;
  }

  async environments(): Promise<string[]> {
    const data = await this.#read();
    return [...new Set(data.deployments.map((deployment) => deployment.environment))].sort(byName);
  }

  /** One write for all of them: every id must exist, or nothing is changed. */
  async deactivate(ids: string[], description: string): Promise<void> {
    if (ids.length === 0) return;
    await this.#change((data) => {
      const targets = ids.map((id) => this.#find(data, id));
      for (const target of targets) target.statuses.push(this.#status({ state: 'inactive', description }));
    });
  }

  #status(update: StatusUpdate): StatusEntry {
    return {
      state: update.state,
      ...(update.description !== undefined ? { description: update.description } : {}),
      ...(update.environmentUrl !== undefined ? { environmentUrl: update.environmentUrl } : {}),
      ...(update.logUrl !== undefined ? { logUrl: update.logUrl } : {}),
      createdAt: this.#now().toISOString(),
    };
  }

  #find(data: LedgerData, id: string): StoredDeployment {
    const found = data.deployments.find((deployment) => deployment.id === id);
    if (!found) throw new LedgerFileError(this.path, `there is no deployment with id '${id}'`);
    return found;
  }

  /** Read-modify-write under the lock; when `apply` throws, the file is left as it was. */
  async #change<T>(apply: (data: LedgerData) => T): Promise<T> {
    mkdirSync(dirname(this.path), { recursive: true });
    return withLock(
      this.lockPath,
      async () => {
        const data = await this.#read();
        const result = apply(data);
        await writeFileAtomic(this.path, `${JSON.stringify(data, null, 2)}\n`);
        return result;
      },
      this.#lock,
    );
  }

  async #read(): Promise<LedgerData> {
    let text: string;
    try {
      // Synchronous on purpose: a step does a handful of these, and each async hop through libuv's thread
      // pool costs more than the read itself (measured in the start-up benchmark).
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ENOENT') {
        if (!this.#mustExist) return emptyLedger();
        throw new LedgerFileError(
          this.path,
          'does not exist: check the path (a deploy creates the ledger on its first run)',
        );
      }
      if (code === 'EISDIR') throw new LedgerFileError(this.path, 'is a folder, expected a JSON file');
      throw new LedgerFileError(this.path, `cannot be read: ${(error as Error).message}`);
    }
    return parseLedger(this.path, text);
  }
}

/** Names in a stable order, whatever the locale: code point order. */
function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function emptyLedger(): LedgerData {
  return { version: FILE_LEDGER_VERSION, nextId: 1, deployments: [] };
}

const NEVER_RESET =
  'fix it, or move it away to start a new ledger (the next deploy creates one); deploy-kit never resets a ledger it cannot read';

/** Checks the whole file; throws a LedgerFileError naming the first problem and where it is. */
export function parseLedger(path: string, text: string): LedgerData {
  // Whatever emptied it (a full disk, a copy cut short, a hand edit), the records it held are gone: a reset
  // here would hand out ids again and lose what is live.
  if (text.trim() === '') {
    throw new LedgerFileError(
      path,
      `is empty (${Buffer.byteLength(text)} bytes), not a ledger: it may have been cut short; ${NEVER_RESET}`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new LedgerFileError(path, `is not valid JSON (${(error as Error).message}); ${NEVER_RESET}`);
  }
  const bad = (where: string, problem: string) =>
    new LedgerFileError(path, `${where} ${problem}; ${NEVER_RESET}`);
  if (!isObject(value)) throw bad('the top level', `must be an object, got ${kindOf(value)}`);
  if (typeof value.version === 'number' && value.version > FILE_LEDGER_VERSION) {
    throw new LedgerFileError(
      path,
      `has version ${value.version}, newer than this deploy-kit reads (${FILE_LEDGER_VERSION}); upgrade deploy-kit`,
    );
  }
  if (value.version !== FILE_LEDGER_VERSION) {
    throw bad('version', `must be ${FILE_LEDGER_VERSION}, got ${kindOf(value.version)}`);
  }
  const nextId = value.nextId;
  if (typeof nextId !== 'number' || !Number.isSafeInteger(nextId) || nextId < 1) {
    throw bad('nextId', `must be a whole number of at least 1, got ${kindOf(nextId)}`);
  }
  const deployments = value.deployments;
  if (!Array.isArray(deployments)) throw bad('deployments', `must be a list, got ${kindOf(deployments)}`);

  const seen = new Set<string>();
  let highest = 0;
  for (const [index, deployment] of (deployments as unknown[]).entries()) {
    const at = `deployments[${index}]`;
    if (!isObject(deployment)) throw bad(at, `must be an object, got ${kindOf(deployment)}`);
    const id = deployment.id;
    if (typeof id !== 'string' || !/^[1-9][0-9]*$/.test(id)) {
      throw bad(`${at}.id`, `must be a string of a whole number like "12", got ${kindOf(id)}`);
    }
    if (seen.has(id)) throw bad(`${at}.id`, `"${id}" is the id of an earlier deployment too`);
    seen.add(id);
    highest = Math.max(highest, Number(id));
    for (const key of ['environment', 'task', 'sha', 'ref', 'createdAt'] as const) {
      if (typeof deployment[key] !== 'string') {
        throw bad(`${at}.${key}`, `must be a string, got ${kindOf(deployment[key])}`);
      }
    }
    for (const key of ['creator', 'description'] as const) {
      if (deployment[key] !== undefined && typeof deployment[key] !== 'string') {
        throw bad(`${at}.${key}`, `must be a string when present, got ${kindOf(deployment[key])}`);
      }
    }
    if (!isObject(deployment.payload)) {
      throw bad(`${at}.payload`, `must be an object, got ${kindOf(deployment.payload)}`);
    }
    const statuses = deployment.statuses;
    if (!Array.isArray(statuses)) throw bad(`${at}.statuses`, `must be a list, got ${kindOf(statuses)}`);
    for (const [statusIndex, status] of (statuses as unknown[]).entries()) {
      const sat = `${at}.statuses[${statusIndex}]`;
      if (!isObject(status)) throw bad(sat, `must be an object, got ${kindOf(status)}`);
      if (!DEPLOYMENT_STATES.includes(status.state as DeploymentState)) {
        throw bad(
          `${sat}.state`,
          `must be one of ${DEPLOYMENT_STATES.join(', ')}, got ${kindOf(status.state)}`,
        );
      }
      if (typeof status.createdAt !== 'string') {
        throw bad(`${sat}.createdAt`, `must be a string, got ${kindOf(status.createdAt)}`);
      }
    }
  }
  const data = value as unknown as LedgerData;
  // Ids are never reused, even when someone lowered nextId by hand.
  data.nextId = Math.max(nextId, highest + 1);
  return data;
}

function toEntry(stored: StoredDeployment): DeploymentEntry {
  const payload = structuredClone(stored.payload);
  const statuses = stored.statuses.map((status) => ({ ...status })).reverse();
  const record = recordOf(payload);
  return {
    id: stored.id,
    environment: stored.environment,
    task: stored.task,
    sha: stored.sha,
    ref: stored.ref,
    createdAt: stored.createdAt,
    ...(stored.creator !== undefined ? { creator: stored.creator } : {}),
    ...(stored.description !== undefined ? { description: stored.description } : {}),
    payload,
    ...(record ? { record } : {}),
    statuses,
    state: statuses[0]?.state ?? 'pending',
    ...(isLeaseMark(stored.lease) ? { lease: { ...stored.lease } } : {}),
  };
}

/** A lease kept by this version; anything else in the field is ignored, never trusted. */
function isLeaseMark(value: unknown): value is LeaseMark {
  const mark = value as Partial<LeaseMark> | null | undefined;
  return (
    typeof mark === 'object' &&
    mark !== null &&
    typeof mark.renewedAt === 'string' &&
    (mark.pgid === undefined || Number.isSafeInteger(mark.pgid))
  );
}

function checkState(path: string, state: DeploymentState): void {
  if (!DEPLOYMENT_STATES.includes(state)) {
    throw new LedgerFileError(
      path,
      `a status must be one of ${DEPLOYMENT_STATES.join(', ')}, got ${JSON.stringify(state)}`,
    );
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}
