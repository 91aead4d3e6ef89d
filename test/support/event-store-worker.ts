/**
 * A separate process that appends to an embedded event store, for the tests that need a second process or a
 * process to kill. It reports each acknowledged append on stdout as one JSON line.
 *
 *   durable <dataDir>        appends batches with exact revisions to a few streams until killed
 *   counter <dataDir> <n> <startAt>   once both counter processes are ready and not before time startAt (ms),
 *                                     n read-decide-append increments of one shared counter stream, retrying on
 *                                     conflicts
 */
import { createHash } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WrongExpectedVersion } from '../../domain/event-store/errors.js';
import { openSqliteEventStore } from '../../infra/event-store/sqlite-event-store.js';
import { newEvent } from './events.js';

const [mode, dataDir, count, startAt] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: event-store-worker <durable|counter> <dataDir> [n]');
const store = openSqliteEventStore(dataDir);

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

if (mode === 'durable') {
  const revisions = new Map<string, number | null>();
  for (let n = 0; ; n++) {
    const stream = `durable-${n % 5}`;
    if (!revisions.has(stream)) revisions.set(stream, await store.streamRevision(stream));
    const size = 1 + (n % 4);
    const events = Array.from({ length: size }, (_, k) => {
      const payload = `第${n}批第${k}条 ${'集约化'.repeat(50 + ((n * 7 + k) % 200))}`;
      return newEvent('Durable', { payload, sha256: digest(payload) });
    });
    const current = revisions.get(stream) ?? null;
    const result = await store.append(stream, events, { expectedRevision: current ?? 'no_stream' });
    revisions.set(stream, result.nextExpectedRevision);
    process.stdout.write(`${JSON.stringify({ stream, ids: events.map((e) => e.id) })}\n`);
  }
}

if (mode === 'counter') {
  const counter = 'counter-shared';
  let conflicts = 0;
  // Both processes start together, so their appends really overlap instead of one finishing before the other boots:
  // each says it is ready with a file beside the log and waits for the other's (on a loaded machine starting a
  // process can take longer than any fixed delay), then both wait until startAt.
  writeFileSync(join(dataDir, `counter-ready-${process.pid}`), '');
  const deadline = Date.now() + 60_000;
  while (readdirSync(dataDir).filter((f) => f.startsWith('counter-ready-')).length < 2) {
    if (Date.now() > deadline) throw new Error('the other counter process never became ready');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
  for (let i = 0; i < Number(count); i++) {
    for (;;) {
      const [last] = await store.readStream(counter, { direction: 'backwards', maxCount: 1 });
      const value = last ? (last.data.value as number) + 1 : 0;
      try {
        await store.append(counter, [newEvent('Counted', { value, pid: process.pid })], {
          expectedRevision: last ? last.revision : 'no_stream',
        });
        break;
      } catch (error) {
        if (!(error instanceof WrongExpectedVersion)) throw error;
        conflicts++;
      }
    }
  }
  process.stdout.write(`${JSON.stringify({ done: true, conflicts })}\n`);
  await store.close();
}
