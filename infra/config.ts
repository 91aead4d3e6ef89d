/**
 * All configuration comes from environment variables, checked once at start-up: a wrong value stops the process
 * with a message naming the variable, instead of surfacing later as an odd failure. The README's table lists them.
 */
import { resolve } from 'node:path';
import { z } from 'zod';

const configSchema = z
  .object({
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65_535).default(4000),
    DATA_DIR: z.string().min(1).default('./data'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    EVENT_STORE: z.enum(['sqlite', 'kurrentdb']).default('sqlite'),
    SQLITE_SYNCHRONOUS: z.enum(['FULL', 'NORMAL']).default('FULL'),
    KURRENTDB_URL: z
      .string()
      .startsWith('kurrentdb', 'must be a kurrentdb:// or kurrentdb+discover:// connection string')
      .optional(),
  })
  .refine((c) => c.EVENT_STORE !== 'kurrentdb' || c.KURRENTDB_URL !== undefined, {
    path: ['KURRENTDB_URL'],
    message: 'is required when EVENT_STORE=kurrentdb',
  });

export type Config = z.infer<typeof configSchema> & { DATA_DIR: string };

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
  return { ...parsed.data, DATA_DIR: resolve(parsed.data.DATA_DIR) };
}
