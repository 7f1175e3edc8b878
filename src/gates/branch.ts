// The branch gate: which refs may go to which environment (`production: [main, 'v*']`).
//
// Patterns, matched against the full ref:
//   - `main`, `release/*`   a branch: refs/heads/main, refs/heads/release/1.2
//   - `v*`, `v1.*`, `2.*`   version-like (v or a digit first): a tag, refs/tags/v1.2.0; never a branch, so a
//                           branch called `v-next` cannot reach production through a tag rule
//   - `heads/x`, `tags/x`   a branch or a tag, said explicitly (`tags/*` for every tag)
//   - `refs/...`            a full ref as written (`refs/pull/*` for pull requests)
// `*` matches any characters, `/` included (`*` is every branch), `?` one character.
//
// Pull requests: on pull_request events GitHub's ref is `refs/pull/N/merge`, which is no branch. What
// would be deployed is the PR's code, so the gate judges the PR's head branch (refs/heads/<head>), not the
// base it targets: `production: [main]` then refuses a deploy from a PR on a feature branch, which is what
// the rule is for; a PR is let through by naming its branch, `'*'`, or `refs/pull/*`. Without the head
// branch (`target.headRef`), the PR ref itself is judged, which only full-ref patterns match.
import type { BranchGateConfig, BranchRule, Gate, GateOutcome, GateTarget } from './types.js';

export const branchGate: Gate<BranchGateConfig> = {
  name: 'branch',
  async run(config, context) {
    return evaluateBranch(config, context.target);
  },
};

export function evaluateBranch(config: BranchGateConfig, target: GateTarget): GateOutcome {
  const environment = target.environment;
  if (environment === undefined) {
    return {
      verdict: 'skipped',
      detail: `no environment given; branch rules apply per environment (${config.rules.map((r) => r.environment).join(', ')})`,
    };
  }
  const rule = config.rules.find((r) => r.environment === environment);
  const { ref, why } = judgedRef(target);
  if (!rule) {
    return {
      verdict: 'pass',
      detail: `no branch rule for ${environment}; any ref may go there (${ref}${why})`,
    };
  }
  const matched = rule.refs.find((pattern) => refMatches(pattern, ref));
  if (matched !== undefined) {
    return {
      verdict: 'pass',
      detail: `${ref}${why} may go to ${environment} (matches '${matched}')`,
      items: [{ name: ref, verdict: 'pass', detail: `matches '${matched}'` }],
    };
  }
  return {
    verdict: 'fail',
    detail: `${ref}${why} may not go to ${environment}: only ${describeRule(rule)}`,
    items: [
      { name: ref, verdict: 'fail', detail: `matches none of ${rule.refs.map((p) => `'${p}'`).join(', ')}` },
    ],
  };
}

/** The ref the gate judges, and how it was chosen when it is not the event's ref. */
export function judgedRef(target: GateTarget): { ref: string; why: string } {
  const pull = /^refs\/pull\/(\d+)\//.exec(target.ref);
  const onPullRequest = target.eventName.startsWith('pull_request') || pull !== null;
  if (onPullRequest && target.headRef) {
    const number = target.pullNumber ?? (pull ? Number(pull[1]) : undefined);
    const into = target.baseRef ? ` into ${target.baseRef}` : '';
    return {
      ref: `refs/heads/${target.headRef}`,
      why: ` (the head of pull request${number === undefined ? '' : ` #${number}`}${into})`,
    };
  }
  return { ref: target.ref, why: '' };
}

/** Whether a rule's pattern admits a full ref (see the top of this file). */
export function refMatches(pattern: string, ref: string): boolean {
  const p = pattern.trim();
  if (p.startsWith('refs/')) return globMatches(p, ref);
  if (p.startsWith('heads/') || p.startsWith('tags/')) return globMatches(`refs/${p}`, ref);
  if (isVersionLike(p)) return globMatches(`refs/tags/${p}`, ref);
  return globMatches(`refs/heads/${p}`, ref);
}

function isVersionLike(pattern: string): boolean {
  return /^[vV]?(\d|\*)/.test(pattern) && pattern !== '*';
}

function globMatches(pattern: string, text: string): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`).test(text);
}

/** `branches main, tags v*` from a rule's patterns. */
function describeRule(rule: BranchRule): string {
  const branches: string[] = [];
  const tags: string[] = [];
  const refs: string[] = [];
  for (const p of rule.refs) {
    if (p.startsWith('refs/')) refs.push(p);
    else if (p.startsWith('heads/')) branches.push(p.slice('heads/'.length));
    else if (p.startsWith('tags/')) tags.push(p.slice('tags/'.length));
    else if (isVersionLike(p)) tags.push(p);
    else branches.push(p);
  }
  return [
    branches.length > 0 ? `branch${branches.length > 1 ? 'es' : ''} ${branches.join(', ')}` : '',
    tags.length > 0 ? `tag${tags.length > 1 ? 's' : ''} ${tags.join(', ')}` : '',
    refs.length > 0 ? `ref${refs.length > 1 ? 's' : ''} ${refs.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join(' or ');
}
