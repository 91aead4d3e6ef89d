/**
 * The production adapters' engines on this machine: a Kafka broker (KRaft, one node that is its own controller) and
 * one OpenSearch node, both from Maven Central (infra/engines/pom.xml), both on loopback on free ports, both with
 * their data in a fresh temporary directory that stopping deletes.
 *
 * Why from Maven rather than distribution archives: the machines reach Maven Central and the npm registry but no
 * download site, and both engines publish their server as Maven artifacts. Kafka's broker is started by its own main
 * class; OpenSearch publishes no launcher, so LocalOpenSearch (compiled by the same build) starts a node with the two
 * modules the adapter needs.
 *
 * What is running is written to `infra/engines/.run/engines.json` (process ids, ports, directories), so that
 * `stop` in another process, a CI trap or a test run's teardown finds exactly the processes that were started, and
 * checks each one's command line before signalling it (a process id can be reused).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';

const HERE = dirname(fileURLToPath(import.meta.url));
const CACHE = join(HERE, '.cache');
const RUN = join(HERE, '.run');
const STATE_FILE = join(RUN, 'engines.json');
const INSTALLED_FILE = join(CACHE, 'installed.json');

const KAFKA_MAIN = 'kafka.Kafka';
const OPENSEARCH_MAIN = 'library.engines.LocalOpenSearch';
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 30_000;

export type EngineName = 'kafka' | 'opensearch';

interface RunningEngine {
  pid: number;
  /** The address clients use: host:port for Kafka, a URL for OpenSearch. */
  address: string;
  /** Its temporary directory: data, configuration and `engine.log`. */
  dir: string;
}

export type EnginesState = Partial<Record<EngineName, RunningEngine>>;

export interface EngineEnvironment {
  KAFKA_BROKERS?: string;
  OPENSEARCH_URL?: string;
}

const log = (message: string) => process.stderr.write(`engines: ${message}\n`);

