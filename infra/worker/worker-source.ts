/**
 * The code a worker thread runs to load one of our modules: the module itself when the sources run as compiled
 * JavaScript, and through tsx's loader when they run as TypeScript, since a worker thread does not inherit the loader
 * of the thread that starts it (Node 20). Pass it to `new Worker(source, { eval: true })`.
 *
 * @param sibling the module's URL relative to `from`, without its extension (`./fts-row-indexer-worker`)
 * @param from the starting module's `import.meta.url`
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

export function workerSource(sibling: string, from: string): string {
  const extension = extname(fileURLToPath(from));
  const entry = JSON.stringify(new URL(`${sibling}${extension}`, from).href);
  if (extension !== '.ts') return `import(${entry});`;
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return `import(${tsx}).then(({ register }) => { register(); return import(${entry}); });`;
}
