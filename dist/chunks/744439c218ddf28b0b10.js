export const id = 904;
export const ids = [904];
export const modules = {

/***/ 6718:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   C: () => (/* binding */ errorCode),
/* harmony export */   Z: () => (/* binding */ writeFileAtomic)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
// Durable whole-file writes for the file ledger and its artifact store: a temporary file beside the target,
// fsynced, renamed over it (retried while Windows holds the target open), and the folder fsynced, so a
// reader sees one whole version or the next and a power cut loses at most the last change.



/**
 * Writes `text` to a temporary file beside `path`, fsyncs it, renames it over `path`, fsyncs the folder.
 * Synchronous system calls: the same guarantees without a thread-pool hop per call.
 */
async function writeFileAtomic(path, text) {
    const folder = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.dirname)(path);
    const temporary = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(folder, `.${(0,node_path__WEBPACK_IMPORTED_MODULE_2__.basename)(path)}.${process.pid}.${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(6).toString('hex')}.tmp`);
    const fd = (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.openSync)(temporary, 'wx');
    try {
        (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.writeSync)(fd, text);
        (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.fsyncSync)(fd);
    }
    catch (error) {
        (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.closeSync)(fd);
        (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.rmSync)(temporary, { force: true });
        throw error;
    }
    (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.closeSync)(fd);
    try {
        await renameWithRetry(temporary, path);
    }
    catch (error) {
        (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.rmSync)(temporary, { force: true });
        throw error;
    }
    syncFolder(folder);
}
/** Windows refuses a rename while another process has the target open; that passes quickly. */
async function renameWithRetry(from, to) {
    for (let attempt = 0;; attempt += 1) {
        try {
            (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.renameSync)(from, to);
            return;
        }
        catch (error) {
            const code = errorCode(error);
            if (attempt >= 20 || (code !== 'EPERM' && code !== 'EBUSY' && code !== 'EACCES'))
                throw error;
            await new Promise((done) => setTimeout(done, 10 + attempt * 10));
        }
    }
}
/** Makes the rename itself durable; not possible on every platform (Windows), so best effort. */
function syncFolder(folder) {
    try {
        const fd = (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.openSync)(folder, 'r');
        try {
            (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.fsyncSync)(fd);
        }
        finally {
            (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.closeSync)(fd);
        }
    }
    catch {
        // the data is already on disk; only the name may be lost on a power cut here
    }
}
/** The `code` of a file-system error (`ENOENT`, `EPERM`…), if it has one. */
function errorCode(error) {
    return error?.code;
}


/***/ }),

/***/ 6904:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  FILE_LEDGER_VERSION: () => (/* binding */ FILE_LEDGER_VERSION),
  FileLedger: () => (/* binding */ FileLedger),
  LedgerFileError: () => (/* binding */ LedgerFileError),
  parseLedger: () => (/* binding */ parseLedger)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/ledger/atomic-write.ts
var atomic_write = __webpack_require__(6718);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
;// CONCATENATED MODULE: ./src/ledger/lock.ts
// An exclusive lock between processes, held as a file beside what it protects (the file ledger uses
// `<ledger>.lock`). Pure Node: no @actions/*.
//
// - Taking it: `open(path, 'wx')` (fails when the file exists) and write `{ pid, host, createdAt, token }`.
// - Waiting: retry with a short, growing, jittered back-off until `timeoutMs`, then a LockTimeoutError that
//   says who holds it.
// - Holding: the holder refreshes the file's mtime every `staleMs / 3`, so an old mtime means nobody is
//   looking after the lock any more.
// - Abandoned locks: a lock whose pid is gone on this host, or not refreshed for `staleMs`, is taken over.
//   Two waiters must not both take over the same abandoned lock (A removes it and takes a new one, then B
//   removes A's). So removing is serialised per abandoned lock: a waiter first creates the claim file
//   `<lock>.takeover-<id of that lock>` with 'wx' (one winner), then re-reads the lock and removes it only if
//   it is still that same lock (ids are random and never reused), then drops its claim. Everyone,
//   including the winner, then races for the lock again with 'wx'.
//   The one window left: a waiter killed while holding a claim leaves it behind; the claim is cleared once
//   it is itself abandoned, and two waiters clearing it at the same instant could both proceed.




