// Holds the fake (and what the actions send it) to GitHub's published API description: every recorded
// REST request is matched to its operation in @octokit/openapi's api.github.com description, and its
// query, request body and response body are validated with ajv; every GraphQL document must have been
// valid against @octokit/graphql-schema. The description is loaded once, on first use, and only the
// operations met are compiled.
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { packageFile } from './paths.js';
import { compileTemplate } from './router.js';
import type { RecordedRequest } from './server.js';

export interface Mismatch {
  requestId: number;
  method: string;
  path: string;
  /** The operation's id in GitHub's description (`repos/create-deployment`), when one matched. */
  operation?: string;
  part: 'route' | 'query' | 'request' | 'response' | 'graphql';
  /** JSON pointer into the body (empty for the whole body). */
  pointer: string;
  message: string;
}

type Schema = Record<string, unknown>;

interface Operation {
  operationId: string;
  parameters?: Schema[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
  responses: Record<string, Schema>;
}

interface Spec {
  paths: Record<string, Record<string, unknown>>;
  components: {
    schemas: Record<string, Schema>;
    responses: Record<string, Schema>;
    parameters: Record<string, Schema>;
  };
}

interface IndexedPath {
  template: string;
  regex: RegExp;
  names: string[];
  literal: number;
}

let spec: Spec | undefined;
let index: IndexedPath[] | undefined;
const validators = new Map<string, ValidateFunction>();
let ajv: Ajv | undefined;

function loadSpec(): Spec {
  if (!spec) {
    spec = JSON.parse(
      readFileSync(packageFile('@octokit/openapi', 'generated/api.github.com.json'), 'utf8'),
    ) as Spec;
  }
  return spec;
}

function pathIndex(): IndexedPath[] {
  if (!index) {
    index = Object.keys(loadSpec().paths)
      .map((template) => ({
        template,
        ...compileTemplate(template),
        literal: template.replace(/\{[^}]+\}/g, '').length,
      }))
      // The most literal template wins: `/releases/latest` before `/releases/{release_id}`.
      .sort((a, b) => b.literal - a.literal);
  }
  return index;
}

/** GitHub's documentation of a 409 from createDeployment has no schema; this is the body GitHub sends. */
const DEPLOYMENT_CONFLICT: Schema = {
  type: 'object',
  required: ['message', 'documentation_url'],
  properties: {
    message: { type: 'string' },
    documentation_url: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['resource', 'field', 'contexts'],
        properties: {
          resource: { const: 'Deployment' },
          field: { const: 'required_contexts' },
          contexts: {
            type: 'array',
            items: {
              type: 'object',
              required: ['context', 'state'],
              properties: { context: { type: 'string' }, state: { type: 'string' } },
            },
          },
        },
      },
    },
  },
};

const KNOWN_FORMATS: Record<string, RegExp | true> = {
  'date-time': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
  // GitHub answers "" for unset URLs (a deployment status's `target_url`, `log_url`, `environment_url`).
  uri: /^(|[a-z][a-z0-9+.-]*:\S*)$/i,
  email: /^\S+@\S+$/,
};

function getAjv(): Ajv {
  if (!ajv) {
    ajv = new Ajv({ strict: false, allErrors: true, logger: false, validateFormats: true });
    for (const [name, format] of Object.entries(KNOWN_FORMATS)) ajv.addFormat(name, format);
  }
  return ajv;
}

/**
 * Turns an OpenAPI 3.0 schema into JSON Schema for ajv: `nullable` becomes a `null` type, `oneOf` is
 * read as `anyOf` (GitHub's description has overlapping branches, e.g. a user or an empty object), and
 * `#/components/schemas/x` refs become `#/definitions/x` in one self-contained schema.
 */
