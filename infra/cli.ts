/**
 * Operator commands: `npm run cli -- <command>`.
 *
 *   projections status            each projection's generation, checkpoint and lag
 *   projections rebuild <name>    rebuilds a read model from the start of the log into a fresh generation, with a
 *                                 progress bar, and promotes it once it has caught up (the old one serves meanwhile)
 *   demo [corpus.jsonl]           creates the sample platform and loads the sample corpus through the command path
 *                                 (`demo --no-corpus`: the sites and staff alone, e.g. to migrate the corpus instead)
 *   migrate <config> [--dry-run]  migrates an old site's export by its configuration (R-LIB-4), with a progress
 *                                 bar and the report; see ingest/migration/write/migrate-command.ts for the options
 *   search <text…>                searches the shared library (what the server's projections have indexed)
 *   token <personId> [expiry]     issues a bearer token for a registered person, signed with the local key
 *                                 (the embedded default; in production the identity provider issues them)
 *   audit checkpoint              signs a checkpoint of the audit tree as it stands now (the server also signs one
 *                                 every AUDIT_CHECKPOINT_INTERVAL_MS) and prints it
 *   feed follow <topic> [--from <offset>] [--partition <n>] [--out <file.jsonl>] [--until-end] [--group <id>]
 *                                 the reference consumer of the provincial feed (R-LIB-3): prints (or appends to a
 *                                 file) each message as a CloudEvent in JSON, following the topic as it grows; on the
 *                                 embedded feed it reads the server (FEED_URL, default http://HOST:PORT) with the
 *                                 credential in FEED_CREDENTIAL, on Kafka (FEED=kafka) the brokers in KAFKA_BROKERS
 *   feed credential <name>        issues the province a credential for the embedded feed's HTTP routes (shown once)
 *   feed credential revoke <id>   revokes one; `feed credentials` lists them
 *   feed status                   the outbound feed's last acknowledged position and lag, the inbound group's lag
 */
import { join } from 'node:path';
import { SingleBar } from 'cli-progress';
import { DomainError } from '../domain/shared/domain-error.js';
import { InvalidToken } from '../graphql/auth/token-keys.js';
import { MigrationConfigError } from '../ingest/migration/config/config-error.js';
import { MIGRATE_USAGE, MigrateUsageError, migrateCommand } from '../ingest/migration/write/migrate-command.js';
import { SAMPLE_CORPUS_PATH } from '../ingest/sample-corpus.js';
import { openAuditLog } from '../projections/audit-log/audit-log.js';
import { generationOf } from '../projections/runner/projection.js';
import { ProjectionRunner } from '../projections/runner/projection-runner.js';
import { loadAuditSigner } from './audit/audit-signing-key.js';
import { type Composition, compose } from './composition.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { createDemoPlatform, createSupervisionDemo, loadDemoCorpus } from './demo-platform.js';
import { FeedCredentials } from './feed/feed-credentials.js';
import { followFeed } from './feed/follow-feed.js';
import { localSigningKey } from './token-verifier.js';

const USAGE = `usage: npm run cli -- projections status
       npm run cli -- projections rebuild <name>
       npm run cli -- demo [corpus.jsonl | --no-corpus]
       ${MIGRATE_USAGE}
       npm run cli -- search <text…>
       npm run cli -- token <personId> [expiry, e.g. 8h]
       npm run cli -- audit checkpoint
       npm run cli -- feed follow <topic> [--from <offset>] [--partition <n>] [--out <file>] [--until-end] [--group <id>]
       npm run cli -- feed credential <name> | feed credential revoke <id> | feed credentials | feed status`;

async function token(c: Composition, personId: string, expiry = '8h'): Promise<void> {
  if (c.config.AUTH_JWKS_URL) throw new UsageError('tokens come from the identity provider when AUTH_JWKS_URL is set');
  const person = await c.platform.reader.person(personId);
  if (!person.exists) throw new UsageError(`no registered person ${personId}`);
  if (person.deactivated) throw new UsageError(`${personId} is deactivated`);
  const key = await localSigningKey(c.config);
  try {
    process.stdout.write(`${await key.issue(personId, expiry)}\n`);
  } catch (error) {
    if (error instanceof InvalidToken) throw new UsageError(error.message);
    throw error;
  }
}

