/**
 * `npm run engines -- install|start|stop|status`: the local Kafka broker and OpenSearch node (local-engines.ts).
 *
 * `status` prints the environment to use on standard output, one `NAME=value` a line, so that
 * `env $(npm run -s engines -- status) npm test` runs the tests against them; everything else goes to stderr.
 * It exits 1 when an engine is not running.
 */
import { environmentOf, install, runningEngines, startEngines, stopEngines } from './local-engines.js';

const USAGE = 'usage: npm run engines -- install | start | stop | status';

function printEnvironment(): boolean {
  const running = runningEngines();
  for (const [name, value] of Object.entries(environmentOf(running))) process.stdout.write(`${name}=${value}\n`);
  for (const name of ['kafka', 'opensearch'] as const) {
    const engine = running[name];
    process.stderr.write(
      engine === undefined
        ? `engines: ${name} not running\n`
        : `engines: ${name} running (pid ${engine.pid}, ${engine.dir})\n`,
    );
  }
  return running.kafka !== undefined && running.opensearch !== undefined;
}

const command = process.argv[2];
switch (command) {
  case 'install':
    install({ force: process.argv.includes('--force') });
    break;
  case 'start':
    await startEngines();
    printEnvironment();
    break;
  case 'stop':
    await stopEngines();
    break;
  case 'status':
    if (!printEnvironment()) process.exitCode = 1;
    break;
  default:
    process.stderr.write(`${USAGE}\n`);
    process.exitCode = 2;
}
