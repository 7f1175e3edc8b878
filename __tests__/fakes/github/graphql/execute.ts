// The GraphQL endpoint: parse, validate against GitHub's published schema, execute over the store, and
// answer errors in GitHub's shape (`{ type?, path, locations, message }`, HTTP 200).
import {
  type DocumentNode,
  execute,
  type GraphQLError,
  type GraphQLFieldResolver,
  type GraphQLTypeResolver,
  parse,
  validate,
} from 'graphql';
import { ForbiddenError, type GraphqlContext, type GraphqlRecord } from '../server.js';
import { GqlError, root } from './resolvers.js';
import { githubSchema } from './schema.js';

interface GitHubGraphqlError {
  type?: string;
  path?: readonly (string | number)[];
  locations?: readonly { line: number; column: number }[];
  message: string;
  extensions?: Record<string, unknown>;
}

/** Fails loudly on a field the fake does not model, instead of answering a silent null. */
const strictFieldResolver: GraphQLFieldResolver<unknown, GraphqlContext> = (source, args, context, info) => {
  const object = source as Record<string, unknown> | null;
  if (object === null || typeof object !== 'object' || !(info.fieldName in object)) {
    throw new Error(
      `The fake GitHub does not implement ${info.parentType.name}.${info.fieldName}; add it in __tests__/fakes/github/graphql/resolvers.ts`,
    );
  }
  const value = object[info.fieldName];
  return typeof value === 'function'
    ? (value as (a: unknown, c: unknown, i: unknown) => unknown)(args, context, info)
    : value;
};

const typeResolver: GraphQLTypeResolver<unknown, GraphqlContext> = (value) =>
  (value as { __typename?: string }).__typename;

/** GitHub words its most common validation error differently from graphql-js; match it. */
function githubValidationError(error: GraphQLError): GitHubGraphqlError {
  const locations = error.locations;
  const undefinedField = /^Cannot query field "(.+?)" on type "(.+?)"\./.exec(error.message);
  if (undefinedField) {
    const [, fieldName, typeName] = undefinedField;
    return {
      ...(locations ? { locations } : {}),
      message: `Field '${fieldName}' doesn't exist on type '${typeName}'`,
      extensions: { code: 'undefinedField', typeName, fieldName },
    };
  }
  return { ...(locations ? { locations } : {}), message: error.message };
}

function executionError(error: GraphQLError): GitHubGraphqlError {
  const original = error.originalError;
  const type = original instanceof GqlError || original instanceof ForbiddenError ? original.type : undefined;
  return {
    ...(type ? { type } : {}),
    ...(error.path ? { path: error.path } : {}),
    ...(error.locations ? { locations: error.locations } : {}),
    message: error.message,
  };
}

export async function handleGraphql(
  body: unknown,
  ctx: GraphqlContext,
): Promise<{ status: number; body: unknown; record?: GraphqlRecord }> {
  const request = (body ?? {}) as { query?: unknown; variables?: unknown; operationName?: unknown };
  if (typeof request.query !== 'string') {
    return {
      status: 400,
      body: {
        message: 'A query attribute must be specified and must be a string.',
        documentation_url: 'https://docs.github.com/graphql',
      },
    };
  }
  const variables =
    typeof request.variables === 'string'
      ? (JSON.parse(request.variables) as Record<string, unknown>)
      : ((request.variables ?? undefined) as Record<string, unknown> | undefined);
  const operationName = typeof request.operationName === 'string' ? request.operationName : undefined;
  const record: GraphqlRecord = {
    query: request.query,
    ...(variables ? { variables } : {}),
    ...(operationName ? { operationName } : {}),
    valid: false,
    errors: [],
  };

  let document: DocumentNode;
  try {
    document = parse(request.query);
  } catch (error) {
    const parseError = error as GraphQLError;
    record.errors = [parseError.message];
    return {
      status: 200,
      body: {
        errors: [
          {
            message: parseError.message,
            ...(parseError.locations ? { locations: parseError.locations } : {}),
          },
        ],
      },
      record,
    };
  }
  const schema = githubSchema();
  const invalid = validate(schema, document);
  if (invalid.length > 0) {
    record.errors = invalid.map((e) => e.message);
    return { status: 200, body: { errors: invalid.map(githubValidationError) }, record };
  }
  record.valid = true;

  const result = await execute({
    schema,
    document,
    rootValue: root(ctx),
    contextValue: ctx,
    variableValues: variables ?? null,
    operationName: operationName ?? null,
    fieldResolver: strictFieldResolver,
    typeResolver,
  });
  const answer: Record<string, unknown> = { data: result.data ?? null };
  if (result.errors && result.errors.length > 0) answer.errors = result.errors.map(executionError);
  return { status: 200, body: answer, record };
}
