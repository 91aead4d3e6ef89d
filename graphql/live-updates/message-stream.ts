/**
 * The messages of one subscription, as mercurius pulls them: first, for a subscription resumed with `after`, what it
 * missed, replayed from the log; then the live messages of its topic, which were held back meanwhile; each once, in
 * (position, ordinal) order, with its cursor.
 *
 * The live messages are taken from the pubsub queue as they arrive rather than when mercurius asks for the next one,
 * because mercurius waits for each frame to be handed to the kernel before it asks again: a socket whose reader stopped
 * never asks, and its messages would pile up unseen. Counted as they arrive, the bytes waiting for a subscriber (in its
 * socket's buffer, and here) are known at every message; past the bound the subscriber is too slow: nothing more is
 * sent, the subscription ends with SUBSCRIBER_TOO_SLOW carrying the cursor of the last message sent, and the socket is
 * closed with that cursor in its reason. ws sends the close frame after the data already queued, so a client that does
 * read in the end receives everything up to that cursor and resumes from it. A message is always taken when nothing
 * waits, so one larger than the bound still reaches a reader that keeps up.
 *
 * While the missed messages are replayed, live ones are held up to the same bound; past it they are dropped and the
 * replay reads the log on to the new head instead, since every message can be made again from the log.
 */
import type { Readable } from 'node:stream';
import type { EventStore } from '../../domain/event-store/port.js';
import { formatErrors } from '../errors.js';
import { type CursorCodec, isAfter, type MessagePlace } from './cursor.js';
import type { TopicMessages } from './live-messages.js';
import { SubscriberTooSlow, TOO_SLOW_CLOSE_CODE } from './subscription-errors.js';

/** What a subscription watches and uses of its WebSocket (a `ws` WebSocket). */
export interface SubscriberSocket {
  readonly bufferedAmount: number;
  send(data: string): void;
  close(code: number, reason: string): void;
}

/** A message as published: `{ [field]: model, place }`; messages published without a place (probes) carry no cursor. */
export type Published = Record<string, unknown> & { place?: MessagePlace };

export interface MessageStreamOptions {
  field: string;
  topic: TopicMessages;
  eventStore: EventStore;
  cursors: CursorCodec;
  /** The pubsub queue of the topic, subscribed to before the log is read. */
  source: Readable;
  socket: SubscriberSocket;
  /** The graphql-ws id of the subscription, for the error frame. */
  id: string;
  /** Bytes that may wait for the subscriber before it is too slow. */
  boundBytes: number;
  /** The place of the cursor it resumes after, or null to start live. */
  after: MessagePlace | null;
  afterCursor: string | null;
  concerns(payload: Published): boolean;
  /** Throws when the viewer may no longer follow the subscription; checked before every message. */
  authorise(): Promise<void>;
  /** Called once, however the stream ends. */
  onEnd(): void;
  /** Called when the subscriber is found too slow (for the metrics). */
  onTooSlow(): void;
}

/** Events read per page while replaying. */
const REPLAY_PAGE = 200;

/** The JSON size of a published message, counted once however many subscribers hold it. */
const sizes = new WeakMap<object, number>();
function sizeOf(payload: Published, field: string): number {
  let size = sizes.get(payload);
  if (size === undefined) {
    size = Buffer.byteLength(JSON.stringify(payload[field]) ?? '');
    sizes.set(payload, size);
  }
  return size;
}

export class MessageStream implements AsyncIterableIterator<Record<string, unknown>> {
  private pending: Published[] = [];
  private pendingBytes = 0;
  private wake: (() => void) | null = null;
  private ended = false;
  private replaying: boolean;
  private overflowed = false;
  /** The place of the last message sent, or of the cursor resumed after: nothing at or before it is sent. */
  private last: MessagePlace | null;
  private lastCursor: string | null;
  private readonly replay: AsyncGenerator<Published> | null;

