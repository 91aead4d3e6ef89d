/**
 * Clients as an attacker or a careless integrator would write them: raw HTTP bodies (not always JSON, not always
 * UTF-8), any `Authorization` spelling, and WebSocket subscriptions with whatever credential the test names. Each
 * subscription records what the server sent: data messages in order, and the error that ended it, if one did.
 */
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { ApiServer } from '../support/api-server.js';

export interface WireError {
  message: string;
  path?: string[];
  extensions?: { code?: string; category?: string; details?: Array<{ path: string; message: string }> } & Record<
    string,
    unknown
  >;
}

export interface RawResponse {
  status: number;
  text: string;
  body: { data?: unknown; errors?: WireError[] } | null;
}

/** POSTs `body` exactly as given (string or bytes) to /graphql. */
export async function postRaw(
  api: ApiServer,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const response = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await response.text();
  let parsed: RawResponse['body'] = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  return { status: response.status, text, body: parsed };
}

/** A GraphQL request with the `Authorization` header spelled as given. */
export function gqlAs(api: ApiServer, authorization: string | undefined, query: string, variables = {}) {
  return postRaw(api, JSON.stringify({ query, variables }), authorization ? { authorization } : {});
}

export interface LiveSubscription {
  /** The next data message (skipping none). Rejects once the subscription has ended with an error. */
  next(): Promise<Record<string, unknown>>;
  /** Resolves with the errors that ended the subscription. */
  ended: Promise<WireError[]>;
  /** Every data message received so far. */
  received: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/** Opens a socket with `authorization` in connection_init and subscribes once. */
export function subscribeAs(
  api: ApiServer,
  authorization: string | undefined,
  query: string,
  variables: Record<string, unknown> = {},
): LiveSubscription {
  const client: Client = createClient({
    url: `${api.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: authorization ? { authorization } : {},
    retryAttempts: 0,
  });
  const received: Array<Record<string, unknown>> = [];
  const pending: Array<Record<string, unknown>> = [];
  const waiting: Array<{ resolve: (v: Record<string, unknown>) => void; reject: (e: unknown) => void }> = [];
  let endedWith: WireError[] | null = null;
  let resolveEnded: (errors: WireError[]) => void = () => {};
  const ended = new Promise<WireError[]>((resolve) => {
    resolveEnded = resolve;
  });
  client.subscribe(
    { query, variables },
    {
      next: (value) => {
        const message = value as Record<string, unknown>;
        received.push(message);
        const waiter = waiting.shift();
        if (waiter) waiter.resolve(message);
        else pending.push(message);
      },
      error: (error) => {
        endedWith = Array.isArray(error) ? (error as WireError[]) : [{ message: String((error as Error).message) }];
        resolveEnded(endedWith);
        for (const waiter of waiting.splice(0)) waiter.reject(endedWith);
      },
      complete: () => {},
    },
  );
  return {
    received,
    ended,
    next: () => {
      if (pending.length > 0) return Promise.resolve(pending.shift()!);
      if (endedWith) return Promise.reject(endedWith);
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    close: async () => client.dispose(),
  };
}

/** Resolves with `value` after `ms`, to race against something that should have happened by then. */
export const delay = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));
