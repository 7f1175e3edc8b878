// Reads one HTTP/1.x answer from a connection's bytes as they arrive: Content-Length, chunked, or until
// close; 1xx skipped; HEAD/204/304 without a body; bounded head and kept body; malformed answers refused.
import type { IncomingHttpHeaders } from 'node:http';

/** The largest status line and headers accepted. */
const MAX_HEAD_BYTES = 64 * 1024;

class ProtocolError extends Error {}

// Parser states.
const HEAD = 0;
const LENGTH = 1;
const UNTIL_CLOSE = 2;
const CHUNK_SIZE = 3;
const CHUNK_DATA = 4;
const CHUNK_END = 5;
const TRAILERS = 6;
const DONE = 7;

/** Reads one HTTP/1.x answer from the bytes of a connection, fed as they arrive. */
export class ResponseParser {
  status = 0;
  headers: IncomingHttpHeaders = {};
  /** Whether the connection may carry another request afterwards. */
  reusable = true;
  /** Any byte of the answer seen yet. */
  started = false;
  truncated = false;
  private state = HEAD;
  private pending: Buffer | undefined;
  private remaining = 0;
  private readonly chunks: Buffer[] = [];
  private kept = 0;

  constructor(
    private readonly headRequest: boolean,
    private readonly keepBody: boolean,
    private readonly maxBodyBytes: number,
  ) {}

  get done(): boolean {
    return this.state === DONE;
  }

  body(): string {
    return this.kept === 0 ? '' : Buffer.concat(this.chunks, this.kept).toString('utf8');
  }

  /** Consumes bytes; true once the answer is complete. Throws ProtocolError on a malformed answer. */
  push(chunk: Buffer): boolean {
    this.started = true;
    let data = chunk;
    if (this.pending) {
      data = Buffer.concat([this.pending, chunk]);
      this.pending = undefined;
    }
    let at = 0;
    for (;;) {
      switch (this.state) {
        case HEAD: {
          const end = data.indexOf('\r\n\r\n', at, 'latin1');
          if (end === -1) return this.wait(data, at, MAX_HEAD_BYTES, 'status line and headers');
          this.head(data.toString('latin1', at, end));
          at = end + 4;
          break;
        }
        case LENGTH:
        case CHUNK_DATA: {
          const n = Math.min(this.remaining, data.length - at);
          this.keep(data, at, at + n);
          at += n;
          this.remaining -= n;
          if (this.remaining > 0) return false;
          this.state = this.state === LENGTH ? DONE : CHUNK_END;
          break;
        }
        case UNTIL_CLOSE:
          this.keep(data, at, data.length);
          return false;
        case CHUNK_SIZE: {
          const eol = data.indexOf('\r\n', at, 'latin1');
          if (eol === -1) return this.wait(data, at, 1024, 'chunk size line');
          const line = data.toString('latin1', at, eol);
          const size = /^\s*([0-9a-fA-F]{1,12})\s*(;.*)?$/.exec(line)?.[1];
          if (size === undefined) throw new ProtocolError(`malformed chunk size '${line.slice(0, 40)}'`);
          at = eol + 2;
          this.remaining = Number.parseInt(size, 16);
          this.state = this.remaining === 0 ? TRAILERS : CHUNK_DATA;
          break;
        }
        case CHUNK_END:
          if (data.length - at < 2) return this.wait(data, at, 2, 'chunk end');
          if (data[at] !== 13 || data[at + 1] !== 10) throw new ProtocolError('chunk not followed by CRLF');
          at += 2;
          this.state = CHUNK_SIZE;
          break;
        case TRAILERS: {
          const eol = data.indexOf('\r\n', at, 'latin1');
          if (eol === -1) return this.wait(data, at, MAX_HEAD_BYTES, 'trailers');
          this.state = eol === at ? DONE : TRAILERS;
          at = eol + 2;
          break;
        }
        default:
          // Bytes after a complete answer: the connection cannot be trusted with another request.
          if (at < data.length) this.reusable = false;
          return true;
      }
    }
  }

  /** The connection ended: true when that completes the answer (a body that runs until close). */
  end(): boolean {
    if (this.state === UNTIL_CLOSE) this.state = DONE;
    this.reusable = false;
    return this.state === DONE;
  }

  private wait(data: Buffer, at: number, limit: number, what: string): false {
    if (data.length - at > limit) throw new ProtocolError(`${what} longer than ${limit} bytes`);
    this.pending = at === 0 ? data : data.subarray(at);
    return false;
  }

  private keep(data: Buffer, from: number, to: number): void {
    if (to <= from) return;
    if (!this.keepBody) return;
    const room = this.maxBodyBytes - this.kept;
    if (room <= 0) {
      this.truncated = true;
      return;
    }
    const end = Math.min(to, from + room);
    if (end < to) this.truncated = true;
    this.chunks.push(data.subarray(from, end));
    this.kept += end - from;
  }

  private head(text: string): void {
    const lines = text.split('\r\n');
    const match = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(lines[0]!);
    if (!match) throw new ProtocolError(`not an HTTP/1.x answer: '${lines[0]!.slice(0, 40)}'`);
    const status = Number(match[2]);
    const headers: IncomingHttpHeaders = {};
    let last = '';
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      if ((line[0] === ' ' || line[0] === '\t') && last) {
        headers[last] = `${headers[last]} ${line.trim()}`;
        continue;
      }
      const colon = line.indexOf(':');
      if (colon <= 0) throw new ProtocolError(`malformed header line '${line.slice(0, 40)}'`);
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      const seen = headers[name];
      if (name === 'set-cookie') headers[name] = [...((seen as string[] | undefined) ?? []), value];
      else headers[name] = seen === undefined ? value : `${seen}, ${value}`;
      last = name;
    }
    if (status === 101) throw new ProtocolError('unexpected protocol switch (101)');
    if (status < 200) return; // 100 Continue, 103 Early Hints: the real answer follows.
    this.status = status;
    this.headers = headers;
    const connection = String(headers.connection ?? '').toLowerCase();
    this.reusable = match[1] === '1' ? !/\bclose\b/.test(connection) : /\bkeep-alive\b/.test(connection);
    const encoding = headers['transfer-encoding'];
    const length = headers['content-length'];
    if (this.headRequest || status === 204 || status === 304) {
      this.state = DONE;
    } else if (encoding !== undefined) {
      this.state = /(?:^|,)\s*chunked\s*$/i.test(String(encoding)) ? CHUNK_SIZE : UNTIL_CLOSE;
    } else if (length !== undefined) {
      const values = new Set(String(length).split(/\s*,\s*/));
      const only = values.size === 1 ? [...values][0]! : '';
      if (!/^\d{1,15}$/.test(only)) throw new ProtocolError(`invalid content-length '${length}'`);
      this.remaining = Number(only);
      this.state = this.remaining === 0 ? DONE : LENGTH;
    } else {
      this.state = UNTIL_CLOSE;
    }
    if (this.state === UNTIL_CLOSE) this.reusable = false;
  }
}
