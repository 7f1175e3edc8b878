// Releases (create, get by tag or id, update, list, latest, delete).
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
  validationFailed,
} from '../router.js';
import type { ReleaseRecord } from '../store.js';

const DOCS = 'https://docs.github.com/rest/releases/releases';

function findRelease(ctx: RouteContext): ReleaseRecord {
  const release = ctx.repo.releases.find((r) => r.id === Number(ctx.params.release_id));
  if (!release) throw notFound();
  return release;
}

function tagTaken(ctx: RouteContext, tagName: string, except?: ReleaseRecord): boolean {
  return ctx.repo.releases.some((r) => r !== except && r.tagName === tagName);
}

/** A published release's tag must exist: GitHub creates it at `target_commitish` when missing. */
function ensureTag(ctx: RouteContext, release: ReleaseRecord): void {
  if (release.draft || ctx.repo.refs.has(`refs/tags/${release.tagName}`)) return;
  const sha = ctx.store.resolveCommit(ctx.repo, release.targetCommitish);
  if (!sha) throw validationFailed({ resource: 'Release', code: 'invalid', field: 'target_commitish' });
  ctx.repo.refs.set(`refs/tags/${release.tagName}`, sha);
}

function createRelease(ctx: RouteContext) {
  const body = asObject(ctx.body, 'Release');
  const tagName = reqString(body, 'tag_name', 'Release');
  if (tagName.trim() === '')
    throw validationFailed({ resource: 'Release', code: 'missing_field', field: 'tag_name' });
  if (tagTaken(ctx, tagName)) {
    throw validationFailed({ resource: 'Release', code: 'already_exists', field: 'tag_name' });
  }
  const targetCommitish = optString(body, 'target_commitish', 'Release') ?? ctx.repo.defaultBranch;
  if (!ctx.repo.refs.has(`refs/tags/${tagName}`) && !ctx.store.resolveCommit(ctx.repo, targetCommitish)) {
    throw validationFailed({ resource: 'Release', code: 'invalid', field: 'target_commitish' });
  }
  const release = ctx.store.addRelease(ctx.repo.fullName, {
    tagName,
    targetCommitish,
    name: optString(body, 'name', 'Release') ?? null,
    body: optString(body, 'body', 'Release') ?? null,
    draft: optBoolean(body, 'draft', 'Release') ?? false,
    prerelease: optBoolean(body, 'prerelease', 'Release') ?? false,
    author: ctx.user.login,
  });
  const json = represent.release(ctx.urls, ctx.repo, release);
  return { status: 201, body: json, headers: { location: String(json.url) } };
}

function updateRelease(ctx: RouteContext) {
  const release = findRelease(ctx);
  const body = asObject(ctx.body, 'Release');
  const tagName = optString(body, 'tag_name', 'Release');
  if (tagName !== undefined && tagTaken(ctx, tagName, release)) {
    throw validationFailed({ resource: 'Release', code: 'already_exists', field: 'tag_name' });
  }
  release.tagName = tagName ?? release.tagName;
  release.targetCommitish = optString(body, 'target_commitish', 'Release') ?? release.targetCommitish;
  if ('name' in body) release.name = optString(body, 'name', 'Release') ?? null;
  if ('body' in body) release.body = optString(body, 'body', 'Release') ?? null;
  release.prerelease = optBoolean(body, 'prerelease', 'Release') ?? release.prerelease;
  const draft = optBoolean(body, 'draft', 'Release');
  if (draft === false && release.draft) release.publishedAt = ctx.store.timestamp();
  release.draft = draft ?? release.draft;
  release.updatedAt = ctx.store.timestamp();
  ensureTag(ctx, release);
  return { status: 200, body: represent.release(ctx.urls, ctx.repo, release) };
}

function getByTag(ctx: RouteContext) {
  const release = ctx.repo.releases.find((r) => !r.draft && r.tagName === ctx.params.tag);
  if (!release) throw notFound();
  return { status: 200, body: represent.release(ctx.urls, ctx.repo, release) };
}

function latest(ctx: RouteContext) {
  const release = ctx.repo.releases
    .filter((r) => !r.draft && !r.prerelease)
    .sort((a, b) => (b.publishedAt ?? '').localeCompare(a.publishedAt ?? '') || b.id - a.id)[0];
  if (!release) throw notFound();
  return { status: 200, body: represent.release(ctx.urls, ctx.repo, release) };
}

function listReleases(ctx: RouteContext) {
  const all = [...ctx.repo.releases].sort((a, b) => b.id - a.id);
  const { page, headers } = paginate(all, ctx);
  return { status: 200, headers, body: page.map((r) => represent.release(ctx.urls, ctx.repo, r)) };
}

const base = '/repos/{owner}/{repo}/releases';

export const releaseRoutes: Route[] = [
  {
    method: 'POST',
    template: base,
    area: 'contents',
    access: 'write',
    docs: `${DOCS}#create-a-release`,
    handler: createRelease,
  },
  {
    method: 'GET',
    template: base,
    area: 'contents',
    access: 'read',
    docs: `${DOCS}#list-releases`,
    handler: listReleases,
  },
  {
    method: 'GET',
    template: `${base}/latest`,
    area: 'contents',
    access: 'read',
    docs: `${DOCS}#get-the-latest-release`,
    handler: latest,
  },
  {
    method: 'GET',
    template: `${base}/tags/{tag}`,
    area: 'contents',
    access: 'read',
    docs: `${DOCS}#get-a-release-by-tag-name`,
    handler: getByTag,
  },
  {
    method: 'GET',
    template: `${base}/{release_id}`,
    area: 'contents',
    access: 'read',
    docs: `${DOCS}#get-a-release`,
    handler: (ctx) => ({ status: 200, body: represent.release(ctx.urls, ctx.repo, findRelease(ctx)) }),
  },
  {
    method: 'PATCH',
    template: `${base}/{release_id}`,
    area: 'contents',
    access: 'write',
    docs: `${DOCS}#update-a-release`,
    handler: updateRelease,
  },
  {
    method: 'DELETE',
    template: `${base}/{release_id}`,
    area: 'contents',
    access: 'write',
    docs: `${DOCS}#delete-a-release`,
    handler: (ctx) => {
      const release = findRelease(ctx);
      ctx.repo.releases.splice(ctx.repo.releases.indexOf(release), 1);
      return { status: 204 };
    },
  },
];