function convert(node: unknown, definitions: Map<string, Schema>, formats: Set<string>): unknown {
  if (Array.isArray(node)) return node.map((item) => convert(item, definitions, formats));
  if (node === null || typeof node !== 'object') return node;
  const source = node as Schema;
  if (typeof source.$ref === 'string') {
    const name = source.$ref.replace('#/components/schemas/', '');
    if (!definitions.has(name)) {
      definitions.set(name, {});
      const target = loadSpec().components.schemas[name];
      definitions.set(name, convert(target ?? {}, definitions, formats) as Schema);
    }
    return { $ref: `#/definitions/${name}` };
  }
  const out: Schema = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === 'nullable' || key === 'example' || key === 'examples' || key.startsWith('x-')) continue;
    if (key === 'discriminator' || key === 'xml' || key === 'externalDocs' || key === 'deprecated') continue;
    if (key === 'properties' && value && typeof value === 'object') {
      out.properties = Object.fromEntries(
        Object.entries(value as Schema).map(([name, schema]) => [
          name,
          convert(schema, definitions, formats),
        ]),
      );
    } else if (key === 'oneOf') {
      out.anyOf = convert(value, definitions, formats);
    } else if (key === 'format' && typeof value === 'string') {
      formats.add(value);
      out.format = value;
    } else {
      out[key] = convert(value, definitions, formats);
    }
  }
  if (source.nullable === true) {
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    } else {
      return { anyOf: [out, { type: 'null' }] };
    }
  }
  return out;
}

function validator(key: string, schema: Schema): ValidateFunction {
  let validate = validators.get(key);
  if (!validate) {
    const definitions = new Map<string, Schema>();
    const formats = new Set<string>();
    const root = convert(schema, definitions, formats) as Schema;
    const instance = getAjv();
    for (const format of formats) {
      if (!(format in KNOWN_FORMATS) && !instance.formats[format]) instance.addFormat(format, true);
    }
    validate = instance.compile({ ...root, definitions: Object.fromEntries(definitions) });
    validators.set(key, validate);
  }
  return validate;
}

function resolveRef<T>(node: Schema, group: 'responses' | 'parameters'): T {
  if (typeof node.$ref === 'string') {
    const name = node.$ref.replace(`#/components/${group}/`, '');
    return loadSpec().components[group][name] as T;
  }
  return node as T;
}

/** Finds the operation of a recorded request in GitHub's description. */
export function findOperation(
  method: string,
  path: string,
): { template: string; operation: Operation; params: Record<string, string> } | undefined {
  const paths = loadSpec().paths;
  for (const entry of pathIndex()) {
    const match = entry.regex.exec(path);
    if (!match) continue;
    const operation = paths[entry.template]?.[method.toLowerCase()] as Operation | undefined;
    if (!operation) continue;
    const params: Record<string, string> = {};
    entry.names.forEach((name, i) => {
      params[name] = decodeURIComponent(match[i + 1] ?? '');
    });
    return { template: entry.template, operation, params };
  }
  return undefined;
}

function describe(errors: ErrorObject[] | null | undefined): { pointer: string; message: string }[] {
  return (errors ?? []).map((error) => ({
    pointer: error.instancePath,
    message: `${error.message ?? 'invalid'}${error.params && Object.keys(error.params).length > 0 ? ` ${JSON.stringify(error.params)}` : ''}`,
  }));
}

function checkParameters(
  record: RecordedRequest,
  operation: Operation,
  pathLevel: Schema[],
  params: Record<string, string>,
  push: (m: Omit<Mismatch, 'requestId' | 'method' | 'path'>) => void,
): void {
  const declared = [...pathLevel, ...(operation.parameters ?? [])].map((p) =>
    resolveRef<{ name: string; in: string; schema?: Schema; required?: boolean }>(p, 'parameters'),
  );
  const check = (where: 'query' | 'path', name: string, value: string) => {
    const parameter = declared.find((p) => p.in === where && p.name === name);
    if (!parameter) {
      push({
        operation: operation.operationId,
        part: 'query',
        pointer: `/${name}`,
        message: `unknown ${where} parameter '${name}'`,
      });
      return;
    }
    const schema = parameter.schema ?? {};
    const type = schema.type;
    const ok =
      type === 'integer'
        ? /^-?\d+$/.test(value)
        : type === 'boolean'
          ? value === 'true' || value === 'false'
          : Array.isArray(schema.enum)
            ? schema.enum.includes(value)
            : true;
    if (!ok) {
      push({
        operation: operation.operationId,
        part: 'query',
        pointer: `/${name}`,
        message: `${where} parameter '${name}' = '${value}' does not match ${JSON.stringify(schema)}`,
      });
    }
  };
  for (const [name, value] of Object.entries(record.query)) check('query', name, value);
  for (const [name, value] of Object.entries(params)) check('path', name, value);
}

