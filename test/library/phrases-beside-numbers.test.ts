/**
 * A quoted phrase of the embedded index is a phrase of bigram tokens (infra/search/chinese-text.ts). A Han character
 * beside a letter or digit is a token alone as well as in its pair, so a phrase that begins or ends there (试0号 in
 * 测试0号的: the text's pairs are 测试 and 号的) is found as written, with no prefix search.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { bigramTokens } from '../../infra/search/shared/chinese-text.js';
import { openSqliteSearchIndex } from '../../infra/search/sqlite/sqlite-search-index.js';
import type { SearchIndex } from '../../projections/library/search-index.js';
import { libraryDocument } from '../support/library-documents.js';
import { tempDir } from '../support/temp-dir.js';

describe('phrases beside numbers (embedded index)', () => {
  let dir: ReturnType<typeof tempDir> | undefined;
  let index: SearchIndex | undefined;
  afterEach(async () => {
    await index?.close();
    dir?.remove();
  });

  it('makes a Han character beside a letter or digit a token of its own, in place', () => {
    expect(bigramTokens('测试0号的通知')).toEqual(['测试', '试', '0', '号', '号的', '的通', '通知']);
    expect(bigramTokens('第5条')).toEqual(['第', '5', '条']);
    expect(bigramTokens('GB32100标准')).toEqual(['gb32100', '标', '标准']);
    expect(bigramTokens('集约化平台')).toEqual(['集约', '约化', '化平', '平台']);
  });

  it('finds a phrase that begins or ends beside a number, and only where it is written', async () => {
    dir = tempDir('phrases');
    index = openSqliteSearchIndex(dir.path);
    const generation = await index.openGeneration('v1');
    const document = libraryDocument({
      resourceId: 'res-numbered',
      metadata: {
        title: '关于鲜度测试0号的通知',
        summary: undefined,
        docNumber: undefined,
        body: '<p>按照GB32100标准赋码，第5条另有规定。</p>',
      },
    });
    await generation.apply([{ kind: 'upsert', document }], 1);
    await index.promote('v1');
    const found = async (text: string) => (await index!.search({ text })).total;
    for (const phrase of ['"试0号"', '"测试0号"', '"0号的"', '"测试0"', '"试0"', '"0号"', '"gb32100标准"', '"第5条"']) {
      expect(await found(phrase), phrase).toBe(1);
    }
    for (const phrase of ['"试1号"', '"测0号"', '"试0的"', '"4条"', '"号的通知书"']) {
      expect(await found(phrase), phrase).toBe(0);
    }
  });
});
