export const id = 4;
export const ids = [4];
export const modules = {

/***/ 5004:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runBlueGreen: () => (/* binding */ runBlueGreen),
  urlSmoke: () => (/* binding */ urlSmoke)
});

// EXTERNAL MODULE: external "node:events"
var external_node_events_ = __webpack_require__(8474);
// EXTERNAL MODULE: ./src/common/durations.ts
var durations = __webpack_require__(2204);
// EXTERNAL MODULE: ./src/http/client.ts + 2 modules
var http_client = __webpack_require__(9587);
// EXTERNAL MODULE: ./src/http/errors.ts
var errors = __webpack_require__(8549);
// EXTERNAL MODULE: ./src/http/safe-url.ts
var safe_url = __webpack_require__(2855);
// EXTERNAL MODULE: ./src/http/timing.ts
var timing = __webpack_require__(7568);
// EXTERNAL MODULE: ./src/http/tls.ts
var http_tls = __webpack_require__(7485);
// EXTERNAL MODULE: ./src/probe/assertions.ts
var assertions = __webpack_require__(8729);
;// CONCATENATED MODULE: ./src/probe/histogram.ts
/** Values below 2^LINEAR_BITS µs are counted exactly, one bucket each. */
const LINEAR_BITS = 8;
const LINEAR = 1 << LINEAR_BITS;
/** Sub-buckets per power of two above that: bucket width ≤ value / 128. */
const SUB_BITS = 7;
const SUB = 1 << SUB_BITS;
/** Largest power of two tracked: 2^36 µs ≈ 19 hours; larger values are clamped into the last bucket. */
const MAX_EXPONENT = 36;
const BUCKETS = LINEAR + (MAX_EXPONENT - LINEAR_BITS + 1) * SUB;
const TWO_32 = 2 ** 32;
function log2Floor(value) {
    return value < TWO_32 ? 31 - Math.clz32(value) : 32 + (31 - Math.clz32(Math.floor(value / TWO_32)));
}
function bucketOf(micros) {
    if (micros < LINEAR)
        return micros;
    const exponent = Math.min(log2Floor(micros), MAX_EXPONENT);
    const shift = exponent - SUB_BITS;
    const sub = Math.min(Math.floor(micros / 2 ** shift), 2 * SUB - 1) - SUB;
    return LINEAR + (exponent - LINEAR_BITS) * SUB + sub;
}
/** The lowest value and width of a bucket. */
function bucketRange(index) {
    if (index < LINEAR)
        return [index, 1];
    const exponent = LINEAR_BITS + Math.floor((index - LINEAR) / SUB);
    const sub = (index - LINEAR) % SUB;
    const width = 2 ** (exponent - SUB_BITS);
    return [(SUB + sub) * width, width];
}
class LatencyHistogram {
    counts = new Float64Array(BUCKETS);
    total = 0;
    sum = 0;
    min = Number.POSITIVE_INFINITY;
    max = 0;
    /** Records one value in microseconds (rounded; negatives count as 0). */
    recordMicros(micros) {
        const value = micros > 0 ? Math.round(micros) : 0;
        this.counts[bucketOf(value)] += 1;
        this.total += 1;
        this.sum += value;
        if (value < this.min)
            this.min = value;
        if (value > this.max)
            this.max = value;
    }
    recordMs(ms) {
        this.recordMicros(ms * 1000);
    }
    get count() {
        return this.total;
    }
    /** Bytes held by the buckets: the same at 0 and at a billion samples. */
    get footprintBytes() {
        return this.counts.byteLength;
    }
    get maxMicros() {
        return this.total === 0 ? 0 : this.max;
    }
    get minMicros() {
        return this.total === 0 ? 0 : this.min;
    }
    get meanMicros() {
        return this.total === 0 ? 0 : this.sum / this.total;
    }
    /**
     * The value at percentile `p` (0–100), in microseconds: the midpoint of the bucket holding the
     * ⌈p·count/100⌉-th smallest value, kept within the exact min and max. 0 when empty.
     */
    percentileMicros(p) {
        if (this.total === 0)
            return 0;
        if (p >= 100)
            return this.max;
        const rank = Math.max(1, Math.ceil((p / 100) * this.total));
        let seen = 0;
        for (let i = 0; i < BUCKETS; i++) {
            seen += this.counts[i];
            if (seen >= rank) {
                const [low, width] = bucketRange(i);
                const mid = width === 1 ? low : low + (width - 1) / 2;
                return Math.min(Math.max(mid, this.min), this.max);
            }
        }
        return this.max;
    }
    /** Adds every sample of `other` into this histogram. */
    merge(other) {
        for (let i = 0; i < BUCKETS; i++)
            this.counts[i] += other.counts[i];
        this.total += other.total;
        this.sum += other.sum;
        if (other.total > 0) {
            this.min = Math.min(this.min, other.min);
            this.max = Math.max(this.max, other.max);
        }
        return this;
    }
    reset() {
        this.counts.fill(0);
        this.total = 0;
        this.sum = 0;
        this.min = Number.POSITIVE_INFINITY;
        this.max = 0;
    }
    /** p50/p95/p99/max/mean in milliseconds (3 decimals), or null when nothing was recorded. */
    summary() {
        if (this.total === 0)
            return null;
        const ms = (micros) => Math.round(micros) / 1000;
        return {
            p50: ms(this.percentileMicros(50)),
            p95: ms(this.percentileMicros(95)),
            p99: ms(this.percentileMicros(99)),
            max: ms(this.max),
            mean: ms(this.meanMicros),
            count: this.total,
        };
    }
}

