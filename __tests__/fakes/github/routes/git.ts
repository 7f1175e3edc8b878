// The repository itself, and git data: references, annotated tag objects, commits and compare.
import * as represent from '../represent.js';
import {
  asObject,
  notFound,
  optBoolean,
  optString,
  paginate,
  type Route,
  type RouteContext,
  reqString,
  unprocessable,
  validationFailed,
} from '../router.js';
import { fullRef, type RepoRecord, type Store } from '../store.js';

const DOCS = 'https://docs.github.com/rest';

function objectExists(repo: RepoRecord, sha: string): boolean {
  return repo.commits.has(sha) || repo.tagObjects.has(sha);
}

function getRef(ctx: RouteContext) {
  const ref = fullRef(ctx.params.ref ?? '');
  const sha = ctx.repo.refs.get(ref);
  if (!sha) throw notFound();
  return { status: 200, body: represent.gitRef(ctx.urls, ctx.repo, ref, sha) };
}

function matchingRefs(ctx: RouteContext) {
  const prefix = fullRef(ctx.params.ref ?? '');
  const refs = [...ctx.repo.refs.entries()]
    .filter(([name]) => name.startsWith(prefix))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, sha]) => represent.gitRef(ctx.urls, ctx.repo, name, sha));
  return { status: 200, body: refs };
}

function createRef(ctx: RouteContext) {
  const body = asObject(ctx.body, 'Reference');
  const ref = reqString(body, 'ref', 'Reference');
  const sha = reqString(body, 'sha', 'Reference');
  if (!ref.startsWith('refs/') || ref.split('/').length < 3) {
    throw unprocessable("Reference name must start with 'refs/' and have at least two slashes.");
  }
  if (!objectExists(ctx.repo, sha)) throw unprocessable('Object does not exist');
  if (ctx.repo.refs.has(ref)) throw unprocessable('Reference already exists');
  ctx.repo.refs.set(ref, sha);
  return {
    status: 201,
    body: represent.gitRef(ctx.urls, ctx.repo, ref, sha),
    headers: { location: `${ctx.urls.api}/repos/${ctx.repo.fullName}/git/${ref}` },
  };
}

function updateRef(ctx: RouteContext) {
  const ref = fullRef(ctx.params.ref ?? '');
  const body = asObject(ctx.body, 'Reference');
  const sha = reqString(body, 'sha', 'Reference');
  const force = optBoolean(body, 'force', 'Reference') ?? false;
  const current = ctx.repo.refs.get(ref);
  if (!current) throw unprocessable('Reference does not exist');
  if (!objectExists(ctx.repo, sha)) throw unprocessable('Object does not exist');
  if (!force && !isFastForward(ctx.store, ctx.repo, current, sha)) {
    throw unprocessable('Update is not a fast forward');
  }
  ctx.repo.refs.set(ref, sha);
  return { status: 200, body: represent.gitRef(ctx.urls, ctx.repo, ref, sha) };
}

function isFastForward(store: Store, repo: RepoRecord, from: string, to: string): boolean {
  const fromCommit = store.peel(repo, from);
  const toCommit = store.peel(repo, to);
  if (!fromCommit || !toCommit) return from === to;
  return store.ancestors(repo, toCommit).includes(fromCommit);
}

function deleteRef(ctx: RouteContext) {
  const ref = fullRef(ctx.params.ref ?? '');
  if (!ctx.repo.refs.delete(ref)) throw unprocessable('Reference does not exist');
  return { status: 204 };
}

function createTag(ctx: RouteContext) {
  const body = asObject(ctx.body, 'Tag');
  const tag = reqString(body, 'tag', 'Tag');
  const message = reqString(body, 'message', 'Tag');
  const object = reqString(body, 'object', 'Tag');
  const type = reqString(body, 'type', 'Tag');
  if (!['commit', 'tree', 'blob', 'tag'].includes(type)) {
    throw validationFailed({ resource: 'Tag', code: 'invalid', field: 'type' });
  }
  if (!objectExists(ctx.repo, object)) throw unprocessable('Object does not exist');
  const taggerBody = body.tagger === undefined ? {} : asObject(body.tagger, 'Tag');
  const tagger = {
    name: optString(taggerBody, 'name', 'Tag') ?? ctx.user.login,
    email:
      optString(taggerBody, 'email', 'Tag') ?? `${ctx.user.id}+${ctx.user.login}@users.noreply.github.com`,
    date: optString(taggerBody, 'date', 'Tag') ?? ctx.store.timestamp(),
  };
  const record = ctx.store.addTagObject(ctx.repo, {
    tag,
    message: message.endsWith('\n') ? message : `${message}\n`,
    object: { sha: object, type: type as 'commit' },
    tagger,
  });
  return { status: 201, body: represent.gitTag(ctx.urls, ctx.repo, record) };
}

function getTag(ctx: RouteContext) {
  const tag = ctx.repo.tagObjects.get(ctx.params.tag_sha ?? '');
  if (!tag) throw notFound();
  return { status: 200, body: represent.gitTag(ctx.urls, ctx.repo, tag) };
}

