export const id = 953;
export const ids = [953];
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

/***/ 8953:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   FileArtifactStore: () => (/* binding */ FileArtifactStore),
/* harmony export */   safeArtifactKey: () => (/* binding */ safeArtifactKey)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _atomic_write_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(6718);
// Release bundles kept beside a file ledger (runs outside GitHub): what deploy-env saves and rollback
// restores when the ledger is a file, as the Actions cache does on GitHub.




/**
 * Release bundles kept beside a file ledger: `<folder>/<ledger file name>.artifacts/<safe key>/`, each
 * holding `meta.json` and `data` (a copy of the file or of the folder). Saving copies into a temporary
 * folder and renames it into place, so a key is either whole or absent.
 */
class FileArtifactStore {
    kind = 'file';
    /** Absolute path of the folder holding every key. */
    root;
    /** `ledgerPath` is the ledger file's path (the same one given to FileLedger). */
    constructor(ledgerPath) {
        if (ledgerPath.trim() === '')
            throw new Error("file artifact store: the ledger path is empty; expected 'file:<path>'");
        const absolute = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.resolve)(ledgerPath);
        this.root = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.dirname)(absolute), `${(0,node_path__WEBPACK_IMPORTED_MODULE_2__.basename)(absolute)}.artifacts`);
    }
    /** Where a key's copy lives; always directly inside `root`. */
    pathOf(key) {
        const path = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(this.root, safeArtifactKey(key));
        if ((0,node_path__WEBPACK_IMPORTED_MODULE_2__.dirname)(path) !== this.root || !path.startsWith(this.root + node_path__WEBPACK_IMPORTED_MODULE_2__.sep)) {
            throw new Error(`file artifact store: key ${JSON.stringify(key)} does not name a folder inside ${this.root}`);
        }
        return path;
    }
    async save(key, path) {
        const target = this.pathOf(key);
        const source = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.resolve)(path);
        let kind;
        try {
            kind = (await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.stat)(source)).isDirectory() ? 'folder' : 'file';
        }
        catch (error) {
            if ((0,_atomic_write_js__WEBPACK_IMPORTED_MODULE_3__/* .errorCode */ .C)(error) === 'ENOENT') {
                throw new Error(`file artifact store: cannot save ${JSON.stringify(key)}: ${source} does not exist`);
            }
            throw error;
        }
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.mkdir)(this.root, { recursive: true });
        const temporary = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(this.root, `.tmp-${process.pid}-${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(6).toString('hex')}`);
        try {
            await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.mkdir)(temporary);
            await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.cp)(source, (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(temporary, 'data'), {
                recursive: true,
                preserveTimestamps: true,
                verbatimSymlinks: true,
                errorOnExist: true,
                force: false,
            });
            const meta = { key, kind, savedAt: new Date().toISOString() };
            await (0,_atomic_write_js__WEBPACK_IMPORTED_MODULE_3__/* .writeFileAtomic */ .Z)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(temporary, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
            await this.#replace(temporary, target);
        }
        finally {
            await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.rm)(temporary, { recursive: true, force: true });
        }
    }
    async restore(key, path) {
        const stored = this.pathOf(key);
        let metaText;
        try {
            metaText = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.readFile)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(stored, 'meta.json'), 'utf8');
        }
        catch (error) {
            if ((0,_atomic_write_js__WEBPACK_IMPORTED_MODULE_3__/* .errorCode */ .C)(error) === 'ENOENT' || (0,_atomic_write_js__WEBPACK_IMPORTED_MODULE_3__/* .errorCode */ .C)(error) === 'ENOTDIR')
                return false;
            throw error;
        }
        let meta;
        try {
            meta = JSON.parse(metaText);
        }
        catch (error) {
            throw new Error(`file artifact store: ${(0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(stored, 'meta.json')} is not valid JSON (${error.message})`);
        }
        // On a case-insensitive disk `A` and `a` share a folder: only the key that was saved there is found.
        if (meta.key !== key)
            return false;
        if (meta.kind !== 'file' && meta.kind !== 'folder') {
            throw new Error(`file artifact store: ${(0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(stored, 'meta.json')} has no kind 'file' or 'folder'`);
        }
        const target = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.resolve)(path);
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.mkdir)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.dirname)(target), { recursive: true });
        // A folder is copied into `path` (created when missing); files there are overwritten, others left alone.
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.cp)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(stored, 'data'), target, {
            recursive: true,
            preserveTimestamps: true,
            verbatimSymlinks: true,
            force: true,
        });
        return true;
    }
    /** Renames the new copy into place; an older copy under the same key is moved aside first, then removed. */
    async #replace(temporary, target) {
        for (let attempt = 0;; attempt += 1) {
            try {
                await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.rename)(temporary, target);
                return;
            }
            catch (error) {
                const code = (0,_atomic_write_js__WEBPACK_IMPORTED_MODULE_3__/* .errorCode */ .C)(error);
                if (attempt >= 10 || (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EPERM'))
                    throw error;
            }
            const old = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)(this.root, `.old-${process.pid}-${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(6).toString('hex')}`);
            try {
                await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.rename)(target, old);
            }
            catch (error) {
                if ((0,_atomic_write_js__WEBPACK_IMPORTED_MODULE_3__/* .errorCode */ .C)(error) !== 'ENOENT')
                    throw error; // another saver moved it already
                continue;
            }
            await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.rm)(old, { recursive: true, force: true });
        }
    }
}
/**
 * A key as a single, safe folder name: letters, digits, `_`, `-` and inner dots are kept; anything else
 * (and a first or last dot) becomes `%XX`, so `../../etc` is `%2E.%2F..%2Fetc`, one folder inside the store,
 * and different keys never share a folder. Very long keys are cut and end with a hash of the whole key.
 */
function safeArtifactKey(key) {
    if (key === '')
        throw new Error('file artifact store: an artifact key must not be empty');
    const bytes = Buffer.from(key, 'utf8');
    let safe = '';
    bytes.forEach((byte, index) => {
        const char = String.fromCharCode(byte);
        // A dot only inside: never `.`, `..` or a hidden name, and no trailing dot (Windows drops it).
        const keep = /[A-Za-z0-9_-]/.test(char) || (char === '.' && index > 0 && index < bytes.length - 1);
        safe += keep ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    });
    if (safe.length > 180) {
        safe = `${safe.slice(0, 140)}~${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(key).digest('hex').slice(0, 32)}`;
    }
    return safe;
}


/***/ })

};
