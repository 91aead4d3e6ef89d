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
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { CommandInput } from '../../../domain/command-registry.js';
import type { RowOutcome } from '../row-outcome.js';
import { outcomeHash } from '../source-digest.js';
import { migrateItemInput } from './item-input.js';

/** One row of the export as the run writes it. */
export interface PlannedRow {
  sequence: number;
  kind: RowOutcome['kind'];
  /** What the row adds to the digests: its row hash, or the reader's error. */
  hash: string;
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

function planFile(folder: string, runId: string): string {
  return join(folder, `${encodeURIComponent(runId)}.plan.jsonl`);
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
    const temporary = `${file}.${randomUUID()}.tmp`;
    const stream = createWriteStream(temporary);
    await new Promise<void>((resolve, reject) => stream.once('open', () => resolve()).once('error', reject));
    return new PlanWriter(file, temporary, stream, batchSize);
  }

  async add(row: PlannedRow): Promise<void> {
    this.#rows++;
    if (row.sequence !== this.#rows) throw new Error(`plan row ${row.sequence} out of order (expected ${this.#rows})`);
    const line = `${JSON.stringify(row)}\n`;
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
  const input = createReadStream(planFile(folder, run.runId));
  const opened = await new Promise<boolean>((resolve) =>
    input.once('open', () => resolve(true)).once('error', () => resolve(false)),
  );
  if (!opened) return;
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let batch = 1;
  let texts: string[] = [];
  let digest = createHash('sha256');
  const checked = (): PlanBatch => {
    const number = batch;
    const lines = texts;
    const matches = digest.digest('hex') === planDigests[number - 1];
    batch++;
    texts = [];
    digest = createHash('sha256');
    if (!matches) return { batch: number, matches: false };
    const rows = lines.map((text) => JSON.parse(text) as PlannedRow);
    const first = (number - 1) * batchSize + 1;
    // A line in the wrong place is not the plan, whatever its digest.
    if (rows.some((row, i) => row.sequence !== first + i)) return { batch: number, matches: false };
    return { batch: number, rows, matches: true };
  };
  try {
    for await (const text of lines) {
      if (batch > planDigests.length) {
        yield { batch, matches: false };
        return;
      }
      texts.push(text);
      digest.update(`${text}\n`);
      if (texts.length === batchSize) {
        const next = checked();
        yield next;
        if (!next.matches) return;
      }
    }
    if (texts.length > 0) {
      const next = checked();
      yield next;
      if (!next.matches) return;
    }
    if (batch <= planDigests.length) yield { batch, matches: false };
  } finally {
    lines.close();
    input.destroy();
  }
}

/** Once the run is completed, its plan is not needed again. */
export async function removePlan(folder: string, runId: string): Promise<void> {
  await rm(planFile(folder, runId), { force: true });
}
