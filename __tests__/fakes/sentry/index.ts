// A fake of Sentry's events endpoint (GET /api/0/organizations/{org}/events/) on loopback, held to
// Sentry's published API description as the @sentry/api package carries it: its types are generated from
// Sentry's OpenAPI document, and ts-json-schema-generator turns the operation's request type
// (QueryExploreEventsInTableFormatData: path, query with `field`, `dataset` ∈ logs|profile_functions|spans|
// uptime_results, start, end, per_page…) and its 200 answer back into JSON Schema, which ajv holds every
// request and answer to. The answer is computed from the reported traffic for the functions the source
// asks: count(), failure_count(), count_if(span.duration,lessOrEquals,B) and pNN(span.duration).
import { Ajv, type ValidateFunction } from 'ajv';
import { createGenerator } from 'ts-json-schema-generator';
import { packageFile } from '../github/paths.js';
import { type FakeService, type Handled, percentile, startFakeService } from '../metrics-service.js';

export const FAKE_SENTRY_TOKEN = 'sntrys_fake_token_0123456789';
export const FAKE_SENTRY_ORG = 'shop-org';

let validators: { request: ValidateFunction; answer: ValidateFunction } | undefined;

/** The operation's JSON Schemas, generated once per process from @sentry/api's types (about 10 s). */
export function sentrySchemas(): { request: ValidateFunction; answer: ValidateFunction } {
  if (validators) return validators;
  const generator = createGenerator({
    path: packageFile('@sentry/api', 'dist/types.gen.d.ts'),
    skipTypeCheck: true,
    expose: 'none',
    topRef: false,
    jsDoc: 'none',
  });
  const ajv = new Ajv({ allErrors: true, strict: false });
  const answers = generator.createSchema('QueryExploreEventsInTableFormatResponses') as {
    properties: Record<string, object>;
  };
  validators = {
    request: ajv.compile(generator.createSchema('QueryExploreEventsInTableFormatData')),
    answer: ajv.compile(answers.properties['200']!),
  };
  return validators;
}

/** The query string as the operation's typed query: arrays where the description has arrays, numbers where numbers. */
export function typedQuery(search: URLSearchParams): Record<string, unknown> {
  const arrays = new Set(['field', 'environment', 'project']);
  const numbers = new Set(['per_page']);
  const query: Record<string, unknown> = {};
  for (const [key, value] of search) {
    if (arrays.has(key))
      query[key] = [...((query[key] as unknown[]) ?? []), key === 'project' ? Number(value) : value];
    else query[key] = numbers.has(key) ? Number(value) : value;
  }
  return query;
}

function describeErrors(validate: ValidateFunction): string[] {
  return (validate.errors ?? []).map(
    (e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`,
  );
}

export interface FakeSentry extends FakeService {
  /** Which side each release is. */
  releases: Record<string, 'baseline' | 'canary'>;
  /** The organization's slug it answers for (default FAKE_SENTRY_ORG; an example's own, such as acme). */
  organization: string;
}

export async function startFakeSentry(): Promise<FakeSentry> {
  const schemas = sentrySchemas();
  const fake = (await startFakeService(
    (call, service) => {
      const url = new URL(call.url, 'http://x');
      const match = /^\/api\/0\/organizations\/([^/]+)\/events\/$/.exec(url.pathname);
      const query = typedQuery(url.searchParams);
      const request = {
        path: { organization_id_or_slug: decodeURIComponent(match?.[1] ?? '') },
        query,
        url: '/api/0/organizations/{organization_id_or_slug}/events/',
      };
      if (!match) service.mismatches.push(`${url.pathname}: not the events endpoint`);
      if (!schemas.request(request))
        service.mismatches.push(...describeErrors(schemas.request).map((e) => `request ${e}`));
      if (call.headers.authorization !== `Bearer ${FAKE_SENTRY_TOKEN}`)
        return { status: 401, body: JSON.stringify({ detail: 'Invalid token' }) };
      if (request.path.organization_id_or_slug !== (fake as FakeSentry).organization)
        return { status: 404, body: JSON.stringify({ detail: 'The requested resource does not exist' }) };
      const search = String(query.query ?? '');
      const release = /release:"((?:[^"\\]|\\.)*)"/.exec(search)?.[1]?.replace(/\\(.)/g, '$1');
      const sideName = release ? (fake as FakeSentry).releases[release] : undefined;
      const traffic = sideName ? service.traffic[sideName] : undefined;
      const fields = (query.field as string[]) ?? [];
      const row: Record<string, number | null> = {};
      const meta: Record<string, string> = {};
      for (const field of fields) {
        meta[field] = field.startsWith('p') ? 'duration' : 'integer';
        const latencies = traffic?.latenciesMs ?? [];
        if (field === 'count()') row[field] = traffic?.requests ?? 0;
        else if (field === 'failure_count()') row[field] = traffic?.errors ?? 0;
        else if (field.startsWith('count_if(span.duration,lessOrEquals,')) {
          const bound = Number(/,(\d+(?:\.\d+)?)\)$/.exec(field)?.[1]);
          row[field] = latencies.filter((ms) => ms <= bound).length;
        } else if (/^p\d+\(span\.duration\)$/.test(field))
          row[field] = percentile(latencies, Number(/^p(\d+)/.exec(field)![1])) ?? null;
        else return { status: 400, body: JSON.stringify({ detail: `Unknown field: ${field}` }) };
      }
      const answer = { data: [row], meta: { fields: meta } };
      if (!schemas.answer(answer))
        service.mismatches.push(...describeErrors(schemas.answer).map((e) => `answer ${e}`));
      return { status: 200, body: JSON.stringify(answer) };
    },
    (): Handled => ({
      status: 429,
      body: JSON.stringify({
        detail: 'You are attempting to use this endpoint too frequently. Limit is 40 requests in 1 seconds',
      }),
    }),
  )) as FakeSentry;
  fake.releases = {};
  fake.organization = FAKE_SENTRY_ORG;
  return fake;
}
