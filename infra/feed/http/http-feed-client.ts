/**
 * A client of the embedded feed over HTTP (graphql/feed/feed-routes.ts): what the province's machines run against
 * the city's embedded feed, and what `npm run cli -- feed follow` uses. It reads from an offset and long-polls for
 * what comes next, so a message is in the client's hands as soon as the server has it.
 */
import type { FeedMessage } from '../../../domain/feed/feed-port.js';

export interface HttpFeedPage {
  messages: FeedMessage[];
  nextOffset: number;
  endOffset: number;
}

interface WireMessage {
  offset: number;
  timestamp: number;
  key: string | null;
  headers: Record<string, string>;
  value: string | null;
}

export class HttpFeedError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`the feed answered ${status}: ${JSON.stringify(body)}`);
    this.name = 'HttpFeedError';
  }
}

export class HttpFeedClient {
  private readonly base: string;

  constructor(
    baseUrl: string,
    private readonly credential: string,
    private readonly prefix = '/feed',
  ) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  private url(topic: string): string {
    return `${this.base}${this.prefix}/topics/${encodeURIComponent(topic)}/messages`;
  }

  /** Messages from `from`; with `waitMs`, waits (server side) until there is at least one or the time is up. */
  async read(
    topic: string,
    from: number,
    options: { limit?: number; waitMs?: number; signal?: AbortSignal } = {},
  ): Promise<HttpFeedPage> {
    const query = new URLSearchParams({ from: String(from), limit: String(options.limit ?? 100) });
    if (options.waitMs) query.set('wait', String(options.waitMs));
    const response = await fetch(`${this.url(topic)}?${query}`, {
      headers: { authorization: `Bearer ${this.credential}` },
      signal: options.signal,
    });
    const body = (await response.json()) as {
      messages: WireMessage[];
      nextOffset: number;
      endOffset: number;
    };
    if (!response.ok) throw new HttpFeedError(response.status, body);
    return {
      messages: body.messages.map((m) => ({
        topic,
        partition: 0,
        offset: m.offset,
        timestamp: m.timestamp,
        key: m.key,
        headers: m.headers,
        value: m.value === null ? null : Buffer.from(m.value, 'base64'),
      })),
      nextOffset: body.nextOffset,
      endOffset: body.endOffset,
    };
  }

  /**
   * Every message from `from` on, as it arrives, until `signal` aborts (or, with `untilEnd`, the end is reached).
   * A server that cannot be reached or answers 5xx (restarting, say) is tried again with backoff, from the same
   * offset; a refusal (4xx: a bad credential, an unknown topic) ends the following with its error.
   */
  async *follow(
    topic: string,
    from: number,
    options: {
      waitMs?: number;
      signal?: AbortSignal;
      untilEnd?: boolean;
      limit?: number;
      onRetry?: (error: unknown, waitMs: number) => void;
    } = {},
  ): AsyncGenerator<FeedMessage> {
    let next = from;
    let backoff = 250;
    while (!options.signal?.aborted) {
      let page: HttpFeedPage;
      try {
        page = await this.read(topic, next, {
          waitMs: options.untilEnd ? 0 : (options.waitMs ?? 25_000),
          limit: options.limit ?? 500,
          signal: options.signal,
        });
        backoff = 250;
      } catch (error) {
        if (options.signal?.aborted) return;
        const refused = error instanceof HttpFeedError && error.status < 500;
        if (refused || options.untilEnd) throw error;
        options.onRetry?.(error, backoff);
        await new Promise((resolve) => setTimeout(resolve, backoff));
        backoff = Math.min(backoff * 2, 10_000);
        continue;
      }
      for (const message of page.messages) yield message;
      next = page.nextOffset;
      if (options.untilEnd && next >= page.endOffset) return;
    }
  }

  /** Posts CloudEvents in the structured JSON format (a batch when more than one). */
  async post(topic: string, events: Array<Record<string, unknown>>): Promise<Array<{ offset: number }>> {
    const batch = events.length !== 1;
    const response = await fetch(this.url(topic), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${this.credential}`,
        'content-type': batch ? 'application/cloudevents-batch+json' : 'application/cloudevents+json',
      },
      body: JSON.stringify(batch ? events : events[0]),
    });
    const body = (await response.json()) as { accepted: Array<{ offset: number }> };
    if (!response.ok) throw new HttpFeedError(response.status, body);
    return body.accepted;
  }
}
