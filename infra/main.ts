/**
 * `npm start`: reads the configuration, composes the platform, starts the projections and the server.
 */
import { composeApiServer } from './api-server.js';
import { ConfigError, loadConfig } from './config.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const { c, app, readModels, feed } = await composeApiServer(config);
  // Projections catch up in the background: the server answers at once and /readyz says when the read models are current.
  // Signed checkpoints at the configured interval, of whatever the tree holds by then (R-SEC-1).
  c.auditLog.checkpointer.start();
  for (const runner of readModels.all()) {
    runner.start().then(
      () => app.log.info({ projection: runner.status() }, 'projection live'),
      (error: unknown) => app.log.error({ err: error, projection: runner.status() }, 'projection stopped'),
    );
  }

  // The provincial feed (R-LIB-3) follows the log like a projection; a broker that does not answer is waited for.
  feed.start().then(
    () =>
      app.log.info(
        { feed: c.feed.outbound.status(), role: feed.leadership.role },
        feed.leadership.role === 'publisher'
          ? 'provincial feed live'
          : 'provincial feed: another process publishes the outbound feed, or FEED_OUTBOUND=off',
      ),
    (error: unknown) => app.log.error({ err: error, feed: feed.runner.status() }, 'provincial feed stopped'),
  );

  const shutdown = async (signal: string) => {
    app.log.info(`${signal} received, closing`);
    await app.close();
    await feed.stop();
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
  const feedLine =
    config.FEED === 'sqlite'
      ? `  feed:      ${base}/feed/topics/${config.FEED_TOPIC}/messages (npm run cli -- feed credential <name>)`
      : `  feed:      Kafka topic ${config.FEED_TOPIC} at ${config.KAFKA_BROKERS}`;
  process.stdout.write(
    [
      '',
      `Resource library running (event store: ${store}; search: ${search})`,
      `  GraphQL:   ${base}/graphql`,
      `  GraphiQL:  ${base}/graphiql`,
      `  health:    ${base}/healthz`,
      `  readiness: ${base}/readyz`,
      `  metrics:   ${base}/metrics${config.METRICS_TOKEN ? ' (Authorization: Bearer $METRICS_TOKEN)' : ' (off: set METRICS_TOKEN)'}`,
      feedLine,
      '',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
});
