/**
 * Every failure reaches the client as a GraphQL error with a stable `extensions.code`: the domain's own code
 * (SELF_REVIEW_FORBIDDEN, ROLE_REVOKED…) or one of BAD_USER_INPUT, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, CONFLICT,
 * with `category` grouping codes under those, field-level `details`, and the message in Chinese as well. The category
 * is the one the error was raised with (see domain/shared/domain-error.ts); nothing here decides it. Anything
 * unexpected becomes INTERNAL_SERVER_ERROR with no stack trace or internals; the server log has them.
 */
import type { GraphQLError } from 'graphql';
import { InvalidEventStoreInput } from '../domain/event-store/errors.js';
import { DomainError } from '../domain/shared/domain-error.js';
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

/** Refusals by the HTTP layer (rate limit, body limit) keep their status; the client still gets a GraphQL body. */
const HTTP_REFUSALS: Record<number, Category> = { 413: 'PAYLOAD_TOO_LARGE', 429: 'RATE_LIMITED' };

export function httpStatusOf(code: string): number | undefined {
  const entry = Object.entries(HTTP_REFUSALS).find(([, category]) => category === code);
  return entry ? Number(entry[0]) : undefined;
}

export interface ErrorExtensions {
  code: string;
  category: Category;
  messageZh?: string;
  details?: Array<{ path: string; message: string }>;
  rule?: string;
}

/** The client-facing form of an error thrown by a resolver (or null when it is not one of ours). */
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
  const refusal = HTTP_REFUSALS[(error as { statusCode?: number } | undefined)?.statusCode ?? 0];
  if (refusal) return { message: (error as Error).message, extensions: { code: refusal, category: refusal } };
  return null;
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
  if (!error.originalError || error.originalError === error || !error.path) {
    // Parse and validation errors: the query itself is wrong.
    return {
      formatted: {
        message: error.message,
        locations: error.locations,
        extensions: { code: 'BAD_USER_INPUT', category: 'BAD_USER_INPUT' },
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
