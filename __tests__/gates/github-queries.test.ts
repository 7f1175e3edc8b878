import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { GATE_QUERIES, rateLimitResumeAt, sendQuery } from '../../src/gates/github-queries.js';
import { GitHubApiError } from '../../src/github/errors.js';
import { githubSchema } from '../fakes/github/graphql/schema.js';
import { assertConformance, startFakeGitHub } from '../fakes/github/index.js';
import { fakeClient } from '../helpers/gates.js';

describe('the gates’ GraphQL documents', () => {
  it("are valid against GitHub's published schema", () => {
    for (const [name, query] of Object.entries(GATE_QUERIES)) {
      expect(
        validate(githubSchema(), parse(query)).map((e) => e.message),
        name,
      ).toEqual([]);
    }
  });
});

describe('sendQuery', () => {
  it('returns the data with the rate-limit headers, and retries GitHub’s GraphQL timeout', async () => {
    const gh = await startFakeGitHub();
    try {
      gh.store.addRepo({ owner: 'octo', name: 'app' });
      gh.faults.graphqlTimeout();
      const sleeps: number[] = [];
      const answer = await sendQuery<{ repository: { name: string } }>(
        fakeClient(gh),
        'query { repository(owner: "octo", name: "app") { name } }',
        {},
        { action: 'read the repository', sleep: async (ms) => void sleeps.push(ms) },
      );
      expect(answer.data.repository.name).toBe('app');
      expect(Number(answer.headers['x-ratelimit-remaining'])).toBeGreaterThan(0);
      // The client's retry plugin already retries GitHub's GraphQL timeout; sendQuery's own retry is the fallback.
      expect(gh.requests.map((r) => r.fault ?? r.status)).toEqual(['graphql-timeout', 200]);
      expect(sleeps).toEqual([]);
      assertConformance(gh.requests);
    } finally {
      await gh.close();
    }
  });

  it('turns a spent GraphQL rate limit into a rate-limit error that says when to resume', async () => {
    const gh = await startFakeGitHub();
    try {
      gh.store.addRepo({ owner: 'octo', name: 'app' });
      gh.setRateLimit({ resource: 'graphql', remaining: 0, resetInSeconds: 90 });
      const error = await sendQuery(
        fakeClient(gh),
        'query { viewer { login } }',
        {},
        { action: 'read the viewer' },
      ).catch((e) => e);
      expect(error).toBeInstanceOf(GitHubApiError);
      expect(error.kind).toBe('rate-limit');
      const now = new Date();
      const resumeAt = rateLimitResumeAt(error, now) ?? 0;
      expect(resumeAt - now.getTime()).toBeGreaterThan(85_000);
      expect(resumeAt - now.getTime()).toBeLessThan(95_000);
    } finally {
      await gh.close();
    }
  });
});
