// The fake's Dependabot alerts route, raw (no Octokit in between), held to GitHub's OpenAPI description.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call } from './helpers.js';
import { assertConformance, type FakeGitHub, startFakeGitHub } from './index.js';

let gh: FakeGitHub;
const path = '/repos/octo/app/dependabot/alerts';

beforeEach(async () => {
  gh = await startFakeGitHub();
  gh.store.addRepo({ owner: 'octo', name: 'app' });
  gh.addToken('ghs_app', { login: 'deploy-kit[bot]' });
});
afterEach(async () => {
  try {
    assertConformance(gh.requests);
  } finally {
    await gh.close();
  }
});

describe('GET /repos/{owner}/{repo}/dependabot/alerts', () => {
  it('lists alerts newest first, filtered by state, severity, ecosystem and package', async () => {
    gh.store.addDependabotAlert('octo/app', {
      packageName: 'lodash',
      severity: 'critical',
      cveId: 'CVE-2019-10744',
    });
    gh.store.addDependabotAlert('octo/app', {
      packageName: 'requests',
      ecosystem: 'pip',
      severity: 'medium',
    });
    gh.store.addDependabotAlert('octo/app', { packageName: 'minimist', severity: 'low', state: 'fixed' });
    const all = await call(gh, 'GET', path, undefined, { token: 'ghs_app' });
    expect(all.status).toBe(200);
    expect(all.json.map((a: { number: number }) => a.number)).toEqual([3, 2, 1]);
    expect(all.json[2]).toMatchObject({
      state: 'open',
      dependency: { package: { ecosystem: 'npm', name: 'lodash' }, manifest_path: 'package-lock.json' },
      security_advisory: { cve_id: 'CVE-2019-10744', severity: 'critical' },
      security_vulnerability: { severity: 'critical', first_patched_version: { identifier: '1.0.0' } },
      html_url: `${gh.origin}/octo/app/security/dependabot/1`,
    });
    const open = await call(
      gh,
      'GET',
      `${path}?state=open&severity=critical,medium&direction=asc`,
      undefined,
      { token: 'ghs_app' },
    );
    expect(open.json.map((a: { number: number }) => a.number)).toEqual([1, 2]);
    const pip = await call(gh, 'GET', `${path}?ecosystem=pip&package=requests`, undefined, {
      token: 'ghs_app',
    });
    expect(pip.json.map((a: { number: number }) => a.number)).toEqual([2]);
  });

  it('pages with cursors in the Link header (no page numbers)', async () => {
    for (let i = 0; i < 5; i++)
      gh.store.addDependabotAlert('octo/app', { packageName: `p${i}`, severity: 'high' });
    const first = await call(gh, 'GET', `${path}?per_page=2`, undefined, { token: 'ghs_app' });
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.get('link') ?? '')?.[1];
    expect(next).toMatch(/[?&]after=/);
    const second = await call(gh, 'GET', next ?? '', undefined, { token: 'ghs_app' });
    const third = await call(
      gh,
      'GET',
      /<([^>]+)>; rel="next"/.exec(second.headers.get('link') ?? '')?.[1] ?? '',
      undefined,
      {
        token: 'ghs_app',
      },
    );
    expect([first, second, third].map((p) => p.json.map((a: { number: number }) => a.number))).toEqual([
      [5, 4],
      [3, 2],
      [1],
    ]);
    expect(third.headers.get('link')).toBeNull();
  });

  it("answers the workflow's GITHUB_TOKEN 403, as GitHub does; a granted token reads", async () => {
    const denied = await call(gh, 'GET', path);
    expect(denied.status).toBe(403);
    expect(denied.json.message).toBe('Resource not accessible by integration');
    gh.addToken('ghs_granted', { permissions: { 'vulnerability-alerts': 'read' } });
    expect((await call(gh, 'GET', path, undefined, { token: 'ghs_granted' })).status).toBe(200);
    gh.addToken('ghs_pat', { login: 'octocat', permissions: { 'vulnerability-alerts': 'none' } });
    expect((await call(gh, 'GET', path, undefined, { token: 'ghs_pat' })).status).toBe(403);
  });

  it('answers 403 when Dependabot alerts are disabled for the repository', async () => {
    gh.store.repo('octo/app').dependabotAlertsEnabled = false;
    const answer = await call(gh, 'GET', path, undefined, { token: 'ghs_app' });
    expect(answer.status).toBe(403);
    expect(answer.json.message).toBe('Dependabot alerts are disabled for this repository.');
  });
});
