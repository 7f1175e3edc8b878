// Dependabot alerts of a repository (list), with GitHub's filters and its cursor pagination (`after`/`before`
// in the Link header; this endpoint has no `page`). A workflow's GITHUB_TOKEN is answered 403 (see server.ts);
// a repository with the alerts turned off answers 403 "Dependabot alerts are disabled for this repository."
import { HttpError, type Route, type RouteContext, validationFailed } from '../router.js';
import type { DependabotAlertRecord } from '../store.js';

const DOCS = 'https://docs.github.com/rest';

function cursor(number: number): string {
  return Buffer.from(`cursor:${number}`).toString('base64');
}

function fromCursor(text: string, field: string): number {
  const match = /^cursor:(\d+)$/.exec(Buffer.from(text, 'base64').toString('utf8'));
  if (!match) throw validationFailed({ resource: 'DependabotAlert', code: 'invalid', field });
  return Number(match[1]);
}

function commaList(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return value.split(',').map((v) => v.trim().toLowerCase());
}

function represent(ctx: RouteContext, alert: DependabotAlertRecord): Record<string, unknown> {
  const pkg = { ecosystem: alert.ecosystem, name: alert.packageName };
  const patched = alert.firstPatchedVersion === null ? null : { identifier: alert.firstPatchedVersion };
  const vulnerability = {
    package: pkg,
    severity: alert.severity,
    vulnerable_version_range: alert.vulnerableVersionRange,
    first_patched_version: patched,
  };
  const identifiers = [
    { type: 'GHSA', value: alert.ghsaId },
    ...(alert.cveId ? [{ type: 'CVE', value: alert.cveId }] : []),
  ];
  return {
    number: alert.number,
    state: alert.state,
    dependency: {
      package: pkg,
      manifest_path: alert.manifestPath,
      scope: alert.scope,
      relationship: 'direct',
    },
    security_advisory: {
      ghsa_id: alert.ghsaId,
      cve_id: alert.cveId,
      summary: alert.summary,
      description: `${alert.summary}.`,
      vulnerabilities: [vulnerability],
      severity: alert.severity,
      classification: 'general',
      cvss: { score: alert.cvssScore, vector_string: null },
      cvss_severities: null,
      epss: null,
      cwes: [],
      identifiers,
      references: [{ url: `https://github.com/advisories/${alert.ghsaId}` }],
      published_at: alert.createdAt,
      updated_at: alert.updatedAt,
      withdrawn_at: null,
    },
    security_vulnerability: vulnerability,
    url: `${ctx.urls.api}/repos/${ctx.repo.fullName}/dependabot/alerts/${alert.number}`,
    html_url: `${ctx.urls.web}/${ctx.repo.fullName}/security/dependabot/${alert.number}`,
    created_at: alert.createdAt,
    updated_at: alert.updatedAt,
    dismissed_at: null,
    dismissed_by: null,
    dismissed_reason: null,
    dismissed_comment: null,
    fixed_at: null,
    auto_dismissed_at: null,
    assignees: [],
  };
}

export const dependabotRoutes: Route[] = [
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/dependabot/alerts',
    area: 'vulnerability-alerts',
    access: 'read',
    docs: `${DOCS}/dependabot/alerts#list-dependabot-alerts-for-a-repository`,
    handler: (ctx) => {
      if (!ctx.repo.dependabotAlertsEnabled) {
        throw new HttpError(403, 'Dependabot alerts are disabled for this repository.');
      }
      const states = commaList(ctx.query.state);
      const severities = commaList(ctx.query.severity);
      const ecosystems = commaList(ctx.query.ecosystem);
      const packages = commaList(ctx.query.package);
      const ascending = ctx.query.direction === 'asc';
      const perPage = Math.min(Math.max(Number.parseInt(ctx.query.per_page ?? '30', 10) || 30, 1), 100);
      let alerts = ctx.repo.dependabotAlerts
        .filter((a) => !states || states.includes(a.state))
        .filter((a) => !severities || severities.includes(a.severity))
        .filter((a) => !ecosystems || ecosystems.includes(a.ecosystem))
        .filter((a) => !packages || packages.includes(a.packageName.toLowerCase()))
        .sort((a, b) => (ascending ? a.number - b.number : b.number - a.number));
      // Cursors stand after (or before) an alert number in the listing's order.
      if (ctx.query.after) {
        const after = fromCursor(ctx.query.after, 'after');
        const index = alerts.findIndex((a) => a.number === after);
        alerts = index < 0 ? [] : alerts.slice(index + 1);
      } else if (ctx.query.before) {
        const before = fromCursor(ctx.query.before, 'before');
        const index = alerts.findIndex((a) => a.number === before);
        alerts = index < 0 ? [] : alerts.slice(Math.max(index - perPage, 0), index);
      }
      const page = alerts.slice(0, perPage);
      const last = page.at(-1);
      const headers: Record<string, string> = {};
      if (last && alerts.length > perPage) {
        const { after: _after, before: _before, ...rest } = ctx.query;
        const params = new URLSearchParams({
          ...rest,
          per_page: String(perPage),
          after: cursor(last.number),
        });
        headers.link = `<${ctx.urls.api}${ctx.path}?${params.toString()}>; rel="next"`;
      }
      return { status: 200, headers, body: page.map((a) => represent(ctx, a)) };
    },
  },
];
