/**
 * Operator commands: `npm run cli -- <command>`.
 *
 *   projections status            each projection's generation, checkpoint and lag
 *   projections rebuild <name>    rebuilds a read model from the start of the log into a fresh generation, with a
 *                                 progress bar, and promotes it once it has caught up (the old one serves meanwhile)
 */
import { SingleBar } from 'cli-progress';
import { generationOf } from '../projections/runner/projection.js';
import { ProjectionRunner } from '../projections/runner/projection-runner.js';
import { type Composition, compose } from './composition.js';
import { ConfigError, loadConfig } from './config.js';

const USAGE = `usage: npm run cli -- projections status
       npm run cli -- projections rebuild <name>`;

async function status(c: Composition): Promise<void> {
  const head = (await c.eventStore.headPosition()) ?? 0;
  for (const projection of c.projections) {
    const active = await projection.activeGeneration();
    const checkpoint = active ? await (await projection.openGeneration(active)).checkpoint() : null;
    process.stdout.write(
      `${projection.name.padEnd(12)} version ${projection.version}  active ${active ?? '(none)'}  checkpoint ${checkpoint ?? '-'}  lag ${head - (checkpoint ?? 0)}\n`,
    );
  }
}

async function rebuild(c: Composition, name: string | undefined): Promise<void> {
  const projection = c.projections.find((p) => p.name === name);
  if (!projection) throw new UsageError(`unknown projection ${name ?? ''}; known: ${c.projections.map((p) => p.name).join(', ')}`);
  const head = (await c.eventStore.headPosition()) ?? 0;
  const bar = new SingleBar({
    format: `${projection.name} rebuild [{bar}] {percentage}% | position {value}/{total} | {rate} positions/s | ETA {eta_formatted}`,
    hideCursor: true,
    etaBuffer: 50,
  });
  const started = Date.now();
  bar.start(head, 0, { rate: 0 });
  const generation = generationOf(projection.version, String(started));
  const runner = new ProjectionRunner(c.eventStore, projection, {
    generation,
    onProgress: (checkpoint) => bar.update(checkpoint, { rate: Math.round(checkpoint / Math.max(0.001, (Date.now() - started) / 1000)) }),
  });
  try {
    await runner.start();
  } finally {
    bar.update(head);
    bar.stop();
    await runner.stop();
  }
  process.stdout.write(`${projection.name}: generation ${generation} is active (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}

class UsageError extends Error {}

async function main(): Promise<void> {
  const [area, command, argument] = process.argv.slice(2);
  if (area !== 'projections' || (command !== 'status' && command !== 'rebuild')) throw new UsageError(USAGE);
  const c = await compose(loadConfig());
  try {
    if (command === 'status') await status(c);
    else await rebuild(c, argument);
  } finally {
    await c.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof UsageError || error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
