/**
 * The real server on a free loopback port, on the embedded stores in a temporary directory, with the demo sites
 * and staff, for end-to-end tests over HTTP and WebSocket.
 */
import type { FastifyInstance } from 'fastify';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { composeApiServer, type ServedFeed, type ServedReadModels } from '../../infra/api-server.js';
import type { Composition } from '../../infra/composition.js';
import { loadConfig } from '../../infra/config.js';
import { createDemoPlatform } from '../../infra/demo-platform.js';
import { localSigningKey } from '../../infra/token-verifier.js';
import { tempDir } from './temp-dir.js';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data: T | null;
  errors?: Array<{
    message: string;
    path?: string[];
    extensions: { code: string; category: string; details?: Array<{ path: string }>; rule?: string };
  }>;
}

export interface ApiServer {
  url: string;
  c: Composition;
  app: FastifyInstance;
  readModels: ServedReadModels;
  /** The provincial feed (started with the server). */
  feed: ServedFeed;
  /** The server's clock: commands are stamped with it and deadlines judged by it. */
  clock: TestClock;
  token(personId: string): Promise<string>;
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<GraphQLResponse<T>>;
  subscribe(
    query: string,
    variables: Record<string, unknown>,
    token?: string,
  ): { client: Client; next(): Promise<Record<string, unknown>>; close(): Promise<void> };
  /** The Prometheus text of /metrics, fetched with the test server's metrics credential. */
  scrapeMetrics(): Promise<string>;
  /** Waits until every read model holds everything written so far. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/** The credential test servers serve /metrics to (unless a test sets METRICS_TOKEN itself). */
export const TEST_METRICS_TOKEN = 'test-metrics-credential-0123456789';

/** Real time plus however far a test has moved it on, so a 12-hour deadline passes without waiting. */
export class TestClock {
  private offsetMs = 0;
  /** Set by `set`: the clock stands still there until moved, so a test can ask about an exact instant. */
  private fixed: number | null = null;
  readonly now = () => new Date(this.fixed ?? Date.now() + this.offsetMs);
  advance(ms: number): void {
    if (this.fixed !== null) this.fixed += ms;
    else this.offsetMs += ms;
  }
  /** Stops the clock at `at` (every command is then stamped with it until the clock is moved again). */
  set(at: Date | string): void {
    this.fixed = new Date(at).getTime();
  }
}

export async function startApiServer(env: Record<string, string> = {}): Promise<ApiServer> {
  const dir = tempDir('api');
  const config = loadConfig({
    DATA_DIR: dir.path,
    PORT: '0',
    LOG_LEVEL: 'silent',
    METRICS_TOKEN: TEST_METRICS_TOKEN,
    ...env,
  });
  const clock = new TestClock();
  const { c, app, readModels, feed } = await composeApiServer(config, clock.now);
  await createDemoPlatform(c.platform);
  await readModels.start();
  c.auditLog.checkpointer.start();
  await feed.start();
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  const url = `http://127.0.0.1:${port}`;
  const key = await localSigningKey(config);
  const sockets: Client[] = [];

  return {
    url,
    c,
    app,
    readModels,
    feed,
    clock,
    token: (personId) => key.issue(personId),
    async gql(query, variables, token) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data: never; errors?: never };
      return { status: response.status, data: body.data ?? null, ...(body.errors ? { errors: body.errors } : {}) };
    },
    subscribe(query, variables, token) {
      const client = createClient({
        url: `ws://127.0.0.1:${port}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: token ? { authorization: `Bearer ${token}` } : {},
        retryAttempts: 0,
      });
      sockets.push(client);
      const received: Array<Record<string, unknown>> = [];
      const waiting: Array<(value: Record<string, unknown>) => void> = [];
      const failures: Array<(error: unknown) => void> = [];
      client.subscribe(
        { query, variables },
        {
          next: (value) => {
            const item = value as Record<string, unknown>;
            const waiter = waiting.shift();
            failures.shift();
            if (waiter) waiter(item);
            else received.push(item);
          },
          error: (error) => {
            for (const fail of failures.splice(0)) fail(error);
            received.push({ errors: error });
          },
          complete: () => {},
        },
      );
      return {
        client,
        next: () =>
          received.length > 0
            ? Promise.resolve(received.shift()!)
            : new Promise((resolve, reject) => {
                waiting.push(resolve);
                failures.push(reject);
              }),
        close: async () => client.dispose(),
      };
    },
    async scrapeMetrics() {
      const response = await fetch(`${url}/metrics`, {
        headers: { authorization: `Bearer ${config.METRICS_TOKEN}` },
      });
      if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
      return response.text();
    },
    async settle() {
      const head = await c.eventStore.headPosition();
      if (head !== null) for (const runner of readModels.all()) await runner.waitFor(head);
    },
    async close() {
      for (const socket of sockets) await socket.dispose();
      await app.close();
      await feed.stop();
      await readModels.stop();
      await c.close();
      dir.remove();
    },
  };
}
