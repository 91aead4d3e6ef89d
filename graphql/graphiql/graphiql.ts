/**
 * GraphiQL at `/graphiql`, served entirely by this server: government platforms run on networks without the
 * internet (政务外网), where a page that loads React and GraphiQL from a public CDN stays blank. The assets are the
 * pinned packages' own browser builds (React 18's UMD files, GraphiQL 3's bundle), read from the installed packages.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

const require = createRequire(import.meta.url);
/** A file of an installed package; the UMD builds are not in the packages' `exports`, so they are found beside it. */
const packageFile = (name: string, file: string) => join(dirname(require.resolve(`${name}/package.json`)), file);
const JS = 'text/javascript; charset=utf-8';

const ASSETS: Record<string, { file: string; type: string }> = {
  'react.js': { file: packageFile('react', 'umd/react.production.min.js'), type: JS },
  'react-dom.js': { file: packageFile('react-dom', 'umd/react-dom.production.min.js'), type: JS },
  'graphiql.js': { file: packageFile('graphiql', 'graphiql.min.js'), type: JS },
  'graphiql.css': { file: packageFile('graphiql', 'graphiql.min.css'), type: 'text/css; charset=utf-8' },
};

/** Part of every asset's URL, so that a new package version is never served from a browser's cache of the old one. */
const VERSION = (JSON.parse(readFileSync(packageFile('graphiql', 'package.json'), 'utf8')) as { version: string })
  .version;

const PAGE = `<!DOCTYPE html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <title>GraphiQL · 资源库</title>
  <meta name="robots" content="noindex">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" href="/graphiql/${VERSION}/graphiql.css">
  <style>body { margin: 0; overflow: hidden; } #graphiql { height: 100vh; }</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="/graphiql/${VERSION}/react.js"></script>
  <script src="/graphiql/${VERSION}/react-dom.js"></script>
  <script src="/graphiql/${VERSION}/graphiql.js"></script>
  <script src="/graphiql/${VERSION}/start.js"></script>
</body>
</html>
`;

const start = (endpoint: string) => `(function () {
  var http = window.location.protocol + '//' + window.location.host + ${JSON.stringify(endpoint)};
  var ws = (window.location.protocol === 'https:' ? 'wss://' : 'ws://') + window.location.host + ${JSON.stringify(endpoint)};
  var fetcher = GraphiQL.createFetcher({ url: http, subscriptionUrl: ws });
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, { fetcher: fetcher, shouldPersistHeaders: true, isHeadersEditorEnabled: true }),
  );
})();
`;

export interface GraphiqlOptions {
  /** Where the GraphQL endpoint is, on this host. */
  endpoint: string;
}

async function graphiql(app: FastifyInstance, { endpoint }: GraphiqlOptions) {
  const script = start(endpoint);
  app.get('/graphiql', async (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
  app.get(`/graphiql/${VERSION}/start.js`, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').send(script),
  );
  app.get<{ Params: { asset: string } }>(`/graphiql/${VERSION}/:asset`, async (request, reply) => {
    const asset = ASSETS[request.params.asset];
    if (!asset) return reply.code(404).send({ error: 'not found' });
    return reply
      .type(asset.type)
      .header('cache-control', 'public, max-age=31536000, immutable')
      .send(createReadStream(asset.file));
  });
}

export default fp(graphiql, { name: 'graphiql', fastify: '5.x' });
