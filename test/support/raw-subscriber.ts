/**
 * A raw graphql-transport-ws client of `resourcePublished`, for the slow-subscriber test and benchmark: it subscribes,
 * then can stop and start reading at the TCP level (its socket paused, as a stuck client's would be), and keeps every
 * frame it read, without the resources' bodies.
 */
import { once } from 'node:events';
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { PROBE } from './push-subscription.js';

export const PUBLISHED_WITH_BODY = `subscription($after: String) { resourcePublished(siteId: "portal", after: $after) { id title metadata cursor } }`;

interface Frame {
  type: string;
  id?: string;
  payload?: {
    data?: { resourcePublished: { id: string; cursor: string | null } };
    [index: number]: { message: string; extensions: { code: string; cursor?: string | null } };
  };
}

/** A raw graphql-transport-ws client: subscribed, then it can stop and start reading at the TCP level. */
export class RawSubscriber {
  readonly frames: Frame[] = [];
  closed: { code: number; reason: string } | null = null;
  private readonly ws: WebSocket;
  private readonly waiters: Array<() => void> = [];

  constructor(url: string) {
    this.ws = new WebSocket(url, 'graphql-transport-ws');
    this.ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame & { payload?: { data?: { resourcePublished: object } } };
      // The bodies are not kept: the memory measured is the server's (a test's process hosts both).
      if (frame.payload?.data?.resourcePublished)
        delete (frame.payload.data.resourcePublished as { metadata?: unknown }).metadata;
      this.frames.push(frame);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  async until(done: () => boolean): Promise<void> {
    while (!done()) {
      if (this.closed) throw new Error(`closed ${JSON.stringify(this.closed)} after ${this.frames.length} frames`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Subscribes; `started` waits until the subscription is known to run, given the first frame it sends. */
  async subscribe(
    token: string,
    after?: string,
    started?: (firstFrame: Promise<boolean>) => Promise<void>,
  ): Promise<void> {
    if (this.ws.readyState !== WebSocket.OPEN) await once(this.ws, 'open');
    this.ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
    await this.until(() => this.frames.some((f) => f.type === 'connection_ack'));
    this.ws.send(
      JSON.stringify({ id: '1', type: 'subscribe', payload: { query: PUBLISHED_WITH_BODY, variables: { after } } }),
    );
    const firstFrame = this.until(() => this.frames.some((f) => f.type === 'next' || f.type === 'error')).then(() => {
      if (this.frames.some((f) => f.type === 'error')) throw new Error(JSON.stringify(this.frames));
      return true;
    });
    await started?.(firstFrame);
  }

  private get socket(): Socket {
    return (this.ws as unknown as { _socket: Socket })._socket;
  }

  stopReading(): void {
    this.socket.pause();
  }

  startReading(): void {
    this.socket.resume();
  }

  /** The publications received, probes left out. */
  get published(): Array<{ id: string; cursor: string | null }> {
    return this.frames
      .filter((f) => f.type === 'next' && f.payload?.data?.resourcePublished.id !== PROBE)
      .map((f) => f.payload!.data!.resourcePublished);
  }

  close(): void {
    this.ws.terminate();
  }
}
