/**
 * The embedded feed over HTTP, for the provincial library's machines (R-LIB-3): read a topic from an offset, and
 * wait for what comes next (a long poll that answers as soon as a message is there); post CloudEvents to the inbound
 * topic, which appends them to the feed log before anything else happens to them. Every request carries the
 * province's feed credential (`Authorization: Bearer rlf.…`); nobody reads anonymously.
 *
 *   GET  /feed/topics/<topic>/messages?from=<offset>&limit=<1..1000>&wait=<ms, up to 30000>
 *        → { topic, partition, messages: [{ offset, timestamp, key, headers, value }], nextOffset, endOffset }
 *          `value` is the record's bytes in base64 (null for a tombstone); `headers` are the CloudEvents attributes
 *          of the Kafka binary mode (`ce_id`, `ce_type`…, `content-type`).
 *   POST /feed/topics/<inbound topic>/messages   (CloudEvents HTTP binding: binary, structured or batch mode)
 *        → 202 { accepted: [{ offset }] }
 *
 * Served only with the embedded feed; with Kafka the province uses Kafka.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FeedMessage, FeedPlace, FeedRecord } from '../../domain/feed/feed-port.js';
import { InvalidFeedInput } from '../../domain/feed/feed-port.js';
import { httpCloudEvents } from './http-cloud-events.js';

/** What the routes need of the embedded feed log. */
export interface HttpFeedLog {
  read(topic: string, offset: number, limit: number): FeedMessage[];
  waitFor(topic: string, offset: number, timeoutMs: number, abort?: AbortSignal): Promise<void>;
  nextOffset(topic: string): number;
  publish(topic: string, records: readonly FeedRecord[]): Promise<FeedPlace[]>;
}

export interface FeedRoutesOptions {
  log: HttpFeedLog;
  /** Topics that may be read (the outbound feed, its compacted topic, the inbound topic and its dead letters). */
  readable: readonly string[];
  /** The topic the province posts to. */
  inbound: string;
  /** The name of the holder of a presented credential, or null when it is not a valid one. */
  authenticate(credential: string): string | null;
  prefix?: string;
}

export const MAX_WAIT_MS = 30_000;
const DEFAULT_LIMIT = 100;

interface Params {
  topic: string;
}

function problem(reply: FastifyReply, status: number, code: string, message: string, details: unknown[] = []) {
  return reply.code(status).header('cache-control', 'no-store').send({ error: { code, message, details } });
}

function wholeNumber(value: unknown, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  return /^\d{1,15}$/.test(String(value)) ? Number(value) : Number.NaN;
}

export async function feedRoutes(app: FastifyInstance, options: FeedRoutesOptions): Promise<void> {
  const { log, readable, inbound, authenticate } = options;
  const prefix = (options.prefix ?? '/feed').replace(/\/+$/, '');

  // CloudEvents come in any media type (binary mode) and the CloudEvents JSON types: all are taken as the bytes they
  // are (in this plugin only), so the data reaches the feed log exactly as posted.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  const holder = (request: FastifyRequest): string | null => {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    return match ? authenticate(match[1]!) : null;
  };
  const refuseUnknown = (reply: FastifyReply) =>
    problem(
      reply.header('www-authenticate', 'Bearer realm="feed"'),
      401,
      'UNAUTHENTICATED',
      'the feed is read with the provincial library’s feed credential: Authorization: Bearer rlf.…',
    );

  app.get<{ Params: Params; Querystring: Record<string, string> }>(
    `${prefix}/topics/:topic/messages`,
    async (request, reply) => {
      if (holder(request) === null) return refuseUnknown(reply);
      const { topic } = request.params;
      if (!readable.includes(topic)) return problem(reply, 404, 'NOT_FOUND', `no topic ${topic} is served here`);
      const from = wholeNumber(request.query.from, 0);
      const limit = wholeNumber(request.query.limit, DEFAULT_LIMIT);
      const wait = wholeNumber(request.query.wait, 0);
      const details = [];
      if (Number.isNaN(from)) details.push({ path: 'from', message: 'an offset is a whole number, 0 or more' });
      if (Number.isNaN(limit) || limit < 1 || limit > 1000)
        details.push({ path: 'limit', message: 'a limit is a whole number from 1 to 1000' });
      if (Number.isNaN(wait) || wait > MAX_WAIT_MS)
        details.push({ path: 'wait', message: `a wait is a whole number of milliseconds up to ${MAX_WAIT_MS}` });
      if (details.length > 0) return problem(reply, 400, 'BAD_USER_INPUT', 'bad query', details);
      if (wait > 0 && log.nextOffset(topic) <= from) {
        // The client going away ends the wait at once, so a poll never outlives its connection.
        const abort = new AbortController();
        reply.raw.once('close', () => abort.abort());
        await log.waitFor(topic, from, wait, abort.signal);
        if (abort.signal.aborted) return reply;
      }
      const messages = log.read(topic, from, limit);
      const nextOffset = messages.length > 0 ? messages[messages.length - 1]!.offset + 1 : from;
      return reply.header('cache-control', 'no-store').send({
        topic,
        partition: 0,
        messages: messages.map((m) => ({
          offset: m.offset,
          timestamp: m.timestamp,
          key: m.key,
          headers: m.headers,
          value: m.value === null ? null : m.value.toString('base64'),
        })),
        nextOffset,
        endOffset: log.nextOffset(topic),
      });
    },
  );

  app.post<{ Params: Params }>(`${prefix}/topics/:topic/messages`, async (request, reply) => {
    if (holder(request) === null) return refuseUnknown(reply);
    const { topic } = request.params;
    if (topic !== inbound)
      return problem(reply, 404, 'NOT_FOUND', `CloudEvents are posted to ${prefix}/topics/${inbound}/messages`);
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const events = httpCloudEvents(request.headers, body);
    if (!events.ok)
      return problem(
        reply,
        400,
        'BAD_USER_INPUT',
        'not CloudEvents',
        events.problems.map((message) => ({ path: '', message })),
      );
    try {
      const places = await log.publish(topic, events.records);
      return reply.code(202).send({ accepted: places.map((p) => ({ offset: p.offset })) });
    } catch (error) {
      if (error instanceof InvalidFeedInput) return problem(reply, 400, 'BAD_USER_INPUT', error.message, error.issues);
      throw error;
    }
  });
}