function getCommit(ctx: RouteContext) {
  const ref = ctx.params.ref ?? '';
  const sha = ctx.store.resolveCommit(ctx.repo, ref);
  if (!sha) throw unprocessable(`No commit found for SHA: ${ref}`);
  const commit = ctx.repo.commits.get(sha)!;
  return {
    status: 200,
    body: {
      ...represent.commit(ctx.urls, ctx.repo, commit, ctx.store),
      stats: { total: 0, additions: 0, deletions: 0 },
      files: [],
    },
  };
}

function compare(ctx: RouteContext) {
  const basehead = ctx.params.basehead ?? '';
  const separator = basehead.indexOf('...');
  if (separator < 0) throw notFound();
  const baseRef = basehead.slice(0, separator);
  const headRef = basehead.slice(separator + 3);
  const base = ctx.store.resolveCommit(ctx.repo, baseRef);
  const head = ctx.store.resolveCommit(ctx.repo, headRef);
  if (!base || !head) throw notFound();
  const { store, repo, urls } = ctx;
  const ahead = store.commitsBetween(repo, base, head);
  const behind = store.commitsBetween(repo, head, base);
  const mergeBase = store.mergeBase(repo, base, head) ?? base;
  const status =
    ahead.length === 0 && behind.length === 0
      ? 'identical'
      : behind.length === 0
        ? 'ahead'
        : ahead.length === 0
          ? 'behind'
          : 'diverged';
  const { page, headers } = paginate(ahead, { ...ctx, query: { per_page: '250', ...ctx.query } });
  const html = represent.repoHtml(urls, repo);
  const api = represent.repoApi(urls, repo);
  return {
    status: 200,
    headers,
    body: {
      url: `${api}/compare/${baseRef}...${headRef}`,
      html_url: `${html}/compare/${baseRef}...${headRef}`,
      permalink_url: `${html}/compare/${repo.owner.login}:${base.slice(0, 7)}...${repo.owner.login}:${head.slice(0, 7)}`,
      diff_url: `${html}/compare/${baseRef}...${headRef}.diff`,
      patch_url: `${html}/compare/${baseRef}...${headRef}.patch`,
      base_commit: represent.commit(urls, repo, repo.commits.get(base)!, store),
      merge_base_commit: represent.commit(urls, repo, repo.commits.get(mergeBase)!, store),
      status,
      ahead_by: ahead.length,
      behind_by: behind.length,
      total_commits: ahead.length,
      commits: page.map((c) => represent.commit(urls, repo, c, store)),
      files: [],
    },
  };
}

const repo = '/repos/{owner}/{repo}';

export const gitRoutes: Route[] = [
  {
    method: 'GET',
    template: repo,
    area: 'metadata',
    access: 'read',
    docs: `${DOCS}/repos/repos#get-a-repository`,
    handler: (ctx) => ({
      status: 200,
      body: {
        ...represent.repository(ctx.urls, ctx.repo),
        network_count: 0,
        subscribers_count: 0,
        permissions: { admin: false, maintain: false, push: true, triage: true, pull: true },
      },
    }),
  },
  {
    method: 'GET',
    template: `${repo}/git/ref/{ref}`,
    area: 'contents',
    access: 'read',
    docs: `${DOCS}/git/refs#get-a-reference`,
    handler: getRef,
  },
  {
    method: 'GET',
    template: `${repo}/git/matching-refs/{ref}`,
    area: 'contents',
    access: 'read',
    docs: `${DOCS}/git/refs#list-matching-references`,
    handler: matchingRefs,
  },
  {
    method: 'POST',
    template: `${repo}/git/refs`,
    area: 'contents',
    access: 'write',
    docs: `${DOCS}/git/refs#create-a-reference`,
    handler: createRef,
  },
  {
    method: 'PATCH',
    template: `${repo}/git/refs/{ref}`,
    area: 'contents',
    access: 'write',
    docs: `${DOCS}/git/refs#update-a-reference`,
    handler: updateRef,
  },
  {
    method: 'DELETE',
    template: `${repo}/git/refs/{ref}`,
    area: 'contents',
    access: 'write',
    docs: `${DOCS}/git/refs#delete-a-reference`,
    handler: deleteRef,
  },
  {
    method: 'POST',
    template: `${repo}/git/tags`,
    area: 'contents',
    access: 'write',
    docs: `${DOCS}/git/tags#create-a-tag-object`,
    handler: createTag,
  },
  {
    method: 'GET',
    template: `${repo}/git/tags/{tag_sha}`,
    area: 'contents',
    access: 'read',
    docs: `${DOCS}/git/tags#get-a-tag`,
    handler: getTag,
  },
  {
    method: 'GET',
    template: `${repo}/commits/{ref}`,
    area: 'contents',
    access: 'read',
    docs: `${DOCS}/commits/commits#get-a-commit`,
    handler: getCommit,
  },
  {
    method: 'GET',
    template: `${repo}/compare/{basehead}`,
    area: 'contents',
    access: 'read',
    docs: `${DOCS}/commits/commits#compare-two-commits`,
    handler: compare,
  },
];
