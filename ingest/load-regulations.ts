/**
 * Loads corpus items through the real command path: each is drafted, submitted, passes the three reviews by three
 * different people and is published into a column, exactly as staff would do it (so the log and every read model
 * are what production would hold).
 */

import type { Platform } from '../domain/platform.js';
import type { CommandMeta } from '../domain/shared/command-handler.js';
import { DomainError } from '../domain/shared/domain-error.js';
import { mapRegulation, type RegulationItem, type RegulationMapping } from './national-regulations.js';

export interface LoadStaff {
  editor: string;
  firstReviewer: string;
  reviewer: string;
  approver: string;
}

export interface LoadOptions {
  siteId: string;
  columnId: string;
  staff: LoadStaff;
  /** Items under way at once: concurrent commands share the event store's commits. */
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
  /** The time of each command; real time by default (the loader is at the edge of the system, like an API). */
  now?: () => string;
}

export interface LoadReport {
  loaded: number;
  /** Already in the library from an earlier run. */
  skipped: number;
  failed: Array<{ path: string; code: string; message: string }>;
  /** How many items lacked each field. */
  unfilled: Record<string, number>;
}

export async function loadRegulations(
  platform: Platform,
  items: RegulationItem[],
  mapping: RegulationMapping,
  options: LoadOptions,
): Promise<LoadReport> {
  const now = options.now ?? (() => new Date().toISOString());
  const meta = (actorId: string, correlationId: string): CommandMeta => ({
    actorId,
    occurredAt: now(),
    correlationId,
    source: { system: 'corpus-loader' },
  });
  const report: LoadReport = { loaded: 0, skipped: 0, failed: [], unfilled: {} };
  const { staff, siteId, columnId } = options;
  let next = 0;
  let done = 0;

  const loadOne = async (item: RegulationItem) => {
    const { resourceId, metadata, unfilled } = mapRegulation(item, mapping);
    for (const { field } of unfilled) report.unfilled[field] = (report.unfilled[field] ?? 0) + 1;
    if ((await platform.reader.resource(resourceId)).exists) {
      report.skipped++;
      return;
    }
    const correlation = `load-${resourceId}`;
    await platform.execute('DraftResource', { resourceId, siteId, metadata }, meta(staff.editor, correlation));
    await platform.execute('SubmitResource', { resourceId }, meta(staff.editor, correlation));
    await platform.execute('PassFirstReview', { resourceId }, meta(staff.firstReviewer, correlation));
    await platform.execute('PassSecondReview', { resourceId }, meta(staff.reviewer, correlation));
    await platform.execute('PassFinalReview', { resourceId }, meta(staff.approver, correlation));
    await platform.execute('PublishResource', { resourceId, columnIds: [columnId] }, meta(staff.approver, correlation));
    report.loaded++;
  };

  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      try {
        await loadOne(item);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        report.failed.push({ path: item.path, code: error.code, message: error.message });
      }
      options.onProgress?.(++done, items.length);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  return report;
}
