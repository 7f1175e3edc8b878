// A fake of New Relic's NerdGraph (POST /graphql, NRQL through `actor.account.nrql`) on loopback. New Relic
// publishes NerdGraph's schema only through introspection of the live endpoint, in no package this project
// can install, so this fake is held to the documented request and response shapes instead, and says so:
// the subset of the schema below is written from New Relic's NerdGraph documentation ("NerdGraph tutorial:
// NRQL queries": `{ actor { account(id: N) { nrql(query: "…", timeout: 30) { results } } } }`, results a
// list of JSON rows), every GraphQL document sent is parsed and validated against it with graphql-js, and
// the user key travels in the `API-Key` header. Each NRQL query is read for what the source asks:
// count(*) (with `error IS true` for failures), histogram(duration, ceiling, buckets) and
// percentile(duration, N), over the traffic of the side whose tags.version (or release attribute) it names.
import { buildSchema, type DocumentNode, Kind, parse, validate } from 'graphql';
import { type FakeService, type Handled, percentile, startFakeService } from '../metrics-service.js';

export const FAKE_NEW_RELIC_KEY = 'NRAK-FAKEFAKEFAKEFAKEFAKEFAKE0';
export const FAKE_ACCOUNT = 1234567;

/** The documented subset of NerdGraph's schema that NRQL queries use. */
export const NERDGRAPH_SUBSET = buildSchema(`
  scalar Nrql
  scalar Seconds
  scalar NrdbResult
  type NrdbResultContainer { results: [NrdbResult] }
  type Account { id: Int, name: String, nrql(query: Nrql!, timeout: Seconds, async: Boolean): NrdbResultContainer }
  type Actor { account(id: Int!): Account }
  type Query { actor: Actor }
`);

/** Where a document breaks the schema subset; empty when it validates. */
export function nerdGraphProblems(query: string): string[] {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    return [`does not parse: ${(error as Error).message}`];
  }
  return validate(NERDGRAPH_SUBSET, document).map((error) => error.message);
}

export interface FakeNewRelic extends FakeService {
  /** Which side each version is. */
  versions: Record<string, 'baseline' | 'canary'>;
}

function answerNrql(nrql: string, fake: FakeNewRelic): Record<string, unknown>[] {
  const version = /\b(?:tags\.version|release)\s*=\s*'((?:[^'\\]|\\.)*)'/
    .exec(nrql)?.[1]
    ?.replace(/\\(.)/g, '$1');
  const sideName = version ? fake.versions[version] : undefined;
  const traffic = sideName ? fake.traffic[sideName] : undefined;
  if (!/\bSINCE \d+ UNTIL \d+$/.test(nrql)) throw new Error(`the window is missing from ${nrql}`);
  const histogram = /histogram\(duration,\s*([\d.]+),\s*(\d+)\)/.exec(nrql);
  if (histogram) {
    const ceiling = Number(histogram[1]);
    const buckets = Number(histogram[2]);
    const width = ceiling / buckets;
    const counts = new Array<number>(buckets).fill(0);
    for (const ms of traffic?.latenciesMs ?? [])
      counts[Math.min(buckets - 1, Math.floor(ms / 1000 / width))]! += 1;
    return [{ 'histogram.duration': counts }];
  }
  const quantile = /percentile\(duration,\s*(\d+)\)/.exec(nrql);
  if (quantile) {
    const value = percentile(
      (traffic?.latenciesMs ?? []).map((ms) => ms / 1000),
      Number(quantile[1]),
    );
    return [{ 'percentile.duration': { [quantile[1]!]: value ?? null } }];
  }
  if (/count\(\*\)/.test(nrql)) {
    const errors = /error IS true/i.test(nrql);
    return [{ count: traffic ? (errors ? traffic.errors : traffic.requests) : 0 }];
  }
  throw new Error(`the fake does not answer ${nrql}`);
}

export async function startFakeNewRelic(): Promise<FakeNewRelic> {
  const fake = (await startFakeService(
    (call, service): Handled => {
      if (call.method !== 'POST' || new URL(call.url, 'http://x').pathname !== '/graphql')
        service.mismatches.push(`${call.method} ${call.url}: NerdGraph is POST /graphql`);
      if (!String(call.headers['content-type']).startsWith('application/json'))
        service.mismatches.push('the body must be application/json');
      const { query } = JSON.parse(call.body) as { query: string };
      const problems = nerdGraphProblems(query);
      service.mismatches.push(...problems);
      if (call.headers['api-key'] !== FAKE_NEW_RELIC_KEY)
        return {
          status: 200,
          body: JSON.stringify({
            data: { actor: { account: null } },
            errors: [{ message: 'Invalid API key', extensions: { errorClass: 'UNAUTHORIZED' } }],
          }),
        };
      if (problems.length > 0)
        return { status: 200, body: JSON.stringify({ errors: problems.map((message) => ({ message })) }) };
      const document = parse(query);
      const account: Record<string, unknown> = {};
      for (const definition of document.definitions) {
        if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
        const actor = definition.selectionSet.selections[0];
        const accountField = actor?.kind === Kind.FIELD ? actor.selectionSet?.selections[0] : undefined;
        if (accountField?.kind !== Kind.FIELD) continue;
        const id = accountField.arguments?.find((a) => a.name.value === 'id')?.value;
        if (id?.kind !== Kind.INT || Number(id.value) !== FAKE_ACCOUNT)
          return {
            status: 200,
            body: JSON.stringify({
              data: { actor: { account: null } },
              errors: [{ message: 'Account not found' }],
            }),
          };
        for (const selection of accountField.selectionSet?.selections ?? []) {
          if (selection.kind !== Kind.FIELD) continue;
          const nrql = selection.arguments?.find((a) => a.name.value === 'query')?.value;
          if (nrql?.kind !== Kind.STRING) continue;
          account[selection.alias?.value ?? selection.name.value] = { results: answerNrql(nrql.value, fake) };
        }
      }
      return { status: 200, body: JSON.stringify({ data: { actor: { account } } }) };
    },
    () => ({ status: 429, body: JSON.stringify({ errors: [{ message: 'Too many requests' }] }) }),
  )) as FakeNewRelic;
  fake.versions = {};
  return fake;
}
