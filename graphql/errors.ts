/**
 * Every failure reaches the client as a GraphQL error with a stable `extensions.code`: the domain's own code
 * (SELF_REVIEW_FORBIDDEN, ROLE_REVOKED…) or one of BAD_USER_INPUT, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, CONFLICT,
 * with `category` grouping codes under those, field-level `details`, and the message in Chinese as well. The category
 * is the one the error was raised with (see domain/shared/domain-error.ts); nothing here decides it. Anything
 * unexpected becomes INTERNAL_SERVER_ERROR with no stack trace or internals; the server log has them.
 *
 * HTTP and WebSocket answer alike: `formatErrors` is the one place that turns what went wrong (a resolver's error, a
 * refusal of the request by the HTTP layer, a GraphQL parse or validation error, an error of fastify or mercurius)
 * into what the client reads, and says which HTTP status goes with it.
 */
import { GraphQLError } from 'graphql';
import { InvalidEventStoreInput } from '../domain/event-store/errors.js';
import { DomainError, type FieldProblem } from '../domain/shared/domain-error.js';
import { InvalidSearchQuery } from '../projections/library/search-index.js';
import { Forbidden, Unauthenticated } from './auth/viewer.js';

export type Category =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'PAYLOAD_TOO_LARGE'
  | 'INTERNAL_SERVER_ERROR';

/**
 * A request refused before any resolver ran, because of what it is rather than what it asks: not a JSON object, not
 * UTF-8, a batch, a subscription over POST, a query over the WebSocket, a document too large. `code` is one of
 * INVALID_REQUEST, QUERY_TOO_LARGE.
 */
export class RequestRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 400,
    readonly details: FieldProblem[] = [],
    readonly category: Category = 'BAD_USER_INPUT',
    /** Set when the refusal ends a subscription: where the client resumes from (null: nothing was sent yet). */
    readonly cursor?: string | null,
  ) {
    super(message);
    this.name = 'RequestRefused';
  }
}

/** Several errors of one operation (its validation), thrown as one and reported each on its own. */
export class OperationErrors extends Error {
  constructor(readonly errors: readonly GraphQLError[]) {
    super(errors.map((e) => e.message).join('; '));
    this.name = 'OperationErrors';
  }
}

/** Refusals by the HTTP layer (rate limit, body limit) keep their status; the client still gets a GraphQL body. */
const HTTP_REFUSALS: Record<number, Category> = { 413: 'PAYLOAD_TOO_LARGE', 429: 'RATE_LIMITED' };

export interface ErrorExtensions {
  code: string;
  category: Category;
  messageZh?: string;
  details?: FieldProblem[];
  rule?: string;
  /** Of an error that ends a subscription: the cursor of the last message it sent, to resume from. */
  cursor?: string | null;
}

const CATEGORIES: readonly string[] = [
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  'PAYLOAD_TOO_LARGE',
  'INTERNAL_SERVER_ERROR',
];

/** An error of fastify or mercurius: a code of theirs and, for the client's mistakes, a 4xx status. */
interface FrameworkError {
  code?: unknown;
  statusCode?: unknown;
  message: string;
}

const MESSAGES_IN_CLIENTS_TERMS: Record<string, string> = {
  MER_ERR_GQL_SUBSCRIPTION_INVALID_OPERATION:
    'the WebSocket carries subscriptions only; send queries and mutations as HTTP POST to /graphql',
  MER_ERR_METHOD_NOT_ALLOWED: 'a GET request may only query; send mutations as HTTP POST',
};

/** The client-facing form of an error thrown by a resolver or the HTTP layer (or null when it is not one of ours). */
export function describeError(error: unknown): { message: string; extensions: ErrorExtensions } | null {
  if (error instanceof DomainError) {
    return {
      message: error.message,
      extensions: {
        code: error.code,
        category: error.category,
        messageZh: error.messageZh,
        details: error.details,
        ...(error.rule ? { rule: error.rule } : {}),
      },
    };
  }
  if (error instanceof InvalidSearchQuery || error instanceof InvalidEventStoreInput) {
    const details = error instanceof InvalidSearchQuery ? error.problems : error.issues;
    return { message: error.message, extensions: { code: 'BAD_USER_INPUT', category: error.category, details } };
  }
  if (error instanceof Unauthenticated || error instanceof Forbidden)
    return { message: error.message, extensions: { code: error.code, category: error.category } };
  if (error instanceof RequestRefused) {
    const details = error.details.length > 0 ? { details: error.details } : {};
    const cursor = error.cursor !== undefined ? { cursor: error.cursor } : {};
    return {
      message: error.message,
      extensions: { code: error.code, category: error.category, ...details, ...cursor },
    };
  }
  const framework = error as FrameworkError | undefined;
  const status = typeof framework?.statusCode === 'number' ? framework.statusCode : 0;
  const refusal = HTTP_REFUSALS[status];
  if (refusal) return { message: framework!.message, extensions: { code: refusal, category: refusal } };
  const known = typeof framework?.code === 'string' ? MESSAGES_IN_CLIENTS_TERMS[framework.code] : undefined;
  if (known) return { message: known, extensions: { code: 'INVALID_REQUEST', category: 'BAD_USER_INPUT' } };
  // fastify's own refusals of a request (media type, JSON syntax, empty body…) say what is wrong in HTTP's terms.
  if (status >= 400 && status < 500 && typeof framework?.code === 'string' && framework.code.startsWith('FST_'))
    return { message: framework.message, extensions: { code: 'INVALID_REQUEST', category: 'BAD_USER_INPUT' } };
  return null;
}

