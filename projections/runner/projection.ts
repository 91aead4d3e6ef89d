/**
 * What the runner needs of a projection: a name, a version, the event types it handles, and read-model generations
 * to write into. A new version is built into a fresh generation while the active one keeps answering.
 */
import type { Position, RecordedEvent } from '../../domain/event-store/event.js';

/** One generation of a read model, open for writing. */
export interface ProjectionTarget {
  readonly generation: string;
  /** Position of the last event this generation has taken into account, or null when none. */
  checkpoint(): Promise<Position | null>;
  /**
   * Takes the events (in log order, all of a type the projection handles) into the read model and records
   * `checkpoint`, atomically (SQLite: one transaction) or idempotently (OpenSearch: versions by position), so a crash
   * anywhere means the batch is replayed, never half-applied and never applied twice.
   */
  project(events: RecordedEvent[], checkpoint: Position): Promise<void>;
}

export interface Projection {
  readonly name: string;
  /** Bumping it rebuilds the read model from the start of the log into a new generation. */
  readonly version: number;
  /** `'all'`: every event of the log, of any type, now or later (the audit log's tree takes each one as a leaf). */
  readonly eventTypes: readonly string[] | 'all';
  activeGeneration(): Promise<string | null>;
  openGeneration(generation: string): Promise<ProjectionTarget>;
  /** Switches readers to `generation` atomically and drops the one it replaces. */
  promote(generation: string): Promise<void>;
}

/** The generation a version is built into by default; an on-demand rebuild of the same version gets a suffix. */
export function generationOf(version: number, rebuild?: string): string {
  return rebuild ? `v${version}-${rebuild}` : `v${version}`;
}

export function versionOfGeneration(generation: string): number | null {
  const match = /^v(\d+)(?:-|$)/.exec(generation);
  return match ? Number(match[1]) : null;
}
