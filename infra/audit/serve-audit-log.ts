/**
 * Serves the audit log of an embedded data directory, read-only, on a loopback port: `npm run verify -- <directory>`
 * starts it as a child process and reads it over HTTP exactly as it reads a remote server, so the verifier has one
 * way in and imports none of this code. Prints its base URL on the first line of stdout; stops when stdin closes.
 */
import Fastify from 'fastify';
import { tlogRoutes } from '../../graphql/audit/tlog-routes.js';
import { AuditLogReader } from '../../projections/audit-log/audit-log-reader.js';
import { openAuditTree } from '../../projections/audit-log/audit-tree.js';
import { openCheckpointLog, readAuditLogIdentity } from '../../projections/audit-log/checkpoint-log.js';
import { openSqliteEventStore } from '../event-store/sqlite-event-store.js';

const dataDir = process.argv[2];
if (!dataDir) {
  process.stderr.write('usage: serve-audit-log <data directory>\n');
  process.exit(2);
}
const identity = readAuditLogIdentity(dataDir);
if (!identity) {
  process.stderr.write(`${dataDir} holds no audit log (no audit-checkpoints.sqlite with a signed checkpoint)\n`);
  process.exit(2);
}
const store = openSqliteEventStore(dataDir);
const tree = openAuditTree(dataDir, identity.algorithm);
const checkpoints = openCheckpointLog(dataDir, identity.origin, identity.algorithm);
const app = Fastify({ logger: false });
await app.register(tlogRoutes, { log: new AuditLogReader(store, tree, checkpoints) });
await app.listen({ host: '127.0.0.1', port: 0 });
const { port } = app.server.address() as { port: number };
process.stdout.write(`http://127.0.0.1:${port}/audit\n`);

const stop = async () => {
  await app.close();
  await store.close();
  tree.close();
  checkpoints.close();
  process.exit(0);
};
process.stdin.on('end', () => void stop());
process.stdin.on('close', () => void stop());
process.stdin.resume();
process.once('SIGTERM', () => void stop());