/** The HTTP status an error calls for when it stops the request, if it names one. */
function statusOf(error: GraphQLError): number | undefined {
  const original = error.originalError as FrameworkError | undefined;
  if (original instanceof RequestRefused) return original.statusCode;
  const status = typeof original?.statusCode === 'number' ? original.statusCode : undefined;
  return status !== undefined && status >= 400 && status < 500 ? status : undefined;
}

/** Errors a GraphQL layer of ours raised already in the client's form (the limits of query-cost.ts). */
function ownExtensions(error: GraphQLError): ErrorExtensions | null {
  const { code, category } = (error.extensions ?? {}) as Partial<ErrorExtensions>;
  return typeof code === 'string' && typeof category === 'string' && CATEGORIES.includes(category)
    ? (error.extensions as unknown as ErrorExtensions)
    : null;
}

/** Rewrites one GraphQL error for the client; returns whether it was unexpected (to be logged). */
export function formatGraphQLError(error: GraphQLError): { formatted: Record<string, unknown>; unexpected: boolean } {
  const described = describeError(error.originalError);
  if (described) {
    return {
      formatted: {
        message: described.message,
        locations: error.locations,
        path: error.path,
        extensions: described.extensions,
      },
      unexpected: false,
    };
  }
  const own = !error.originalError ? ownExtensions(error) : null;
  if (own)
    return { formatted: { message: error.message, locations: error.locations, extensions: own }, unexpected: false };
  if (!error.originalError || error.originalError === error || !error.path) {
    // Parse and validation errors: the query itself is wrong.
    const tooLarge = error.message.startsWith('Syntax Error: Document contains more that');
    return {
      formatted: {
        message: tooLarge ? `${error.message} Send a smaller document.` : error.message,
        locations: error.locations,
        extensions: tooLarge
          ? { code: 'QUERY_TOO_LARGE', category: 'BAD_USER_INPUT' }
          : { code: 'BAD_USER_INPUT', category: 'BAD_USER_INPUT' },
      },
      unexpected: false,
    };
  }
  return {
    formatted: {
      message: 'internal error',
      path: error.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR', category: 'INTERNAL_SERVER_ERROR' },
    },
    unexpected: true,
  };
}

/** Any thrown value as a GraphQL error, its cause kept as `originalError` (what mercurius does, typed). */
export function asGraphQLError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  const cause = error instanceof Error ? error : new Error(String(error));
  return new GraphQLError(cause.message, { originalError: cause });
}

/**
 * mercurius wraps every validation error of a query (and the body's schema errors) in one; the client gets each
 * with its own message.
 */
function flatten(errors: readonly unknown[]): GraphQLError[] {
  return errors.flatMap((raw) => {
    const error = asGraphQLError(raw);
    const inner = (error.originalError as { errors?: unknown } | undefined)?.errors;
    return Array.isArray(inner) && inner.length > 0 ? inner.map(asGraphQLError) : [error];
  });
}

export interface FormattedErrors {
  errors: Array<Record<string, unknown>>;
  /** The codes, for the metrics. */
  codes: string[];
  /** Errors that were not the client's: log them. */
  unexpected: GraphQLError[];
  /** The status an HTTP response carrying them gets, given whether the operation produced any data. */
  statusCode(stopped: boolean): number;
}

export function formatErrors(raw: readonly unknown[]): FormattedErrors {
  const flat = flatten(raw);
  const unexpected: GraphQLError[] = [];
  const errors = flat.map((error) => {
    const { formatted, unexpected: isUnexpected } = formatGraphQLError(error);
    if (isUnexpected) unexpected.push(error);
    return formatted;
  });
  const codes = errors.map((e) => (e.extensions as ErrorExtensions).code);
  return {
    errors,
    codes,
    unexpected,
    statusCode(stopped) {
      const refused = codes
        .map((code) => Number(Object.entries(HTTP_REFUSALS).find(([, c]) => c === code)?.[0] ?? Number.NaN))
        .find((status) => !Number.isNaN(status));
      if (refused !== undefined) return refused;
      const named = flat.map(statusOf).find((status) => status !== undefined);
      if (named !== undefined) return named;
      // Errors that stopped the operation before execution (parse, validation) are the client's: 400.
      if (!stopped) return 200;
      return codes.includes('INTERNAL_SERVER_ERROR') ? 500 : 400;
    },
  };
}