// EXTERNAL MODULE: ./src/http/retry.ts
var retry = __webpack_require__(8902);
;// CONCATENATED MODULE: ./src/probe/readiness.ts
// Waiting for a target to be ready: retry healable failures (refused, reset, timeout, 5xx, 429) with
// exponential back-off and full jitter, honouring retry-after, until the first final answer or the wait
// runs out. A 4xx other than 429 is final at once, and so is a 2xx whatever its assertions say.


async function waitUntilReady(attempt, options, deps) {
    const started = deps.now();
    const waitEnd = started + options.waitTimeoutMs;
    const { signal } = options;
    let attempts = 0;
    let lastError;
    let result;
    const outcome = (ready, stoppedBy) => ({
        ready,
        stoppedBy,
        result,
        attempts,
        waitedMs: deps.now() - started,
        lastError,
    });
    for (;;) {
        if (signal?.aborted)
            return outcome(false, 'aborted');
        attempts += 1;
        result = await attempt();
        if (signal?.aborted || result.error?.kind === 'aborted')
            return outcome(false, 'aborted');
        if (!(0,retry/* isHealable */.NT)(result)) {
            if (result.answer)
                return outcome(true);
            lastError = (0,errors/* describeResult */.d)(result);
            return outcome(false, 'error');
        }
        lastError = (0,errors/* describeResult */.d)(result);
        const now = deps.now();
        const remaining = waitEnd - now;
        if (remaining <= 0)
            return outcome(false, 'timeout');
        const asked = result.answer ? (0,retry/* retryAfterMs */.Vs)(result.answer.headers, now) : undefined;
        const delay = Math.min(asked ?? (0,retry/* backoffMs */.jo)(attempts, options.retry, deps.random), remaining);
        options.onRetry?.(attempts, result, delay);
        await deps.sleep(delay, signal);
    }
}

;// CONCATENATED MODULE: ./src/probe/smoke.ts
// The smoke test: for each check, wait until the target answers, then send its samples; all requests
// of all checks share one pool of `concurrency` in-flight requests. Each check passes or fails with
// one-line reasons (readiness, assertions, error rate, latency percentiles, certificate expiry).










