// The fake cache service's protocol, spoken by hand: what it refuses, and how it matches keys.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_VERSION, type FakeCacheService, startFakeCacheService } from './index.js';

let fake: FakeCacheService;

beforeAll(async () => {
  fake = await startFakeCacheService({ maxCacheSize: 1000 });
});

afterAll(async () => {
  await fake.close();
});

const headers = (extra: Record<string, string> = {}) => ({
  authorization: `Bearer ${fake.token}`,
  accept: `application/json;api-version=${API_VERSION}`,
  ...extra,
});
const api = (path: string) => `${fake.url}_apis/artifactcache/${path}`;

async function reserve(key: string, version = 'v1', cacheSize?: number): Promise<Response> {
  return fetch(api('caches'), {
    method: 'POST',
    headers: headers({ 'content-type': 'application/json' }),
    body: JSON.stringify({ key, version, cacheSize }),
  });
}

async function upload(id: number, start: number, data: Buffer, range?: string): Promise<Response> {
  return fetch(api(`caches/${id}`), {
    method: 'PATCH',
    headers: headers({
      'content-type': 'application/octet-stream',
      'content-range': range ?? `bytes ${start}-${start + data.length - 1}/*`,
    }),
    body: data,
  });
}

async function commit(id: number, size: number): Promise<Response> {
  return fetch(api(`caches/${id}`), {
    method: 'POST',
    headers: headers({ 'content-type': 'application/json' }),
    body: JSON.stringify({ size }),
  });
}

async function save(key: string, data: Buffer, version = 'v1'): Promise<number> {
  const reserved = await reserve(key, version, data.length);
  expect(reserved.status).toBe(201);
  const { cacheId } = (await reserved.json()) as { cacheId: number };
  const half = Math.floor(data.length / 2);
  // Chunks may arrive out of order (@actions/cache uploads several at once).
  expect((await upload(cacheId, half, data.subarray(half))).status).toBe(204);
  expect((await upload(cacheId, 0, data.subarray(0, half))).status).toBe(204);
  expect((await commit(cacheId, data.length)).status).toBe(204);
  return cacheId;
}

async function lookup(keys: string, version = 'v1'): Promise<Response> {
  return fetch(api(`cache?keys=${encodeURIComponent(keys)}&version=${version}`), { headers: headers() });
}

describe('fake cache service', () => {
  it('refuses a missing or wrong token, and a request without the api version', async () => {
    expect((await fetch(api('cache?keys=a&version=v1'))).status).toBe(401);
    expect(
      (await fetch(api('cache?keys=a&version=v1'), { headers: { authorization: 'Bearer nope' } })).status,
    ).toBe(401);
    expect(
      (await fetch(api('cache?keys=a&version=v1'), { headers: { authorization: `Bearer ${fake.token}` } }))
        .status,
    ).toBe(400);
  });

  it('stores chunks, serves the archive at a signed URL, and refuses a second reservation', async () => {
    const data = Buffer.from('0123456789abcdef');
    await save('app-1', data);
    const found = await lookup('app-1');
    expect(found.status).toBe(200);
    const body = (await found.json()) as { cacheKey: string; scope: string; archiveLocation: string };
    expect(body).toMatchObject({ cacheKey: 'app-1', scope: 'refs/heads/main' });
    const archive = await fetch(body.archiveLocation);
    expect(Buffer.from(await archive.arrayBuffer())).toEqual(data);
    expect(archive.headers.get('content-length')).toBe(String(data.length));
    expect((await fetch(body.archiveLocation.replace(/sig=\w+/, 'sig=forged'))).status).toBe(403);

    const again = await reserve('app-1', 'v1', 4);
    expect(again.status).toBe(409);
    expect(((await again.json()) as { message: string }).message).toMatch(/^Cache already exists/);
    expect((await reserve('app-1', 'v2', 4)).status).toBe(201); // another version is another entry
  });

  it('checks Content-Range, the commit size and the size cap', async () => {
    const { cacheId } = (await (await reserve('app-2', 'v1', 8)).json()) as { cacheId: number };
    expect((await upload(cacheId, 0, Buffer.from('abcd'), 'bytes 0-9/*')).status).toBe(400);
    expect((await upload(cacheId, 0, Buffer.from('abcd'), 'bytes=0-3')).status).toBe(400);
    expect((await upload(cacheId, 0, Buffer.from('abcd'))).status).toBe(204);
    expect((await commit(cacheId, 8)).status).toBe(400); // only 4 bytes arrived
    expect((await lookup('app-2')).status).toBe(204);
    expect((await upload(999, 0, Buffer.from('x'))).status).toBe(404);
    expect((await reserve('too-big', 'v1', 1001)).status).toBe(400);
  });

  it('matches a key exactly first, then by prefix (newest), then the next key; 204 when none', async () => {
    await save('web-1.2.10', Buffer.from('ten'));
    await save('web-1.2.1', Buffer.from('one'));
    await save('web-1.2.11', Buffer.from('eleven'));
    const key = async (keys: string) =>
      ((await (await lookup(keys)).json()) as { cacheKey: string }).cacheKey;
    expect(await key('web-1.2.1')).toBe('web-1.2.1');
    expect(await key('web-1.2.1,web-')).toBe('web-1.2.1');
    expect(await key('web-1.2')).toBe('web-1.2.11');
    expect(await key('nothing,web-1.2.10')).toBe('web-1.2.10');
    expect((await lookup('web-1.2.1', 'other-version')).status).toBe(204);
  });

  it('evicts every version of a key, and injects faults a set number of times', async () => {
    await save('gone', Buffer.from('bye'));
    expect(fake.evict('gone')).toBe(1);
    expect((await lookup('gone')).status).toBe(204);

    const rule = fake.faults.fail('lookup', { status: 503, times: 2 });
    expect((await lookup('app-1')).status).toBe(503);
    expect((await lookup('app-1')).status).toBe(503);
    expect((await lookup('app-1')).status).toBe(200);
    expect(rule.hits).toBe(2);
    expect(fake.requests.filter((r) => r.fault === 503)).toHaveLength(2);
  });

  it('gives the variables that make @actions/cache speak v1 to it', () => {
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[\w-]+\/$/);
    expect(fake.env()).toMatchObject({
      ACTIONS_CACHE_URL: fake.url,
      ACTIONS_RUNTIME_TOKEN: fake.token,
      ACTIONS_CACHE_SERVICE_V2: '',
    });
  });
});
