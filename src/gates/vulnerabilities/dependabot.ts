// The repository's open Dependabot alerts as findings: GET /repos/{owner}/{repo}/dependabot/alerts?state=open,
// 100 a page, every page (Octokit's pagination follows the Link header).
// The workflow's GITHUB_TOKEN cannot be granted Dependabot alerts (there is no such `permissions:` key, and
// `security-events: read` covers code scanning only), so GitHub answers it 403; the error then says which
// token can read them.
import type { GitHubClient } from '../../github/client.js';
import { toGitHubApiError } from '../../github/errors.js';
import { advisoryIds, type Finding, SourceError, severityOfWord } from './findings.js';

interface DependabotAlert {
  number: number;
  html_url: string;
  dependency?: { package?: { ecosystem?: string; name?: string }; manifest_path?: string };
  security_advisory?: {
    ghsa_id?: string;
    cve_id?: string | null;
    summary?: string;
    severity?: string;
    identifiers?: readonly { type?: string; value?: string }[];
  };
  security_vulnerability?: { severity?: string; vulnerable_version_range?: string };
}

const DEPENDABOT_PERMISSION =
  "the workflow's GITHUB_TOKEN cannot be granted it (`permissions:` has no key for Dependabot alerts, and `security-events: read` covers code scanning only). " +
  'Give the action a token that can read them (its `token` input): a GitHub App installation token with the `vulnerability_alerts: read` ("Dependabot alerts: read") permission, ' +
  'a fine-grained personal access token with "Dependabot alerts: read" on this repository, or a classic one with the `security_events` scope (`public_repo` for a public repository)';

/** A bound against a server that keeps answering `next` (100 pages: 10 000 alerts). */
const MAX_PAGES = 100;

/** The open Dependabot alerts of the target's repository, as findings (all pages). */
export async function readDependabotAlerts(
  client: GitHubClient,
  target: { owner: string; repo: string },
  now?: () => Date,
): Promise<Finding[]> {
  const where = `${target.owner}/${target.repo}`;
  let alerts: DependabotAlert[];
  try {
    // Loaded here, with the client: only a gate that reads Dependabot alerts needs it (start-up, bundle size).
    const { composePaginateRest } = await import('@octokit/plugin-paginate-rest');
    let pages = 0;
    alerts = (await composePaginateRest(
      client.octokit,
      'GET /repos/{owner}/{repo}/dependabot/alerts',
      { owner: target.owner, repo: target.repo, state: 'open', per_page: 100 },
      (response, done) => {
        pages += 1;
        if (pages >= MAX_PAGES) done();
        return response.data;
      },
    )) as DependabotAlert[];
  } catch (error) {
    const status = (error as { status?: number }).status;
    const message = String(
      (error as { response?: { data?: { message?: string } } }).response?.data?.message ??
        (error as Error).message,
    );
    if (status === 403 && /disabled/i.test(message)) {
      throw new SourceError(
        `Dependabot alerts are disabled for ${where} (403 ${message}); enable them under Settings → Code security, or drop 'dependabot: true'`,
      );
    }
    const explained = toGitHubApiError(error, {
      action: `read the Dependabot alerts of ${where}`,
      ...(now ? { now } : {}),
    });
    if (status === 403 && explained.kind === 'permission') {
      throw new SourceError(
        `the token may not read the Dependabot alerts of ${where} (403 ${message}): ${DEPENDABOT_PERMISSION}`,
      );
    }
    throw new SourceError(explained.message);
  }
  return alerts.map((alert) => {
    const advisory = alert.security_advisory ?? {};
    const ids = [
      ...advisoryIds(advisory.ghsa_id),
      ...advisoryIds(advisory.cve_id ?? undefined),
      ...(advisory.identifiers ?? []).flatMap((i) => advisoryIds(i.value)),
    ];
    const unique = [...new Set(ids)];
    const severityWord = alert.security_vulnerability?.severity ?? advisory.severity;
    const pkg = alert.dependency?.package;
    const finding: Finding = {
      source: 'Dependabot',
      id: unique.find((i) => i.startsWith('CVE')) ?? unique[0] ?? `dependabot-alert-${alert.number}`,
      ids: [...unique, `dependabot-alert-${alert.number}`],
      severity: severityOfWord(severityWord) ?? 'medium',
      basis: `GitHub ${severityWord ?? 'unknown'}`,
      title: advisory.summary ?? `Dependabot alert #${alert.number}`,
      url: alert.html_url,
      tool: 'Dependabot',
    };
    if (pkg?.name) finding.package = pkg.ecosystem ? `${pkg.ecosystem}:${pkg.name}` : pkg.name;
    if (alert.dependency?.manifest_path) finding.location = alert.dependency.manifest_path;
    return finding;
  });
}
