/**
 * Vitest global setup: with `ENGINES=local`, the test run starts the local Kafka broker and OpenSearch node
 * (infra/engines/local-engines.ts) before any test file loads, hands their addresses to the test workers as
 * `KAFKA_BROKERS` and `OPENSEARCH_URL` (the variables that switch the production adapters' suites on), and stops
 * them when the run ends. Engines already running (`npm run engines -- start`) are used and left running; a
 * variable already set points at a server of someone else's and is left alone.
 */
import { type EngineName, startEngines, stopEngines } from '../../infra/engines/local-engines.js';

const VARIABLE: Record<EngineName, 'KAFKA_BROKERS' | 'OPENSEARCH_URL'> = {
  kafka: 'KAFKA_BROKERS',
  opensearch: 'OPENSEARCH_URL',
};

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  if (process.env.ENGINES !== 'local') return undefined;
  const wanted = (['kafka', 'opensearch'] as const).filter((name) => !process.env[VARIABLE[name]]);
  const { environment, started } = await startEngines(wanted);
  // Workers are started after the global setup, with this process's environment.
  Object.assign(process.env, environment);
  return async () => {
    await stopEngines(started);
  };
}