const DAY_MS = 86_400_000;
/** Distinct failure reasons counted per check; later new ones are only counted as failures. */
const MAX_DISTINCT_FAILURES = 20;
/** Distinct failure reasons reported per check. */
const REPORTED_FAILURES = 3;
/** Readiness retries logged per check. */
const LOGGED_RETRIES = 10;
function formatRate(rate) {
    return `${Math.round(rate * 1000) / 10}%`;
}
function plural(n, word) {
    return `${n} ${word}${n === 1 ? '' : 's'}`;
}
/** A FIFO pool of `limit` slots: every request of the run goes through it. */
class Pool {
    limit;
    active = 0;
    waiting = [];
    constructor(limit) {
        this.limit = limit;
    }
    async run(task) {
        if (this.active < this.limit)
            this.active += 1;
        else
            await new Promise((resolve) => this.waiting.push(resolve));
        try {
            return await task();
        }
        finally {
            const next = this.waiting.shift();
            if (next)
                next();
            else
                this.active -= 1;
        }
    }
}
/** What the samples of one check came to. */
class Samples {
    check;
    histogram = new LatencyHistogram();
    sent = 0;
    failed = 0;
    failures = new Map();
    certificate;
    constructor(check) {
        this.check = check;
    }
    /** Counts one result; requests ended by a stop are not samples. */
    add(result) {
        if (result.error?.kind === 'aborted')
            return;
        this.sent += 1;
        this.certificate ??= result.certificate;
        let reasons;
        if (result.answer) {
            this.histogram.recordMicros(result.latencyUs);
            reasons = (0,assertions/* evaluateAnswer */.UP)(this.check, result.answer);
            if (reasons.length === 0)
                return;
        }
        else {
            reasons = [(0,errors/* describeResult */.d)(result)];
        }
        this.failed += 1;
        for (const reason of reasons) {
            const seen = this.failures.get(reason);
            if (seen !== undefined)
                this.failures.set(reason, seen + 1);
            else if (this.failures.size < MAX_DISTINCT_FAILURES)
                this.failures.set(reason, 1);
        }
    }
    /** The most frequent distinct failures, with counts when there was more than one sample. */
    topFailures() {
        return [...this.failures]
            .sort((a, b) => b[1] - a[1])
            .slice(0, REPORTED_FAILURES)
            .map(([reason, count]) => (this.sent > 1 ? `${reason} (in ${count} of ${this.sent} samples)` : reason));
    }
}
function tlsReport(cert, now) {
    return {
        subject: cert.subject,
        issuer: cert.issuer,
        validTo: cert.validTo,
        daysLeft: Math.floor((cert.validToMs - now) / DAY_MS),
    };
}
function certificateReasons(check, cert, now) {
    const date = cert.validTo.slice(0, 10);
    const left = cert.validToMs - now;
    if (left <= 0)
        return [`certificate expired on ${date}`];
    const min = check.tls.minValidDays;
    if (min !== undefined && left < min * DAY_MS) {
        return [
            `certificate expires in ${plural(Math.floor(left / DAY_MS), 'day')} (${date}), fewer than ${min}`,
        ];
    }
    return [];
}
function latencyReasons(check, summary) {
    if (!summary)
        return [];
    const { p50Ms, p95Ms, p99Ms, maxMs } = check.thresholds;
    const reasons = [];
    const over = (label, value, limit) => {
        if (limit !== undefined && value > limit)
            reasons.push(`${label} ${(0,durations/* formatDuration */.a3)(value)} > ${(0,durations/* formatDuration */.a3)(limit)}`);
    };
    over('p50', summary.p50, p50Ms);
    over('p95', summary.p95, p95Ms);
    over('p99', summary.p99, p99Ms);
    over('max', summary.max, maxMs);
    return reasons;
}
/** Why a check that never got a final answer failed. */
function notReadyReason(readiness, stopReason) {
    const attempts = plural(readiness.attempts, 'attempt');
    const last = readiness.lastError ? `; last: ${readiness.lastError}` : '';
    switch (readiness.stoppedBy) {
        case 'aborted': {
            const why = stopReason ?? 'aborted';
            if (readiness.attempts === 0)
                return `${why} before the check started`;
            if (readiness.lastError === undefined)
                return `${why} before the first answer`;
            return `${why} while waiting for readiness (${attempts}${last})`;
        }
        case 'timeout':
            return `not ready after ${attempts} in ${(0,durations/* formatDuration */.a3)(readiness.waitedMs)}${last}`;
        default:
            // A final error (tls, dns, redirect loop...) says it all.
            return readiness.lastError ?? 'not ready';
    }
}
function samplesLine(samples, latency) {
    const rate = samples.sent === 0 ? 0 : samples.failed / samples.sent;
    const counts = `${plural(samples.sent, 'sample')}, ${samples.failed} failed (${formatRate(rate)})`;
    if (!latency)
        return counts;
    const { p50, p95, p99, max } = latency;
    return `${counts}; latency p50 ${(0,durations/* formatDuration */.a3)(p50)}, p95 ${(0,durations/* formatDuration */.a3)(p95)}, p99 ${(0,durations/* formatDuration */.a3)(p99)}, max ${(0,durations/* formatDuration */.a3)(max)}`;
}
async function runSmoke(settings, deps) {
    const { log } = deps;
    const now = deps.now ?? Date.now;
    const random = deps.random ?? Math.random;
    const sleep = deps.sleep ?? timing/* sleep */.y;
    const concurrency = Math.max(1, Math.floor(settings.concurrency));
    const runStart = now();
    const pool = new Pool(concurrency);
    const client = new http_client/* HttpClient */.Q({ maxSockets: concurrency });
    // One signal for everything that must stop: the caller's abort or the end of the budget.
    const stop = new AbortController();
    (0,external_node_events_.setMaxListeners)(0, stop.signal);
    let stopReason;
    const halt = (reason) => {
        if (stopReason)
            return;
        stopReason = reason;
        stop.abort();
        client.destroy(reason);
    };
    const onAbort = () => halt('aborted');
    const budgetTimer = setTimeout(() => {
        log.warning(`smoke test budget of ${(0,durations/* formatDuration */.a3)(settings.budgetMs)} ran out; stopping`);
        halt(`budget of ${(0,durations/* formatDuration */.a3)(settings.budgetMs)} ran out`);
    }, Math.min(settings.budgetMs, timing/* MAX_TIMER_MS */._));
    if (deps.signal?.aborted)
        onAbort();
    else
        deps.signal?.addEventListener('abort', onAbort, { once: true });
    const runCheck = async (check, lines) => {
        const checkStart = now();
        const url = (0,safe_url/* redactUrl */.BO)(check.url);
        const samples = new Samples(check);
        const wanted = Math.max(1, Math.floor(check.samples));
        const keepBody = (0,assertions/* needsBody */.Mw)(check);
        const send = () => pool.run(() => client.request(check, { keepBody }));
        lines.push(`${check.method.toUpperCase()} ${url}: ${plural(wanted, 'sample')}`);
        let retries = 0;
        const readiness = await waitUntilReady(send, {
            waitTimeoutMs: settings.waitTimeoutMs,
            retry: settings.retry,
            signal: stop.signal,
            onRetry: (attempt, result, delayMs) => {
                retries += 1;
                if (retries <= LOGGED_RETRIES) {
                    lines.push(`attempt ${attempt}: ${(0,errors/* describeResult */.d)(result)}; retrying in ${(0,durations/* formatDuration */.a3)(delayMs)}`);
                }
                else if (retries === LOGGED_RETRIES + 1) {
                    lines.push('(further retries not logged)');
                }
            },
        }, { now, random, sleep });
        const reasons = [];
        if (readiness.ready && readiness.result) {
            lines.push(`ready after ${plural(readiness.attempts, 'attempt')} (${(0,durations/* formatDuration */.a3)(readiness.waitedMs)}): status ${readiness.result.answer?.status}`);
            samples.add(readiness.result);
            let remaining = wanted - 1;
            const worker = async () => {
                while (remaining > 0 && !stop.signal.aborted) {
                    remaining -= 1;
                    samples.add(await send());
                }
            };
            await Promise.all(Array.from({ length: Math.min(concurrency, remaining) }, worker));
            if (samples.sent < wanted && stopReason) {
                reasons.push(`${stopReason} after ${samples.sent} of ${plural(wanted, 'sample')}`);
            }
        }
        else {
            reasons.push(notReadyReason(readiness, stopReason));
            lines.push(`not ready: ${reasons[0]}`);
            if (readiness.result?.error?.kind === 'tls' && !stopReason) {
                samples.certificate = await (0,http_tls/* fetchPeerCertificate */.ou)(check.url, check.timeoutMs);
            }
        }
        const latency = samples.histogram.summary();
        const errorRate = samples.sent === 0 ? 0 : samples.failed / samples.sent;
        if (samples.sent > 0) {
            const maxErrorRate = check.thresholds.maxErrorRate ?? 0;
            if (errorRate > maxErrorRate) {
                if (samples.sent > 1) {
                    reasons.push(`error rate ${formatRate(errorRate)} > ${formatRate(maxErrorRate)} (${samples.failed} of ${samples.sent} samples failed)`);
                }
                reasons.push(...samples.topFailures());
            }
            reasons.push(...latencyReasons(check, latency));
            lines.push(samplesLine(samples, latency));
        }
        const checkedAt = now();
        let tls;
        if (samples.certificate) {
            tls = tlsReport(samples.certificate, checkedAt);
            reasons.push(...certificateReasons(check, samples.certificate, checkedAt));
            lines.push(`certificate ${tls.subject || '(no subject)'}, issued by ${tls.issuer || '(no issuer)'}, valid to ${tls.validTo} (${plural(tls.daysLeft, 'day')} left)`);
        }
        const passed = reasons.length === 0;
        lines.push(passed ? 'passed' : `failed: ${reasons.join('; ')}`);
        return {
            name: (0,safe_url/* redactUrl */.BO)(check.name),
            method: check.method.toUpperCase(),
            url,
            passed,
            reasons,
            readiness: {
                ready: readiness.ready,
                attempts: readiness.attempts,
                waitedMs: readiness.waitedMs,
                ...(readiness.lastError ? { lastError: readiness.lastError } : {}),
            },
            status: readiness.result?.answer?.status,
            samples: { sent: samples.sent, failed: samples.failed, errorRate },
            latencyMs: latency,
            ...(tls ? { tls } : {}),
            durationMs: checkedAt - checkStart,
        };
    };
    log.info(`Probing ${plural(settings.checks.length, 'check')}, ${concurrency} in flight at most, budget ${(0,durations/* formatDuration */.a3)(settings.budgetMs)}`);
    try {
        const logs = settings.checks.map(() => []);
        const running = settings.checks.map((check, i) => runCheck(check, logs[i]));
        // Should one throw (a bug), the others must not become unhandled rejections while it propagates.
        for (const pending of running)
            pending.catch(() => undefined);
        const checks = [];
        // Checks run at once; their logs are written whole, one group each, in the order of the checks.
        for (const [i, pending] of running.entries()) {
            const result = await pending;
            checks.push(result);
            await log.group((0,safe_url/* redactUrl */.BO)(settings.checks[i].name), async () => {
                for (const line of logs[i])
                    log.info(line);
            });
        }
        return {
            passed: checks.every((check) => check.passed),
            startedAt: new Date(runStart).toISOString(),
            durationMs: now() - runStart,
            checks,
        };
    }
    finally {
        clearTimeout(budgetTimer);
        deps.signal?.removeEventListener('abort', onAbort);
        client.destroy('finished');
    }
}

