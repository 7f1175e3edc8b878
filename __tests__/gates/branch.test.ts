import { describe, expect, it } from 'vitest';
import { evaluateBranch, judgedRef, refMatches } from '../../src/gates/branch.js';
import type { BranchGateConfig } from '../../src/gates/types.js';
import { gateTarget } from '../helpers/gates.js';

const rules: BranchGateConfig = {
  rules: [
    { environment: 'production', refs: ['main', 'v*'] },
    { environment: 'staging', refs: ['main', 'release/*', 'refs/pull/*'] },
  ],
};

describe('refMatches', () => {
  it('reads branch names as branches, version-like patterns as tags, full refs as written', () => {
    expect(refMatches('main', 'refs/heads/main')).toBe(true);
    expect(refMatches('main', 'refs/tags/main')).toBe(false);
    expect(refMatches('release/*', 'refs/heads/release/1.2/hotfix')).toBe(true);
    expect(refMatches('v*', 'refs/tags/v1.2.0')).toBe(true);
    expect(refMatches('v*', 'refs/heads/v-next')).toBe(false);
    expect(refMatches('v1.*', 'refs/tags/v2.0.0')).toBe(false);
    expect(refMatches('2.*', 'refs/tags/2.1.0')).toBe(true);
    expect(refMatches('tags/*', 'refs/tags/anything')).toBe(true);
    expect(refMatches('heads/v2', 'refs/heads/v2')).toBe(true);
    expect(refMatches('refs/pull/*', 'refs/pull/3/merge')).toBe(true);
    expect(refMatches('*', 'refs/heads/feature/x')).toBe(true);
    expect(refMatches('*', 'refs/tags/v1')).toBe(false);
    expect(refMatches('ma?n', 'refs/heads/main')).toBe(true);
    expect(refMatches('a.b', 'refs/heads/aXb')).toBe(false);
  });
});

describe('evaluateBranch', () => {
  it('lets main and v* tags go to production', () => {
    expect(evaluateBranch(rules, gateTarget({ environment: 'production' }))).toMatchObject({
      verdict: 'pass',
      detail: "refs/heads/main may go to production (matches 'main')",
    });
    expect(
      evaluateBranch(
        rules,
        gateTarget({ environment: 'production', ref: 'refs/tags/v1.4.0', eventName: 'push' }),
      ),
    ).toMatchObject({ verdict: 'pass', detail: "refs/tags/v1.4.0 may go to production (matches 'v*')" });
  });

  it('refuses a feature branch, saying what may go', () => {
    const outcome = evaluateBranch(
      rules,
      gateTarget({ environment: 'production', ref: 'refs/heads/feature/login' }),
    );
    expect(outcome).toEqual({
      verdict: 'fail',
      detail: 'refs/heads/feature/login may not go to production: only branch main or tag v*',
      items: [{ name: 'refs/heads/feature/login', verdict: 'fail', detail: "matches none of 'main', 'v*'" }],
    });
  });

  it("judges a pull request's head branch on PR events, not its merge ref", () => {
    const pr = gateTarget({
      environment: 'production',
      ref: 'refs/pull/7/merge',
      eventName: 'pull_request',
      pullNumber: 7,
      headRef: 'feature/login',
      baseRef: 'main',
    });
    expect(judgedRef(pr)).toEqual({
      ref: 'refs/heads/feature/login',
      why: ' (the head of pull request #7 into main)',
    });
    expect(evaluateBranch(rules, pr)).toMatchObject({
      verdict: 'fail',
      detail:
        'refs/heads/feature/login (the head of pull request #7 into main) may not go to production: only branch main or tag v*',
    });
    // Without the head branch, the PR ref is judged as it is: only full-ref patterns match it.
    const bare = gateTarget({ environment: 'staging', ref: 'refs/pull/7/merge', eventName: 'pull_request' });
    expect(evaluateBranch(rules, bare)).toMatchObject({
      verdict: 'pass',
      detail: "refs/pull/7/merge may go to staging (matches 'refs/pull/*')",
    });
  });

  it('passes an environment without a rule, and skips without an environment', () => {
    expect(evaluateBranch(rules, gateTarget({ environment: 'preview', ref: 'refs/heads/x' }))).toMatchObject({
      verdict: 'pass',
      detail: 'no branch rule for preview; any ref may go there (refs/heads/x)',
    });
    expect(evaluateBranch(rules, gateTarget())).toEqual({
      verdict: 'skipped',
      detail: 'no environment given; branch rules apply per environment (production, staging)',
    });
  });
});
