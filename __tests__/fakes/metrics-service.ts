// What the fakes of hosted metric services share: a loopback HTTP server that records every request,
// collects where a request breaks the service's published description (`mismatches`), and can be told to
// throttle; and the traffic each fake reports: per side, requests, failures and every request's latency,
// from which each fake computes what its service would answer (sums, trimmed counts, buckets, percentiles).
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SideTraffic {
  requests: number;
  errors: number;
  /** Every request's latency, in ms. */
  latenciesMs: number[];
}

export type Traffic = Record<'baseline' | 'canary', SideTraffic>;

/** `requests` requests with latencies spread evenly from `fromMs` to `toMs`, `errors` of them failed. */
export function side(requests: number, errors: number, fromMs: number, toMs: number): SideTraffic {
  const latenciesMs = Array.from({ length: requests }, (_, i) =>
    requests === 1 ? fromMs : fromMs + ((toMs - fromMs) * i) / (requests - 1),
  );
  return { requests, errors, latenciesMs };
}

/** The nearest-rank percentile of a list (q in 0..100). */
export function percentile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((q / 100) * sorted.length) - 1))];
}

export interface RecordedCall {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface FakeService {
  url: string;
  calls: RecordedCall[];
  /** Where requests broke the published description; a test expects none. */
  mismatches: string[];
  /** The traffic reported per side, changed between looks; undefined for a side: no data. */
  traffic: Partial<Traffic>;
  /**
   * The side a query that names neither side reads (a load balancer's metric, which counts whatever release
   * is live: a watch against fixed limits); undefined: such a query finds no data.
   */
  unnamedSide?: 'baseline' | 'canary';
  /** The next `times` requests are throttled the service's way. */
  throttle(times: number): void;
  close(): Promise<void>;
}

export interface Handled {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

export async function startFakeService(
  handle: (call: RecordedCall, fake: FakeService) => Handled,
  throttled: () => Handled,
): Promise<FakeService> {
  let throttleLeft = 0;
  let server: Server | undefined;
  const fake: FakeService = {
    url: '',
    calls: [],
    mismatches: [],
    traffic: {},
    throttle(times) {
      throttleLeft = times;
    },
    async close() {
      server?.closeAllConnections();
      server?.close();
      if (server) await once(server, 'close');
    },
  };
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const call: RecordedCall = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      fake.calls.push(call);
      let answer: Handled;
      if (throttleLeft > 0) {
        throttleLeft -= 1;
        answer = throttled();
      } else {
        try {
          answer = handle(call, fake);
        } catch (error) {
          fake.mismatches.push(`the fake failed: ${(error as Error).stack}`);
          answer = { status: 500, body: 'fake failure' };
        }
      }
      res.writeHead(answer.status, answer.headers ?? { 'content-type': 'application/json' });
      res.end(answer.body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
