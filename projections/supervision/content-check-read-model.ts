/**
 * Content checks before publication (P-art.41(1), N-art.24): every draft, edit, submission and correction of a
 * resource is checked against the list of wrong and sensitive expressions as it stood at that point of the log, and
 * when the list changes every version still in review is checked again, so a reviewer and the approver see the hits
 * of the list in force. Rows are the working versions only; a published, withdrawn or archived resource has none.
 *
 * Replaying the log gives the same advisories: the list is folded from its own events in log order, in the same
 * transaction as the checks that use it.
 */
import type Database from 'better-sqlite3';
import { type ContentAdvisory, ContentChecker } from '../../domain/content-check/content-advisory.js';
import {
  type ExpressionEntry,
  type ExpressionEvent,
  type ExpressionList,
  expressionEventSchemas,
  expressionListDecider,
} from '../../domain/content-check/expression-list.js';
import type { Position, RecordedEvent } from '../../domain/event-store/event.js';
import { type ResourceEvent, resourceEventSchemas } from '../../domain/resource/resource.js';
import { toDomainEvent } from '../../domain/shared/command-handler.js';
import type { Projection, ProjectionTarget } from '../runner/projection.js';
import { openReadModelDatabase, SqliteGenerations, tableSuffix } from '../sqlite/sqlite-generations.js';

export const CONTENT_CHECK_PROJECTION_VERSION = 1;

export interface ContentCheckResult {
  resourceId: string;
  version: number;
  /** The revision of the expression list the version was checked against. */
  listRevision: number;
  checkedAt: string;
  advisories: ContentAdvisory[];
}

const schemas = { ...resourceEventSchemas, ...expressionEventSchemas };
const EVENT_TYPES = [
  ...Object.keys(expressionEventSchemas),
  'ResourceDrafted',
  'ResourceEdited',
  'ResourceSubmitted',
  'ResourceCorrectionStarted',
  'ResourcePublished',
  'ResourceWithdrawn',
  'ResourceArchived',
];

export class ContentCheckReadModel {
  private readonly db: Database.Database;
  private readonly generations: SqliteGenerations;
  /** The checker of the list each generation holds, by generation: built once per revision of the list. */
  private readonly checkers = new Map<string, ContentChecker>();

  constructor(filename: string) {
    this.db = openReadModelDatabase(filename);
    this.generations = new SqliteGenerations(this.db, 'content-checks', (generation) => {
      const { checks, expressions } = this.tableNames(generation);
      this.db.exec(`DROP TABLE IF EXISTS ${checks}; DROP TABLE IF EXISTS ${expressions}`);
      this.checkers.delete(generation);
    });
  }

  private tableNames(generation: string) {
    const s = tableSuffix(generation);
    return { checks: `content_checks_${s}`, expressions: `content_expressions_${s}`, meta: `content_list_${s}` };
  }

  projection(): Projection {
    return {
      name: 'content-checks',
      version: CONTENT_CHECK_PROJECTION_VERSION,
      eventTypes: EVENT_TYPES,
      activeGeneration: async () => this.generations.active(),
      promote: async (generation) => this.generations.promote(generation),
      openGeneration: async (generation) => this.target(generation),
    };
  }

