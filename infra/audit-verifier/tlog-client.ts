/**
 * What the verifier reads of a log: the checkpoint, tiles and entry bundles at their tlog-tiles URLs, over plain
 * HTTP GETs. Nothing else the server says is taken in. A tile of the wrong length is an error here, so that a short
 * answer cannot pass for a smaller tree.
 */
import { gunzipSync } from 'node:zlib';
import { tileUrlPath } from './tile-path.js';

export class FetchError extends Error {
  readonly code = 'FETCH_FAILED';
  constructor(
    readonly url: string,
    readonly status: number | null,
    message: string,
  ) {
    super(message);
  }
}

export interface TlogClientOptions {
  /** Sent with every request (`Authorization: Bearer …` where entry bundles are restricted). */
  headers?: Record<string, string>;
}

export class TlogClient {
  private readonly base: string;

  constructor(
    baseUrl: string,
    private readonly options: TlogClientOptions = {},
  ) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  private async get(path: string): Promise<{ status: number; body: Buffer; headers: Headers }> {
    const url = `${this.base}/${path}`;
    let response: Response;
    try {
      response = await fetch(url, { headers: { 'accept-encoding': 'gzip, identity', ...this.options.headers } });
    } catch (error) {
      throw new FetchError(url, null, `cannot reach ${url}: ${(error as Error).message}`);
    }
    // fetch undoes gzip by itself; a server that gzips without saying so is read too.
    let body = Buffer.from(await response.arrayBuffer());
    if (body[0] === 0x1f && body[1] === 0x8b && !response.headers.get('content-encoding')) body = gunzipSync(body);
    return { status: response.status, body, headers: response.headers };
  }

  private async required(path: string): Promise<Buffer> {
    const { status, body } = await this.get(path);
    if (status !== 200) {
      throw new FetchError(
        `${this.base}/${path}`,
        status,
        `${this.base}/${path} answered ${status}: ${body.toString('utf8').trim()}`,
      );
    }
    return body;
  }

  async checkpoint(): Promise<string> {
    return (await this.required('checkpoint')).toString('utf8');
  }

  async tile(level: number, index: number, width: number): Promise<Buffer> {
    const body = await this.required(tileUrlPath(level, index, width));
    if (body.length !== width * 32) {
      throw new FetchError(
        `${this.base}/${tileUrlPath(level, index, width)}`,
        200,
        `tile ${tileUrlPath(level, index, width)} is ${body.length} bytes, not ${width * 32}`,
      );
    }
    return body;
  }

  /**
   * The entries of a bundle. The standard bundle (uint16 lengths) first; where the log says an entry is too long for
   * it, the uint32 one. Returns what the bundle holds, which may be fewer or more than `width` (the caller names it).
   */
  async entries(index: number, width: number): Promise<Buffer[]> {
    const standard = await this.get(tileUrlPath('entries', index, width));
    if (standard.status === 200) return unframe(standard.body, 2);
    if (standard.status === 404 && /entries-u32/.test(standard.headers.get('link') ?? '')) {
      return unframe(await this.required(tileUrlPath('entries-u32', index, width)), 4);
    }
    throw new FetchError(
      `${this.base}/${tileUrlPath('entries', index, width)}`,
      standard.status,
      `${tileUrlPath('entries', index, width)} answered ${standard.status}: ${standard.body.toString('utf8').trim()}`,
    );
  }
}

function unframe(body: Buffer, lengthBytes: 2 | 4): Buffer[] {
  const entries: Buffer[] = [];
  let at = 0;
  while (at < body.length) {
    if (at + lengthBytes > body.length) throw new Error('an entry bundle ends inside a length prefix');
    const length = lengthBytes === 2 ? body.readUInt16BE(at) : body.readUInt32BE(at);
    at += lengthBytes;
    if (at + length > body.length) throw new Error('an entry bundle ends inside an entry');
    entries.push(body.subarray(at, at + length));
    at += length;
  }
  return entries;
}
