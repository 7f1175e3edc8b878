// The `deploy-kit / preflight` check run's whole life: created in progress while the gates run, completed
// with their verdict (or with why they could not be evaluated), and completed by the post step when main
// could not. It is a report of the gates: every API failure here is a warning, never the gates' verdict.
//
// A create that got no answer may still be applied by GitHub (it ends a request after 10 s, not at once),
// and a check run cannot be deleted. So the create is never retried blindly: each carries its own
// `external_id`, and after a 5xx, a timeout or a reset the commit's check runs are searched for it before
// sending again. A copy that landed late anyway is completed as a duplicate once the late-write window has
// passed; the newest of them carries the verdict, since GitHub (and branch protection) reads the newest
// check run of a name.
import { randomUUID } from 'node:crypto';
import type { GitHubClient } from '../github/client.js';
import { toGitHubApiError } from '../github/errors.js';
import { createIdempotently, sleep } from '../github/idempotent-create.js';

export type CheckRunConclusion = 'success' | 'failure' | 'cancelled';

export interface CheckRunOutput {
  title: string;
  summary: string;
  text?: string;
}

export interface CheckRunLog {
  info(message: string): void;
  warning(message: string): void;
  debug(message: string): void;
}

/** Where main leaves what the post step needs (the step's saved state, in an action). */
export interface CheckRunMemo {
  save(name: string, value: string): void;
  read(name: string): string;
}

export interface CheckRunTarget {
  client: GitHubClient;
  owner: string;
  repo: string;
  /** The commit the check run is on. */
  sha: string;
  name: string;
  detailsUrl?: string;
  /** The clock of the check run's times. Late-write windows are the client's, in real time (Date.now). */
  now: () => Date;
  sleep?: (ms: number) => Promise<void>;
  log: CheckRunLog;
  memo: CheckRunMemo;
}

/** The title of a copy a retried create left, completed so it does not stay in progress. */
export function duplicateTitle(keptId: number): string {
  return `duplicate of check run ${keptId}, created by a retried request GitHub applied late`;
}

const DUPLICATE_CONCLUSION = 'skipped';
/** The longest the post step waits for main's unanswered creates (GitHub gives up on a request after 10 s). */
const MAX_POST_WAIT_MS = 60_000;
const PAGE_SIZE = 100;

const MEMO = {
  id: 'check-run-id',
  key: 'check-run-key',
  sha: 'check-run-sha',
  lateUntil: 'check-run-late-until',
  completed: 'check-run-completed',
  conclusion: 'check-run-conclusion',
  title: 'check-run-title',
} as const;

interface RestCheckRun {
  id: number;
  external_id?: string | null;
  status: string;
  output?: { title?: string | null };
}

export class CheckRun {
  readonly #target: CheckRunTarget;
  readonly #key: string;
  #id: number;
  /** Until when a create that got no answer may still land (epoch ms; 0: none went unanswered). */
  #lateUntil: number;

  private constructor(target: CheckRunTarget, key: string, id: number, lateUntil: number) {
    this.#target = target;
    this.#key = key;
    this.#id = id;
    this.#lateUntil = lateUntil;
  }

  get id(): number {
    return this.#id;
  }

  /**
   * Creates the check run in progress, so a pull request shows the gates running. A token that may not
   * create check runs (a fork's pull request, `checks: write` not granted) costs the check run, never the
   * gates: undefined, with a warning.
   */
  static async start(target: CheckRunTarget): Promise<CheckRun | undefined> {
    const key = randomUUID();
    const { memo } = target;
    // Saved first: should main die mid-create, post can still find what landed.
    memo.save(MEMO.key, key);
    memo.save(MEMO.sha, target.sha);
    try {
      const { id, lateUntil } = await createOnce(target, key);
      memo.save(MEMO.id, String(id));
      return new CheckRun(target, key, id, lateUntil);
    } catch (error) {
      warnCheckRun(target, error, 'create');
      return undefined;
    }
  }

