/**
 * What the subscription socket answers when something goes wrong: the same errors, with the same codes and
 * messages, as an HTTP response carries (errors.ts).
 *
 * mercurius sends every error of a socket (a subscription refused when it starts or ended by a revocation, a syntax
 * error, a query sent over the socket, a document over the limits) through one method of its connection class,
 * `sendError`, as the error was thrown, without the server's error formatter. That one method is replaced here, so
 * socket errors go through `formatErrors` like HTTP errors do. The class is mercurius's own (its version is pinned by
 * the lock file); the socket cases of test/security/error-codes.test.ts fail if it changes.
 */
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import { GraphQLError } from 'graphql';
import { DomainError } from '../../domain/shared/domain-error.js';
import { Forbidden, Unauthenticated } from '../auth/viewer.js';
import { formatErrors, RequestRefused } from '../errors.js';
import type { Metrics } from '../operations/metrics.js';

interface SubscriptionConnection {
  fastify: FastifyInstance;
  protocolMessageTypes: { GQL_ERROR: string };
  sendMessage(type: string, id: string | null | undefined, payload: unknown): Promise<void>;
}

const require = createRequire(import.meta.url);
const connectionClass = require('mercurius/lib/subscription-connection.js') as {
  prototype: SubscriptionConnection & { sendError(error: unknown, id?: string | null): void };
};

const metricsOf = new WeakMap<FastifyInstance, Metrics>();

/** Errors whose message is meant for the client; anything else at the socket is a message it could not process. */
function isExplained(error: unknown): boolean {
  return (
    error instanceof GraphQLError ||
    error instanceof DomainError ||
    error instanceof RequestRefused ||
    error instanceof Forbidden ||
    error instanceof Unauthenticated ||
    Array.isArray((error as { errors?: unknown } | null)?.errors) ||
    typeof (error as { code?: unknown } | null)?.code === 'string'
  );
}

function sendError(this: SubscriptionConnection, error: unknown, id?: string | null): void {
  let thrown = error;
  if (!isExplained(error)) {
    this.fastify.log.warn({ err: error }, 'a subscription message could not be processed');
    thrown = new RequestRefused(
      'INVALID_REQUEST',
      'the subscription message could not be processed: send one subscription operation, with operationName when the document holds several',
    );
  }
  const formatted = formatErrors([thrown]);
  for (const unexpected of formatted.unexpected)
    this.fastify.log.error({ err: unexpected.originalError ?? unexpected }, 'unexpected error in a subscription');
  const metrics = metricsOf.get(this.fastify);
  for (const code of formatted.codes) metrics?.errors.inc({ code });
  void this.sendMessage(this.protocolMessageTypes.GQL_ERROR, id, formatted.errors);
}

/** Socket errors of `app` are formatted like its HTTP errors and counted in its metrics. */
export function formatSocketErrors(app: FastifyInstance, metrics: Metrics): void {
  metricsOf.set(app, metrics);
  connectionClass.prototype.sendError = sendError;
}
