// A fake of the Actions cache service on loopback: the legacy (v1) REST protocol that @actions/cache speaks
// when ACTIONS_CACHE_URL is set and the v2 Twirp service is not chosen (always on GHES; on github.com when
// ACTIONS_CACHE_SERVICE_V2 is unset). What @actions/cache v6 sends (lib/internal/cacheHttpClient.js):
//
//   GET   {url}_apis/artifactcache/cache?keys=k1,k2&version=V   200 { cacheKey, scope, archiveLocation, … } | 204
//   GET   {url}_apis/artifactcache/caches?key=K                 200 { totalCount, artifactCaches } (debug only)
//   POST  {url}_apis/artifactcache/caches { key, version, cacheSize }   201 { cacheId } | 409 already exists
//   PATCH {url}_apis/artifactcache/caches/{id}  octet-stream, Content-Range: bytes S-E/*     204
//   POST  {url}_apis/artifactcache/caches/{id} { size }         204 once every byte up to size was uploaded
//   GET   archiveLocation                                        the archive (here: served by this fake)
//
// Every `_apis` request must carry `Authorization: Bearer <ACTIONS_RUNTIME_TOKEN>` and
// `Accept: application/json;api-version=6.0-preview.1`. The archive URL is signed (like a SAS URL) and
// needs no token. Lookups match a key exactly first, then by prefix (newest first), key by key, as the
// service does; a key+version pair can be reserved once, until it is evicted.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const DEFAULT_CACHE_TOKEN = 'fake-actions-runtime-token';
export const API_VERSION = '6.0-preview.1';

export type CacheRoute = 'lookup' | 'list' | 'reserve' | 'upload' | 'commit' | 'download' | 'unknown';

export interface FakeCacheEntry {
  id: number;
  key: string;
  version: string;
  scope: string;
  /** cacheSize announced when reserving. */
  reservedSize?: number;
  committed: boolean;
  /** The archive, once committed. */
  data?: Buffer;
  /** Bytes uploaded so far (chunks may overlap only by mistake; the commit checks). */
  uploadedBytes: number;
  createdAt: string;
}

export interface CacheRequestRecord {
  method: string;
  /** Path after the service URL (`_apis/artifactcache/caches/3`), or the archive path for downloads. */
  path: string;
  route: CacheRoute;
  query: Record<string, string>;
  /** Lower-cased names. */
  headers: Record<string, string>;
  /** Parsed JSON for JSON requests; undefined otherwise. */
  body?: unknown;
  bodyBytes: number;
  status: number;
  /** The injected fault that answered, if any. */
  fault?: number;
}

export interface CacheFaultRule {
  route: CacheRoute | '*';
  status: number;
  /** Requests still to fail. */
  remaining: number;
  hits: number;
}

export class CacheFaults {
  readonly rules: CacheFaultRule[] = [];

  /** Answers the next `times` (default 1) requests of `route` with `status` (default 500) and the service's error body. */
  fail(route: CacheRoute | '*', options: { status?: number; times?: number } = {}): CacheFaultRule {
    const rule: CacheFaultRule = {
      route,
      status: options.status ?? 500,
      remaining: options.times ?? 1,
      hits: 0,
    };
    this.rules.push(rule);
    return rule;
  }

  clear(): void {
    this.rules.length = 0;
  }

  /** @internal */
  take(route: CacheRoute): CacheFaultRule | undefined {
    const rule = this.rules.find((r) => r.remaining > 0 && (r.route === '*' || r.route === route));
    if (!rule) return undefined;
    rule.remaining -= 1;
    rule.hits += 1;
    return rule;
  }
}

export interface FakeCacheOptions {
  /** The accepted ACTIONS_RUNTIME_TOKEN (default DEFAULT_CACHE_TOKEN). */
  token?: string;
  /** The scope entries are saved in and reported with (default `refs/heads/main`). */
  scope?: string;
  /** A reservation with a larger cacheSize gets 400, like the service's size cap. */
  maxCacheSize?: number;
}

