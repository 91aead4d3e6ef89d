/**
 * Finding 9: only well-formed text is stored. A request body that is not UTF-8 is refused (400), never decoded with
 * replacement characters; text fields of every command refuse NUL and other control characters, lone surrogates and
 * bidirectional controls with INVALID_TEXT naming the field, and nothing is written; text is stored NFC-normalised.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type ApiServer, startApiServer } from '../support/api-server.js';
import { sampleMetadata } from '../support/fixtures.js';
import { gqlAs, postRaw } from './clients.js';

const DRAFT = `mutation($input: DraftResourceInput!) { draftResource(input: $input) { resourceId status } }`;

describe('only well-formed text is stored', () => {
  let api: ApiServer;
  let editor: string;
  let admin: string;

  beforeAll(async () => {
    api = await startApiServer();
    editor = `Bearer ${await api.token('jinan-editor')}`;
    admin = `Bearer ${await api.token('admin')}`;
  }, 60_000);
  afterAll(async () => api?.close());

  const draft = (resourceId: string, overrides: Record<string, unknown>) =>
    gqlAs(api, editor, DRAFT, { input: { resourceId, siteId: 'jinan', metadata: sampleMetadata(overrides) } });

  const storedTitle = async (resourceId: string) => {
    const events = await api.c.eventStore.readStream(`resource-${resourceId}`);
    return (events[0]?.data as { metadata: { title: string; body?: string } } | undefined)?.metadata;
  };

  it('a body that is not valid UTF-8 is a 400, and nothing is stored with replacement characters', async () => {
    const head = await api.c.eventStore.headPosition();
    const json = JSON.stringify({
      query: DRAFT,
      variables: { input: { resourceId: 'bad-utf8', siteId: 'jinan', metadata: sampleMetadata({ title: 'TITLE' }) } },
    });
    const [before, rest] = json.split('TITLE') as [string, string];
    // 0xE6 0x94 starts a three-byte character that never ends; 0xFF never occurs in UTF-8 at all.
    const body = Buffer.concat([Buffer.from(`${before}通知`), Buffer.from([0xe6, 0x94, 0xff]), Buffer.from(rest)]);
    const response = await postRaw(api, body, { authorization: editor });
    expect(response.status).toBe(400);
    expect(response.body?.errors?.[0]?.extensions?.code).toBe('INVALID_REQUEST');
    expect(response.body?.errors?.[0]?.message).toMatch(/UTF-8/);
    expect(await storedTitle('bad-utf8')).toBeUndefined();
    expect(await api.c.eventStore.headPosition()).toBe(head);
  });

  it('a subscription socket that sends a text frame which is not UTF-8 is closed (1007, invalid frame payload data)', async () => {
    const socket = new WebSocket(`${api.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]), { binary: false });
    expect(await closed).toBe(1007);
  });

  it('NUL, a lone surrogate and U+202E (bidi override) in a title are refused with INVALID_TEXT naming the field', async () => {
    const head = await api.c.eventStore.headPosition();
    for (const [label, title] of [
      ['NUL', '关于\u0000通知'],
      ['lone surrogate', '关于\ud800通知'],
      ['bidi override', '关于\u202e知通'],
    ] as const) {
      const response = await draft(`bad-${label.replace(' ', '-')}`, { title });
      expect(response.body?.errors?.[0]?.extensions, label).toMatchObject({
        code: 'INVALID_TEXT',
        category: 'BAD_USER_INPUT',
        details: [{ path: 'metadata.title', message: expect.any(String) }],
      });
    }
    expect(await api.c.eventStore.headPosition()).toBe(head);
  });

  it('every text field of every command is held to it: bodies, keywords, reasons and names', async () => {
    const body = await draft('bad-body', { body: '正文\u2066隐藏\u2069', keywords: ['集约化', '平台\u0007'] });
    expect(body.body?.errors?.[0]?.extensions?.code).toBe('INVALID_TEXT');
    expect(body.body?.errors?.[0]?.extensions?.details?.map((d) => d.path).sort()).toEqual([
      'metadata.body',
      'metadata.keywords.1',
    ]);
    const person = await gqlAs(
      api,
      admin,
      `mutation($n: String!) { registerPerson(input: { personId: "p1", name: $n }) { events } }`,
      {
        n: '张\u0000三',
      },
    );
    expect(person.body?.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_TEXT', details: [{ path: 'name' }] });
    const offline = await gqlAs(
      api,
      admin,
      `mutation($r: String!) { bringSiteOnline(input: { siteId: "jinan", reason: $r }) { events } }`,
      { r: '恢复\u202d' },
    );
    expect(offline.body?.errors?.[0]?.extensions).toMatchObject({
      code: 'INVALID_TEXT',
      details: [{ path: 'reason' }],
    });
    // Tabs and line breaks are text.
    const fine = await draft('fine-layout', { body: '第一条\t总则\n第二条\r\n附则' });
    expect(fine.body?.errors).toBeUndefined();
  });

  it('titles and bodies are stored NFC-normalised', async () => {
    // "é" written as e + combining acute, and the CJK compatibility ideograph U+F900 (豈), canonically U+8C48.
    const response = await draft('nfc', { title: 'Cafe\u0301 与 \uf900 的通知', body: '正文 e\u0301' });
    expect(response.body?.errors).toBeUndefined();
    const metadata = await storedTitle('nfc');
    expect(metadata?.title).toBe('Caf\u00e9 与 \u8c48 的通知');
    expect(metadata?.body).toBe('正文 \u00e9');
  });
});
