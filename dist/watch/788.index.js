export const id = 788;
export const ids = [788];
export const modules = {

/***/ 5407:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   CacheArtifactStore: () => (/* binding */ CacheArtifactStore)
/* harmony export */ });
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_os__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
// Release bundles in the GitHub Actions cache, so a rollback can redeploy the same bytes. It lives in the
// action kit, not in an engine, because it drives @actions/cache; that package (Azure SDK, http-client,
// glob) is imported only inside save and restore, so actions that never touch a bundle do not pay for it.
//
// How @actions/cache stores a path, and what follows from it:
// - The entry's "version" is a hash of the path strings exactly as given, plus the compression method
//   (zstd when `zstd` is on PATH, else gzip). So save and restore must name the bundle the same way: this
//   store turns every path into its workspace-relative spelling (`dist/app.tgz`), whatever form the caller
//   used, so a rollback that passes the same `artifact-path` finds it, even on a runner whose workspace is
//   elsewhere. A path outside the workspace keeps its absolute spelling and must be the same at restore.
//   A bundle saved where zstd was installed is not found where it is not (and the other way round).
// - Archives are made with tar relative to GITHUB_WORKSPACE and extracted there, so the bytes come back at
//   the same path under the current workspace. A folder is restored over what is there: its files are
//   overwritten, other files are left alone (as FileArtifactStore does).
// - Lookups prefix-match: restoring `k` may find `k2`. restore() asks first (lookupOnly) and accepts only
//   the exact key, so a rollback gets exactly that release or nothing.
// - @actions/cache never throws for a service failure: restoreCache answers undefined and saveCache an id
//   (-1, or the reserved id when the upload or commit failed), after logging `Failed to save/restore:
//   <reason>`. This store captures those lines (so the job gets one warning from the deploy engine, not a
//   stray error annotation) and turns them into errors: restore() answers false only when the key is not
//   there (never saved, evicted, or saved from another path).
// - An existing key is success: the key is environment + version + sha, so it holds the same release.
//
// @actions/cache reads GITHUB_WORKSPACE, RUNNER_TEMP and the current folder (globs resolve against it) at
// call time. Calls are serialised, and during one the process's folder and those two variables are set to
// this store's workspace (and a private temporary folder when RUNNER_TEMP is unset), then put back.