export interface FakeCacheService {
  /** The ACTIONS_CACHE_URL value, with the trailing slash the runner gives. */
  readonly url: string;
  readonly token: string;
  /** What makes @actions/cache talk to this fake with the v1 protocol. */
  env(): Record<string, string>;
  /** Every entry, reserved or committed, oldest first (a snapshot). */
  readonly entries: FakeCacheEntry[];
  /** The committed entry of a key (newest when several versions), if any. */
  entry(key: string): FakeCacheEntry | undefined;
  /** Removes every entry of the key (all versions), as an eviction does; returns how many. */
  evict(key: string): number;
  readonly requests: CacheRequestRecord[];
  readonly faults: CacheFaults;
  close(): Promise<void>;
}

interface Chunk {
  start: number;
  data: Buffer;
}

interface StoredEntry extends FakeCacheEntry {
  chunks: Chunk[];
  signature: string;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly typeKey = 'ArgumentException',
  ) {
    super(message);
  }
}

/** The service's error body (an Azure DevOps WrappedException). */
function errorBody(message: string, typeKey: string): Record<string, unknown> {
  return {
    $id: '1',
    innerException: null,
    message,
    typeName: `Microsoft.Azure.DevOps.PipelineCache.WebApi.${typeKey}, Microsoft.Azure.DevOps.PipelineCache.WebApi`,
    typeKey,
    errorCode: 0,
    eventId: 3000,
  };
}

