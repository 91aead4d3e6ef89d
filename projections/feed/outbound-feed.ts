/**
 * The outbound provincial feed (R-LIB-3): a checkpointed projection that tells the provincial library of every
 * publication, correction, withdrawal and archiving of a city resource, one CloudEvent each (outbound-message.ts),
 * within what the resource's sharing type allows (domain/feed/outbound-change.ts).
 *
 * At least once: a batch's messages are published and acknowledged by the feed (Kafka: every in-sync replica;
 * embedded: fsync) before the batch's documents and checkpoint are committed. A crash between the two replays the
 * batch from the same state, which makes the same messages with the same `ce_id`s: duplicates, never a gap. The
 * documents are folded as the library folds them (projections/library/library-projection.ts), so the province gets
 * the resource as the shared library shows it.
 *
 * A broker that does not answer is waited for, with backoff, never skipped: the projection's lag grows (on
 * `/metrics` and `/readyz`) until it answers. A message the feed refuses as malformed (over the size limit, say)
 * stops the projection at its event, like any event a projection cannot handle.
 */
import type Database from 'better-sqlite3';
import type { Position, RecordedEvent } from '../../domain/event-store/event.js';
import type { EventStore } from '../../domain/event-store/port.js';
import type { Feed, FeedRecord } from '../../domain/feed/feed-port.js';
import { InvalidFeedInput } from '../../domain/feed/feed-port.js';
import {
  type OutboundEventType,
  provinceHasItAfter,
  whatTheProvinceIsTold,
} from '../../domain/feed/outbound-change.js';
import type { LibraryDocument } from '../library/library-document.js';
import { LibraryBatch, type LibraryDocuments, projectLibraryEvent } from '../library/library-projection.js';
import type { Projection, ProjectionTarget } from '../runner/projection.js';
import { openReadModelDatabase, SqliteGenerations, tableSuffix } from '../sqlite/sqlite-generations.js';
import { OutboundDocuments, type ProvinceHolds, type StagedBatch } from './outbound-documents.js';
import { outboundRecords } from './outbound-message.js';
import { PipelinedPublish } from './pipelined-publish.js';
import { Utf8Arena } from './utf8-arena.js';

export const OUTBOUND_FEED_VERSION = 1;
/** Events per chunk of a batch's messages (see `project`). */
const CHUNK = 50;

const TOLD: ReadonlySet<string> = new Set<OutboundEventType>([
  'ResourcePublished',
  'ResourceMigrated',
  'ResourceWithdrawn',
  'ResourceArchived',
]);
/** No documents: for folding one publication on its own. */
const NOTHING_BEFORE: LibraryDocuments = { get: async () => null, findByPlacement: async () => [] };
/** Events that change a document without telling the province: placements by other sites, content migrations. */
const FOLDED = ['PushAccepted', 'SiteContentMigrated'];

export interface OutboundFeedOptions {
  feed: Feed;
  /** The log, for the metadata of a resource archived in a later batch than its publication. */
  log: Pick<EventStore, 'readStream'>;
  /** `feed-outbound.sqlite` under DATA_DIR. */
  filename: string;
  topic: string;
  /** A compacted topic that also gets every message, a withdrawal as a tombstone. */
  compactedTopic?: string;
  /** `ce_source` of every message. */
  source: string;
  /** First wait after a failed publish; doubles up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
  /** Told of each failed publish (for the log). */
  onPublishFailure?: (error: unknown, attempt: number) => void;
}

export interface OutboundFeedStatus {
  topic: string;
  compactedTopic: string | null;
  /** The log position up to which every message is acknowledged by the feed (the checkpoint). */
  lastAcknowledgedPosition: Position | null;
  messagesPublished: number;
  publishFailures: number;
  /** The last publish failure, while the feed has not answered since. */
  lastError: string | null;
}

class FeedStopped extends Error {
  constructor() {
    super('the outbound feed was stopped while waiting for the broker');
  }
}

