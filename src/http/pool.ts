// Kept-alive connections per origin and TLS setting: at most `max` each, idle ones reused newest first and
// closed before the server would close them, waiters served in order, nothing written before TLS is verified.
import { isIP, connect as netConnect, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { certificateInfo, nodeTls } from './tls.js';
import type { CertificateInfo, TlsSettings } from './types.js';
import { hostOf, portOf } from './url.js';

/** What a connection tells the request using it. */
export interface Exchange {
  data(chunk: Buffer): void;
  error(error: Error): void;
  end(): void;
}

/** One kept-alive connection to an origin. */
export class Connection {
  exchange: Exchange | undefined;
  alive = true;
  /** False until a TLS handshake is done: nothing is written before the server is verified. */
  secure: boolean;
  certificate: CertificateInfo | undefined;

  constructor(
    readonly socket: Socket,
    private readonly pool: OriginPool,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      if (this.exchange) this.exchange.data(chunk);
      else socket.destroy(); // Bytes nobody asked for: drop the connection.
    });
    socket.on('error', (error) => {
      this.alive = false;
      this.exchange?.error(error);
    });
    socket.on('end', () => {
      this.alive = false;
      this.exchange?.end();
    });
    socket.on('close', () => {
      this.alive = false;
      this.exchange?.end();
      this.pool.closed(this);
    });
    socket.on('timeout', () => {
      if (!this.exchange) socket.destroy();
    });
    this.secure = (socket as TLSSocket).encrypted === undefined;
    if (!this.secure) {
      socket.once('secureConnect', () => {
        this.secure = true;
        this.certificate = certificateInfo((socket as TLSSocket).getPeerCertificate());
      });
    }
  }

  /** Writes a request, after the TLS handshake on a new TLS connection. */
  write(bytes: Buffer): void {
    if (this.secure) this.socket.write(bytes);
    else this.socket.once('secureConnect', () => this.socket.write(bytes));
  }
}

export interface Waiter {
  give(connection: Connection): void;
  cancelled: boolean;
}

/** The connections to one origin with one TLS setting: at most `max`, idle ones reused newest first. */
export class OriginPool {
  private readonly idle: Connection[] = [];
  private readonly waiting: Waiter[] = [];
  private readonly connections = new Set<Connection>();
  private readonly ca: string[] | undefined;

  constructor(
    private readonly url: URL,
    private readonly tls: TlsSettings,
    private readonly max: number,
    private readonly idleMs: number,
  ) {
    // `ca` replaces the default roots, so extra CAs are added to them.
    this.ca = tls.ca ? [...nodeTls().rootCertificates, tls.ca] : undefined;
  }

  /** Calls `give` with a connection now or once one is free; returns the waiter so it can be cancelled. */
  acquire(give: (connection: Connection) => void): Waiter {
    const waiter = { give, cancelled: false };
    for (let connection = this.idle.pop(); connection; connection = this.idle.pop()) {
      if (connection.alive) {
        connection.socket.setTimeout(0);
        give(connection);
        return waiter;
      }
    }
    if (this.connections.size < this.max) give(this.open());
    else this.waiting.push(waiter);
    return waiter;
  }

  /** Takes a connection back after an answer: reused when it can be, closed otherwise. */
  release(connection: Connection, reusable: boolean, keepAliveHint: string | undefined): void {
    connection.exchange = undefined;
    if (!reusable || !connection.alive) {
      connection.alive = false;
      connection.socket.destroy();
      return; // `closed` hands a new connection to the next waiter.
    }
    const next = this.nextWaiter();
    if (next) {
      next.give(connection);
      return;
    }
    const hinted = /timeout=(\d+)/.exec(keepAliveHint ?? '')?.[1];
    const idleMs = hinted ? Math.min(this.idleMs, Number(hinted) * 1000 - 1000) : this.idleMs;
    if (idleMs <= 0) {
      connection.alive = false;
      connection.socket.destroy();
      return;
    }
    connection.socket.setTimeout(idleMs);
    this.idle.push(connection);
  }

  closed(connection: Connection): void {
    if (!this.connections.delete(connection)) return;
    const at = this.idle.indexOf(connection);
    if (at !== -1) this.idle.splice(at, 1);
    if (this.connections.size < this.max) this.nextWaiter()?.give(this.open());
  }

  destroy(): void {
    for (const waiter of this.waiting) waiter.cancelled = true;
    this.waiting.length = 0;
    for (const connection of this.connections) {
      connection.alive = false;
      connection.socket.destroy();
    }
  }

  private nextWaiter(): Waiter | undefined {
    for (let waiter = this.waiting.shift(); waiter; waiter = this.waiting.shift()) {
      if (!waiter.cancelled) return waiter;
    }
    return undefined;
  }

  private open(): Connection {
    const host = hostOf(this.url);
    const port = portOf(this.url);
    const socket =
      this.url.protocol === 'https:'
        ? nodeTls().connect({
            host,
            port,
            servername: isIP(host) ? undefined : host,
            rejectUnauthorized: !this.tls.insecure,
            ca: this.ca,
            ALPNProtocols: ['http/1.1'],
          })
        : netConnect({ host, port });
    const connection = new Connection(socket, this);
    this.connections.add(connection);
    return connection;
  }
}
