/**
 * All configuration comes from environment variables, checked once at start-up: a wrong value stops the process
 * with a message naming the variable, instead of surfacing later as an odd failure. The README's table lists them.
 */
import { resolve } from 'node:path';
import { z } from 'zod';

/** Kafka's own rule for topic names, which the embedded feed keeps too. */
const topic = z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'a topic name: 1 to 249 of A-Z a-z 0-9 . _ -');
const flag = z
  .enum(['true', 'false'])
  .default('false')
  .transform((v) => v === 'true');

const configSchema = z
  .object({
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65_535).default(4000),
    DATA_DIR: z.string().min(1).default('./data'),
    /** Where the embedded event log lives, when not in DATA_DIR: processes that share the log and keep their own read models. */
    EVENT_STORE_DIR: z.string().min(1).optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    EVENT_STORE: z.enum(['sqlite', 'kurrentdb']).default('sqlite'),
    SQLITE_SYNCHRONOUS: z.enum(['FULL', 'NORMAL']).default('FULL'),
    KURRENTDB_URL: z
      .string()
      .startsWith('kurrentdb', 'must be a kurrentdb:// or kurrentdb+discover:// connection string')
      .optional(),
    AUTH_JWKS_URL: z.url().optional(),
    AUTH_ISSUER: z.string().min(1).default('luan-resource-library'),
    AUTH_AUDIENCE: z.string().min(1).default('resource-library-api'),
    ANONYMOUS_READ: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    AUTH_MAX_TOKEN_LIFETIME_SECONDS: z.coerce
      .number()
      .int()
      .min(60)
      .default(12 * 3600),
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(1200),
    QUERY_COST_PER_MINUTE: z.coerce
      .number()
      .int()
      .min(5_000, 'must be at least the cost limit of one operation, 5000')
      .default(100_000),
    // Empty means unset, so a deployment can switch metrics off by leaving the variable blank.
    METRICS_TOKEN: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z.string().min(16, 'must have at least 16 characters').optional(),
    ),
    METRICS_OPERATION_NAMES: z
      .string()
      .default('')
      .transform((names) =>
        names
          .split(',')
          .map((name) => name.trim())
          .filter((name) => name !== ''),
      )
      .pipe(z.array(z.string().regex(/^[_A-Za-z][_0-9A-Za-z]*$/, 'GraphQL operation names, separated by commas'))),
    HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
    HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
    HTTP_IDLE_TIMEOUT_MS: z.coerce.number().int().min(100).default(72_000),
    READY_MAX_LAG: z.coerce.number().int().min(0).default(1000),
    SUBSCRIPTION_RESUME_WINDOW_HOURS: z.coerce.number().positive().default(72),
    SUBSCRIPTION_BUFFER_BYTES: z.coerce
      .number()
      .int()
      .min(64 * 1024, 'must be at least 65536 (64 KiB)')
      .default(1024 * 1024),
    SUBSCRIPTIONS_PER_IDENTITY: z.coerce.number().int().min(1).default(20),
    SEARCH_INDEX: z.enum(['sqlite', 'opensearch']).default('sqlite'),
    OPENSEARCH_URL: z.url().optional(),
    AUDIT_HASH: z.enum(['sha256', 'sm3']).default('sha256'),
    AUDIT_ORIGIN: z
      .string()
      .regex(/^[^\s+]+$/, 'a key name: no spaces, no plus sign (e.g. www.luan.gov.cn/resource-library/audit)')
      .optional(),
    AUDIT_SIGNING_KEY_FILE: z.string().min(1).optional(),
    AUDIT_CHECKPOINT_INTERVAL_MS: z.coerce.number().int().min(0).default(10_000),
    AUDIT_ENTRIES_LOOPBACK: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    OPENSEARCH_INDEX_PREFIX: z
      .string()
      .regex(/^[a-z0-9_-]*$/, 'lower-case letters, digits, - and _')
      .default(''),
    // The provincial library's feed (R-LIB-3).
    FEED: z.enum(['sqlite', 'kafka']).default('sqlite'),
    FEED_TOPIC: topic.default('luan.library.resources'),
    FEED_COMPACTED_TOPIC: topic.optional(),
    FEED_INBOUND_TOPIC: topic.default('anhui.library.shared-resources'),
    FEED_DEAD_LETTER_TOPIC: topic.default('anhui.library.shared-resources.dead-letter'),
    FEED_INBOUND_GROUP: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,255}$/, 'a consumer group id: letters, digits, . _ : -')
      .default('luan-resource-library'),
    FEED_SOURCE: z
      .string()
      .regex(/^\S{1,500}$/, 'a URI reference (CloudEvents `source`), e.g. https://www.luan.gov.cn/resource-library')
      .default('https://www.luan.gov.cn/resource-library'),
    FEED_CREDENTIALS_FILE: z.string().min(1).optional(),
    // One process publishes the outbound feed at a time (infra/feed/outbound-leadership.ts): processes on one
    // DATA_DIR share a lease; replicas with their own DATA_DIR need FEED_OUTBOUND=off on all but one.
    FEED_OUTBOUND: z.enum(['on', 'off']).default('on'),
    // Read by `npm run cli -- feed follow` only (the province's reference consumer); the server never reads them.
    FEED_URL: z.url({ protocol: /^https?$/, error: 'an http or https URL, e.g. http://127.0.0.1:4000' }).optional(),
    FEED_CREDENTIAL: z.string().min(1).optional(),
    FEED_OUTBOUND_LEASE_MS: z.coerce.number().int().min(1_000).max(300_000).default(10_000),
    KAFKA_BROKERS: z
      .string()
      .regex(/^[^\s,]+:\d+(,[^\s,]+:\d+)*$/, 'a comma-separated list of host:port')
      .optional(),
    KAFKA_CLIENT_ID: z.string().min(1).default('luan-resource-library'),
    KAFKA_SSL: flag,
    KAFKA_SSL_CA_FILE: z.string().min(1).optional(),
    KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
    KAFKA_SASL_USERNAME: z.string().min(1).optional(),
    KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
    KAFKA_CREATE_TOPICS: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().min(-1).max(10_000).default(-1),
    KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(-1).max(100).default(-1),
  })
  .refine((c) => c.EVENT_STORE !== 'kurrentdb' || c.KURRENTDB_URL !== undefined, {
    path: ['KURRENTDB_URL'],
    message: 'is required when EVENT_STORE=kurrentdb',
  })
  .refine((c) => c.SEARCH_INDEX !== 'opensearch' || c.OPENSEARCH_URL !== undefined, {
    path: ['OPENSEARCH_URL'],
    message: 'is required when SEARCH_INDEX=opensearch',
  })
  // Node refuses a header timeout longer than the timeout of the whole request it is part of.
  .refine((c) => c.HTTP_HEADERS_TIMEOUT_MS <= c.HTTP_REQUEST_TIMEOUT_MS, {
    path: ['HTTP_HEADERS_TIMEOUT_MS'],
    message: 'must not exceed HTTP_REQUEST_TIMEOUT_MS',
  })
  .refine((c) => c.FEED !== 'kafka' || c.KAFKA_BROKERS !== undefined, {
    path: ['KAFKA_BROKERS'],
    message: 'is required when FEED=kafka',
  })
  .refine((c) => !c.KAFKA_SASL_MECHANISM || (c.KAFKA_SASL_USERNAME && c.KAFKA_SASL_PASSWORD), {
    path: ['KAFKA_SASL_USERNAME'],
    message: 'KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required with KAFKA_SASL_MECHANISM',
  });

export type Config = z.infer<typeof configSchema> & { DATA_DIR: string; EVENT_STORE_DIR: string };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`));
  }
  const dataDir = resolve(parsed.data.DATA_DIR);
  return {
    ...parsed.data,
    DATA_DIR: dataDir,
    EVENT_STORE_DIR: parsed.data.EVENT_STORE_DIR ? resolve(parsed.data.EVENT_STORE_DIR) : dataDir,
  };
}