const DEFAULT_LOCK_TIMEOUT_MS = 10_000;
const DEFAULT_LOCK_STALE_MS = 30_000;
class LockTimeoutError extends Error {
    name = 'LockTimeoutError';
    lockPath;
    owner;
    constructor(lockPath, owner, waitedMs) {
        const who = owner
            ? `process ${owner.pid} on ${owner.host} since ${owner.createdAt}`
            : 'an unknown process (the lock file names no owner)';
        super(`timed out after ${waitedMs} ms waiting for the lock ${lockPath}, held by ${who}; ` +
            'if that process is gone, the lock is taken over once it is stale, or it can be deleted by hand');
        this.lockPath = lockPath;
        this.owner = owner;
    }
}
/** Runs `fn` while holding the lock at `lockPath`, and releases it however `fn` ends. */
async function withLock(lockPath, fn, options = {}) {
    const lock = await acquireLock(lockPath, options);
    try {
        return await fn();
    }
    finally {
        await lock.release();
    }
}
async function acquireLock(lockPath, options = {}) {
    const timeoutMs = options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
    const staleMs = options.staleMs ?? DEFAULT_LOCK_STALE_MS;
    const started = Date.now();
    let delay = 2;
    for (;;) {
        const owner = {
            pid: process.pid,
            host: (0,external_node_os_.hostname)(),
            createdAt: new Date().toISOString(),
            token: (0,external_node_crypto_.randomBytes)(12).toString('hex'),
        };
        const handle = await tryCreate(lockPath, owner);
        if (handle)
            return hold(lockPath, owner, handle, staleMs);
        const current = await inspect(lockPath);
        if (!current)
            continue; // released between our attempt and our look: try again at once
        // Try again at once after a takeover; when another waiter is busy taking over, wait like for a holder.
        if (isAbandoned(current, staleMs) && (await takeOver(lockPath, current, staleMs)))
            continue;
        const waited = Date.now() - started;
        if (waited >= timeoutMs)
            throw new LockTimeoutError(lockPath, current.owner, waited);
        await sleep(Math.min(delay * (0.5 + Math.random()), timeoutMs - waited));
        delay = Math.min(delay * 1.6, 100);
    }
}
/** The lock's current owner, or undefined when there is no lock (or it is not readable yet). */
async function readLockOwner(lockPath) {
    return (await inspect(lockPath))?.owner;
}
async function tryCreate(path, owner) {
    let handle;
    try {
        handle = await (0,promises_.open)(path, 'wx');
    }
    catch (error) {
        if (code(error) === 'EEXIST')
            return undefined;
        if (code(error) !== 'ENOENT')
            throw error;
        await (0,promises_.mkdir)((0,external_node_path_.dirname)(path), { recursive: true });
        return tryCreate(path, owner);
    }
    try {
        await handle.writeFile(JSON.stringify(owner));
        return handle;
    }
    catch (error) {
        await handle.close().catch(() => { });
        await (0,promises_.unlink)(path).catch(() => { });
        throw error;
    }
}
function hold(path, owner, handle, staleMs) {
    // Touch our own inode (not whatever sits at `path` now) so a lock that was taken over is not refreshed.
    const heartbeat = setInterval(() => {
        const now = new Date();
        handle.utimes(now, now).catch(() => { });
    }, Math.max(10, Math.floor(staleMs / 3)));
    heartbeat.unref();
    let released = false;
    return {
        path,
        owner,
        async release() {
            if (released)
                return;
            released = true;
            clearInterval(heartbeat);
            await handle.close().catch(() => { });
            const current = await inspect(path);
            if (current?.id === idOf(owner.token))
                await unlinkIfPresent(path);
        },
    };
}
async function inspect(path) {
    let handle;
    try {
        handle = await (0,promises_.open)(path, 'r');
    }
    catch (error) {
        if (code(error) === 'ENOENT')
            return undefined;
        throw error;
    }
    try {
        // One handle for both, so the content and the times belong to the same file.
        const stats = await handle.stat();
        const owner = parseOwner(await handle.readFile('utf8'));
        const id = owner ? idOf(owner.token) : idOf(`unreadable:${stats.dev}:${stats.ino}:${stats.mtimeMs}`);
        return { id, owner, mtimeMs: stats.mtimeMs };
    }
    finally {
        await handle.close();
    }
}
function parseOwner(text) {
    try {
        const value = JSON.parse(text);
        if (value &&
            typeof value.pid === 'number' &&
            typeof value.host === 'string' &&
            typeof value.createdAt === 'string' &&
            typeof value.token === 'string' &&
            value.token !== '') {
            return value;
        }
    }
    catch {
        // Being written right now, or written by something else: judged by its age alone.
    }
    return undefined;
}
function isAbandoned(seen, staleMs) {
    const owner = seen.owner;
    if (owner && owner.host === (0,external_node_os_.hostname)() && !processExists(owner.pid))
        return true;
    return Date.now() - seen.mtimeMs > staleMs;
}
/** Removes the abandoned lock `seen` unless another waiter is at it; false when that waiter is still busy. */
async function takeOver(lockPath, seen, staleMs) {
    const claimPath = `${lockPath}.takeover-${seen.id}`;
    const claimant = {
        pid: process.pid,
        host: (0,external_node_os_.hostname)(),
        createdAt: new Date().toISOString(),
        token: (0,external_node_crypto_.randomBytes)(12).toString('hex'),
    };
    const claim = await tryCreate(claimPath, claimant);
    if (!claim) {
        // Someone else is removing this lock. If that someone died doing it, clear the claim once abandoned.
        const other = await inspect(claimPath);
        if (other && !isAbandoned(other, staleMs))
            return false;
        await unlinkIfPresent(claimPath);
        return true;
    }
    try {
        const again = await inspect(lockPath);
        if (again?.id === seen.id)
            await unlinkIfPresent(lockPath);
        return true;
    }
    finally {
        await claim.close().catch(() => { });
        await unlinkIfPresent(claimPath);
    }
}
function processExists(pid) {
    if (!Number.isInteger(pid) || pid <= 0)
        return false;
    try {
        process.kill(pid, 0);
        return true;
    }
    catch (error) {
        return code(error) === 'EPERM'; // exists, but belongs to someone else
    }
}
function idOf(text) {
    return (0,external_node_crypto_.createHash)('sha256').update(text).digest('hex').slice(0, 24);
}
async function unlinkIfPresent(path) {
    try {
        await (0,promises_.unlink)(path);
    }
    catch (error) {
        if (code(error) !== 'ENOENT')
            throw error;
    }
}
function code(error) {
    return error?.code;
}
function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