export class OutboundFeed {
  private readonly db: Database.Database;
  private readonly generations: SqliteGenerations;
  private acknowledged: Position | null = null;
  private published = 0;
  private failures = 0;
  private lastError: string | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;
  private topicsReady: Promise<void> | null = null;
  private readonly arena = new Utf8Arena();

  constructor(private readonly options: OutboundFeedOptions) {
    this.db = openReadModelDatabase(options.filename);
    this.generations = new SqliteGenerations(this.db, 'feed', (generation) => {
      const suffix = tableSuffix(generation);
      this.db.exec(`DROP TABLE IF EXISTS feed_documents_${suffix}; DROP TABLE IF EXISTS feed_placements_${suffix};`);
    });
  }

  projection(): Projection {
    return {
      name: 'feed',
      version: OUTBOUND_FEED_VERSION,
      eventTypes: [...TOLD, ...FOLDED],
      activeGeneration: async () => this.generations.active(),
      promote: async (generation) => this.generations.promote(generation),
      openGeneration: async (generation) => {
        this.stopping = false;
        await this.ensureTopics();
        return this.target(new OutboundDocuments(this.db, this.generations, generation));
      },
    };
  }

  private ensureTopics(): Promise<void> {
    const { feed, topic, compactedTopic } = this.options;
    this.topicsReady ??= (async () => {
      await this.durably(() => feed.ensureTopic(topic));
      if (compactedTopic) await this.durably(() => feed.ensureTopic(compactedTopic, { compacted: true }));
    })().finally(() => {
      this.topicsReady = null;
    });
    return this.topicsReady;
  }

  private target(documents: OutboundDocuments): ProjectionTarget {
    this.acknowledged = documents.checkpoint();
    return {
      generation: documents.generation,
      checkpoint: async () => documents.checkpoint(),
      project: async (events, checkpoint) => {
        documents.forget();
        const view = new LibraryBatch(documents);
        const held = new Map<string, ProvinceHolds>();
        // The batch's messages go out a chunk at a time, in order, as they are made: the feed writes one chunk while
        // the next is made, and the documents are written while the feed acknowledges the last ones. The documents
        // and the checkpoint are committed once every chunk is acknowledged.
        const main = this.pipelined(this.options.topic);
        const compacted = this.options.compactedTopic ? this.pipelined(this.options.compactedTopic) : null;
        const topics = compacted ? [main, compacted] : [main];
        let published = 0;
        let staged: StagedBatch;
        try {
          for (let start = 0; start < events.length; start += CHUNK) {
            const made = await this.messagesOf(documents, view, held, events.slice(start, start + CHUNK));
            main.send(made.records);
            compacted?.send(made.compacted);
            published += made.records.length;
          }
          staged = documents.stage(view.changes(), held);
        } catch (error) {
          // Nothing is left under way when the batch fails: it is tried again from its start.
          await Promise.all(topics.map((t) => t.abandon()));
          throw error;
        }
        const acknowledged = await Promise.all(topics.map((t) => t.acknowledged()));
        if (acknowledged.every(Boolean)) staged.commit(checkpoint);
        else {
          // The write lock is not kept while the feed is waited for: the documents are written again afterwards.
          staged.rollback();
          for (const t of topics) await t.settle();
          documents.commit(view.changes(), held, checkpoint);
        }
        this.acknowledged = checkpoint;
        this.published += published;
      },
    };
  }

  private pipelined(topic: string): PipelinedPublish {
    return new PipelinedPublish(
      this.options.feed,
      topic,
      (publish) => this.durably(publish),
      (error) => this.failed(error, 1),
    );
  }

