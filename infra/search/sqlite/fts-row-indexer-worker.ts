/** The worker thread of fts-row-indexer.ts: indexes the documents of each request, in order. */
import { parentPort } from 'node:worker_threads';
import { ftsRow } from './fts-row.js';
import type { IndexerReply, IndexerRequest } from './fts-row-indexer.js';

const port = parentPort;
if (port === null) throw new Error('document-indexer-worker runs as a worker thread');

port.on('message', ({ id, documents }: IndexerRequest) => {
  let reply: IndexerReply;
  try {
    reply = { id, indexed: documents.map(ftsRow) };
  } catch (error) {
    reply = { id, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
