// Moving the canary's traffic: setting a weight through the Router (never in a dry run), returning traffic
// to the baseline after an abort or a cancel (retried, never cut short by the cancel signal), and checking
// that the share of traffic the metrics saw is near the weight asked for.
import type { Router } from '../traffic/types.js';
import type { Clock } from './clock.js';
import { errorMessage, type RolloutLog } from './log.js';
import type { TrafficCheck } from './report.js';

const RESTORE_ATTEMPTS = 3;
const RESTORE_BACKOFF_MS = 1000;

interface CanaryTrafficSettings {
  baselineVersion: string;
  canaryVersion: string;
  dryRun: boolean;
}

export class CanaryTraffic {
  /** False once returning to the baseline failed every attempt. */
  restored = true;

  constructor(
    private readonly settings: CanaryTrafficSettings,
    private readonly router: Router,
    private readonly clock: Clock,
    private readonly log: RolloutLog,
    /** Called after every weight the router applied, before anything else is done. */
    private readonly applied: (weight: number) => void,
  ) {}

  /** Sets a weight through the router (never in a dry run). */
  async setWeight(weight: number, step: number, signal?: AbortSignal): Promise<void> {
    if (this.settings.dryRun) {
      this.log.info(`dry run: the canary's weight would be set to ${weight}% (traffic is not moved)`);
      return;
    }
    await this.router.setWeight({
      weight,
      step,
      baselineVersion: this.settings.baselineVersion,
      canaryVersion: this.settings.canaryVersion,
      ...(signal ? { signal } : {}),
    });
    this.applied(weight);
  }

  /** Weight 0, at once, retried a few times; never cut short by the cancel signal. */
  async returnToBaseline(step: number): Promise<void> {
    if (this.settings.dryRun) return;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.setWeight(0, step);
        this.log.info(`traffic is back on the baseline ${this.settings.baselineVersion} (canary weight 0%)`);
        this.restored = true;
        return;
      } catch (error) {
        if (attempt >= RESTORE_ATTEMPTS) {
          this.restored = false;
          this.log.warning(
            `could not set the canary's weight back to 0 after ${attempt} attempts: ${errorMessage(error)}`,
          );
          return;
        }
        this.log.warning(
          `setting the canary's weight to 0 failed (attempt ${attempt}): ${errorMessage(error)}`,
        );
        await this.clock.sleep(RESTORE_BACKOFF_MS * attempt);
      }
    }
  }
}

/**
 * Whether the canary's observed share of traffic is far from the weight asked for: more than 2 points plus a
 * quarter of the weight away (5% asked: 1.75% to 8.25% is near; 50%: 35.5% to 64.5%).
 */
export function checkTraffic(weight: number, observed: number): TrafficCheck {
  const asked = weight / 100;
  return { asked, observed, far: Math.abs(observed - asked) > 0.02 + 0.25 * asked };
}
