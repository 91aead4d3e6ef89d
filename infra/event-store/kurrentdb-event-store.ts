/**
 * The production event store: KurrentDB through `@kurrent/kurrentdb-client` (appends and subscriptions over gRPC,
 * reads through the client's native bridge). It keeps the semantics of the embedded SQLite store, which the shared
 * contract suite checks against both.
 *
 * Positions. KurrentDB gives every event a (commit, prepare) pair. Since 20.x every append is written as one prepare
 * record per event, flagged as committed, and `$all` reports such an event at (its log position, its log position):
 * the two halves are equal, each event has its own log offset, and offsets grow in log order. The commit half alone is
 * therefore unique per event and strictly increasing, which is what the port's single number needs. Only events of
 * explicit transactions (the legacy TCP API) share a commit position; `positionOf` refuses them rather than hand out
 * duplicate positions that would make readers skip events.
 */
import {
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendStreamState,
  BACKWARDS,
  type ReadStreamOptions as ClientReadStreamOptions,
  END,
  eventTypeFilter,
  excludeSystemEvents,
  type Filter,
  FORWARDS,
  jsonEvent,
  KurrentDBClient,
  MaxAppendSizeExceededError,
  type ReadPosition,
  type ReadRevision,
  START,
  StreamNotFoundError,
  streamNameFilter,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import { IdempotencyConflict, InvalidEventStoreInput, WrongExpectedVersion } from '../../domain/event-store/errors.js';
import type { EventMetadata, JsonObject, NewEvent, Position, RecordedEvent } from '../../domain/event-store/event.js';
import type {
  AllFilter,
  AppendOptions,
  AppendResult,
  EventStore,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  SubscribeOptions,
  Subscription,
} from '../../domain/event-store/port.js';
import {
  checkAppend,
  checkReadAllOptions,
  checkReadStreamOptions,
  checkStreamId,
  checkSubscribeOptions,
  DEFAULT_READ_ALL_COUNT,
  matchesFilter,
} from '../../domain/event-store/validation.js';

/**
 * How far behind the stream's tail an append looks for its own event ids. KurrentDB keeps no index by event id, so an
 * `any` retry after other writers moved the stream on is only recognised within this reach (and the server's own
 * short-lived id cache); beyond it the retry would be written a second time.
 */
const IDEMPOTENCY_LOOKBACK = 32;
/** A second pass settles every expectation (see `append`); the third is slack for a stream that keeps moving. */
const APPEND_ATTEMPTS = 3;
const READ_ALL_PAGE = 512;
const HEAD_PAGE = 64;

/** The fields this adapter needs of an event as the client hands it over, from reads and subscriptions alike. */
interface ClientRecord {
  streamId: string;
  id: string;
  type: string;
  revision: bigint;
  created: Date;
  data: unknown;
  metadata: unknown;
  position?: { commit: bigint; prepare: bigint } | undefined;
}

interface ClientResolved {
  event?: ClientRecord | undefined;
  commitPosition?: bigint | undefined;
}

interface StoredEvent {
  streamId: string;
  id: string;
  type: string;
  revision: bigint;
  created: Date;
  data: unknown;
  metadata: unknown;
  commit: bigint | undefined;
  prepare: bigint | undefined;
}

function stored(resolved: ClientResolved): StoredEvent | undefined {
  const event = resolved.event;
  if (!event) return undefined;
  return {
    streamId: event.streamId,
    id: event.id,
    type: event.type,
    revision: event.revision,
    created: event.created,
    data: event.data,
    metadata: event.metadata,
    // Older servers leave the per-event position out of some replies but still send the resolved event's one.
    commit: event.position?.commit ?? resolved.commitPosition,
    prepare: event.position?.prepare,
  };
}

/** KurrentDB's own streams and events (`$stats-…`, `$projections-…`, `$>` links, `$metadata`) are not part of our log. */
function isSystem(event: { streamId: string; type: string }): boolean {
  return event.streamId.startsWith('$') || event.type.startsWith('$');
}

function toSafeNumber(value: bigint, what: string): number {
  if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new Error(`${what} ${value} does not fit a JavaScript number`);
  }
  return Number(value);
}

