/**
 * Filters as tokens of the full-text index, so that SQLite FTS5 intersects them with the text (skipping through
 * doclists) and computes bm25 only for the documents that pass, instead of scoring every match and joining each to
 * its row. A value becomes a private-use character, a kind and the hex of its UTF-8 bytes: a single unicode61 token,
 * exact, and never equal to a word of a text or a query (searchText drops private-use characters), so words need no
 * column filter to keep clear of them. They live in a column of their own, weighted 0 in bm25. A date range becomes
 * the years, months and days it covers, at most about a hundred tokens.
 */
import type { LibraryDocument } from '../../projections/library/library-document.js';
import type { DocumentFields } from './document-fields.js';
import type { NormalisedFilters } from './search-query.js';

const MARK = '\uE000';
const token = (kind: string, value: string) => `${MARK}${kind}${Buffer.from(value, 'utf8').toString('hex')}`;

function dateTokens(kind: string, date: string): string[] {
  const [year = '', month = '', day = ''] = date.split('-');
  return [`${MARK}${kind}y${year}`, `${MARK}${kind}m${year}${month}`, `${MARK}${kind}d${year}${month}${day}`];
}

/** The filter tokens of a document. */
export function documentFilterTokens(document: LibraryDocument, fields: DocumentFields): string[] {
  const metadata = document.metadata;
  const tokens = [
    token('x', document.status),
    token('t', fields.subjectTop),
    token('p', fields.subject),
    token('g', metadata.genre),
    token('b', metadata.publisher),
    token('r', metadata.resourceType),
    ...dateTokens('pub', fields.publishedDate),
  ];
  if (metadata.validity !== undefined) tokens.push(token('v', metadata.validity));
  if (metadata.writtenAt !== undefined) tokens.push(...dateTokens('wri', metadata.writtenAt));
  for (const placement of document.placements) {
    tokens.push(token('s', placement.siteId), token('c', `${placement.siteId}/${placement.columnId}`));
  }
  return [...new Set(tokens)];
}

const anyOf = (tokens: string[]) => `(${tokens.map((t) => `"${t}"`).join(' OR ')})`;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** The tokens that cover the dates from..to (inclusive): whole years, then whole months, then single days. */
export function dateRangeTokens(kind: string, from = '0001-01-01', to = '9999-12-31'): string[] {
  const [fy = 1, fm = 1, fd = 1] = from.split('-').map(Number);
  const [ty = 9999, tm = 12, td = 31] = to.split('-').map(Number);
  const tokens: string[] = [];
  // Dates before 1900 or after 2100 are not in any government library; clamping keeps open ranges small.
  let year = Math.max(fy, 1900);
  let month = fy < 1900 ? 1 : fm;
  let day = fy < 1900 ? 1 : fd;
  const endYear = Math.min(ty, 2100);
  const endMonth = ty > 2100 ? 12 : tm;
  const endDay = ty > 2100 ? 31 : td;
  const before = (y: number, m: number, d: number) =>
    y < endYear || (y === endYear && (m < endMonth || (m === endMonth && d <= endDay)));
  while (before(year, month, day)) {
    const monthEnd = daysIn(year, month);
    if (day === 1 && month === 1 && (year < endYear || (endMonth === 12 && endDay === 31))) {
      tokens.push(`${MARK}${kind}y${year}`);
      year++;
      continue;
    }
    if (day === 1 && (year < endYear || endMonth > month || endDay >= monthEnd)) {
      tokens.push(`${MARK}${kind}m${year}${pad(month)}`);
    } else {
      tokens.push(`${MARK}${kind}d${year}${pad(month)}${pad(day)}`);
      day++;
      if (day <= monthEnd) continue;
    }
    day = 1;
    month++;
    if (month > 12) {
      month = 1;
      year++;
    }
  }
  return tokens;
}

/**
 * The filters as an FTS5 expression over the filter column, or null when there is none to add. Statuses and dates
 * can be left to the caller: they are rarely selective, and each of their tokens costs bm25 a pass over its doclist.
 */
export function filterExpression(filters: NormalisedFilters, statusesAndDates = true): string | null {
  const parts: string[] = statusesAndDates ? [anyOf(filters.statuses.map((status) => token('x', status)))] : [];
  const add = (kind: string, values: string[]) => {
    if (values.length > 0) parts.push(anyOf(values.map((value) => token(kind, value))));
  };
  add('g', filters.genres);
  add('b', filters.publishers);
  add('r', filters.resourceTypes);
  add('v', filters.validity);
  add('s', filters.siteIds);
  add(
    'c',
    filters.columns.map((column) => `${column.siteId}/${column.columnId}`),
  );
  if (filters.subjectTops.length + filters.subjectPaths.length > 0) {
    parts.push(
      anyOf([...filters.subjectTops.map((v) => token('t', v)), ...filters.subjectPaths.map((v) => token('p', v))]),
    );
  }
  for (const [kind, range] of [
    ['pub', filters.publishedAt],
    ['wri', filters.writtenAt],
  ] as const) {
    if (!statusesAndDates || (range.from === undefined && range.to === undefined)) continue;
    const tokens = dateRangeTokens(kind, range.from, range.to);
    // An empty range (from after to is refused by validation) can still cover no date a library holds.
    parts.push(tokens.length === 0 ? `"${MARK}${kind}none"` : anyOf(tokens));
  }
  return parts.length === 0 ? null : `{filters} : (${parts.join(' AND ')})`;
}
