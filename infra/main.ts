/**
 * `npm start`: reads the configuration, composes the platform, starts the projections and the server.
 */
import { composeApiServer } from './api-server.js';
import { ConfigError, loadConfig } from './config.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const { c, app, readModels } = await composeApiServer(config);
  // Projections catch up in the background: the server answers at once and /readyz says when the read models are current.
  // Signed checkpoints at the configured interval, of whatever the tree holds by then (R-SEC-1).
  c.auditLog.checkpointer.start();
  for (const runner of readModels.all()) {
    runner.start().then(
      () => app.log.info({ projection: runner.status() }, 'projection live'),
      (error: unknown) => app.log.error({ err: error, projection: runner.status() }, 'projection stopped'),
    );
  }

  const shutdown = async (signal: string) => {
    app.log.info(`${signal} received, closing`);
    await app.close();
    await readModels.stop();
    await c.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ host: config.HOST, port: config.PORT });
  const address = app.server.address() as { port: number };
  const base = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${address.port}`;
  const store = config.EVENT_STORE === 'sqlite' ? `SQLite in ${config.EVENT_STORE_DIR}` : 'KurrentDB';
  const search = config.SEARCH_INDEX === 'sqlite' ? `SQLite FTS5 in ${config.DATA_DIR}` : 'OpenSearch';
  process.stdout.write(
    [
      '',
      `Resource library running (event store: ${store}; search: ${search})`,
      `  GraphQL:   ${base}/graphql`,
      `  GraphiQL:  ${base}/graphiql`,
      `  health:    ${base}/healthz`,
      `  readiness: ${base}/readyz`,
      `  metrics:   ${base}/metrics${config.METRICS_TOKEN ? ' (Authorization: Bearer $METRICS_TOKEN)' : ' (off: set METRICS_TOKEN)'}`,
      '',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
});
