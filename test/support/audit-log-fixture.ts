/**
 * An embedded platform's audit log for tests: a real SQLite event store in a temporary directory, the tree projection
 * running beside it, a checkpointer, and the tlog-tiles routes on a bare fastify listening on a loopback port; the
 * outside verifier run against it in-process (its exit code and what it printed).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { TreeHashAlgorithm } from '../../domain/audit/tree-hash.js';
import type { JsonObject } from '../../domain/event-store/event.js';
import { tlogRoutes } from '../../graphql/audit/tlog-routes.js';
import { loadAuditSigner } from '../../infra/audit/audit-signing-key.js';
import { runVerifier } from '../../infra/audit-verifier/main.js';
import { openSqliteEventStore, type SqliteEventStore } from '../../infra/event-store/sqlite-event-store.js';
import { type AuditLog, openAuditLog } from '../../projections/audit-log/audit-log.js';
import { ProjectionRunner } from '../../projections/runner/projection-runner.js';
import { newEvent } from './events.js';
import { tempDir } from './temp-dir.js';

export interface VerifierRun {
  code: number;
  out: string;
  err: string;
}

export class AuditLogFixture {
  store!: SqliteEventStore;
  log!: AuditLog;
  runner!: ProjectionRunner;
  app!: FastifyInstance;
  url!: string;
  readonly stateDir: ReturnType<typeof tempDir>;

  private constructor(
    readonly dir: ReturnType<typeof tempDir>,
    readonly algorithm: TreeHashAlgorithm,
  ) {
    this.stateDir = tempDir('verifier-state');
  }

  static async start(algorithm: TreeHashAlgorithm = 'sha256', dir = tempDir('audit-log')): Promise<AuditLogFixture> {
    const fixture = new AuditLogFixture(dir, algorithm);
    await fixture.open();
    return fixture;
  }

  get dataDir(): string {
    return this.dir.path;
  }

  /** Opens (or reopens, after the files were changed underneath) the store, the log, the runner and the server. */
  async open(): Promise<void> {
    // Durability is not what these tests are about; NORMAL spares them an fsync per append.
    this.store = openSqliteEventStore(this.dataDir, { synchronous: 'NORMAL' });
    this.log = openAuditLog(this.dataDir, this.store, {
      algorithm: this.algorithm,
      signer: loadAuditSigner({ DATA_DIR: this.dataDir }),
      checkpointIntervalMs: 0,
    });
    this.runner = new ProjectionRunner(this.store, this.log.projection());
    await this.runner.start();
    this.app = Fastify({ logger: false });
    await this.app.register(tlogRoutes, { log: this.log.reader });
    await this.app.listen({ host: '127.0.0.1', port: 0 });
    this.url = `http://127.0.0.1:${(this.app.server.address() as { port: number }).port}`;
  }

  async shut(): Promise<void> {
    await this.app.close();
    await this.runner.stop();
    this.log.close();
    await this.store.close();
  }

  /** Appends `count` events over a few streams; returns their positions. */
  async append(count: number, data: (i: number) => JsonObject = (i) => ({ n: i, text: `第${i}号通知` })) {
    const positions: number[] = [];
    for (let i = 0; i < count; i++) {
      const stream = `resource-r${i % 7}`;
      const result = await this.store.append(stream, [newEvent('ResourceEdited', data(i))], {
        expectedRevision: 'any',
      });
      positions.push(result.position);
    }
    await this.settle();
    return positions;
  }

  /** Waits until the tree holds every event of the log. */
  async settle(): Promise<void> {
    const head = await this.store.headPosition();
    if (head !== null) await this.runner.waitFor(head);
  }

  sign() {
    return this.log.checkpointer.checkpointNow();
  }

  async verify(...args: string[]): Promise<VerifierRun> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runVerifier([this.url, '--state', this.stateDir.path, ...args], {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      env: { DATA_DIR: this.dataDir },
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  async dispose(): Promise<void> {
    await this.shut();
    this.dir.remove();
    this.stateDir.remove();
  }
}