function positionOf(event: StoredEvent): Position {
  const where = `event ${event.id} (${event.streamId}@${event.revision})`;
  if (event.commit === undefined) {
    throw new Error(`${where} came without a log position; KurrentDB 22.6 or later is required`);
  }
  if (event.prepare !== undefined && event.prepare !== event.commit) {
    throw new Error(`${where} belongs to an explicit transaction, whose events share one commit position`);
  }
  // Servers before 22.6 answer stream reads with the u64 maximum as position; this rejects it too.
  return toSafeNumber(event.commit, `log position of ${where}`);
}

/** The client parses JSON bodies itself but falls back to raw bytes or text when they do not parse. */
function jsonObject(value: unknown, what: string): JsonObject {
  let parsed = value;
  if (parsed instanceof Uint8Array)
    parsed = Buffer.from(parsed.buffer, parsed.byteOffset, parsed.byteLength).toString('utf8');
  if (typeof parsed === 'string') {
    try {
      parsed = JSON.parse(parsed);
    } catch {
      throw new Error(`${what} is not JSON`);
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${what} is not a JSON object`);
  }
  return parsed as JsonObject;
}

function toRecordedEvent(event: StoredEvent): RecordedEvent {
  const where = `event ${event.id} (${event.streamId}@${event.revision})`;
  return {
    id: event.id,
    type: event.type,
    data: jsonObject(event.data, `data of ${where}`),
    metadata: jsonObject(event.metadata, `metadata of ${where}`) as unknown as EventMetadata,
    streamId: event.streamId,
    revision: toSafeNumber(event.revision, `revision of ${where}`),
    position: positionOf(event),
    recordedAt: event.created.toISOString(),
  };
}

/** KurrentDB prints UUIDs in lower case whatever case they were written in. */
function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function satisfies(expected: ExpectedRevision, current: bigint | null): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return current === null;
  if (expected === 'stream_exists') return current !== null;
  return current !== null && current === BigInt(expected);
}

function actualRevision(current: bigint | null): number | 'no_stream' {
  return current === null ? 'no_stream' : toSafeNumber(current, 'stream revision');
}

function streamState(expected: ExpectedRevision): AppendStreamState {
  return typeof expected === 'number' ? BigInt(expected) : expected;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * KurrentDB filters `$all` on one thing only, stream name or event type. Stream prefixes go to the server when given
 * (they usually select far fewer events than a type does); types become an anchored regex because the server's type
 * prefixes would also match longer type names. Whatever the server cannot do is left to `matchesFilter` on the client,
 * which every caller applies anyway. With no filter, the server at least drops `$`-typed system events.
 */
function serverFilter(filter: AllFilter | undefined): Filter {
  if (filter?.streamPrefixes) return streamNameFilter({ prefixes: [...filter.streamPrefixes] });
  if (filter?.eventTypes) return eventTypeFilter({ regex: `^(?:${filter.eventTypes.map(escapeRegExp).join('|')})$` });
  return excludeSystemEvents();
}

function wanted(event: StoredEvent, filter: AllFilter | undefined): boolean {
  return !isSystem(event) && matchesFilter(filter, event.streamId, event.type);
}

export class KurrentDbEventStore implements EventStore {
  readonly #client: KurrentDBClient;
  readonly #subscriptions = new Set<KurrentDbSubscription>();

  constructor(client: KurrentDBClient) {
    this.#client = client;
  }

  /**
   * Follows the SQLite store decision for decision. The revision check and the look-up of the event ids run here, on a
   * read of the stream's tail made on the leader, because KurrentDB's own idempotency only covers part of the cases
   * the port promises:
   * - for an exact revision or `no_stream` it compares ids only at the revisions right after the expectation, so a
   *   partial repeat elsewhere is either refused as a plain wrong version or, when the revision still matches,
   *   written as duplicates;
   * - for `any` and `stream_exists` it relies on a bounded in-memory cache of recent ids, lost on restart.
   * So: an expectation that does not hold is decided locally (a retry of an append already in place succeeds, anything
   * else is a wrong version or a partial repeat); one that holds is sent with the same expectation, so KurrentDB still
   * arbitrates concurrent writers, and if another writer got in between, the next pass sees its write and decides
   * locally. What the tail cannot show, ids further back or in other streams, is not detected (SQLite does).
   */
  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const { streamId: id, expectedRevision: expected, events: checked } = checkAppend(streamId, events, options);
    const ids = checked.map((e) => e.id);
    const proposed = checked.map((e) =>
      jsonEvent({ id: e.id, type: e.type, data: e.event.data, metadata: e.event.metadata }),
    );

    for (let attempt = 1; ; attempt++) {
      const tail = await this.#readStreamEvents(id, {
        direction: BACKWARDS,
        fromRevision: END,
        maxCount: ids.length + IDEMPOTENCY_LOOKBACK,
        requiresLeader: true,
      });
      const current = tail[0]?.revision ?? null;

      if (!satisfies(expected, current)) {
        // A writer retrying after a lost acknowledgement finds the stream moved on by its own events.
        const first =
          tail.find((e) => sameId(e.id, ids[0]!)) ??
          (await this.#expectedPlace(id, expected, ids.length, tail)).find((e) => sameId(e.id, ids[0]!));
        if (first) return this.#repeatedAppend(id, expected, ids, first, current);
        throw new WrongExpectedVersion(id, expected, actualRevision(current));
      }
      const known = tail.find((e) => ids.some((x) => sameId(x, e.id)));
      if (known) return this.#repeatedAppend(id, expected, ids, known, current);

      try {
        const result = await this.#client.appendToStream(id, proposed, {
          streamState: streamState(expected),
          requiresLeader: true,
        });
        return await this.#appended(id, ids, result.nextExpectedRevision);
      } catch (error) {
        if (error instanceof MaxAppendSizeExceededError) {
          throw new InvalidEventStoreInput([
            {
              path: 'events',
              message: `the append is larger than the store's maximum append size of ${error.maxAppendSize} bytes`,
            },
          ]);
        }
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        if (attempt < APPEND_ATTEMPTS) continue;
        // For `any` the server only refuses an append whose ids partly repeat ones in its cache.
        if (expected === 'any' || expected === 'stream_exists') throw new IdempotencyConflict(id, ids);
        const actual = error.actualState;
        throw new WrongExpectedVersion(
          id,
          expected,
          typeof actual === 'bigint' && actual >= 0n ? toSafeNumber(actual, 'stream revision') : 'no_stream',
        );
      }
    }
  }

  /** The revisions where a retry of this append would have landed, when the tail read did not reach them. */
  async #expectedPlace(
    streamId: string,
    expected: ExpectedRevision,
    count: number,
    tail: readonly StoredEvent[],
  ): Promise<StoredEvent[]> {
    if (expected === 'any' || expected === 'stream_exists' || tail.length === 0) return [];
    const from = expected === 'no_stream' ? 0n : BigInt(expected) + 1n;
    const oldest = tail[tail.length - 1]!.revision;
    if (from >= oldest) return [];
    return this.#readStreamEvents(streamId, {
      direction: FORWARDS,
      fromRevision: from,
      maxCount: count,
      requiresLeader: true,
    });
  }

  /**
   * Some id of the append is already in the stream. It is a retry, and succeeds without writing, only if every id is
   * there, in this order, on consecutive revisions, right where the expectation puts them; a partial repeat is refused.
   */
  async #repeatedAppend(
    streamId: string,
    expected: ExpectedRevision,
    ids: readonly string[],
    hit: StoredEvent,
    current: bigint | null,
  ): Promise<AppendResult> {
    const index = ids.findIndex((x) => sameId(x, hit.id));
    const start = hit.revision - BigInt(index);
    const run =
      start < 0n
        ? []
        : await this.#readStreamEvents(streamId, {
            direction: FORWARDS,
            fromRevision: start,
            maxCount: ids.length,
            requiresLeader: true,
          });
    const inPlace =
      run.length === ids.length && run.every((e, i) => sameId(e.id, ids[i]!) && e.revision === start + BigInt(i));
    if (!inPlace) throw new IdempotencyConflict(streamId, [...ids]);
    const expectedStart =
      expected === 'any' || expected === 'stream_exists'
        ? start
        : expected === 'no_stream'
          ? 0n
          : BigInt(expected) + 1n;
    if (start !== expectedStart) throw new WrongExpectedVersion(streamId, expected, actualRevision(current));
    const last = run[run.length - 1]!;
    return { nextExpectedRevision: toSafeNumber(last.revision, 'stream revision'), position: positionOf(last) };
  }

  /**
   * The position comes from reading the last event back rather than from the append reply: when the server answers a
   * concurrent repeat as idempotent, what the reply carries as position depends on the server version (nothing, or the
   * original write's), while the event read back has the same position `readAll` and subscriptions will report.
   */
  async #appended(streamId: string, ids: readonly string[], next: bigint): Promise<AppendResult> {
    const [last] = await this.#readStreamEvents(streamId, {
      direction: FORWARDS,
      fromRevision: next,
      maxCount: 1,
      requiresLeader: true,
    });
    if (!last || !sameId(last.id, ids[ids.length - 1]!)) {
      throw new Error(
        `stream ${streamId}: KurrentDB acknowledged the append at revision ${next}, which holds another event`,
      );
    }
    return { nextExpectedRevision: toSafeNumber(next, 'stream revision'), position: positionOf(last) };
  }

  /** Every event the read returns, system ones included; a stream that does not exist reads as empty. */
  async #readStreamEvents(streamId: string, options: ClientReadStreamOptions): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    try {
      for await (const resolved of this.#client.readStream(streamId, { resolveLinkTos: false, ...options })) {
        const event = stored(resolved);
        if (event) events.push(event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    const id = checkStreamId(streamId);
    const { direction = 'forwards', fromRevision, maxCount } = checkReadStreamOptions(options);
    let from: ReadRevision;
    if (direction === 'forwards') {
      // The port's `end` is inclusive of nothing going forwards (SQLite reads from beyond any revision).
      if (fromRevision === 'end') return [];
      from = fromRevision === undefined || fromRevision === 'start' ? START : BigInt(fromRevision);
    } else {
      // Spelled out as revision 0 so that going backwards from `start` yields the first event, as SQLite does.
      from =
        fromRevision === 'start'
          ? 0n
          : fromRevision === undefined || fromRevision === 'end'
            ? END
            : BigInt(fromRevision);
    }
    const events = await this.#readStreamEvents(id, {
      direction: direction === 'forwards' ? FORWARDS : BACKWARDS,
      fromRevision: from,
      ...(maxCount === undefined ? {} : { maxCount }),
    });
    return events.filter((e) => !isSystem(e)).map(toRecordedEvent);
  }

  /**
   * Reads `$all` in pages from the checkpoint, keeping what passes the filter, until `maxCount` events or the end of
   * the log. A read from a position includes the event at it, hence the `<= after` check and the page one larger than
   * what is still missing.
   */
  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    const { after, maxCount = DEFAULT_READ_ALL_COUNT, filter } = checkReadAllOptions(options);
    const server = serverFilter(filter);
    const found: RecordedEvent[] = [];
    let cursor = after === undefined ? undefined : BigInt(after);
    while (found.length < maxCount) {
      const pageSize = Math.min(READ_ALL_PAGE, maxCount - found.length + 1);
      const fromPosition: ReadPosition = cursor === undefined ? START : { commit: cursor, prepare: cursor };
      let received = 0;
      let last: bigint | undefined;
      for await (const resolved of this.#client.readAll({
        direction: FORWARDS,
        fromPosition,
        maxCount: pageSize,
        filter: server,
        resolveLinkTos: false,
      })) {
        received++;
        const event = stored(resolved as ClientResolved);
        if (!event || event.commit === undefined) continue;
        last = event.commit;
        if (cursor !== undefined && event.commit <= cursor) continue;
        if (found.length < maxCount && wanted(event, filter)) found.push(toRecordedEvent(event));
      }
      // A filtered read only stops short of its count at the end of the log.
      if (received < pageSize || last === undefined || (cursor !== undefined && last <= cursor)) break;
      cursor = last;
    }
    return found;
  }

  subscribeToAll(options?: SubscribeOptions): Subscription {
    const { after, filter } = checkSubscribeOptions(options);
    const fromPosition: ReadPosition =
      after === undefined ? START : after === 'end' ? END : { commit: BigInt(after), prepare: BigInt(after) };
    const inner = this.#client.subscribeToAll({ fromPosition, filter: serverFilter(filter), resolveLinkTos: false });
    const subscription = new KurrentDbSubscription(
      inner,
      typeof after === 'number' ? BigInt(after) : undefined,
      filter,
      () => this.#subscriptions.delete(subscription),
    );
    this.#subscriptions.add(subscription);
    return subscription;
  }

  async streamRevision(streamId: string): Promise<number | null> {
    const id = checkStreamId(streamId);
    const [last] = await this.#readStreamEvents(id, { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
    return last ? toSafeNumber(last.revision, 'stream revision') : null;
  }

  async headPosition(): Promise<Position | null> {
    let from: ReadPosition = END;
    for (;;) {
      let received = 0;
      let oldest: bigint | undefined;
      let head: StoredEvent | undefined;
      for await (const resolved of this.#client.readAll({
        direction: BACKWARDS,
        fromPosition: from,
        maxCount: HEAD_PAGE,
        filter: excludeSystemEvents(),
        resolveLinkTos: false,
      })) {
        received++;
        const event = stored(resolved as ClientResolved);
        if (!event || event.commit === undefined) continue;
        // Backwards reads exclude the position they start from on current servers; this guards the others.
        if (typeof from === 'object' && event.commit >= from.commit) continue;
        oldest = event.commit;
        if (!head && !isSystem(event)) head = event;
      }
      if (head) return positionOf(head);
      if (received < HEAD_PAGE || oldest === undefined) return null;
      from = { commit: oldest, prepare: oldest };
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.#subscriptions].map((s) => s.close()));
    await this.#client.dispose();
  }
}

