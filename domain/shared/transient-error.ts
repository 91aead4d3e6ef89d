/**
 * Whether an error says "try again": the same operation may well succeed in a moment, because the store was busy or
 * out of reach, not because of what was asked. Such an error is retried with bounded backoff, by the command handler
 * and by the projection runner alike, and never taken for an event a projection cannot handle.
 *
 * Recognised by shape, so that this needs no adapter's library: SQLite's busy and locked codes (another process holds
 * the write lock longer than the busy timeout), the network errors Node reports for a dropped or refused connection,
 * KurrentDB's unavailable, deadline, timeout and not-leader errors, OpenSearch's connection, timeout and no-living-node
 * errors and its 429/502/503/504 answers, and anything an adapter marks with `TransientError`.
 */

/** Thrown (or wrapped) by an adapter that knows its failure is temporary. */
export class TransientError extends Error {
  readonly transient = true;
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'TransientError';
  }
}

const SQLITE_CODES = /^SQLITE_(BUSY|LOCKED)(_|$)/;
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);
/** Error classes of @kurrent/kurrentdb-client and @opensearch-project/opensearch that mean "not now". */
const TRANSIENT_NAMES = new Set([
  'UnavailableError',
  'DeadlineExceededError',
  'NotLeaderError',
  'ConnectionError',
  'NoLivingConnectionsError',
  'TimeoutError',
]);
const TRANSIENT_STATUS = new Set([429, 502, 503, 504]);

export function isTransientError(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 3) return false;
  const e = error as {
    transient?: unknown;
    code?: unknown;
    name?: unknown;
    statusCode?: unknown;
    meta?: { statusCode?: unknown };
    cause?: unknown;
  };
  if (e.transient === true) return true;
  if (typeof e.code === 'string' && (SQLITE_CODES.test(e.code) || NETWORK_CODES.has(e.code))) return true;
  if (typeof e.name === 'string' && TRANSIENT_NAMES.has(e.name)) return true;
  const status = typeof e.statusCode === 'number' ? e.statusCode : e.meta?.statusCode;
  if (typeof status === 'number' && TRANSIENT_STATUS.has(status)) return true;
  return isTransientError(e.cause, depth + 1);
}

/** Delay before attempt `attempt` (1-based) of a retry: doubling from `firstMs`, capped, with jitter. */
export function backoffMs(attempt: number, firstMs = 50, capMs = 5_000): number {
  const exponential = Math.min(capMs, firstMs * 2 ** (attempt - 1));
  return Math.round(exponential / 2 + Math.random() * (exponential / 2));
}