  constructor(private readonly o: MessageStreamOptions) {
    this.last = o.after;
    this.lastCursor = o.afterCursor;
    this.replay = o.after ? this.replayAfter(o.after) : null;
    this.replaying = this.replay !== null;
    o.source.on('data', this.arrive);
    o.source.on('end', this.finish);
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  private readonly arrive = (payload: Published): void => {
    if (this.ended || this.isSent(payload) || !this.o.concerns(payload)) return;
    const bytes = sizeOf(payload, this.o.field);
    if (this.replaying) {
      if (this.overflowed) return;
      if (this.pendingBytes > 0 && this.pendingBytes + bytes > this.o.boundBytes) {
        this.overflowed = true;
        this.pending = [];
        this.pendingBytes = 0;
        return;
      }
    } else {
      const behind = this.o.socket.bufferedAmount + this.pendingBytes;
      if (behind > 0 && behind + bytes > this.o.boundBytes) {
        this.fallBehind();
        return;
      }
    }
    this.pending.push(payload);
    this.pendingBytes += bytes;
    this.wake?.();
  };

  private isSent(payload: Published): boolean {
    return payload.place !== undefined && this.last !== null && !isAfter(payload.place, this.last);
  }

  async next(): Promise<IteratorResult<Record<string, unknown>>> {
    try {
      for (;;) {
        if (this.ended) return { done: true, value: undefined };
        let payload: Published;
        if (this.replaying) {
          const replayed = await this.replay!.next();
          if (replayed.done) {
            this.replaying = false;
            continue;
          }
          payload = replayed.value;
        } else if (this.pending.length > 0) {
          payload = this.pending.shift()!;
          this.pendingBytes -= sizeOf(payload, this.o.field);
          if (this.isSent(payload)) continue;
        } else {
          await new Promise<void>((resolve) => {
            this.wake = resolve;
          });
          this.wake = null;
          continue;
        }
        if (this.o.socket.bufferedAmount > this.o.boundBytes) {
          this.fallBehind();
          continue;
        }
        await this.o.authorise();
        if (this.ended) continue;
        return { done: false, value: this.message(payload) };
      }
    } catch (error) {
      this.finish();
      throw error;
    }
  }

  async return(): Promise<IteratorResult<Record<string, unknown>>> {
    this.finish();
    return { done: true, value: undefined };
  }

  private message(payload: Published): Record<string, unknown> {
    const { field, cursors } = this.o;
    const cursor = payload.place ? cursors.encode(field, payload.place) : null;
    if (payload.place) {
      this.last = payload.place;
      this.lastCursor = cursor;
    }
    return { [field]: { ...(payload[field] as object), cursor } };
  }

  /** The messages after `after` up to the head, made from the log as the live feed makes them (live-messages.ts). */
  private async *replayAfter(after: MessagePlace): AsyncGenerator<Published> {
    const { eventStore, topic, field } = this.o;
    let readAfter = after.prev;
    let prev = after.prev;
    try {
      do {
        // Live messages that arrive from here on are held; those dropped before are of events up to this head.
        this.overflowed = false;
        const head = await eventStore.headPosition();
        if (head === null) return;
        while (readAfter === null || readAfter < head) {
          const events = await eventStore.readAll({
            ...(readAfter === null ? {} : { after: readAfter }),
            maxCount: REPLAY_PAGE,
            filter: topic.filter,
          });
          const upToHead = events.filter((e) => e.position <= head);
          for (const event of upToHead) {
            if (topic.concerns(event)) {
              for (const [ordinal, model] of (await topic.messages(event)).entries()) {
                const payload: Published = {
                  [field]: model,
                  place: { prev, position: event.position, ordinal, recordedAt: event.recordedAt },
                };
                if (!this.isSent(payload) && this.o.concerns(payload)) yield payload;
              }
            }
            prev = event.position;
            readAfter = event.position;
          }
          if (upToHead.length < events.length || events.length < REPLAY_PAGE) break;
        }
      } while (this.overflowed && !this.ended);
    } finally {
      // In the same step as the last look at `overflowed`: a message arriving from now on is live and kept.
      this.replaying = false;
    }
  }

  /** Ends the subscription as too slow: an error frame and a close frame, both behind what the socket holds already. */
  private fallBehind(): void {
    if (this.ended) return;
    const error = new SubscriberTooSlow(this.o.field, this.lastCursor, this.o.boundBytes);
    this.finish();
    this.o.onTooSlow();
    const { socket, id } = this.o;
    try {
      socket.send(JSON.stringify({ type: 'error', id, payload: formatErrors([error]).errors }));
      socket.close(TOO_SLOW_CLOSE_CODE, error.closeReason);
    } catch {
      // A socket already closing takes no more frames; the client resumes from the last cursor it received.
    }
  }

  private readonly finish = (): void => {
    if (this.ended) return;
    this.ended = true;
    this.pending = [];
    this.pendingBytes = 0;
    this.o.source.off('data', this.arrive);
    this.o.source.off('end', this.finish);
    this.o.source.destroy();
    this.wake?.();
    void this.replay?.return(undefined).catch(() => {});
    this.o.onEnd();
  };
}
