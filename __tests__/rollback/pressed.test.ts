// When a rollback was asked for: the caller's deployment, the 'pressed-at' input, the workflow run, the step.
import { describe, expect, it } from 'vitest';
import type { GitHubClient } from '../../src/github/client.js';
import { pressOf } from '../../src/rollback/pressed.js';

const RUN = { id: '42', attempt: '2' };

describe('pressOf', () => {
  it("takes the caller's deployment first: what was live at the press is that one", async () => {
    const press = await pressOf(
      { rollbackOf: '9', pressedAt: '2026-03-01T10:00:00.000Z', run: RUN },
      undefined,
      {
        info: () => {},
      },
    );
    expect(press).toMatchObject({ from: '9', source: 'the rollback of deployment 9' });
  });

  it("takes 'pressed-at' before the workflow run", async () => {
    const press = await pressOf({ pressedAt: '2026-03-01T10:00:00.000Z', run: RUN }, undefined, {
      info: () => {},
    });
    expect(press).toEqual({ at: '2026-03-01T10:00:00.000Z', source: "the 'pressed-at' input" });
  });

  it("takes the start of the run's current attempt from GitHub", async () => {
    const client = {
      request: async () => ({
        data: {
          id: 42,
          created_at: '2026-03-01T09:00:00Z',
          run_started_at: '2026-03-01T09:30:00Z',
          status: 'in_progress',
          conclusion: null,
        },
      }),
    } as unknown as GitHubClient;
    const press = await pressOf({ run: RUN }, { client, owner: 'o', repo: 'r' }, { info: () => {} });
    expect(press).toEqual({ at: '2026-03-01T09:30:00Z', source: 'the start of workflow run 42, attempt 2' });
  });

  it('falls back to the start of this step when the run cannot be read, saying so', async () => {
    const client = { request: () => Promise.reject(new Error('boom')) } as unknown as GitHubClient;
    const said: string[] = [];
    const before = Date.now();
    const press = await pressOf(
      { run: RUN },
      { client, owner: 'o', repo: 'r' },
      { info: (m) => said.push(m) },
    );
    expect(press.source).toBe('the start of this step');
    expect(Date.parse(press.at)).toBeLessThanOrEqual(before);
    expect(said[0]).toMatch(/could not read when workflow run 42 started/);
  });
});