/**
 * Wraps the client's catch-up subscription, a Node readable fed by one gRPC call that goes from history to live
 * on the server, so nothing is lost or repeated at the switch. Iterating pulls from the readable, whose buffer
 * backpressures the gRPC stream. Checkpoint messages reach only a `checkpointReached` callback, never the stream.
 */
class KurrentDbSubscription implements Subscription {
  readonly #inner: AllStreamSubscription;
  readonly #after: bigint | undefined;
  readonly #filter: AllFilter | undefined;
  readonly #onClose: () => void;
  #closed = false;
  #failure: Error | undefined;

  constructor(
    inner: AllStreamSubscription,
    after: bigint | undefined,
    filter: AllFilter | undefined,
    onClose: () => void,
  ) {
    this.#inner = inner;
    this.#after = after;
    this.#filter = filter;
    this.#onClose = onClose;
    // The client emits connection failures as bare 'error' events: unheard, one arriving before anybody iterates
    // would crash the process, and once heard it must still reach the consumer when iteration starts.
    inner.on('error', (error: Error) => {
      this.#failure ??= error;
    });
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<RecordedEvent, void, undefined> {
    try {
      if (this.#failure && !this.#closed) throw this.#failure;
      for await (const resolved of this.#inner as AsyncIterable<AllStreamResolvedEvent>) {
        if (this.#closed) return;
        const event = stored(resolved as ClientResolved);
        if (!event || !wanted(event, this.#filter)) continue;
        const position = positionOf(event);
        // The server starts after the position it is given, but dropping it again costs nothing and keeps `after` exclusive.
        if (this.#after !== undefined && BigInt(position) <= this.#after) continue;
        yield toRecordedEvent(event);
      }
    } catch (error) {
      // Closing destroys the readable, which ends a pending read with a premature-close error.
      if (this.#closed) return;
      throw error;
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#onClose();
    // Destroy first, so a consumer waiting for the next event is released even if the call never connected.
    this.#inner.destroy();
    try {
      await this.#inner.unsubscribe();
    } catch {
      // A call that failed to start has nothing to cancel.
    }
  }
}

export function openKurrentDbEventStore(connectionString: string): KurrentDbEventStore {
  return new KurrentDbEventStore(KurrentDBClient.connectionString(connectionString));
}
