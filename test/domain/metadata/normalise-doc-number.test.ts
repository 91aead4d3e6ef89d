import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseDocNumber } from '../../../domain/metadata/index.js';

function value(text: string): string {
  const result = normaliseDocNumber(text);
  if (result.flagged) throw new Error(`flagged ${text}: ${result.reason}`);
  return result.value;
}

describe('normaliseDocNumber', () => {
  it('R-LIB-2: keeps a canonical document number as it is, with nothing repaired', () => {
    expect(normaliseDocNumber('六政办秘〔2021〕148号')).toEqual({
      flagged: false,
      value: '六政办秘〔2021〕148号',
      repairs: [],
    });
  });

  it.each([
    ['六政办秘[2021]148号'],
    ['六政办秘［2021］148号'],
    ['六政办秘(2021)148号'],
    ['六政办秘（2021）148号'],
    ['六政办秘【2021】148号'],
    ['六政办秘〖2021〗148号'],
    ['六政办秘｛2021｝148号'],
    ['六政办秘{2021}148号'],
    ['六政办秘﹝2021﹞148号'],
    ['六政办秘〘2021〙148号'],
    ['六政办秘[2021〕148号'],
    ['六政办秘（2021]148号'],
    ['六政办秘【2021）148号'],
    ['六政办秘〔２０２１〕１４８号'],
    ['六政办秘 〔2021〕 148 号'],
    ['六政办秘\u3000〔2021〕148号'],
    ['六政办秘〔2021〕\u00A0148号'],
    ['  六政办秘〔2021〕148号\n'],
  ])('R-LIB-2: normalises the bracket, digit and space variants of %j', (text) => {
    expect(normaliseDocNumber(text)).toEqual({ flagged: false, value: '六政办秘〔2021〕148号', repairs: [] });
  });

  it('strips leading zeros from the serial, which GB/T 9704 writes without them', () => {
    expect(value('六政办〔2021〕08号')).toBe('六政办〔2021〕8号');
    expect(value('六政办〔2021〕008号')).toBe('六政办〔2021〕8号');
    expect(value('六政办〔2021〕100号')).toBe('六政办〔2021〕100号');
  });

  it('drops a 第 before the serial, which GB/T 9704 does not write', () => {
    expect(value('六政办〔2021〕第8号')).toBe('六政办〔2021〕8号');
  });

  it('adds a missing 号 when the rest is clear, and says so', () => {
    expect(normaliseDocNumber('六政办秘〔2021〕148')).toEqual({
      flagged: false,
      value: '六政办秘〔2021〕148号',
      repairs: ['号 added'],
    });
  });

  // The seed (luan-platform-and-new-media-measures.txt, line 10) prints its own number as 六政办秘〔2021148.
  it('R-LIB-2: repairs the seed’s lost bracket 六政办秘〔2021148 (closing bracket and 号 lost)', () => {
    expect(normaliseDocNumber('六政办秘〔2021148')).toEqual({
      flagged: false,
      value: '六政办秘〔2021〕148号',
      repairs: ['closing bracket 〕 restored', '号 added'],
    });
  });

  it.each([
    ['六政办秘〔2021148号', '六政办秘〔2021〕148号', ['closing bracket 〕 restored']],
    ['六政办秘2021〕148号', '六政办秘〔2021〕148号', ['opening bracket 〔 restored']],
    ['六政办秘2021148号', '六政办秘〔2021〕148号', ['brackets 〔〕 restored around the year']],
    ['六政办秘2021148', '六政办秘〔2021〕148号', ['brackets 〔〕 restored around the year', '号 added']],
    ['六政办秘(2021148号', '六政办秘〔2021〕148号', ['closing bracket 〕 restored']],
    ['六政办秘2021)148号', '六政办秘〔2021〕148号', ['opening bracket 〔 restored']],
    ['六政办〔20211号', '六政办〔2021〕1号', ['closing bracket 〕 restored']],
  ])('repairs the lost bracket of %j', (text, canonical, repairs) => {
    expect(normaliseDocNumber(text)).toEqual({ flagged: false, value: canonical, repairs });
  });

  it('repairs the other lost brackets of the seed', () => {
    // The seed's text lost every 〕 and most 号; these are the numbers it cites.
    expect(value('国办发〔201747')).toBe('国办发〔2017〕47号');
    expect(value('国办函〔201871')).toBe('国办函〔2018〕71号');
    expect(value('皖政办秘 2020120')).toBe('皖政办秘〔2020〕120号');
    expect(value('国办函〔201855号')).toBe('国办函〔2018〕55号');
    expect(value('工信部保〔201053号')).toBe('工信部保〔2010〕53号');
    expect(value('皖政办秘〔2018248号')).toBe('皖政办秘〔2018〕248号');
    expect(value('六政办秘〔2018234号')).toBe('六政办秘〔2018〕234号');
    expect(value('工信厅信管函〔202167号')).toBe('工信厅信管函〔2021〕67号');
    expect(value('国信办秘字〔2019191')).toBe('国信办秘字〔2019〕191号');
  });

  it.each([
    ['中华人民共和国国务院令第306号', '中华人民共和国国务院令第306号'],
    ['国务院令第 306 号', '国务院令第306号'],
    ['交通部令第8号', '交通部令第8号'],
    ['交通部令第０８号', '交通部令第8号'],
    [
      '中华人民共和国国务院、中华人民共和国中央军事委员会令第689号',
      '中华人民共和国国务院、中华人民共和国中央军事委员会令第689号',
    ],
  ])('keeps the decree number %j in decree form', (text, canonical) => {
    expect(normaliseDocNumber(text)).toEqual({ flagged: false, value: canonical, repairs: [] });
  });

  it('adds a missing 号 to a decree number', () => {
    expect(normaliseDocNumber('国务院令第306')).toEqual({
      flagged: false,
      value: '国务院令第306号',
      repairs: ['号 added'],
    });
  });

  it.each([
    ['', 'no document number'],
    ['   ', 'no document number'],
    ['〔2021〕148号', 'not of the form'],
    ['六政办秘', 'not of the form'],
    ['六政办秘〔2021〕号', 'no serial'],
    ['六政办秘〔2021〕', 'no serial'],
    ['六政办秘〔2021〕0号', 'serial number 0'],
    ['六政办秘〔98〕12号', 'not four digits'],
    ['六政办秘〔021〕12号', 'not four digits'],
    ['六政办秘〔20211〕12号', 'not four digits'],
    ['六政办秘2021号', 'too few digits'],
    ['六政办秘〔2021号', 'too few digits'],
    ['六政办秘98123号', 'outside'],
    ['六政办秘〔3021〕148号', 'outside'],
    ['六政办秘〔1921〕148号', 'outside'],
    ['六政办秘〔2021〕148号文', 'not of the form'],
    ['六政办秘〔2021〕148-1号', 'not of the form'],
    ['六政办秘〕2021〔148号', 'not of the form'],
    ['六政办秘〔〔2021〕148号', 'not of the form'],
    ['六政办秘〔2021〕〔148〕号', 'not of the form'],
    ['文号：六政办秘〔2021〕148号', 'not of the form'],
    ['Liu Zheng Ban [2021] 148', 'not of the form'],
    ['六政办秘〔2021第148号', 'no closing bracket'],
    ['国务院令306号', 'no recognisable 代字'],
    ['国务院令第0号', 'decree number 0'],
    ['国务院令〔2001〕第306号', 'no recognisable 代字'],
    ['六政办秘第2021148号', 'no recognisable 代字'],
  ])('flags %j (%s) instead of guessing', (text, why) => {
    const result = normaliseDocNumber(text);
    expect(result).toMatchObject({ flagged: true, original: text });
    expect(result).toHaveProperty('reason', expect.stringContaining(why));
  });

  it('R-LIB-2: a canonical number normalises to itself, and so does every repaired one', () => {
    const agency = fc.constantFrom('六政办秘', '国办发', '皖政办', '工信厅信管函', '国信办秘字');
    const year = fc.integer({ min: 1949, max: 2100 });
    const serial = fc.integer({ min: 1, max: 99_999 });
    fc.assert(
      fc.property(agency, year, serial, (a, y, n) => {
        const canonical = `${a}〔${y}〕${n}号`;
        expect(value(canonical)).toBe(canonical);
        expect(value(`${a}〔${y}${n}`)).toBe(canonical);
        expect(value(`${a}${y}${n}号`)).toBe(canonical);
        expect(value(`${a}[${y}]${n}`)).toBe(canonical);
      }),
    );
  });
});