  /** Completes it with the gates' verdict; a failed write leaves the post step to complete it. */
  async complete(conclusion: CheckRunConclusion, output: CheckRunOutput): Promise<void> {
    const target = this.#target;
    const wait = this.#lateUntil - Date.now();
    if (wait > 0) {
      target.log.debug(`preflight-gates: waiting ${wait} ms for creates GitHub never answered to land`);
      await (target.sleep ?? sleep)(wait);
    }
    let runs: RestCheckRun[] = [];
    if (this.#lateUntil > 0) {
      try {
        runs = await withKey(target, target.sha, this.#key);
      } catch (error) {
        target.log.debug(`preflight-gates: could not look for late copies: ${(error as Error).message}`);
      }
    }
    const keep = Math.max(this.#id, ...runs.map((r) => r.id));
    this.#id = keep;
    target.memo.save(MEMO.id, String(keep));
    try {
      await patch(target, keep, conclusion, output);
      target.memo.save(MEMO.completed, 'true');
    } catch (error) {
      target.memo.save(MEMO.conclusion, conclusion);
      target.memo.save(MEMO.title, output.title);
      warnCheckRun(target, error, 'complete');
      return;
    }
    try {
      await completeCopies(target, keep, runs);
      // Every copy is completed: nothing left for the post step to look for.
      if (this.#lateUntil > 0 && runs.length > 0) target.memo.save(MEMO.lateUntil, '');
    } catch (error) {
      const explained = toGitHubApiError(error, {
        action: 'complete its late copies',
        permission: 'checks: write',
      });
      target.log.warning(
        `preflight-gates: check run ${keep} is complete, but not every copy a retried create left (${explained.message}); the post step tries again`,
      );
    }
  }

  /** Completes it as failed, saying why the gates could not be evaluated. */
  abandon(error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    return this.complete('failure', {
      title: 'The gates could not be evaluated',
      summary: `preflight-gates stopped: ${message}`,
    });
  }
}

/** Whether main left the post step anything to do: a check run not completed, or late copies to look for. */
export function leftOpen(memo: CheckRunMemo): boolean {
  const started = memo.read(MEMO.id) !== '' || memo.read(MEMO.lateUntil) !== '';
  return started && (memo.read(MEMO.completed) !== 'true' || memo.read(MEMO.lateUntil) !== '');
}

/**
 * The post step: completes the check run main left in progress (killed, or GitHub failed the completing
 * write), and any late copy of it, once main's unanswered creates have had their time.
 */
export async function completeLeftOpen(target: Omit<CheckRunTarget, 'sha'>): Promise<void> {
  const { memo, log } = target;
  const savedId = Number(memo.read(MEMO.id)) || 0;
  const completed = memo.read(MEMO.completed) === 'true';
  const lateUntil = Number(memo.read(MEMO.lateUntil)) || 0;
  const key = memo.read(MEMO.key);
  const withSha = { ...target, sha: memo.read(MEMO.sha) };
  try {
    let runs: RestCheckRun[] = [];
    if (lateUntil > 0 && key && withSha.sha) {
      const wait = Math.min(lateUntil - Date.now(), MAX_POST_WAIT_MS);
      if (wait > 0) {
        log.info(
          `preflight-gates: waiting ${Math.ceil(wait / 100) / 10} s for writes GitHub never answered to land`,
        );
        await (target.sleep ?? sleep)(wait);
      }
      runs = await withKey(withSha, withSha.sha, key);
    }
    // Main completed one already: that one keeps the verdict. Otherwise the newest carries it.
    const keep = completed && savedId ? savedId : Math.max(savedId, ...runs.map((r) => r.id));
    if (!keep) return;
    if (!completed) {
      const saved = memo.read(MEMO.conclusion);
      const conclusion = saved === 'success' || saved === 'failure' ? saved : 'cancelled';
      await patch(withSha, keep, conclusion, {
        title: memo.read(MEMO.title) || 'preflight-gates ended before the gates were evaluated',
        summary: saved
          ? 'Completed by the post step: GitHub failed the first attempt. The table of the gates is in the job summary.'
          : 'Completed by the post step: the job was cancelled or the step ended before the gates were evaluated.',
      });
      log.info(
        `preflight-gates: the ${target.name} check run was completed by the post step (${conclusion})`,
      );
    }
    await completeCopies(withSha, keep, runs);
  } catch (error) {
    warnCheckRun(withSha, error, 'complete');
  }
}

/** The create (src/github/idempotent-create.ts), its key in `external_id`; the late-write time saved for post. */
async function createOnce(target: CheckRunTarget, key: string): Promise<{ id: number; lateUntil: number }> {
  const { client, owner, repo, log, memo } = target;
  const { made: id, lateUntil } = await createIdempotently({
    client,
    path: `/repos/${owner}/${repo}/check-runs`,
    send: async () => {
      const { data } = await client.request('POST /repos/{owner}/{repo}/check-runs', {
        // Never retried blindly: a retry of an attempt GitHub applied unanswered makes a second check run.
        request: { retries: 0 },
        owner,
        repo,
        name: target.name,
        head_sha: target.sha,
        external_id: key,
        status: 'in_progress',
        started_at: target.now().toISOString(),
        ...(target.detailsUrl ? { details_url: target.detailsUrl } : {}),
        output: { title: 'Evaluating the gates', summary: 'The preflight gates are being evaluated.' },
      });
      return Number(data.id);
    },
    find: async () => (await withKey(target, target.sha, key))[0]?.id,
    // Saved as soon as known: should main die while waiting, post still looks for what landed.
    onUnanswered: (writes) => {
      const until = Math.max(0, ...writes.map((w) => w.lateUntil));
      if (until > 0) memo.save(MEMO.lateUntil, String(until));
    },
    what: 'the check run',
    log: (message) => log.debug(`preflight-gates: ${message}`),
    ...(target.sleep ? { sleep: target.sleep } : {}),
  });
  return { id, lateUntil };
}

/** The commit's check runs of this name carrying this key, oldest first (one REST call per 100). */
async function withKey(target: CheckRunTarget, sha: string, key: string): Promise<RestCheckRun[]> {
  const found: RestCheckRun[] = [];
  for (let page = 1; ; page += 1) {
    const { data } = await target.client.request('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', {
      owner: target.owner,
      repo: target.repo,
      ref: sha,
      check_name: target.name,
      // Every run of the name, not only the newest: the copies are older or newer than the one kept.
      filter: 'all',
      per_page: PAGE_SIZE,
      page,
    });
    const runs = data.check_runs as unknown as RestCheckRun[];
    found.push(...runs.filter((r) => r.external_id === key));
    if (runs.length < PAGE_SIZE || page * PAGE_SIZE >= data.total_count) break;
  }
  return found.sort((a, b) => a.id - b.id);
}

/** Completes every copy but `keep` that is not yet marked a duplicate of it. */
async function completeCopies(target: CheckRunTarget, keep: number, runs: RestCheckRun[]): Promise<void> {
  const title = duplicateTitle(keep);
  const copies = runs.filter(
    (r) => r.id !== keep && !(r.status === 'completed' && r.output?.title === title),
  );
  for (const copy of copies) {
    await patch(target, copy.id, DUPLICATE_CONCLUSION, {
      title,
      summary: `A check run cannot be deleted, so this copy is completed; the gates' verdict is in check run ${keep}.`,
    });
  }
  if (copies.length > 0) {
    target.log.warning(
      `preflight-gates: GitHub applied a retried create late; completed ${copies.map((c) => c.id).join(', ')} as duplicate(s) of check run ${keep}`,
    );
  }
}

/** Completes one check run (the client retries it: completing twice with the same answer changes nothing). */
async function patch(
  target: CheckRunTarget,
  id: number,
  conclusion: CheckRunConclusion | typeof DUPLICATE_CONCLUSION,
  output: CheckRunOutput,
): Promise<void> {
  await target.client.request('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
    owner: target.owner,
    repo: target.repo,
    check_run_id: id,
    status: 'completed',
    conclusion,
    completed_at: target.now().toISOString(),
    ...(target.detailsUrl ? { details_url: target.detailsUrl } : {}),
    output,
  });
}

function warnCheckRun(
  target: Pick<CheckRunTarget, 'name' | 'log'>,
  error: unknown,
  what: 'create' | 'complete',
) {
  const explained = toGitHubApiError(error, {
    action: `${what} the ${target.name} check run`,
    permission: 'checks: write',
  });
  target.log.warning(
    `preflight-gates: no ${target.name} check run (${explained.message}); the gates are still evaluated and reported here`,
  );
}
