// The repository's open Dependabot alerts, through the gate against the validated fake GitHub.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runVulnerabilitiesGate } from '../../../src/gates/vulnerabilities.js';
import { assertConformance, type FakeGitHub, startFakeGitHub } from '../../fakes/github/index.js';
import { fakeClient, gateContext } from '../../helpers/gates.js';
import { config } from './fixtures.js';

describe('the gate on Dependabot alerts', () => {
  let gh: FakeGitHub;
  beforeEach(async () => {
    gh = await startFakeGitHub();
    gh.store.addRepo({ owner: 'octo', name: 'app' });
    gh.addToken('ghs_app_token', {
      login: 'deploy-kit-app[bot]',
      permissions: { 'vulnerability-alerts': 'read' },
    });
  });
  afterEach(async () => {
    try {
      assertConformance(gh.requests);
    } finally {
      await gh.close();
    }
  });

  it('reads every page of open alerts and judges them; dismissed and fixed ones do not count', async () => {
    for (let i = 0; i < 130; i++)
      gh.store.addDependabotAlert('octo/app', { packageName: `pkg-${i}`, severity: 'low' });
    gh.store.addDependabotAlert('octo/app', {
      packageName: 'lodash',
      severity: 'critical',
      ghsaId: 'GHSA-jf85-cpcp-j695',
      cveId: 'CVE-2019-10744',
      summary: 'Prototype Pollution in lodash',
    });
    gh.store.addDependabotAlert('octo/app', { packageName: 'old', severity: 'critical', state: 'dismissed' });
    gh.store.addDependabotAlert('octo/app', { packageName: 'older', severity: 'critical', state: 'fixed' });
    const github = fakeClient(gh, 'ghs_app_token');
    const outcome = await runVulnerabilitiesGate(config({ dependabot: true }), gateContext({ github }));
    expect(outcome.verdict).toBe('fail');
    expect(outcome.detail).toBe(
      '1 finding at or above critical: CVE-2019-10744 (critical, npm:lodash) (130 below critical: 130 low)',
    );
    const item = outcome.items?.find((i) => i.name === 'CVE-2019-10744');
    expect(item?.url).toBe(`${gh.origin}/octo/app/security/dependabot/131`);
    expect(item?.detail).toBe(
      'critical (GitHub critical): Prototype Pollution in lodash; npm:lodash at package-lock.json; Dependabot',
    );
    const calls = gh.requestsFor('GET /repos/{owner}/{repo}/dependabot/alerts');
    expect(calls.map((c) => c.query)).toEqual([
      { state: 'open', per_page: '100' },
      expect.objectContaining({ state: 'open', per_page: '100', after: expect.any(String) }),
    ]);
  });

  it('ignores an alert by its GHSA id', async () => {
    gh.store.addDependabotAlert('octo/app', {
      packageName: 'lodash',
      severity: 'critical',
      ghsaId: 'GHSA-jf85-cpcp-j695',
    });
    const outcome = await runVulnerabilitiesGate(
      config({ dependabot: true, ignore: ['GHSA-JF85-CPCP-J695'] }),
      gateContext({ github: fakeClient(gh, 'ghs_app_token') }),
    );
    expect(outcome).toMatchObject({
      verdict: 'pass',
      detail: 'nothing at or above critical in 1 source (1 ignored)',
    });
  });

  it("says which token can read alerts when the workflow's GITHUB_TOKEN gets 403", async () => {
    gh.store.addDependabotAlert('octo/app', { packageName: 'lodash', severity: 'critical' });
    const outcome = await runVulnerabilitiesGate(
      config({ dependabot: true }),
      gateContext({ github: fakeClient(gh) }),
    );
    expect(outcome.verdict).toBe('error');
    expect(outcome.detail).toContain(
      'dependabot: the token may not read the Dependabot alerts of octo/app (403 Resource not accessible by integration)',
    );
    expect(outcome.detail).toContain('`security-events: read` covers code scanning only');
    expect(outcome.detail).toContain('`vulnerability_alerts: read` ("Dependabot alerts: read")');
    expect(outcome.detail).toContain('classic one with the `security_events` scope');
    expect(gh.requestsFor('GET /repos/{owner}/{repo}/dependabot/alerts').map((r) => r.status)).toEqual([403]);
  });

  it('says so when Dependabot alerts are disabled for the repository', async () => {
    gh.store.repo('octo/app').dependabotAlertsEnabled = false;
    const outcome = await runVulnerabilitiesGate(
      config({ dependabot: true }),
      gateContext({ github: fakeClient(gh, 'ghs_app_token') }),
    );
    expect(outcome.verdict).toBe('error');
    expect(outcome.detail).toBe(
      "vulnerabilities could not be fully evaluated: dependabot: Dependabot alerts are disabled for octo/app (403 Dependabot alerts are disabled for this repository.); enable them under Settings → Code security, or drop 'dependabot: true'",
    );
  });

  it('retries a 5xx answer and then reads the alerts', async () => {
    gh.store.addDependabotAlert('octo/app', { packageName: 'lodash', severity: 'high' });
    gh.faults.serverError('GET /repos/{owner}/{repo}/dependabot/alerts', { times: 2, status: 502 });
    const outcome = await runVulnerabilitiesGate(
      config({ dependabot: true, failOn: 'high' }),
      gateContext({ github: fakeClient(gh, 'ghs_app_token') }),
    );
    expect(outcome.verdict).toBe('fail');
    // Faults answer before routing, so these are found by path.
    const attempts = gh.requests.filter((r) => r.path.endsWith('/repos/octo/app/dependabot/alerts'));
    expect(attempts.map((r) => r.status)).toEqual([502, 502, 200]);
  });

  it('is an error naming the token when there is no client', async () => {
    const outcome = await runVulnerabilitiesGate(config({ dependabot: true }), gateContext());
    expect(outcome).toMatchObject({
      verdict: 'error',
      detail:
        'vulnerabilities could not be fully evaluated: dependabot: reading Dependabot alerts needs a GitHub token, and none was given',
    });
  });
});