// EXTERNAL MODULE: ./src/ledger/types.ts
var types = __webpack_require__(4436);
;// CONCATENATED MODULE: ./src/ledger/file.ts
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





const FILE_LEDGER_VERSION = 1;
/** A ledger file that cannot be read or written; the message names the file and the problem. */
class LedgerFileError extends Error {
    name = 'LedgerFileError';
    path;
    constructor(path, problem) {
        super(`file ledger ${path}: ${problem}`);
        this.path = path;
    }
}
class FileLedger {
    kind = 'file';
    /** Absolute path of the ledger file. */
    path;
    lockPath;
    #now;
    #lock;
    #mustExist;
    constructor(path, options = {}) {
        if (path.trim() === '')
            throw new Error("file ledger: the path is empty; expected 'file:<path>'");
        this.path = (0,external_node_path_.resolve)(path);
        this.lockPath = `${this.path}.lock`;
        this.#now = options.now ?? (() => new Date());
        this.#lock = options.lock ?? {};
        this.#mustExist = options.mustExist ?? false;
    }
    async create(request) {
        if (request.environment.trim() === '') {
            throw new LedgerFileError(this.path, 'a deployment needs an environment name, got an empty one');
        }
        // Through JSON now, so what create returns is exactly what a later read gives back.
        const payload = JSON.parse(JSON.stringify({ ...request.payload, [types/* RECORD_KEY */.sD]: request.record }));
        return this.#change((data) => {
            const stored = {
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
    async setStatus(id, update) {
        checkState(this.path, update.state);
        await this.#change((data) => {
            this.#find(data, id).statuses.push(this.#status(update));
        });
    }
    async renew(id, mark) {
        await this.#change((data) => {
            const found = this.#find(data, id);
            const pgid = mark.pgid ?? found.lease?.pgid;
            found.lease = { renewedAt: this.#now().toISOString(), ...(pgid !== undefined ? { pgid } : {}) };
        });
    }
    async history(environment, options = {}) {
        const data = await this.#read();
        const limit = options.limit ?? Number.POSITIVE_INFINITY;
        return data.deployments
            .filter((deployment) => deployment.environment === environment)
            .sort((a, b) => Number(b.id) - Number(a.id))
            .slice(0, Math.max(0, limit))
            .map(toEntry);
    }
    async get(id) {
        const data = await this.#read();
        const found = data.deployments.find((deployment) => deployment.id === id);
        return found ? toEntry(found) : undefined;
    }
    async environments() {
        const data = await this.#read();
        return [...new Set(data.deployments.map((deployment) => deployment.environment))].sort(byName);
    }
    /** One write for all of them: every id must exist, or nothing is changed. */
    async deactivate(ids, description) {
        if (ids.length === 0)
            return;
        await this.#change((data) => {
            const targets = ids.map((id) => this.#find(data, id));
            for (const target of targets)
                target.statuses.push(this.#status({ state: 'inactive', description }));
        });
    }
    #status(update) {
        return {
            state: update.state,
            ...(update.description !== undefined ? { description: update.description } : {}),
            ...(update.environmentUrl !== undefined ? { environmentUrl: update.environmentUrl } : {}),
            ...(update.logUrl !== undefined ? { logUrl: update.logUrl } : {}),
            createdAt: this.#now().toISOString(),
        };
    }
    #find(data, id) {
        const found = data.deployments.find((deployment) => deployment.id === id);
        if (!found)
            throw new LedgerFileError(this.path, `there is no deployment with id '${id}'`);
        return found;
    }
    /** Read-modify-write under the lock; when `apply` throws, the file is left as it was. */
    async #change(apply) {
        (0,external_node_fs_.mkdirSync)((0,external_node_path_.dirname)(this.path), { recursive: true });
        return withLock(this.lockPath, async () => {
            const data = await this.#read();
            const result = apply(data);
            await (0,atomic_write/* writeFileAtomic */.Z)(this.path, `${JSON.stringify(data, null, 2)}\n`);
            return result;
        }, this.#lock);
    }
    async #read() {
        let text;
        try {
            // Synchronous on purpose: a step does a handful of these, and each async hop through libuv's thread
            // pool costs more than the read itself (measured in the start-up benchmark).
            text = (0,external_node_fs_.readFileSync)(this.path, 'utf8');
        }
        catch (error) {
            const code = (0,atomic_write/* errorCode */.C)(error);
            if (code === 'ENOENT') {
                if (!this.#mustExist)
                    return emptyLedger();
                throw new LedgerFileError(this.path, 'does not exist: check the path (a deploy creates the ledger on its first run)');
            }
            if (code === 'EISDIR')
                throw new LedgerFileError(this.path, 'is a folder, expected a JSON file');
            throw new LedgerFileError(this.path, `cannot be read: ${error.message}`);
        }
        return parseLedger(this.path, text);
    }
}
/** Names in a stable order, whatever the locale: code point order. */
function byName(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}
function emptyLedger() {
    return { version: FILE_LEDGER_VERSION, nextId: 1, deployments: [] };
}
const NEVER_RESET = 'fix it, or move it away to start a new ledger (the next deploy creates one); deploy-kit never resets a ledger it cannot read';
/** Checks the whole file; throws a LedgerFileError naming the first problem and where it is. */
function parseLedger(path, text) {
    // Whatever emptied it (a full disk, a copy cut short, a hand edit), the records it held are gone: a reset
    // here would hand out ids again and lose what is live.
    if (text.trim() === '') {
        throw new LedgerFileError(path, `is empty (${Buffer.byteLength(text)} bytes), not a ledger: it may have been cut short; ${NEVER_RESET}`);
    }
    let value;
    try {
        value = JSON.parse(text);
    }
    catch (error) {
        throw new LedgerFileError(path, `is not valid JSON (${error.message}); ${NEVER_RESET}`);
    }
    const bad = (where, problem) => new LedgerFileError(path, `${where} ${problem}; ${NEVER_RESET}`);
    if (!isObject(value))
        throw bad('the top level', `must be an object, got ${kindOf(value)}`);
    if (typeof value.version === 'number' && value.version > FILE_LEDGER_VERSION) {
        throw new LedgerFileError(path, `has version ${value.version}, newer than this deploy-kit reads (${FILE_LEDGER_VERSION}); upgrade deploy-kit`);
    }
    if (value.version !== FILE_LEDGER_VERSION) {
        throw bad('version', `must be ${FILE_LEDGER_VERSION}, got ${kindOf(value.version)}`);
    }
    const nextId = value.nextId;
    if (typeof nextId !== 'number' || !Number.isSafeInteger(nextId) || nextId < 1) {
        throw bad('nextId', `must be a whole number of at least 1, got ${kindOf(nextId)}`);
    }
    const deployments = value.deployments;
    if (!Array.isArray(deployments))
        throw bad('deployments', `must be a list, got ${kindOf(deployments)}`);
    const seen = new Set();
    let highest = 0;
    for (const [index, deployment] of deployments.entries()) {
        const at = `deployments[${index}]`;
        if (!isObject(deployment))
            throw bad(at, `must be an object, got ${kindOf(deployment)}`);
        const id = deployment.id;
        if (typeof id !== 'string' || !/^[1-9][0-9]*$/.test(id)) {
            throw bad(`${at}.id`, `must be a string of a whole number like "12", got ${kindOf(id)}`);
        }
        if (seen.has(id))
            throw bad(`${at}.id`, `"${id}" is the id of an earlier deployment too`);
        seen.add(id);
        highest = Math.max(highest, Number(id));
        for (const key of ['environment', 'task', 'sha', 'ref', 'createdAt']) {
            if (typeof deployment[key] !== 'string') {
                throw bad(`${at}.${key}`, `must be a string, got ${kindOf(deployment[key])}`);
            }
        }
        for (const key of ['creator', 'description']) {
            if (deployment[key] !== undefined && typeof deployment[key] !== 'string') {
                throw bad(`${at}.${key}`, `must be a string when present, got ${kindOf(deployment[key])}`);
            }
        }
        if (!isObject(deployment.payload)) {
            throw bad(`${at}.payload`, `must be an object, got ${kindOf(deployment.payload)}`);
        }
        const statuses = deployment.statuses;
        if (!Array.isArray(statuses))
            throw bad(`${at}.statuses`, `must be a list, got ${kindOf(statuses)}`);
        for (const [statusIndex, status] of statuses.entries()) {
            const sat = `${at}.statuses[${statusIndex}]`;
            if (!isObject(status))
                throw bad(sat, `must be an object, got ${kindOf(status)}`);
            if (!types/* DEPLOYMENT_STATES */.jb.includes(status.state)) {
                throw bad(`${sat}.state`, `must be one of ${types/* DEPLOYMENT_STATES */.jb.join(', ')}, got ${kindOf(status.state)}`);
            }
            if (typeof status.createdAt !== 'string') {
                throw bad(`${sat}.createdAt`, `must be a string, got ${kindOf(status.createdAt)}`);
            }
        }
    }
    const data = value;
    // Ids are never reused, even when someone lowered nextId by hand.
    data.nextId = Math.max(nextId, highest + 1);
    return data;
}
function toEntry(stored) {
    const payload = structuredClone(stored.payload);
    const statuses = stored.statuses.map((status) => ({ ...status })).reverse();
    const record = (0,types/* recordOf */.zv)(payload);
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
function isLeaseMark(value) {
    const mark = value;
    return (typeof mark === 'object' &&
        mark !== null &&
        typeof mark.renewedAt === 'string' &&
        (mark.pgid === undefined || Number.isSafeInteger(mark.pgid)));
}
function checkState(path, state) {
    if (!types/* DEPLOYMENT_STATES */.jb.includes(state)) {
        throw new LedgerFileError(path, `a status must be one of ${types/* DEPLOYMENT_STATES */.jb.join(', ')}, got ${JSON.stringify(state)}`);
    }
}
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function kindOf(value) {
    if (value === undefined)
        return 'nothing';
    if (value === null)
        return 'null';
    if (Array.isArray(value))
        return 'a list';
    if (typeof value === 'object')
        return 'an object';
    return `${typeof value} ${JSON.stringify(value)}`;
}


/***/ })

};
