/**
 * The progress of a run as people watch it in a terminal: how much of the export is read (bytes of a CSV or JSONL
 * file, pages of a crawl, items of a JSON document) and what became of the rows so far. On standard error, so that
 * standard output stays free for the report.
 */
import { SingleBar } from 'cli-progress';
import type { PlanProgress } from './migration-plan.js';

export interface ProgressBar {
  onProgress(progress: PlanProgress): void;
  stop(): void;
}

const UNITS = { bytes: 'bytes', rows: 'items', files: 'pages' } as const;

export function migrationProgressBar(name: string, stream: NodeJS.WritableStream = process.stderr): ProgressBar {
  const bar = new SingleBar({
    format: `${name} [{bar}] {percentage}% | {value}/{total} {unit} | {rows} rows: {items} items, {skipped} not migrated | ETA {eta_formatted}`,
    hideCursor: true,
    etaBuffer: 50,
    stream,
    // Piped into a log (CI, a file), it still says how far it got: a line every few seconds and at the end.
    noTTYOutput: true,
    notTTYSchedule: 5000,
  });
  let started = false;
  return {
    onProgress({ reader, rows, items, skipped }) {
      const payload = { unit: UNITS[reader.unit], rows, items, skipped };
      if (!started) {
        bar.start(reader.total ?? 0, reader.done, payload);
        started = true;
      }
      if (reader.total !== undefined) bar.setTotal(reader.total);
      bar.update(reader.done, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
