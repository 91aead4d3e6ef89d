import { describe, expect, it } from 'vitest';
import { normaliseWhitespace } from '../../../domain/metadata/index.js';

describe('normaliseWhitespace', () => {
  it('R-LIB-2: drops the full-width indentation of paragraphs and trims every line', () => {
    expect(
      normaliseWhitespace(
        '\u3000\u3000第一条　为规范平台运行管理，制定本办法。\u3000\n\u3000\u3000第二条 本办法适用于全市。  ',
      ),
    ).toBe('第一条 为规范平台运行管理，制定本办法。\n第二条 本办法适用于全市。');
  });

  it('turns full-width spaces inside a line into plain spaces rather than deleting them', () => {
    expect(normaliseWhitespace('工\u3000作\u3000规\u3000则')).toBe('工 作 规 则');
    expect(normaliseWhitespace('六安市人民政府办公室\u30002021年12月16日')).toBe('六安市人民政府办公室 2021年12月16日');
  });

  it.each([
    ['发布机构&nbsp;市政府办', '发布机构 市政府办'],
    ['发布机构&NBSP;市政府办', '发布机构 市政府办'],
    ['发布机构&#160;市政府办', '发布机构 市政府办'],
    ['发布机构&#xA0;市政府办', '发布机构 市政府办'],
    ['发布机构\u00A0市政府办', '发布机构 市政府办'],
    ['发布机构\u2003市政府办', '发布机构 市政府办'],
    ['&nbsp;&nbsp;发布机构', '发布机构'],
  ])('turns the non-breaking space of %j into a plain one', (text, expected) => {
    expect(normaliseWhitespace(text)).toBe(expected);
  });

  it('removes zero-width spaces and the byte order mark', () => {
    expect(normaliseWhitespace('\uFEFF政务\u200B公开')).toBe('政务公开');
  });

  it('collapses runs of blank lines to one blank line, whatever the line endings', () => {
    expect(normaliseWhitespace('第一段\n\n\n\n第二段')).toBe('第一段\n\n第二段');
    expect(normaliseWhitespace('第一段\r\n\r\n\r\n第二段\r第三段')).toBe('第一段\n\n第二段\n第三段');
    expect(normaliseWhitespace('第一段\n \u3000 \n&nbsp;\n第二段')).toBe('第一段\n\n第二段');
    expect(normaliseWhitespace('第一段\n\n第二段')).toBe('第一段\n\n第二段');
  });

  it('trims the text as a whole', () => {
    expect(normaliseWhitespace('\n\n\u3000\n正文\n\n\n')).toBe('正文');
    expect(normaliseWhitespace('\u3000 &nbsp;')).toBe('');
  });

  it('leaves markup and other entities alone: sanitising HTML is the ingest’s job', () => {
    expect(normaliseWhitespace('<p onclick="x()">A &amp; B&lt;</p>\n<script>alert(1)</script>')).toBe(
      '<p onclick="x()">A &amp; B&lt;</p>\n<script>alert(1)</script>',
    );
  });
});
