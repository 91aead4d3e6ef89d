/**
 * The GraphQL API under load (autocannon, from this process, on loopback): `resource(id)` and a typical search,
 * requests/s and p99, against a bare fastify route doing the same read in the same run.
 */
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { loadDemoCorpus } from '../../infra/demo-platform.js';
import { SAMPLE_CORPUS_PATH } from '../../ingest/sample-corpus.js';
import { startApiServer } from '../support/api-server.js';
import { progress, round } from './measure.js';

const DURATION_SECONDS = Number(process.env.BENCH_API_SECONDS ?? 10);
const CONNECTIONS = 16;

async function load(url: string, body: string | undefined, headers: Record<string, string>) {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION_SECONDS,
    method: body ? 'POST' : 'GET',
    headers: { 'content-type': 'application/json', ...headers },
    ...(body ? { body } : {}),
  });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx responses, ${result.errors} errors`);
  return { requestsPerSecond: Math.round(result.requests.average), p99ms: result.latency.p99 };
}

export async function apiBenchmark() {
  // The load comes from one client: the per-client limits (requests, query cost) would measure themselves, not the API.
  const api = await startApiServer({ RATE_LIMIT_PER_MINUTE: String(1e9), QUERY_COST_PER_MINUTE: String(1e12) });
  const bare = Fastify({ logger: false });
  try {
    progress('loading the sample corpus through the command path');
    await loadDemoCorpus(api.c.platform, SAMPLE_CORPUS_PATH);
    await api.settle();
    const [first] = (await api.c.searchIndex.search({ text: '条例', first: 1 })).hits;
    const id = first!.document.resourceId;
    const token = await api.token('jinan-editor');
    const auth = { authorization: `Bearer ${token}` };

    // The baseline reads the same document from the same index and sends it as JSON, nothing else.
    bare.get('/resource/:id', async (request) => api.c.searchIndex.get((request.params as { id: string }).id));
    bare.post('/search', async (request) => api.c.searchIndex.search(request.body as never));
    await bare.listen({ host: '127.0.0.1', port: 0 });
    const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}`;

    const resourceQuery = JSON.stringify({
      query:
        'query($id: ID!) { resource(id: $id) { id indexNumber title publisher docNumber subject genre publishedAt placements { siteId columnId } } }',
      variables: { id },
    });
    const searchQuery = JSON.stringify({
      query:
        'query($text: String) { search(text: $text, first: 10, facets: [GENRE, YEAR]) { totalCount edges { node { id title indexNumber } highlights { title body } } facets { facet values { value count } } } }',
      variables: { text: '安全生产 管理' },
    });

    progress(`resource(id): GraphQL, then the bare route, ${DURATION_SECONDS} s each`);
    const resourceApi = await load(`${api.url}/graphql`, resourceQuery, auth);
    const resourceBare = await load(`${bareUrl}/resource/${id}`, undefined, {});
    progress('search: GraphQL, then the bare route');
    const searchApi = await load(`${api.url}/graphql`, searchQuery, auth);
    const searchBare = await load(
      `${bareUrl}/search`,
      JSON.stringify({ text: '安全生产 管理', first: 10, facets: ['genre', 'year'] }),
      {},
    );

    const ratio = round(resourceApi.requestsPerSecond / resourceBare.requestsPerSecond, 3);
    return {
      benchmark: 'api',
      node: process.version,
      load: { connections: CONNECTIONS, durationSeconds: DURATION_SECONDS, tool: 'autocannon, same process, loopback' },
      results: [
        { name: 'resource(id)', ...resourceApi, baseline: resourceBare, ratio, target: 0.6, meetsTarget: ratio >= 0.6 },
        {
          name: 'search (words, facets, highlights)',
          ...searchApi,
          baseline: searchBare,
          ratio: round(searchApi.requestsPerSecond / searchBare.requestsPerSecond, 3),
        },
      ],
    };
  } finally {
    await bare.close();
    await api.close();
  }
}
