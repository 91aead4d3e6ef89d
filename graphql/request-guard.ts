/**
 * What a request to the API must be before anything reads it as GraphQL, each refusal an INVALID_REQUEST (400)
 * saying what is wrong in the client's terms:
 *
 * - its body is UTF-8: bytes that are not are refused, never decoded into replacement characters that would then be
 *   stored (whatever the media type, since every body the API takes is text);
 * - a POST to the API is one JSON object: `query` a string, `variables` an object, `operationName` a string;
 *   batches (arrays) are not accepted, so every limit applies to one operation per request;
 * - the query is a GraphQL document: mercurius would otherwise take JSON text as a ready-parsed document, which
 *   nothing has checked;
 * - subscriptions are served over the WebSocket only; over POST they are refused instead of failing inside.
 *
 * A fastify plugin for the body checks (registered before the API's routes) and `guardOperations` for the checks
 * on documents (after mercurius, whose hooks they are).
 */
import { isUtf8 } from 'node:buffer';
import { pipeline, Transform } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { type DocumentNode, getOperationAST, type OperationDefinitionNode } from 'graphql';
import { RequestRefused } from './errors.js';

export interface RequestGuardOptions {
  /** The GraphQL endpoint whose POST bodies are checked. */
  endpoint: string;
}

const notUtf8 = () =>
  new RequestRefused('INVALID_REQUEST', 'the request body is not valid UTF-8; send text encoded as UTF-8');

/** Passes the body through unchanged, failing at the first byte sequence that is not UTF-8. */
function utf8Only(): Transform {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      try {
        decoder.decode(chunk, { stream: true });
        done(null, chunk);
      } catch {
        done(notUtf8());
      }
    },
    flush(done) {
      try {
        decoder.decode();
        done();
      } catch {
        done(notUtf8());
      }
    },
  });
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What is wrong with a POST body as a GraphQL request, or null when nothing is. */
export function requestBodyProblem(body: unknown): string | null {
  if (Array.isArray(body)) return 'batched requests are not accepted: send one operation per request';
  if (!isPlainObject(body))
    return 'the request body must be a JSON object such as {"query": "{ viewer { __typename } }"}';
  if (typeof body.query !== 'string') return 'query must be a string holding a GraphQL document';
  if (body.variables !== undefined && body.variables !== null && !isPlainObject(body.variables))
    return 'variables must be an object of variable values';
  if (body.operationName !== undefined && body.operationName !== null && typeof body.operationName !== 'string')
    return 'operationName must be a string';
  if (body.extensions !== undefined && body.extensions !== null && !isPlainObject(body.extensions))
    return 'extensions must be an object';
  return null;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

const isJson = (contentType: string | undefined) => /^application\/json\s*(?:;|$)/i.test(contentType ?? '');

async function requestGuard(app: FastifyInstance, { endpoint }: RequestGuardOptions) {
  // JSON, the API's own media type, is read whole anyway: its bytes are checked at once, then parsed as fastify does
  // (refusing __proto__ and constructor keys). Other bodies are checked as they stream in.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    if (!isUtf8(body as Buffer)) done(notUtf8(), undefined);
    else parseJson(request, (body as Buffer).toString('utf8'), done);
  });
  app.addHook('preParsing', async (request, _reply, payload) => {
    if (!BODY_METHODS.has(request.method) || isJson(request.headers['content-type'])) return payload;
    return pipeline(payload, utf8Only(), () => {});
  });
  app.addHook('preValidation', async (request) => {
    if (request.method !== 'POST' || request.routeOptions.url !== endpoint) return;
    const problem = requestBodyProblem(request.body);
    if (problem) throw new RequestRefused('INVALID_REQUEST', problem);
  });
}

export default fp(requestGuard, { name: 'request-guard', fastify: '5.x' });

/**
 * Whether `source` reads as JSON rather than GraphQL: a JSON text starts with what no executable GraphQL document
 * does (a quote, a bracket, a digit or minus, a literal alone, or a brace followed by a quote or closed at once),
 * while a document starts with a keyword, a selection set or a comment.
 */
function isJsonText(source: string): boolean {
  return /^\s*(?:["[\-0-9]|\{\s*["}]|(?:true|false|null)\s*$)/.test(source);
}

/** The operation of `document` an HTTP request asks to run (by its operationName, in the body or the query string). */
export function requestedOperation(
  document: DocumentNode,
  request: FastifyRequest | undefined,
): OperationDefinitionNode | null | undefined {
  const named =
    (request?.body as { operationName?: unknown } | undefined)?.operationName ??
    (request?.query as { operationName?: unknown } | undefined)?.operationName;
  return getOperationAST(document, typeof named === 'string' ? named : undefined);
}

/** The checks on documents, as mercurius hooks of `app` (which must have mercurius registered). */
export function guardOperations(app: FastifyInstance): void {
  // JSON text is never a GraphQL document: refuse it before mercurius would take it for a parsed one.
  app.graphql.addHook('preParsing', async (_schema, source) => {
    if (isJsonText(source)) throw new RequestRefused('INVALID_REQUEST', 'query must be a GraphQL document, not JSON');
  });
  // Only HTTP requests run here: subscriptions over the socket are executed by subscribe(), not execute().
  app.graphql.addHook('preExecution', async (_schema, document, context) => {
    const operation = requestedOperation(document, context.reply?.request);
    if (operation?.operation === 'subscription')
      throw new RequestRefused(
        'INVALID_REQUEST',
        'subscriptions are served over WebSocket (protocol graphql-transport-ws) at /graphql, not over HTTP POST',
      );
  });
}