  private async messagesOf(
    documents: OutboundDocuments,
    view: LibraryBatch,
    held: Map<string, ProvinceHolds>,
    events: RecordedEvent[],
  ) {
    const records: FeedRecord[] = [];
    const compacted: FeedRecord[] = [];
    documents.prefetch(events.filter((e) => TOLD.has(e.type)).map((e) => String(e.data.resourceId)));
    for (const event of events) {
      if (!TOLD.has(event.type)) {
        await projectLibraryEvent(view, event);
        continue;
      }
      const resourceId = String(event.data.resourceId);
      const before = await view.get(resourceId);
      const had = held.get(resourceId) ?? documents.provinceHolds(resourceId);
      await projectLibraryEvent(view, event);
      const after = await view.get(resourceId);
      const document = after ?? before;
      if (!document) continue;
      const told = whatTheProvinceIsTold(event.type as OutboundEventType, had.has, document.metadata.sharing);
      const sent = told?.change === 'published' || told?.change === 'corrected';
      const versions = sent ? [...had.versions, document.version] : had.versions;
      held.set(resourceId, { has: provinceHasItAfter(told, had.has), versions });
      if (!told) continue;
      const reason = event.type === 'ResourceWithdrawn' ? String(event.data.reason) : undefined;
      // The version history the province sees holds only versions it was sent: not even the title of one that was
      // 不予共享 leaves the city.
      let shared = { ...document, versions: document.versions.filter((v) => versions.includes(v.version)) };
      if (told.change === 'archived' && documents.hasSharingOnly(shared.metadata)) {
        const metadata = await this.metadataBefore(event);
        if (metadata) shared = { ...shared, metadata };
      }
      const made = outboundRecords(told, event, shared, this.options.source, this.arena, reason);
      records.push(made.record);
      compacted.push(made.compacted);
    }
    return { records, compacted };
  }

  /**
   * The metadata of the version published last before `event` (nothing more can be published after an archiving),
   * folded as the batch would have folded it, so that the message is the same bytes whichever batch it is in.
   */
  private async metadataBefore(event: RecordedEvent): Promise<LibraryDocument['metadata'] | null> {
    const history = await this.options.log.readStream(event.streamId, { direction: 'backwards' });
    const published = history.find(
      (e) => (e.type === 'ResourcePublished' || e.type === 'ResourceMigrated') && e.position < event.position,
    );
    if (!published) return null;
    const alone = new LibraryBatch(NOTHING_BEFORE);
    await projectLibraryEvent(alone, published);
    return (await alone.get(String(published.data.resourceId)))?.metadata ?? null;
  }

  /** Tries until the feed acknowledges; a malformed call is refused at once (retrying cannot mend it). */
  private async durably<T>(call: () => Promise<T>): Promise<T> {
    let wait = this.options.retryMs ?? 200;
    for (let attempt = 1; ; attempt++) {
      if (this.stopping) throw new FeedStopped();
      try {
        const result = await call();
        this.lastError = null;
        return result;
      } catch (error) {
        if (error instanceof InvalidFeedInput || this.stopping) throw error;
        this.failed(error, attempt);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = null;
        wait = Math.min(wait * 2, this.options.maxRetryMs ?? 10_000);
      }
    }
  }

  private failed(error: unknown, attempt: number): void {
    this.failures++;
    this.lastError = error instanceof Error ? error.message : String(error);
    this.options.onPublishFailure?.(error, attempt);
  }

  /** The checkpoint of the active generation as stored (another process may be the one publishing). */
  storedCheckpoint(): Position | null {
    const active = this.generations.active();
    return active ? this.generations.checkpoint(active) : null;
  }

  status(): OutboundFeedStatus {
    return {
      topic: this.options.topic,
      compactedTopic: this.options.compactedTopic ?? null,
      lastAcknowledgedPosition: this.acknowledged,
      messagesPublished: this.published,
      publishFailures: this.failures,
      lastError: this.lastError,
    };
  }

  /** Ends any wait for the broker, so that the runner can stop; the batch it was in is replayed next time. */
  interrupt(): void {
    this.stopping = true;
    this.wake?.();
  }

  close(): void {
    this.interrupt();
    this.db.close();
  }
}

export function openOutboundFeed(dataDir: string, options: Omit<OutboundFeedOptions, 'filename'>): OutboundFeed {
  return new OutboundFeed({ ...options, filename: `${dataDir}/feed-outbound.sqlite` });
}
