/**
 * Composition root: reads the configuration, opens the adapters it names and starts the server.
 * `npm start` runs it on the embedded defaults.
 */
import { buildServer } from '../graphql/server.js';
import { ConfigError, loadConfig } from './config.js';
import { openEventStore } from './event-store/open-event-store.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const eventStore = openEventStore(config);
  const app = await buildServer({ eventStore, logLevel: config.LOG_LEVEL });

  const shutdown = async (signal: string) => {
    app.log.info(`${signal} received, closing`);
    await app.close();
    await eventStore.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ host: config.HOST, port: config.PORT });
  const base = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${(app.server.address() as { port: number }).port}`;
  const where = config.EVENT_STORE === 'sqlite' ? `SQLite in ${config.DATA_DIR}` : 'KurrentDB';
  process.stdout.write(
    `\nResource library running (event store: ${where})\n  health:    ${base}/healthz\n  readiness: ${base}/readyz\n\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
});
