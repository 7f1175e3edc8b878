// The create GitHub cannot be asked twice, on a stub client whose unanswered writes the test makes up: when
// it sends again, when it looks instead, and when it waits for an attempt that may still land.
import { describe, expect, it } from 'vitest';
import type { GitHubClient, UnansweredWrite } from '../../src/github/client.js';
import { createIdempotently, mayHaveApplied } from '../../src/github/idempotent-create.js';

const PATH = '/repos/octo/app/deployments';

function harness(outcomes: (number | 'no answer' | Error)[], found: (number | undefined)[] = []) {
  const unanswered: UnansweredWrite[] = [];
  const events: string[] = [];
  const now = Date.now();
  const client = {
    budgets: { retries: 2, retryBaseMs: 10, lateWriteWindowMs: 10_000, timeoutMs: 1000 },
    unansweredWrites: () => [...unanswered],
  } as unknown as GitHubClient;
  const seen: UnansweredWrite[][] = [];
  const create = {
    client,
    path: PATH,
    what: 'the deployment',
    send: async () => {
      const outcome = outcomes.shift();
      events.push('send');
      if (outcome === 'no answer') {
        unanswered.push({ method: 'POST', path: `/api/v3${PATH}`, sentAt: now, lateUntil: now + 5000 });
        throw new Error('timed out');
      }
      if (outcome instanceof Error) throw outcome;
      return outcome!;
    },
    find: async () => {
      events.push('find');
      return found.shift();
    },
    onUnanswered: (writes: UnansweredWrite[]) => seen.push(writes),
    sleep: async (ms: number) => {
      events.push(`sleep ${ms > 1000 ? 'until late' : ms}`);
    },
  };
  return { create, events, seen, now };
}

const answered = (status: number) => Object.assign(new Error(`HTTP ${status}`), { status });

describe('createIdempotently', () => {
  it('sends once when GitHub answers', async () => {
    const h = harness([7]);
    expect(await createIdempotently(h.create)).toEqual({ made: 7, lateUntil: 0 });
    expect(h.events).toEqual(['send']);
  });

  it('looks for the key after a 5xx before sending again, and stops when the failed attempt landed', async () => {
    const h = harness([answered(502)], [9]);
    expect(await createIdempotently(h.create)).toEqual({ made: 9, lateUntil: 0 });
    expect(h.events).toEqual(['send', 'sleep 10', 'find']);
  });

  it('ends at once on an answer GitHub cannot have applied (a 4xx), without looking', async () => {
    const h = harness([answered(422)]);
    await expect(createIdempotently(h.create)).rejects.toThrow('HTTP 422');
    expect(h.events).toEqual(['send']);
  });

  it('waits for unanswered attempts to land when every attempt failed, then looks once more', async () => {
    const h = harness(['no answer', 'no answer', 'no answer'], [undefined, undefined, 11]);
    const result = await createIdempotently(h.create);
    expect(result).toEqual({ made: 11, lateUntil: h.now + 5000 });
    expect(h.events).toEqual([
      'send',
      'sleep 10',
      'find',
      'send',
      'sleep 40',
      'find',
      'send',
      'sleep until late',
      'find',
    ]);
    expect(h.seen.map((writes) => writes.length)).toEqual([1, 2, 3]);
  });

  it('throws the last error when nothing was made and nothing can still land', async () => {
    const h = harness([answered(500), answered(502), answered(503)]);
    await expect(createIdempotently(h.create)).rejects.toThrow('HTTP 503');
    expect(h.events.filter((e) => e === 'send')).toHaveLength(3);
    expect(h.events).not.toContain('sleep until late');
  });

  it('counts a 5xx or no answer as maybe applied, any other answer as not', () => {
    expect(mayHaveApplied(new Error('socket hang up'))).toBe(true);
    expect(mayHaveApplied(answered(502))).toBe(true);
    expect(mayHaveApplied({ response: { status: 503 } })).toBe(true);
    expect(mayHaveApplied(answered(409))).toBe(false);
    expect(mayHaveApplied(answered(202))).toBe(false);
  });
});