async function demo(c: Composition, corpusPath = SAMPLE_CORPUS_PATH): Promise<void> {
  await createDemoPlatform(c.platform);
  process.stdout.write('sample platform: city portal and three sub-sites with staff in every role\n');
  if (corpusPath === '--no-corpus') return;
  const bar = new SingleBar({
    format: 'loading corpus [{bar}] {value}/{total} regulations | ETA {eta_formatted}',
    hideCursor: true,
  });
  let started = false;
  const report = await loadDemoCorpus(c.platform, corpusPath, (done, total) => {
    if (!started) {
      bar.start(total, 0);
      started = true;
    }
    bar.update(done);
  });
  if (started) bar.stop();
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  await createSupervisionDemo(c.platform);
  process.stdout.write(
    'supervision: supervisor, 霍山县 (six columns never published), a late and an overdue message on 金安区\n',
  );
}

async function search(c: Composition, words: string[]): Promise<void> {
  const page = await c.searchIndex.search({ text: words.join(' '), first: 10 });
  process.stdout.write(`${page.total} found\n`);
  for (const hit of page.hits) {
    process.stdout.write(`${hit.document.indexNumber}  ${hit.highlights.title}\n    ${hit.highlights.body}\n`);
  }
}

async function status(c: Composition): Promise<void> {
  const head = (await c.eventStore.headPosition()) ?? 0;
  for (const projection of Object.values(c.projections)) {
    const active = await projection.activeGeneration();
    const checkpoint = active ? await (await projection.openGeneration(active)).checkpoint() : null;
    process.stdout.write(
      `${projection.name.padEnd(12)} version ${projection.version}  active ${active ?? '(none)'}  checkpoint ${checkpoint ?? '-'}  lag ${head - (checkpoint ?? 0)}\n`,
    );
  }
}