function java(): string {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

/** What the cache was built from: a change to a POM or the launcher makes the next start rebuild it. */
function buildInputsHash(): string {
  const hash = createHash('sha256');
  const files = [
    'pom.xml',
    'kafka/pom.xml',
    'opensearch/pom.xml',
    ...readdirSync(join(HERE, 'opensearch/src/main/java/library/engines')).map(
      (name) => `opensearch/src/main/java/library/engines/${name}`,
    ),
  ];
  for (const file of files) hash.update(file).update(readFileSync(join(HERE, file)));
  return hash.digest('hex');
}

export function isInstalled(): boolean {
  if (!existsSync(INSTALLED_FILE)) return false;
  const installed = JSON.parse(readFileSync(INSTALLED_FILE, 'utf8')) as { inputs?: string };
  return installed.inputs === buildInputsHash();
}

/**
 * Fetches both engines with Maven into the cache (a fresh cache each time: copy-dependencies never deletes, and
 * two versions of one library on a classpath is a bug waiting to happen) and compiles the OpenSearch launcher.
 */
export function install({ force = false } = {}): void {
  if (!force && isInstalled()) return;
  const started = Date.now();
  rmSync(CACHE, { recursive: true, force: true });
  log('fetching Kafka and OpenSearch from Maven Central (mvn package in infra/engines)');
  execFileSync('mvn', ['-B', '-q', '-Dstyle.color=never', '-f', join(HERE, 'pom.xml'), 'package'], {
    stdio: 'inherit',
  });
  writeFileSync(INSTALLED_FILE, `${JSON.stringify({ inputs: buildInputsHash() })}\n`);
  log(`installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

export function readState(): EnginesState {
  if (!existsSync(STATE_FILE)) return {};
  return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as EnginesState;
}

function writeState(state: EnginesState): void {
  mkdirSync(RUN, { recursive: true });
  if (Object.keys(state).length === 0) rmSync(STATE_FILE, { force: true });
  else writeFileSync(STATE_FILE, `${JSON.stringify(state, null, 2)}\n`);
}

const MAIN_CLASS: Record<EngineName, string> = { kafka: KAFKA_MAIN, opensearch: OPENSEARCH_MAIN };

/** Whether the process is alive and is the engine we started (its command line names the engine's main class). */
function isOurs(name: EngineName, pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(MAIN_CLASS[name]);
  } catch {
    // No /proc (not Linux): the signal check above is all there is.
    return true;
  }
}

/** The engines recorded as started whose processes are still running. */
export function runningEngines(): EnginesState {
  const state = readState();
  const running: EnginesState = {};
  for (const name of ['kafka', 'opensearch'] as const) {
    const engine = state[name];
    if (engine !== undefined && isOurs(name, engine.pid)) running[name] = engine;
  }
  return running;
}

export function environmentOf(state: EnginesState): EngineEnvironment {
  return {
    ...(state.kafka ? { KAFKA_BROKERS: state.kafka.address } : {}),
    ...(state.opensearch ? { OPENSEARCH_URL: state.opensearch.address } : {}),
  };
}

/** Free loopback ports, all held open until every one is chosen, so that no two are the same. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return address.port;
  });
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

function spawnEngine(dir: string, args: string[]): ChildProcess {
  const out = openSync(join(dir, 'engine.log'), 'a');
  // Detached, in its own process group: the engine outlives `npm run engines -- start` and ignores its Ctrl-C.
  const child = spawn(java(), args, { detached: true, stdio: ['ignore', out, out] });
  child.unref();
  return child;
}

function logTail(dir: string): string {
  try {
    return readFileSync(join(dir, 'engine.log'), 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '(no log)';
  }
}

async function waitFor(
  name: EngineName,
  child: ChildProcess,
  dir: string,
  ready: () => Promise<boolean>,
): Promise<void> {
  let exit: string | undefined;
  child.once('exit', (code, signal) => {
    exit = `exited with ${signal ?? code}`;
  });
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exit !== undefined) throw new Error(`${name} ${exit} before it was ready:\n${logTail(dir)}`);
    if (await ready().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${name} was not ready after ${START_TIMEOUT_MS / 1000} s:\n${logTail(dir)}`);
}

/** A Kafka cluster id: 16 random bytes in URL-safe base64 without padding, as `kafka-storage random-uuid` prints. */
function kafkaClusterId(): string {
  return randomBytes(16).toString('base64url');
}

async function startKafka(): Promise<RunningEngine> {
  const [port, controllerPort] = await freePorts(2);
  const dir = mkdtempSync(join(tmpdir(), 'library-kafka-'));
  const properties = join(dir, 'server.properties');
  writeFileSync(
    properties,
    [
      // One process that is both the KRaft controller (its own quorum of one) and the broker.
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      `log.dirs=${join(dir, 'data')}`,
      'num.partitions=1',
      // Internal topics default to three replicas, which one broker cannot hold.
      'offsets.topic.replication.factor=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'share.coordinator.state.topic.replication.factor=1',
      'share.coordinator.state.topic.min.isr=1',
      // Tests join a consumer group and expect messages at once, not after the default 3 s.
      'group.initial.rebalance.delay.ms=0',
      '',
    ].join('\n'),
  );
  const classpath = join(CACHE, 'kafka', 'lib', '*');
  const jvm = ['-Xms256m', '-Xmx512m', `-Dlog4j2.configurationFile=${join(HERE, 'kafka', 'log4j2.properties')}`];
  // KRaft refuses to start on an unformatted log directory: format it with a new cluster id.
  execFileSync(
    java(),
    [...jvm, '-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', kafkaClusterId(), '-c', properties],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const child = spawnEngine(dir, [...jvm, '-XX:+UseG1GC', '-cp', classpath, KAFKA_MAIN, properties]);
  const address = `127.0.0.1:${port}`;
  const engine = { pid: child.pid!, address, dir };
  recordStarted('kafka', engine);
  await waitFor('kafka', child, dir, () => kafkaReady(address));
  return engine;
}

/**
 * Ready when a client gets the cluster's metadata with a controller in it, over Kafka's own protocol, and a group
 * coordinator answers: the broker creates its offsets topic on the first such question, and a consumer that came
 * before it would be refused (and retry) for the seconds that takes.
 */
async function kafkaReady(address: string): Promise<boolean> {
  const admin = new Kafka({
    clientId: 'engines-probe',
    brokers: [address],
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    connectionTimeout: 1000,
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0 || cluster.controller === null) return false;
    await admin.describeGroups(['engines-probe']);
    return true;
  } finally {
    await admin.disconnect();
  }
}

async function startOpenSearch(): Promise<RunningEngine> {
  const [port, transportPort] = await freePorts(2);
  const dir = mkdtempSync(join(tmpdir(), 'library-opensearch-'));
  const lib = join(CACHE, 'opensearch');
  const child = spawnEngine(dir, [
    // A bounded heap, and the system properties OpenSearch's own jvm.options sets for its distribution.
    '-Xms512m',
    '-Xmx1g',
    '-XX:+UseG1GC',
    '-XX:-OmitStackTraceInFastThrow',
    '-Dfile.encoding=UTF-8',
    '-Djava.locale.providers=SPI,COMPAT',
    '-Djna.nosys=true',
    '-Dio.netty.noUnsafe=true',
    '-Dio.netty.noKeySetOptimization=true',
    '-Dio.netty.recycler.maxCapacityPerThread=0',
    '-Dio.netty.allocator.numDirectArenas=0',
    '-Dlog4j.shutdownHookEnabled=false',
    '-Dlog4j2.disable.jmx=true',
    `-Djava.io.tmpdir=${dir}`,
    '-cp',
    `${join(lib, 'launcher.jar')}:${join(lib, 'lib', '*')}`,
    OPENSEARCH_MAIN,
    `path.home=${join(dir, 'home')}`,
    `path.data=${join(dir, 'data')}`,
    `path.logs=${join(dir, 'logs')}`,
    `http.port=${port}`,
    `transport.port=${transportPort}`,
  ]);
  const address = `http://127.0.0.1:${port}`;
  const engine = { pid: child.pid!, address, dir };
  recordStarted('opensearch', engine);
  await waitFor('opensearch', child, dir, async () => {
    const response = await fetch(`${address}/_cluster/health?wait_for_status=green&timeout=1s`);
    return response.ok && ((await response.json()) as { status?: string }).status === 'green';
  });
  return engine;
}

/** Recorded before it is ready, so that a start that fails or is interrupted is still stopped by `stop`. */
function recordStarted(name: EngineName, engine: RunningEngine): void {
  writeState({ ...readState(), [name]: engine });
}

export interface StartResult {
  environment: EngineEnvironment;
  /** The engines this call started (the others were already running). */
  started: EngineName[];
  seconds: Partial<Record<EngineName, number>>;
}

/** Starts whichever of the engines is not running yet (installing them first if needed); both start at once. */
export async function startEngines(names: readonly EngineName[] = ['kafka', 'opensearch']): Promise<StartResult> {
  install();
  const running = runningEngines();
  // An engine recorded but gone (killed, machine restarted): its directory is all that is left of it.
  for (const [name, engine] of Object.entries(readState())) {
    if (running[name as EngineName] === undefined) rmSync(engine.dir, { recursive: true, force: true });
  }
  writeState(running);
  const toStart = names.filter((name) => running[name] === undefined);
  const seconds: StartResult['seconds'] = {};
  const starters: Record<EngineName, () => Promise<RunningEngine>> = { kafka: startKafka, opensearch: startOpenSearch };
  try {
    await Promise.all(
      toStart.map(async (name) => {
        const began = Date.now();
        const engine = await starters[name]();
        seconds[name] = (Date.now() - began) / 1000;
        log(`${name} ready at ${engine.address} in ${seconds[name]!.toFixed(1)} s (pid ${engine.pid}, ${engine.dir})`);
      }),
    );
  } catch (error) {
    await stopEngines(toStart);
    throw error;
  }
  return { environment: environmentOf(runningEngines()), started: toStart, seconds };
}

async function exited(pid: number, within: number): Promise<boolean> {
  const deadline = Date.now() + within;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

/** Stops the named engines (all by default) and deletes their directories; nothing of them keeps running. */
export async function stopEngines(names: readonly EngineName[] = ['kafka', 'opensearch']): Promise<void> {
  const state = readState();
  await Promise.all(
    names.map(async (name) => {
      const engine = state[name];
      if (engine === undefined) return;
      if (isOurs(name, engine.pid)) {
        // SIGTERM: Kafka shuts down in order, LocalOpenSearch closes its node from a shutdown hook.
        process.kill(engine.pid, 'SIGTERM');
        if (!(await exited(engine.pid, STOP_TIMEOUT_MS))) {
          log(`${name} (pid ${engine.pid}) did not stop within ${STOP_TIMEOUT_MS / 1000} s: killed`);
          process.kill(engine.pid, 'SIGKILL');
          await exited(engine.pid, 5_000);
        }
        log(`${name} stopped (pid ${engine.pid})`);
      }
      rmSync(engine.dir, { recursive: true, force: true });
      delete state[name];
    }),
  );
  writeState(state);
}
