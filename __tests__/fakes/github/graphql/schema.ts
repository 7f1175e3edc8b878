// GitHub's published GraphQL schema (@octokit/graphql-schema), built once on first use. The introspection
// JSON is used: the package's schema.graphql defines some fields twice, which buildSchema rejects.
import { readFileSync } from 'node:fs';
import { buildClientSchema, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { packageFile } from '../paths.js';

let schema: GraphQLSchema | undefined;

export function githubSchema(): GraphQLSchema {
  if (!schema) {
    const json = JSON.parse(readFileSync(packageFile('@octokit/graphql-schema', 'schema.json'), 'utf8')) as
      | IntrospectionQuery
      | { data: IntrospectionQuery };
    schema = buildClientSchema('data' in json ? json.data : json, { assumeValid: true });
  }
  return schema;
}
