/**
 * The plan of a run (R-LIB-4): its dry run's rows as the run needs them (each row's hash and kind, the watermark of
 * each item, and what `MigrateItem` takes for each item ready to write), kept in a file beside the event log from
 * the run's start until it is completed. The run writes these items instead of mapping the export a second time:
 * mapping (the process steps, sanitising, classifying, validating) costs more than writing, and so the items written
 * are the very ones whose report the approver read, not a second computation of them.
 *
 * The run's start records the digest of each batch of the plan's lines (`planDigests`), so a plan file that is not
 * the approved one (edited, or cut short by a crash before it reached the disk) is never written from: from the
 * first batch that does not match, the run maps the export again, checked against the rows' digests as before.
 * The file is written under a temporary name and takes its own only once the run's start is recorded, so a start
 * that is refused (a run id already taken) never replaces the plan of the run that has it.
 *
 * Its lines are JSON in UTF-16LE, JavaScript's own encoding: on Node 20 decoding a 14 kB line of Chinese text from
 * UTF-8 took 65–100 µs here (measured), a good part of what writing its item costs, and from UTF-16LE about 4 µs; the
 * file is smaller too (a Chinese character takes 2 bytes instead of 3). JSON text escapes line feeds, so the only
 * U+000A is a line's end.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommandInput } from '../../../domain/command-registry.js';
import type { RowOutcome } from '../row-outcome.js';
import { type HashedRow, outcomeHash } from '../source-digest.js';
import { migrateItemInput } from './item-input.js';

/**
 * One row of the export as the run writes it; `hash` is what the row adds to the digests: its row hash, or the
 * reader's error.
 */
export interface PlannedRow extends HashedRow {
  kind: RowOutcome['kind'];
  /** An item's place on the high-water mark. */
  watermark?: string;
  /** An item ready to write (its destination column is checked again when it is written). */
  item?: CommandInput<'MigrateItem'>;
}

export function plannedRow(outcome: RowOutcome): PlannedRow {
  const row: PlannedRow = { sequence: outcome.sequence, kind: outcome.kind, hash: outcomeHash(outcome) };
  if (outcome.kind === 'item') {
    if (outcome.item.watermark !== undefined) row.watermark = outcome.item.watermark;
    if (outcome.item.ready) row.item = migrateItemInput(outcome.item);
  }
  return row;
}

const PLAN_ENCODING = 'utf16le';
const LINE_FEED = Buffer.from('\n', PLAN_ENCODING);

const PLAN_SUFFIX = '.plan.utf16le.jsonl';
const TEMPORARY_SUFFIX = '.tmp';

function planFile(folder: string, runId: string): string {
  return join(folder, `${encodeURIComponent(runId)}${PLAN_SUFFIX}`);
}

/** Writes a plan while the dry run reads the export; `commit` gives it the run's name once the run is recorded. */
export class PlanWriter {
  readonly #digests: string[] = [];
  #digest = createHash('sha256');
  #rows = 0;
  #committed = false;

  private constructor(
    private readonly file: string,
    private readonly temporary: string,
    private readonly stream: WriteStream,
    private readonly batchSize: number,
  ) {}

  static async create(folder: string, runId: string, batchSize: number): Promise<PlanWriter> {
    await mkdir(folder, { recursive: true });
    const file = planFile(folder, runId);
    const temporary = `${file}.${randomUUID()}${TEMPORARY_SUFFIX}`;
    const stream = createWriteStream(temporary);
    await new Promise<void>((resolve, reject) => stream.once('open', () => resolve()).once('error', reject));
    return new PlanWriter(file, temporary, stream, batchSize);
  }