function responseSchema(operation: Operation, status: number): { schema?: Schema; documented: boolean } {
  const entry = operation.responses[String(status)] ?? operation.responses[`${Math.floor(status / 100)}XX`];
  if (!entry) return { documented: false };
  const response = resolveRef<{ content?: Record<string, { schema?: Schema }> }>(entry, 'responses');
  const schema = response.content?.['application/json']?.schema;
  return schema ? { schema, documented: true } : { documented: true };
}

/** Checks recorded requests against GitHub's description; returns every mismatch found. */
export function checkConformance(requests: readonly RecordedRequest[]): Mismatch[] {
  const mismatches: Mismatch[] = [];
  for (const record of requests) {
    const push = (m: Omit<Mismatch, 'requestId' | 'method' | 'path'>) =>
      mismatches.push({ requestId: record.id, method: record.method, path: record.path, ...m });

    if (record.kind === 'graphql') {
      if (record.graphql && !record.graphql.valid) {
        for (const message of record.graphql.errors) push({ part: 'graphql', pointer: '', message });
      }
      continue;
    }

    if (record.responseHeaders['x-fake-github']) {
      // A 404 from a route the fake lacks would read as "not there" to an action: never let it pass.
      push({
        part: 'route',
        pointer: '',
        message: `the fake GitHub does not implement this route (${record.responseHeaders['x-fake-github']})`,
      });
    }
    const found = findOperation(record.method, record.path);
    if (!found) {
      push({
        part: 'route',
        pointer: '',
        message: "no operation in GitHub's REST description matches this request",
      });
      continue;
    }
    const { operation, template, params } = found;
    const operationId = operation.operationId;
    const pathLevel = (loadSpec().paths[template]?.parameters ?? []) as Schema[];
    checkParameters(record, operation, pathLevel, params, push);

    const requestSchema = operation.requestBody?.content?.['application/json']?.schema;
    if (requestSchema) {
      if (record.body === undefined) {
        if (operation.requestBody?.required) {
          push({ operation: operationId, part: 'request', pointer: '', message: 'request body is required' });
        }
      } else {
        const validate = validator(`${operationId} request`, requestSchema);
        if (!validate(record.body)) {
          for (const e of describe(validate.errors)) push({ operation: operationId, part: 'request', ...e });
        }
      }
    }

    // Faults answer what any endpoint may answer (5xx, rate limits, dropped connections): only the
    // request is checked for them.
    if (record.fault || record.status === 0) continue;

    const status = record.status;
    let { schema, documented } = responseSchema(operation, status);
    if (operationId === 'repos/create-deployment' && status === 409) schema = DEPLOYMENT_CONFLICT;
    if (!schema && status >= 400) {
      // Errors any operation can answer (401, 403, 404, 422 without a documented body): GitHub's basic-error.
      schema = { $ref: '#/components/schemas/basic-error' };
      documented = true;
    }
    if (!documented) {
      push({
        operation: operationId,
        part: 'response',
        pointer: '',
        message: `status ${status} is not documented for ${operationId}`,
      });
      continue;
    }
    if (status === 204 || !schema) {
      if (record.responseBody !== undefined && record.responseBody !== '') {
        push({
          operation: operationId,
          part: 'response',
          pointer: '',
          message: `status ${status} should have no body`,
        });
      }
      continue;
    }
    const validate = validator(`${operationId} ${status}`, schema);
    if (!validate(record.responseBody)) {
      for (const e of describe(validate.errors)) push({ operation: operationId, part: 'response', ...e });
    }
  }
  return mismatches;
}

export function formatMismatches(mismatches: readonly Mismatch[]): string {
  return mismatches
    .map(
      (m) =>
        `#${m.requestId} ${m.method} ${m.path}${m.operation ? ` (${m.operation})` : ''} ${m.part}` +
        `${m.pointer ? ` ${m.pointer}` : ''}: ${m.message}`,
    )
    .join('\n');
}

/** Throws, listing each mismatch, when any recorded request or answer departs from GitHub's description. */
export function assertConformance(requests: readonly RecordedRequest[]): void {
  const mismatches = checkConformance(requests);
  if (mismatches.length > 0) {
    throw new Error(
      `${mismatches.length} departure(s) from GitHub's published API description:\n${formatMismatches(mismatches)}`,
    );
  }
}