export async function startFakeCacheService(options: FakeCacheOptions = {}): Promise<FakeCacheService> {
  const token = options.token ?? DEFAULT_CACHE_TOKEN;
  const scope = options.scope ?? 'refs/heads/main';
  const prefix = `/fake-cache-${randomBytes(4).toString('hex')}/`;
  const stored: StoredEntry[] = [];
  const requests: CacheRequestRecord[] = [];
  const faults = new CacheFaults();
  let nextId = 1;
  let origin = '';

  const committed = (entry: StoredEntry) => entry.committed && entry.data !== undefined;

  function lookup(keys: string[], version: string): StoredEntry | undefined {
    const candidates = stored.filter((e) => committed(e) && e.version === version && e.scope === scope);
    const newest = (list: StoredEntry[]) => list.sort((a, b) => b.id - a.id)[0];
    for (const key of keys) {
      const exact = newest(candidates.filter((e) => e.key === key));
      if (exact) return exact;
      const partial = newest(candidates.filter((e) => e.key.startsWith(key)));
      if (partial) return partial;
    }
    return undefined;
  }

  function archiveLocation(entry: StoredEntry): string {
    return `${origin}/_fake/archives/${entry.id}?sig=${entry.signature}`;
  }

  function describe(entry: StoredEntry) {
    return {
      scope: entry.scope,
      cacheKey: entry.key,
      cacheVersion: entry.version,
      creationTime: entry.createdAt,
    };
  }

  function routeOf(method: string, path: string): { route: CacheRoute; id?: number } {
    if (path.startsWith('/_fake/archives/')) return { route: method === 'GET' ? 'download' : 'unknown' };
    if (!path.startsWith(prefix)) return { route: 'unknown' };
    const rest = path.slice(prefix.length);
    if (rest === '_apis/artifactcache/cache' && method === 'GET') return { route: 'lookup' };
    if (rest === '_apis/artifactcache/caches' && method === 'GET') return { route: 'list' };
    if (rest === '_apis/artifactcache/caches' && method === 'POST') return { route: 'reserve' };
    const match = /^_apis\/artifactcache\/caches\/(\d+)$/.exec(rest);
    if (match) {
      const id = Number(match[1]);
      if (method === 'PATCH') return { route: 'upload', id };
      if (method === 'POST') return { route: 'commit', id };
    }
    return { route: 'unknown' };
  }

  function parseJson(body: Buffer, headers: IncomingMessage['headers']): unknown {
    if (body.length === 0) return undefined;
    if (!String(headers['content-type'] ?? '').includes('application/json')) return undefined;
    try {
      return JSON.parse(body.toString('utf8'));
    } catch {
      throw new HttpError(400, 'The request body is not valid JSON.');
    }
  }

  function findEntry(id: number | undefined): StoredEntry {
    const entry = stored.find((e) => e.id === id);
    if (!entry)
      throw new HttpError(404, `Cache with id ${id} was not found.`, 'ArtifactCacheNotFoundException');
    return entry;
  }

  async function answer(
    route: CacheRoute,
    id: number | undefined,
    url: URL,
    req: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; json?: unknown; data?: Buffer }> {
    if (route === 'unknown') throw new HttpError(404, `No route for ${req.method} ${url.pathname}.`);
    if (route === 'download') {
      const archiveId = Number(url.pathname.slice('/_fake/archives/'.length));
      const entry = stored.find((e) => e.id === archiveId && committed(e));
      if (!entry) throw new HttpError(404, 'The specified blob does not exist.', 'BlobNotFound');
      if (url.searchParams.get('sig') !== entry.signature) {
        throw new HttpError(403, 'Server failed to authenticate the request.', 'AuthenticationFailed');
      }
      return { status: 200, data: entry.data };
    }

    if (req.headers.authorization !== `Bearer ${token}`) {
      throw new HttpError(
        401,
        'Unauthorized: the ACTIONS_RUNTIME_TOKEN is missing or wrong.',
        'Unauthorized',
      );
    }
    if (!String(req.headers.accept ?? '').includes(`api-version=${API_VERSION}`)) {
      throw new HttpError(400, `Accept must name api-version=${API_VERSION}.`);
    }
    const json = parseJson(body, req.headers) as Record<string, unknown> | undefined;

    switch (route) {
      case 'lookup': {
        const keys = url.searchParams.get('keys');
        const version = url.searchParams.get('version');
        if (!keys || !version) throw new HttpError(400, 'keys and version are required.');
        const found = lookup(keys.split(','), version);
        if (!found) return { status: 204 };
        return { status: 200, json: { ...describe(found), archiveLocation: archiveLocation(found) } };
      }
      case 'list': {
        const key = url.searchParams.get('key') ?? '';
        const list = stored.filter((e) => committed(e) && e.key === key).map(describe);
        return { status: 200, json: { totalCount: list.length, artifactCaches: list } };
      }
      case 'reserve': {
        const key = json?.key;
        const version = json?.version;
        const cacheSize = json?.cacheSize;
        if (typeof key !== 'string' || key === '' || typeof version !== 'string' || version === '') {
          throw new HttpError(400, 'key and version are required.');
        }
        if (cacheSize !== undefined && (typeof cacheSize !== 'number' || cacheSize < 0)) {
          throw new HttpError(400, 'cacheSize must be a number of bytes.');
        }
        if (
          options.maxCacheSize !== undefined &&
          typeof cacheSize === 'number' &&
          cacheSize > options.maxCacheSize
        ) {
          throw new HttpError(
            400,
            `Cache size of ${cacheSize} bytes is over the limit of ${options.maxCacheSize} bytes.`,
            'ArtifactCacheSizeExceededException',
          );
        }
        if (stored.some((e) => e.key === key && e.version === version && e.scope === scope)) {
          throw new HttpError(
            409,
            `Cache already exists. Scope: ${scope}, Key: ${key}, Version: ${version}`,
            'ArtifactCacheAlreadyExistsException',
          );
        }
        const entry: StoredEntry = {
          id: nextId++,
          key,
          version,
          scope,
          ...(typeof cacheSize === 'number' ? { reservedSize: cacheSize } : {}),
          committed: false,
          uploadedBytes: 0,
          createdAt: new Date().toISOString(),
          chunks: [],
          signature: randomBytes(12).toString('hex'),
        };
        stored.push(entry);
        return { status: 201, json: { cacheId: entry.id } };
      }
      case 'upload': {
        const entry = findEntry(id);
        if (entry.committed) throw new HttpError(400, `Cache ${entry.id} is already committed.`);
        if (!String(req.headers['content-type'] ?? '').startsWith('application/octet-stream')) {
          throw new HttpError(400, 'Content-Type must be application/octet-stream.');
        }
        const range = /^bytes (\d+)-(\d+)\/\*$/.exec(String(req.headers['content-range'] ?? ''));
        if (!range) throw new HttpError(400, 'Content-Range must be "bytes <start>-<end>/*".');
        const start = Number(range[1]);
        const end = Number(range[2]);
        if (end < start || end - start + 1 !== body.length) {
          throw new HttpError(
            400,
            `Content-Range ${start}-${end} does not match the ${body.length} bytes sent.`,
          );
        }
        entry.chunks.push({ start, data: body });
        entry.uploadedBytes += body.length;
        return { status: 204 };
      }
      case 'commit': {
        const entry = findEntry(id);
        if (entry.committed) throw new HttpError(400, `Cache ${entry.id} is already committed.`);
        const size = json?.size;
        if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
          throw new HttpError(400, 'size must be a whole number of bytes.');
        }
        const data = Buffer.alloc(size);
        let covered = 0;
        for (const chunk of [...entry.chunks].sort((a, b) => a.start - b.start)) {
          if (chunk.start !== covered || chunk.start + chunk.data.length > size) {
            throw new HttpError(
              400,
              `Uploaded chunks do not cover bytes 0-${size - 1} exactly (gap or overlap at ${chunk.start}).`,
            );
          }
          chunk.data.copy(data, chunk.start);
          covered += chunk.data.length;
        }
        if (covered !== size) {
          throw new HttpError(400, `Commit size ${size} does not match the ${covered} bytes uploaded.`);
        }
        entry.data = data;
        entry.committed = true;
        entry.chunks = [];
        return { status: 204 };
      }
    }
  }

  const server: Server = createServer((req, res: ServerResponse) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => {
      const body = Buffer.concat(parts);
      const method = req.method ?? 'GET';
      const url = new URL(req.url ?? '/', origin);
      const { route, id } = routeOf(method, url.pathname);
      const record: CacheRequestRecord = {
        method,
        path: url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname,
        route,
        query: Object.fromEntries(url.searchParams),
        headers: Object.fromEntries(
          Object.entries(req.headers).map(([name, value]) => [
            name,
            Array.isArray(value) ? value.join(', ') : (value ?? ''),
          ]),
        ),
        bodyBytes: body.length,
        status: 0,
      };
      try {
        record.body = parseJson(body, req.headers);
      } catch {
        // recorded as bytes only; the route answers 400
      }
      requests.push(record);
      const send = (status: number, json?: unknown, data?: Buffer) => {
        record.status = status;
        if (data) {
          res.writeHead(status, {
            'content-type': 'application/octet-stream',
            'content-length': data.length,
          });
          res.end(data);
        } else if (json !== undefined) {
          const text = JSON.stringify(json);
          res.writeHead(status, {
            'content-type': 'application/json; charset=utf-8',
            'content-length': Buffer.byteLength(text),
          });
          res.end(text);
        } else {
          res.writeHead(status);
          res.end();
        }
      };
      const fault = faults.take(route);
      if (fault) {
        record.fault = fault.status;
        send(
          fault.status,
          errorBody('Injected fault: the cache service is unavailable.', 'ServiceUnavailable'),
        );
        return;
      }
      answer(route, id, url, req, body).then(
        (result) => send(result.status, result.json, result.data),
        (error: unknown) => {
          if (error instanceof HttpError) send(error.status, errorBody(error.message, error.typeKey));
          else send(500, errorBody(`fake cache service crashed: ${String(error)}`, 'InternalError'));
        },
      );
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const url = `${origin}${prefix}`;

  const snapshot = (entry: StoredEntry): FakeCacheEntry => ({
    id: entry.id,
    key: entry.key,
    version: entry.version,
    scope: entry.scope,
    ...(entry.reservedSize !== undefined ? { reservedSize: entry.reservedSize } : {}),
    committed: entry.committed,
    ...(entry.data ? { data: entry.data } : {}),
    uploadedBytes: entry.uploadedBytes,
    createdAt: entry.createdAt,
  });

  return {
    url,
    token,
    env: () => ({
      ACTIONS_CACHE_URL: url,
      ACTIONS_RUNTIME_TOKEN: token,
      // The v2 (Twirp) service is chosen by ACTIONS_CACHE_SERVICE_V2 off GHES; empty keeps the v1 protocol,
      // and an empty results URL keeps anything else from reaching a real service.
      ACTIONS_CACHE_SERVICE_V2: '',
      ACTIONS_RESULTS_URL: '',
      ACTIONS_CACHE_MODE: 'write',
    }),
    get entries() {
      return stored.map(snapshot);
    },
    entry(key: string) {
      const found = stored.filter((e) => e.key === key && committed(e)).sort((a, b) => b.id - a.id)[0];
      return found ? snapshot(found) : undefined;
    },
    evict(key: string) {
      let removed = 0;
      for (let index = stored.length - 1; index >= 0; index -= 1) {
        if (stored[index]?.key === key) {
          stored.splice(index, 1);
          removed += 1;
        }
      }
      return removed;
    },
    requests,
    faults,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
