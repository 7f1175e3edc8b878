import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from './helpers.js';
import {
  assertConformance,
  checkConformance,
  type FakeGitHub,
  type RecordedRequest,
  startFakeGitHub,
} from './index.js';

let gh: FakeGitHub;
let good: RecordedRequest;

beforeAll(async () => {
  gh = await startFakeGitHub();
  gh.store.addRepo({ owner: 'octo', name: 'app' });
  await call(gh, 'POST', '/repos/octo/app/deployments', { ref: 'main', environment: 'staging' });
  good = gh.requests[0]!;
});
afterAll(async () => {
  await gh.close();
});

/** A copy of a good record with some part replaced, as if the fake (or an action) had got it wrong. */
function tampered(changes: Partial<RecordedRequest>): RecordedRequest {
  return { ...structuredClone(good), ...changes };
}

describe('the conformance checker', () => {
  it('passes a request and answer that follow the description', () => {
    expect(checkConformance([good])).toEqual([]);
  });

  it('catches a deliberately wrong response body, naming operation and JSON pointer', () => {
    const body = structuredClone(good.responseBody) as Record<string, unknown>;
    delete body.sha;
    body.id = 'forty-two';
    (body.creator as Record<string, unknown>).login = 7;
    body.created_at = 'yesterday';
    const mismatches = checkConformance([tampered({ responseBody: body })]);
    const found = mismatches.map((m) => `${m.operation} ${m.part} ${m.pointer} ${m.message.split(' {')[0]}`);
    expect(found).toEqual(
      expect.arrayContaining([
        "repos/create-deployment response  must have required property 'sha'",
        'repos/create-deployment response /id must be integer',
        'repos/create-deployment response /creator/login must be string',
        'repos/create-deployment response /created_at must match format "date-time"',
      ]),
    );
    expect(() => assertConformance([tampered({ responseBody: body })])).toThrow(
      /departure\(s\) from GitHub's published API description:\n#1 POST \/repos\/octo\/app\/deployments \(repos\/create-deployment\) response/,
    );
  });

  it('catches a wrong request body, an unknown query parameter, an undocumented status and an unknown route', () => {
    const mismatches = checkConformance([
      tampered({ body: { environment: 'staging', auto_merge: 'yes' } }),
      tampered({
        method: 'GET',
        path: '/repos/octo/app/deployments',
        query: { environments: 'staging', per_page: 'ten' },
        body: undefined,
        responseBody: [],
        status: 200,
      }),
      tampered({ status: 200 }),
      tampered({ path: '/repos/octo/app/deployment-things' }),
    ]);
    const summary = mismatches.map((m) => `${m.part} ${m.pointer}: ${m.message}`);
    expect(summary).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^request : must have required property 'ref'/),
        expect.stringMatching(/^request \/auto_merge: must be boolean/),
        "query /environments: unknown query parameter 'environments'",
        expect.stringMatching(/^query \/per_page: query parameter 'per_page' = 'ten' does not match/),
        'response : status 200 is not documented for repos/create-deployment',
        "route : no operation in GitHub's REST description matches this request",
      ]),
    );
  });

  it('flags a call to a GitHub route the fake does not implement', async () => {
    const answer = await call(gh, 'GET', '/repos/octo/app/branches/main/protection');
    expect(answer.status).toBe(404);
    expect(checkConformance([gh.requests.at(-1)!]).map((m) => m.message)).toEqual([
      'the fake GitHub does not implement this route (no route for GET /repos/octo/app/branches/main/protection)',
    ]);
  });

  it("holds createDeployment's 409, 202 and 422 bodies to their documented shapes", async () => {
    gh.store.addCommitStatus('octo/app', { ref: 'main', context: 'ci', state: 'failure' });
    await call(gh, 'POST', '/repos/octo/app/deployments', { ref: 'main' });
    const conflict = gh.requests.at(-1)!;
    expect(conflict.status).toBe(409);
    expect(checkConformance([conflict])).toEqual([]);
    const wrong409 = {
      ...conflict,
      responseBody: { message: 'Conflict', errors: [{ contexts: [{ context: 'ci' }] }] },
    };
    expect(checkConformance([wrong409]).map((m) => m.message.split(' {')[0])).toEqual(
      expect.arrayContaining([
        "must have required property 'documentation_url'",
        "must have required property 'state'",
      ]),
    );

    gh.store.addBranch('octo/app', 'topic');
    gh.store.addCommit('octo/app', { branch: 'main' });
    await call(gh, 'POST', '/repos/octo/app/deployments', { ref: 'topic', required_contexts: [] });
    const merged = gh.requests.at(-1)!;
    expect(merged.status).toBe(202);
    expect(checkConformance([merged])).toEqual([]);
    expect(checkConformance([{ ...merged, responseBody: { message: 42 } }])[0]?.pointer).toBe('/message');

    await call(gh, 'POST', '/repos/octo/app/deployments', { ref: 'no-such-ref' });
    const invalid = gh.requests.at(-1)!;
    expect(invalid.status).toBe(422);
    expect(checkConformance([invalid])).toEqual([]);
    expect(
      checkConformance([{ ...invalid, responseBody: { errors: [{ field: 'ref' }] } }]).map(
        (m) => m.message.split(' {')[0],
      ),
    ).toEqual(
      expect.arrayContaining(["must have required property 'message'", "must have required property 'code'"]),
    );
  });

  it('does not hold injected faults to per-operation shapes, but still checks their requests', async () => {
    gh.faults.serverError('POST /repos/{owner}/{repo}/deployments', { status: 503 });
    await call(gh, 'POST', '/repos/octo/app/deployments', { ref: 7 });
    const faulted = gh.requests.at(-1)!;
    expect(faulted).toMatchObject({ status: 503, fault: 'status' });
    expect(checkConformance([faulted]).map((m) => `${m.part} ${m.pointer}`)).toEqual(['request /ref']);
  });
});
