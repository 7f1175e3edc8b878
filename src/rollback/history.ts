// The rollback reads the environment's history only as far back as its plan needs: the newest page first
// (one GraphQL call per 100 deployments on GitHub), an older one only when the target is not found yet, up to
// a limit the user sets, with a refusal that names the limit when the target lies beyond it.
import type { DeploymentEntry, HistoryPage, Ledger } from '../ledger/types.js';
import { planRollback, RollbackNoOp, type RollbackPlan, RollbackRefused } from './plan.js';
import { answeredBy, type Press, withoutRollbacksInFlight } from './press.js';

/** How many deployments a rollback reads back at most unless told otherwise: 10 GraphQL calls. */
export const DEFAULT_HISTORY_LIMIT = 1000;

/** Reads an environment's history a page at a time, newest first, never past `limit` deployments. */
export class HistoryReader {
  readonly entries: DeploymentEntry[] = [];
  pages = 0;
  /** Stopped at the limit while older deployments remain. */
  truncated = false;
  #source: AsyncGenerator<HistoryPage, void, undefined>;
  #done = false;

  constructor(
    ledger: Ledger,
    readonly environment: string,
    readonly limit: number,
  ) {
    this.#source = ledger.historyPages
      ? ledger.historyPages(environment, { limit })
      : onePage(ledger, environment, limit);
  }

  /** Reads the next page; false when there is none (or the limit is reached). */
  async next(): Promise<boolean> {
    if (this.#done) return false;
    if (this.entries.length >= this.limit) {
      this.truncated = true;
      return this.#finish();
    }
    const page = await this.#source.next();
    if (page.done) return this.#finish();
    this.pages += 1;
    const room = this.limit - this.entries.length;
    this.entries.push(...page.value.entries.slice(0, room));
    if (page.value.entries.length > room) this.truncated = true;
    if (!page.value.more || this.truncated) await this.#finish();
    return true;
  }

  async #finish(): Promise<false> {
    this.#done = true;
    await this.#source.return();
    return false;
  }
}

/** A ledger that reads all at once (the file ledger): one page, one more than the limit to know of more. */
async function* onePage(ledger: Ledger, environment: string, limit: number): AsyncGenerator<HistoryPage> {
  const entries = await ledger.history(environment, { limit: limit + 1 });
  yield { entries, more: false };
}

export interface PlannedRollback {
  plan: RollbackPlan;
  /** Everything read, newest first. */
  history: DeploymentEntry[];
  /** Other runs' rollbacks of the same deployment, still at work: this run waits for them, then re-plans. */
  inFlight: DeploymentEntry[];
  pages: number;
}

/**
 * Plans a rollback from as few pages of history as it takes. Without `to`, a press another run has already
 * answered is a RollbackNoOp; a target beyond `limit` deployments is refused naming the limit.
 */
export async function planFromHistory(
  reader: HistoryReader,
  options: { to?: string; press: Press },
): Promise<PlannedRollback> {
  // A reader its caller already started (to settle abandoned leases on the newest page) is not read twice.
  if (reader.pages === 0) await reader.next();
  for (;;) {
    const history = reader.entries;
    try {
      return { ...planOnce(history, options, reader.environment), history, pages: reader.pages };
    } catch (error) {
      if (!(error instanceof RollbackRefused) || !error.notFound) throw error;
      if (await reader.next()) continue;
      if (!reader.truncated) throw error;
      throw new RollbackRefused(
        `${error.message.replace(/\.$/, '')}; the search stopped at the newest ${reader.limit} deployments of ${reader.environment} (history-limit): raise history-limit to look further back`,
        { notFound: true },
      );
    }
  }
}

/**
 * The rule on one read: a RollbackNoOp when another run has answered the press (or `to` is live already),
 * else the plan, made past other runs' rollbacks still at work.
 */
function planOnce(
  history: DeploymentEntry[],
  options: { to?: string; press: Press },
  environment: string,
): { plan: RollbackPlan; inFlight: DeploymentEntry[] } {
  if (options.to === undefined) {
    const answered = answeredBy(history, options.press, environment);
    if (answered) throw new RollbackNoOp(answered.message, answered.rollback);
  }
  const planning = withoutRollbacksInFlight(history, options.press);
  return { plan: planRollback(planning.history, options.to), inFlight: planning.inFlight };
}

/**
 * The same rule once this run's turn comes, on what the wait's last read saw: the no-op when another run
 * answered the press meanwhile, else undefined (this run goes on with the plan it made).
 */
export function answeredAfterTurn(
  seen: DeploymentEntry[],
  options: { to?: string; press: Press },
  environment: string,
): RollbackNoOp | undefined {
  try {
    planOnce(seen, options, environment);
  } catch (error) {
    if (error instanceof RollbackNoOp) return error;
  }
  return undefined;
}