;// CONCATENATED MODULE: ./src/probe/url-check.ts
// One check per URL from action-level defaults: what `url` lines become in smoke-test and the root action.

function urlCheck(url, method, defaults) {
    return {
        name: `${method} ${(0,safe_url/* redactUrl */.BO)(url)}`,
        url,
        method,
        headers: { ...defaults.headers },
        expectStatus: defaults.expectStatus,
        bodyContains: [],
        bodyMatches: [],
        json: [],
        headerAssertions: [],
        followRedirects: defaults.followRedirects,
        maxRedirects: defaults.maxRedirects,
        timeoutMs: defaults.timeoutMs,
        tls: { ...defaults.tls },
        samples: defaults.samples,
        thresholds: { ...defaults.thresholds },
    };
}

// EXTERNAL MODULE: ./src/traffic/types.ts
var types = __webpack_require__(3736);
;// CONCATENATED MODULE: ./src/canary/blue-green.ts
// Blue-green: the release's colour (the idle one, the canary side of the router) is smoke-tested on its own
// address while the live colour keeps all traffic; once it passes, all traffic switches at once (weight 100);
// then the front door is smoke-tested through the router, and on any failure — the switch itself or the
// check after it — traffic switches straight back (weight 0). The old colour is never touched: it stays up
// as the instant way back (the same router at weight 0) until the next release replaces it.
// Pure of @actions/*: the router, the smoke tests and the log come in as interfaces; urlSmoke makes a smoke
// test of one URL out of the probe engine, the one the action passes.



