// Actions variables of a repository: list, get, create, update, delete. Names are kept upper-cased and
// matched in any case, as GitHub does; a workflow's GITHUB_TOKEN cannot be granted them (area `variables`).
import * as represent from '../represent.js';
import {
  asObject,
  HttpError,
  notFound,
  paginate,
  type Route,
  type RouteContext,
  reqString,
  validationFailed,
} from '../router.js';
import type { VariableRecord } from '../store.js';

const DOCS = 'https://docs.github.com/rest/actions/variables';
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function findVariable(ctx: RouteContext): VariableRecord {
  const variable = ctx.repo.variables.get(String(ctx.params.name).toUpperCase());
  if (!variable) throw notFound();
  return variable;
}

function checkName(name: string): string {
  if (!NAME.test(name) || /^GITHUB_/i.test(name))
    throw validationFailed({ resource: 'ActionsVariable', code: 'invalid', field: 'name' });
  return name.toUpperCase();
}

export const variableRoutes: Route[] = [
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/actions/variables',
    area: 'variables',
    access: 'read',
    docs: `${DOCS}#list-repository-variables`,
    handler: (ctx) => {
      const all = [...ctx.repo.variables.values()].sort((a, b) => a.name.localeCompare(b.name));
      const { page, headers } = paginate(all, ctx);
      return {
        status: 200,
        headers,
        body: { total_count: all.length, variables: page.map(represent.variable) },
      };
    },
  },
  {
    method: 'GET',
    template: '/repos/{owner}/{repo}/actions/variables/{name}',
    area: 'variables',
    access: 'read',
    docs: `${DOCS}#get-a-repository-variable`,
    handler: (ctx) => {
      ctx.store.variableRead(ctx.repo, String(ctx.params.name));
      return { status: 200, body: represent.variable(findVariable(ctx)) };
    },
  },
  {
    method: 'POST',
    template: '/repos/{owner}/{repo}/actions/variables',
    area: 'variables',
    access: 'write',
    docs: `${DOCS}#create-a-repository-variable`,
    handler: (ctx) => {
      const body = asObject(ctx.body, 'ActionsVariable');
      const name = checkName(reqString(body, 'name', 'ActionsVariable'));
      const value = reqString(body, 'value', 'ActionsVariable');
      if (ctx.repo.variables.has(name)) throw new HttpError(409, 'Already exists - Variable already exists');
      ctx.store.setVariable(ctx.repo.fullName, name, value);
      return { status: 201, body: {} };
    },
  },
  {
    method: 'PATCH',
    template: '/repos/{owner}/{repo}/actions/variables/{name}',
    area: 'variables',
    access: 'write',
    docs: `${DOCS}#update-a-repository-variable`,
    handler: (ctx) => {
      const existing = findVariable(ctx);
      const body = asObject(ctx.body, 'ActionsVariable');
      const value = typeof body.value === 'string' ? body.value : existing.value;
      const renamed = typeof body.name === 'string' ? checkName(body.name) : existing.name;
      ctx.repo.variables.delete(existing.name);
      ctx.repo.variables.set(renamed, {
        ...existing,
        name: renamed,
        value,
        updatedAt: ctx.store.timestamp(),
      });
      return { status: 204 };
    },
  },
  {
    method: 'DELETE',
    template: '/repos/{owner}/{repo}/actions/variables/{name}',
    area: 'variables',
    access: 'write',
    docs: `${DOCS}#delete-a-repository-variable`,
    handler: (ctx) => {
      ctx.repo.variables.delete(findVariable(ctx).name);
      return { status: 204 };
    },
  },
];
