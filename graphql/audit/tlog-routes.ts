/**
 * The audit log over HTTP, read-only, at the paths of C2SP tlog-tiles, so that anyone holding the log's public key can
 * mirror and check it with plain GETs and any tlog-tiles client:
 *
 *   GET <prefix>/checkpoint                   the latest signed checkpoint (text/plain; cached a few seconds at most)
 *   GET <prefix>/tile/<L>/<N>[.p/<W>]          256 (or W) hashes of level L (immutable)
 *   GET <prefix>/tile/entries/<N>[.p/<W>]      the entries of leaves 256·N…, each as a big-endian uint16 length and
 *                                             the event's canonical JSON (immutable; gzip when the client takes it)
 *   GET <prefix>/tile/entries-u32/<N>[.p/<W>]  the same bundle with uint32 lengths (see below)
 *
 * tlog-tiles frames entries with 16-bit lengths, and an event may be up to 8 MiB (a regulation's full text is over
 * 64 KiB now and then). The spec lets a log serve entries in another encoding at another URL: a bundle holding an
 * entry too long for 16 bits is answered 404 at the standard URL, naming the `entries-u32` one, which serves every
 * bundle. Entries are read from the event store each time, never from a copy (see AuditLogReader).
 *
 * Entry bundles hold every event, drafts and all; `authorizeEntries` lets the composition root restrict them (to
 * auditors and platform administrators, say), while checkpoints and tiles, hashes only, stay public.
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseTilePath, type TileAddress, tilePath } from '../../domain/audit/tiles.js';
import type { AuditLogReader } from '../../projections/audit-log/audit-log-reader.js';

const gzipAsync = promisify(gzip);

export interface TlogRoutesOptions {
  log: AuditLogReader;
  /** Path prefix of the log; `/audit` by default. */
  prefix?: string;
  /** Who may read entry bundles; omitted, anyone may. Answer false to refuse with 403. */
  authorizeEntries?: (request: FastifyRequest) => boolean | Promise<boolean>;
}

const IMMUTABLE = 'public, max-age=31536000, immutable';
const MAX_U16 = 0xffff;

function frame(entries: readonly string[], lengthBytes: 2 | 4): Buffer | null {
  const encoded = entries.map((e) => Buffer.from(e, 'utf8'));
  if (lengthBytes === 2 && encoded.some((e) => e.length > MAX_U16)) return null;
  const out = Buffer.allocUnsafe(encoded.reduce((n, e) => n + lengthBytes + e.length, 0));
  let at = 0;
  for (const e of encoded) {
    if (lengthBytes === 2) out.writeUInt16BE(e.length, at);
    else out.writeUInt32BE(e.length, at);
    e.copy(out, at + lengthBytes);
    at += lengthBytes + e.length;
  }
  return out;
}

function notThere(reply: FastifyReply, message: string) {
  return reply.code(404).header('cache-control', 'no-cache').type('text/plain; charset=utf-8').send(`${message}\n`);
}

export async function tlogRoutes(app: FastifyInstance, options: TlogRoutesOptions): Promise<void> {
  const { log, authorizeEntries } = options;
  const prefix = (options.prefix ?? '/audit').replace(/\/+$/, '');

  app.get(`${prefix}/checkpoint`, async (_request, reply) => {
    const checkpoint = log.latestCheckpoint();
    if (!checkpoint) return notThere(reply, 'no checkpoint has been signed yet');
    // Mutable: tlog-tiles asks that it not be cached beyond a few seconds.
    return reply.header('cache-control', 'public, max-age=5').type('text/plain; charset=utf-8').send(checkpoint.note);
  });

  const entries = async (request: FastifyRequest, reply: FastifyReply, address: TileAddress, lengthBytes: 2 | 4) => {
    if (authorizeEntries && !(await authorizeEntries(request))) {
      return reply
        .code(403)
        .header('cache-control', 'private, no-store')
        .type('text/plain; charset=utf-8')
        .send('entry bundles are not open to this client\n');
    }
    const bundle = await log.entryBundle(address.index, address.width);
    if (!bundle) return notThere(reply, `the log has no ${tilePath('entries', address.index, address.width)} yet`);
    const body = frame(bundle, lengthBytes);
    if (!body) {
      const alternate = `${prefix}/${tilePath('entries', address.index, address.width).replace('tile/entries/', 'tile/entries-u32/')}`;
      return notThere(
        reply.header('link', `<${alternate}>; rel="alternate"`),
        `an entry of this bundle is longer than a 16-bit length can frame; the bundle is at ${alternate}`,
      );
    }
    reply
      .header('cache-control', authorizeEntries ? 'private, max-age=31536000, immutable' : IMMUTABLE)
      .header('vary', 'accept-encoding')
      .type('application/octet-stream');
    if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
      return reply.header('content-encoding', 'gzip').send(await gzipAsync(body));
    }
    return reply.send(body);
  };

  app.get(`${prefix}/tile/*`, async (request, reply) => {
    const path = (request.params as { '*': string })['*'];
    const u32 = path.startsWith('entries-u32/');
    const address = parseTilePath(u32 ? `entries/${path.slice('entries-u32/'.length)}` : path);
    if (!address) {
      return reply
        .code(400)
        .type('text/plain; charset=utf-8')
        .send(`${prefix}/tile/${path} is not a tile path (tile/<L>/<N>[.p/<W>], N in 3-digit groups, x-prefixed)\n`);
    }
    if (address.level === 'entries') return entries(request, reply, address, u32 ? 4 : 2);
    const hashes = log.tile(address.level, address.index, address.width);
    if (!hashes) return notThere(reply, `the log has no ${tilePath(address.level, address.index, address.width)} yet`);
    return reply.header('cache-control', IMMUTABLE).type('application/octet-stream').send(hashes);
  });
}