function message(error) {
    return error instanceof Error ? error.message : String(error);
}
async function runBlueGreen(settings, deps) {
    const { router, log, signal } = deps;
    const { liveVersion, idleVersion, environment } = settings;
    const base = { strategy: 'blue-green', liveVersion, idleVersion };
    const change = (weight, step) => ({
        weight,
        step,
        baselineVersion: liveVersion,
        canaryVersion: idleVersion,
        signal,
    });
    log.info(`blue-green: smoke-testing ${idleVersion} (idle) while ${liveVersion} serves ${environment}`);
    const idleSmoke = await deps.smoke.idle(signal);
    if (!idleSmoke.passed)
        return {
            ...base,
            status: 'not-switched',
            reason: `${idleVersion} failed its smoke test before the switch, so traffic stayed on ${liveVersion}: ${idleSmoke.reason}`,
            finalWeight: 0,
            idleSmoke,
        };
    const switchBack = async (why, switchedAt, frontSmoke) => {
        const switchedForMs = Date.now() - switchedAt;
        try {
            // The switch back must happen even when the job is being cancelled: no signal.
            await router.setWeight({ ...change(0, 2), signal: undefined });
            deps.onWeight?.(0);
            log.warning(`blue-green: switched ${environment} back to ${liveVersion}: ${why}`);
            return {
                ...base,
                status: 'switched-back',
                reason: `${why}; all traffic went back to ${liveVersion} at once`,
                finalWeight: 0,
                idleSmoke,
                ...(frontSmoke ? { frontSmoke } : {}),
                switchedForMs,
            };
        }
        catch (error) {
            return {
                ...base,
                status: 'stuck',
                reason: `${why}; the switch back to ${liveVersion} failed too: ${message(error)}`,
                finalWeight: null,
                idleSmoke,
                ...(frontSmoke ? { frontSmoke } : {}),
                switchedForMs,
            };
        }
    };
    const switchedAt = Date.now();
    deps.onWeight?.(100);
    try {
        await router.setWeight(change(100, 1));
    }
    catch (error) {
        const why = error instanceof types/* RouterError */.K ? error.message : `the router failed: ${message(error)}`;
        return switchBack(`the switch to ${idleVersion} failed (${why})`, switchedAt);
    }
    log.info(`blue-green: all traffic of ${environment} on ${idleVersion}; ${liveVersion} kept on standby`);
    if (deps.smoke.front) {
        const frontSmoke = await deps.smoke.front(signal);
        if (!frontSmoke.passed || signal.aborted) {
            const why = signal.aborted
                ? 'the job was cancelled right after the switch'
                : `the front door failed its smoke test after the switch: ${frontSmoke.reason}`;
            return switchBack(why, switchedAt, frontSmoke);
        }
        return {
            ...base,
            status: 'switched',
            reason: `${idleVersion} passed its smoke test, took all traffic at once and passed again through the front door; ${liveVersion} is kept on standby for an instant switch back`,
            finalWeight: 100,
            standby: liveVersion,
            idleSmoke,
            frontSmoke,
        };
    }
    return {
        ...base,
        status: 'switched',
        reason: `${idleVersion} passed its smoke test and took all traffic at once; ${liveVersion} is kept on standby for an instant switch back`,
        finalWeight: 100,
        standby: liveVersion,
        idleSmoke,
    };
}
/** A smoke test of one URL with the probe engine: ready within the wait, then every sample 2xx. */
function urlSmoke(url, settings, log) {
    const timeoutMs = settings.timeoutMs ?? 5000;
    const waitTimeoutMs = settings.waitTimeoutMs ?? 60_000;
    const check = urlCheck(url, 'GET', {
        headers: {},
        timeoutMs,
        samples: settings.samples ?? 20,
        followRedirects: true,
        maxRedirects: 5,
        expectStatus: [{ min: 200, max: 299 }],
        thresholds: { maxErrorRate: 0 },
        tls: { insecure: false },
    });
    return async (signal) => {
        const report = await runSmoke({
            checks: [check],
            concurrency: 4,
            waitTimeoutMs,
            budgetMs: waitTimeoutMs + 10 * timeoutMs,
            retry: { initialDelayMs: 200, maxDelayMs: 2000, factor: 2 },
        }, { log, signal });
        const [result] = report.checks;
        return report.passed
            ? { passed: true, reason: `${check.name}: ${result?.samples.sent ?? 0} requests, all answered 2xx` }
            : { passed: false, reason: `${check.name}: ${result?.reasons.join('; ') || 'failed'}` };
    };
}


/***/ })

};