async function rebuild(c: Composition, name: string | undefined): Promise<void> {
  const projection = Object.values(c.projections).find((p) => p.name === name);
  if (!projection)
    throw new UsageError(
      `unknown projection ${name ?? ''}; known: ${Object.values(c.projections)
        .map((p) => p.name)
        .join(', ')}`,
    );
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
    onProgress: (checkpoint) =>
      bar.update(checkpoint, { rate: Math.round(checkpoint / Math.max(0.001, (Date.now() - started) / 1000)) }),
  });
  try {
    await runner.start();
  } finally {
    bar.update(head);
    bar.stop();
    await runner.stop();
  }
  process.stdout.write(
    `${projection.name}: generation ${generation} is active (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
  );
}

/** Signs on demand, beside the server: both sign under the checkpoint file's write lock, one after the other. */
async function auditCheckpoint(c: Composition): Promise<void> {
  const log = openAuditLog(c.config.DATA_DIR, c.eventStore, {
    algorithm: c.config.AUDIT_HASH,
    signer: loadAuditSigner(c.config),
    checkpointIntervalMs: 0,
  });
  try {
    process.stdout.write(log.checkpointer.checkpointNow().note);
  } finally {
    log.close();
  }
}

class UsageError extends Error {}

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  if (at < 0) return undefined;
  const value = args[at + 1];
  if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
  return value;
}

function wholeNumber(args: string[], name: string): number | undefined {
  const value = option(args, name);
  if (value === undefined) return undefined;
  if (!/^\d{1,15}$/.test(value)) throw new UsageError(`--${name} is a whole number, 0 or more`);
  return Number(value);
}

/** `feed …`: the reference consumer needs no platform of its own (it may run on the province's machine). */
async function feedCommand(config: Config, args: string[]): Promise<void> {
  const [command, argument, third] = args;
  const credentials = () =>
    new FeedCredentials(config.FEED_CREDENTIALS_FILE ?? `${config.DATA_DIR}/feed-credentials.json`);
  if (command === 'follow' && argument && !argument.startsWith('--')) {
    const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
    const controller = new AbortController();
    process.once('SIGINT', () => controller.abort());
    const out = option(args, 'out');
    const count = await followFeed(config, {
      topic: argument,
      from: wholeNumber(args, 'from'),
      partition: wholeNumber(args, 'partition'),
      ...(out ? { out } : {}),
      untilEnd: args.includes('--until-end'),
      url: config.FEED_URL ?? `http://${host}:${config.PORT}`,
      ...(config.FEED_CREDENTIAL ? { credential: config.FEED_CREDENTIAL } : {}),
      group: option(args, 'group'),
      signal: controller.signal,
    });
    process.stderr.write(`${count} messages${out ? ` appended to ${out}` : ''}\n`);
    return;
  }
  if (command === 'credential' && argument === 'revoke' && third) {
    if (!credentials().revoke(third)) throw new UsageError(`no credential ${third} in force`);
    process.stdout.write(`revoked ${third}\n`);
    return;
  }
  if (command === 'credential' && argument) {
    const { id, credential } = credentials().issue(argument);
    process.stderr.write(`credential ${id} for ${argument}; shown once, give it to them as FEED_CREDENTIAL:\n`);
    process.stdout.write(`${credential}\n`);
    return;
  }
  if (command === 'credentials') {
    for (const c of credentials().list())
      process.stdout.write(
        `${c.id}  ${c.name}  issued ${c.createdAt}${c.revokedAt ? `  revoked ${c.revokedAt}` : ''}\n`,
      );
    return;
  }
  if (command === 'status') {
    const c = await compose(config);
    try {
      const checkpoint = c.feed.outbound.storedCheckpoint();
      const head = (await c.eventStore.headPosition()) ?? 0;
      const inboundLag = await c.feed.inbound.lag().catch((e: unknown) => `unknown (${(e as Error).message})`);
      process.stdout.write(
        `outbound  ${c.feed.topics.outbound} on ${c.feed.port.kind}: last acknowledged position ${checkpoint ?? '-'}, lag ${head - (checkpoint ?? 0)}\n` +
          `inbound   ${c.feed.topics.inbound} group ${config.FEED_INBOUND_GROUP}: ${inboundLag} messages waiting\n`,
      );
    } finally {
      await c.close();
    }
    return;
  }
  throw new UsageError(USAGE);
}

async function main(): Promise<void> {
  const [area, command, argument, ...rest] = process.argv.slice(2);
  if (area === 'feed') return feedCommand(loadConfig(), process.argv.slice(3));
  const known =
    (area === 'projections' && (command === 'status' || command === 'rebuild')) ||
    area === 'demo' ||
    (area === 'audit' && command === 'checkpoint') ||
    (area === 'migrate' && command) ||
    ((area === 'search' || area === 'token') && command);
  if (!known) throw new UsageError(USAGE);
  const c = await compose(loadConfig());
  try {
    if (area === 'demo') await demo(c, command);
    else if (area === 'migrate')
      await migrateCommand(process.argv.slice(3), {
        platform: c.platform,
        eventStore: c.eventStore,
        out: process.stdout,
        progress: process.stderr,
        plans: join(c.config.EVENT_STORE_DIR, 'migration-plans'),
      });
    else if (area === 'search') await search(c, [command!, argument ?? '', ...rest].filter(Boolean));
    else if (area === 'token') await token(c, command!, argument);
    else if (area === 'audit') await auditCheckpoint(c);
    else if (command === 'status') await status(c);
    else await rebuild(c, argument);
  } finally {
    await c.close();
  }
}

main().catch((error: unknown) => {
  const usage = error instanceof UsageError || error instanceof MigrateUsageError;
  const known = usage || error instanceof ConfigError || error instanceof MigrationConfigError;
  const refused = error instanceof DomainError ? `${error.code}: ${error.message}` : undefined;
  process.stderr.write(`${refused ?? (known ? (error as Error).message : (error as Error).stack)}\n`);
  process.exit(usage ? 2 : 1);
});
