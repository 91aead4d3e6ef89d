import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseDate } from '../../../domain/metadata/index.js';

const fullWidth = (text: string) => text.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));

describe('normaliseDate', () => {
  it.each([
    ['2021年12月16日', '2021-12-16'],
    ['2021-12-16', '2021-12-16'],
    ['2021/12/16', '2021-12-16'],
    ['20211216', '2021-12-16'],
    ['2021.12.16', '2021-12-16'],
    ['2021年1月5日', '2021-01-05'],
    ['2021-1-5', '2021-01-05'],
    ['2021/1/5', '2021-01-05'],
    ['2021.1.5', '2021-01-05'],
    ['2021 年 12 月 16 日', '2021-12-16'],
    ['  2021-12-16\n', '2021-12-16'],
    ['\u30002021年12月16日\u3000', '2021-12-16'],
    ['\u00A02021-12-16', '2021-12-16'],
    [fullWidth('2021年12月16日'), '2021-12-16'],
    [fullWidth('2021-12-16'), '2021-12-16'],
    ['２０２１／１２／１６', '2021-12-16'],
    ['2020-02-29', '2020-02-29'],
    ['2000-02-29', '2000-02-29'],
  ])('R-LIB-2: %j is the date %s', (text, date) => {
    expect(normaliseDate(text)).toEqual({ flagged: false, date });
  });

  it.each([
    ['2021年12月16日 10:30', '10:30'],
    ['2021年12月16日10:30', '10:30'],
    ['2021年12月16日 10:30:15', '10:30:15'],
    ['2021年12月16日 10时30分', '10:30'],
    ['2021年12月16日 10时30分15秒', '10:30:15'],
    ['2021年12月16日 10：30', '10:30'],
    ['2021-12-16 10:30:00', '10:30:00'],
    ['2021-12-16 9:05', '09:05'],
    ['2021/12/16 17:30', '17:30'],
    ['2021.12.16 17:30', '17:30'],
    ['20211216 17:30', '17:30'],
    ['2021-12-16T10:30', '10:30'],
    ['2021-12-16 00:00:00', '00:00:00'],
  ])('keeps the time of %j as %s', (text, time) => {
    expect(normaliseDate(text)).toEqual({ flagged: false, date: '2021-12-16', time });
  });

  it('keeps an offset as written instead of converting to Beijing time', () => {
    expect(normaliseDate('2021-12-16T10:30:00+08:00')).toEqual({
      flagged: false,
      date: '2021-12-16',
      time: '10:30:00',
      offset: '+08:00',
    });
    expect(normaliseDate('2021-12-16T23:30:00Z')).toEqual({
      flagged: false,
      date: '2021-12-16',
      time: '23:30:00',
      offset: 'Z',
    });
    expect(normaliseDate('2021-12-16T10:30:00+0800')).toMatchObject({ offset: '+08:00' });
  });

  it('drops fractions of a second, which the metadata does not keep', () => {
    expect(normaliseDate('2021-12-16T10:30:00.123Z')).toEqual({
      flagged: false,
      date: '2021-12-16',
      time: '10:30:00',
      offset: 'Z',
    });
  });

  it.each([
    ['', 'no date'],
    ['   ', 'no date'],
    ['2021-13-01', 'month 13'],
    ['2021-00-10', 'month 00'],
    ['2021年13月1日', 'month 13'],
    ['2021-02-30', 'no day 30'],
    ['2021-02-29', 'no day 29'],
    ['1900-02-29', 'outside'],
    ['2100-02-29', 'no day 29'],
    ['2021-04-31', 'no day 31'],
    ['2021-12-00', 'no day 00'],
    ['21-12-16', 'two-digit year'],
    ['21年12月16日', 'two-digit year'],
    ['21/12/16', 'two-digit year'],
    ['12/16/2021', 'not a date'],
    ['16.12.2021', 'not a date'],
    ['2021-12/16', 'not a date'],
    ['2021-12-16-', 'not a date'],
    ['202112160', 'not a date'],
    ['2021121', 'not a date'],
    ['2021年12月', 'not a date'],
    ['2021年12月16日发布', 'not a time'],
    ['二〇二一年十二月十六日', 'not a date'],
    ['yesterday', 'not a date'],
    ['2221-12-16', 'outside'],
    ['1948-12-31', 'outside'],
    ['2021-12-16 24:00', 'not a time'],
    ['2021-12-16 10:60', 'not a time'],
    ['2021-12-16 10:30:60', 'not a time'],
    ['2021-12-16T10:30:00+15:00', 'not a time'],
    ['2021/12/16T10:30', 'not a date'],
    ['2021-12-16 上午10:30', 'not a time'],
  ])('flags %j (%s) instead of guessing', (text, why) => {
    const result = normaliseDate(text);
    expect(result.flagged).toBe(true);
    expect(result).toHaveProperty('reason', expect.stringContaining(why));
  });

  it('R-LIB-2: every real calendar date reads back the same from each accepted spelling', () => {
    const dates = fc
      .date({ min: new Date('1949-01-01T00:00:00Z'), max: new Date('2100-12-31T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(dates, (iso) => {
        const [y, m, d] = iso.split('-') as [string, string, string];
        const spellings = [
          iso,
          `${y}年${Number(m)}月${Number(d)}日`,
          `${y}/${m}/${d}`,
          `${y}.${Number(m)}.${Number(d)}`,
          `${y}${m}${d}`,
          fullWidth(`${y}年${m}月${d}日`),
        ];
        for (const spelling of spellings) expect(normaliseDate(spelling)).toEqual({ flagged: false, date: iso });
      }),
    );
  });
});