  private create(generation: string): void {
    const { checks, expressions, meta } = this.tableNames(generation);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS ${checks} (
        resource_id TEXT PRIMARY KEY, version INTEGER NOT NULL, texts TEXT NOT NULL, list_revision INTEGER NOT NULL,
        checked_at TEXT NOT NULL, advisories TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS ${expressions} (expression TEXT PRIMARY KEY, entry TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS ${meta} (id INTEGER PRIMARY KEY CHECK (id = 1), revision INTEGER NOT NULL);`);
  }

  private list(generation: string): ExpressionList {
    const { expressions, meta } = this.tableNames(generation);
    const revision = (this.db.prepare(`SELECT revision FROM ${meta} WHERE id = 1`).pluck().get() as number) ?? 0;
    const rows = this.db.prepare(`SELECT expression, entry FROM ${expressions}`).all() as Array<{
      expression: string;
      entry: string;
    }>;
    return { revision, entries: new Map(rows.map((r) => [r.expression, JSON.parse(r.entry) as ExpressionEntry])) };
  }

  /** The checker of the list the generation holds now, rebuilt only when the list changed. */
  private checkerOf(generation: string): ContentChecker {
    const { meta } = this.tableNames(generation);
    const revision = (this.db.prepare(`SELECT revision FROM ${meta} WHERE id = 1`).pluck().get() as number) ?? 0;
    const cached = this.checkers.get(generation);
    if (cached && cached.revision === revision) return cached;
    const checker = ContentChecker.of(this.list(generation));
    this.checkers.set(generation, checker);
    return checker;
  }

  private target(generation: string): ProjectionTarget {
    this.create(generation);
    const { checks, expressions, meta } = this.tableNames(generation);
    const upsert = this.db.prepare(
      `INSERT INTO ${checks} (resource_id, version, texts, list_revision, checked_at, advisories)
       VALUES (@resourceId, @version, @texts, @revision, @at, @advisories)
       ON CONFLICT (resource_id) DO UPDATE SET version = excluded.version, texts = excluded.texts,
         list_revision = excluded.list_revision, checked_at = excluded.checked_at, advisories = excluded.advisories`,
    );
    const textsOf = this.db.prepare<[string], string>(`SELECT texts FROM ${checks} WHERE resource_id = ?`).pluck();
    const versionOf = this.db.prepare<[string], number>(`SELECT version FROM ${checks} WHERE resource_id = ?`).pluck();
    const remove = this.db.prepare(`DELETE FROM ${checks} WHERE resource_id = ?`);
    const open = this.db.prepare(`SELECT resource_id, version, texts FROM ${checks}`);
    const putExpression = this.db.prepare(
      `INSERT INTO ${expressions} (expression, entry) VALUES (?, ?) ON CONFLICT (expression) DO UPDATE SET entry = excluded.entry`,
    );
    const dropExpression = this.db.prepare(`DELETE FROM ${expressions} WHERE expression = ?`);
    const setRevision = this.db.prepare(
      `INSERT INTO ${meta} (id, revision) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET revision = excluded.revision`,
    );

    const check = (resourceId: string, version: number, texts: string, at: string) => {
      const checker = this.checkerOf(generation);
      const advisories = checker.check(JSON.parse(texts) as Record<string, unknown>);
      upsert.run({
        resourceId,
        version,
        texts,
        revision: checker.revision,
        at,
        advisories: JSON.stringify(advisories),
      });
    };

    const apply = this.db.transaction((events: RecordedEvent[], checkpoint: Position) => {
      for (const recorded of events) {
        const event = toDomainEvent<ResourceEvent | ExpressionEvent>(recorded, schemas);
        const at = new Date(recorded.metadata.occurredAt).toISOString();
        switch (event.type) {
          case 'ContentExpressionsAdded':
          case 'ContentExpressionsRemoved': {
            const list = expressionListDecider.evolve(this.list(generation), event);
            if (event.type === 'ContentExpressionsAdded')
              for (const e of event.data.expressions) putExpression.run(e.expression, JSON.stringify(e));
            else for (const e of event.data.expressions) dropExpression.run(e);
            setRevision.run(list.revision);
            // Every version still in review is checked against the list now in force.
            for (const row of open.all() as Array<{ resource_id: string; version: number; texts: string }>)
              check(row.resource_id, row.version, row.texts, at);
            break;
          }
          case 'ResourceDrafted':
          case 'ResourceEdited':
          case 'ResourceCorrectionStarted':
            check(event.data.resourceId, event.data.version, JSON.stringify(checkedTexts(event.data.metadata)), at);
            break;
          case 'ResourceSubmitted': {
            const texts = textsOf.get(event.data.resourceId);
            if (texts !== undefined) check(event.data.resourceId, versionOf.get(event.data.resourceId)!, texts, at);
            break;
          }
          case 'ResourcePublished':
          case 'ResourceWithdrawn':
          case 'ResourceArchived':
            remove.run(event.data.resourceId);
            break;
          default:
            break;
        }
      }
      this.generations.recordCheckpoint(generation, checkpoint);
    });
    return {
      generation,
      checkpoint: async () => this.generations.checkpoint(generation),
      project: async (events, checkpoint) => apply(events, checkpoint),
    };
  }

  /** The advisories of the resource's version in review, or null when it has none in review. */
  result(resourceId: string): ContentCheckResult | null {
    const generation = this.generations.active();
    if (!generation) return null;
    const row = this.db
      .prepare(`SELECT * FROM ${this.tableNames(generation).checks} WHERE resource_id = ?`)
      .get(resourceId) as
      | { resource_id: string; version: number; list_revision: number; checked_at: string; advisories: string }
      | undefined;
    if (!row) return null;
    return {
      resourceId: row.resource_id,
      version: row.version,
      listRevision: row.list_revision,
      checkedAt: row.checked_at,
      advisories: JSON.parse(row.advisories) as ContentAdvisory[],
    };
  }

  /** The list in force, for checking a text before it is saved. */
  checker(): ContentChecker {
    const generation = this.generations.active();
    return generation ? this.checkerOf(generation) : ContentChecker.of(expressionListDecider.initialState());
  }

  expressions(): ExpressionEntry[] {
    const generation = this.generations.active();
    return generation ? [...this.list(generation).entries.values()] : [];
  }

  close(): void {
    this.db.close();
  }
}

/** The fields a check reads. */
function checkedTexts(metadata: Record<string, unknown>): Record<string, unknown> {
  const { title, subtitle, summary, body, keywords } = metadata as Record<string, unknown>;
  return { title, subtitle, summary, body, keywords };
}

export function openContentCheckReadModel(dataDir: string): ContentCheckReadModel {
  return new ContentCheckReadModel(`${dataDir}/content-checks.sqlite`);
}