class CacheArtifactStore {
    kind = 'actions-cache';
    workspace;
    constructor(options = {}) {
        this.workspace = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.resolve)(options.workspace ?? process.env.GITHUB_WORKSPACE ?? process.cwd());
    }
    /** How a path is named to the cache: workspace-relative with `/`, or absolute when outside the workspace. */
    cachePath(path) {
        if (path.trim() === '')
            throw new Error('actions cache: the bundle path is empty');
        if (/[\r\n]/.test(path))
            throw new Error(`actions cache: the bundle path ${JSON.stringify(path)} has a line break`);
        const absolute = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.resolve)(this.workspace, path);
        const inside = (0,node_path__WEBPACK_IMPORTED_MODULE_2__.relative)(this.workspace, absolute);
        const outside = inside.split(node_path__WEBPACK_IMPORTED_MODULE_2__.sep)[0] === '..' || (0,node_path__WEBPACK_IMPORTED_MODULE_2__.isAbsolute)(inside);
        const spelled = outside ? absolute : inside === '' ? '.' : inside.split(node_path__WEBPACK_IMPORTED_MODULE_2__.sep).join('/');
        if (/\s$/.test(spelled)) {
            throw new Error(`actions cache: the bundle path ${JSON.stringify(spelled)} ends with white space`);
        }
        let pattern = globEscape(spelled);
        // `!`, `#`, `~` and white space are special at the start of a glob line; `./` keeps them literal.
        if (!outside && /^[!#~\s]/.test(pattern))
            pattern = `./${pattern}`;
        return { absolute, spelled, pattern };
    }
    async save(key, path) {
        const target = this.cachePath(path);
        const what = `${target.spelled} as '${key}'`;
        try {
            await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.stat)(target.absolute);
        }
        catch (error) {
            if (error.code === 'ENOENT') {
                throw new Error(`actions cache: cannot save ${what}: ${target.absolute} does not exist`);
            }
            throw error;
        }
        await serialised(() => this.#inWorkspace(async () => {
            const cache = await loadCache('save', what);
            checkMode('save', what, (mode) => mode === 'write' || mode === 'write-only');
            const saved = await capturing(() => cache.saveCache([target.pattern], key)).catch((error) => {
                throw new Error(`actions cache: cannot save ${what}: ${error.message}`);
            });
            // The id is returned even when the upload or the commit failed after reserving: only the log tells.
            const failure = saved.failures.at(-1);
            if (!failure && saved.value !== -1)
                return;
            if (failure?.level === 'info' && /^Unable to reserve cache/.test(failure.message)) {
                // Reserving is refused when the key exists (or is being saved, or the token may not write it).
                const found = await capturing(() => cache.restoreCache([target.pattern], key, [], { lookupOnly: true }));
                if (found.value === key)
                    return; // saved before: the same environment, version and sha
                const lookup = found.failures.at(-1);
                throw new Error(`actions cache: could not save ${what}: ${failure.message}` +
                    (lookup ? `; looking it up failed too: ${lookup.message}` : ''));
            }
            throw new Error(`actions cache: could not save ${what}: ${failure?.message ?? 'the cache service did not accept it (no reason given)'}`);
        }));
    }
    async restore(key, path) {
        const target = this.cachePath(path);
        const what = `'${key}' to ${target.spelled}`;
        return serialised(() => this.#inWorkspace(async () => {
            const cache = await loadCache('restore', what);
            checkMode('restore', what, (mode) => mode === 'write' || mode === 'read');
            const restoreError = (error) => {
                throw new Error(`actions cache: cannot restore ${what}: ${error.message}`);
            };
            // Ask first: the service also answers with keys that merely start with `key`.
            const found = await capturing(() => cache.restoreCache([target.pattern], key, [], { lookupOnly: true })).catch(restoreError);
            if (found.value === undefined)
                return missOrFailure(found.failures, what);
            if (found.value !== key)
                return false;
            const restored = await capturing(() => cache.restoreCache([target.pattern], key)).catch(restoreError);
            if (restored.value === undefined)
                return missOrFailure(restored.failures, what);
            if (restored.value !== key) {
                throw new Error(`actions cache: cannot restore ${what}: the service answered with '${restored.value}' instead`);
            }
            try {
                await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.stat)(target.absolute);
            }
            catch {
                throw new Error(`actions cache: restored ${what}, but ${target.absolute} is not there (was it saved from another path?)`);
            }
            return true;
        }));
    }
    /** Runs `work` with the current folder and GITHUB_WORKSPACE at this workspace, and a RUNNER_TEMP. */
    async #inWorkspace(work) {
        const before = {
            cwd: process.cwd(),
            workspace: process.env.GITHUB_WORKSPACE,
            temp: process.env.RUNNER_TEMP,
        };
        let ownTemp;
        try {
            await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.mkdir)(this.workspace, { recursive: true });
            if (!before.temp) {
                ownTemp = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.mkdtemp)((0,node_path__WEBPACK_IMPORTED_MODULE_2__.join)((0,node_os__WEBPACK_IMPORTED_MODULE_1__.tmpdir)(), 'deploy-kit-cache-'));
                process.env.RUNNER_TEMP = ownTemp;
            }
            process.env.GITHUB_WORKSPACE = this.workspace;
            if ((0,node_path__WEBPACK_IMPORTED_MODULE_2__.resolve)(before.cwd) !== this.workspace)
                process.chdir(this.workspace);
            return await work();
        }
        finally {
            if (process.cwd() !== before.cwd)
                process.chdir(before.cwd);
            restoreVariable('GITHUB_WORKSPACE', before.workspace);
            restoreVariable('RUNNER_TEMP', before.temp);
            if (ownTemp)
                await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.rm)(ownTemp, { recursive: true, force: true });
        }
    }
}
function missOrFailure(failures, what) {
    const failure = failures.at(-1);
    if (failure)
        throw new Error(`actions cache: cannot restore ${what}: ${failure.message}`);
    return false;
}
async function loadCache(action, what) {
    const cache = await Promise.all(/* import() */[__webpack_require__.e(119), __webpack_require__.e(824), __webpack_require__.e(669), __webpack_require__.e(516)]).then(__webpack_require__.bind(__webpack_require__, 9516));
    if (!cache.isFeatureAvailable()) {
        throw new Error(`actions cache: cannot ${action} ${what}: the Actions cache is not available here (ACTIONS_CACHE_URL and ACTIONS_RESULTS_URL are unset)`);
    }
    return cache;
}
/** The runner's ACTIONS_CACHE_MODE; unset or unknown permits everything, as in @actions/cache. */
function checkMode(action, what, allows) {
    const mode = (process.env.ACTIONS_CACHE_MODE ?? '').trim().toLowerCase();
    if (!['none', 'read', 'write', 'write-only'].includes(mode) || allows(mode))
        return;
    throw new Error(`actions cache: cannot ${action} ${what}: this run's cache mode '${mode}' does not permit it`);
}
function restoreVariable(name, value) {
    if (value === undefined)
        delete process.env[name];
    else
        process.env[name] = value;
}
let queue = Promise.resolve();
/** One cache call at a time: each changes the process's folder and variables while it runs. */
function serialised(work) {
    const run = queue.then(work, work);
    queue = run.catch(() => { });
    return run;
}
const FAILURE = /^(?:::(warning|error)::)?Failed to (?:save|restore): ([\s\S]*)$/;
/**
 * Runs `work` while holding back the `Failed to save/restore: …` lines @actions/cache writes (as info,
 * warning or error) and returns them; everything else is written as usual.
 */
async function capturing(work) {
    const failures = [];
    const original = process.stdout.write;
    const intercept = (...args) => {
        const [chunk] = args;
        const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : undefined;
        const match = text === undefined ? null : FAILURE.exec(text.replace(/\r?\n$/, ''));
        if (!match)
            return Reflect.apply(original, process.stdout, args);
        const command = match[1];
        const message = match[2] ?? '';
        failures.push({
            level: command ?? 'info',
            // Workflow commands escape their data; info lines are plain.
            message: command ? message.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%') : message,
        });
        const callback = args.find((arg) => typeof arg === 'function');
        callback?.();
        return true;
    };
    process.stdout.write = intercept;
    try {
        const value = await work();
        return { value, failures };
    }
    finally {
        process.stdout.write = original;
    }
}
/** Escapes what @actions/glob would read as a pattern (its own rules: `\`, `[…]`, `?`, `*`). */
function globEscape(text) {
    return (process.platform === 'win32' ? text : text.replace(/\\/g, '\\\\'))
        .replace(/(\[)(?=[^/]+\])/g, '[[]')
        .replace(/\?/g, '[?]')
        .replace(/\*/g, '[*]');
}


/***/ })

};
