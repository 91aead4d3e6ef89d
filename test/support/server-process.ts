/**
 * The real server as its own process (`npm start`'s entry point), for the tests of several processes on one
 * platform: started on a free loopback port, talked to over HTTP and WebSocket like any client, killed as an operator
 * or a crash would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Sends a query or mutation; `headers` beside the bearer token (an Idempotency-Key, say). */
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; data: T | null; errors?: Array<{ message: string; extensions: { code: string } }> }>;
  subscribe(query: string, variables: Record<string, unknown>, token: string): Subscriber;
  ready(): Promise<boolean>;
  /** SIGKILL: no shutdown, as a crash. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export interface Subscriber {
  client: Client;
  /** Every message received so far, in order. */
  received: Array<Record<string, unknown>>;
  errors: unknown[];
  close(): Promise<void>;
}

const ENTRY = 'infra/main.ts';

export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 60 s:\n${output}`)), 60_000);
    const look = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /GraphQL:\s+(http:\/\/[^\s]+)\/graphql/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', look);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before it started:\n${output}`));
    });
  });
  const subscribers: Subscriber[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  return {
    url,
    child,
    async gql(query, variables, token, headers = {}) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: never; errors?: never };
      return { status: response.status, data: body.data ?? null, ...(body.errors ? { errors: body.errors } : {}) };
    },
    subscribe(query, variables, token) {
      const client = createClient({
        url: `${url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${token}` },
        retryAttempts: 0,
      });
      const subscriber: Subscriber = {
        client,
        received: [],
        errors: [],
        close: async () => client.dispose(),
      };
      client.subscribe(
        { query, variables },
        {
          next: (value) => subscriber.received.push(value as Record<string, unknown>),
          error: (error) => subscriber.errors.push(error),
          complete: () => {},
        },
      );
      subscribers.push(subscriber);
      return subscriber;
    },
    async ready() {
      const response = await fetch(`${url}/readyz`).catch(() => null);
      return response?.status === 200;
    },
    async kill() {
      for (const s of subscribers) await s.close();
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      for (const s of subscribers) await s.close();
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Polls `condition` until it holds, or fails after `timeoutMs` with `what`. */
export async function eventually(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
