/**
 * The search synonyms end to end over HTTP: the published table applies to searches on a fresh server, the search
 * connection says which expansion it used, and a platform administrator's addition or removal applies to the very
 * next search, through the event, the synonyms read model and the search index the composition hands it to.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from '../support/api-server.js';
import { sampleMetadata } from '../support/fixtures.js';

const SEARCH = `query($text: String) {
  search(text: $text) { totalCount edges { node { id title } highlights { title } } expansions { term expansions } }
}`;
const SYNONYMS = `query($term: String) { searchSynonyms(term: $term) { term expansions } }`;
const ADD = `mutation($input: AddSearchSynonymInput!) { addSearchSynonym(input: $input) { term expansions } }`;
const REMOVE = `mutation($input: RemoveSearchSynonymInput!) { removeSearchSynonym(input: $input) { term expansions } }`;

interface SearchResult {
  search: {
    totalCount: number;
    edges: Array<{ node: { id: string; title: string }; highlights: { title: string } }>;
    expansions: Array<{ term: string; expansions: string[] }>;
  };
}

describe('search synonyms over GraphQL', () => {
  let api: ApiServer;
  const tokens: Record<string, string> = {};

  async function publish(id: string, title: string, body: string) {
    const draft = await api.gql(
      `mutation($input: DraftResourceInput!) { draftResource(input: $input) { resourceId } }`,
      { input: { resourceId: id, siteId: 'jinan', metadata: sampleMetadata({ title, body, docNumber: undefined }) } },
      tokens['jinan-editor'],
    );
    expect(draft.errors).toBeUndefined();
    for (const [mutation, who] of [
      ['submitResource', 'jinan-editor'],
      ['passFirstReview', 'jinan-editor2'],
      ['passSecondReview', 'jinan-reviewer'],
      ['passFinalReview', 'jinan-approver'],
    ] as const) {
      const result = await api.gql(
        `mutation($id: ID!) { ${mutation}(input: { resourceId: $id }) { resourceId } }`,
        { id },
        tokens[who],
      );
      expect(result.errors, `${mutation} by ${who}`).toBeUndefined();
    }
    const published = await api.gql(
      `mutation($id: ID!) { publishResource(input: { resourceId: $id, columnIds: ["notices"] }) { resourceId } }`,
      { id },
      tokens['jinan-approver'],
    );
    expect(published.errors).toBeUndefined();
  }

  const search = async (text: string) => (await api.gql<SearchResult>(SEARCH, { text }, tokens.admin)).data!.search;

  beforeAll(async () => {
    api = await startApiServer();
    for (const person of ['admin', 'jinan-editor', 'jinan-editor2', 'jinan-reviewer', 'jinan-approver']) {
      tokens[person] = await api.token(person);
    }
    await publish('syn-1', '六安市发展和改革委员会关于调整部分商品价格的通知', '<p>决定调整部分商品价格。</p>');
    await publish('syn-2', '六安市数据资源管理局关于政务数据共享的通知', '<p>推进政务数据共享。</p>');
    await api.settle();
  }, 120_000);
  afterAll(async () => api?.close());

  it('applies the published table on a fresh server, and says which expansion it used', async () => {
    const found = await search('发改委 价格');
    expect(found.edges.map((edge) => edge.node.id)).toEqual(['syn-1']);
    expect(found.edges[0]!.highlights.title).toContain('<em>发展和改革委员会</em>');
    expect(found.expansions).toEqual([
      { term: '发改委', expansions: ['发展和改革委员会', '发展改革委员会', '发展改革委'] },
    ]);
    const listed = await api.gql<{ searchSynonyms: Array<{ term: string; expansions: string[] }> }>(
      SYNONYMS,
      { term: '皖政办' },
      tokens.admin,
    );
    expect(listed.data!.searchSynonyms).toEqual([{ term: '皖政办', expansions: ['安徽省人民政府办公厅'] }]);
    const all = await api.gql<{ searchSynonyms: unknown[] }>(SYNONYMS, {}, tokens.admin);
    expect(all.data!.searchSynonyms.length).toBeGreaterThanOrEqual(300);
  });

  it('applies an administrator’s addition and removal to the next search', async () => {
    expect((await search('数资局')).totalCount).toBe(0);
    const added = await api.gql<{ addSearchSynonym: { term: string; expansions: string[] } }>(
      ADD,
      { input: { term: '数资局', expansions: ['数据资源管理局'], reason: '本市通行简称' } },
      tokens.admin,
    );
    expect(added.errors).toBeUndefined();
    expect(added.data!.addSearchSynonym).toEqual({ term: '数资局', expansions: ['数据资源管理局'] });
    const after = await search('数资局');
    expect(after.edges.map((edge) => edge.node.id)).toEqual(['syn-2']);
    expect(after.expansions).toEqual([{ term: '数资局', expansions: ['数据资源管理局'] }]);

    const removed = await api.gql<{ removeSearchSynonym: { expansions: string[] } }>(
      REMOVE,
      { input: { term: '数资局', reason: '改用全称' } },
      tokens.admin,
    );
    expect(removed.data!.removeSearchSynonym.expansions).toEqual([]);
    expect((await search('数资局')).totalCount).toBe(0);
  });

  it('refuses anyone but a platform administrator, and a bad entry with the field named, writing nothing', async () => {
    const input = { term: '数资局', expansions: ['数据资源管理局'], reason: 'r' };
    const forbidden = await api.gql(ADD, { input }, tokens['jinan-editor']);
    expect(forbidden.errors![0]!.extensions.code).toBe('FORBIDDEN');
    const bad = await api.gql(ADD, { input: { ...input, expansions: ['数据 资源'] } }, tokens.admin);
    expect(bad.errors![0]!.extensions.code).toBe('INVALID_SYNONYM');
    expect(bad.errors![0]!.extensions.category).toBe('BAD_USER_INPUT');
    expect(bad.errors![0]!.extensions.details!.map((d) => d.path)).toEqual(['expansions']);
    const missing = await api.gql(REMOVE, { input: { term: '不存在局', reason: 'r' } }, tokens.admin);
    expect(missing.errors![0]!.extensions.code).toBe('SYNONYM_NOT_FOUND');
    expect((await search('数资局')).totalCount).toBe(0);
  });
});