  async add(row: PlannedRow): Promise<void> {
    this.#rows++;
    if (row.sequence !== this.#rows) throw new Error(`plan row ${row.sequence} out of order (expected ${this.#rows})`);
    const line = Buffer.from(`${JSON.stringify(row)}\n`, PLAN_ENCODING);
    this.#digest.update(line);
    if (this.#rows % this.batchSize === 0) {
      this.#digests.push(this.#digest.digest('hex'));
      this.#digest = createHash('sha256');
    }
    if (!this.stream.write(line))
      await new Promise<void>((resolve, reject) => {
        const failed = (error: Error) => reject(error);
        this.stream.once('error', failed).once('drain', () => {
          this.stream.off('error', failed);
          resolve();
        });
      });
  }

  /** Flushes the plan to the disk; the digest of each of its batches, in order. */
  async finish(): Promise<string[]> {
    if (this.#rows % this.batchSize !== 0) this.#digests.push(this.#digest.digest('hex'));
    await new Promise<void>((resolve, reject) => {
      this.stream.once('error', reject);
      this.stream.end(() => resolve());
    });
    const handle = await open(this.temporary, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    return this.#digests;
  }

  /** The run is recorded: the plan is its plan. */
  async commit(): Promise<void> {
    await rename(this.temporary, this.file);
    this.#committed = true;
  }

  /** Removes the plan unless it was committed. */
  async discard(): Promise<void> {
    if (this.#committed) return;
    this.stream.destroy();
    await rm(this.temporary, { force: true });
  }
}

export type PlanBatch =
  | { batch: number; rows: PlannedRow[]; matches: true }
  /** The plan's lines for this batch are not the approved ones (or it has none): nothing after it is used. */
  | { batch: number; matches: false };

/**
 * The batches of a run's plan, each checked against its approved digest before any of its rows is given out; the
 * first that does not match ends the plan. Nothing at all when the run kept no plan or the file is gone.
 */
export async function* planBatches(
  folder: string,
  run: { runId: string; batchSize: number; planDigests?: string[] },
): AsyncGenerator<PlanBatch> {
  const { planDigests, batchSize } = run;
  if (planDigests === undefined) return;
  const input = createReadStream(planFile(folder, run.runId), { highWaterMark: 1 << 20 });
  const opened = await new Promise<boolean>((resolve) =>
    input.once('open', () => resolve(true)).once('error', () => resolve(false)),
  );
  if (!opened) return;
  let batch = 1;
  // Each line's bytes, hashed as they are on the disk and decoded only once its batch proved to be the approved one.
  let lines: Buffer[] = [];
  let digest = createHash('sha256');
  const checked = (): PlanBatch => {
    const number = batch;
    const texts = lines;
    const matches = digest.digest('hex') === planDigests[number - 1];
    batch++;
    lines = [];
    digest = createHash('sha256');
    if (!matches) return { batch: number, matches: false };
    const rows = texts.map((text) => JSON.parse(text.toString(PLAN_ENCODING)) as PlannedRow);
    const first = (number - 1) * batchSize + 1;
    // A line in the wrong place is not the plan, whatever its digest.
    if (rows.some((row, i) => row.sequence !== first + i)) return { batch: number, matches: false };
    return { batch: number, rows, matches: true };
  };
  let rest: Buffer | undefined;
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      const bytes = rest === undefined ? chunk : Buffer.concat([rest, chunk]);
      let start = 0;
      for (let end = lineEnd(bytes, start); end !== -1; end = lineEnd(bytes, start)) {
        if (batch > planDigests.length) {
          yield { batch, matches: false };
          return;
        }
        digest.update(bytes.subarray(start, end + LINE_FEED.length));
        lines.push(bytes.subarray(start, end));
        start = end + LINE_FEED.length;
        if (lines.length === batchSize) {
          const next = checked();
          yield next;
          if (!next.matches) return;
        }
      }
      rest = start < bytes.length ? bytes.subarray(start) : undefined;
    }
    // A last line without its line feed was cut short: not a line the plan wrote.
    if (rest !== undefined) digest.update(rest);
    if (lines.length > 0 || rest !== undefined) {
      if (rest !== undefined) lines.push(rest);
      const next = checked();
      yield next;
      if (!next.matches) return;
    }
    if (batch <= planDigests.length) yield { batch, matches: false };
  } finally {
    input.destroy();
  }
}

/** Where the line starting at `start` ends: its line feed, a whole code unit (an even number of bytes on). */
function lineEnd(bytes: Buffer, start: number): number {
  let end = bytes.indexOf(LINE_FEED, start);
  while (end !== -1 && (end - start) % 2 === 1) end = bytes.indexOf(LINE_FEED, end + 1);
  return end;
}

/** Once the run is completed, its plan is not needed again. */
export async function removePlan(folder: string, runId: string): Promise<void> {
  await rm(planFile(folder, runId), { force: true });
}

/** A temporary plan not written to for this long belongs to a start that will not finish (its process is gone). */
export const ABANDONED_PLAN_MS = 60 * 60 * 1000;

/**
 * Removes the plans no run needs any more: those of runs that are over, wherever that was decided (an approver who
 * rejects a run over GraphQL leaves nothing to the CLI that started it), and the temporary plans of starts that did
 * not finish (a process killed while it read the export), once nothing has been written to them for an hour; a start
 * still reading writes to its plan all the time. Returns the names of the files removed.
 */
export async function sweepPlans(
  folder: string,
  needed: (runId: string) => Promise<boolean>,
  now = Date.now(),
): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const removed: string[] = [];
  for (const name of names) {
    const path = join(folder, name);
    let remove = false;
    if (name.endsWith(PLAN_SUFFIX)) remove = !(await needed(decodeURIComponent(name.slice(0, -PLAN_SUFFIX.length))));
    else if (name.endsWith(TEMPORARY_SUFFIX)) {
      const modified = await stat(path).then(
        (found) => found.mtimeMs,
        () => now,
      );
      remove = now - modified >= ABANDONED_PLAN_MS;
    }
    if (remove) {
      await rm(path, { force: true });
      removed.push(name);
    }
  }
  return removed;
}
