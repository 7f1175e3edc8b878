// A create GitHub cannot be asked twice: a write that got no answer may still be applied (GitHub ends a
// request after 10 s, not at once), so a blind retry can make two. The deployment ledger and the preflight
// check run both create this way: each attempt carries a key of the caller's (in a payload, an
// external_id), the client never retries it, and before sending again the caller looks the key up. When
// every attempt failed and some got no answer, it waits until those can no longer land, and looks once more.
import type { GitHubClient, UnansweredWrite } from './client.js';
import { statusOf } from './errors.js';

export interface IdempotentCreate<T> {
  client: GitHubClient;
  /** The REST path the create POSTs to, e.g. `/repos/octo/app/deployments` (its unanswered attempts count). */
  path: string;
  /** One attempt, sent with `request: { retries: 0 }`. An error it throws that GitHub cannot have applied
   * (a 4xx, or any answer the caller refuses) ends the create at once. */
  send(): Promise<T>;
  /** What an earlier attempt made, found by the caller's key; undefined when nothing was. */
  find(): Promise<T | undefined>;
  /** After each failed attempt, every unanswered attempt so far (to tell another process to wait for them). */
  onUnanswered?(writes: UnansweredWrite[]): void;
  /** Debug lines: `what` names the thing made ("the deployment", "the check run"). */
  what: string;
  log?: (message: string) => void;
  sleep?: (ms: number) => Promise<void>;
}

/** A failure after which GitHub may have made what was asked: a 5xx, or no answer at all. */
export function mayHaveApplied(error: unknown): boolean {
  const status = statusOf(error);
  return status === undefined || status >= 500;
}

export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/**
 * Creates once, retried by hand within the client's budget (its own backoff). Returns what was made and
 * until when an unanswered attempt may still land (epoch ms; 0 when every attempt was answered), so the
 * caller can close the late copies of it then. Throws the last error when nothing was made.
 */
export async function createIdempotently<T>(
  create: IdempotentCreate<T>,
): Promise<{ made: T; lateUntil: number }> {
  const { client, log } = create;
  const { retries, retryBaseMs } = client.budgets;
  const wait = create.sleep ?? sleep;
  const firstUnanswered = client.unansweredWrites().length;
  const unansweredCreates = () =>
    client
      .unansweredWrites()
      .slice(firstUnanswered)
      .filter((w) => w.method === 'POST' && w.path.endsWith(create.path));

  let made: T | undefined;
  let lastError: unknown;
  for (let attempt = 0; attempt <= retries && made === undefined; attempt += 1) {
    if (attempt > 0) {
      await wait(retryBaseMs * attempt * attempt);
      made = await create.find();
      if (made !== undefined) {
        log?.(`${create.what} was made by an attempt that failed`);
        break;
      }
    }
    try {
      made = await create.send();
    } catch (error) {
      create.onUnanswered?.(unansweredCreates());
      if (!mayHaveApplied(error)) throw error;
      lastError = error;
      log?.(
        `creating ${create.what} failed (attempt ${attempt + 1} of ${retries + 1}): ${(error as Error).message}`,
      );
    }
  }

  const lateUntil = Math.max(0, ...unansweredCreates().map((w) => w.lateUntil));
  if (made === undefined && lateUntil > 0) {
    await wait(lateUntil - Date.now());
    made = await create.find();
    if (made !== undefined) log?.(`${create.what} was made by an attempt that got no answer`);
  }
  if (made === undefined) throw lastError;
  return { made, lateUntil };
}
