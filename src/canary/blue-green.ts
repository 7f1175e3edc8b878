// Blue-green: the release's colour (the idle one, the canary side of the router) is smoke-tested on its own
// address while the live colour keeps all traffic; once it passes, all traffic switches at once (weight 100);
// then the front door is smoke-tested through the router, and on any failure — the switch itself or the
// check after it — traffic switches straight back (weight 0). The old colour is never touched: it stays up
// as the instant way back (the same router at weight 0) until the next release replaces it.
// Pure of @actions/*: the router, the smoke tests and the log come in as interfaces; urlSmoke makes a smoke
// test of one URL out of the probe engine, the one the action passes.
import { runSmoke } from '../probe/smoke.js';
import type { ProbeLog } from '../probe/types.js';
import { urlCheck } from '../probe/url-check.js';
import { type Router, RouterError } from '../traffic/types.js';

export interface BlueGreenSettings {
  environment: string;
  /** The colour live now (the router's baseline side). */
  liveVersion: string;
  /** The release's colour, idle until the switch (the router's canary side). */
  idleVersion: string;
}

/** A smoke test's answer, in a sentence. */
export interface SmokeVerdict {
  passed: boolean;
  reason: string;
}

export interface BlueGreenDeps {
  router: Router;
  /**
   * Smoke-tests the idle colour on its own address (`idle`), or the front door through the router after the
   * switch (`front`; undefined when there is no front door to test: then only the switch can fail).
   */
  smoke: {
    idle(signal: AbortSignal): Promise<SmokeVerdict>;
    front?(signal: AbortSignal): Promise<SmokeVerdict>;
  };
  signal: AbortSignal;
  log: { info(message: string): void; warning(message: string): void };
  /** Saved before traffic moves and after it settles: post switches back from what it finds. */
  onWeight?: (weight: 0 | 100) => void;
}

/**
 * switched: all traffic on the release, the old colour on standby. not-switched: the idle colour failed its
 * smoke test, traffic never moved. switched-back: the switch or the check after it failed and traffic went
 * back to the old colour. stuck: it failed and even the switch back failed (a person must look).
 */
export type BlueGreenStatus = 'switched' | 'not-switched' | 'switched-back' | 'stuck';

export interface BlueGreenReport {
  strategy: 'blue-green';
  status: BlueGreenStatus;
  reason: string;
  liveVersion: string;
  idleVersion: string;
  /** The weight of the release's colour when this ended: 100 switched, 0 otherwise (or unknown when stuck). */
  finalWeight: 0 | 100 | null;
  /** The colour kept for an instant switch back (the previous live one), when switched. */
  standby?: string;
  idleSmoke: SmokeVerdict;
  frontSmoke?: SmokeVerdict;
  /** How long traffic was on the release before the switch back, ms. */
  switchedForMs?: number;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function runBlueGreen(
  settings: BlueGreenSettings,
  deps: BlueGreenDeps,
): Promise<BlueGreenReport> {
  const { router, log, signal } = deps;
  const { liveVersion, idleVersion, environment } = settings;
  const base = { strategy: 'blue-green' as const, liveVersion, idleVersion };
  const change = (weight: 0 | 100, step: number) => ({
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

  const switchBack = async (why: string, switchedAt: number, frontSmoke?: SmokeVerdict) => {
    const switchedForMs = Date.now() - switchedAt;
    try {
      // The switch back must happen even when the job is being cancelled: no signal.
      await router.setWeight({ ...change(0, 2), signal: undefined });
      deps.onWeight?.(0);
      log.warning(`blue-green: switched ${environment} back to ${liveVersion}: ${why}`);
      return {
        ...base,
        status: 'switched-back' as const,
        reason: `${why}; all traffic went back to ${liveVersion} at once`,
        finalWeight: 0 as const,
        idleSmoke,
        ...(frontSmoke ? { frontSmoke } : {}),
        switchedForMs,
      };
    } catch (error) {
      return {
        ...base,
        status: 'stuck' as const,
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
  } catch (error) {
    const why = error instanceof RouterError ? error.message : `the router failed: ${message(error)}`;
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

export interface UrlSmokeSettings {
  /** Requests after the first success (default 20); any failure fails the smoke test. */
  samples?: number;
  /** Per request (default 5 s). */
  timeoutMs?: number;
  /** How long a colour that is still starting may take to answer at all (default 60 s). */
  waitTimeoutMs?: number;
}

/** A smoke test of one URL with the probe engine: ready within the wait, then every sample 2xx. */
export function urlSmoke(
  url: string,
  settings: UrlSmokeSettings,
  log: ProbeLog,
): (signal: AbortSignal) => Promise<SmokeVerdict> {
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
    const report = await runSmoke(
      {
        checks: [check],
        concurrency: 4,
        waitTimeoutMs,
        budgetMs: waitTimeoutMs + 10 * timeoutMs,
        retry: { initialDelayMs: 200, maxDelayMs: 2000, factor: 2 },
      },
      { log, signal },
    );
    const [result] = report.checks;
    return report.passed
      ? { passed: true, reason: `${check.name}: ${result?.samples.sent ?? 0} requests, all answered 2xx` }
      : { passed: false, reason: `${check.name}: ${result?.reasons.join('; ') || 'failed'}` };
  };
}
